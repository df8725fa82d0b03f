/*
 * The flash engine and the H7 driver against the simulated STM32H743ZI and STM32H7A3ZI: the
 * loader runs on the simulated Cortex-M7, the simulated flash interface applies the manuals'
 * rules (a flash word programmed when the write buffer is full, a register block per bank, WPSN
 * write protection). Each bank is reached through its own registers, only the sectors an image
 * touches are erased, the rest of a touched sector is kept, a mass erase clears both banks, and
 * the controller's error flags come back named with the failing address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "flash/h7.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define FLASH_BASE 0x08000000u
#define BANK2 0x08100000u
#define KIB 1024u

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
    struct flash_dev f;
    uint64_t erase_total; /* bytes of the last ERASE phase */
    /* When set: at the start of the PROGRAM phase, is this piece of the run in SRAM already? */
    const uint8_t *stage_want;
    size_t stage_len;
    int staged; /* -1 not looked, 0 absent, 1 in SRAM */
};

static void on_progress(void *user, const struct stflash_progress *p)
{
    struct fixture *fx = user;
    if (p->phase == STFLASH_PHASE_ERASE)
        fx->erase_total = p->total;
    if (p->phase == STFLASH_PHASE_PROGRAM && p->done == 0 && fx->stage_want && fx->staged < 0) {
        fx->staged = 0;
        for (size_t i = 0; i + fx->stage_len <= fx->sd.t.sram_size && !fx->staged; i++)
            fx->staged = memcmp(fx->sd.t.sram + i, fx->stage_want, fx->stage_len) == 0;
    }
}

static int open_chip(void **state, const char *sim_chip, uint16_t dev_id)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    stflash_ctx_set_progress(fx->ctx, on_progress, fx);
    assert_int_equal(sim_dbg_open(&fx->sd, sim_chip, fx->ctx, NULL), 0);
    struct flash_dev_params params = {.flash_size = fx->sd.t.flash_size, .volts = 3.3};
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, stflash_chip_find(dev_id), &params),
                     STFLASH_OK);
    *state = fx;
    return 0;
}

static int setup_h743(void **state)
{
    return open_chip(state, "stm32h743zi", 0x450);
}

static int setup_h7a3(void **state)
{
    return open_chip(state, "stm32h7a3zi", 0x480);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    sim_dbg_close(&fx->sd);
    stflash_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

static uint8_t pattern(uint32_t i, uint32_t seed)
{
    uint32_t x = (i + 1u) * 2654435761u ^ seed * 40503u;
    x ^= x >> 13;
    return (uint8_t)(x * 0x9E3779B1u >> 24);
}

static int write_seg(struct fixture *fx, uint32_t addr, size_t len, uint32_t seed)
{
    uint8_t *data = malloc(len);
    assert_non_null(data);
    for (size_t k = 0; k < len; k++)
        data[k] = pattern((uint32_t)k, seed);
    struct stflash_segment seg = {.addr = addr, .len = len, .data = data};
    struct stflash_image img = {.segments = &seg, .segment_count = 1, .total_bytes = len};
    int rc = flash_write(&fx->f, &img, NULL);
    free(data);
    return rc;
}

static uint8_t flash_at(struct fixture *fx, uint32_t addr)
{
    return fx->sd.t.flash[addr - FLASH_BASE];
}

static void assert_pattern(struct fixture *fx, uint32_t addr, size_t len, uint32_t seed)
{
    for (size_t k = 0; k < len; k++)
        if (flash_at(fx, addr + (uint32_t)k) != pattern((uint32_t)k, seed))
            fail_msg("0x%08x holds 0x%02x, expected 0x%02x", addr + (uint32_t)k,
                     flash_at(fx, addr + (uint32_t)k), pattern((uint32_t)k, seed));
}

static void assert_error(struct fixture *fx, int rc, int want, const char *text)
{
    assert_int_equal(rc, want);
    if (!strstr(stflash_last_error(fx->ctx), text))
        fail_msg("message '%s' lacks '%s'", stflash_last_error(fx->ctx), text);
}

/* Across the bank boundary: the last sector of bank 1 and the first of bank 2 are erased, each
 * through its bank's registers, and both are programmed; then one byte in bank 2 erases only its
 * sector and keeps the rest of it. */
static void test_h743_banks(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.program_unit, 32);
    /* Something in sector 0, so that the engine does not turn the erases into a mass erase. */
    assert_int_equal(write_seg(fx, FLASH_BASE, 64, 1), STFLASH_OK);
    /* Firmware in the two sectors (sectors that read erased are programmed without an erase). */
    assert_int_equal(write_seg(fx, BANK2 - 128 * KIB, 64, 2), STFLASH_OK);
    assert_int_equal(write_seg(fx, BANK2 + 128 * KIB - 64, 64, 2), STFLASH_OK);
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, BANK2 - 100, 200, 7), STFLASH_OK);
    assert_int_equal(fx->erase_total, 256 * KIB);
    assert_pattern(fx, BANK2 - 100, 200, 7);
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, BANK2 + 5, 1, 9), STFLASH_OK);
    assert_int_equal(fx->erase_total, 128 * KIB);
    assert_int_equal(flash_at(fx, BANK2 + 5), pattern(0, 9));
    for (uint32_t a = BANK2; a < BANK2 + 100; a++)
        if (a != BANK2 + 5 && flash_at(fx, a) != pattern(a - (BANK2 - 100), 7))
            fail_msg("0x%08x lost its byte", a);
    assert_pattern(fx, BANK2 - 100, 100, 7);
    /* Both banks locked again after the job. */
    assert_true(fx->sd.t.h7f.bank[0].cr & H7_CR_LOCK);
    assert_true(fx->sd.t.h7f.bank[1].cr & H7_CR_LOCK);
    assert_int_equal(flash_mass_erase(&fx->f), STFLASH_OK);
    assert_int_equal(flash_at(fx, FLASH_BASE), 0xFF);
    assert_int_equal(flash_at(fx, BANK2 - 1), 0xFF);
    assert_int_equal(flash_at(fx, BANK2 + 5), 0xFF);
}

/* Programming over a flash word already at 0 (no erase, through the driver directly): the
 * read-back differs and the loader names the word. */
/* Over other data: while the 128 KiB sector is erased, the start of the run goes into the
 * loader's ring (flash/flash.h), so programming starts with data in SRAM. */
static void test_run_staged_during_erase(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(write_seg(fx, FLASH_BASE, 40000, 6), STFLASH_OK);
    uint8_t want[1024];
    for (uint32_t k = 0; k < sizeof want; k++)
        want[k] = pattern(k, 7);
    fx->stage_want = want;
    fx->stage_len = sizeof want;
    fx->staged = -1;
    int rc = write_seg(fx, FLASH_BASE, 40000, 7);
    fx->stage_want = NULL;
    assert_int_equal(rc, STFLASH_OK);
    assert_int_equal(fx->staged, 1);
    assert_pattern(fx, FLASH_BASE, 40000, 7);
}

static void test_readback_failure_named(void **state)
{
    struct fixture *fx = *state;
    uint8_t zeros[32], word[32];
    memset(zeros, 0, sizeof zeros);
    for (unsigned i = 0; i < sizeof word; i++)
        word[i] = (uint8_t)(0x11 * (i + 1));
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08100100u, zeros, 32), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08100100u, word, 32);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_VERIFY,
                 "cannot program 0x08100100: reads back 0x00000000 instead of 0x44332211");
}

/* The loader verifies in the pass (flash/loader.h): its CRC of the flash after programming is
 * the data's, flash words it skips as erased included, so the job counts as checked; a flash
 * word it skips that holds data (programmed before, no erase) makes it differ. */
static void test_checked_in_pass(void **state)
{
    struct fixture *fx = *state;
    uint32_t w = fx->f.map.program_unit, len = 20 * w;
    uint8_t *data = malloc(len), zeros[32];
    assert_non_null(data);
    memset(zeros, 0, sizeof zeros);
    for (uint32_t k = 0; k < len; k++)
        data[k] = pattern(k, 12);
    memset(data + 5 * w, 0xFF, 3 * w); /* skipped in the middle */
    memset(data + len - w, 0xFF, w);   /* and at the end */
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    fx->f.checked_in_pass = 0;
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08000400u, data, len), STFLASH_OK);
    assert_int_equal(fx->f.checked_in_pass, len);
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08001000u + 6 * w, zeros, w), STFLASH_OK);
    fx->f.checked_in_pass = 0;
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08001000u, data, len), STFLASH_OK);
    assert_int_equal(fx->f.checked_in_pass, 0);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_int_equal(memcmp(fx->sd.t.flash + 0x400, data, len), 0);
    assert_int_equal(flash_at(fx, 0x08001000u + 6 * w), 0x00);
    free(data);
}

/* Sector 1 of bank 2 write protected (WPSN2): the engine refuses before erasing; the driver
 * called directly meets WRPERR in FLASH_SR2 on erase and program, named with the address. */
static void test_write_protection(void **state)
{
    struct fixture *fx = *state;
    struct stflash_options o;
    assert_int_equal(h7_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.rdp_level, 0);
    o.wrp = ~(1u << 9);
    assert_int_equal(h7_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(fx->sd.t.h7f.wpsn_cur[1], 0xFDu);
    assert_int_equal(h7_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.wrp, ~(1u << 9));
    assert_error(fx, write_seg(fx, 0x08120010u, 16, 1), STFLASH_ERR_PROTECTED,
                 "sector 1 of bank 2 is write protected by the option bytes");
    struct flash_unit u;
    assert_true(flash_map_unit_at(&fx->f.map, 0x08120000u, &u));
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->erase_unit(&fx->f, &u);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot erase the sector at 0x08120000: write protected (FLASH_SR2");
    assert_non_null(strstr(stflash_last_error(fx->ctx), "WRPERR"));
    uint8_t word[32];
    memset(word, 0x5A, sizeof word);
    rc = fx->f.drv->program(&fx->f, 0x08120040u, word, 32);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED, "cannot program 0x08120040: write protected");
    assert_int_equal(flash_at(fx, 0x08120040u), 0xFF);
    /* The same sector of bank 1 still works; a mass erase is refused as a bank is protected. */
    assert_int_equal(write_seg(fx, 0x08020000u, 64, 5), STFLASH_OK);
    assert_pattern(fx, 0x08020000u, 64, 5);
    assert_error(fx, flash_mass_erase(&fx->f), STFLASH_ERR_PROTECTED, "write protected");
    assert_pattern(fx, 0x08020000u, 64, 5);
    o.wrp = 0xFFFFFFFFu;
    assert_int_equal(h7_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(fx->sd.t.h7f.wpsn_cur[1], 0xFFu);
}

/* H7A3: 128-bit flash words, 8 KiB sectors; bank 2 through its registers. */
static void test_h7a3(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.program_unit, 16);
    assert_int_equal(write_seg(fx, FLASH_BASE, 64, 1), STFLASH_OK);
    assert_int_equal(write_seg(fx, BANK2 - 8 * KIB, 32, 2), STFLASH_OK);
    assert_int_equal(write_seg(fx, BANK2 + 8 * KIB - 32, 32, 2), STFLASH_OK);
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, BANK2 - 24, 56, 3), STFLASH_OK);
    assert_int_equal(fx->erase_total, 16 * KIB);
    assert_pattern(fx, BANK2 - 24, 56, 3);
    assert_int_equal(flash_at(fx, BANK2 - 25), 0xFF);
    assert_int_equal(flash_at(fx, BANK2 + 32), 0xFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_h743_banks, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_run_staged_during_erase, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_readback_failure_named, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_h7a3, setup_h7a3, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_h743, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_h7a3, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
