/*
 * Pages the flash engine leaves alone on the simulated STM32F1: those already holding the image
 * (checked by CRC on the target, nothing read back), and one mass erase instead of page erases
 * when every other page reads erased.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "sim_dbg.h"

#include "flash_fixture.h"
#include "flash_spy.h"

/* Writing what the flash already holds erases and programs nothing, partially covered pages
 * included (their other bytes are not even read); one byte changed rewrites its page only. */
static void test_unchanged_pages_skipped(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    prefill(fx, 26);
    const uint32_t last = FLASH_BASE + fx->size - 0x100u;
    const struct seg segs[] = {
        {0x08000003u, 5000, 261},  /* pages 0-4, both ends partial */
        {0x08001800u, 0x800, 262}, /* pages 6-7, whole */
        {last, 0x100, 263},        /* the last page, partial */
    };
    assert_int_equal(write_segs(fx, segs, 3, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.pages_erased, 8);

    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, segs, 3, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(stats.pages_erased + stats.mass_erases + stats.halfwords_programmed, 0);
    assert_int_equal(fx->nev, 0);
    assert_int_equal(spy.flash_read, 0);
    assert_non_null(strstr(spy.log, "8 of 8 touched pages already hold the image"));
    /* No recovery file is there and none is needed: the unique ID is not read. */
    assert_int_equal(spy.uid_reads, 0);

    /* One byte of page 6 differs: page 6 alone is erased and programmed, and verified. */
    struct img im;
    make_image(fx, &im, segs, 3);
    im.segs[1].data[0x123] ^= 0xA5;
    fx->expect[0x1923] = im.segs[1].data[0x123];
    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(stats.pages_erased, 1);
    assert_true(stats.halfwords_programmed > 0 && stats.halfwords_programmed <= 512);
    check_phase_order(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_READ, 0), 0);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, 1024), 2);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 1024) > 0);
    assert_int_equal(spy.uid_reads, 0); /* a whole page: nothing to keep */

    /* One byte of the partially covered page 4: its kept bytes are read back, as always. */
    im.segs[0].data[4999] ^= 0x5A;
    fx->expect[0x138A] = im.segs[0].data[4999];
    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.pages_erased, 1);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_READ, 1024), 2);
    assert_int_equal(spy.flash_read, 1024);
    /* Bytes to keep: the unique ID names their recovery file (removed once verified). */
    assert_int_equal(spy.uid_reads, 1);

    /* full: every touched page again. */
    const struct stflash_write_options full = {.full = true};
    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_write(&fx->f, &im.image, &full), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.pages_erased, 8);
    free_image(&im);
}

/* The whole flash: unchanged, nothing; one byte changed, one page erase instead of the mass
 * erase a full write makes. */
static void test_unchanged_whole_flash(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg segs[] = {{FLASH_BASE, fx->size, 271}};
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    assert_int_equal(stats.mass_erases + stats.pages_erased, 0); /* blank: nothing to erase */
    assert_flash_as_expected(fx);
    /* Over other firmware in every page: one mass erase. */
    prefill(fx, 272);
    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    assert_int_equal(stats.mass_erases, 1);
    assert_int_equal(stats.pages_erased, 0);
    assert_flash_as_expected(fx);

    spy_reset(fx, &spy, &stats);
    sim_ps t0 = fx->sd.t.now;
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    double secs = (double)(fx->sd.t.now - t0) / (double)SIM_PS_PER_S;
    assert_int_equal(stats.pages_erased + stats.mass_erases + stats.halfwords_programmed, 0);
    assert_int_equal(spy.flash_read, 0);
    if (secs > 0.010 + (double)fx->size * 6.5 / 8e6)
        fail_msg("unchanged %u bytes checked in %.3f s of virtual time", fx->size, secs);

    struct img im;
    make_image(fx, &im, segs, 1);
    im.segs[0].data[fx->size - 2] ^= 0xFF;
    fx->expect[fx->size - 2] = im.segs[0].data[fx->size - 2];
    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.pages_erased, 1);
    free_image(&im);
}

/* Fills the pages of [addr, addr+len) with pattern(seed), in the flash and in expect: firmware
 * that a write over them has to erase. */
static void fill_pages(struct fixture *fx, uint32_t addr, uint32_t len, uint32_t seed)
{
    uint32_t from = (addr - FLASH_BASE) & ~1023u, to = (addr - FLASH_BASE + len + 1023u) & ~1023u;
    for (uint32_t i = from; i < to; i++)
        fx->sd.t.flash[i] = fx->expect[i] = pattern(i, seed);
}

/* A job whose first word reads erased looks blank: the blank check of its whole run finds data
 * in one page, the pages are then checked one by one, and that page alone is erased. */
static void test_looks_blank_with_data(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    fill_pages(fx, 0x08002800u, 0x400, 290); /* page 10: other firmware */
    const struct seg segs[] = {{0x08002001u, 20000, 291}};
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(stats.mass_erases + stats.pages_erased, 1);
    assert_non_null(strstr(spy.log, "19 of 20 pages to program are erased already: not erased"));
}

/* Every page the job leaves alone reads erased: one mass erase instead of the page erases, the
 * bytes to keep included. Not when a page outside holds data, is write protected, or with full.
 * Pages that read erased already are not erased at all. */
static void test_erased_rest_mass_erase(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg segs[] = {{0x08002001u, 20000, 281}};
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.mass_erases + stats.pages_erased, 0); /* blank pages */
    assert_non_null(strstr(spy.log, "20 of 20 pages to program are erased already: not erased"));

    fill_pages(fx, 0x08002001u, 20000, 280);
    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(stats.mass_erases, 1);
    assert_int_equal(stats.pages_erased, 0);
    assert_non_null(strstr(spy.log, "one mass erase instead of 20 page erases"));
    check_phase_order(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_ERASE, fx->size), 2);

    /* Data in the last page: page erases, the data kept. */
    fx->sd.t.flash[fx->size - 3] = fx->expect[fx->size - 3] = 0x42;
    const struct seg other[] = {{0x08002001u, 20000, 282}};
    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, other, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.pages_erased, 20);

    /* Erased again, but 0x0800f000-0x0800ffff write protected: a mass erase would be refused. */
    memset(fx->sd.t.flash, 0xFF, fx->size);
    memset(fx->expect, 0xFF, fx->size);
    fill_pages(fx, 0x08002001u, 20000, 284);
    fx->sd.t.fpec.wrpr = 0xFFFF7FFFu;
    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, segs, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.pages_erased, 20);

    /* full: page erases, as asked. */
    fx->sd.t.fpec.wrpr = 0xFFFFFFFFu;
    memset(fx->sd.t.flash, 0xFF, fx->size);
    memset(fx->expect, 0xFF, fx->size);
    const struct stflash_write_options full = {.full = true}; /* erases blank pages too */
    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, segs, 1, &full), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.pages_erased, 20);

    /* Pages 2-21 hold the image: changing pages 30-31 (other firmware) only must keep them,
     * page erases. */
    const struct seg more[] = {{0x08002001u, 20000, 281}, {0x08007800u, 0x800, 283}};
    fill_pages(fx, 0x08007800u, 0x800, 285);
    spy_reset(fx, &spy, &stats);
    assert_int_equal(write_segs(fx, more, 2, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.pages_erased, 2);
    /* The unchanged-page check only: no blank check (the kept pages are known to hold data),
     * and the loader verified the runs in the pass. */
    assert_int_equal(spy.crc_loads, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unchanged_pages_skipped, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_pages_skipped, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_pages_skipped, setup_f100_small, teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_whole_flash, setup_f103_row_sram, teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_whole_flash, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_looks_blank_with_data, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_erased_rest_mass_erase, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_erased_rest_mass_erase, setup_f100_small, teardown),
    };
    return cmocka_run_group_tests_name("flash_unchanged", tests, NULL, NULL);
}
