/*
 * Planning of a write job (flash/plan.h): the runs of touched units and their buffers, the
 * units left alone because they hold the image already, the units programmed without an erase
 * because they are blank, and the choice of one mass erase (the scheme: flash/engine.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash/crc.h"
#include "flash/plan.h"

int flash_out_of_range(struct flash_dev *f, const char *what, uint32_t addr, uint64_t len)
{
    uint32_t bad, base = flash_map_base(&f->map);
    if (flash_map_covers(&f->map, addr, len, &bad))
        return STFLASH_OK;
    if (bad >= base && bad < flash_map_end(&f->map))
        return ctx_fail(f->ctx, STFLASH_ERR_RANGE,
                        "cannot %s 0x%08x: in the hole between the flash banks (no flash there)",
                        what, bad);
    return ctx_fail(f->ctx, STFLASH_ERR_RANGE,
                    "cannot %s 0x%08x: outside the flash (0x%08x-0x%08x)", what, bad, base,
                    (uint32_t)(flash_map_end(&f->map) - 1u));
}

/* The unit holding addr; addr is known to be flash (checked when the job was planned). */
struct flash_unit flash_unit_of(const struct flash_dev *f, uint32_t addr)
{
    struct flash_unit u = {addr, f->map.program_unit, 0, 0, 0};
    (void)flash_map_unit_at(&f->map, addr, &u);
    return u;
}

/* One past the end of the map region holding addr (a flash address). */
static uint64_t region_end(const struct flash_dev *f, uint32_t addr)
{
    for (size_t i = 0; i < f->map.regions; i++) {
        const struct flash_region *r = &f->map.region[i];
        if (addr >= r->base && addr - r->base < r->size)
            return (uint64_t)r->base + r->size;
    }
    return addr;
}

void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->runs[i].data);
    free(p->runs);
    free(p->unit_state);
    free(p->erase_runs);
    p->runs = p->erase_runs = NULL;
    p->unit_state = NULL;
    p->count = p->erase_count = 0;
}

/* Groups the units the segments touch into runs of consecutive units (segments are sorted). */
int plan_runs(struct flash_dev *f, const struct stflash_image *img, struct plan *p)
{
    size_t cap = img->segment_count ? img->segment_count : 1;
    p->runs = calloc(cap, sizeof *p->runs);
    if (!p->runs)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory planning the flash job");
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        if (s->len == 0)
            continue;
        uint32_t first;
        uint64_t end;
        if (!flash_map_round(&f->map, s->addr, s->len, &first, &end))
            return flash_out_of_range(f, "program", s->addr, s->len);
        struct run *last = p->count ? &p->runs[p->count - 1] : NULL;
        if (last && (uint64_t)last->addr + last->len >= first) {
            if (end > (uint64_t)last->addr + last->len)
                last->len = (uint32_t)(end - last->addr);
        } else {
            p->runs[p->count].addr = first;
            p->runs[p->count].len = (uint32_t)(end - first);
            p->count++;
        }
    }
    for (size_t i = 0; i < p->count; i++) {
        p->bytes += p->runs[i].len;
        p->units += flash_map_units_in(&f->map, p->runs[i].addr,
                                       (uint64_t)p->runs[i].addr + p->runs[i].len);
    }
    return STFLASH_OK;
}

/* Bytes of the unit at `page` (of `size` bytes) that the image defines. */
static uint32_t unit_coverage(const struct stflash_image *img, size_t *seg, uint32_t page,
                              uint32_t size)
{
    uint64_t pend = (uint64_t)page + size, covered = 0;
    /* Segments ending before this unit are done with for every later unit too. */
    while (*seg < img->segment_count &&
           (uint64_t)img->segments[*seg].addr + img->segments[*seg].len <= page)
        (*seg)++;
    for (size_t i = *seg; i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        uint64_t lo = s->addr > page ? s->addr : page;
        uint64_t hi = (uint64_t)s->addr + s->len;
        if (lo >= pend)
            break;
        if (hi > pend)
            hi = pend;
        covered += hi - lo;
    }
    return (uint32_t)covered;
}

/* Fills the run buffers: preserved or erased bytes first, then the image on top. */
#define UNIT_CHANGED 1u    /* the unit differs from the image */
#define UNIT_NOT_ERASED 2u /* the image puts something else than the erased value in the unit */
#define UNIT_HAS_DATA 4u   /* the flash holds something else than the erased value there */
#define UNIT_BLANK 8u      /* checked whole on the target: every byte erased */

/* A unit found erased whole: programmed without an erase, so the bytes the image leaves out
 * there are erased already and need no reading back. */
static bool unit_blank(const struct plan *p, const struct flash_unit *u)
{
    return p->unit_state && (p->unit_state[u->index] & UNIT_BLANK);
}

/* Units up to this size are read back whole to keep what the image leaves out of them: one read
 * costs fewer probe round trips than reading around the image's pieces. Larger ones (the F2/F4/F7
 * and H7 sectors of 64 and 128 KiB) only where the image leaves bytes out: over the link, the
 * image's part of a 128 KiB sector would cost up to half a second for nothing. */
#define PRESERVE_WHOLE_MAX (16u * 1024u)

/* The bytes of unit u read back to keep them, `covered` of which the image defines. */
static uint32_t preserve_len(const struct flash_unit *u, uint32_t covered)
{
    return u->size <= PRESERVE_WHOLE_MAX ? u->size : u->size - covered;
}

/* Reads the bytes of unit u that the image leaves out into dst (the unit's place in its run's
 * buffer), from segment `seg` on (the first that does not end before the unit): the image's own
 * bytes are copied on top afterwards, so they are not read; a unit up to PRESERVE_WHOLE_MAX is
 * read whole. Adds what it read to *done. */
static int read_uncovered(struct flash_dev *f, const struct stflash_image *img, size_t seg,
                          const struct flash_unit *u, uint8_t *dst, uint64_t *done, uint64_t total)
{
    uint64_t at = u->addr, end = (uint64_t)u->addr + u->size;
    if (u->size <= PRESERVE_WHOLE_MAX)
        seg = img->segment_count; /* no piece of the image to read around */
    for (size_t i = seg; at < end; i++) {
        uint64_t gap_end = end, resume = end; /* read [at, gap_end), go on from resume */
        if (i < img->segment_count) {
            const struct stflash_segment *s = &img->segments[i];
            uint64_t lo = s->addr, hi = (uint64_t)s->addr + s->len;
            if (hi <= at)
                continue;
            gap_end = lo > at ? (lo < end ? lo : end) : at;
            resume = hi < end ? hi : end;
        }
        if (gap_end > at) {
            int rc = dbg_read(f->dbg, (uint32_t)at, dst + (at - u->addr), (size_t)(gap_end - at));
            if (rc != STFLASH_OK)
                return ctx_fail(f->ctx, rc,
                                "cannot read the unit at 0x%08x to keep the bytes the image "
                                "leaves out: %s",
                                u->addr, f->ctx ? f->ctx->last_error : "");
            *done += gap_end - at;
            ctx_progress(f->ctx, STFLASH_PHASE_READ, *done, total, (uint32_t)at);
        }
        at = gap_end > resume ? gap_end : resume;
    }
    return STFLASH_OK;
}

int plan_fill(struct flash_dev *f, const struct stflash_image *img, struct plan *p, bool mass_erase)
{
    uint8_t erased = f->map.erased;
    size_t seg = 0;

    /* Which units need their current content: count first, for the READ progress total. */
    for (size_t r = 0; r < p->count; r++) {
        struct run *run = &p->runs[r];
        run->data = malloc(run->len);
        if (!run->data)
            return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory planning the flash job");
        memset(run->data, erased, run->len);
        if (mass_erase)
            continue;
        for (uint32_t off = 0; off < run->len;) {
            struct flash_unit u = flash_unit_of(f, run->addr + off);
            uint32_t covered = unit_coverage(img, &seg, u.addr, u.size);
            if (covered < u.size && !unit_blank(p, &u))
                p->preserve_bytes += preserve_len(&u, covered);
            off += u.size;
        }
    }

    uint64_t done = 0;
    if (p->preserve_bytes) {
        ctx_progress(f->ctx, STFLASH_PHASE_READ, 0, p->preserve_bytes, p->runs[0].addr);
        seg = 0;
        for (size_t r = 0; r < p->count; r++) {
            struct run *run = &p->runs[r];
            for (uint32_t off = 0; off < run->len;) {
                struct flash_unit u = flash_unit_of(f, run->addr + off);
                off += u.size;
                if (unit_coverage(img, &seg, u.addr, u.size) == u.size || unit_blank(p, &u))
                    continue;
                int rc = read_uncovered(f, img, seg, &u, run->data + (u.addr - run->addr), &done,
                                        p->preserve_bytes);
                if (rc != STFLASH_OK)
                    return rc;
            }
        }
    }

    /* The image on top: what each segment has inside each run (a segment may cross runs, or
     * lie partly in units left out as unchanged). Both lists are sorted: walk them together. */
    seg = 0;
    for (size_t r = 0; r < p->count; r++) {
        struct run *run = &p->runs[r];
        uint64_t rend = (uint64_t)run->addr + run->len;
        while (seg < img->segment_count &&
               (uint64_t)img->segments[seg].addr + img->segments[seg].len <= run->addr)
            seg++;
        for (size_t i = seg; i < img->segment_count && img->segments[i].addr < rend; i++) {
            const struct stflash_segment *s = &img->segments[i];
            uint64_t lo = s->addr > run->addr ? s->addr : run->addr;
            uint64_t hi = (uint64_t)s->addr + s->len;
            if (hi > rend)
                hi = rend;
            if (hi > lo)
                memcpy(run->data + (lo - run->addr), s->data + (lo - s->addr), (size_t)(hi - lo));
        }
    }
    return STFLASH_OK;
}

/* Cuts [addr, addr+len) (flash, no hole) at unit boundaries into CRC regions: the part of a
 * first unit not covered whole, the whole units of each map region (one piece each), the part of
 * a last unit. Returns how many regions were written to r (at most FLASH_UNIT_REGIONS_MAX). */
size_t flash_unit_regions(const struct flash_dev *f, uint32_t addr, uint32_t len,
                          struct flash_crc_region *r)
{
    size_t n = 0;
    uint64_t a = addr, end = (uint64_t)addr + len;
    while (a < end && n < FLASH_UNIT_REGIONS_MAX) {
        struct flash_unit u = flash_unit_of(f, (uint32_t)a);
        uint64_t uend = (uint64_t)u.addr + u.size;
        if (a != u.addr || end < uend) {
            uint64_t stop = end < uend ? end : uend;
            r[n++] = (struct flash_crc_region){(uint32_t)a, (uint32_t)(stop - a), 0, false};
            a = stop;
            continue;
        }
        uint64_t rend = region_end(f, (uint32_t)a);
        uint64_t stop = end < rend ? end : rend;
        uint64_t whole = a + (stop - a) / u.size * u.size;
        r[n++] = (struct flash_crc_region){(uint32_t)a, (uint32_t)(whole - a), u.size, false};
        a = whole;
    }
    return n;
}

/* The i-th piece of a CRC region: its address and length. */
void flash_region_piece(const struct flash_crc_region *r, size_t i, uint32_t *addr, uint32_t *len)
{
    uint32_t step = r->piece == 0 || r->piece > r->len ? r->len : r->piece;
    uint32_t off = (uint32_t)i * step;
    *addr = r->addr + off;
    *len = r->len - off < step ? r->len - off : step;
}

/* A note in the log when the CRC routine cannot be used, with the reason. */
void flash_crc_unavailable(struct flash_dev *f, int rc, const char *instead)
{
    if (!f->ctx)
        return;
    ctx_log(f->ctx, rc == STFLASH_ERR_UNSUPPORTED ? STFLASH_LOG_INFO : STFLASH_LOG_WARN, "%s: %s",
            instead, f->ctx->last_error);
}

/*
 * The units of the runs, in order, as blank-check regions for the CRC routine: consecutive units
 * of one size make one region cut into unit-sized pieces (one descriptor instead of one per
 * unit). Units whose state has a bit of `skip` are left out (state NULL: none). index[i] gets the
 * map index of the unit of the i-th piece; *units the number of pieces. Returns the number of
 * regions written to r (at most p->units).
 */
static size_t unit_blank_regions(struct flash_dev *f, const struct plan *p, const uint8_t *state,
                                 uint8_t skip, struct flash_crc_region *r, size_t *index,
                                 size_t *units)
{
    size_t n = 0, k = 0;
    for (size_t i = 0; i < p->count; i++)
        for (uint32_t off = 0; off < p->runs[i].len;) {
            struct flash_unit u = flash_unit_of(f, p->runs[i].addr + off);
            off += u.size;
            if (state && (state[u.index] & skip))
                continue;
            index[k++] = u.index;
            struct flash_crc_region *last = n ? &r[n - 1] : NULL;
            if (last && last->piece == u.size && (uint64_t)last->addr + last->len == u.addr)
                last->len += u.size;
            else
                r[n++] = (struct flash_crc_region){u.addr, u.size, u.size, true};
        }
    *units = k;
    return n;
}

/* Whether the first word of the job reads erased: then the flash is likely blank, and the
 * blank check (a scan that stops at the first programmed byte) answers for most units at once,
 * where the comparison would scan every erased unit and the blank check scan them again. A guess
 * only: both orders give the same, exact answers. */
static bool job_looks_blank(struct flash_dev *f, const struct plan *p)
{
    uint32_t w;
    return p->count && dbg_read32(f->dbg, p->runs[0].addr, &w) == STFLASH_OK &&
           w == flash_map_erased_pattern(&f->map, 4);
}

/*
 * The CRC results of the np pieces of the nr regions (plan_skip_unchanged) into crcs. When the
 * job looks blank, every touched unit is blank-checked first (exactly, whole: UNIT_BLANK, or
 * UNIT_HAS_DATA in pages); the pieces of blank units are known to answer 0 and only the others go
 * through the CRC. Otherwise all of them go through the CRC, as a unit holding data is the rule.
 * The blank check asks first for one answer per region of units (blank flash, the usual case
 * here, answers 0 for each: the same scan, a few bytes to read back instead of four per unit),
 * and per unit only when a region holds data.
 */
static int piece_crcs(struct flash_dev *f, const struct plan *p,
                      const struct flash_crc_region *regions, size_t nr, size_t np, uint8_t *pages,
                      uint32_t *crcs)
{
    if (!job_looks_blank(f, p))
        return flash_crc_target(f, regions, nr, false, crcs);
    int rc = STFLASH_ERR_NO_MEMORY;
    size_t units = 0, n = 0;
    struct flash_crc_region *r = calloc(p->units + np + 1, sizeof *r);
    size_t *index = calloc(p->units + 1, sizeof *index);
    uint32_t *res = calloc(p->units + np + 1, sizeof *res);
    if (!r || !index || !res) {
        rc = ctx_fail(f->ctx, rc, "out of memory planning the flash job");
        goto out;
    }
    n = unit_blank_regions(f, p, NULL, 0, r, index, &units);
    for (size_t i = 0; i < n; i++)
        r[i].piece = 0; /* the whole region, one answer */
    rc = flash_crc_target(f, r, n, false, res);
    bool all_blank = rc == STFLASH_OK;
    for (size_t i = 0; i < n && all_blank; i++)
        all_blank = res[i] == 0;
    if (rc == STFLASH_OK && all_blank) {
        memset(res, 0, units * sizeof *res);
    } else if (rc == STFLASH_OK) {
        n = unit_blank_regions(f, p, NULL, 0, r, index, &units);
        rc = flash_crc_target(f, r, n, false, res);
    }
    if (rc != STFLASH_OK)
        goto out;
    for (size_t i = 0; i < units; i++)
        pages[index[i]] |= res[i] == 0 ? UNIT_BLANK : UNIT_HAS_DATA;
    /* The pieces of units with data, consecutive ones of one length as one region. */
    n = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t q = 0; q < flash_crc_piece_count(&regions[i]); q++) {
            uint32_t a, len;
            flash_region_piece(&regions[i], q, &a, &len);
            if (pages[flash_unit_of(f, a).index] & UNIT_BLANK)
                continue;
            struct flash_crc_region *last = n ? &r[n - 1] : NULL;
            if (last && last->piece == len && (uint64_t)last->addr + last->len == a)
                last->len += len;
            else
                r[n++] = (struct flash_crc_region){a, len, len, false};
        }
    rc = flash_crc_target(f, r, n, false, res);
    if (rc != STFLASH_OK)
        goto out;
    size_t k = 0, j = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t q = 0; q < flash_crc_piece_count(&regions[i]); q++, k++) {
            uint32_t a, len;
            flash_region_piece(&regions[i], q, &a, &len);
            crcs[k] = pages[flash_unit_of(f, a).index] & UNIT_BLANK ? 0u : res[j++];
        }
out:
    free(r);
    free(index);
    free(res);
    return rc;
}

/*
 * Drops from the plan the units that already hold what the image puts there: the CRC of every
 * part of a unit the image covers is computed on the target and compared with the image's. The
 * bytes of a unit the image does not cover are kept anyway, so they need no comparison. When the
 * routine cannot be used every unit stays in the plan.
 */

int plan_skip_unchanged(struct flash_dev *f, const struct stflash_image *img, struct plan *p)
{
    size_t nr = 0, np = 0;
    struct flash_crc_region *regions =
        calloc(FLASH_UNIT_REGIONS_MAX * img->segment_count + 1, sizeof *regions);
    uint8_t *pages = calloc(flash_map_unit_count(&f->map) + 1, 1);
    uint32_t *crcs = NULL;
    struct run *runs = NULL;
    int rc = STFLASH_OK;
    if (!regions || !pages) {
        rc = ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory planning the flash job");
        goto out;
    }
    for (size_t i = 0; i < img->segment_count; i++)
        nr += flash_unit_regions(f, img->segments[i].addr, (uint32_t)img->segments[i].len,
                                 regions + nr);
    for (size_t i = 0; i < nr; i++)
        np += flash_crc_piece_count(&regions[i]);
    crcs = calloc(np ? np : 1, sizeof *crcs);
    if (!crcs) {
        rc = ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory planning the flash job");
        goto out;
    }
    int crc_rc = piece_crcs(f, p, regions, nr, np, pages, crcs);
    if (crc_rc != STFLASH_OK) {
        char what[96];
        snprintf(what, sizeof what, "cannot tell unchanged %ss apart, writing every %s",
                 flash_map_unit_noun(&f->map), flash_map_unit_noun(&f->map));
        flash_crc_unavailable(f, crc_rc, what);
        p->crc_failed = true;
        goto out;
    }

    /* Regions were made segment by segment: walk the segments again to find each piece's data. */
    size_t k = 0;
    nr = 0;
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        size_t n = flash_unit_regions(f, s->addr, (uint32_t)s->len, regions + nr);
        for (size_t j = nr; j < nr + n; j++) {
            size_t count = flash_crc_piece_count(&regions[j]);
            for (size_t q = 0; q < count; q++, k++) {
                uint32_t a, len;
                flash_region_piece(&regions[j], q, &a, &len);
                const uint8_t *want = s->data + (a - s->addr);
                size_t pg = flash_unit_of(f, a).index;
                if (crcs[k] != flash_crc_expected(want, len, f->map.erased))
                    pages[pg] |= UNIT_CHANGED;
                if (crcs[k] != 0)
                    pages[pg] |= UNIT_HAS_DATA;
                for (uint32_t b = 0; b < len && !(pages[pg] & UNIT_NOT_ERASED); b++)
                    if (want[b] != f->map.erased)
                        pages[pg] |= UNIT_NOT_ERASED;
            }
        }
        nr += n;
    }

    /* The runs again, made of the changed units only. */
    runs = calloc(p->units + 1, sizeof *runs);
    if (!runs) {
        rc = ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory planning the flash job");
        goto out;
    }
    size_t count = 0, units = 0;
    uint64_t bytes = 0;
    for (size_t r = 0; r < p->count; r++)
        for (uint32_t off = 0; off < p->runs[r].len;) {
            struct flash_unit u = flash_unit_of(f, p->runs[r].addr + off);
            off += u.size;
            uint8_t state = pages[u.index];
            if (!(state & UNIT_CHANGED)) {
                p->unchanged_units++;
                p->unchanged_bytes += u.size;
                /* Kept as it is: a mass erase would have to program it again. */
                if (state & UNIT_NOT_ERASED)
                    p->kept_not_erased = true;
                continue;
            }
            struct run *last = count ? &runs[count - 1] : NULL;
            if (last && (uint64_t)last->addr + last->len == u.addr)
                last->len += u.size;
            else
                runs[count++] = (struct run){u.addr, u.size, NULL};
            bytes += u.size;
            units++;
        }
    if (f->ctx && units < p->units)
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "%llu of %llu touched %ss already hold the image: not erased or programmed",
                (unsigned long long)(p->units - units), (unsigned long long)p->units,
                flash_map_unit_noun(&f->map));
    free(p->runs);
    p->runs = runs;
    p->count = count;
    p->bytes = bytes;
    p->units = units;
    p->unit_state = pages;
    pages = NULL;
    runs = NULL;
out:
    free(regions);
    free(pages);
    free(crcs);
    free(runs);
    return rc;
}

void plan_find_blank(struct flash_dev *f, struct plan *p)
{
    if (!p->unit_state)
        return; /* no comparison: every unit is erased */
    struct flash_crc_region *regions = calloc(p->units + 1, sizeof *regions);
    uint32_t *blank = calloc(p->units + 1, sizeof *blank);
    size_t *index = calloc(p->units + 1, sizeof *index);
    size_t units = 0;
    if (!regions || !blank || !index)
        goto out; /* out of memory: every unit is erased */
    /* The units whose covered parts read erased, unless checked whole already. */
    size_t n =
        unit_blank_regions(f, p, p->unit_state, UNIT_HAS_DATA | UNIT_BLANK, regions, index, &units);
    if (n) {
        char saved[sizeof f->ctx->last_error];
        if (f->ctx)
            memcpy(saved, f->ctx->last_error, sizeof saved);
        int rc = flash_crc_target(f, regions, n, false, blank);
        if (f->ctx)
            memcpy(f->ctx->last_error, saved, sizeof saved);
        for (size_t i = 0; rc == STFLASH_OK && i < units; i++)
            if (blank[i] == 0)
                p->unit_state[index[i]] |= UNIT_BLANK;
    }
out:
    free(regions);
    free(blank);
    free(index);
}

/* The runs' units that need an erase into p->erase_runs: all but those plan_find_blank found
 * erased. */
static void plan_erase_runs(struct flash_dev *f, struct plan *p)
{
    size_t units = 0, left_out = 0;
    p->erase_runs = calloc(p->units + 1, sizeof *p->erase_runs);
    if (!p->erase_runs)
        return; /* out of memory: every unit is erased */
    for (size_t r = 0; r < p->count; r++)
        for (uint32_t off = 0; off < p->runs[r].len;) {
            struct flash_unit u = flash_unit_of(f, p->runs[r].addr + off);
            off += u.size;
            units++;
            if (unit_blank(p, &u)) {
                left_out++;
                continue;
            }
            struct run *last = p->erase_count ? &p->erase_runs[p->erase_count - 1] : NULL;
            if (last && (uint64_t)last->addr + last->len == u.addr)
                last->len += u.size;
            else
                p->erase_runs[p->erase_count++] = (struct run){u.addr, u.size, NULL};
        }
    if (left_out && f->ctx)
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "%zu of %zu %ss to program are erased already: not erased", left_out, units,
                flash_map_unit_noun(&f->map));
}

int plan_check_image(struct flash_dev *f, const struct stflash_image *img, const char *what)
{
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        if (s->len == 0)
            continue;
        int rc = flash_out_of_range(f, what, s->addr, s->len);
        if (rc != STFLASH_OK)
            return rc;
    }
    return STFLASH_OK;
}

/*
 * Whether one mass erase can replace the unit erases of the plan: when every unit outside the
 * runs (not touched, or left out as unchanged) is erased already, erasing it again changes
 * nothing, and a mass erase costs about one unit erase. The units are checked on the target,
 * exactly (every byte the erased value), and the whole flash must be writable (a mass erase is
 * refused otherwise).
 */
static bool plan_rest_is_blank(struct flash_dev *f, const struct plan *p, const char *why)
{
    if (!f->drv->mass_erase || p->count == 0)
        return false; /* nothing to gain */
    if (p->kept_not_erased || p->crc_failed)
        return false; /* known without looking, or no way to look */
    char saved[sizeof f->ctx->last_error];
    if (f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    bool blank = false;
    size_t cap = p->count + f->map.regions + 1;
    struct flash_crc_region *regions = calloc(cap, sizeof *regions);
    uint32_t *results = calloc(cap, sizeof *results);
    if (!regions || !results)
        goto out;
    for (size_t i = 0; i < f->map.regions; i++) {
        const struct flash_region *r = &f->map.region[i];
        if (f->drv->check_writable && f->drv->check_writable(f, r->base, r->size) != STFLASH_OK)
            goto out;
    }
    /* What lies outside the runs, region by region (holes are no flash). */
    size_t n = 0, k = 0;
    for (size_t i = 0; i < f->map.regions; i++) {
        const struct flash_region *r = &f->map.region[i];
        uint64_t at = r->base, rend = (uint64_t)r->base + r->size;
        while (k < p->count && (uint64_t)p->runs[k].addr + p->runs[k].len <= at)
            k++;
        for (size_t j = k; at < rend; j++) {
            uint64_t next = j < p->count && p->runs[j].addr < rend ? p->runs[j].addr : rend;
            if (next > at)
                regions[n++] =
                    (struct flash_crc_region){(uint32_t)at, (uint32_t)(next - at), 0, true};
            if (next >= rend)
                break;
            at = (uint64_t)p->runs[j].addr + p->runs[j].len;
        }
    }
    if (flash_crc_target(f, regions, n, false, results) != STFLASH_OK)
        goto out;
    blank = true;
    for (size_t i = 0; i < n; i++)
        blank = blank && results[i] == 0;
    if (blank && f->ctx)
        ctx_log(f->ctx, STFLASH_LOG_INFO, "the rest of the flash is erased: one mass erase %s",
                why);
out:
    free(regions);
    free(results);
    if (f->ctx)
        memcpy(f->ctx->last_error, saved, sizeof saved);
    return blank;
}

bool plan_erase(struct flash_dev *f, struct plan *p, bool mass, bool full,
                const struct run **to_erase, size_t *n_erase)
{
    /* Units erased already need no erase (unless the caller asked for a full erase). */
    if (!mass && !full)
        plan_erase_runs(f, p);
    *to_erase = p->erase_runs ? p->erase_runs : p->runs;
    *n_erase = p->erase_runs ? p->erase_count : p->count;
    uint64_t erase_bytes = 0;
    for (size_t i = 0; i < *n_erase; i++)
        erase_bytes += (*to_erase)[i].len;
    /* Every unit touched, or every other unit erased already: one mass erase does what the
     * unit erases would (the bytes to keep are in the run buffers already), in the time of one
     * unit erase where the datasheet says so. */
    if (!mass && f->drv->mass_erase && erase_bytes == flash_map_bytes(&f->map))
        return true;
    if (!mass && !full && *n_erase && f->drv->mass_erase_quick && p->units >= 2u) {
        char why[96];
        snprintf(why, sizeof why, "instead of %llu %s erases", (unsigned long long)p->units,
                 flash_map_unit_noun(&f->map));
        return plan_rest_is_blank(f, p, why);
    }
    /* Nothing to erase, but a controller that programs faster after a mass erase. */
    uint64_t program_bytes = 0;
    for (size_t i = 0; i < p->count; i++)
        program_bytes += p->runs[i].len;
    if (!mass && !full && *n_erase == 0 && f->drv->mass_erase_speeds_up &&
        f->drv->mass_erase_speeds_up(f, program_bytes))
        return plan_rest_is_blank(f, p,
                                  "first: the controller programs whole rows faster after it");
    return mass;
}
