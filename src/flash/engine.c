/*
 * The flash engine: turns an image into jobs of whole erase units for a flash driver. Units come
 * from the erase map (flash/erase_map.h): pages or sectors of any size, in regions with holes
 * between banks, and an erased value of 0xFF or 0x00.
 *
 * A write job is planned before the target is touched: the segments are checked against the
 * map (holes included) and the driver's write protection check, the units they touch are grouped
 * into runs of consecutive units, and each run gets a buffer holding the whole units: the image's
 * bytes, and for the rest of a partially covered unit what the flash holds now (read back before
 * the erase) or, when the caller asked for a mass erase, the erased value. Then: unlock, erase
 * (unit by unit, or one mass erase when asked or when every unit is touched anyway), program run
 * by run, lock (always, also after a failure), verify the runs.
 *
 * Unless the caller asks for a full write (or a mass erase), units that already hold what the
 * image puts there are left alone: before anything is read back or erased, a routine in target
 * SRAM computes the CRC-32 of what the image covers in each touched unit (flash/crc.c), and units
 * whose CRCs all match the image's are dropped from the job. Re-writing the same firmware then
 * erases and programs nothing. And when every unit left out of the job reads erased (checked
 * exactly by the same routine), one mass erase replaces the unit erases.
 *
 * Verification compares CRC-32s as well. A loader that checks in the pass computes the CRC-32 of
 * the flash of its job while it programs (flash/loader.h): a run whose CRCs match the image's is
 * verified. Other runs (or the image segments for flash_verify) get one CRC-32 each computed on
 * the target afterwards, compared with the host's over the expected bytes. Only when one differs
 * are the CRCs of its units computed, and the first differing unit read back to name the exact
 * address. When the routine cannot be used (too little SRAM, or it fails) verification reads the
 * whole range back over the probe, as it always did.
 *
 * The planning (runs, unchanged and blank units, the mass-erase choice) is in flash/plan.c; this
 * file runs the phases and the jobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash/clock.h"
#include "flash/crc.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/plan.h"
#include "flash/recovery.h"

/* Read-back granularity of verification: one progress event per chunk. */
#define VERIFY_CHUNK 4096u

static int check_dev(struct flash_dev *f)
{
    if (!f || !f->dbg || !f->drv)
        return STFLASH_ERR_INVALID_ARG;
    char why[128];
    if (flash_map_check(&f->map, why, sizeof why) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG, "inconsistent erase map: %s", why);
    return STFLASH_OK;
}

/* Ends a job: locks the controller whatever happened; the first failure's message is kept. */
static int finish(struct flash_dev *f, int rc)
{
    char saved[sizeof f->ctx->last_error];
    if (rc != STFLASH_OK && f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    int lrc = f->drv->lock(f);
    f->unlocked = false;
    f->idle_known = false;
    f->prog_total = 0;
    f->prog_done = 0;
    if (rc != STFLASH_OK) {
        if (lrc != STFLASH_OK && f->ctx)
            memcpy(f->ctx->last_error, saved, sizeof saved);
        return rc;
    }
    return lrc;
}

/* Ends a job's raised core clock (flash/clock.h); the first failure's message is kept. */
static int end_clock(struct flash_dev *f, int rc)
{
    char saved[sizeof f->ctx->last_error];
    if (rc != STFLASH_OK && f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    int crc = flash_clock_restore(f);
    if (rc != STFLASH_OK) {
        if (crc != STFLASH_OK && f->ctx)
            memcpy(f->ctx->last_error, saved, sizeof saved);
        return rc;
    }
    return crc;
}

void flash_program_progress(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    if (f->prog_total == 0)
        return;
    f->prog_done += len;
    if (f->prog_done > f->prog_total)
        f->prog_done = f->prog_total;
    ctx_progress(f->ctx, STFLASH_PHASE_PROGRAM, f->prog_done, f->prog_total, addr);
}

/*
 * The flash must answer where a job ends. The flash size in use may be more than the chip has: a
 * --flash-size larger than the real one, or the size assumed when the flash-size register reads
 * 0. Past the physical end a read faults on the bus, and a job there would erase units, then
 * fail half-way (the CRC routine and the loader crash on the fault). So the last word of the
 * range is read before anything is erased; when it faults, the end of the flash is searched unit
 * by unit (bisection from the base, which must answer) to name it with the --flash-size to give.
 */
static int check_flash_answers(struct flash_dev *f, const char *what, uint32_t addr, uint64_t len)
{
    if (len == 0)
        return STFLASH_OK;
    uint32_t last = (uint32_t)((addr + len - 1u) & ~(uint64_t)3u), word;
    int rc = dbg_read32(f->dbg, last, &word);
    if (rc == STFLASH_OK || rc != STFLASH_ERR_TARGET)
        return rc == STFLASH_OK ? rc
                                : ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr,
                                           f->ctx ? f->ctx->last_error : "");
    char why[sizeof f->ctx->last_error];
    snprintf(why, sizeof why, "%s", f->ctx ? f->ctx->last_error : "");
    uint32_t base = flash_map_base(&f->map);
    if (dbg_read32(f->dbg, base, &word) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot %s 0x%08x: reading the flash faults "
                        "(%s)",
                        what, addr, why);
    /* lo answers, hi faults; both unit starts (or the faulting word). */
    uint32_t lo = base, hi = last;
    for (;;) {
        struct flash_unit u = flash_unit_of(f, lo + (hi - lo) / 2u);
        if (u.addr <= lo)
            break;
        if (dbg_read32(f->dbg, u.addr, &word) == STFLASH_OK)
            lo = u.addr;
        else
            hi = u.addr;
    }
    struct flash_unit u = flash_unit_of(f, lo);
    uint32_t end = u.addr + u.size;
    return ctx_fail(f->ctx, STFLASH_ERR_RANGE,
                    "cannot %s 0x%08x: no flash answers at 0x%08x (%s); the flash ends at 0x%08x "
                    "(%u KiB), not at 0x%08x as the flash size in use (%u KiB) says: give the "
                    "chip's real size with --flash-size %uk",
                    what, addr, last, why, end - 1u, (end - base) / 1024u,
                    (uint32_t)(flash_map_end(&f->map) - 1u),
                    (uint32_t)(flash_map_bytes(&f->map) / 1024u), (end - base) / 1024u);
}

/* ---- phases ---- */

/* The units a job erases, by size: "erasing 3 sectors: 2 x 16 KiB, 1 x 128 KiB". */
static void log_erase_plan(struct flash_dev *f, const struct run *runs, size_t count)
{
    struct {
        uint32_t size;
        size_t n;
    } by[FLASH_MAP_MAX_REGIONS] = {{0, 0}};
    size_t kinds = 0, units = 0;
    for (size_t i = 0; i < count; i++)
        for (uint32_t off = 0; off < runs[i].len;) {
            struct flash_unit u = flash_unit_of(f, runs[i].addr + off);
            size_t k = 0;
            while (k < kinds && by[k].size != u.size)
                k++;
            if (k == kinds && kinds < FLASH_MAP_MAX_REGIONS)
                by[kinds++].size = u.size;
            if (k < kinds)
                by[k].n++;
            units++;
            off += u.size;
        }
    char text[256];
    int n = snprintf(text, sizeof text, "erasing %zu %s%s:", units, flash_map_unit_noun(&f->map),
                     units == 1 ? "" : "s");
    for (size_t k = 0; k < kinds && n > 0 && (size_t)n < sizeof text; k++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s %zu x %u %s", k ? "," : "", by[k].n,
                      by[k].size % 1024u ? by[k].size : by[k].size / 1024u,
                      by[k].size % 1024u ? "bytes" : "KiB");
    ctx_log(f->ctx, STFLASH_LOG_INFO, "%s", text);
}

/* A cancel request (stflash_cancel) before the next unit: the job stops there. */
static int cancelled_before(struct flash_dev *f, const char *what, uint32_t addr)
{
    return ctx_fail(f->ctx, STFLASH_ERR_CANCELLED, "interrupted before %s 0x%08x", what, addr);
}

/* The erases are done: the driver's after_erase, if it has one. */
static int erases_done(struct flash_dev *f)
{
    return f->drv->after_erase ? f->drv->after_erase(f) : STFLASH_OK;
}

static int erase_units(struct flash_dev *f, const struct run *runs, size_t count)
{
    uint64_t total = 0, done = 0;
    for (size_t i = 0; i < count; i++)
        total += runs[i].len;
    if (total == 0)
        return STFLASH_OK;
    log_erase_plan(f, runs, count);
    ctx_progress(f->ctx, STFLASH_PHASE_ERASE, 0, total, runs[0].addr);
    for (size_t i = 0; i < count; i++) {
        for (uint32_t off = 0; off < runs[i].len;) {
            struct flash_unit u = flash_unit_of(f, runs[i].addr + off);
            if (ctx_cancelled(f->ctx))
                return cancelled_before(f, "erasing", u.addr);
            int rc = f->drv->erase_unit(f, &u);
            if (rc != STFLASH_OK)
                return rc;
            off += u.size;
            done += u.size;
            ctx_progress(f->ctx, STFLASH_PHASE_ERASE, done, total, u.addr);
        }
    }
    return erases_done(f);
}

/* The whole flash: the driver's mass erase, or every unit of every region when it has none. */
static int mass_erase_phase(struct flash_dev *f)
{
    if (!f->drv->mass_erase) {
        struct run all[FLASH_MAP_MAX_REGIONS];
        for (size_t i = 0; i < f->map.regions; i++)
            all[i] = (struct run){f->map.region[i].base, f->map.region[i].size, NULL};
        return erase_units(f, all, f->map.regions);
    }
    uint64_t total = flash_map_bytes(&f->map);
    uint32_t base = flash_map_base(&f->map);
    if (ctx_cancelled(f->ctx))
        return cancelled_before(f, "the mass erase at", base);
    ctx_progress(f->ctx, STFLASH_PHASE_ERASE, 0, total, base);
    int rc = f->drv->mass_erase(f);
    if (rc == STFLASH_OK)
        ctx_progress(f->ctx, STFLASH_PHASE_ERASE, total, total, base);
    return rc == STFLASH_OK ? erases_done(f) : rc;
}

/* A run's erased tail (a unit larger than the image, padded with the erased value) is not sent:
 * the loaders skip erased program units, so it would cross the link for nothing (half of a
 * 128 KiB H7 sector under a 64 KiB image). The length kept is a multiple of TRIM_ALIGN, which
 * every program unit and the L4's fast-programming row divide. */
#define TRIM_ALIGN 256u

static uint32_t sent_len(const struct flash_dev *f, const struct run *r)
{
    uint8_t erased = (uint8_t)flash_map_erased_pattern(&f->map, 1);
    uint32_t n = r->len;
    while (n > 0 && r->data[n - 1u] == erased)
        n--;
    n = (n + TRIM_ALIGN - 1u) / TRIM_ALIGN * TRIM_ALIGN;
    return n < r->len ? n : r->len;
}

/* Programs the runs; in_pass[i] tells whether the loader verified run i in the pass (every
 * byte of it, flash/loader.h: not when its erased tail was left out). */
static int program_runs(struct flash_dev *f, const struct plan *p, bool *in_pass)
{
    if (p->bytes == 0)
        return STFLASH_OK;
    f->prog_done = 0;
    f->prog_total = p->bytes;
    ctx_progress(f->ctx, STFLASH_PHASE_PROGRAM, 0, p->bytes, p->runs[0].addr);
    for (size_t i = 0; i < p->count; i++) {
        uint64_t expect = f->prog_done + p->runs[i].len;
        if (ctx_cancelled(f->ctx))
            return cancelled_before(f, "programming", p->runs[i].addr);
        f->checked_in_pass = 0;
        uint32_t len = sent_len(f, &p->runs[i]);
        int rc = len ? f->drv->program(f, p->runs[i].addr, p->runs[i].data, len) : STFLASH_OK;
        if (rc != STFLASH_OK)
            return rc;
        in_pass[i] = len == p->runs[i].len && f->checked_in_pass == len;
        /* A driver that reports coarser than its calls: catch up once the run is done. */
        if (f->prog_done < expect) {
            uint64_t missing = expect - f->prog_done;
            const struct run *run = &p->runs[i];
            flash_program_progress(f, run->addr + run->len - (uint32_t)missing, (uint32_t)missing);
        }
    }
    return STFLASH_OK;
}

/* Reads [addr, addr+len) back and compares it with `want`: STFLASH_ERR_VERIFY names the first
 * differing byte. With done/total (done not NULL), a VERIFY progress event per chunk. */
static int verify_range(struct flash_dev *f, uint32_t addr, const uint8_t *want, size_t len,
                        uint8_t *buf, uint64_t *done, uint64_t total)
{
    for (size_t off = 0; off < len; off += VERIFY_CHUNK) {
        size_t n = len - off < VERIFY_CHUNK ? len - off : VERIFY_CHUNK;
        uint32_t a = addr + (uint32_t)off;
        int rc = dbg_read(f->dbg, a, buf, n);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot verify 0x%08x: %s", a,
                            f->ctx ? f->ctx->last_error : "");
        if (memcmp(buf, want + off, n) != 0) {
            size_t k = 0;
            while (buf[k] == want[off + k])
                k++;
            return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                            "verify failed at 0x%08x: read 0x%02x, expected 0x%02x",
                            a + (uint32_t)k, buf[k], want[off + k]);
        }
        if (done) {
            *done += n;
            ctx_progress(f->ctx, STFLASH_PHASE_VERIFY, *done, total, a);
        }
    }
    return STFLASH_OK;
}

/* What the flash should hold at [addr, addr+len). */
struct span {
    uint32_t addr;
    uint32_t len;
    const uint8_t *want;
};

static int unstable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                    "verify failed in 0x%08x-0x%08x: the CRC computed on the target differs from "
                    "the image's, but the bytes read back match (unstable flash content?)",
                    addr, addr + len - 1u);
}

/*
 * The span's CRC differs: finds the first differing address. The CRCs of its units tell which
 * unit differs first; only that unit is read back. Returns STFLASH_ERR_VERIFY naming the address
 * (or another error); never STFLASH_OK.
 */
static int locate_difference(struct flash_dev *f, const struct span *s, bool preserve, uint8_t *buf)
{
    struct flash_crc_region r[FLASH_UNIT_REGIONS_MAX];
    size_t nr = flash_unit_regions(f, s->addr, s->len, r), np = 0;
    for (size_t i = 0; i < nr; i++)
        np += flash_crc_piece_count(&r[i]);
    uint32_t *crcs = calloc(np ? np : 1, sizeof *crcs);
    if (!crcs)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory verifying");
    int rc = flash_crc_target(f, r, nr, preserve, crcs);
    if (rc != STFLASH_OK) {
        flash_crc_unavailable(f, rc,
                              f->map.sectors
                                  ? "cannot compute the CRC of each sector, reading the range back"
                                  : "cannot compute the CRC of each page, reading the range back");
        free(crcs);
        rc = verify_range(f, s->addr, s->want, s->len, buf, NULL, 0);
        return rc != STFLASH_OK ? rc : unstable(f, s->addr, s->len);
    }
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        size_t count = flash_crc_piece_count(&r[i]);
        for (size_t q = 0; q < count; q++, k++) {
            uint32_t a, len;
            flash_region_piece(&r[i], q, &a, &len);
            const uint8_t *want = s->want + (a - s->addr);
            if (crcs[k] == flash_crc_expected(want, len, f->map.erased))
                continue;
            free(crcs);
            rc = verify_range(f, a, want, len, buf, NULL, 0);
            return rc != STFLASH_OK ? rc : unstable(f, a, len);
        }
    }
    /* Every unit matches now: read the whole span back, to be sure. */
    free(crcs);
    rc = verify_range(f, s->addr, s->want, s->len, buf, NULL, 0);
    return rc != STFLASH_OK ? rc : unstable(f, s->addr, s->len);
}

/*
 * Verifies the spans (sorted, in flash): one CRC per span computed on the target, compared with
 * the host's; the first span that differs is searched for the first differing address. Falls
 * back to reading every span back when the routine cannot be used. VERIFY progress from done
 * over total. preserve: the target's SRAM and registers are kept (see flash_crc_target).
 */
static int verify_spans(struct flash_dev *f, const struct span *s, size_t n, uint64_t done,
                        uint64_t total, bool preserve)
{
    if (n == 0 || total == 0)
        return STFLASH_OK;
    uint8_t *buf = malloc(VERIFY_CHUNK);
    struct flash_crc_region *regions = calloc(n, sizeof *regions);
    uint32_t *crcs = calloc(n, sizeof *crcs);
    int rc = STFLASH_OK;
    if (!buf || !regions || !crcs) {
        rc = ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory verifying");
        goto out;
    }
    ctx_progress(f->ctx, STFLASH_PHASE_VERIFY, done, total, s[0].addr);
    for (size_t i = 0; i < n; i++)
        regions[i] = (struct flash_crc_region){s[i].addr, s[i].len, 0, false};
    int crc_rc = flash_crc_target(f, regions, n, preserve, crcs);
    if (crc_rc != STFLASH_OK) {
        flash_crc_unavailable(f, crc_rc,
                              "cannot verify by CRC on the target, reading back instead");
        for (size_t i = 0; i < n && rc == STFLASH_OK; i++)
            rc = verify_range(f, s[i].addr, s[i].want, s[i].len, buf, &done, total);
        goto out;
    }
    for (size_t i = 0; i < n && rc == STFLASH_OK; i++) {
        if (crcs[i] != flash_crc_expected(s[i].want, s[i].len, f->map.erased)) {
            rc = locate_difference(f, &s[i], preserve, buf);
            break;
        }
        done += s[i].len;
        ctx_progress(f->ctx, STFLASH_PHASE_VERIFY, done, total, s[i].addr);
    }
out:
    free(buf);
    free(regions);
    free(crcs);
    return rc;
}

/*
 * Verifies the runs of a write. Runs the loader verified in the pass (in_pass) are done: the CRC
 * routine runs over the others only. With readback, every run goes through the CRC routine and
 * is then read back over the probe and compared byte for byte (VERIFY progress over twice the
 * bytes).
 */
static int verify_runs(struct flash_dev *f, const struct plan *p, const bool *in_pass,
                       bool readback)
{
    if (p->count == 0)
        return STFLASH_OK;
    struct span *s = calloc(p->count, sizeof *s);
    uint8_t *buf = readback ? malloc(VERIFY_CHUNK) : NULL;
    if (!s || (readback && !buf)) {
        free(s);
        free(buf);
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory verifying");
    }
    size_t n = 0;
    uint64_t done = 0, total = readback ? 2u * p->bytes : p->bytes;
    for (size_t i = 0; i < p->count; i++) {
        if (in_pass[i] && !readback)
            done += p->runs[i].len;
        else
            s[n++] = (struct span){p->runs[i].addr, p->runs[i].len, p->runs[i].data};
    }
    if (done > 0) {
        ctx_progress(f->ctx, STFLASH_PHASE_VERIFY, 0, total, p->runs[0].addr);
        ctx_progress(f->ctx, STFLASH_PHASE_VERIFY, done, total, p->runs[0].addr);
    }
    int rc = verify_spans(f, s, n, done, total, false);
    done = p->bytes;
    for (size_t i = 0; readback && i < p->count && rc == STFLASH_OK; i++)
        rc = verify_range(f, p->runs[i].addr, p->runs[i].data, p->runs[i].len, buf, &done, total);
    free(s);
    free(buf);
    return rc;
}

/* ---- the jobs ---- */

/* The first address of the plan not programmed after `done` bytes (runs in order). */
static uint32_t stop_address(const struct plan *p, uint64_t done)
{
    for (size_t i = 0; i < p->count; i++) {
        if (done < p->runs[i].len)
            return p->runs[i].addr + (uint32_t)done;
        done -= p->runs[i].len;
    }
    return p->count ? p->runs[p->count - 1].addr + p->runs[p->count - 1].len : 0;
}

/* A job stopped by stflash_cancel: what was written and what was not. */
static int interrupted(struct flash_dev *f, const struct plan *p, int erased, uint64_t programmed,
                       const struct flash_recovery *rec)
{
    const struct run *first = &p->runs[0], *last = &p->runs[p->count - 1];
    uint32_t end = last->addr + last->len - 1u, at = stop_address(p, programmed);
    char done[160], kept[640] = "";
    if (programmed)
        snprintf(done, sizeof done, "programmed %llu of %llu bytes (0x%08x-0x%08x)",
                 (unsigned long long)programmed, (unsigned long long)p->bytes, first->addr,
                 at - 1u);
    else
        snprintf(done, sizeof done, "%s",
                 erased == 2   ? "erased, nothing programmed"
                 : erased == 1 ? "part of the touched units erased, nothing programmed"
                               : "nothing erased or programmed");
    if (rec->saved)
        snprintf(kept, sizeof kept,
                 "; the bytes of partly covered %ss that the image leaves out "
                 "are kept in %s and the next write to this chip restores them",
                 flash_map_unit_noun(&f->map), rec->path);
    if (programmed >= p->bytes)
        return ctx_fail(f->ctx, STFLASH_ERR_CANCELLED,
                        "interrupted before verifying: %s; not verified; the flash controller "
                        "is locked and the core halted; run the same command again to check%s",
                        done, kept);
    return ctx_fail(f->ctx, STFLASH_ERR_CANCELLED,
                    "interrupted: %s; not written: 0x%08x-0x%08x%s; the flash controller is "
                    "locked and the core halted; run the same command again to finish%s",
                    done, at, end, erased == 2 ? " (erased)" : "", kept);
}

int flash_write(struct flash_dev *f, const struct stflash_image *img,
                const struct stflash_write_options *opts)
{
    int rc = check_dev(f);
    if (rc != STFLASH_OK)
        return rc;
    if (!img)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG, "no image to write");
    bool mass = opts && opts->mass_erase, erase_all = mass;
    bool verify = !(opts && opts->no_verify);
    bool readback = verify && opts && opts->verify_readback;
    bool full = opts && opts->full;

    rc = plan_check_image(f, img, "program");
    if (rc != STFLASH_OK)
        return rc;
    /* The bytes an interrupted job kept for this chip go back in, unless the whole flash is to
     * be erased anyway. */
    struct flash_recovery rec;
    struct stflash_image work = *img;
    uint64_t restored = 0;
    flash_recovery_open(f, &rec);
    if (!erase_all)
        rc = flash_recovery_merge(f, &rec, img, &work, &restored);
    if (restored)
        ctx_log(f->ctx, STFLASH_LOG_WARN,
                "restoring %llu byte(s) that an interrupted write had kept in %s",
                (unsigned long long)restored, rec.path);
    struct plan p = {0};
    if (rc == STFLASH_OK)
        rc = plan_runs(f, &work, &p);
    size_t touched = p.units;
    /* Protection first: under read protection the flash cannot be read at all. */
    for (size_t i = 0; i < p.count && rc == STFLASH_OK && f->drv->check_writable; i++)
        rc = f->drv->check_writable(f, p.runs[i].addr, p.runs[i].len);
    for (size_t i = 0; i < p.count && rc == STFLASH_OK; i++)
        rc = check_flash_answers(f, "program", p.runs[i].addr, p.runs[i].len);
    /* After a mass erase every unit must be programmed: nothing to compare. The comparison
     * runs a routine on the target: the controller is unlocked meanwhile. */
    f->unlock_early = true;
    if (rc == STFLASH_OK && !mass && !full && p.count)
        rc = plan_skip_unchanged(f, &work, &p);
    if (rc == STFLASH_OK && opts && opts->report)
        *opts->report =
            (struct stflash_write_report){.units_touched = (uint32_t)touched,
                                          .units_unchanged = (uint32_t)p.unchanged_units,
                                          .bytes_unchanged = p.unchanged_bytes};
    if (rc == STFLASH_OK && !mass && !full && p.count)
        plan_find_blank(f, &p);
    f->unlock_early = false;
    if (rc == STFLASH_OK)
        rc = plan_fill(f, &work, &p, mass);
    /* Before anything is erased: the bytes of the touched units the caller's image leaves out
     * (kept from the flash, or restored) go to the recovery file. */
    if (rc == STFLASH_OK && !erase_all && p.count) {
        struct flash_recovery_span *runs = calloc(p.count, sizeof *runs);
        if (!runs)
            rc = ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory planning the flash job");
        for (size_t i = 0; runs && i < p.count; i++)
            runs[i] = (struct flash_recovery_span){p.runs[i].addr, p.runs[i].len, p.runs[i].data};
        if (runs)
            rc = flash_recovery_save(f, &rec, img, runs, p.count);
        free(runs);
    }
    if (rc == STFLASH_OK && ctx_cancelled(f->ctx) && (p.count || mass))
        rc = ctx_fail(f->ctx, STFLASH_ERR_CANCELLED, "interrupted: nothing erased or programmed");
    if (rc != STFLASH_OK || (p.count == 0 && !mass)) {
        /* Nothing to do when every unit already holds the image: a file left over holds
         * nothing the flash lacks. */
        if (rc == STFLASH_OK)
            flash_recovery_clear(f, &rec);
        if (f->unlocked) {
            f->idle_known = true; /* unlocked early, then nothing to erase or program */
            rc = finish(f, rc);
        }
        goto out;
    }

    const struct run *to_erase;
    size_t n_erase;
    mass = plan_erase(f, &p, mass, full, &to_erase, &n_erase);

    rc = f->unlocked ? STFLASH_OK : f->drv->unlock(f);
    int erased = 0; /* 0 nothing, 1 some units, 2 every unit of the job */
    if (rc == STFLASH_OK) {
        /* The first run goes to SRAM while the erase keeps the flash busy (flash/flash.h). */
        if (p.count)
            f->stage = (struct flash_stage){.active = true,
                                            .addr = p.runs[0].addr,
                                            .data = p.runs[0].data,
                                            .len = p.runs[0].len};
        rc = mass ? mass_erase_phase(f) : erase_units(f, to_erase, n_erase);
        f->stage.active = false;
        erased = rc == STFLASH_OK ? 2 : mass ? 0 : 1;
    }
    bool *in_pass = NULL;
    if (rc == STFLASH_OK) {
        in_pass = calloc(p.count ? p.count : 1, sizeof *in_pass);
        if (!in_pass)
            rc = ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the flash job");
    }
    if (rc == STFLASH_OK)
        rc = program_runs(f, &p, in_pass);
    f->stage = (struct flash_stage){0};
    uint64_t programmed = f->prog_done;
    if (rc == STFLASH_OK && verify && ctx_cancelled(f->ctx))
        rc = STFLASH_ERR_CANCELLED;
    rc = finish(f, rc);
    if (rc == STFLASH_ERR_CANCELLED)
        rc = interrupted(f, &p, erased, programmed, &rec);
    if (rc == STFLASH_OK && verify)
        rc = verify_runs(f, &p, in_pass, readback);
    free(in_pass);
    if (rc == STFLASH_OK)
        flash_recovery_clear(f, &rec);
out:
    rc = end_clock(f, rc);
    if (rc != STFLASH_OK && rc != STFLASH_ERR_CANCELLED && rec.saved && f->ctx) {
        size_t n = strlen(f->ctx->last_error);
        snprintf(f->ctx->last_error + n, sizeof f->ctx->last_error - n,
                 "; the bytes the image leaves out in the %ss it touches are kept in %s: the "
                 "next write to this chip restores them",
                 flash_map_unit_noun(&f->map), rec.path);
    }
    plan_free(&p);
    if (work.segments != img->segments)
        free(work.segments);
    flash_recovery_free(&rec);
    return rc;
}

int flash_verify(struct flash_dev *f, const struct stflash_image *img)
{
    int rc = check_dev(f);
    if (rc != STFLASH_OK)
        return rc;
    if (!img)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG, "no image to verify");
    rc = plan_check_image(f, img, "verify");
    for (size_t i = 0; i < img->segment_count && rc == STFLASH_OK; i++)
        rc = check_flash_answers(f, "verify", img->segments[i].addr, img->segments[i].len);
    if (rc != STFLASH_OK)
        return rc;
    size_t n = 0;
    uint64_t total = 0;
    struct span *s = calloc(img->segment_count ? img->segment_count : 1, sizeof *s);
    if (!s)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory verifying");
    for (size_t i = 0; i < img->segment_count; i++)
        if (img->segments[i].len) {
            s[n++] = (struct span){img->segments[i].addr, (uint32_t)img->segments[i].len,
                                   img->segments[i].data};
            total += img->segments[i].len;
        }
    /* The target may be in the middle of running its firmware: the CRC routine leaves SRAM and
     * registers as it found them. */
    rc = end_clock(f, verify_spans(f, s, n, 0, total, true));
    free(s);
    return rc;
}

/* An erase the caller asked for: what an interrupted write kept is not to come back into the
 * flash the caller just erased. */
static void forget_recovery(struct flash_dev *f)
{
    struct flash_recovery rec;
    flash_recovery_open(f, &rec);
    if (rec.count) {
        ctx_log(f->ctx, STFLASH_LOG_INFO, "the flash was erased: %s is not needed any more",
                rec.path);
        flash_recovery_clear(f, &rec);
    }
    flash_recovery_free(&rec);
}

int flash_erase_range(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    int rc = check_dev(f);
    if (rc != STFLASH_OK)
        return rc;
    if (len == 0)
        return STFLASH_OK;
    rc = flash_out_of_range(f, "erase", addr, len);
    if (rc != STFLASH_OK)
        return rc;
    struct run run;
    uint64_t hi;
    if (!flash_map_round(&f->map, addr, len, &run.addr, &hi))
        return flash_out_of_range(f, "erase", addr, len);
    run.len = (uint32_t)(hi - run.addr);
    run.data = NULL;
    if (f->drv->check_writable) {
        rc = f->drv->check_writable(f, run.addr, run.len);
        if (rc != STFLASH_OK)
            return rc;
    }
    rc = check_flash_answers(f, "erase", run.addr, run.len);
    if (rc != STFLASH_OK)
        return rc;
    rc = f->drv->unlock(f);
    if (rc == STFLASH_OK)
        rc = erase_units(f, &run, 1);
    rc = finish(f, rc);
    if (rc == STFLASH_OK)
        forget_recovery(f);
    return rc;
}

int flash_mass_erase(struct flash_dev *f)
{
    int rc = check_dev(f);
    if (rc != STFLASH_OK)
        return rc;
    rc = f->drv->unlock(f);
    if (rc == STFLASH_OK)
        rc = mass_erase_phase(f);
    rc = finish(f, rc);
    if (rc == STFLASH_OK)
        forget_recovery(f);
    return rc;
}

int flash_dev_init(struct flash_dev *f, struct dbg *d, const struct stflash_chip_info *chip,
                   const struct flash_dev_params *p)
{
    if (!f || !d || !chip || !p || p->flash_size == 0)
        return STFLASH_ERR_INVALID_ARG;
    memset(f, 0, sizeof *f);
    f->dbg = d;
    f->ctx = d->ctx;
    f->chip = chip;
    f->fam = flash_family_for_chip(chip);
    if (!f->fam)
        return ctx_fail(d->ctx, STFLASH_ERR_UNSUPPORTED, "no flash driver for %s (%s controller)",
                        chip->name, stflash_flash_ctrl_name(chip->flash_ctrl));
    f->drv = f->fam->driver;
    f->quirks = p->clone ? p->clone->quirks : 0;
    uint32_t unhandled = flash_family_unhandled_quirks(f->fam, f->quirks);
    if (unhandled)
        return ctx_fail(d->ctx, STFLASH_ERR_UNSUPPORTED,
                        "cannot program the flash of the %s: it needs %s, which the %s driver "
                        "does not handle (nothing was erased)",
                        p->clone->name, flash_quirk_describe(unhandled), f->fam->name);
    struct flash_map_params mp = {
        .flash_size = p->flash_size,
        .page_size = p->clone ? p->clone->page_size : 0,
        .quirks = f->quirks,
    };
    char why[160];
    if (flash_map_from_chip(&f->map, chip, &mp, why, sizeof why) != STFLASH_OK)
        return ctx_fail(d->ctx, STFLASH_ERR_UNSUPPORTED, "cannot lay out the flash of %s: %s",
                        p->clone ? p->clone->name : chip->name, why);
    f->sram_base = chip->sram_base;
    f->sram_size = chip->sram_size_min ? chip->sram_size_min : chip->sram_size;
    f->volts = p->volts;
    f->allow_secure = p->allow_wireless_stack;
    if (f->drv->probe) {
        int rc = f->drv->probe(f);
        if (rc != STFLASH_OK)
            return rc;
        if (flash_map_check(&f->map, why, sizeof why) != STFLASH_OK)
            return ctx_fail(d->ctx, STFLASH_ERR_TARGET,
                            "the flash layout read from %s is "
                            "inconsistent: %s",
                            chip->name, why);
    }
    return STFLASH_OK;
}
