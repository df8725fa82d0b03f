/*
 * The window watchdog of the virtual board (sim/wwdg.c) on the simulated STM32F103, as a
 * debugger sees it (issue 9, point 2): the counter and its reset when T6 falls, a refresh out
 * of the window or with T6 clear resets at once, a refresh in the window does not, WDGA is
 * cleared by a reset only and RCC_CSR.WWDGRSTF tells the cause. And the debugger's freeze bit
 * (DBGMCU_CR.DBG_WWDG_STOP, set by the library's watchdog_freeze as every connect does) keeps a
 * long job done with the core halted (erasing the whole flash) alive, where without it the
 * chip resets in the middle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "flash/sysregs.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define RCC_APB1ENR 0x4002101Cu /* RM0008 §7.3.8: WWDGEN bit 11 */
#define RCC_CSR 0x40021024u     /* RM0008 §7.3.10: WWDGRSTF bit 30 */
#define WWDGRSTF (1u << 30)
#define WWDG_CR 0x40002C00u /* RM0008 §20.6 */
#define WWDG_CFR 0x40002C04u
#define WDGA 0x80u
#define DBGMCU_CR 0xE0042004u /* RM0008 §31.16.3: DBG_WWDG_STOP bit 9 */
#define DBG_WWDG_STOP (1u << 9)
#define MS (1000ull * SIM_PS_PER_US)
/* At reset the F103 runs from the HSI (8 MHz, PCLK1 = HCLK): with WDGTB = 3 one counter step is
 * 4096 * 8 / 8 MHz = 4.096 ms, and from 0x7F to 0x3F, 64 steps, 262 ms (RM0008 §20.3). */
#define CFR_SLOW (3u << 7)

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    assert_int_equal(sim_dbg_open(&fx->sd, "stm32f103c8", fx->ctx, NULL), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    sim_dbg_close(&fx->sd);
    stflash_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

static uint32_t rd(struct fixture *fx, uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(dbg_read32(&fx->sd.dbg, addr, &v), 0);
    return v;
}

static void wr(struct fixture *fx, uint32_t addr, uint32_t v)
{
    assert_int_equal(dbg_write32(&fx->sd.dbg, addr, v), 0);
}

static uint64_t resets(struct fixture *fx)
{
    return fx->sd.t.wwdg.expiries;
}

/* Clock on, window and prescaler as given, counter 0x7F and WDGA: the watchdog runs. */
static void start(struct fixture *fx, uint32_t cfr)
{
    wr(fx, RCC_CSR, 1u << 24); /* RMVF: the reset flags start clear */
    wr(fx, RCC_APB1ENR, rd(fx, RCC_APB1ENR) | (1u << 11));
    wr(fx, WWDG_CFR, cfr);
    wr(fx, WWDG_CR, WDGA | 0x7Fu);
    assert_int_equal(rd(fx, WWDG_CR) & WDGA, WDGA);
}

static void assert_wwdg_reset(struct fixture *fx, uint64_t before)
{
    assert_int_equal(resets(fx), before + 1);
    assert_true(rd(fx, RCC_CSR) & WWDGRSTF);
    assert_int_equal(rd(fx, WWDG_CR) & WDGA, 0); /* a reset disables it (RM0008 §20.2) */
}

static void test_clock_off_registers_ignore_writes(void **state)
{
    struct fixture *fx = *state;
    wr(fx, WWDG_CR, WDGA | 0x7Fu);
    assert_int_equal(rd(fx, WWDG_CR), 0);
    sim_target_advance(&fx->sd.t, 1000 * MS);
    assert_int_equal(resets(fx), 0);
}

static void test_disabled_counter_runs_without_reset(void **state)
{
    struct fixture *fx = *state;
    wr(fx, RCC_APB1ENR, rd(fx, RCC_APB1ENR) | (1u << 11));
    wr(fx, WWDG_CFR, CFR_SLOW | 0x7Fu);
    uint32_t before = rd(fx, WWDG_CR);
    assert_int_equal(before & WDGA, 0); /* not enabled after a reset */
    sim_target_advance(&fx->sd.t, 100 * MS);
    uint32_t after = rd(fx, WWDG_CR);
    assert_true(after < before); /* it counts down even when not enabled */
    sim_target_advance(&fx->sd.t, 1000 * MS);
    assert_int_equal(resets(fx), 0);
}

/* The core halted, no freeze bit: the counter goes on and the chip resets when T6 falls. */
static void test_t6_falling_resets_when_not_frozen(void **state)
{
    struct fixture *fx = *state;
    wr(fx, DBGMCU_CR, 0);
    start(fx, CFR_SLOW | 0x7Fu);
    sim_target_advance(&fx->sd.t, 200 * MS);
    assert_int_equal(resets(fx), 0);
    uint32_t t = rd(fx, WWDG_CR) & 0x7Fu;
    assert_in_range(t, 0x40, 0x4F); /* ~49 steps of 4.096 ms gone */
    sim_target_advance(&fx->sd.t, 100 * MS);
    assert_wwdg_reset(fx, 0);
}

static void test_refresh_in_window_keeps_it_running(void **state)
{
    struct fixture *fx = *state;
    start(fx, CFR_SLOW | 0x50u);
    for (int i = 0; i < 5; i++) {
        sim_target_advance(&fx->sd.t, 200 * MS); /* 0x7F - 49 steps: below W = 0x50 */
        assert_true((rd(fx, WWDG_CR) & 0x7Fu) < 0x50u);
        wr(fx, WWDG_CR, WDGA | 0x7Fu);
    }
    assert_int_equal(resets(fx), 0);
    assert_int_equal(rd(fx, WWDG_CR) & WDGA, WDGA);
}

static void test_refresh_before_window_resets(void **state)
{
    struct fixture *fx = *state;
    start(fx, CFR_SLOW | 0x50u);
    sim_target_advance(&fx->sd.t, 20 * MS); /* counter ~0x7A, above W */
    wr(fx, WWDG_CR, WDGA | 0x7Fu);
    assert_wwdg_reset(fx, 0);
}

static void test_write_with_t6_clear_resets(void **state)
{
    struct fixture *fx = *state;
    start(fx, CFR_SLOW | 0x7Fu);
    wr(fx, WWDG_CR, WDGA | 0x3Fu);
    assert_wwdg_reset(fx, 0);
}

/* A job of more than a second with the core halted: erasing every page of the 64 KiB flash
 * (64 x 20 ms, the F103's page erase time, DS5319 Table 25). */
static int erase_whole_flash(struct fixture *fx)
{
    const struct stflash_chip_info *chip = stflash_chip_find(0x410);
    assert_non_null(chip);
    struct flash_dev f;
    struct flash_dev_params params = {.flash_size = fx->sd.t.flash_size};
    assert_int_equal(flash_dev_init(&f, &fx->sd.dbg, chip, &params), STFLASH_OK);
    return flash_erase_range(&f, 0x08000000u, fx->sd.t.flash_size);
}

static void test_freeze_keeps_a_long_halted_job_alive(void **state)
{
    struct fixture *fx = *state;
    const struct stflash_chip_info *chip = stflash_chip_find(0x410);
    assert_int_equal(watchdog_freeze(&fx->sd.dbg, chip), STFLASH_OK); /* as every connect */
    assert_true(rd(fx, DBGMCU_CR) & DBG_WWDG_STOP);
    start(fx, CFR_SLOW | 0x7Fu);
    double t0 = sim_dbg_seconds(&fx->sd);
    uint32_t count = rd(fx, WWDG_CR);
    assert_int_equal(erase_whole_flash(fx), STFLASH_OK);
    assert_true(sim_dbg_seconds(&fx->sd) - t0 > 0.5); /* longer than the 262 ms timeout */
    assert_int_equal(resets(fx), 0);
    assert_int_equal(rd(fx, WWDG_CR), count); /* frozen all along */
    assert_false(rd(fx, RCC_CSR) & WWDGRSTF);
}

static void test_without_freeze_the_same_job_is_cut_by_a_reset(void **state)
{
    struct fixture *fx = *state;
    wr(fx, DBGMCU_CR, 0);
    start(fx, CFR_SLOW | 0x7Fu);
    (void)erase_whole_flash(fx); /* the erase itself may go on: the reset is what is checked */
    assert_true(resets(fx) >= 1);
    assert_true(rd(fx, RCC_CSR) & WWDGRSTF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clock_off_registers_ignore_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_counter_runs_without_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_t6_falling_resets_when_not_frozen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_in_window_keeps_it_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_before_window_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_with_t6_clear_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_freeze_keeps_a_long_halted_job_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_freeze_the_same_job_is_cut_by_a_reset, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
