/*
 * What the host and the routines it runs in target SRAM agree on: the control block of a flash
 * loader (flash/loader.c and every loaders/<family>_program.S), its status codes, and the
 * parameter block of the CRC routine (flash/crc.c, loaders/crc32.S). Included by C and by the
 * assembler: plain #defines only.
 */
#ifndef STFLASH_FLASH_LOADERS_LOADER_ABI_H
#define STFLASH_FLASH_LOADERS_LOADER_ABI_H

/* ---- flash loaders ----
 * Entry: r0 = the control block (word aligned). The loader programs one job (a range of one bank)
 * from a ring buffer the host fills while it runs, and stops on BKPT with r0 = a status, r1 = the
 * flash address where it stopped (the failing unit), r2 = what that unit reads back. Byte n of the
 * job is at ring + (n mod ring size); the host may overwrite the ring below rp. */
#define LDR_CB_REGS 0   /* flash controller register block of the bank being programmed */
#define LDR_CB_ADDR 4   /* first flash address of the job (aligned to the program unit) */
#define LDR_CB_LEN 8    /* bytes to program (a multiple of the program unit) */
#define LDR_CB_RING 12  /* ring address (SRAM, word aligned) */
#define LDR_CB_SIZE 16  /* ring size in bytes (a power of two) */
#define LDR_CB_WP 20    /* bytes the host has put into the ring so far (host writes) */
#define LDR_CB_RP 24    /* bytes programmed so far, at most wp (loader writes) */
#define LDR_CB_STATE 28 /* LDR_STATE_* (loader writes, before its BKPT) */
#define LDR_CB_ERASED                                                                              \
    32                /* an erased program unit (0xFFFF, 0xFFFFFFFF, 0): such units are            \
                         skipped, the job being erased already */
#define LDR_CB_ARG 36 /* family-specific (e.g. a program width); 0 when unused */
#define LDR_CB_CRC                                                                                 \
    40 /* loaders that check in the pass (LDR_CRC_* in loader_ring.inc) write here, before their   \
          BKPT, the CRC-32 (flash/crc.h flash_crc32) of what the job's flash reads after           \
          programming; the others leave it alone */
#define LDR_CB_BYTES 44 /* size of the control block */

#define LDR_STATE_RUNNING 0
#define LDR_STATE_DONE 1
#define LDR_STATE_FAILED 2

/* r0 at the BKPT: 0 on success, else one of these. */
#define LDR_ERR_READBACK 0x100 /* a programmed unit reads back different */
#define LDR_ERR_STATUS                                                                             \
    0x200 /* OR-ed with the controller's status register bits that tell                            \
             the failure (FLASH_SR on the F0/F1/F3) */

/* ---- the CRC routine ----
 * Entry: r0 = the parameter block (word aligned); exit on BKPT with r0 = results written. */
#define CRC_PB_TABLE 0   /* table address (1 KiB, word aligned) */
#define CRC_PB_FLAGS 4   /* CRC_FLAG_* */
#define CRC_PB_COUNT 8   /* number of descriptors */
#define CRC_PB_OUT 12    /* output address (word aligned): one result per piece, in order */
#define CRC_PB_ERASED 16 /* the erased byte in all four bytes (0xFFFFFFFF, or 0 on L0/L1) */
#define CRC_PB_BYTES 20  /* the descriptors follow */
#define CRC_DESC_BYTES                                                                             \
    12 /* +0 first address, +4 length, +8 piece length (0: the whole                               \
          region) | CRC_PIECE_BLANK */
#define CRC_FLAG_BUILD_TABLE 1
#define CRC_PIECE_BLANK 0x80000000 /* a blank check instead of a CRC */

#endif
