/*
 * Real-Time Transfer: the firmware keeps ring buffers in its RAM, described by a control block
 * that starts with the id "SEGGER RTT"; the debugger reads and writes them through the memory
 * access port while the core runs, so nothing halts. Layout (SEGGER's RTT documentation):
 *
 *   offset 0   char id[16]           "SEGGER RTT", zero-padded
 *   offset 16  int32 MaxNumUpBuffers    target to host channels
 *   offset 20  int32 MaxNumDownBuffers  host to target channels
 *   offset 24  the up descriptors, then the down descriptors, 24 bytes each:
 *              +0 sName (address of a C string, may be 0), +4 pBuffer, +8 SizeOfBuffer,
 *              +12 WrOff, +16 RdOff, +20 Flags
 *
 * The writer of a ring moves WrOff, the reader RdOff: for an up channel the target writes and
 * the debugger reads, for a down channel the reverse. A ring holds at most SizeOfBuffer - 1
 * bytes (WrOff == RdOff means empty).
 */
#ifndef STFLASH_RTT_H
#define STFLASH_RTT_H

#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

/* Channels per direction kept track of; a control block declaring more is refused. */
#define STFLASH_RTT_CHANNELS_MAX 16
/* Bytes of the control block before the descriptors, and of one descriptor. */
#define STFLASH_RTT_HEADER_SIZE 24u
#define STFLASH_RTT_DESC_SIZE 24u

struct stflash_rtt_channel {
    uint32_t desc;   /* address of the descriptor */
    char name[32];   /* sName as read when the block was found ("" when 0 or unreadable) */
    uint32_t buffer; /* pBuffer; 0 with size 0: a channel the firmware does not use */
    uint32_t size;   /* SizeOfBuffer */
    uint32_t flags;  /* Flags: bits [1:0] the up channel's mode when full (0 skip, 1 trim,
                        2 block) */
};

struct stflash_rtt {
    uint32_t addr; /* the control block */
    unsigned up_count, down_count;
    struct stflash_rtt_channel up[STFLASH_RTT_CHANNELS_MAX];
    struct stflash_rtt_channel down[STFLASH_RTT_CHANNELS_MAX];
};

/*
 * Reads and checks the control block at addr (from an ELF symbol, or given by the user): the id,
 * channel counts of at most STFLASH_RTT_CHANNELS_MAX, the block and every buffer inside RAM (the
 * chip's SRAM when the block lies in it, else the SRAM region of the memory map,
 * 0x20000000-0x3FFFFFFF), offsets below the buffer sizes. The core may run meanwhile.
 * Errors: STFLASH_ERR_NOT_FOUND (no id at addr), STFLASH_ERR_FORMAT (a field out of range: the
 * message names it), probe errors.
 */
int stflash_rtt_at(struct stflash_dev *dev, uint32_t addr, struct stflash_rtt *out);

/*
 * Searches [start, start + len) for the control block (len 0: the chip's SRAM) in large reads,
 * at 4-byte aligned addresses, and checks the first block found as stflash_rtt_at does.
 * Errors: STFLASH_ERR_NOT_FOUND (no id in the range: the firmware has not started RTT yet, or
 * keeps it elsewhere), STFLASH_ERR_INVALID_ARG (len 0 and the chip's SRAM unknown),
 * those of stflash_rtt_at.
 */
int stflash_rtt_scan(struct stflash_dev *dev, uint32_t start, uint32_t len,
                     struct stflash_rtt *out);

/*
 * Takes what the target has written to up channel `channel`, at most cap bytes: reads WrOff,
 * copies the bytes from RdOff on, then stores the new RdOff. Returns the byte count (0: none).
 * Errors: STFLASH_ERR_INVALID_ARG (no such channel, or an unused one), STFLASH_ERR_FORMAT
 * (an offset out of range: the block was overwritten), probe errors.
 */
int stflash_rtt_read(struct stflash_dev *dev, const struct stflash_rtt *rtt, unsigned channel,
                     uint8_t *buf, size_t cap);

/*
 * Puts up to len bytes into down channel `channel` as far as the ring has room, then stores the
 * new WrOff. Returns the byte count written (0: the ring is full; the target has not read yet).
 * Errors: as stflash_rtt_read.
 */
int stflash_rtt_write(struct stflash_dev *dev, const struct stflash_rtt *rtt, unsigned channel,
                      const uint8_t *buf, size_t len);

/*
 * The value of symbol `name` in the symbol table of an ELF32 file (e.g. _SEGGER_RTT).
 * Errors: STFLASH_ERR_IO (unreadable file), STFLASH_ERR_FORMAT (not ELF32 little-endian, or no
 * symbol table: a stripped file), STFLASH_ERR_NOT_FOUND (no such symbol).
 */
int stflash_elf_symbol(struct stflash_ctx *ctx, const char *path, const char *name,
                       uint32_t *value);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
