/*
 * Fast programming (FLASH_CR.FSTPG) on the virtual board's L476 and G071 (sim/l4_flash.c, RM0351
 * §3.3.7, RM0444 §3.3.7): allowed only after a mass erase of the bank, a row of 32 double words
 * written in order from its start, the writer stalled while the previous double word programs,
 * MISSERR and FASTERR when the next one comes too late, PGAERR out of order, a silent abort on a
 * read of the bank, and PGSERR on the families without it.
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

/* RM0351 §3.7, RM0444 §3.7; the WB's at 0x58004000 (RM0434 §3.10). */
static uint32_t flash_regs = 0x40022000u;
#define FLASH_ACR (flash_regs + 0x00u)
#define FLASH_KEYR (flash_regs + 0x08u)
#define FLASH_SR (flash_regs + 0x10u)
#define FLASH_CR (flash_regs + 0x14u)
#define RCC_CR 0x40021000u
#define CR_MSIRGSEL (1u << 3)
#define SR_EOP (1u << 0)
#define SR_PGAERR (1u << 5)
#define SR_PGSERR (1u << 7)
#define SR_MISERR (1u << 8)
#define SR_FASTERR (1u << 9)
#define SR_ERRORS 0xC3FAu
#define SR_BSY (1u << 16)
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER1 (1u << 2)
#define CR_STRT (1u << 16)
#define CR_FSTPG (1u << 18)
#define CR_EOPIE (1u << 24)
#define FLASH 0x08000000u
#define ROW_DW 32u
#define ROW_BYTES (8u * ROW_DW)
#define SRAM 0x20000000u
#define US SIM_PS_PER_US

static int setup_l476(void **state)
{
    flash_regs = 0x40022000u;
    return sim_board_open(state, "stm32l476rg");
}

static int setup_g071(void **state)
{
    flash_regs = 0x40022000u;
    return sim_board_open(state, "stm32g071rb");
}

static int setup_g474(void **state)
{
    flash_regs = 0x40022000u;
    return sim_board_open(state, "stm32g474re");
}

static int setup_wb55(void **state)
{
    flash_regs = 0x58004000u;
    return sim_board_open(state, "stm32wb55rg");
}

static struct sim_target *tgt(struct sim_board *fx)
{
    return &fx->sd.t;
}

static uint32_t pattern(uint32_t i)
{
    return 0x10203040u + i * 0x01010101u;
}

/* The L476 starts on MSI 4 MHz, below fast programming's 8 MHz: MSI range 11 (48 MHz) with two
 * wait states (sim/rcc_g0_l4.c); the G071 runs on HSI16. */
static void clock_up(struct sim_board *fx)
{
    if (tgt(fx)->core_hz >= 8000000u)
        return;
    wr(fx, FLASH_ACR, (rd(fx, FLASH_ACR) & ~7u) | 2u);
    wr(fx, RCC_CR, (rd(fx, RCC_CR) & ~0xF0u) | (11u << 4) | CR_MSIRGSEL);
    assert_int_equal(tgt(fx)->core_hz, 48000000u);
}

static void unlock(struct sim_board *fx)
{
    wr(fx, FLASH_KEYR, 0x45670123u);
    wr(fx, FLASH_KEYR, 0xCDEF89ABu);
    assert_int_equal(rd(fx, FLASH_CR) & (1u << 31), 0);
}

/* Waits (board time passing) for BSY to clear. */
static void wait_idle(struct sim_board *fx)
{
    for (int i = 0; i < 1000 && (rd(fx, FLASH_SR) & SR_BSY); i++)
        sim_target_advance(tgt(fx), 100 * US);
    assert_int_equal(rd(fx, FLASH_SR) & SR_BSY, 0);
}

static void mass_erase(struct sim_board *fx)
{
    wr(fx, FLASH_CR, CR_MER1);
    wr(fx, FLASH_CR, CR_MER1 | CR_STRT);
    wait_idle(fx);
    wr(fx, FLASH_CR, 0);
}

/* The core at 48 MHz or more, the controller unlocked, bank 1 mass-erased: ready for fast rows. */
static void fresh_bank(struct sim_board *fx)
{
    clock_up(fx);
    unlock(fx);
    mass_erase(fx);
}

static enum sim_bus_result store(struct sim_board *fx, uint32_t addr, uint32_t v,
                                 enum sim_initiator who)
{
    return sim_bus_write(tgt(fx), addr, 4, v, who);
}

/* One double word as the debugger writes it (no time passes). */
static void dbg_dw(struct sim_board *fx, uint32_t addr, uint32_t i)
{
    wr(fx, addr, pattern(2 * i));
    wr(fx, addr + 4, pattern(2 * i + 1));
}

static uint32_t flash_word(struct sim_board *fx, uint32_t addr)
{
    uint32_t off = addr - FLASH, v;
    memcpy(&v, &tgt(fx)->flash[off], 4);
    return v;
}

static void assert_erased(struct sim_board *fx, uint32_t addr, uint32_t len)
{
    for (uint32_t a = addr; a < addr + len; a += 4)
        assert_int_equal(flash_word(fx, a), 0xFFFFFFFFu);
}

/* 1. FSTPG without a mass erase before: PGSERR, nothing programmed. */
static void test_fast_without_mass_erase_is_pgserr(void **state)
{
    struct sim_board *fx = *state;
    clock_up(fx);
    unlock(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    dbg_dw(fx, FLASH, 0);
    assert_int_equal(rd(fx, FLASH_SR) & SR_ERRORS, SR_PGSERR);
    assert_int_equal(rd(fx, FLASH_SR) & SR_BSY, 0);
    assert_erased(fx, FLASH, 8);
}

/* 2. After MER1, the core writes a row from SRAM in a tight loop, then waits for BSY: the 32
 * double words are programmed in one row time, the core stalled between them; EOP with EOPIE. */
static void test_core_writes_a_row(void **state)
{
    struct sim_board *fx = *state;
    struct sim_target *t = tgt(fx);
    struct sim_stats stats;
    memset(&stats, 0, sizeof stats);
    t->stats = &stats;
    fresh_bank(fx);
    /* ldr r3,[r1]; str r3,[r0]; adds r0,#4; adds r1,#4; subs r2,#1; bne 0;
     * ldr r3,[r4]; tst r3,r5; bne 12; bkpt (Thumb, ARMv6-M and ARMv7-M alike) */
    static const uint16_t code[] = {0x680B, 0x6003, 0x3004, 0x3104, 0x3A01,
                                    0xD1F9, 0x6823, 0x422B, 0xD1FC, 0xBE00};
    for (unsigned i = 0; i < sizeof code / sizeof code[0]; i += 2)
        wr(fx, SRAM + 2 * i, code[i] | (uint32_t)code[i + 1] << 16);
    for (uint32_t i = 0; i < 2 * ROW_DW; i++)
        wr(fx, SRAM + 0x100 + 4 * i, pattern(i));
    uint32_t regs[][2] = {{0, FLASH},  {1, SRAM + 0x100}, {2, 2 * ROW_DW}, {4, FLASH_SR},
                          {5, SR_BSY}, {15, SRAM},        {16, 1u << 24}};
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++)
        assert_int_equal(cortexm_write_core_reg(t, regs[i][0], regs[i][1]), 0);
    wr(fx, FLASH_CR, CR_FSTPG | CR_EOPIE);
    sim_ps start = t->now;
    wr(fx, 0xE000EDF0u, 0xA05F0001u); /* DHCSR: C_DEBUGEN, run */
    sim_ps row = t->family->tprog_row_fast_ps, ended = 0;
    for (int i = 0; i < 400 && !ended; i++) {
        sim_target_advance(t, 10 * US);
        if (t->core.halted)
            ended = t->now;
    }
    assert_true(ended);
    /* The row takes its row time (the loop around it a few microseconds more). */
    assert_true(ended - start >= row);
    assert_true(ended - start <= row + 40 * US);
    for (uint32_t i = 0; i < 2 * ROW_DW; i++)
        assert_int_equal(flash_word(fx, FLASH + 4 * i), pattern(i));
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY | SR_EOP), SR_EOP);
    assert_int_equal(stats.fast_rows, 1);
    assert_int_equal(stats.fast_doublewords, ROW_DW);
    assert_int_equal(stats.halfwords_programmed, 4 * ROW_DW);
    assert_true(stats.cost_ps[SIM_COST_BSY_WAIT] > row / 2); /* the core waited on the row */
    t->stats = NULL;
}

/* The same row written by a test acting as the core (stalled stores): the board clock moves by
 * one row time, and the work floor counts it at that time, not at 32 standard double words. */
static void test_stalled_stores_take_the_row_time(void **state)
{
    struct sim_board *fx = *state;
    struct sim_target *t = tgt(fx);
    struct sim_stats stats;
    memset(&stats, 0, sizeof stats);
    t->stats = &stats;
    fresh_bank(fx);
    memset(&stats, 0, sizeof stats);
    wr(fx, FLASH_CR, CR_FSTPG);
    sim_ps start = t->now, row = t->family->tprog_row_fast_ps;
    for (uint32_t i = 0; i < 2 * ROW_DW; i++)
        assert_int_equal(store(fx, FLASH + ROW_BYTES + 4 * i, pattern(i), SIM_BY_CPU), SIM_BUS_OK);
    assert_int_equal(rd(fx, FLASH_SR) & SR_BSY, SR_BSY); /* the last double word programs */
    assert_int_equal(t->now - start, (ROW_DW - 1) * (row / ROW_DW));
    sim_target_advance(t, row / ROW_DW);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY), 0);
    assert_int_equal(stats.fast_rows, 1);
    assert_int_equal(t->family->flash->floor(t, &stats), ROW_DW * (row / ROW_DW));
    t->stats = NULL;
}

/* 3. The debugger writing a row through the AP, each write a probe command: MISSERR and FASTERR
 * after the first double word, which stays programmed; the rest stays erased. */
static void test_debugger_is_too_slow(void **state)
{
    struct sim_board *fx = *state;
    fresh_bank(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    uint32_t words[2 * ROW_DW];
    for (uint32_t i = 0; i < 2 * ROW_DW; i++)
        words[i] = pattern(i);
    fx->sd.max_block = 8; /* one double word per command */
    assert_int_equal(dbg_write(&fx->sd.dbg, FLASH, (const uint8_t *)words, sizeof words),
                     STFLASH_OK);
    uint32_t sr = rd(fx, FLASH_SR);
    assert_int_equal(sr & (SR_MISERR | SR_FASTERR | SR_BSY), SR_MISERR | SR_FASTERR);
    assert_int_equal(flash_word(fx, FLASH), pattern(0));
    assert_int_equal(flash_word(fx, FLASH + 4), pattern(1));
    assert_erased(fx, FLASH + 8, ROW_BYTES - 8);
}

/* 4. PGAERR: the first double word not at a row start; a double word not following the previous
 * one. */
static void test_out_of_order_is_pgaerr(void **state)
{
    struct sim_board *fx = *state;
    fresh_bank(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    wr(fx, FLASH + 8, 1); /* the second double word of row 0 */
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY), SR_PGAERR | SR_FASTERR);
    assert_erased(fx, FLASH, ROW_BYTES);
    wr(fx, FLASH_SR, SR_ERRORS);
    /* The row's start, then its third double word instead of its second. */
    assert_int_equal(store(fx, FLASH, 1, SIM_BY_CPU), SIM_BUS_OK);
    assert_int_equal(store(fx, FLASH + 4, 2, SIM_BY_CPU), SIM_BUS_OK);
    assert_int_equal(store(fx, FLASH + 16, 3, SIM_BY_CPU), SIM_BUS_OK);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY), SR_PGAERR | SR_FASTERR);
    assert_int_equal(flash_word(fx, FLASH), 1);
    assert_erased(fx, FLASH + 8, ROW_BYTES - 8);
}

/* 5. A page erase, or a standard program, after the mass erase: the bank no longer counts as
 * mass-erased, the next fast write is PGSERR. */
static void test_page_erase_or_program_clears_the_latch(void **state)
{
    struct sim_board *fx = *state;
    fresh_bank(fx);
    wr(fx, FLASH_CR, CR_PER | (3u << 3)); /* page 3 */
    wr(fx, FLASH_CR, CR_PER | (3u << 3) | CR_STRT);
    wait_idle(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    dbg_dw(fx, FLASH, 0);
    assert_int_equal(rd(fx, FLASH_SR) & SR_ERRORS, SR_PGSERR);
    assert_erased(fx, FLASH, 8);

    wr(fx, FLASH_SR, SR_ERRORS);
    mass_erase(fx);
    wr(fx, FLASH_CR, CR_PG);
    dbg_dw(fx, FLASH + 0x1000, 0);
    wait_idle(fx);
    assert_int_equal(rd(fx, FLASH_SR) & SR_ERRORS, 0);
    wr(fx, FLASH_CR, CR_FSTPG);
    dbg_dw(fx, FLASH, 0);
    assert_int_equal(rd(fx, FLASH_SR) & SR_ERRORS, SR_PGSERR);
    assert_erased(fx, FLASH, 8);

    /* Locking and unlocking leaves it: after a mass erase, fast programming works. */
    wr(fx, FLASH_SR, SR_ERRORS);
    mass_erase(fx);
    wr(fx, FLASH_CR, 1u << 31);
    unlock(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    dbg_dw(fx, FLASH, 0);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY), SR_BSY);
    assert_int_equal(flash_word(fx, FLASH), pattern(0));
}

/* 6. A read of the bank while a row is under way ends it without a flag; the double words not
 * yet written stay erased. */
static void test_read_of_the_bank_aborts_silently(void **state)
{
    struct sim_board *fx = *state;
    fresh_bank(fx);
    wr(fx, FLASH_CR, CR_FSTPG | CR_EOPIE);
    for (uint32_t i = 0; i < 8; i++) /* four double words, stalled as the core's */
        assert_int_equal(store(fx, FLASH + 4 * i, pattern(i), SIM_BY_CPU), SIM_BUS_OK);
    assert_int_equal(rd(fx, FLASH_SR) & SR_BSY, SR_BSY);
    (void)rd(fx, FLASH + 0x4000); /* the debugger reads the same bank */
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY | SR_EOP), 0);
    sim_target_advance(tgt(fx), 10 * US);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY | SR_EOP), 0);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(flash_word(fx, FLASH + 8 * i + 4), pattern(2 * i + 1));
    assert_erased(fx, FLASH + 32, ROW_BYTES - 32);
}

/* The core's data read of the bank aborts the row too (its reads reach the controller only
 * while a row is under way). */
static void test_core_read_of_the_bank_aborts(void **state)
{
    struct sim_board *fx = *state;
    struct sim_target *t = tgt(fx);
    fresh_bank(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    /* str r1,[r0]; str r2,[r0,#4]; ldr r3,[r4]; bkpt */
    wr(fx, SRAM, 0x60426001u);
    wr(fx, SRAM + 4, 0xBE006823u);
    uint32_t regs[][2] = {{0, FLASH},         {1, pattern(0)}, {2, pattern(1)},
                          {4, FLASH + 0x800}, {15, SRAM},      {16, 1u << 24}};
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++)
        assert_int_equal(cortexm_write_core_reg(t, regs[i][0], regs[i][1]), 0);
    wr(fx, 0xE000EDF0u, 0xA05F0001u);
    sim_target_advance(t, 5 * US); /* well inside the first double word's time */
    assert_true(t->core.halted);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY), 0);
    assert_int_equal(flash_word(fx, FLASH), pattern(0));
    /* Without the read, the row would still be under way: the next double word continues it. */
    wr(fx, FLASH + 8, 5);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_PGAERR | SR_FASTERR), SR_PGAERR | SR_FASTERR);
}

/* Below 8 MHz HCLK (the L476's reset MSI, 4 MHz): FASTERR, nothing programmed. */
static void test_slow_clock_is_fasterr(void **state)
{
    struct sim_board *fx = *state;
    assert_int_equal(tgt(fx)->core_hz, 4000000u);
    unlock(fx);
    mass_erase(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    dbg_dw(fx, FLASH, 0);
    assert_int_equal(rd(fx, FLASH_SR) & (SR_ERRORS | SR_BSY), SR_FASTERR);
    assert_erased(fx, FLASH, 8);
}

/* 7. The families without fast programming refuse FSTPG with PGSERR, even after a mass erase
 * (the WB refuses a mass erase while its wireless stack's secure area exists). */
static void test_other_families_refuse(void **state)
{
    struct sim_board *fx = *state;
    unlock(fx);
    if (!tgt(fx)->family->l4.sfr_default)
        mass_erase(fx);
    wr(fx, FLASH_CR, CR_FSTPG);
    dbg_dw(fx, FLASH, 0);
    assert_int_equal(rd(fx, FLASH_SR) & SR_ERRORS, SR_PGSERR);
    assert_erased(fx, FLASH, 8);
}

#define BOTH(fn)                                                                                   \
    cmocka_unit_test_setup_teardown(fn, setup_l476, sim_board_close),                              \
        cmocka_unit_test_setup_teardown(fn, setup_g071, sim_board_close)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_fast_without_mass_erase_is_pgserr),
        BOTH(test_core_writes_a_row),
        BOTH(test_stalled_stores_take_the_row_time),
        BOTH(test_debugger_is_too_slow),
        BOTH(test_out_of_order_is_pgaerr),
        BOTH(test_page_erase_or_program_clears_the_latch),
        BOTH(test_read_of_the_bank_aborts_silently),
        BOTH(test_core_read_of_the_bank_aborts),
        cmocka_unit_test_setup_teardown(test_slow_clock_is_fasterr, setup_l476, sim_board_close),
        cmocka_unit_test_setup_teardown(test_other_families_refuse, setup_g474, sim_board_close),
        cmocka_unit_test_setup_teardown(test_other_families_refuse, setup_wb55, sim_board_close),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
