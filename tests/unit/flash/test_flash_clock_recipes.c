/*
 * The core clock of the routines in SRAM (flash/clock_recipes.c) on the virtual board's L4-style
 * and F4/F7 chips: a write on the L476 runs at 48 MHz (MSI range 11), on the G071 and G474 at
 * 64 MHz (the PLL from HSI16), on the C031 at 48 MHz (HSI48 undivided), on the F407, F411 and
 * F767 at 48 MHz (the PLL from HSI, also at a 1.9 V supply), each byte-exact and with RCC,
 * FLASH_ACR and the power controller's clock read back as before; in voltage range 2 the clock
 * is left alone; a PLL that never locks leaves the job at the reset clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "sim_dbg.h"

#include "flash_fixture.h"

/* RCC at 0x40021000 (RM0351 §6.4, RM0444 §5.4, RM0440 §7.4), FLASH_ACR, PWR_CR1 (RM0351 §5.4.1). */
#define RCC_CR 0x40021000u
#define RCC_CFGR 0x40021008u
#define RCC_PLLCFGR 0x4002100Cu
#define L4_RCC_APB1ENR1 0x40021058u
#define G0_RCC_APBENR1 0x4002103Cu
#define FLASH_ACR 0x40022000u
#define PWR_CR1 0x40007000u
#define PWREN (1u << 28)
#define VOS_RANGE2 (2u << 9)

static int setup_l476(void **state)
{
    return open_chip(state, "stm32l476rg", 0x415, 0, NULL);
}

static int setup_g071(void **state)
{
    return open_chip(state, "stm32g071rb", 0x460, 0, NULL);
}

static int setup_g474(void **state)
{
    return open_chip(state, "stm32g474re", 0x469, 0, NULL);
}

static int setup_c031(void **state)
{
    return open_chip(state, "stm32c031c6", 0x453, 0, NULL);
}

/* F4/F7 (RM0090 §6.3, §3.8): RCC_CR, RCC_PLLCFGR, RCC_CFGR, FLASH_ACR. */
static int setup_f4(void **state, const char *chip, uint16_t dev_id, uint32_t mv)
{
    int rc = open_chip(state, chip, dev_id, 0, NULL);
    struct fixture *fx = *state;
    fx->sd.t.cfg.voltage_mv = mv;
    fx->f.volts = mv / 1000.0;
    return rc;
}

static int setup_f407(void **state)
{
    return setup_f4(state, "stm32f407vg", 0x413, 3300);
}

static int setup_f411_1v9(void **state)
{
    return setup_f4(state, "stm32f411re", 0x431, 1900);
}

static int setup_f767(void **state)
{
    return setup_f4(state, "stm32f767zi", 0x451, 3300);
}

#define NREGS 6
static const uint32_t l4_regs[NREGS] = {RCC_CR,          RCC_CFGR,       RCC_PLLCFGR,
                                        L4_RCC_APB1ENR1, G0_RCC_APBENR1, FLASH_ACR};
static const uint32_t f4_regs[NREGS] = {0x40023800u, 0x40023804u, 0x40023808u,
                                        0x40023830u, 0x40023840u, 0x40023C00u};

static const uint32_t *regs_of(struct fixture *fx)
{
    return fx->sd.t.family->f4.latency_mask ? f4_regs : l4_regs;
}

static void read_regs(struct fixture *fx, uint32_t v[NREGS])
{
    for (unsigned i = 0; i < NREGS; i++)
        assert_int_equal(dbg_read32(&fx->sd.dbg, regs_of(fx)[i], &v[i]), STFLASH_OK);
}

/* 8 KiB over old firmware: the CRC of what is there, erase, program with the in-pass check. */
static void write_at(void **state, uint32_t want_hz, uint32_t reset_hz)
{
    struct fixture *fx = *state;
    uint32_t before[NREGS], after[NREGS];
    read_regs(fx, before);
    prefill(fx, 5);
    const struct seg segs[] = {{FLASH_BASE, 8u * 1024u, 9}};
    fx->sd.t.core_hz_max = 0;
    int rc = write_segs(fx, segs, 1, NULL);
    if (rc != STFLASH_OK)
        print_message("%s\n", stflash_last_error(fx->ctx));
    assert_int_equal(rc, STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_int_equal(fx->sd.t.core_hz_max, want_hz);
    read_regs(fx, after);
    for (unsigned i = 0; i < NREGS; i++)
        assert_int_equal(after[i], before[i]);
    assert_int_equal(fx->sd.t.core_hz, reset_hz);
    assert_false(fx->sd.t.flash_misread);
}

static void test_l476_write_runs_at_48mhz(void **state)
{
    write_at(state, 48000000u, 4000000u);
}

static void test_g071_write_runs_at_64mhz(void **state)
{
    write_at(state, 64000000u, 16000000u);
}

static void test_g474_write_runs_at_64mhz(void **state)
{
    write_at(state, 64000000u, 16000000u);
}

static void test_c031_write_runs_at_48mhz(void **state)
{
    write_at(state, 48000000u, 12000000u);
}

/* Firmware that put the regulator in range 2 (26 MHz at most on the L4, RM0351 §5.1.8) and
 * switched the power controller's clock off again: the routines stay at 4 MHz. */
static void test_l476_range2_left_alone(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(dbg_write32(&fx->sd.dbg, L4_RCC_APB1ENR1, PWREN), STFLASH_OK);
    assert_int_equal(dbg_write32(&fx->sd.dbg, PWR_CR1, VOS_RANGE2), STFLASH_OK);
    assert_int_equal(dbg_write32(&fx->sd.dbg, L4_RCC_APB1ENR1, 0), STFLASH_OK);
    write_at(state, 4000000u, 4000000u);
}

/* The same on the G0 (16 MHz at most in range 2, with one wait state: RM0444 §3.3.4): the
 * routines stay at HSI16. */
static void test_g071_range2_left_alone(void **state)
{
    struct fixture *fx = *state;
    uint32_t acr = 0;
    assert_int_equal(dbg_read32(&fx->sd.dbg, FLASH_ACR, &acr), STFLASH_OK);
    assert_int_equal(dbg_write32(&fx->sd.dbg, FLASH_ACR, (acr & ~7u) | 1u), STFLASH_OK);
    assert_int_equal(dbg_write32(&fx->sd.dbg, G0_RCC_APBENR1, PWREN), STFLASH_OK);
    assert_int_equal(dbg_write32(&fx->sd.dbg, PWR_CR1, VOS_RANGE2), STFLASH_OK);
    write_at(state, 16000000u, 16000000u);
}

static void test_f407_write_runs_at_48mhz(void **state)
{
    write_at(state, 48000000u, 16000000u);
}

/* Three wait states: enough for 48 MHz at 1.9 V, where the F411 takes 16 MHz per wait state. */
static void test_f411_at_1v9_write_runs_at_48mhz(void **state)
{
    write_at(state, 48000000u, 16000000u);
}

static void test_f767_write_runs_at_48mhz(void **state)
{
    write_at(state, 48000000u, 16000000u);
}

static void test_g071_pll_never_locks(void **state)
{
    struct fixture *fx = *state;
    fx->sd.t.cfg.pll_no_lock = true;
    write_at(state, 16000000u, 16000000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_l476_write_runs_at_48mhz, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_g071_write_runs_at_64mhz, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_g474_write_runs_at_64mhz, setup_g474, teardown),
        cmocka_unit_test_setup_teardown(test_c031_write_runs_at_48mhz, setup_c031, teardown),
        cmocka_unit_test_setup_teardown(test_l476_range2_left_alone, setup_l476, teardown),
        cmocka_unit_test_setup_teardown(test_g071_range2_left_alone, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_g071_pll_never_locks, setup_g071, teardown),
        cmocka_unit_test_setup_teardown(test_f407_write_runs_at_48mhz, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_f411_at_1v9_write_runs_at_48mhz, setup_f411_1v9,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_f767_write_runs_at_48mhz, setup_f767, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
