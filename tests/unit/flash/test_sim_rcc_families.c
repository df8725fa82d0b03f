/*
 * The clock controller, the voltage range and the flash wait states of the virtual board's
 * L4-style chips (sim/rcc_g0_l4.c) and F4 (sim/rcc_f4.c), as silicon behaves: the G0's PLL reports
 * ready only after its lock time and a switch of SYSCLK to it waits for it, its configuration
 * cannot change while it runs, the power controller reads as zero without its clock, and the flash
 * is misread with too few wait states for HCLK or above the voltage range's limit; the F4's main
 * PLL likewise, its wait states depending on the supply voltage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_board_io.h"
#include "sim_dbg.h"
#include "stflash/stflash.h"

#define RCC_CR 0x40021000u /* RM0444 §5.4.1, RM0351 §6.4.1 */
#define RCC_CFGR 0x40021008u
#define RCC_PLLCFGR 0x4002100Cu
#define L4_RCC_APB1ENR1 0x40021058u
#define FLASH_ACR 0x40022000u
#define PWR_CR1 0x40007000u
#define CR_MSIRGSEL (1u << 3)
#define CR_PLLON (1u << 24)
#define CR_PLLRDY (1u << 25)
#define G0_SWS(cfgr) (((cfgr) >> 3) & 7u)
/* G0: HSI16 /1 x 8 /2 = 64 MHz, PLLR enabled (RM0444 §5.4.4). */
#define G0_PLL_64 (2u | (8u << 8) | (1u << 28) | (1u << 29))
#define G0_PLL_32 (2u | (8u << 8) | (1u << 28) | (3u << 29))
#define US SIM_PS_PER_US

static int setup_g071(void **state)
{
    return sim_board_open(state, "stm32g071rb");
}

static int setup_l476(void **state)
{
    return sim_board_open(state, "stm32l476rg");
}

static void test_g0_pll_locks_and_switch_waits(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 2u);
    wr(fx, RCC_PLLCFGR, G0_PLL_64);
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    wr(fx, RCC_CFGR, 2u); /* SW = PLLRCLK */
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, 0);
    assert_int_equal(G0_SWS(rd(fx, RCC_CFGR)), 0); /* still HSISYS */
    assert_int_equal(fx->sd.t.core_hz, 16000000u);
    sim_target_advance(&fx->sd.t, 30 * US);
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, 0);
    sim_target_advance(&fx->sd.t, 15 * US); /* past tLOCK, 40 µs */
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLRDY, CR_PLLRDY);
    assert_int_equal(G0_SWS(rd(fx, RCC_CFGR)), 2u);
    assert_int_equal(fx->sd.t.core_hz, 64000000u);
    assert_false(fx->sd.t.flash_misread);
    /* The PLL is in use: it cannot be switched off, nor its configuration changed. */
    wr(fx, RCC_CR, rd(fx, RCC_CR) & ~CR_PLLON);
    assert_int_equal(rd(fx, RCC_CR) & CR_PLLON, CR_PLLON);
    wr(fx, RCC_PLLCFGR, G0_PLL_32);
    assert_int_equal(rd(fx, RCC_PLLCFGR), G0_PLL_64);
    /* Back to HSISYS, the PLL off: the configuration is writable again. */
    wr(fx, RCC_CFGR, 0);
    wr(fx, RCC_CR, rd(fx, RCC_CR) & ~CR_PLLON);
    assert_int_equal(rd(fx, RCC_CR) & (CR_PLLON | CR_PLLRDY), 0);
    wr(fx, RCC_PLLCFGR, G0_PLL_32);
    assert_int_equal(rd(fx, RCC_PLLCFGR), G0_PLL_32);
}

static void test_g0_too_few_wait_states_misread(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, RCC_PLLCFGR, G0_PLL_64);
    wr(fx, RCC_CR, rd(fx, RCC_CR) | CR_PLLON);
    sim_target_advance(&fx->sd.t, 50 * US);
    wr(fx, RCC_CFGR, 2u); /* 64 MHz with LATENCY 0: 24 MHz at most */
    assert_int_equal(fx->sd.t.core_hz, 64000000u);
    assert_true(fx->sd.t.flash_misread);
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 1u); /* 48 MHz at most */
    assert_true(fx->sd.t.flash_misread);
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 2u);
    assert_false(fx->sd.t.flash_misread);
}

/* L4: MSI range 11 (48 MHz) needs two wait states in range 1 and is beyond range 2's 26 MHz. */
static void test_l4_msi_48mhz_wait_states_and_range(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(fx->sd.t.core_hz, 4000000u);
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 1u);
    wr(fx, RCC_CR, (rd(fx, RCC_CR) & ~0xF0u) | (11u << 4) | CR_MSIRGSEL);
    assert_int_equal(fx->sd.t.core_hz, 48000000u);
    assert_true(fx->sd.t.flash_misread);
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 2u);
    assert_false(fx->sd.t.flash_misread);
    /* PWR_CR1 without its clock: reads as zero, ignores writes. */
    assert_int_equal(rd(fx, PWR_CR1), 0);
    wr(fx, PWR_CR1, 2u << 9);
    assert_false(fx->sd.t.flash_misread);
    wr(fx, L4_RCC_APB1ENR1, 1u << 28);
    assert_int_equal(rd(fx, PWR_CR1) & (3u << 9), 1u << 9); /* range 1 after reset */
    wr(fx, PWR_CR1, 2u << 9);                               /* range 2: 26 MHz at most */
    assert_true(fx->sd.t.flash_misread);
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 4u); /* wait states do not help */
    assert_true(fx->sd.t.flash_misread);
    wr(fx, RCC_CR, (rd(fx, RCC_CR) & ~0xF0u) | (9u << 4) | CR_MSIRGSEL); /* 24 MHz */
    assert_false(fx->sd.t.flash_misread);
}

/* F4 (RM0090 §6.3): RCC_CR, RCC_PLLCFGR, RCC_CFGR; FLASH_ACR. */
#define F4_CR 0x40023800u
#define F4_PLLCFGR 0x40023804u
#define F4_CFGR 0x40023808u
#define F4_ACR 0x40023C00u
#define F4_PLL_48 (8u | (96u << 6) | (1u << 16)) /* HSI / 8 x 96 / 4 */
#define F4_PLL_64 (8u | (128u << 6) | (1u << 16))

static int setup_f411(void **state)
{
    int rc = sim_board_open(state, "stm32f411re");
    struct sim_board *fx = *state;
    fx->sd.t.cfg.voltage_mv = 1900;
    return rc;
}

/* At 1.9 V the F411 takes 16 MHz per wait state (RM0383 §3.4.1 Table 6). */
static void test_f4_pll_and_wait_states_at_1v9(void **state)
{
    struct sim_board *fx = *state;
    wr(fx, F4_PLLCFGR, F4_PLL_48);
    wr(fx, F4_CR, rd(fx, F4_CR) | CR_PLLON);
    wr(fx, F4_CFGR, 2u);
    assert_int_equal((rd(fx, F4_CFGR) >> 2) & 3u, 0); /* the PLL is not locked yet */
    sim_target_advance(&fx->sd.t, 150 * US);
    assert_int_equal(rd(fx, F4_CR) & CR_PLLRDY, CR_PLLRDY);
    assert_int_equal((rd(fx, F4_CFGR) >> 2) & 3u, 2u);
    assert_int_equal(fx->sd.t.core_hz, 48000000u);
    assert_true(fx->sd.t.flash_misread); /* LATENCY 0: 16 MHz */
    wr(fx, F4_ACR, 2u);                  /* 48 MHz */
    assert_false(fx->sd.t.flash_misread);
    wr(fx, F4_PLLCFGR, F4_PLL_64); /* the PLL runs: its configuration stays */
    assert_int_equal(rd(fx, F4_PLLCFGR), F4_PLL_48);
    wr(fx, F4_CR, rd(fx, F4_CR) & ~CR_PLLON); /* and it is SYSCLK: it stays on */
    assert_int_equal(rd(fx, F4_CR) & CR_PLLON, CR_PLLON);
    wr(fx, F4_CFGR, 0);
    assert_int_equal(fx->sd.t.core_hz, 16000000u);
    wr(fx, F4_CR, rd(fx, F4_CR) & ~CR_PLLON);
    assert_int_equal(rd(fx, F4_CR) & (CR_PLLON | CR_PLLRDY), 0);
    wr(fx, F4_PLLCFGR, F4_PLL_64);
    assert_int_equal(rd(fx, F4_PLLCFGR), F4_PLL_64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_g0_pll_locks_and_switch_waits, setup_g071,
                                        sim_board_close),
        cmocka_unit_test_setup_teardown(test_g0_too_few_wait_states_misread, setup_g071,
                                        sim_board_close),
        cmocka_unit_test_setup_teardown(test_l4_msi_48mhz_wait_states_and_range, setup_l476,
                                        sim_board_close),
        cmocka_unit_test_setup_teardown(test_f4_pll_and_wait_states_at_1v9, setup_f411,
                                        sim_board_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
