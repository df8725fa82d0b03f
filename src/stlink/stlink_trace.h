/*
 * The ST-LINK's SWO trace receiver: START_TRACE_RX (F2 40: host buffer size u16 at [2], baud
 * u32 at [4]), STOP_TRACE_RX (F2 41), GET_TRACE_NB (F2 42: the bytes waiting, u16, no status)
 * and the trace endpoint that delivers them (command codes in stlink_proto.h).
 * Firmware V2 J13 and later, and every V3. Internal.
 */
#ifndef STFLASH_STLINK_STLINK_TRACE_H
#define STFLASH_STLINK_STLINK_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "stlink/stlink.h"

/* The highest SWO baud rate the ST-LINK/V2 and V2-1 receiver takes: 2 MHz. */
#define STLINK_TRACE_MAX_BAUD_V2 2000000u
/* The host-side buffer size announced at start. */
#define STLINK_TRACE_BUFFER 4096u

/* STFLASH_ERR_UNSUPPORTED (firmware before J13, or a transport without the trace endpoint). */
int stlink_trace_start(struct stlink *sl, uint32_t baud);
int stlink_trace_stop(struct stlink *sl);
/* Takes what the receiver holds, at most cap bytes: the count (0: nothing). */
int stlink_trace_read(struct stlink *sl, uint8_t *buf, size_t cap);

#endif
