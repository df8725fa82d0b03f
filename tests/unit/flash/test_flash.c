/*
 * The flash engine and the F0/F1/F3 driver against the simulated STM32F1: writing, erasing, the
 * F100's small SRAM and the loader's ring. The loader runs on the simulated Cortex-M3, the
 * simulated FPEC applies the real rules and timings. Errors: test_flash_errors.c; the CRC
 * routine: test_flash_crc.c; unchanged pages: test_flash_unchanged.c.
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

#include "flash_fixture.h"

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
    /* Verified by one CRC over the run, computed on the target: start and end. */
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 64 * 1024), 2);

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
    /* Both runs (pages 0-19 and 127) verified by the loader in the pass: the verify phase
     * jumps from 0 to the end, no CRC routine runs after programming. */
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 21 * 1024), 2);
}

/* ---- the loader's ring ---- */

/* A small ring (512 bytes, with 1 KiB of SRAM) wraps many times in a job; the data arrive
 * whole, the progress counts every byte once. */
static void test_ring_wraps(void **state)
{
    struct fixture *fx = *state;
    fx->f.sram_size = 1024;
    prefill(fx, 29);
    const struct seg s[] = {{0x08000400u, 0x3000, 291}, {0x08008001u, 999, 292}};
    assert_int_equal(write_segs(fx, s, 2, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_true(check_phase(fx, STFLASH_PHASE_PROGRAM, 0x3000 + 1024) > 10);
}

/* The loader stops in the middle of a job (here the core is halted behind its back): the host
 * gives up when nothing is programmed for longer than a ring takes, names where it stopped. */
static void halt_core_on_program(struct fixture *fx, const struct stflash_progress *p)
{
    if (p->phase == STFLASH_PHASE_PROGRAM && p->done > 0)
        sim_bus_write(&fx->sd.t, CM_DHCSR, 4,
                      CM_DHCSR_DBGKEY | CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT, SIM_BY_DEBUG);
}

static void test_loader_stall(void **state)
{
    struct fixture *fx = *state;
    fx->f.sram_size = 1024;
    prefill(fx, 30);
    const struct seg s[] = {{0x08000000u, 0x4000, 301}};
    fx->hook = halt_core_on_program;
    int rc = write_segs(fx, s, 1, NULL);
    fx->hook = NULL;
    assert_int_equal(rc, STFLASH_ERR_TIMEOUT);
    const char *msg = stflash_last_error(fx->ctx);
    if (strncmp(msg, "cannot program 0x08000000-0x08003fff: the flash loader stopped at 0x080",
                71) ||
        !strstr(msg, "(nothing programmed for "))
        fail_msg("%s", msg);
    assert_locked(fx);
    assert_true(fx->sd.t.core.halted);
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
        cmocka_unit_test_setup_teardown(test_f100, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_f100, setup_f100_small, teardown),
        cmocka_unit_test_setup_teardown(test_ring_wraps, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_loader_stall, setup_f103, teardown),
    };
    return cmocka_run_group_tests_name("flash", tests, NULL, NULL);
}
