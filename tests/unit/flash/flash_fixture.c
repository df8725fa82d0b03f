/* The simulated STM32F1 the flash unit tests run on, and their helpers (flash_fixture.h). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "f1_map.h"
#include "flash/f1.h"
#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#include "flash_fixture.h"

/* Removes the fixture's state folder: STATE/stflash/<files>, STATE/stflash, STATE. */
static void remove_state_home(const char *home)
{
    char dir[128], path[512];
    snprintf(dir, sizeof dir, "%s/stflash", home);
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    rmdir(home);
}

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

int open_chip(void **state, const char *sim_chip, uint16_t dev_id, uint32_t sram,
              const uint16_t *optbytes)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    snprintf(fx->state_home, sizeof fx->state_home, "/tmp/stflash-unit.XXXXXX");
    assert_non_null(mkdtemp(fx->state_home));
    assert_int_equal(setenv("XDG_STATE_HOME", fx->state_home, 1), 0);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    fx->ev = calloc(MAX_EVENTS, sizeof *fx->ev);
    assert_non_null(fx->ev);
    stflash_ctx_set_progress(fx->ctx, on_progress, fx);
    assert_int_equal(sim_dbg_open(&fx->sd, sim_chip, fx->ctx, optbytes), 0);
    fx->size = fx->sd.t.flash_size;
    const struct stflash_chip_info *chip = stflash_chip_find(dev_id);
    assert_non_null(chip);
    struct flash_dev_params params = {.flash_size = fx->size};
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, chip, &params), STFLASH_OK);
    if (sram)
        fx->f.sram_size = sram;
    fx->expect = malloc(fx->size);
    assert_non_null(fx->expect);
    memset(fx->expect, 0xFF, fx->size);
    *state = fx;
    return 0;
}

int setup_f103(void **state)
{
    return open_chip(state, "stm32f103c8", 0x410, 20 * 1024, NULL);
}

int setup_f100(void **state)
{
    return open_chip(state, "stm32f100rb", 0x420, 8 * 1024, NULL);
}

/* The chip row's smallest F100 SRAM (4 KiB): the default of flash_dev_init. */
int setup_f100_small(void **state)
{
    return open_chip(state, "stm32f100rb", 0x420, 0, NULL);
}

/* WRP0 = 0xFD: pages 4-7 (0x08001000-0x08001fff, group 1) write protected (PM0075 §2.4.2). */
int setup_f103_wrp(void **state)
{
    const uint16_t ob[8] = {0x5AA5, 0x00FF, 0x00FF, 0x00FF, 0x02FD, 0x00FF, 0x00FF, 0x00FF};
    return open_chip(state, "stm32f103c8", 0x410, 20 * 1024, ob);
}

/* The chip row's SRAM (sram_size_min, 10 KiB for DEV_ID 0x410) as the library would use it. */
int setup_f103_row_sram(void **state)
{
    return open_chip(state, "stm32f103c8", 0x410, 0, NULL);
}

int teardown(void **state)
{
    struct fixture *fx = *state;
    sim_dbg_close(&fx->sd);
    stflash_ctx_free(fx->ctx);
    remove_state_home(fx->state_home);
    free(fx->expect);
    free(fx->ev);
    free(fx);
    return 0;
}

uint8_t pattern(uint32_t i, uint32_t seed)
{
    uint32_t x = (i + 1u) * 2654435761u ^ seed * 40503u;
    x ^= x >> 13;
    return (uint8_t)(x * 0x9E3779B1u >> 24);
}

/* Old firmware in the whole flash, put there behind the controller's back. */
void prefill(struct fixture *fx, uint32_t seed)
{
    for (uint32_t i = 0; i < fx->size; i++)
        fx->sd.t.flash[i] = fx->expect[i] = pattern(i, seed);
}

void make_image(struct fixture *fx, struct img *im, const struct seg *segs, size_t n)
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

void free_image(struct img *im)
{
    for (size_t i = 0; i < im->image.segment_count; i++)
        free(im->segs[i].data);
}

void assert_flash_as_expected(struct fixture *fx)
{
    for (uint32_t i = 0; i < fx->size; i++)
        if (fx->sd.t.flash[i] != fx->expect[i])
            fail_msg("flash 0x%08x holds 0x%02x, expected 0x%02x", FLASH_BASE + i,
                     fx->sd.t.flash[i], fx->expect[i]);
}

void assert_locked(struct fixture *fx)
{
    assert_true(fx->sd.t.fpec.cr & FLASH_CR_LOCK);
    assert_false(fx->sd.t.fpec.cr & (FLASH_CR_PG | FLASH_CR_PER | FLASH_CR_MER));
}

void assert_error(struct fixture *fx, int rc, int want, const char *msg)
{
    if (rc != want || strcmp(stflash_last_error(fx->ctx), msg) != 0)
        fail_msg("got %d \"%s\", expected %d \"%s\"", rc, stflash_last_error(fx->ctx), want, msg);
}

/* Events of one phase: contiguous, start at 0, never go back, end at total. Returns the number
 * of events of the phase (0 when absent). */
size_t check_phase(struct fixture *fx, enum stflash_phase phase, uint64_t want_total)
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

void check_phase_order(struct fixture *fx)
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

int write_segs(struct fixture *fx, const struct seg *segs, size_t n,
               const struct stflash_write_options *opts)
{
    struct img im;
    make_image(fx, &im, segs, n);
    fx->nev = 0;
    int rc = flash_write(&fx->f, &im.image, opts);
    free_image(&im);
    return rc;
}

void write_ok(struct fixture *fx, const struct seg *segs, size_t n)
{
    int rc = write_segs(fx, segs, n, NULL);
    if (rc != STFLASH_OK)
        print_message("%s\n", stflash_last_error(fx->ctx));
    assert_int_equal(rc, STFLASH_OK);
    assert_flash_as_expected(fx);
}
