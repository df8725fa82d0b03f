/*
 * The L5's loader: l5u5_program.S with double words (RM0438 §6.3.7: 64-bit programming). Same
 * control block and answers.
 */
#define L5U5_UNIT 8
#include "l5u5_program.S"
