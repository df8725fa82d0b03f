/*
 * The F2/F4/F7 flash loader for x16 programming (PSIZE 01, 2.1-2.7 V: RM0090 §3.6.2 Table 6):
 * f4_program.S with half-word stores and read-backs. Same control block and answers.
 */
#define F4_UNIT 2
#include "f4_program.S"
