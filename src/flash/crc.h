/*
 * CRC-32 of flash content computed on the target (flash/crc.c, loaders/crc32.S), and the same
 * CRC on the host. Verification and the unchanged-page check compare the two instead of reading
 * the flash back over SWD. Internal.
 */
#ifndef STFLASH_FLASH_CRC_H
#define STFLASH_FLASH_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash/flash.h"

/*
 * The reflected CRC-32 (polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF: the CRC
 * of "123456789" is 0xcbf43926). Chains: crc32 of a then b is flash_crc32(flash_crc32(0, a), b).
 */
uint32_t flash_crc32(uint32_t crc, const uint8_t *data, size_t len);

/* What the routine answers for a piece of flash holding `data`: 0 when every byte is the erased
 * value (the routine does not compute the CRC of erased flash), the CRC-32 otherwise. As with any
 * CRC comparison, different content gives the same answer with a probability of 2^-32. */
uint32_t flash_crc_expected(const uint8_t *data, size_t len, uint8_t erased);

/* A region of flash cut into pieces of `piece` bytes from addr (the last one shorter); piece 0
 * or piece >= len: one piece. A region of length 0 has no piece. The result of a piece is
 * flash_crc_expected() of its content; with blank, it is an exact blank check instead: 0 when
 * every byte is the erased value (f->map.erased), something else otherwise. */
struct flash_crc_region {
    uint32_t addr;
    uint32_t len;
    uint32_t piece;
    bool blank;
};

/* The number of pieces (results) of a region. */
size_t flash_crc_piece_count(const struct flash_crc_region *r);

/*
 * Computes on the target the CRC-32 (or the blank check) of every piece of the n regions, in
 * order, into crcs (one result per piece). The routine and its table go to the SRAM of f
 * (sram_base, sram_size); the core must be halted and is left halted. With preserve, the SRAM used
 * and the core registers the routine changes are saved before and written back after, so that the
 * firmware can go on as if nothing had happened (a job that programs need not: its loader uses the
 * SRAM anyway). Errors: STFLASH_ERR_UNSUPPORTED when the SRAM is too small, or whatever loading,
 * running or reading the routine meets (a timeout, a crash, a probe error), with a message naming
 * the address. Callers fall back to reading the flash back.
 */
int flash_crc_target(struct flash_dev *f, const struct flash_crc_region *regions, size_t n,
                     bool preserve, uint32_t *crcs);

#endif
