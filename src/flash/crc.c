/*
 * CRC-32 of flash regions computed by a routine in target SRAM (loaders/crc32.S), and the same
 * CRC on the host.
 *
 * SRAM layout from sram_base:
 *
 *   table (1 KiB, built by the routine) | stack (64 bytes, for an exception frame only) |
 *   routine | parameter block | descriptors (12 bytes each) | CRCs (4 bytes each)
 *
 * (A frame larger than the stack, with the FPU's registers, runs into the table, in SRAM.)
 * The routine, the parameter block and the descriptors follow each other, so that the first
 * batch puts them into SRAM with one memory command.
 *
 * The parameter block and descriptors are laid out in loaders/loader_abi.h (CRC_PB_*), which the
 * routine includes too.
 *
 * The descriptors and CRCs share the rest of the SRAM: regions with more pieces than fit are
 * done in several runs of the routine (batches), the table built by the first one only.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "crc32_loader.h"
#include "crc32_v7m_loader.h"
#include "flash/clock.h"
#include "flash/crc.h"
#include "flash/loaders/loader_abi.h"
#include "flash/sysregs.h"

#define CRC_STACK 64u
#define CRC_TABLE 1024u
#define CRC_PARAMS ((uint32_t)CRC_PB_BYTES)
#define CRC_DESC ((uint32_t)CRC_DESC_BYTES)
/* At the least one descriptor and a few CRCs per batch; at the most 16 KiB of them. */
#define CRC_ROOM_MIN 64u
#define CRC_ROOM_MAX 16384u

/* Deadline of one run: cycles counted generously (a byte of the word loop takes 6, a byte
 * before or after the whole words 9, a piece about 40, the table 11k) at 2 MHz, a quarter of the
 * 8 MHz the F0/F1/F3 parts run at after reset, plus a margin for the probe. */
#define CRC_CYCLES_PER_BYTE 9u
#define CRC_CYCLES_PER_PIECE 64u
#define CRC_CYCLES_TABLE 12000u
#define CRC_MIN_KHZ 2000u
#define CRC_MARGIN_MS 500u

/* Core registers the routine and its start change: r0-r12, PC, xPSR, MSP, PSP. */
static const unsigned saved_regs[] = {16, 17, 18, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15};
#define SAVED_REG_COUNT (sizeof saved_regs / sizeof saved_regs[0])

/* zlib's crc32: the reflected polynomial 0xEDB88320 with inverted start and end, the CRC-32 the
 * routine computes (loaders/crc32.S). Fed in pieces zlib's uInt length can hold. */
uint32_t flash_crc32(uint32_t crc, const uint8_t *data, size_t len)
{
    uLong c = crc;
    while (len > 0) {
        uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
        c = crc32(c, data, n);
        data += n;
        len -= n;
    }
    return (uint32_t)c;
}

uint32_t flash_crc_expected(const uint8_t *data, size_t len, uint8_t erased)
{
    for (size_t i = 0; i < len; i++)
        if (data[i] != erased)
            return flash_crc32(0, data, len);
    return 0;
}

static uint32_t piece_len(const struct flash_crc_region *r)
{
    return r->piece == 0 || r->piece > r->len ? r->len : r->piece;
}

size_t flash_crc_piece_count(const struct flash_crc_region *r)
{
    if (r->len == 0)
        return 0;
    uint32_t p = piece_len(r);
    return r->len / p + (r->len % p != 0);
}

struct crc_layout {
    const uint8_t *routine; /* loaders/crc32.S, or its ARMv7-M build */
    uint32_t routine_len;
    uint32_t base;   /* the start of the SRAM used: the table */
    uint32_t sp;     /* initial stack pointer, top of the stack */
    uint32_t table;  /* 1 KiB */
    uint32_t code;   /* routine */
    uint32_t params; /* parameter block, then the descriptors and the CRCs */
    uint32_t room;   /* bytes for the descriptors and the CRCs of one batch */
};

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

/* The ARMv7-M build where the chip's core runs it (include/stflash/chip.h enum stflash_core:
 * every core but the M0 and M0+); the ARMv6-M one everywhere else. */
static bool core_is_v7m(const struct stflash_chip_info *chip)
{
    return chip && (chip->core == STFLASH_CORE_M3 || chip->core == STFLASH_CORE_M4 ||
                    chip->core == STFLASH_CORE_M7 || chip->core == STFLASH_CORE_M33);
}

static int plan_layout(struct flash_dev *f, struct crc_layout *l)
{
    bool v7m = core_is_v7m(f->chip);
    l->routine = v7m ? crc32_v7m_loader : crc32_loader;
    l->routine_len = v7m ? CRC32_V7M_LOADER_LEN : CRC32_LOADER_LEN;
    uint32_t code = (l->routine_len + 7u) & ~7u;
    uint32_t fixed = code + CRC_STACK + CRC_TABLE + CRC_PARAMS;
    if (f->sram_size < fixed + CRC_ROOM_MIN)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "not enough SRAM for the CRC routine: %u bytes at 0x%08x, %u needed",
                        f->sram_size, f->sram_base, fixed + CRC_ROOM_MIN);
    l->base = f->sram_base;
    l->table = f->sram_base;
    l->sp = l->table + CRC_TABLE + CRC_STACK;
    l->code = l->sp;
    l->params = l->code + code;
    l->room = f->sram_size - fixed;
    if (l->room > CRC_ROOM_MAX)
        l->room = CRC_ROOM_MAX;
    return STFLASH_OK;
}

static unsigned run_timeout_ms(uint64_t bytes, size_t pieces, bool table)
{
    uint64_t cycles = bytes * CRC_CYCLES_PER_BYTE + (uint64_t)pieces * CRC_CYCLES_PER_PIECE +
                      (table ? CRC_CYCLES_TABLE : 0u);
    uint64_t ms = cycles / CRC_MIN_KHZ + CRC_MARGIN_MS;
    return ms > 600000u ? 600000u : (unsigned)ms;
}

/* While the routine runs: the unlock the engine asked for (flash.h, unlock_early), which touches
 * the controller's registers only. A failure is left for the engine's own unlock to find again
 * and report. */
static void unlock_meanwhile(struct flash_dev *f)
{
    if (!f->unlock_early)
        return;
    f->unlock_early = false;
    char saved[sizeof f->ctx->last_error];
    if (f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    f->unlocked = f->drv->unlock(f) == STFLASH_OK;
    if (!f->unlocked && f->ctx)
        memcpy(f->ctx->last_error, saved, sizeof saved);
}

/* One run of the routine over the nd descriptors (np pieces, bytes in all) in `desc`. The first
 * (build_table) loads the routine with its job: buf has room for it before the parameter block,
 * from l->code. */
static int run_batch(struct flash_dev *f, const struct crc_layout *l, uint8_t *code_buf,
                     const struct flash_crc_region *desc, size_t nd, size_t np, uint64_t bytes,
                     bool build_table, uint32_t *crcs)
{
    uint8_t *buf = code_buf + (l->params - l->code);
    uint32_t out = l->params + CRC_PARAMS + (uint32_t)(nd * CRC_DESC);
    le32_put(buf + CRC_PB_TABLE, l->table);
    le32_put(buf + CRC_PB_FLAGS, build_table ? (uint32_t)CRC_FLAG_BUILD_TABLE : 0u);
    le32_put(buf + CRC_PB_COUNT, (uint32_t)nd);
    le32_put(buf + CRC_PB_OUT, out);
    le32_put(buf + CRC_PB_ERASED, flash_map_erased_pattern(&f->map, 4));
    for (size_t i = 0; i < nd; i++) {
        uint8_t *d = buf + CRC_PARAMS + i * CRC_DESC;
        le32_put(d, desc[i].addr);
        le32_put(d + 4, desc[i].len);
        le32_put(d + 8, desc[i].piece | (desc[i].blank ? (uint32_t)CRC_PIECE_BLANK : 0u));
    }
    uint32_t first = desc[0].addr;
    uint32_t last = desc[nd - 1].addr + desc[nd - 1].len - 1u;
    uint32_t at = build_table ? l->code : l->params;
    int rc = dbg_write(f->dbg, at, build_table ? code_buf : buf,
                       (l->params - at) + CRC_PARAMS + nd * CRC_DESC);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot load the CRC %s into SRAM at 0x%08x: %s",
                        build_table ? "routine and its job" : "job", at, last_error(f));
    uint32_t arg = l->params, r0 = 0;
    struct cm_routine rt;
    rc = watchdog_reload(f->dbg, f->chip); /* the routine runs unfrozen (flash/sysregs.h) */
    if (rc == STFLASH_OK)
        rc = cm_start_routine(f->dbg, l->code | 1u, l->sp, &arg, 1, &rt);
    if (rc == STFLASH_OK)
        unlock_meanwhile(f);
    if (rc == STFLASH_OK)
        rc = cm_wait_routine(f->dbg, &rt, run_timeout_ms(bytes, np, build_table), &r0);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot compute the CRC of 0x%08x-0x%08x on the target: %s",
                        first, last, last_error(f));
    if (r0 != np)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot compute the CRC of 0x%08x-0x%08x on the target: the routine at "
                        "0x%08x answers %u CRCs instead of %zu",
                        first, last, l->code, r0, np);
    rc = dbg_read(f->dbg, out, buf, np * 4u);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the CRCs at 0x%08x: %s", out, last_error(f));
    for (size_t i = 0; i < np; i++)
        crcs[i] = le32_get(buf + 4 * i);
    return STFLASH_OK;
}

/* Cuts the regions into batches that fit the room and runs them. */
static int run_all(struct flash_dev *f, const struct crc_layout *l,
                   const struct flash_crc_region *regions, size_t n, uint32_t *crcs)
{
    size_t max_desc = l->room / (CRC_DESC + 4u) + 1u;
    struct flash_crc_region *desc = calloc(max_desc, sizeof *desc);
    uint8_t *buf = calloc(1, (l->params - l->code) + CRC_PARAMS + l->room);
    if (!desc || !buf) {
        free(desc);
        free(buf);
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the CRC check");
    }
    memcpy(buf, l->routine, l->routine_len); /* loaded with the first batch */
    int rc = flash_clock_raise(f);

    struct flash_crc_region cur = {0, 0, 0, false};
    size_t next = 0, done = 0;
    bool table_built = false;
    while (rc == STFLASH_OK && (next < n || cur.len)) {
        size_t nd = 0, np = 0, used = 0;
        uint64_t bytes = 0;
        for (;;) {
            if (cur.len == 0) {
                if (next == n)
                    break;
                cur = regions[next++];
                cur.piece = piece_len(&cur);
                continue;
            }
            size_t pc = flash_crc_piece_count(&cur);
            if (used + CRC_DESC + 4u * pc <= l->room) {
                desc[nd++] = cur;
                used += CRC_DESC + 4u * pc;
                np += pc;
                bytes += cur.len;
                cur.len = 0;
                continue;
            }
            if (used + CRC_DESC + 4u > l->room)
                break; /* this batch is full */
            /* The first pieces of the region that fit; the rest goes to the next batch. */
            size_t m = (l->room - used - CRC_DESC) / 4u;
            uint32_t take = (uint32_t)m * cur.piece;
            desc[nd++] = (struct flash_crc_region){cur.addr, take, cur.piece, cur.blank};
            np += m;
            bytes += take;
            cur.addr += take;
            cur.len -= take;
            break;
        }
        if (nd == 0)
            break;
        rc = run_batch(f, l, buf, desc, nd, np, bytes, !table_built, crcs + done);
        table_built = true;
        done += np;
    }
    free(desc);
    free(buf);
    return rc;
}

int flash_crc_target(struct flash_dev *f, const struct flash_crc_region *regions, size_t n,
                     bool preserve, uint32_t *crcs)
{
    struct crc_layout l;
    int rc = plan_layout(f, &l);
    if (rc != STFLASH_OK)
        return rc;
    size_t pieces = 0;
    uint64_t need = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pc = flash_crc_piece_count(&regions[i]);
        pieces += pc;
        if (pc)
            need += CRC_DESC + 4u * (uint64_t)pc;
    }
    if (pieces == 0)
        return STFLASH_OK;
    if (!preserve)
        return run_all(f, &l, regions, n, crcs);

    /* Save what the routine will change: the core registers, DEMCR (vector catch) and the SRAM
     * it will use; written back whatever happens. */
    uint32_t regs[SAVED_REG_COUNT], demcr = 0;
    uint32_t save_len = l.params + CRC_PARAMS - l.base + (uint32_t)(need < l.room ? need : l.room);
    uint8_t *save = malloc(save_len);
    if (!save)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the CRC check");
    for (size_t i = 0; i < SAVED_REG_COUNT && rc == STFLASH_OK; i++)
        rc = f->dbg->ops->read_reg(f->dbg, saved_regs[i], &regs[i]);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, CM_DEMCR, &demcr);
    if (rc == STFLASH_OK)
        rc = dbg_read(f->dbg, l.base, save, save_len);
    if (rc != STFLASH_OK) {
        free(save);
        return ctx_fail(f->ctx, rc, "cannot save the target state before the CRC check: %s",
                        last_error(f));
    }

    rc = run_all(f, &l, regions, n, crcs);

    char saved_msg[sizeof f->ctx->last_error];
    if (rc != STFLASH_OK && f->ctx)
        memcpy(saved_msg, f->ctx->last_error, sizeof saved_msg);
    int wrc = dbg_write(f->dbg, l.base, save, save_len);
    if (wrc != STFLASH_OK)
        wrc = ctx_fail(f->ctx, wrc, "cannot restore the SRAM at 0x%08x after the CRC check: %s",
                       l.base, last_error(f));
    for (size_t i = 0; i < SAVED_REG_COUNT && wrc == STFLASH_OK; i++) {
        wrc = f->dbg->ops->write_reg(f->dbg, saved_regs[i], regs[i]);
        if (wrc != STFLASH_OK)
            wrc = ctx_fail(f->ctx, wrc, "cannot restore core register %u after the CRC check: %s",
                           saved_regs[i], last_error(f));
    }
    if (wrc == STFLASH_OK) {
        wrc = dbg_write32(f->dbg, CM_DEMCR, demcr);
        if (wrc != STFLASH_OK)
            wrc = ctx_fail(f->ctx, wrc, "cannot restore DEMCR after the CRC check: %s",
                           last_error(f));
    }
    free(save);
    if (rc != STFLASH_OK) {
        if (f->ctx)
            memcpy(f->ctx->last_error, saved_msg, sizeof saved_msg);
        return rc;
    }
    return wrc;
}
