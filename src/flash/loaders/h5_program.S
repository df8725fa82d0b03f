/*
 * The H5's loader: l5u5_program.S with the H5's NSCR.PG (bit 1), NSSR.BSY (bit 0) and error
 * flags (bits 23:17, reported where they sit), quad words (RM0481 §7.3 "Flash memory programming
 * sequences"). Same control block and check in the pass; the error status is
 * LDR_ERR_STATUS | FLASH_NSSR[31:16].
 */
#define L5U5_UNIT 16
#define L5U5_H5 1
#include "l5u5_program.S"
