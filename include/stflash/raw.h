/*
 * Raw access to a probe: ST-LINK command blocks passed through as they are, for programs that
 * relay a probe to another machine (stflash serve) rather than drive it. The caller speaks the
 * ST-LINK protocol itself; the library only carries the bytes, with its transports' deadlines.
 * Conventions as in stflash.h.
 */
#ifndef STFLASH_RAW_H
#define STFLASH_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

struct stflash_raw_probe;

/* Opens the one probe the selector names (as stflash_open does), without touching its mode or
 * its target. Errors: as stflash_open's for the probe (NOT_FOUND, INVALID_ARG, ACCESS, BUSY,
 * IO). */
int stflash_raw_open(struct stflash_ctx *ctx, const char *selector, struct stflash_raw_probe **out);

/* What was opened. */
const struct stflash_probe_info *stflash_raw_info(const struct stflash_raw_probe *p);

/* One command: the 16-byte block, then out_len bytes of out, then exactly in_len bytes into in
 * (a command either sends or receives data). Errors: STFLASH_ERR_TIMEOUT, STFLASH_ERR_IO (the
 * probe went away), STFLASH_ERR_INVALID_ARG (both directions at once). The ST-LINK status inside
 * the reply is the caller's to read. */
int stflash_raw_xfer(struct stflash_raw_probe *p, const uint8_t cmd[16], const uint8_t *out,
                     size_t out_len, uint8_t *in, size_t in_len);

/* Releases the probe (NULL is accepted). */
void stflash_raw_close(struct stflash_raw_probe *p);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
