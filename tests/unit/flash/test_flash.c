/*
 * The flash engine and the F0/F1/F3 driver against the simulated STM32F1: the loader runs on the
 * simulated Cortex-M3, the simulated FPEC applies the real rules and timings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arm/cortexm.h"
#include "f1_map.h"
#include "flash/f1.h"
#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define FLASH_BASE 0x08000000u
#define MAX_EVENTS 4096

struct event {
    struct stflash_progress p;
    sim_ps when;
};

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
    struct flash_dev f;
    struct event *ev;
    size_t nev;
    uint8_t *expect; /* what the flash should hold */
    uint32_t size;
    /* Called on every progress event: lets a test change the target in the middle of a job. */
    void (*hook)(struct fixture *fx, const struct stflash_progress *p);
};

static void on_progress(void *user, const struct stflash_progress *p)
{
    struct fixture *fx = user;
    if (fx->nev < MAX_EVENTS) {
        fx->ev[fx->nev].p = *p;
        fx->ev[fx->nev].when = fx->sd.t.now;
        fx->nev++;
    }
    if (fx->hook)
        fx->hook(fx, p);
}

static int open_chip(void **state, const char *sim_chip, uint16_t dev_id, uint32_t sram,
                     const uint16_t *optbytes)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    fx->ev = calloc(MAX_EVENTS, sizeof *fx->ev);
    assert_non_null(fx->ev);
    stflash_ctx_set_progress(fx->ctx, on_progress, fx);
    assert_int_equal(sim_dbg_open(&fx->sd, sim_chip, fx->ctx, optbytes), 0);
    fx->size = fx->sd.t.flash_size;
    const struct stflash_chip_info *chip = stflash_chip_find(dev_id);
    assert_non_null(chip);
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, chip, fx->size, 0), STFLASH_OK);
    if (sram)
        fx->f.sram_size = sram;
    fx->expect = malloc(fx->size);
    assert_non_null(fx->expect);
    memset(fx->expect, 0xFF, fx->size);
    *state = fx;
    return 0;
}

static int setup_f103(void **state)
{
    return open_chip(state, "stm32f103c8", 0x410, 20 * 1024, NULL);
}

static int setup_f100(void **state)
{
    return open_chip(state, "stm32f100rb", 0x420, 8 * 1024, NULL);
}

/* The chip row's smallest F100 SRAM (4 KiB): the default of flash_dev_init. */
static int setup_f100_small(void **state)
{
    return open_chip(state, "stm32f100rb", 0x420, 0, NULL);
}

/* WRP0 = 0xFD: pages 4-7 (0x08001000-0x08001fff, group 1) write protected (PM0075 §2.4.2). */
static int setup_f103_wrp(void **state)
{
    const uint16_t ob[8] = {0x5AA5, 0x00FF, 0x00FF, 0x00FF, 0x02FD, 0x00FF, 0x00FF, 0x00FF};
    return open_chip(state, "stm32f103c8", 0x410, 20 * 1024, ob);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    sim_dbg_close(&fx->sd);
    stflash_ctx_free(fx->ctx);
    free(fx->expect);
    free(fx->ev);
    free(fx);
    return 0;
}

/* ---- helpers ---- */

static uint8_t pattern(uint32_t i, uint32_t seed)
{
    uint32_t x = (i + 1u) * 2654435761u ^ seed * 40503u;
    x ^= x >> 13;
    return (uint8_t)(x * 0x9E3779B1u >> 24);
}

/* Old firmware in the whole flash, put there behind the controller's back. */
static void prefill(struct fixture *fx, uint32_t seed)
{
    for (uint32_t i = 0; i < fx->size; i++)
        fx->sd.t.flash[i] = fx->expect[i] = pattern(i, seed);
}

struct seg {
    uint32_t addr;
    size_t len;
    uint32_t seed;
};

/* An image of sorted, separated segments filled with pattern(seed); also applied to expect. */
struct img {
    struct stflash_image image;
    struct stflash_segment segs[8];
};

static void make_image(struct fixture *fx, struct img *im, const struct seg *segs, size_t n)
{
    memset(im, 0, sizeof *im);
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++) {
        struct stflash_segment *s = &im->segs[i];
        s->addr = segs[i].addr;
        s->len = segs[i].len;
        s->data = malloc(s->len);
        assert_non_null(s->data);
        for (size_t k = 0; k < s->len; k++) {
            s->data[k] = pattern((uint32_t)k, segs[i].seed);
            uint64_t off = (uint64_t)s->addr + k - FLASH_BASE;
            if (s->addr >= FLASH_BASE && off < fx->size)
                fx->expect[off] = s->data[k];
        }
        im->image.total_bytes += s->len;
    }
    im->image.segments = im->segs;
    im->image.segment_count = n;
    im->image.format = STFLASH_IMAGE_BIN;
}

static void free_image(struct img *im)
{
    for (size_t i = 0; i < im->image.segment_count; i++)
        free(im->segs[i].data);
}

static void assert_flash_as_expected(struct fixture *fx)
{
    for (uint32_t i = 0; i < fx->size; i++)
        if (fx->sd.t.flash[i] != fx->expect[i])
            fail_msg("flash 0x%08x holds 0x%02x, expected 0x%02x", FLASH_BASE + i,
                     fx->sd.t.flash[i], fx->expect[i]);
}

static void assert_locked(struct fixture *fx)
{
    assert_true(fx->sd.t.fpec.cr & FLASH_CR_LOCK);
    assert_false(fx->sd.t.fpec.cr & (FLASH_CR_PG | FLASH_CR_PER | FLASH_CR_MER));
}

static void assert_error(struct fixture *fx, int rc, int want, const char *msg)
{
    if (rc != want || strcmp(stflash_last_error(fx->ctx), msg) != 0)
        fail_msg("got %d \"%s\", expected %d \"%s\"", rc, stflash_last_error(fx->ctx), want, msg);
}

/* Events of one phase: contiguous, start at 0, never go back, end at total. Returns the number
 * of events of the phase (0 when absent). */
static size_t check_phase(struct fixture *fx, enum stflash_phase phase, uint64_t want_total)
{
    size_t first = fx->nev, count = 0;
    for (size_t i = 0; i < fx->nev; i++)
        if (fx->ev[i].p.phase == phase) {
            if (first == fx->nev)
                first = i;
            else if (fx->ev[i - 1].p.phase != phase)
                fail_msg("phase %d events are not contiguous", (int)phase);
            count++;
        }
    if (count == 0) {
        assert_int_equal(want_total, 0);
        return 0;
    }
    const struct stflash_progress *p = &fx->ev[first].p;
    assert_int_equal(p->done, 0);
    uint64_t total = p->total;
    if (want_total != UINT64_MAX)
        assert_int_equal(total, want_total);
    for (size_t i = first + 1; i < first + count; i++) {
        assert_int_equal(fx->ev[i].p.total, total);
        assert_true(fx->ev[i].p.done >= fx->ev[i - 1].p.done);
    }
    assert_int_equal(fx->ev[first + count - 1].p.done, total);
    return count;
}

static void check_phase_order(struct fixture *fx)
{
    for (size_t i = 1; i < fx->nev; i++)
        assert_true(fx->ev[i].p.phase == fx->ev[i - 1].p.phase ||
                    (fx->ev[i - 1].p.phase == STFLASH_PHASE_READ &&
                     fx->ev[i].p.phase == STFLASH_PHASE_ERASE) ||
                    (fx->ev[i - 1].p.phase == STFLASH_PHASE_ERASE &&
                     fx->ev[i].p.phase == STFLASH_PHASE_PROGRAM) ||
                    (fx->ev[i - 1].p.phase == STFLASH_PHASE_PROGRAM &&
                     fx->ev[i].p.phase == STFLASH_PHASE_VERIFY));
}

static int write_segs(struct fixture *fx, const struct seg *segs, size_t n,
                      const struct stflash_write_options *opts)
{
    struct img im;
    make_image(fx, &im, segs, n);
    fx->nev = 0;
    int rc = flash_write(&fx->f, &im.image, opts);
    free_image(&im);
    return rc;
}

/* ---- writing ---- */

static void test_write_one_byte(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 1);
    const struct seg s[] = {{0x08000123u, 1, 7}};
    assert_int_equal(write_segs(fx, s, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    /* The rest of page 0 was read back to be kept, the page erased and programmed whole. */
    check_phase_order(fx);
    assert_true(check_phase(fx, STFLASH_PHASE_READ, 1024) > 0);
    assert_true(check_phase(fx, STFLASH_PHASE_ERASE, 1024) > 0);
    assert_true(check_phase(fx, STFLASH_PHASE_PROGRAM, 1024) > 0);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 1024) > 0);
}

static void test_write_odd_sizes_odd_addresses(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 2);
    const struct seg s[] = {
        {0x08000401u, 333, 11},  /* inside page 1 */
        {0x08000555u, 1, 12},    /* same page, after a gap */
        {0x08002FFFu, 3, 13},    /* across the page 11/12 boundary */
        {0x08004001u, 2047, 14}, /* pages 16 and 17, both ends odd */
        {0x0800FFFFu, 1, 15},    /* the last byte of the flash */
    };
    assert_int_equal(write_segs(fx, s, 5, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    /* Pages 1, 11, 12, 16, 17 and 63 touched; all but 17 (0x08004400-0x080047ff, inside the
     * fourth segment) partially covered and read back. */
    assert_true(check_phase(fx, STFLASH_PHASE_READ, 5 * 1024) > 0);
    assert_true(check_phase(fx, STFLASH_PHASE_ERASE, 6 * 1024) > 0);
    assert_true(check_phase(fx, STFLASH_PHASE_PROGRAM, 6 * 1024) > 0);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 6 * 1024) > 0);
}

static void test_write_across_page_boundary(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 3);
    const struct seg s[] = {{0x080007F0u, 0x30, 21}};
    assert_int_equal(write_segs(fx, s, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_true(check_phase(fx, STFLASH_PHASE_ERASE, 2048) == 3); /* 0, page 1, page 2 */
}

/* Full pages need no read-back; the page between two segments is not touched. */
static void test_full_pages_not_read(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 4);
    const struct seg s[] = {{0x08000800u, 0x800, 31}, {0x08001400u, 0x400, 32}};
    assert_int_equal(write_segs(fx, s, 2, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_READ, 0), 0);
    assert_true(check_phase(fx, STFLASH_PHASE_ERASE, 3 * 1024) > 0);
}

/* The chip row's SRAM (sram_size_min, 10 KiB for DEV_ID 0x410) as the library would use it. */
static int setup_f103_row_sram(void **state)
{
    return open_chip(state, "stm32f103c8", 0x410, 0, NULL);
}

static void test_write_whole_flash(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 5);
    const struct seg s[] = {{FLASH_BASE, 64 * 1024, 41}};
    assert_int_equal(write_segs(fx, s, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_READ, 0), 0);
    /* Every page touched: one mass erase instead of 64 page erases. */
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, 64 * 1024), 2);
    assert_true(check_phase(fx, STFLASH_PHASE_PROGRAM, 64 * 1024) > 4);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 64 * 1024) > 4);

    /* Programming time: 32768 half-words at tPROG 52.5 us make 1.72 s; the loader streaming
     * keeps the probe traffic in the shadow of the programming. */
    sim_ps start = 0, end = 0;
    for (size_t i = 0; i < fx->nev; i++)
        if (fx->ev[i].p.phase == STFLASH_PHASE_PROGRAM) {
            if (!start)
                start = fx->ev[i].when;
            end = fx->ev[i].when;
        }
    double secs = (double)(end - start) / (double)SIM_PS_PER_S;
    if (secs < 1.72 || secs > 1.87)
        fail_msg("64 KiB programmed in %.3f s of virtual time", secs);
}

/* Every page touched but not every byte: the mass erase keeps the bytes the image leaves out. */
static void test_all_pages_touched_keeps_gaps(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 13);
    struct seg s[64];
    for (unsigned i = 0; i < 64; i++) {
        s[i].addr = FLASH_BASE + i * 1024u + (i % 7u);
        s[i].len = 1000u + (i % 13u);
        s[i].seed = 200u + i;
    }
    struct img im[8];
    for (unsigned k = 0; k < 8; k++)
        make_image(fx, &im[k], &s[8 * k], 8);
    /* One image of all 64 segments. */
    struct stflash_segment all[64];
    struct stflash_image image = {all, 64, 0, false, 0, STFLASH_IMAGE_BIN};
    for (unsigned i = 0; i < 64; i++) {
        all[i] = im[i / 8].segs[i % 8];
        image.total_bytes += all[i].len;
    }
    fx->nev = 0;
    assert_int_equal(flash_write(&fx->f, &image, NULL), STFLASH_OK);
    for (unsigned k = 0; k < 8; k++)
        free_image(&im[k]);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_true(check_phase(fx, STFLASH_PHASE_READ, 64 * 1024) > 0);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, 64 * 1024), 2);
}

static void test_write_mass_erase_keeps_nothing(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 6);
    memset(fx->expect, 0xFF, fx->size);
    const struct seg s[] = {{0x08000101u, 0x201, 51}, {0x08008000u, 16, 52}};
    const struct stflash_write_options opts = {.mass_erase = true, .no_verify = false};
    assert_int_equal(write_segs(fx, s, 2, &opts), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_READ, 0), 0);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, 64 * 1024), 2);
    assert_true(check_phase(fx, STFLASH_PHASE_PROGRAM, 2048) > 0);
}

static void test_write_no_verify(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08000200u, 100, 61}};
    const struct stflash_write_options opts = {.mass_erase = false, .no_verify = true};
    assert_int_equal(write_segs(fx, s, 1, &opts), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0), 0);
}

static void test_write_outside_flash_rejected(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 7);
    uint8_t *before = malloc(fx->size);
    assert_non_null(before);
    memcpy(before, fx->sd.t.flash, fx->size);
    const struct seg s[] = {{0x08000000u, 16, 71}, {0x0800FFF0u, 0x20, 72}};
    int rc = write_segs(fx, s, 2, NULL);
    assert_error(fx, rc, STFLASH_ERR_RANGE,
                 "cannot program 0x08010000: outside the flash (0x08000000-0x0800ffff)");
    assert_memory_equal(before, fx->sd.t.flash, fx->size);
    assert_int_equal(fx->nev, 0);
    assert_locked(fx);

    const struct seg low[] = {{0x07FFFFFEu, 4, 73}};
    rc = write_segs(fx, low, 1, NULL);
    assert_error(fx, rc, STFLASH_ERR_RANGE,
                 "cannot program 0x07fffffe: outside the flash (0x08000000-0x0800ffff)");
    assert_memory_equal(before, fx->sd.t.flash, fx->size);
    free(before);
}

/* ---- erasing ---- */

static void test_erase_range(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 8);
    memset(fx->expect + 0x400, 0xFF, 0x800); /* 0x08000401 + 0x400 touches pages 1 and 2 */
    fx->nev = 0;
    assert_int_equal(flash_erase_range(&fx->f, 0x08000401u, 0x400), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, 2048), 3);

    int rc = flash_erase_range(&fx->f, 0x0800FC00u, 0x800);
    assert_error(fx, rc, STFLASH_ERR_RANGE,
                 "cannot erase 0x08010000: outside the flash (0x08000000-0x0800ffff)");
    assert_flash_as_expected(fx);
    assert_locked(fx);
}

static void test_mass_erase(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 9);
    memset(fx->expect, 0xFF, fx->size);
    fx->nev = 0;
    assert_int_equal(flash_mass_erase(&fx->f), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, 64 * 1024), 2);
}

/* ---- verification and errors ---- */

static void test_verify_detects_difference(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08000C00u, 0x500, 81}};
    struct img im;
    make_image(fx, &im, s, 1);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_int_equal(flash_verify(&fx->f, &im.image), STFLASH_OK);

    fx->sd.t.flash[0x1001] ^= 0x10; /* a bit flips behind the controller's back */
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x08001001: read 0x%02x, expected 0x%02x",
             fx->sd.t.flash[0x1001], fx->expect[0x1001]);
    assert_error(fx, flash_verify(&fx->f, &im.image), STFLASH_ERR_VERIFY, msg);
    free_image(&im);
}

/* A deliberately skipped erase: programming over data sets PGERR at the first half-word. */
static void test_pgerr_reported(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08000400u, 0x400, 91}};
    assert_int_equal(write_segs(fx, s, 1, NULL), STFLASH_OK);

    uint8_t data[64];
    memset(data, 0xFF, sizeof data);
    data[10] = 0x34; /* 0x0800040a: the first half-word that is neither 0xFFFF nor 0x0000 */
    data[11] = 0x12;
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08000400u, data, sizeof data);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    /* The loader names the half-word and what it holds: the old value, the store was refused. */
    const char *msg = stflash_last_error(fx->ctx);
    assert_int_equal(rc, STFLASH_ERR_TARGET);
    assert_true(strncmp(msg, "cannot program 0x0800040a: not erased, holds 0x", 47) == 0);
    assert_non_null(strstr(msg, " (PGERR)"));
    char old[8];
    snprintf(old, sizeof old, "%02x%02x", fx->expect[0x40b], fx->expect[0x40a]);
    assert_true(strncmp(msg + 47, old, 4) == 0);
    assert_locked(fx);
    assert_flash_as_expected(fx); /* nothing after the failing half-word was written */
    assert_false(fx->sd.t.fpec.sr & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR));
}

static void test_write_protected_refused_before_erase(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->sd.t.fpec.wrpr, 0xFFFFFFFDu);
    prefill(fx, 10);
    const struct seg s[] = {{0x08000F00u, 0x200, 101}}; /* pages 3 (free) and 4 (protected) */
    int rc = write_segs(fx, s, 1, NULL);
    prefill(fx, 10); /* what the flash must still hold: the expected image was applied */
    memcpy(fx->expect, fx->sd.t.flash, fx->size);
    prefill(fx, 10);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot write 0x08001000: write protected by the option bytes (FLASH_WRPR "
                 "0xfffffffd, bit 1)");
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(fx->nev, 0);

    rc = flash_erase_range(&fx->f, 0x08001FFFu, 2);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot write 0x08001c00: write protected by the option bytes (FLASH_WRPR "
                 "0xfffffffd, bit 1)");
    assert_flash_as_expected(fx);

    /* Unprotected pages still work. */
    const struct seg ok[] = {{0x08002000u, 0x10, 102}};
    assert_int_equal(write_segs(fx, ok, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
}

/* The controller's own answer when asked anyway. */
static void test_wrprterr_on_erase(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 11);
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->erase_page(&fx->f, 0x08001400u);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot erase page 0x08001400: write protected (WRPRTERR)");
    assert_locked(fx);
    assert_flash_as_expected(fx);
    assert_false(fx->sd.t.fpec.sr & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR));
}

static void test_wrprterr_on_program(void **state)
{
    struct fixture *fx = *state;
    uint8_t data[32];
    memset(data, 0x42, sizeof data);
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08001C00u, data, sizeof data);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot program 0x08001c00: write protected (WRPRTERR)");
    assert_locked(fx);
    /* The refused half-word and everything after it are unchanged. */
    assert_flash_as_expected(fx);
}

static void test_unlock_refused(void **state)
{
    struct fixture *fx = *state;
    fx->sd.t.fpec.key_locked_up = true; /* as after a wrong key: locked until reset */
    const struct seg s[] = {{0x08000000u, 4, 111}};
    int rc = write_segs(fx, s, 1, NULL);
    assert_int_equal(rc, STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(fx->ctx), "flash controller stays locked"));
    assert_locked(fx);
    assert_int_equal(fx->sd.t.flash[0], 0xFF);
}

/* Failures in the middle of a job: the page erases or the loader meet a protection that appeared
 * after the job was planned. The job stops with the address, the controller is locked. */
static void protect_on_program(struct fixture *fx, const struct stflash_progress *p)
{
    if (p->phase == STFLASH_PHASE_PROGRAM && p->done == 0)
        fx->sd.t.fpec.wrpr = 0xFFFFFFFBu; /* 0x08002000-0x08002fff */
}

static void protect_on_erase(struct fixture *fx, const struct stflash_progress *p)
{
    if (p->phase == STFLASH_PHASE_ERASE && p->done == 0)
        fx->sd.t.fpec.wrpr = 0xFFFFFFFBu;
}

static void test_failure_mid_job(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08001800u, 0x1000, 141}};
    fx->hook = protect_on_program;
    int rc = write_segs(fx, s, 1, NULL);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot program 0x08002000: write protected (WRPRTERR)");
    assert_locked(fx);
    assert_true(fx->sd.t.core.halted); /* the loader stopped at its breakpoint */
    assert_memory_equal(fx->sd.t.flash + 0x1800, fx->expect + 0x1800, 0x800);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0), 0);

    fx->sd.t.fpec.wrpr = 0xFFFFFFFFu;
    fx->hook = protect_on_erase;
    rc = write_segs(fx, s, 1, NULL);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot erase page 0x08002000: write protected (WRPRTERR)");
    assert_locked(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_PROGRAM, 0), 0);
}

/* ---- the F100 value line: 8 KiB (and 4 KiB) of SRAM ---- */

static void test_f100(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 12);
    const struct seg s[] = {{0x08000003u, 20001, 121}, {0x0801FF00u, 0x100, 122}};
    assert_int_equal(write_segs(fx, s, 2, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_true(check_phase(fx, STFLASH_PHASE_PROGRAM, 21 * 1024) > 3);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 21 * 1024) > 3);
}

/* ---- option bytes ---- */

static void test_option_bytes(void **state)
{
    struct fixture *fx = *state;
    struct f1_option_state st;
    assert_int_equal(f1_option_read(&fx->f, &st), STFLASH_OK);
    assert_int_equal(st.stored.rdp, F1_OB_RDP_NONE);
    assert_false(st.read_protected);
    assert_int_equal(st.wrpr, 0xFFFFFFFFu);

    struct f1_option_bytes ob = st.stored;
    ob.wrp[0] = 0xFE; /* protect the first 4 KiB */
    ob.data[1] = 0x5C;
    assert_int_equal(f1_option_write(&fx->f, &ob), STFLASH_OK);
    assert_locked(fx);
    assert_false(fx->sd.t.fpec.cr & FLASH_CR_OPTWRE);
    assert_int_equal(fx->sd.t.optbytes[4], 0x01FE);
    assert_int_equal(fx->sd.t.optbytes[3], 0xA35C);

    sim_target_system_reset(&fx->sd.t); /* options load at reset */
    assert_int_equal(f1_option_read(&fx->f, &st), STFLASH_OK);
    assert_int_equal(st.wrpr, 0xFFFFFFFEu);
    assert_int_equal(st.stored.data[1], 0x5C);
    assert_int_equal((st.obr >> 18) & 0xFFu, 0x5C);

    const struct seg s[] = {{0x08000800u, 4, 131}};
    assert_error(fx, write_segs(fx, s, 1, NULL), STFLASH_ERR_PROTECTED,
                 "cannot write 0x08000800: write protected by the option bytes (FLASH_WRPR "
                 "0xfffffffe, bit 0)");
    assert_locked(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_one_byte, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_odd_sizes_odd_addresses, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_across_page_boundary, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_full_pages_not_read, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_whole_flash, setup_f103_row_sram, teardown),
        cmocka_unit_test_setup_teardown(test_all_pages_touched_keeps_gaps, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_mass_erase_keeps_nothing, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_no_verify, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_outside_flash_rejected, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_erase_range, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_mass_erase, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_verify_detects_difference, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_pgerr_reported, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_protected_refused_before_erase, setup_f103_wrp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wrprterr_on_erase, setup_f103_wrp, teardown),
        cmocka_unit_test_setup_teardown(test_wrprterr_on_program, setup_f103_wrp, teardown),
        cmocka_unit_test_setup_teardown(test_unlock_refused, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_failure_mid_job, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_f100, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_f100, setup_f100_small, teardown),
        cmocka_unit_test_setup_teardown(test_option_bytes, setup_f103, teardown),
    };
    return cmocka_run_group_tests_name("flash", tests, NULL, NULL);
}
