/*
 * The core models of the virtual board (sim/cores.c, sim/scs.c, sim/ppb.c) as a debugger reads
 * them: the Cortex-M7 of the simulated STM32F767ZI (CPUID, FPv5-DP feature registers, caches, FPB
 * version 2, the MCU/processor/PPB ROM tables, Cortex-M7 TRM DDI 0489) next to the Cortex-M4F of
 * the STM32F407VG, whose FPB version 1 keeps its comparator layout (ARMv7-M C1.11), and ID_PFR1
 * of the STM32U575ZI's Cortex-M33 with the Security Extension.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "arm/cortexm.h"
#include "sim_dbg.h"
#include "stflash/stflash.h"

static int open_chip(void **state, const char *chip)
{
    return sim_board_open(state, chip);
}

static int setup_f767(void **state)
{
    return open_chip(state, "stm32f767zi");
}

static int setup_f407(void **state)
{
    return open_chip(state, "stm32f407vg");
}

static int setup_u575(void **state)
{
    return open_chip(state, "stm32u575zi");
}

static int setup_f103(void **state)
{
    return open_chip(state, "stm32f103c8");
}

static int teardown(void **state)
{
    return sim_board_close(state);
}

static uint32_t rd(struct sim_board *fx, uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(dbg_read32(&fx->sd.dbg, addr, &v), 0);
    return v;
}

static void wr(struct sim_board *fx, uint32_t addr, uint32_t v)
{
    assert_int_equal(dbg_write32(&fx->sd.dbg, addr, v), 0);
}

static void test_m7_identification_and_fpu(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(rd(fx, 0xE000ED00), 0x411FC270); /* CPUID: Cortex-M7 r1p0 */
    assert_int_equal(rd(fx, 0xE000EF40), 0x10110221); /* MVFR0: single and double precision */
    assert_int_equal(rd(fx, 0xE000EF44), 0x12000011); /* MVFR1 */
    assert_int_equal(rd(fx, 0xE000EF48), 0x00000040); /* MVFR2 */
    assert_int_equal(rd(fx, 0xE000ED60), 0x01101110); /* ID_ISAR0 */
    assert_int_equal(rd(fx, 0xE000ED64), 0x02112000); /* ID_ISAR1 */
    wr(fx, 0xE000ED88, 0x00F00000);                   /* CPACR: CP10, CP11 full access */
    assert_int_equal(rd(fx, 0xE000ED88), 0x00F00000);
}

static void test_m7_caches(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(rd(fx, 0xE000ED78), 0x09000003); /* CLIDR: separate I and D at level 1 */
    assert_int_equal(rd(fx, 0xE000ED7C), 0x8303C003); /* CTR */
    wr(fx, 0xE000ED84, 0);                            /* CSSELR: level 1 data cache */
    assert_int_equal(rd(fx, 0xE000ED80), 0xF00FE019); /* 16 KiB, 4 ways, 32-byte lines */
    wr(fx, 0xE000ED84, 1);                            /* level 1 instruction cache */
    assert_int_equal(rd(fx, 0xE000ED84), 1);
    assert_int_equal(rd(fx, 0xE000ED80), 0xF01FE009); /* 16 KiB, 2 ways */
    assert_int_equal(rd(fx, 0xE000ED14), 0x00040200); /* CCR: BP, STKALIGN */
    wr(fx, 0xE000ED14, 0x00030200);                   /* enable IC and DC */
    assert_int_equal(rd(fx, 0xE000ED14), 0x00070200); /* BP stays one */
    for (uint32_t a = 0xE000EF50; a <= 0xE000EF78; a += 4)
        wr(fx, a, 0x20000000); /* ICIALLU .. BPIALL: accepted */
}

static void test_m7_fpb_v2(void **state)
{
    struct sim_board *fx = *state;
    /* REV 1, NUM_CODE 8, NUM_LIT 0 */
    assert_int_equal(rd(fx, 0xE0002000) & ~1u, 0x10000080);
    wr(fx, 0xE0002008, 0x2000F00Bu); /* BPADDR anywhere, BE: no REPLACE field to mask */
    assert_int_equal(rd(fx, 0xE0002008), 0x2000F00Bu);
    wr(fx, 0xE0002024, 0x08000043u); /* the eighth comparator exists */
    assert_int_equal(rd(fx, 0xE0002024), 0x08000043u);
    assert_int_equal(rd(fx, 0xE0002028), 0); /* the ninth does not */
    wr(fx, 0xE0002004, 0x20000000u);         /* FP_REMAP: no remapping on the M7 */
    assert_int_equal(rd(fx, 0xE0002004), 0);
}

/* ROM table entries and the part number in PIDR0/PIDR1. */
static uint32_t partno(struct sim_board *fx, uint32_t base)
{
    return (rd(fx, base + 0xFE0) & 0xFFu) | (rd(fx, base + 0xFE4) & 0xFu) << 8;
}

static void test_m7_rom_tables(void **state)
{
    struct sim_board *fx = *state;
    /* MCU ROM table (ST's IDs): the processor table and the TPIU. */
    assert_int_equal(partno(fx, 0xE00FD000), 0x451);
    assert_int_equal(rd(fx, 0xE00FD000), 0x00001003);
    assert_int_equal(rd(fx, 0xE00FD004), 0xFFF43003);
    assert_int_equal(rd(fx, 0xE00FD008), 0);
    assert_int_equal(rd(fx, 0xE00FDFCC), 1);
    /* Processor ROM table 0x4C8: the PPB table, the ETM, the CTI absent. */
    assert_int_equal(partno(fx, 0xE00FE000), 0x4C8);
    assert_int_equal(rd(fx, 0xE00FE000), 0x00001003);
    assert_int_equal(rd(fx, 0xE00FE004), 0xFFF43003);
    assert_int_equal(rd(fx, 0xE00FE008), 0xFFF44002);
    assert_int_equal(rd(fx, 0xE00FE010), 0);
    /* PPB ROM table 0x4C7: SCS, DWT, FPB, ITM; TPIU and ETM not present here. */
    assert_int_equal(partno(fx, 0xE00FF000), 0x4C7);
    assert_int_equal(rd(fx, 0xE00FF000), 0xFFF0F003);
    assert_int_equal(rd(fx, 0xE00FF008), 0xFFF03003);
    assert_int_equal(rd(fx, 0xE00FF010), 0xFFF41002);
    assert_int_equal(rd(fx, 0xE00FF014), 0xFFF42002);
    assert_int_equal(rd(fx, 0xE00FF018), 0);
    assert_int_equal(partno(fx, 0xE0002000), 0x00E); /* FPB v2 */
    assert_int_equal(partno(fx, 0xE0041000), 0x975); /* ETM-M7 */
    assert_int_equal(partno(fx, 0xE0040000), 0x9A9); /* TPIU */
}

static void test_m4_fpb_v1_unchanged(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(rd(fx, 0xE0002000) & ~1u, 0x00000260); /* REV 0, 6 code, 2 literal */
    wr(fx, 0xE0002008, 0xFFFFFFFFu);                        /* COMP[28:2], REPLACE, ENABLE */
    assert_int_equal(rd(fx, 0xE0002008), 0xDFFFFFFDu);
    wr(fx, 0xE0002004, 0x20000020u);
    assert_int_equal(rd(fx, 0xE0002004), 0x00000020u);
    assert_int_equal(rd(fx, 0xE000EF40), 0x10110021); /* FPv4-SP */
    assert_int_equal(rd(fx, 0xE000ED14), 0);          /* CCR as before: no caches */
    assert_int_equal(partno(fx, 0xE00FF000), 0x413);  /* the PPB table is ST's */
    assert_int_equal(rd(fx, 0xE00FF010), 0xFFF41003); /* TPIU listed there */
}

/* A CPU store running past the end of the flash (an unaligned word at its last half-word, as
 * firmware gone astray may make) is refused by the bus; the flash keeps its bytes and the model
 * touches nothing beyond its array. */
/* ID_PFR1 (ARMv8-M ARM D1.2, ID_PFR1; ARMv7-M ARM B4.1): MProgMod [11:8] = 2, the two-stack
 * programmers' model, on both; Security [7:4] = 1 only on the Cortex-M33 with the Security
 * Extension. */
static void test_m33_id_pfr1_security(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(rd(fx, 0xE000ED44), 0x00000210);
}

static void test_m4_id_pfr1(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(rd(fx, 0xE000ED44), 0x00000200);
}

static void test_store_across_flash_end(void **state)
{
    struct sim_board *fx = *state;
    const uint32_t code = 0x20000100, flash_end = 0x08010000;
    wr(fx, code, 0xBE006001u); /* str r1, [r0]; bkpt #0 */
    const uint32_t args[2] = {flash_end - 2u, 0x12345678u};
    uint32_t r0 = 0;
    (void)cm_run_routine(&fx->sd.dbg, code, 0x20001000, args, 2, 200, &r0);
    (void)cm_halt(&fx->sd.dbg);
    assert_int_equal(rd(fx, flash_end - 4u), 0xFFFFFFFFu);
}

/* A BSRR write that sets and resets the same pin sets it: "BSx has priority" (RM0008 §9.2.5,
 * RM0090 §8.4.7); the other bits of the write act as given. */
static void bsrr_set_wins(struct sim_board *fx, uint32_t enr, uint32_t enr_bit, uint32_t port)
{
    struct sim_target *t = &fx->sd.t;
    uint32_t v = 0;
    assert_int_equal(sim_bus_read(t, enr, 4, &v, SIM_BY_DEBUG), SIM_BUS_OK);
    assert_int_equal(sim_bus_write(t, enr, 4, v | enr_bit, SIM_BY_DEBUG), SIM_BUS_OK);
    uint32_t odr = port + (port == 0x40011000u ? 0x0Cu : 0x14u);
    uint32_t bsrr = odr + 4u;
    assert_int_equal(sim_bus_write(t, odr, 4, 0x0004u, SIM_BY_DEBUG), SIM_BUS_OK);
    /* pin 13 set and reset at once, pin 2 reset, pin 0 set */
    assert_int_equal(sim_bus_write(t, bsrr, 4, (0x2004u << 16) | 0x2001u, SIM_BY_DEBUG),
                     SIM_BUS_OK);
    assert_int_equal(sim_bus_read(t, odr, 4, &v, SIM_BY_DEBUG), SIM_BUS_OK);
    assert_int_equal(v, 0x2001u);
}

static void test_f1_bsrr_set_wins(void **state)
{
    bsrr_set_wins(*state, 0x40021018u, 1u << 4, 0x40011000u); /* RCC_APB2ENR.IOPCEN, GPIOC */
}

static void test_f4_bsrr_set_wins(void **state)
{
    bsrr_set_wins(*state, 0x40023830u, 1u << 2, 0x40020800u); /* RCC_AHB1ENR.GPIOCEN, GPIOC */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_m7_identification_and_fpu, setup_f767, teardown),
        cmocka_unit_test_setup_teardown(test_m7_caches, setup_f767, teardown),
        cmocka_unit_test_setup_teardown(test_m7_fpb_v2, setup_f767, teardown),
        cmocka_unit_test_setup_teardown(test_m7_rom_tables, setup_f767, teardown),
        cmocka_unit_test_setup_teardown(test_m4_fpb_v1_unchanged, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_m33_id_pfr1_security, setup_u575, teardown),
        cmocka_unit_test_setup_teardown(test_m4_id_pfr1, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_store_across_flash_end, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_f1_bsrr_set_wins, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_f4_bsrr_set_wins, setup_f407, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
