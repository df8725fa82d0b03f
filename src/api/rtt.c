/*
 * Real-Time Transfer (include/stflash/rtt.h): finding and checking the control block, and moving
 * bytes through its rings with memory accesses only, so the core keeps running.
 */
#include <stdlib.h>
#include <string.h>

#include "api/dev.h"
#include "core/le.h"
#include "stflash/rtt.h"

#define RTT_ID "SEGGER RTT"
#define RTT_ID_LEN 16u
#define SCAN_CHUNK 16384u

/* Descriptor fields (byte offsets). */
#define D_NAME 0u
#define D_BUFFER 4u
#define D_SIZE 8u
#define D_WROFF 12u
#define D_RDOFF 16u
#define D_FLAGS 20u

/* The SRAM region of the ARMv7-M/ARMv6-M memory map (ARMv7-M ARM B3.1), where a block outside
 * the chip's listed SRAM (a TCM, a second SRAM) still has to lie. */
#define MAP_SRAM_BASE 0x20000000u
#define MAP_SRAM_END 0x40000000ull

struct ram {
    uint32_t base;
    uint64_t end;
};

static bool id_matches(const uint8_t *p)
{
    static const char id[RTT_ID_LEN] = RTT_ID;
    return memcmp(p, id, RTT_ID_LEN) == 0;
}

static struct ram ram_for(const struct stflash_dev *dev, uint32_t addr)
{
    const struct stflash_target_info *t = &dev->target;
    if (t->sram_size && addr >= t->sram_base && addr < (uint64_t)t->sram_base + t->sram_size)
        return (struct ram){t->sram_base, (uint64_t)t->sram_base + t->sram_size};
    return (struct ram){MAP_SRAM_BASE, MAP_SRAM_END};
}

static bool inside(const struct ram *r, uint32_t addr, uint64_t len)
{
    return addr >= r->base && (uint64_t)addr + len <= r->end;
}

/* The channel's name: a C string the firmware points at, often in flash. Best effort. */
static void read_name(struct stflash_dev *dev, uint32_t addr, char *name, size_t cap)
{
    uint8_t raw[32];
    name[0] = '\0';
    if (addr == 0 || stflash_mem_read(dev, addr, raw, sizeof raw) != 0)
        return;
    size_t i = 0;
    for (; i + 1 < cap && i < sizeof raw && raw[i] >= 0x20 && raw[i] < 0x7f; i++)
        name[i] = (char)raw[i];
    name[i] = '\0';
}

static int check_channel(struct stflash_dev *dev, const struct ram *r, const char *dir, unsigned n,
                         const uint8_t *d, struct stflash_rtt_channel *ch, uint32_t desc)
{
    ch->desc = desc;
    ch->buffer = le32_get(d + D_BUFFER);
    ch->size = le32_get(d + D_SIZE);
    ch->flags = le32_get(d + D_FLAGS);
    uint32_t wr = le32_get(d + D_WROFF), rd = le32_get(d + D_RDOFF);
    if (ch->buffer == 0 && ch->size == 0) {
        ch->name[0] = '\0';
        return STFLASH_OK; /* declared, not used */
    }
    if (ch->size < 2 || !inside(r, ch->buffer, ch->size))
        return ctx_fail(dev->ctx, STFLASH_ERR_FORMAT,
                        "RTT control block: %s channel %u has a buffer of %u bytes at 0x%08x, "
                        "outside RAM 0x%08x-0x%08llx: the block is not initialised or was "
                        "overwritten; check the address, or let the firmware start RTT first",
                        dir, n, ch->size, ch->buffer, r->base, (unsigned long long)(r->end - 1u));
    if (wr >= ch->size || rd >= ch->size)
        return ctx_fail(dev->ctx, STFLASH_ERR_FORMAT,
                        "RTT control block: %s channel %u has offsets WrOff %u RdOff %u beyond "
                        "its %u-byte buffer: the block was overwritten",
                        dir, n, wr, rd, ch->size);
    read_name(dev, le32_get(d + D_NAME), ch->name, sizeof ch->name);
    return STFLASH_OK;
}

int stflash_rtt_at(struct stflash_dev *dev, uint32_t addr, struct stflash_rtt *out)
{
    if (!dev || !out)
        return STFLASH_ERR_INVALID_ARG;
    if (addr & 3u)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "RTT control block address 0x%08x is not a multiple of 4", addr);
    struct ram r = ram_for(dev, addr);
    if (!inside(&r, addr, STFLASH_RTT_HEADER_SIZE))
        return ctx_fail(dev->ctx, STFLASH_ERR_FORMAT,
                        "RTT control block address 0x%08x is outside RAM (0x%08x-0x%08llx): "
                        "give the address of _SEGGER_RTT in RAM",
                        addr, r.base, (unsigned long long)(r.end - 1u));
    uint8_t head[STFLASH_RTT_HEADER_SIZE];
    int rc = stflash_mem_read(dev, addr, head, sizeof head);
    if (rc)
        return rc;
    if (!id_matches(head))
        return ctx_fail(dev->ctx, STFLASH_ERR_NOT_FOUND,
                        "no RTT control block at 0x%08x (no \"" RTT_ID "\" id there): the "
                        "firmware has not started RTT yet, or the address is wrong",
                        addr);
    uint32_t nup = le32_get(head + 16), ndown = le32_get(head + 20);
    if (nup > STFLASH_RTT_CHANNELS_MAX || ndown > STFLASH_RTT_CHANNELS_MAX || nup + ndown == 0)
        return ctx_fail(dev->ctx, STFLASH_ERR_FORMAT,
                        "RTT control block at 0x%08x declares %u up and %u down channels (0 to "
                        "%u each, one at least, expected): the block is corrupt",
                        addr, nup, ndown, STFLASH_RTT_CHANNELS_MAX);
    uint32_t desc_len = (nup + ndown) * STFLASH_RTT_DESC_SIZE;
    if (!inside(&r, addr, STFLASH_RTT_HEADER_SIZE + (uint64_t)desc_len))
        return ctx_fail(dev->ctx, STFLASH_ERR_FORMAT,
                        "RTT control block at 0x%08x with %u channels runs past the end of RAM "
                        "(0x%08llx): the block is corrupt",
                        addr, nup + ndown, (unsigned long long)(r.end - 1u));
    uint8_t desc[2u * STFLASH_RTT_CHANNELS_MAX * STFLASH_RTT_DESC_SIZE];
    rc = stflash_mem_read(dev, addr + STFLASH_RTT_HEADER_SIZE, desc, desc_len);
    if (rc)
        return rc;
    struct stflash_rtt rtt;
    memset(&rtt, 0, sizeof rtt);
    rtt.addr = addr;
    rtt.up_count = nup;
    rtt.down_count = ndown;
    for (unsigned i = 0; i < nup + ndown; i++) {
        bool up = i < nup;
        unsigned n = up ? i : i - nup;
        uint32_t at = addr + STFLASH_RTT_HEADER_SIZE + i * STFLASH_RTT_DESC_SIZE;
        rc = check_channel(dev, &r, up ? "up" : "down", n, desc + i * STFLASH_RTT_DESC_SIZE,
                           up ? &rtt.up[n] : &rtt.down[n], at);
        if (rc)
            return rc;
    }
    *out = rtt;
    return STFLASH_OK;
}

int stflash_rtt_scan(struct stflash_dev *dev, uint32_t start, uint32_t len, struct stflash_rtt *out)
{
    if (!dev || !out)
        return STFLASH_ERR_INVALID_ARG;
    if (len == 0) {
        start = dev->target.sram_base;
        len = dev->target.sram_size;
        if (len == 0)
            return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                            "the target's SRAM is unknown (no chip row): give the control "
                            "block's address (--address, or --elf with _SEGGER_RTT)");
    }
    start = (start + 3u) & ~3u;
    uint8_t *buf = malloc(SCAN_CHUNK);
    if (!buf)
        return ctx_fail(dev->ctx, STFLASH_ERR_NO_MEMORY, "out of memory");
    uint64_t end = (uint64_t)start + len;
    int rc = STFLASH_ERR_NOT_FOUND;
    /* Chunks overlap by the id's length so that an id across a boundary is seen. */
    for (uint64_t at = start; at + RTT_ID_LEN <= end && rc == STFLASH_ERR_NOT_FOUND;
         at += SCAN_CHUNK - RTT_ID_LEN) {
        size_t n = (size_t)(end - at < SCAN_CHUNK ? end - at : SCAN_CHUNK);
        int r = stflash_mem_read(dev, (uint32_t)at, buf, n);
        if (r) {
            rc = r;
            break;
        }
        for (size_t off = 0; off + RTT_ID_LEN <= n; off += 4u)
            if (id_matches(buf + off)) {
                rc = stflash_rtt_at(dev, (uint32_t)(at + off), out);
                break;
            }
        if (n < SCAN_CHUNK)
            break;
    }
    free(buf);
    if (rc == STFLASH_ERR_NOT_FOUND)
        return ctx_fail(dev->ctx, STFLASH_ERR_NOT_FOUND,
                        "no RTT control block (\"" RTT_ID "\") in RAM 0x%08x-0x%08llx: the "
                        "firmware has not started RTT yet (let it run), or keeps the block "
                        "elsewhere (give --address, or --elf with the _SEGGER_RTT symbol)",
                        start, (unsigned long long)(end - 1u));
    return rc;
}

static int channel_of(struct stflash_dev *dev, const struct stflash_rtt *rtt, bool up,
                      unsigned channel, const struct stflash_rtt_channel **ch)
{
    unsigned count = up ? rtt->up_count : rtt->down_count;
    const char *dir = up ? "up" : "down";
    if (channel >= count)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "RTT %s channel %u does not exist: the firmware declares %u (0-%d)", dir,
                        channel, count, (int)count - 1);
    *ch = up ? &rtt->up[channel] : &rtt->down[channel];
    if ((*ch)->size == 0)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "RTT %s channel %u has no buffer: the firmware does not use it", dir,
                        channel);
    return STFLASH_OK;
}

/* WrOff and RdOff of a channel, checked against its size. */
static int read_offsets(struct stflash_dev *dev, const struct stflash_rtt_channel *ch,
                        const char *dir, unsigned channel, uint32_t *wr, uint32_t *rd)
{
    uint8_t raw[8];
    int rc = stflash_mem_read(dev, ch->desc + D_WROFF, raw, sizeof raw);
    if (rc)
        return rc;
    *wr = le32_get(raw);
    *rd = le32_get(raw + 4);
    if (*wr >= ch->size || *rd >= ch->size)
        return ctx_fail(dev->ctx, STFLASH_ERR_FORMAT,
                        "RTT %s channel %u: WrOff %u or RdOff %u is beyond its %u-byte buffer: "
                        "the control block was overwritten (the firmware restarted or crashed?)",
                        dir, channel, *wr, *rd, ch->size);
    return STFLASH_OK;
}

int stflash_rtt_read(struct stflash_dev *dev, const struct stflash_rtt *rtt, unsigned channel,
                     uint8_t *buf, size_t cap)
{
    if (!dev || !rtt || (!buf && cap))
        return STFLASH_ERR_INVALID_ARG;
    const struct stflash_rtt_channel *ch = NULL;
    uint32_t wr = 0, rd = 0;
    int rc = channel_of(dev, rtt, true, channel, &ch);
    if (rc == 0)
        rc = read_offsets(dev, ch, "up", channel, &wr, &rd);
    if (rc)
        return rc;
    if (cap > INT32_MAX)
        cap = INT32_MAX;
    size_t got = 0;
    /* At most two pieces: from RdOff to the end of the buffer (when the data wraps), then on
     * to WrOff. */
    while (rd != wr && got < cap) {
        uint32_t stop = wr > rd ? wr : ch->size;
        size_t n = stop - rd;
        if (n > cap - got)
            n = cap - got;
        rc = stflash_mem_read(dev, ch->buffer + rd, buf + got, n);
        if (rc)
            return rc;
        got += n;
        rd = (uint32_t)((rd + n) % ch->size);
    }
    if (got == 0)
        return 0;
    uint8_t raw[4];
    le32_put(raw, rd);
    rc = stflash_mem_write(dev, ch->desc + D_RDOFF, raw, sizeof raw);
    return rc ? rc : (int)got;
}

int stflash_rtt_write(struct stflash_dev *dev, const struct stflash_rtt *rtt, unsigned channel,
                      const uint8_t *buf, size_t len)
{
    if (!dev || !rtt || (!buf && len))
        return STFLASH_ERR_INVALID_ARG;
    const struct stflash_rtt_channel *ch = NULL;
    uint32_t wr = 0, rd = 0;
    int rc = channel_of(dev, rtt, false, channel, &ch);
    if (rc == 0)
        rc = read_offsets(dev, ch, "down", channel, &wr, &rd);
    if (rc)
        return rc;
    /* One byte stays free: WrOff == RdOff means empty. */
    size_t room = (rd + ch->size - wr - 1u) % ch->size;
    if (len > room)
        len = room;
    if (len > INT32_MAX)
        len = INT32_MAX;
    size_t put = 0;
    while (put < len) {
        size_t n = ch->size - wr;
        if (n > len - put)
            n = len - put;
        rc = stflash_mem_write(dev, ch->buffer + wr, buf + put, n);
        if (rc)
            return rc;
        put += n;
        wr = (uint32_t)((wr + n) % ch->size);
    }
    if (put == 0)
        return 0;
    uint8_t raw[4];
    le32_put(raw, wr);
    rc = stflash_mem_write(dev, ch->desc + D_WROFF, raw, sizeof raw);
    return rc ? rc : (int)put;
}
