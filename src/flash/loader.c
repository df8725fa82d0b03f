/* The loader runner (flash/loader.h): SRAM layout, the ring, progress, deadlines. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/clock.h"
#include "flash/crc.h"
#include "flash/loader.h"
#include "flash/loader_pace.h"
#include "flash/loaders/loader_abi.h"
#include "flash/sysregs.h"

#define LOADER_STACK 64u
#define CTRL_SIZE ((uint32_t)LDR_CB_BYTES)
#define CTRL_AREA ((CTRL_SIZE + 7u) & ~7u) /* the block, 8-byte aligned for the stack below */
#define RING_MAX 65536u
#define RING_MIN 256u
/* The first chunk written into the ring: small, so that programming starts at once. A later
 * chunk is at most what the ring holds (next_chunk), up to CHUNK_MAX and half the ring. */
#define FIRST_CHUNK 256u
#define CHUNK_MAX 4096u
/* The MEM-AP's address auto-increment is only guaranteed within a 1 KiB block (ARM ADIv5, MEM-AP
 * automatic address increment): probes cut a transfer there, each piece a command of its own. */
#define TAR_BLOCK 1024u
/* The ring starts at a multiple of this (from an aligned SRAM base): a chunk that ends at a TAR
 * block then holds whole program units (16 bytes on the H5, 32 on the H7), as the loaders need. */
#define RING_ALIGN 64u
/* A piece put into the ring during an erase: about 4 ms of a 1.8 MHz SWD link, so that the end
 * of the erase is seen soon after it comes (an F1 page or mass erase takes 20 ms). */
#define STAGE_CHUNK 512u
/* Added to every deadline: probe round trips and a descheduled or heavily loaded host (the
 * deadline only ends a loader that made no progress; a healthy job never waits for it). */
#define LOADER_MARGIN_MS 3000u
/* How long rp may stand still before the loader's state is read with it (read_progress). */
#define STATE_LOOK_MS 100u

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

int flash_loader_init(struct flash_dev *f, struct flash_loader *l, uint32_t code_max)
{
    uint32_t code_size = (code_max + 15u) & ~15u;
    uint32_t head = code_size + LOADER_STACK + CTRL_AREA;
    uint32_t fixed = (head + RING_ALIGN - 1u) & ~(RING_ALIGN - 1u);
    uint32_t ring = 0;
    if (f->sram_size >= fixed + RING_MIN)
        for (ring = RING_MAX; ring > f->sram_size - fixed;)
            ring >>= 1;
    /* At a TAR block where the ring stays as large: each span a loader takes then fills whole
     * blocks, and the chunk that refills it is one command (next_chunk). */
    uint32_t in_block = (head + TAR_BLOCK - 1u) & ~(TAR_BLOCK - 1u);
    if (ring >= RING_MIN && f->sram_size >= in_block && f->sram_size - in_block >= ring)
        fixed = in_block;
    if (ring < RING_MIN)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "not enough SRAM for the flash loader: %u bytes at 0x%08x, %u needed",
                        f->sram_size, f->sram_base, fixed + RING_MIN);
    memset(l, 0, sizeof *l);
    l->code = f->sram_base;
    l->ring = f->sram_base + fixed;
    /* The control block right below the ring, so that the job's first write (the block and the
     * first chunk) carries no padding; the stack below it, 8-byte aligned, over what is left. */
    l->ctrl = l->ring - CTRL_AREA;
    l->sp = l->ctrl;
    l->ring_size = ring;
    return STFLASH_OK;
}

int flash_loader_session(struct flash_dev *f, uint32_t code_max, struct flash_loader **out)
{
    if (f->drv_state) {
        *out = f->drv_state;
        return STFLASH_OK;
    }
    struct flash_loader l;
    int rc = flash_loader_init(f, &l, code_max);
    if (rc != STFLASH_OK)
        return rc;
    struct flash_loader *s = malloc(sizeof *s);
    if (!s)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the flash loader");
    *s = l;
    f->drv_state = s;
    *out = s;
    return STFLASH_OK;
}

bool flash_loader_done(const struct flash_dev *f)
{
    const struct flash_loader *l = f->drv_state;
    return l && l->done && !l->running;
}

int flash_loader_end(struct flash_dev *f)
{
    int rc = STFLASH_OK;
    struct flash_loader *l = f->drv_state;
    if (l && l->running) {
        rc = cm_halt(f->dbg);
        l->running = false;
    }
    if (l && l->prepared) {
        int urc = cm_unprepare_routine(f->dbg, &l->run);
        if (rc == STFLASH_OK)
            rc = urc;
        l->prepared = false;
    }
    free(f->drv_state);
    f->drv_state = NULL;
    return rc;
}

int flash_loader_load(struct flash_dev *f, struct flash_loader *l, const uint8_t *code,
                      uint32_t len)
{
    if (l->loaded == code)
        return STFLASH_OK;
    int rc = dbg_write(f->dbg, l->code, code, len);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot load the flash loader into SRAM at 0x%08x: %s", l->code,
                        last_error(f));
    l->loaded = code;
    return STFLASH_OK;
}

int flash_loader_begin(struct flash_dev *f, uint32_t code_max, const uint8_t *code, uint32_t len,
                       uint32_t addr, struct flash_loader **out)
{
    int rc = flash_loader_session(f, code_max, out);
    if (rc != STFLASH_OK)
        return rc;
    /* A start prepared during the erase wrote core registers: the core is halted. */
    rc = (*out)->prepared ? STFLASH_OK : cm_ensure_halted(f->dbg);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot halt the core to program 0x%08x: %s", addr,
                        last_error(f));
    return flash_loader_load(f, *out, code, len);
}

int flash_loader_unit_error(struct flash_dev *f, const struct flash_loader_job *job,
                            const struct flash_loader_stop *st, unsigned unit)
{
    uint32_t where = st->addr;
    if (st->status == LDR_ERR_READBACK && where >= job->addr &&
        where - job->addr + unit <= job->len) {
        const uint8_t *p = job->data + (where - job->addr);
        uint32_t want = unit == 4 ? le32_get(p) : unit == 2 ? le16_get(p) : p[0];
        uint32_t mask = unit == 4 ? 0xFFFFFFFFu : (1u << (8 * unit)) - 1u;
        int digits = (int)unit * 2;
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "cannot program 0x%08x: reads back 0x%0*x instead of 0x%0*x", where, digits,
                        st->value & mask, digits, want);
    }
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                    "cannot program 0x%08x: the loader reports status 0x%x", where, st->status);
}

int flash_loader_stop(struct flash_dev *f, struct flash_loader *l)
{
    if (!l->running)
        return STFLASH_OK;
    int rc = cm_halt(f->dbg);
    if (rc == STFLASH_OK)
        l->running = false;
    return rc;
}

int flash_stage_step(struct flash_dev *f)
{
    if (!f->stage.active || !f->drv->stage)
        return STFLASH_OK;
    bool more = false;
    int rc = f->drv->stage(f, &more);
    if (rc != STFLASH_OK || !more)
        f->stage.active = false; /* full, or the probe failed: the erase's own look tells */
    return rc;
}

int flash_loader_stage(struct flash_dev *f, uint32_t code_max, const uint8_t *code, uint32_t len,
                       bool *more)
{
    struct flash_stage *st = &f->stage;
    *more = false;
    if (!st->active || !st->data)
        return STFLASH_OK;
    struct flash_loader *l = NULL;
    int lrc = flash_loader_session(f, code_max, &l);
    if (lrc != STFLASH_OK)
        return lrc;
    if (st->ring != l->ring) {
        st->ring = l->ring;
        st->staged = 0;
    }
    uint32_t limit = st->len < l->ring_size ? st->len : l->ring_size;
    if (l->loaded != code) {
        /* The loader is a step of its own: the flash may be done before the data would be. */
        lrc = flash_loader_load(f, l, code, len);
        *more = lrc == STFLASH_OK;
        return lrc;
    }
    if (!l->prepared) {
        /* Its start is another (flash_loader_run then only resumes the core): done before the
         * data, as the data may fill the ring only when the erase takes long enough. The
         * watchdog's reload too: its counter stands still while the core is halted (the DBGMCU
         * freeze, flash/sysregs.h) until the core resumes. */
        uint32_t arg = l->ctrl;
        lrc = watchdog_reload(f->dbg, f->chip);
        if (lrc == STFLASH_OK)
            lrc = cm_prepare_routine(f->dbg, l->code | 1u, l->sp, &arg, 1, &l->run);
        l->prepared = lrc == STFLASH_OK;
        *more = lrc == STFLASH_OK && st->staged < limit;
        return lrc;
    }
    uint32_t n = limit - st->staged;
    if (n > STAGE_CHUNK)
        n = STAGE_CHUNK;
    uint32_t from = l->ring + st->staged, stop = (from + n) & ~(TAR_BLOCK - 1u);
    if (stop > from && stop - from >= n / 2u)
        n = stop - from; /* one memory command: the piece ends at a TAR block */
    if (n > 0) {
        int rc = dbg_write(f->dbg, l->ring + st->staged, st->data + st->staged, n);
        if (rc != STFLASH_OK) {
            st->staged = 0;
            return ctx_fail(f->ctx, rc, "cannot load the data for 0x%08x into SRAM at 0x%08x: %s",
                            st->addr + st->staged, l->ring + st->staged, last_error(f));
        }
        st->staged += n;
    }
    *more = st->staged < limit;
    return STFLASH_OK;
}

/* Bytes of the job already in the ring (flash_loader_stage), handed over once. */
static uint32_t take_staged(struct flash_dev *f, const struct flash_loader *l,
                            const struct flash_loader_job *job)
{
    struct flash_stage *st = &f->stage;
    uint32_t n = 0;
    if (st->staged && st->ring == l->ring && st->data == job->data && st->addr == job->addr)
        n = st->staged < job->len ? st->staged : job->len;
    st->staged = 0;
    st->data = NULL;
    return n;
}

/* A failure in the middle of a job: the loader is halted, the failure's message kept. */
static int abort_job(struct flash_dev *f, struct flash_loader *l, int rc)
{
    char saved[sizeof f->ctx->last_error];
    if (f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    (void)flash_loader_stop(f, l);
    if (f->ctx)
        memcpy(f->ctx->last_error, saved, sizeof saved);
    return rc;
}

/* A cancel request during a job: everything fed (up to a unit boundary) is programmed, then the
 * loader, waiting for more data, is halted. STFLASH_ERR_CANCELLED names where it stopped. */
static int stop_at_unit(struct flash_dev *f, struct flash_loader *l,
                        const struct flash_loader_job *job, uint32_t written, uint32_t programmed,
                        unsigned stall_ms)
{
    uint64_t moved = now_ms();
    while (programmed < written) {
        uint8_t st[8];
        int rc = dbg_read(f->dbg, l->ctrl + LDR_CB_RP, st, sizeof st);
        if (rc != STFLASH_OK)
            return abort_job(f, l,
                             ctx_fail(f->ctx, rc, "cannot program 0x%08x: %s",
                                      job->addr + programmed, last_error(f)));
        uint32_t rp = le32_get(st), state = le32_get(st + 4);
        if (rp > programmed && rp <= written) {
            flash_program_progress(f, job->addr + programmed, rp - programmed);
            programmed = rp;
            moved = now_ms();
        } else if (state != LDR_STATE_RUNNING || now_ms() - moved > stall_ms) {
            break; /* a failure or a stall: the loader is halted where it is */
        }
    }
    int rc = flash_loader_stop(f, l);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "interrupted, but the flash loader cannot be halted: %s",
                        last_error(f));
    return ctx_fail(f->ctx, STFLASH_ERR_CANCELLED, "interrupted at 0x%08x", job->addr + programmed);
}

/* Twice the datasheet's worst case for len bytes, plus the margin. */
static unsigned job_timeout_ms(const struct flash_loader_job *job, uint32_t len)
{
    uint32_t unit = job->unit ? job->unit : 1u;
    uint64_t nominal_ms = (uint64_t)(len / unit) * job->unit_us / 1000u;
    return (unsigned)(2u * nominal_ms + LOADER_MARGIN_MS);
}

/* A job done by a loader that checks in the pass: its CRC of the flash against the host's of
 * the job's bytes. A mismatch is no error here: the job is left to the engine's verification,
 * which names the first differing address. */
static int check_in_pass(struct flash_dev *f, struct flash_loader *l,
                         const struct flash_loader_job *job)
{
    uint32_t crc = 0;
    int rc = dbg_read32(f->dbg, l->ctrl + LDR_CB_CRC, &crc);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the CRC of 0x%08x-0x%08x at 0x%08x: %s", job->addr,
                        job->addr + job->len - 1u, l->ctrl + LDR_CB_CRC, last_error(f));
    uint32_t want = flash_crc32(0, job->data, job->len);
    if (crc == want)
        f->checked_in_pass += job->len;
    else
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "0x%08x-0x%08x: the CRC of the programmed flash is 0x%08x, the image's 0x%08x: "
                "verifying it",
                job->addr, job->addr + job->len - 1u, crc, want);
    return STFLASH_OK;
}

/*
 * How many bytes of the job to write into the ring next, at `written` with `programmed` known to
 * be programmed; 0: wait for the loader to take some. A chunk is at most what the ring holds
 * (counted from the last rp seen, so rather less), which the flash takes while the chunk crosses
 * the link where the link carries data faster than the flash takes it (on an F1 at 1800 kHz,
 * about three times as fast: docs/benchmarks.md): after the first chunk the ring never runs dry,
 * and the chunks double up to the largest. Where the link is the limit the ring is never full,
 * nothing is polled, and the chunks grow to the largest. A chunk waits for room for FIRST_CHUNK
 * bytes (less in a small ring), and ends at a TAR block where it can.
 */
static uint32_t chunk_max(const struct flash_loader *l)
{
    return l->ring_size / 2u < CHUNK_MAX ? l->ring_size / 2u : CHUNK_MAX;
}

static uint32_t chunk_first(const struct flash_loader *l)
{
    return FIRST_CHUNK < chunk_max(l) ? FIRST_CHUNK : chunk_max(l);
}

/* The smallest chunk worth a write at `written`: FIRST_CHUNK (less in a small ring), or what is
 * left of the job or up to the ring's end. */
static uint32_t chunk_least(const struct flash_loader *l, uint32_t written, uint32_t end)
{
    uint32_t least = chunk_first(l);
    uint32_t to_ring_end = l->ring_size - (written & (l->ring_size - 1u));
    if (least > end - written)
        least = end - written;
    return least < to_ring_end ? least : to_ring_end;
}

static uint32_t next_chunk(const struct flash_loader *l, uint32_t written, uint32_t programmed,
                           uint32_t end, uint32_t unit)
{
    uint32_t in_ring = written - programmed, room = l->ring_size - in_ring;
    uint32_t max = chunk_max(l), least = chunk_least(l, written, end);
    uint32_t n = in_ring > chunk_first(l) ? in_ring : chunk_first(l);
    if (n > max)
        n = max;
    uint32_t at = written & (l->ring_size - 1u);
    if (n > room)
        n = room;
    if (n > end - written)
        n = end - written;
    if (n > l->ring_size - at)
        n = l->ring_size - at;
    if (n < least)
        return 0; /* too little room: the loader takes some first */
    uint32_t from = l->ring + at, stop = (from + n) & ~(TAR_BLOCK - 1u);
    if (stop > from && stop - from >= n / 2u)
        n = stop - from;
    if (n < end - written && unit > 1u)
        n -= n % unit; /* the loader takes whole units only */
    return n;
}

/* How many more bytes the loader must take before next_chunk has a chunk to give. Once a look
 * found rp where it was, at least the span the loader programs now, since rp moves only at a
 * span's end (loaders/loader_ring.inc). That span began when rp reached `programmed`, between
 * the look that saw it there and the look before, and took what the ring held then, up to the
 * ring's end: at least what had been fed at that look before (`fed_then`; 0: no look found rp
 * still, and `programmed` may be old). The least is taken: a longer span is looked at again,
 * while a wait too long would leave the link idle where it is the limit. */
static uint32_t room_wanted(const struct flash_loader *l, uint32_t written, uint32_t programmed,
                            uint32_t fed_then, uint32_t end)
{
    uint32_t want = chunk_least(l, written, end), room = l->ring_size - (written - programmed);
    if (want <= room)
        return 0;
    uint32_t span = fed_then > programmed ? fed_then - programmed : 0;
    uint32_t to_ring_end = l->ring_size - (programmed & (l->ring_size - 1u));
    if (span > to_ring_end)
        span = to_ring_end;
    return want - room > span ? want - room : span;
}

/* Reads the loader's progress (LDR_CB_RP); progress up to `limit` bytes beyond *programmed is
 * reported and taken, and *advanced says so. Its state is read only when rp has stood still
 * since `moved` for STATE_LOOK_MS (a loader that moves on is running; one that failed is seen
 * that late at most): rp alone is one exchange with its status (dbg_stlink.c), rp and the state
 * together a memory read and a status query. Returns the probe's status. */
static int read_progress(struct flash_dev *f, const struct flash_loader *l, uint32_t addr,
                         uint32_t limit, struct loader_pace *pace, uint64_t moved,
                         uint32_t *programmed, uint32_t *state, bool *advanced)
{
    uint32_t rp = 0;
    *advanced = false;
    int rc = dbg_read32(f->dbg, l->ctrl + LDR_CB_RP, &rp);
    if (rc != STFLASH_OK)
        return rc;
    if (rp > *programmed && rp <= limit) {
        flash_program_progress(f, addr + *programmed, rp - *programmed);
        *programmed = rp;
        loader_pace_seen(pace, rp);
        *advanced = true;
        *state = LDR_STATE_RUNNING;
        return STFLASH_OK;
    }
    if (now_ms() - moved < STATE_LOOK_MS)
        return STFLASH_OK;
    return dbg_read32(f->dbg, l->ctrl + LDR_CB_STATE, state);
}

int flash_loader_run(struct flash_dev *f, struct flash_loader *l,
                     const struct flash_loader_job *job, struct flash_loader_stop *stop)
{
    uint32_t addr = job->addr, len = job->len;
    uint32_t staged = take_staged(f, l, job);
    /* The ring follows the control block: without staged data the first chunk goes with it, in
     * one write, and the loader starts with data to program. */
    uint32_t first = staged || ctx_cancelled(f->ctx) ? 0 : next_chunk(l, 0, 0, len, job->unit);
    uint32_t head = l->ring - l->ctrl; /* the control block and its alignment */
    uint8_t *cb = calloc(1, head + first);
    if (!cb)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the flash loader");
    memset(stop, 0, sizeof *stop);
    le32_put(cb + LDR_CB_REGS, job->regs);
    le32_put(cb + LDR_CB_ADDR, addr);
    le32_put(cb + LDR_CB_LEN, len);
    le32_put(cb + LDR_CB_RING, l->ring);
    le32_put(cb + LDR_CB_SIZE, l->ring_size);
    le32_put(cb + LDR_CB_ERASED, job->erased);
    le32_put(cb + LDR_CB_ARG, job->arg);
    le32_put(cb + LDR_CB_WP, staged + first);
    memcpy(cb + head, job->data, first);
    int rc = flash_clock_raise(f);
    if (rc == STFLASH_OK)
        rc = dbg_write(f->dbg, l->ctrl, cb, first ? head + first : CTRL_SIZE);
    free(cb);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot load the job for 0x%08x into SRAM at 0x%08x: %s", addr,
                        l->ctrl, last_error(f));
    uint32_t arg = l->ctrl;
    /* The core runs the loader: the DBGMCU freeze no longer holds the watchdog, so it is
     * reloaded now (or with the start prepared during the erase) and every time data moves
     * (flash/sysregs.h). */
    rc = l->prepared ? STFLASH_OK : watchdog_reload(f->dbg, f->chip);
    if (rc == STFLASH_OK)
        rc = l->prepared ? cm_go_routine(f->dbg)
                         : cm_start_routine(f->dbg, l->code | 1u, l->sp, &arg, 1, &l->run);
    l->prepared = false;
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot start the flash loader for 0x%08x: %s", addr,
                        last_error(f));
    l->running = true;
    l->done = false;

    uint32_t written = staged + first, programmed = 0, state = LDR_STATE_RUNNING;
    /* Fed at the last look at rp, and at the look before rp was seen at `programmed`; whether
     * the last look found rp where it was (the loader is then within the span from there). */
    uint32_t fed_looked = written, fed_then = written;
    bool in_vain = false;
    unsigned stall_ms = job_timeout_ms(job, l->ring_size);
    uint64_t moved = now_ms();
    struct loader_pace pace;
    loader_pace_start(&pace, job->unit_us, job->unit, 0);
    /* Fed up to here: the job's end, or after a cancel request the end of the erase unit being
     * fed, so the job stops between units with everything fed programmed. */
    uint32_t end = len;
    while (written < end && state == LDR_STATE_RUNNING) {
        if (end == len && ctx_cancelled(f->ctx)) {
            struct flash_unit u;
            end = written;
            if (written > 0 && flash_map_unit_at(&f->map, addr + written - 1u, &u))
                end = u.addr + u.size - addr;
            if (end > len)
                end = len;
            if (written >= end)
                break;
        }
        uint32_t at = written & (l->ring_size - 1u);
        uint32_t n = next_chunk(l, written, programmed, end, job->unit);
        if (n == 0) {
            /* The ring is full: wait for the loader to take some. */
            uint32_t need = room_wanted(l, written, programmed, in_vain ? fed_then : 0, end);
            loader_pace_wait(&pace, need, written - programmed);
            bool advanced;
            rc = read_progress(f, l, addr, written, &pace, moved, &programmed, &state, &advanced);
            if (advanced)
                fed_then = fed_looked;
            fed_looked = written;
            in_vain = !advanced;
            /* Data moved: the watchdog is reloaded, here unless a chunk follows at once (its
             * write reloads it). */
            if (rc == STFLASH_OK && advanced &&
                next_chunk(l, written, programmed, end, job->unit) == 0)
                rc = watchdog_reload(f->dbg, f->chip);
            if (rc != STFLASH_OK)
                return abort_job(f, l,
                                 ctx_fail(f->ctx, rc, "cannot program 0x%08x-0x%08x: %s", addr,
                                          addr + len - 1u, last_error(f)));
            if (advanced) {
                moved = now_ms();
            } else if (state == LDR_STATE_RUNNING && now_ms() - moved > stall_ms) {
                /* A loader that stopped taking data because the chip was reset under it (a
                 * watchdog the freeze bits no longer hold, NRST, a supply dip) says so:
                 * DHCSR.S_RESET_ST, sticky until read (ARMv7-M ARM C1.6.2), nothing read DHCSR
                 * since the loader started. */
                uint32_t dhcsr = 0;
                if (dbg_read32(f->dbg, CM_DHCSR, &dhcsr) == STFLASH_OK &&
                    (dhcsr & CM_DHCSR_S_RESET_ST))
                    return abort_job(
                        f, l,
                        ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                                 "cannot program 0x%08x-0x%08x: the target was reset while the "
                                 "flash loader ran (a watchdog, NRST or a supply dip); "
                                 "programmed up to 0x%08x",
                                 addr, addr + len - 1u, addr + programmed));
                return abort_job(
                    f, l,
                    ctx_fail(f->ctx, STFLASH_ERR_TIMEOUT,
                             "cannot program 0x%08x-0x%08x: the flash loader stopped at 0x%08x "
                             "(nothing programmed for %u ms)",
                             addr, addr + len - 1u, addr + programmed, stall_ms));
            }
            continue;
        }
        rc = dbg_write(f->dbg, l->ring + at, job->data + written, n);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, l->ctrl + LDR_CB_WP, written + n);
        if (rc == STFLASH_OK)
            rc = watchdog_reload(f->dbg, f->chip);
        if (rc != STFLASH_OK)
            return abort_job(f, l,
                             ctx_fail(f->ctx, rc,
                                      "cannot load the data for 0x%08x into SRAM at 0x%08x: %s",
                                      addr + written, l->ring + at, last_error(f)));
        written += n;
    }
    if (end < len && state == LDR_STATE_RUNNING)
        return stop_at_unit(f, l, job, written, programmed, stall_ms);

    uint32_t r0 = 0;
    /* The rest asleep but for a look at rp now and then (one exchange each: loader_pace.h), until
     * rp reaches the end; then the loader is at its BKPT or a few instructions from it. A loader
     * that stopped or stalls is left to cm_wait_routine, which tells why. */
    bool advanced;
    while (read_progress(f, l, addr, len, &pace, moved, &programmed, &state, &advanced) ==
               STFLASH_OK &&
           state == LDR_STATE_RUNNING && programmed < len) {
        if (advanced)
            moved = now_ms();
        else if (now_ms() - moved > stall_ms)
            break;
        loader_pace_finish(&pace, len);
    }
    rc = cm_wait_routine(f->dbg, &l->run, job_timeout_ms(job, len - programmed), &r0);
    l->running = false;
    l->done = rc == STFLASH_OK && r0 == 0;
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot program 0x%08x-0x%08x: %s", addr, addr + len - 1u,
                        last_error(f));
    if (r0 != 0) {
        stop->status = r0;
        rc = f->dbg->ops->read_reg(f->dbg, 1, &stop->addr);
        if (rc == STFLASH_OK)
            rc = f->dbg->ops->read_reg(f->dbg, 2, &stop->value);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc,
                            "cannot program 0x%08x-0x%08x: the loader failed (status 0x%x) and "
                            "its registers cannot be read: %s",
                            addr, addr + len - 1u, r0, last_error(f));
        if (stop->addr < addr || stop->addr - addr >= len)
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                            "cannot program 0x%08x-0x%08x: the loader failed (status 0x%x) at "
                            "0x%08x, outside its range",
                            addr, addr + len - 1u, r0, stop->addr);
        return STFLASH_OK;
    }
    if (programmed < len)
        flash_program_progress(f, addr + programmed, len - programmed);
    return job->crc ? check_in_pass(f, l, job) : STFLASH_OK;
}
