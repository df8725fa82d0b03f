/*
 * ITM packet decoding, byte by byte (ARMv7-M ARM D4.2, "The ITM and DWT packet protocol"):
 *   header bits [1:0] != 00  source packet: bits [7:3] the port or discriminator, bit 2 set for
 *                            a hardware (DWT) source, then 1, 2 or 4 payload bytes (SS 01/10/11)
 *   00000000 x5+, 10000000   synchronisation (47 zero bits at least, then a one)
 *   01110000                 overflow
 *   CDDD0000                 local timestamp: C clear, DDD the time (format 2); C set, TC in
 *                            bits [5:4] and continuation bytes follow (format 1)
 *   CDDD1S00                 extension (S the source), continuation bytes while C is set
 *   10010100, 10110100       global timestamp 1 and 2, continuation bytes follow
 * Zero bytes that do not end in a synchronisation packet are taken as idle line.
 */
#include <string.h>

#include "stflash/swo.h"

#define CONTINUATION 0x80u
#define MAX_CONTINUATION 6u

/* The kind of the protocol packet whose continuation bytes are being read is kept in the
 * header byte: it is decoded again when the packet ends. */
static enum stflash_itm_kind protocol_kind(uint8_t header)
{
    if ((header & 0x0Fu) == 0)
        return STFLASH_ITM_TIMESTAMP;
    if ((header & 0x0Bu) == 0x08u)
        return STFLASH_ITM_EXTENSION;
    return STFLASH_ITM_TIMESTAMP; /* 0x94, 0xB4: global timestamps */
}

void stflash_itm_init(struct stflash_itm_decoder *d)
{
    memset(d, 0, sizeof *d);
}

static bool emit(struct stflash_itm_packet *out, enum stflash_itm_kind kind, unsigned source,
                 unsigned size, uint32_t value)
{
    out->kind = kind;
    out->source = source;
    out->size = size;
    out->value = value;
    return true;
}

bool stflash_itm_feed(struct stflash_itm_decoder *d, uint8_t byte, struct stflash_itm_packet *out)
{
    if (d->need) { /* payload of a source packet */
        d->value |= (uint32_t)byte << (8u * d->got);
        if (++d->got < d->need)
            return false;
        d->need = 0;
        return emit(out, (d->header & 4u) ? STFLASH_ITM_HARDWARE : STFLASH_ITM_STIMULUS,
                    d->header >> 3, d->got, d->value);
    }
    if (d->continued) { /* continuation bytes of a protocol packet */
        if (d->got < MAX_CONTINUATION && d->got * 7u < 32u)
            d->value |= (uint32_t)(byte & 0x7Fu) << (7u * d->got);
        d->got++;
        if (byte & CONTINUATION)
            return false;
        d->continued = false;
        return emit(out, protocol_kind(d->header), 0, d->got, d->value);
    }
    if (byte == 0) {
        d->zeros++;
        return false;
    }
    unsigned zeros = d->zeros;
    d->zeros = 0;
    if (byte == 0x80u && zeros >= 5u)
        return emit(out, STFLASH_ITM_SYNC, 0, 0, 0);

    if (byte & 3u) {
        unsigned ss = byte & 3u;
        d->header = byte;
        d->need = ss == 1u ? 1u : ss == 2u ? 2u : 4u;
        d->got = 0;
        d->value = 0;
        return false;
    }
    if (byte == 0x70u)
        return emit(out, STFLASH_ITM_OVERFLOW, 0, 0, 0);
    bool timestamp = (byte & 0x0Fu) == 0, extension = (byte & 0x0Bu) == 0x08u;
    bool global = byte == 0x94u || byte == 0xB4u;
    if (!timestamp && !extension && !global)
        return emit(out, STFLASH_ITM_RESERVED, 0, 0, byte);
    if (byte & CONTINUATION) {
        d->header = byte;
        d->continued = true;
        d->got = 0;
        d->value = 0;
        return false;
    }
    return emit(out, timestamp ? STFLASH_ITM_TIMESTAMP : STFLASH_ITM_EXTENSION,
                extension ? (byte >> 2) & 1u : 0, 0, (byte >> 4) & 7u);
}
