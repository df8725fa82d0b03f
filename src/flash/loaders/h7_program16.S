/* The H7 loader for 128-bit flash words (H7A3/H7B3/H7B0, RM0455 §4.3.9): h7_program.S with
 * H7_WORD 16, entered at h7_program16. */
#define H7_WORD 16
#define h7_program h7_program16
#include "h7_program.S"
