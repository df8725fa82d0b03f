/*
 * The clock controller and the flash wait states of the virtual board (sim/rcc_f0f1f3.c,
 * sim/f1_flash.c) on the simulated STM32F103 and STM32F303, as silicon behaves: the PLL reports
 * ready only after its lock time, a switch of SYSCLK to a source not ready waits for it, the
 * PLL's configuration cannot change while it runs, an oscillator in use cannot be switched off,
 * the HSE never starts on a board without one, and with too few flash wait states for SYSCLK
 * the core reads the flash wrong, as code and as data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arm/cortexm.h"
#include "sim_board_io.h"
#include "sim_dbg.h"
#include "stflash/stflash.h"

#define RCC_CR 0x40021000u   /* RM0008 §7.3.1 */
#define RCC_CFGR 0x40021004u /* RM0008 §7.3.2 */
#define FLASH_ACR 0x40022000u
#define CR_HSION (1u << 0)
#define CR_HSIRDY (1u << 1)
#define CR_HSEON (1u << 16)
#define CR_HSERDY (1u << 17)
#define CR_PLLON (1u << 24)
#define CR_PLLRDY (1u << 25)
#define SW_HSE 1u
#define SW_PLL 2u
#define SWS(cfgr) (((cfgr) >> 2) & 3u)
#define PLLMUL_X16 (14u << 18)
#define PLLMUL_X9 (7u << 18)
#define US SIM_PS_PER_US
#define MS SIM_PS_PER_MS

static int open_chip(void **state, const char *chip)
{
    return sim_board_open(state, chip);
}

static int setup_f103(void **state)
{
    return open_chip(state, "stm32f103c8");
}

static int setup_f303(void **state)
{
    return open_chip(state, "stm32f303vc");
}

static int teardown(void **state)
{
    return sim_board_close(state);
}

static void pass(struct sim_board *fx, sim_ps dt)
{
    sim_target_advance(&fx->sd.t, dt);
}

static void test_pll_locks_after_its_lock_time(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(rd(fx, RCC_CR) & (CR_HSION | CR_HSIRDY | CR_PLLRDY), CR_HSION | CR_HSIRDY);
    wr(fx, RCC_CFGR, PLLMUL_X16); /* HSI/2 x 16 */
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, 0);
    pass(fx, 150 * US);
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, 0);
    pass(fx, 60 * US); /* 210 µs: past tLOCK, 200 µs */
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, CR_PLLRDY);
}

static void test_switch_waits_for_the_pll(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, RCC_CFGR, PLLMUL_X16);
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    wr(fx, RCC_CFGR, PLLMUL_X16 | SW_PLL);
    uint32_t cfgr = rd(fx, RCC_CFGR);
    assert_int_equal(cfgr & 3u, SW_PLL); /* SW as written */
    assert_int_equal(SWS(cfgr), 0);      /* still on HSI */
    assert_int_equal(fx->sd.t.cycle_ps, SIM_PS_PER_S / 8000000u);
    pass(fx, 250 * US);
    assert_int_equal(SWS(rd(fx, RCC_CFGR)), SW_PLL);
    assert_int_equal(fx->sd.t.cycle_ps, SIM_PS_PER_S / 64000000u);
    /* A source in use cannot be switched off: PLLON and HSION (the PLL's input) stay. */
    wr(fx, RCC_CR, 0);
    assert_int_equal(rd(fx, RCC_CR) & (CR_PLLON | CR_HSION), CR_PLLON | CR_HSION);
    /* Back to HSI, then the PLL can be switched off and its ready bit goes. */
    wr(fx, RCC_CFGR, PLLMUL_X16);
    assert_int_equal(SWS(rd(fx, RCC_CFGR)), 0);
    wr(fx, RCC_CR, CR_HSION);
    assert_int_equal(rd(fx, RCC_CR) & (CR_PLLON | CR_PLLRDY), 0);
}

static void test_pll_configuration_is_locked_while_on(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, RCC_CFGR, PLLMUL_X9);
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    wr(fx, RCC_CFGR, PLLMUL_X16);
    assert_int_equal(rd(fx, RCC_CFGR) & (0x3Fu << 16), PLLMUL_X9);
    wr(fx, RCC_CR, CR_HSION);
    wr(fx, RCC_CFGR, PLLMUL_X16);
    assert_int_equal(rd(fx, RCC_CFGR) & (0x3Fu << 16), PLLMUL_X16);
}

static void test_hse_starts_only_with_a_crystal(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_HSEON);
    assert_int_equal(rd(fx, RCC_CR) & CR_HSERDY, 0);
    pass(fx, 3 * MS); /* tSU(HSE) 2 ms */
    assert_int_equal(rd(fx, RCC_CR) & CR_HSERDY, CR_HSERDY);

    wr(fx, RCC_CR, CR_HSION);
    assert_int_equal(rd(fx, RCC_CR) & CR_HSERDY, 0);
    fx->sd.t.cfg.no_hse = true; /* a board without a crystal */
    wr(fx, RCC_CR, CR_HSION | CR_HSEON);
    wr(fx, RCC_CFGR, SW_HSE);
    pass(fx, 50 * MS);
    assert_int_equal(rd(fx, RCC_CR) & CR_HSERDY, 0);
    assert_int_equal(SWS(rd(fx, RCC_CFGR)), 0);
}

static void test_pll_that_never_locks(void **state)
{
    struct sim_board *fx = *state;
    fx->sd.t.cfg.pll_no_lock = true;
    wr(fx, RCC_CFGR, PLLMUL_X16);
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    wr(fx, RCC_CFGR, PLLMUL_X16 | SW_PLL);
    pass(fx, 50 * MS);
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, 0);
    assert_int_equal(SWS(rd(fx, RCC_CFGR)), 0);
    assert_int_equal(fx->sd.t.cycle_ps, SIM_PS_PER_S / 8000000u);
}

/* SYSCLK 64 MHz from the PLL (HSI/2 x 16) with FLASH_ACR as given. */
static void run_at_64mhz(struct sim_board *fx, uint32_t acr)
{
    wr(fx, FLASH_ACR, acr);
    wr(fx, RCC_CFGR, PLLMUL_X16);
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    pass(fx, 250 * US);
    wr(fx, RCC_CFGR, PLLMUL_X16 | SW_PLL);
    assert_int_equal(SWS(rd(fx, RCC_CFGR)), SW_PLL);
}

#define CODE_ADDR 0x08001000u /* ldr r0, [r0]; bkpt #0 */
#define DATA_ADDR 0x08001010u
#define DATA_VALUE 0x12345678u
#define SRAM_CODE 0x20000100u
#define SRAM_DATA 0x20000110u
#define STACK_TOP 0x20001000u

static void put_code(struct sim_board *fx)
{
    static const uint8_t code[4] = {0x00, 0x68, 0x00, 0xBE};
    const uint8_t data[4] = {0x78, 0x56, 0x34, 0x12};
    struct sim_target *t = &fx->sd.t;
    memcpy(t->flash + (CODE_ADDR - 0x08000000u), code, sizeof code);
    memcpy(t->flash + (DATA_ADDR - 0x08000000u), data, sizeof data);
    memcpy(t->sram + (SRAM_CODE - 0x20000000u), code, sizeof code);
    memcpy(t->sram + (SRAM_DATA - 0x20000000u), data, sizeof data);
    sim_target_drop_all_code(t);
}

/* Runs `ldr r0, [r0]; bkpt` at entry with r0 = addr: the routine's result, or 0 when it did
 * not end at its BKPT. */
static uint32_t load_word(struct sim_board *fx, uint32_t entry, uint32_t addr)
{
    uint32_t r0 = 0;
    int rc = cm_run_routine(&fx->sd.dbg, entry | 1u, STACK_TOP, &addr, 1, 200, &r0);
    return rc == STFLASH_OK ? r0 : 0;
}

static void test_flash_reads_right_with_enough_wait_states(void **state)
{
    struct sim_board *fx = *state;
    put_code(fx);
    run_at_64mhz(fx, 0x30u | 2u); /* prefetch on, LATENCY 2 */
    assert_false(fx->sd.t.flash_misread);
    assert_int_equal(load_word(fx, SRAM_CODE, DATA_ADDR), DATA_VALUE);
    assert_int_equal(load_word(fx, CODE_ADDR, SRAM_DATA), DATA_VALUE);
    assert_int_equal(load_word(fx, CODE_ADDR, DATA_ADDR), DATA_VALUE);
}

static void test_flash_misreads_with_too_few_wait_states(void **state)
{
    struct sim_board *fx = *state;
    put_code(fx);
    run_at_64mhz(fx, 0x30u | 1u); /* LATENCY 1: enough up to 48 MHz only */
    assert_true(fx->sd.t.flash_misread);
    /* Data read by the core from SRAM code: all ones. */
    assert_int_equal(load_word(fx, SRAM_CODE, DATA_ADDR), 0xFFFFFFFFu);
    /* Code fetched from the flash: garbage that does not reach its BKPT with the value. */
    assert_int_not_equal(load_word(fx, CODE_ADDR, SRAM_DATA), DATA_VALUE);
    /* The debugger still reads the array itself. */
    uint32_t v = 0;
    assert_int_equal(dbg_read32(&fx->sd.dbg, DATA_ADDR, &v), STFLASH_OK);
    assert_int_equal(v, DATA_VALUE);
    /* Enough wait states again: right at once. */
    assert_int_equal(dbg_write32(&fx->sd.dbg, FLASH_ACR, 0x30u | 2u), STFLASH_OK);
    assert_int_equal(load_word(fx, SRAM_CODE, DATA_ADDR), DATA_VALUE);
}

/* The F303 has the same rule (RM0316 §4.5.1): LATENCY 0 is enough up to 24 MHz only. */
static void test_f303_misreads_at_latency_0(void **state)
{
    struct sim_board *fx = *state;
    put_code(fx);
    run_at_64mhz(fx, 0x30u);
    assert_true(fx->sd.t.flash_misread);
    assert_int_equal(load_word(fx, SRAM_CODE, DATA_ADDR), 0xFFFFFFFFu);
    assert_int_equal(dbg_write32(&fx->sd.dbg, FLASH_ACR, 0x30u | 2u), STFLASH_OK);
    assert_int_equal(load_word(fx, SRAM_CODE, DATA_ADDR), DATA_VALUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pll_locks_after_its_lock_time, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_switch_waits_for_the_pll, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_pll_configuration_is_locked_while_on, setup_f103,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hse_starts_only_with_a_crystal, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_pll_that_never_locks, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_flash_reads_right_with_enough_wait_states, setup_f103,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flash_misreads_with_too_few_wait_states, setup_f103,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_f303_misreads_at_latency_0, setup_f303, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
