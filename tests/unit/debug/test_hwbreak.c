/* Hardware breakpoints and watchpoints: FPBv1/FPBv2 and DWT encodings (ARMv7-M ARM C1.11.5,
 * C1.8.10, C1.8.17), and watchpoints set through the library that halt the virtual board's core
 * on the data access they watch, with DFSR.DWTTRAP and the comparator's MATCHED bit; software
 * breakpoints in RAM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stflash/chip.h"
#include "stflash/debug.h"
#include "stflash/sim.h"
#include "stflash/stflash.h"

static void fpb_v1(void **state)
{
    (void)state;
    uint32_t comp;
    /* Lower half-word: REPLACE 01; upper: REPLACE 10; the word address in bits [28:2]. */
    assert_int_equal(stflash_fpb_comparator(1, 0x08000120u, &comp), STFLASH_OK);
    assert_int_equal(comp, 0x48000121u);
    assert_int_equal(stflash_fpb_comparator(1, 0x08000122u, &comp), STFLASH_OK);
    assert_int_equal(comp, 0x88000121u);
    /* Outside the code region, and odd addresses: refused. */
    assert_int_equal(stflash_fpb_comparator(1, 0x20000000u, &comp), STFLASH_ERR_RANGE);
    assert_int_equal(stflash_fpb_comparator(1, 0x08000121u, &comp), STFLASH_ERR_INVALID_ARG);
}

static void fpb_v2(void **state)
{
    (void)state;
    uint32_t comp;
    /* BPADDR[31:1] | BE: any half-word address, SRAM and above included. */
    assert_int_equal(stflash_fpb_comparator(2, 0x08000122u, &comp), STFLASH_OK);
    assert_int_equal(comp, 0x08000123u);
    assert_int_equal(stflash_fpb_comparator(2, 0x24000400u, &comp), STFLASH_OK);
    assert_int_equal(comp, 0x24000401u);
    assert_int_equal(stflash_fpb_comparator(2, 0x24000401u, &comp), STFLASH_ERR_INVALID_ARG);
}

static void fpb_ctrl_fields(void **state)
{
    (void)state;
    /* NUM_CODE [14:12]:[7:4], REV [31:28]. */
    assert_int_equal(stflash_fpb_code_count(0x00000260u), 6);
    assert_int_equal(stflash_fpb_code_count(0x10001080u), 0x18);
    assert_int_equal(stflash_fpb_version(0x00000260u), 1);
    assert_int_equal(stflash_fpb_version(0x10000080u), 2);
}

static void dwt_encoding(void **state)
{
    (void)state;
    struct stflash_dwt_setting s;
    assert_int_equal(stflash_dwt_watchpoint(0x20000010u, 4, STFLASH_WATCH_WRITE, 31, &s), 0);
    assert_int_equal(s.comp, 0x20000010u);
    assert_int_equal(s.mask, 2);
    assert_int_equal(s.function, 6);
    assert_int_equal(stflash_dwt_watchpoint(0x20000011u, 1, STFLASH_WATCH_READ, 31, &s), 0);
    assert_int_equal(s.mask, 0);
    assert_int_equal(s.function, 5);
    assert_int_equal(stflash_dwt_watchpoint(0x20000100u, 256, STFLASH_WATCH_ACCESS, 31, &s), 0);
    assert_int_equal(s.mask, 8);
    assert_int_equal(s.function, 7);
    /* Not a power of two, misaligned, past the core's largest mask, empty. */
    assert_int_equal(stflash_dwt_watchpoint(0x20000010u, 3, STFLASH_WATCH_WRITE, 31, &s),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_dwt_watchpoint(0x20000012u, 4, STFLASH_WATCH_WRITE, 31, &s),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_dwt_watchpoint(0x20000000u, 0x10000, STFLASH_WATCH_WRITE, 15, &s),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_dwt_watchpoint(0x20000000u, 0, STFLASH_WATCH_WRITE, 31, &s),
                     STFLASH_ERR_INVALID_ARG);
}

struct board {
    char dir[64];
    struct stflash_ctx *ctx;
    struct stflash_dev *dev;
};

static void board_open(struct board *b, const char *chip)
{
    snprintf(b->dir, sizeof b->dir, "/tmp/stflash-hwbreak.XXXXXX");
    assert_non_null(mkdtemp(b->dir));
    char sel[160];
    snprintf(sel, sizeof sel, "sim:%s,state=%s/board.state", chip, b->dir);
    assert_int_equal(stflash_ctx_new(&b->ctx), STFLASH_OK);
    struct stflash_open_options o = {.selector = sel, .halt = true};
    assert_int_equal(stflash_open(b->ctx, &o, &b->dev), STFLASH_OK);
}

static void board_close(struct board *b)
{
    stflash_close(b->dev);
    stflash_ctx_free(b->ctx);
    char path[128];
    snprintf(path, sizeof path, "%s/board.state", b->dir);
    unlink(path);
    rmdir(b->dir);
}

#define CODE 0x20000100u
#define DATA 0x20000400u
#define DFSR 0xE000ED30u

/* ldr r2, [r0, #4]; str r1, [r0]; b . with r0 = DATA: a read of DATA + 4, then a write of DATA. */
static void load_program(struct stflash_dev *dev)
{
    static const uint8_t code[] = {0x42, 0x68, 0x01, 0x60, 0xFE, 0xE7};
    assert_int_equal(stflash_mem_write(dev, CODE, code, sizeof code), 0);
    assert_int_equal(stflash_reg_write(dev, 0, DATA), 0);
    assert_int_equal(stflash_reg_write(dev, 1, 0x55u), 0);
    assert_int_equal(stflash_reg_write(dev, 15, CODE), 0);
    assert_int_equal(stflash_write32(dev, DFSR, 0x1Fu), 0); /* clear the sticky reasons */
}

/* Runs until the core halts (within 2 s); returns the PC. */
static uint32_t run_to_halt(struct stflash_dev *dev)
{
    assert_int_equal(stflash_run(dev), 0);
    bool halted = false;
    for (int i = 0; i < 200 && !halted; i++) {
        usleep(10000);
        assert_int_equal(stflash_is_halted(dev, &halted), 0);
    }
    assert_true(halted);
    uint32_t pc;
    assert_int_equal(stflash_reg_read(dev, 15, &pc), 0);
    return pc;
}

static void watch_on(const char *chip, unsigned comparators)
{
    struct board b;
    board_open(&b, chip);
    struct stflash_hwbreak hb;
    assert_int_equal(stflash_hwbreak_init(b.dev, &hb), 0);
    assert_int_equal(hb.wp_count, comparators);
    assert_int_equal(hb.fpb_version, 1);

    /* A write watchpoint: the read of DATA + 4 passes, the store to DATA halts the core just
     * after it (PC at the branch), DFSR.DWTTRAP set, the comparator reported. */
    load_program(b.dev);
    assert_int_equal(stflash_watch_insert(b.dev, &hb, DATA, 4, STFLASH_WATCH_WRITE), 0);
    assert_int_equal(run_to_halt(b.dev), CODE + 4);
    uint32_t dfsr, word;
    assert_int_equal(stflash_read32(b.dev, DFSR, &dfsr), 0);
    assert_true(dfsr & 4u);
    assert_int_equal(stflash_read32(b.dev, DATA, &word), 0);
    assert_int_equal(word, 0x55u);
    int hit;
    assert_int_equal(stflash_watch_hit(b.dev, &hb, &hit), 0);
    assert_int_equal(hit, 0);
    assert_int_equal(stflash_watch_hit(b.dev, &hb, &hit), 0);
    assert_int_equal(hit, -1); /* MATCHED clears when read */
    assert_int_equal(stflash_watch_remove(b.dev, &hb, DATA, 4, STFLASH_WATCH_WRITE), 0);

    /* A read watchpoint on DATA + 4 in the second comparator position: the load halts. */
    load_program(b.dev);
    assert_int_equal(stflash_watch_insert(b.dev, &hb, DATA + 8, 8, STFLASH_WATCH_WRITE), 0);
    assert_int_equal(stflash_watch_insert(b.dev, &hb, DATA + 4, 4, STFLASH_WATCH_READ), 0);
    assert_int_equal(run_to_halt(b.dev), CODE + 2);
    assert_int_equal(stflash_watch_hit(b.dev, &hb, &hit), 0);
    assert_int_equal(hit, 1);
    assert_int_equal(hb.wp[hit].addr, DATA + 4);

    /* Every comparator used: the next one is refused. */
    for (unsigned i = 2; i < comparators; i++)
        assert_int_equal(stflash_watch_insert(b.dev, &hb, DATA + 0x40 * i, 4, STFLASH_WATCH_ACCESS),
                         0);
    assert_int_equal(stflash_watch_insert(b.dev, &hb, DATA + 0x300, 4, STFLASH_WATCH_ACCESS),
                     STFLASH_ERR_BUSY);

    /* Cleared: the program runs to its loop without halting. */
    stflash_hwbreak_clear(b.dev, &hb);
    load_program(b.dev);
    assert_int_equal(stflash_run(b.dev), 0);
    usleep(50000);
    bool halted = true;
    assert_int_equal(stflash_is_halted(b.dev, &halted), 0);
    assert_false(halted);
    assert_int_equal(stflash_halt(b.dev), 0);
    uint32_t pc;
    assert_int_equal(stflash_reg_read(b.dev, 15, &pc), 0);
    assert_int_equal(pc, CODE + 4);
    board_close(&b);
}

/* The firmware programs comparator 0 itself (COMP, MASK, FUNCTION = write), then writes the
 * watched word: the core halts after that store. */
static void watch_set_by_firmware(void **state)
{
    (void)state;
    struct board b;
    board_open(&b, "stm32f103cb");
    struct stflash_hwbreak hb;
    assert_int_equal(stflash_hwbreak_init(b.dev, &hb), 0); /* DEMCR.TRCENA on */
    /* str r1,[r0]; str r2,[r0,#4]; str r3,[r0,#8]; str r3,[r1]; b . */
    static const uint8_t code[] = {0x01, 0x60, 0x42, 0x60, 0x83, 0x60, 0x0B, 0x60, 0xFE, 0xE7};
    assert_int_equal(stflash_mem_write(b.dev, CODE, code, sizeof code), 0);
    assert_int_equal(stflash_reg_write(b.dev, 0, 0xE0001020u), 0); /* DWT_COMP0 */
    assert_int_equal(stflash_reg_write(b.dev, 1, DATA), 0);
    assert_int_equal(stflash_reg_write(b.dev, 2, 2), 0);
    assert_int_equal(stflash_reg_write(b.dev, 3, 6), 0);
    assert_int_equal(stflash_reg_write(b.dev, 15, CODE), 0);
    assert_int_equal(stflash_write32(b.dev, DFSR, 0x1Fu), 0);
    assert_int_equal(run_to_halt(b.dev), CODE + 8);
    uint32_t dfsr, fn;
    assert_int_equal(stflash_read32(b.dev, DFSR, &dfsr), 0);
    assert_true(dfsr & 4u);
    assert_int_equal(stflash_read32(b.dev, 0xE0001028u, &fn), 0);
    assert_int_equal(fn, (1u << 24) | 6u); /* MATCHED */
    stflash_hwbreak_clear(b.dev, &hb);
    board_close(&b);
}

/* Cortex-M3 (ARMv7-M DWT, 4 comparators) and Cortex-M0 (ARMv6-M, 2). */
/* Software breakpoints in RAM: BKPT #0 (0xBE00) in place, the original back on removal and on
 * clear; an odd address, flash (which a plain write does not change) and a full table refused. */
static void swbreak_ram(void **state)
{
    (void)state;
    struct board b;
    board_open(&b, "stm32f103cb");
    struct stflash_swbreak sb;
    memset(&sb, 0, sizeof sb);
    uint8_t code[4] = {0x01, 0x30, 0x01, 0x31}, got[4];
    assert_int_equal(stflash_mem_write(b.dev, CODE, code, 4), STFLASH_OK);
    assert_int_equal(stflash_swbreak_insert(b.dev, &sb, CODE + 2), STFLASH_OK);
    assert_int_equal(stflash_swbreak_insert(b.dev, &sb, CODE + 2), STFLASH_OK); /* again: kept */
    assert_true(stflash_swbreak_has(&sb, CODE + 2));
    assert_int_equal(stflash_mem_read(b.dev, CODE, got, 4), STFLASH_OK);
    assert_int_equal(got[2] | got[3] << 8, 0xBE00);
    assert_int_equal(got[0] | got[1] << 8, 0x3001);
    assert_int_equal(stflash_swbreak_remove(b.dev, &sb, CODE + 2), STFLASH_OK);
    assert_false(stflash_swbreak_has(&sb, CODE + 2));
    assert_int_equal(stflash_mem_read(b.dev, CODE, got, 4), STFLASH_OK);
    assert_memory_equal(got, code, 4);
    assert_int_equal(stflash_swbreak_remove(b.dev, &sb, CODE + 2), STFLASH_OK); /* not set */

    assert_int_equal(stflash_swbreak_insert(b.dev, &sb, CODE + 1), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_swbreak_insert(b.dev, &sb, 0x08000100u), STFLASH_ERR_INVALID_ARG);
    for (unsigned i = 0; i < STFLASH_SWBREAK_MAX; i++)
        assert_int_equal(stflash_swbreak_insert(b.dev, &sb, DATA + 2 * i), STFLASH_OK);
    assert_int_equal(stflash_swbreak_insert(b.dev, &sb, CODE), STFLASH_ERR_BUSY);
    stflash_swbreak_clear(b.dev, &sb);
    assert_false(stflash_swbreak_has(&sb, DATA));
    uint8_t word[2];
    assert_int_equal(stflash_mem_read(b.dev, DATA, word, 2), STFLASH_OK);
    assert_int_not_equal(word[0] | word[1] << 8, 0xBE00);
    board_close(&b);
}

/* Where a software breakpoint goes (stflash_chip_code_ram()): the SRAM region, the F303's CCM SRAM
 * (code runs from it, RM0316 §3.3), not the F4's (data bus only, RM0090 §2.3.1), nor flash. */
static void swbreak_fits(void **state)
{
    (void)state;
    assert_true(stflash_swbreak_fits(stflash_chip_find(0x422), 0x10001FFEu));
    assert_false(stflash_swbreak_fits(stflash_chip_find(0x422), 0x10002000u));
    assert_false(stflash_swbreak_fits(stflash_chip_find(0x413), 0x10000000u));
    assert_true(stflash_swbreak_fits(NULL, 0x3FFFFFFEu));
    assert_false(stflash_swbreak_fits(NULL, 0x40000000u));
    assert_false(stflash_swbreak_fits(stflash_chip_find(0x422), 0x08000000u));
}

static void watch_m3(void **state)
{
    (void)state;
    watch_on("stm32f103cb", 4);
}

static void watch_m0(void **state)
{
    (void)state;
    watch_on("stm32f051r8", 2);
}

int main(void)
{
    stflash_sim_register();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fpb_v1),
        cmocka_unit_test(fpb_v2),
        cmocka_unit_test(fpb_ctrl_fields),
        cmocka_unit_test(dwt_encoding),
        cmocka_unit_test(watch_m3),
        cmocka_unit_test(watch_m0),
        cmocka_unit_test(watch_set_by_firmware),
        cmocka_unit_test(swbreak_ram),
        cmocka_unit_test(swbreak_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
