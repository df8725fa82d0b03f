/*
 * Fast programming on the L4-style controller (flash/l4_fast.c) on the virtual board's L476 and
 * G071: a large image on a blank chip is written after one mass erase in rows of 32 double words;
 * rows the image fills only in part are programmed the standard way, after the fast ones; a small
 * image, or a flash holding something outside the image, gets no mass erase; a controller that
 * refuses a fast row (PGSERR) has the rest programmed the standard way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/clock.h"
#include "flash/flash.h"
#include "sim_dbg.h"

#include "flash_fixture.h"
#include "flash_spy.h"

#define ROW 256u

static int setup_l476(void **state)
{
    return open_chip(state, "stm32l476rg", 0x415, 0, NULL);
}

static int setup_g071(void **state)
{
    return open_chip(state, "stm32g071rb", 0x460, 0, NULL);
}

/* Rows of [addr, addr + len) that hold no erased double word in fx->expect. */
static uint64_t full_rows(struct fixture *fx, uint32_t addr, uint32_t len)
{
    uint64_t n = 0;
    for (uint32_t r = addr - FLASH_BASE; r < addr - FLASH_BASE + len; r += ROW) {
        bool full = true;
        for (uint32_t d = 0; d < ROW && full; d += 8) {
            bool erased = true;
            for (unsigned k = 0; k < 8; k++)
                erased = erased && fx->expect[r + d + k] == 0xFF;
            full = !erased;
        }
        n += full;
    }
    return n;
}

/* 64 KiB on a blank chip: one mass erase, then every row in fast mode, checked in the pass. */
static void test_blank_64k_fast(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg segs[] = {{FLASH_BASE, 64u * 1024u, 7}};
    write_ok(fx, segs, 1);
    assert_int_equal(stats.mass_erases, 1);
    assert_int_equal(stats.pages_erased, 0);
    assert_int_equal(full_rows(fx, FLASH_BASE, 64u * 1024u), 256);
    assert_int_equal(stats.fast_rows, 256);
    assert_non_null(strstr(spy.log, "one mass erase first"));
    /* Verified by the loader in the pass: no CRC routine run after programming started. */
    assert_int_equal(spy.crc_loads_late, 0);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 64u * 1024u) > 0);
}

/* Two segments ending in the middle of rows: the rows they fill go fast, the two rows each
 * fills in part (and the gap between them) are programmed the standard way afterwards; nothing
 * outside the segments is programmed. */
static void test_partial_rows_standard(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg segs[] = {{FLASH_BASE + 0x40u, 40u * 1024u + 100u, 11},
                               {FLASH_BASE + 0xA000u + 0x88u, 30u * 1024u, 12}};
    write_ok(fx, segs, 2);
    assert_int_equal(stats.mass_erases, 1);
    uint64_t rows = full_rows(fx, FLASH_BASE, 128u * 1024u);
    assert_true(rows > 250);
    assert_int_equal(stats.fast_rows, rows);
    /* Every double word holding image bytes was programmed once: fast or standard. */
    uint64_t dwords = 0;
    for (uint32_t d = 0; d < fx->size; d += 8) {
        bool erased = true;
        for (unsigned k = 0; k < 8; k++)
            erased = erased && fx->expect[d + k] == 0xFF;
        dwords += !erased;
    }
    assert_int_equal(stats.halfwords_programmed / 4u, dwords);
}

/* 2 KiB: the mass erase and the check of the rest would cost more than fast rows save. */
static void test_small_image_no_mass_erase(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg segs[] = {{FLASH_BASE + 0x800u, 2048u, 13}};
    write_ok(fx, segs, 1);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.fast_rows, 0);
}

/* Something outside the image (a page of data near the end): kept, so no mass erase, and the
 * image goes in the standard way. */
static void test_other_data_kept(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    uint32_t keep = fx->size - 4096u;
    for (uint32_t i = 0; i < 64; i++)
        fx->sd.t.flash[keep + i] = fx->expect[keep + i] = (uint8_t)(i * 7u + 1u);
    const struct seg segs[] = {{FLASH_BASE, 64u * 1024u, 14}};
    write_ok(fx, segs, 1);
    assert_int_equal(stats.mass_erases, 0);
    assert_int_equal(stats.fast_rows, 0);
}

/* The driver believes the bank fresh, the controller does not (a page erased after the mass
 * erase): the first fast row is refused with PGSERR and everything goes in the standard way. */
static void test_refused_fast_row_falls_back(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    struct flash_dev *f = &fx->f;
    assert_int_equal(f->drv->unlock(f), STFLASH_OK);
    assert_int_equal(flash_clock_raise(f), STFLASH_OK);
    assert_true(f->clock.done > 0);
    assert_int_equal(f->drv->mass_erase(f), STFLASH_OK);
    struct flash_unit u;
    assert_true(flash_map_unit_at(&f->map, FLASH_BASE + 0x10000u, &u));
    assert_int_equal(f->drv->erase_unit(f, &u), STFLASH_OK);
    f->fresh_banks = 1;
    uint8_t *data = malloc(8192);
    assert_non_null(data);
    for (uint32_t i = 0; i < 8192; i++)
        data[i] = fx->expect[i] = pattern(i, 15);
    int rc = f->drv->program(f, FLASH_BASE, data, 8192);
    if (rc != STFLASH_OK)
        print_message("%s\n", stflash_last_error(fx->ctx));
    assert_int_equal(rc, STFLASH_OK);
    assert_non_null(strstr(spy.log, "refused fast programming at 0x08000000"));
    assert_int_equal(stats.fast_rows, 0);
    assert_int_equal(stats.halfwords_programmed, 8192u / 2u);
    assert_int_equal(f->fresh_banks, 0);
    assert_int_equal(flash_clock_restore(f), STFLASH_OK);
    assert_int_equal(f->drv->lock(f), STFLASH_OK);
    assert_flash_as_expected(fx);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_blank_64k_fast, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_blank_64k_fast, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_partial_rows_standard, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_partial_rows_standard, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_small_image_no_mass_erase, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_other_data_kept, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_other_data_kept, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_refused_fast_row_falls_back, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_refused_fast_row_falls_back, setup_g071, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
