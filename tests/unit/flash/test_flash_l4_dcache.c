/*
 * The data cache of the L4-style controllers after an erase (RM0351 §3.3.3 "Data cache memory",
 * §3.7.1 FLASH_ACR): the virtual board records that lines of erased flash may be cached once an
 * erase ran with DCEN set, until DCRST empties the cache, which it does only while DCEN is clear;
 * the G0 has no data cache. The driver (flash/l4.c l4_after_erase) empties it after the erases
 * of every job, by page or by mass erase, and leaves DCEN as it found it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "sim_board_io.h"
#include "sim_dbg.h"

#include "flash_fixture.h"
#include "flash_spy.h"

#define FLASH_REGS 0x40022000u
#define FLASH_ACR (FLASH_REGS + 0x00u)
#define FLASH_KEYR (FLASH_REGS + 0x08u)
#define FLASH_SR (FLASH_REGS + 0x10u)
#define FLASH_CR (FLASH_REGS + 0x14u)
#define ACR_DCEN (1u << 10)
#define ACR_DCRST (1u << 12)
#define SR_BSY (1u << 16)
#define CR_PER (1u << 1)
#define CR_STRT (1u << 16)

/* ---- the board ---- */

static int board_l476(void **state)
{
    return sim_board_open(state, "stm32l476rg");
}

static int board_g071(void **state)
{
    return sim_board_open(state, "stm32g071rb");
}

static int board_close(void **state)
{
    return sim_board_close(state);
}

/* Page 0 erased through the registers, the erase run to its end. */
static void erase_page0(struct sim_board *fx)
{
    wr(fx, FLASH_KEYR, 0x45670123u);
    wr(fx, FLASH_KEYR, 0xCDEF89ABu);
    wr(fx, FLASH_CR, CR_PER);
    wr(fx, FLASH_CR, CR_PER | CR_STRT);
    sim_target_advance(&fx->sd.t, 30ull * SIM_PS_PER_MS);
    assert_int_equal(rd(fx, FLASH_SR) & SR_BSY, 0);
}

static void test_erase_with_dcen_leaves_stale_lines(void **state)
{
    struct sim_board *fx = *state;
    assert_true(rd(fx, FLASH_ACR) & ACR_DCEN); /* reset value 0x600 (RM0351 §3.7.1) */
    assert_false(fx->sd.t.l4f.dcache_stale);
    erase_page0(fx);
    assert_true(fx->sd.t.l4f.dcache_stale);
    /* DCRST with DCEN still set is not written. */
    uint32_t acr = rd(fx, FLASH_ACR);
    wr(fx, FLASH_ACR, acr | ACR_DCRST);
    assert_true(fx->sd.t.l4f.dcache_stale);
    assert_int_equal(rd(fx, FLASH_ACR) & ACR_DCRST, 0);
    /* DCEN off, then DCRST: emptied. */
    wr(fx, FLASH_ACR, acr & ~ACR_DCEN);
    wr(fx, FLASH_ACR, (acr & ~ACR_DCEN) | ACR_DCRST);
    assert_false(fx->sd.t.l4f.dcache_stale);
    wr(fx, FLASH_ACR, acr);
    assert_int_equal(rd(fx, FLASH_ACR), acr);
}

static void test_erase_without_dcen_leaves_none(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, FLASH_ACR, rd(fx, FLASH_ACR) & ~ACR_DCEN);
    erase_page0(fx);
    assert_false(fx->sd.t.l4f.dcache_stale);
}

static void test_g0_has_no_data_cache(void **state)
{
    struct sim_board *fx = *state;
    erase_page0(fx);
    assert_false(fx->sd.t.l4f.dcache_stale);
}

/* ---- the driver ---- */

static int setup_l476(void **state)
{
    return open_chip(state, "stm32l476rg", 0x415, 0, NULL);
}

/* The data cache emptied after the job's erases, and enabled again as it was. */
static void assert_cache_emptied(struct fixture *fx)
{
    assert_false(fx->sd.t.l4f.dcache_stale);
    assert_true(fx->sd.t.l4f.acr & ACR_DCEN);
}

/* Pages erased one by one over other data (data after it is kept, so no mass erase): the cache
 * emptied, DCEN as before. */
static void test_page_erases_then_emptied(void **state)
{
    struct fixture *fx = *state;
    const struct seg first[] = {{FLASH_BASE, 16384u, 3}};
    write_ok(fx, first, 1);
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg again[] = {{FLASH_BASE, 8192u, 4}};
    write_ok(fx, again, 1);
    assert_int_equal(stats.pages_erased, 4);
    assert_cache_emptied(fx);
}

/* A blank chip written after one mass erase (fast programming): emptied too. */
static void test_mass_erase_then_emptied(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    const struct seg segs[] = {{FLASH_BASE, 64u * 1024u, 5}};
    write_ok(fx, segs, 1);
    assert_int_equal(stats.mass_erases, 1);
    assert_cache_emptied(fx);
}

/* The erase command alone: a read that follows must not be served old lines either. */
static void test_erase_command_then_emptied(void **state)
{
    struct fixture *fx = *state;
    const struct seg first[] = {{FLASH_BASE, 4096u, 6}};
    write_ok(fx, first, 1);
    assert_int_equal(flash_erase_range(&fx->f, FLASH_BASE, 4096u), STFLASH_OK);
    assert_cache_emptied(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_erase_with_dcen_leaves_stale_lines, board_l476,
                                        board_close),
        cmocka_unit_test_setup_teardown(test_erase_without_dcen_leaves_none, board_l476,
                                        board_close),
        cmocka_unit_test_setup_teardown(test_g0_has_no_data_cache, board_g071, board_close),
        cmocka_unit_test_setup_teardown(test_page_erases_then_emptied, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_mass_erase_then_emptied, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_erase_command_then_emptied, setup_l476, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
