/*
 * The F2/F4/F7 flash loader for x8 programming (PSIZE 00, 1.8-2.1 V: RM0090 §3.6.2 Table 6):
 * f4_program.S with byte stores and read-backs. Same control block and answers.
 */
#define F4_UNIT 1
#include "f4_program.S"
