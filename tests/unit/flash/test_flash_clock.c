/*
 * The core clock of the routines stflash runs in target SRAM (flash/clock.c) on the virtual
 * board: a write on the F103 (and the F303, F051, F100) runs its loader and CRC routine with SYSCLK
 * from the PLL (at the family's limit, 24 MHz on the F100) and leaves the flash byte-exact; the
 * registers read back as before the job; a firmware's own clock setup is left alone; a PLL that
 * never locks leaves the job at 8 MHz, still right.
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

#define RCC_CR 0x40021000u   /* RM0008 §7.3.1 */
#define RCC_CFGR 0x40021004u /* RM0008 §7.3.2 */
#define FLASH_ACR 0x40022000u
#define CR_HSEON (1u << 16)
#define SW_HSE 1u

static int setup_f303(void **state)
{
    return open_chip(state, "stm32f303vc", 0x422, 0, NULL);
}

static int setup_f051(void **state)
{
    return open_chip(state, "stm32f051r8", 0x440, 0, NULL);
}

struct clock_regs {
    uint32_t cr, cfgr, acr;
};

static struct clock_regs read_regs(struct fixture *fx)
{
    struct clock_regs r;
    assert_int_equal(dbg_read32(&fx->sd.dbg, RCC_CR, &r.cr), STFLASH_OK);
    assert_int_equal(dbg_read32(&fx->sd.dbg, RCC_CFGR, &r.cfgr), STFLASH_OK);
    assert_int_equal(dbg_read32(&fx->sd.dbg, FLASH_ACR, &r.acr), STFLASH_OK);
    return r;
}

static void assert_same_regs(struct clock_regs a, struct clock_regs b)
{
    assert_int_equal(a.cr, b.cr);
    assert_int_equal(a.cfgr, b.cfgr);
    assert_int_equal(a.acr, b.acr);
}

/* 16 KiB over old firmware: the CRC of what is there, erase, program, verify, each routine run
 * on the target. (The loader polls BSY for every half-word: at 36-64 MHz the emulator runs eight
 * times the instructions it runs at 8 MHz, so the image is kept small.) */
#define IMAGE_LEN (16u * 1024u)
static void write_image(struct fixture *fx)
{
    prefill(fx, 7);
    const struct seg segs[] = {{FLASH_BASE, IMAGE_LEN, 3}};
    int rc = write_segs(fx, segs, 1, NULL);
    if (rc != STFLASH_OK)
        print_message("%s\n", stflash_last_error(fx->ctx));
    assert_int_equal(rc, STFLASH_OK);
    assert_flash_as_expected(fx);
}

static void write_at(void **state, uint32_t want_hz)
{
    struct fixture *fx = *state;
    struct clock_regs before = read_regs(fx);
    fx->sd.t.core_hz_max = 0;
    write_image(fx);
    assert_int_equal(fx->sd.t.core_hz_max, want_hz);
    assert_same_regs(read_regs(fx), before);
    assert_int_equal(fx->sd.t.core_hz, 8000000u);
    assert_false(fx->sd.t.flash_misread);
}

/* 36 MHz: the F101 shares the F103's DEV_ID and is rated for no more (src/flash/clock.c). */
static void test_f103_write_runs_at_36mhz(void **state)
{
    write_at(state, 36000000u);
}

static void test_f303_write_runs_at_64mhz(void **state)
{
    write_at(state, 64000000u);
}

static void test_f051_write_runs_at_48mhz(void **state)
{
    write_at(state, 48000000u);
}

/* The value line's limit is 24 MHz (RM0041): not 64. */
static void test_f100_write_runs_at_24mhz(void **state)
{
    write_at(state, 24000000u);
}

/* Verification of a chip whose firmware left the reset clock (and set FLASH_ACR its own way):
 * the CRC runs at 36 MHz, and RCC and FLASH_ACR read back as they were. */
static void test_verify_restores_the_registers(void **state)
{
    struct fixture *fx = *state;
    write_image(fx);
    assert_int_equal(dbg_write32(&fx->sd.dbg, FLASH_ACR, 0x10u), STFLASH_OK); /* prefetch */
    struct clock_regs before = read_regs(fx);
    struct img im;
    const struct seg segs[] = {{FLASH_BASE, IMAGE_LEN, 3}};
    make_image(fx, &im, segs, 1);
    fx->sd.t.core_hz_max = 0;
    assert_int_equal(flash_verify(&fx->f, &im.image), STFLASH_OK);
    free_image(&im);
    assert_int_equal(fx->sd.t.core_hz_max, 36000000u);
    assert_same_regs(read_regs(fx), before);
    assert_int_equal(before.acr & 0x17u, 0x10u);
}

/* Firmware that runs from the HSE: its clock is its own, the routines run at it. */
static void test_firmware_clock_left_alone(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(dbg_write32(&fx->sd.dbg, RCC_CR, 0x83u | CR_HSEON), STFLASH_OK);
    sim_target_advance(&fx->sd.t, 3 * SIM_PS_PER_MS); /* tSU(HSE) */
    assert_int_equal(dbg_write32(&fx->sd.dbg, RCC_CFGR, SW_HSE), STFLASH_OK);
    struct clock_regs before = read_regs(fx);
    assert_int_equal((before.cfgr >> 2) & 3u, SW_HSE);
    fx->sd.t.core_hz_max = 0;
    write_image(fx);
    assert_int_equal(fx->sd.t.core_hz_max, 8000000u);
    assert_same_regs(read_regs(fx), before);
}

/* A PLL that never locks: the job runs at the reset clock, and is right. */
static void test_pll_never_locks(void **state)
{
    struct fixture *fx = *state;
    fx->sd.t.cfg.pll_no_lock = true;
    write_at(state, 8000000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_f103_write_runs_at_36mhz, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_f303_write_runs_at_64mhz, setup_f303, teardown),
        cmocka_unit_test_setup_teardown(test_f051_write_runs_at_48mhz, setup_f051, teardown),
        cmocka_unit_test_setup_teardown(test_f100_write_runs_at_24mhz, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_verify_restores_the_registers, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_firmware_clock_left_alone, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_pll_never_locks, setup_f103, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
