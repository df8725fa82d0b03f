/*
 * The flash engine and the F2/F4/F7 driver against the simulated STM32F407VG and STM32F429ZI: the
 * loader runs on the simulated Cortex-M4, the simulated flash interface applies the manual's
 * rules (PSIZE-wide stores, SNB, write protection). Only the sectors an image touches are erased,
 * the rest of a touched sector is kept, the program width follows the supply voltage, and the
 * controller's error flags come back with the failing address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/f4.h"
#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define FLASH_BASE 0x08000000u
#define KIB 1024u

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
    struct flash_dev f;
    uint64_t erase_total; /* bytes of the last ERASE phase */
    uint64_t read_total; /* bytes of the last READ phase (the bytes kept of partly covered units) */
    /* When set: at the start of the PROGRAM phase, is the first run already in SRAM? */
    const uint8_t *stage_want;
    size_t stage_len;
    int staged; /* -1 not looked, 0 absent, 1 in SRAM */
};

static bool holds(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

static void on_progress(void *user, const struct stflash_progress *p)
{
    struct fixture *fx = user;
    if (p->phase == STFLASH_PHASE_ERASE)
        fx->erase_total = p->total;
    if (p->phase == STFLASH_PHASE_READ)
        fx->read_total = p->total;
    if (p->phase == STFLASH_PHASE_PROGRAM && p->done == 0 && fx->stage_want && fx->staged < 0)
        fx->staged = holds(fx->sd.t.sram, fx->sd.t.sram_size, fx->stage_want, fx->stage_len);
}

static int open_chip(void **state, const char *sim_chip, uint16_t dev_id, double volts)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    stflash_ctx_set_progress(fx->ctx, on_progress, fx);
    assert_int_equal(sim_dbg_open(&fx->sd, sim_chip, fx->ctx, NULL), 0);
    struct flash_dev_params params = {.flash_size = fx->sd.t.flash_size, .volts = volts};
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, stflash_chip_find(dev_id), &params),
                     STFLASH_OK);
    *state = fx;
    return 0;
}

static int setup_f407(void **state)
{
    return open_chip(state, "stm32f407vg", 0x413, 3.3);
}

static int setup_f407_x8(void **state)
{
    return open_chip(state, "stm32f407vg", 0x413, 1.9);
}

static int setup_f429(void **state)
{
    return open_chip(state, "stm32f429zi", 0x419, 3.3);
}

/* The L4-style controller, for its loader's check in the pass. */
static int setup_l476(void **state)
{
    return open_chip(state, "stm32l476rg", 0x415, 3.3);
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

/* Writes one segment of pattern(seed) through the engine. */
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

/* A background over sectors 0-5, then one byte in sector 5 (128 KiB): only that sector is
 * erased, and its other 131071 bytes are the background still. */
/* Sectors that read erased are programmed without an erase; over firmware, only the sectors
 * the image touches are erased (16 + 16 + 16 KiB here), never the 8-s mass erase. */
static void test_blank_sectors_not_erased(void **state)
{
    struct fixture *fx = *state;
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, 0x08000000u, 40000, 6), STFLASH_OK);
    assert_int_equal(fx->erase_total, 0);
    assert_pattern(fx, 0x08000000u, 40000, 6);
    assert_int_equal(write_seg(fx, 0x08000000u, 40000, 7), STFLASH_OK);
    assert_int_equal(fx->erase_total, 48 * KIB);
    assert_pattern(fx, 0x08000000u, 40000, 7);
}

/* Over other firmware: while the three sectors are erased (0.75 s), the 40000 bytes of the run go
 * into the loader's ring, so programming starts with its data in SRAM (flash/loader.h). */
static void test_run_staged_during_erase(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(write_seg(fx, FLASH_BASE, 40000, 6), STFLASH_OK);
    uint8_t *want = malloc(40000);
    assert_non_null(want);
    for (uint32_t k = 0; k < 40000; k++)
        want[k] = pattern(k, 7);
    fx->stage_want = want;
    fx->stage_len = 40000;
    fx->staged = -1;
    int rc = write_seg(fx, FLASH_BASE, 40000, 7);
    fx->stage_want = NULL;
    free(want);
    assert_int_equal(rc, STFLASH_OK);
    assert_int_equal(fx->erase_total, 48 * KIB);
    assert_int_equal(fx->staged, 1);
    assert_pattern(fx, FLASH_BASE, 40000, 7);
    assert_int_equal(flash_at(fx, FLASH_BASE + 48 * KIB), 0xFF);
}

/* A sector found erased whole is programmed without an erase: the bytes the image leaves out
 * there are erased already, so nothing is read back to keep them; over data they are, and only
 * they (src/flash/plan.c PRESERVE_WHOLE_MAX). */
static void test_blank_sector_not_read_back(void **state)
{
    struct fixture *fx = *state;
    fx->read_total = 0;
    assert_int_equal(write_seg(fx, 0x08020000u, 100, 4), STFLASH_OK);
    assert_int_equal(fx->read_total, 0);
    assert_int_equal(fx->erase_total, 0);
    assert_pattern(fx, 0x08020000u, 100, 4);
    assert_int_equal(write_seg(fx, 0x08020000u, 100, 5), STFLASH_OK);
    /* Only the bytes the image leaves out are read back: not the 100 it brings. */
    assert_int_equal(fx->read_total, 128 * KIB - 100);
    assert_int_equal(fx->erase_total, 128 * KIB);
    assert_pattern(fx, 0x08020000u, 100, 5);
    assert_int_equal(flash_at(fx, 0x08020000u + 100), 0xFF);
}

static void test_one_byte_in_128k_sector(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.program_unit, 4);
    assert_int_equal(write_seg(fx, FLASH_BASE, 256 * KIB, 7), STFLASH_OK);
    assert_pattern(fx, FLASH_BASE, 256 * KIB, 7);
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, 0x08020005u, 1, 9), STFLASH_OK);
    assert_int_equal(fx->erase_total, 128 * KIB);
    assert_int_equal(flash_at(fx, 0x08020005u), pattern(0, 9));
    for (uint32_t a = FLASH_BASE; a < FLASH_BASE + 256 * KIB; a++)
        if (a != 0x08020005u && flash_at(fx, a) != pattern(a - FLASH_BASE, 7))
            fail_msg("0x%08x lost its byte", a);
    /* The rest of the flash was never touched. */
    assert_int_equal(flash_at(fx, 0x08040000u), 0xFF);
}

/* Three pieces of an image in one 128 KiB sector over data, the first two in the same 4 KiB:
 * the bytes around and between them are read back (only those) and kept. */
static void test_pieces_in_128k_sector(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(write_seg(fx, FLASH_BASE, 256 * KIB, 7), STFLASH_OK);
    static const struct {
        uint32_t addr, len;
    } piece[3] = {{0x08020003u, 10}, {0x08020100u, 301}, {0x0803FFF0u, 16}};
    uint8_t *data[3];
    struct stflash_segment seg[3];
    for (unsigned i = 0; i < 3; i++) {
        data[i] = malloc(piece[i].len);
        assert_non_null(data[i]);
        for (uint32_t k = 0; k < piece[i].len; k++)
            data[i][k] = pattern(k, 20 + i);
        seg[i] =
            (struct stflash_segment){.addr = piece[i].addr, .len = piece[i].len, .data = data[i]};
    }
    struct stflash_image img = {.segments = seg, .segment_count = 3, .total_bytes = 327};
    fx->read_total = 0;
    int rc = flash_write(&fx->f, &img, NULL);
    for (unsigned i = 0; i < 3; i++)
        free(data[i]);
    assert_int_equal(rc, STFLASH_OK);
    assert_int_equal(fx->read_total, 128 * KIB - 327);
    for (uint32_t a = FLASH_BASE; a < FLASH_BASE + 256 * KIB; a++) {
        uint8_t want = pattern(a - FLASH_BASE, 7);
        for (unsigned i = 0; i < 3; i++)
            if (a >= piece[i].addr && a < piece[i].addr + piece[i].len)
                want = pattern(a - piece[i].addr, 20 + i);
        if (flash_at(fx, a) != want)
            fail_msg("0x%08x holds 0x%02x, not 0x%02x", a, flash_at(fx, a), want);
    }
}

/* At 1.9 V the width is x8: odd addresses and sizes program byte by byte (the simulated
 * interface answers a store of another width than PSIZE with PGPERR). */
static void test_x8_below_2v1(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.program_unit, 1);
    assert_int_equal(write_seg(fx, 0x08003FFDu, 7, 3), STFLASH_OK);
    assert_pattern(fx, 0x08003FFDu, 7, 3);
    assert_int_equal(flash_at(fx, 0x08003FFCu), 0xFF);
    assert_int_equal(flash_at(fx, 0x08004004u), 0xFF);
}

/* Programming over bits already at 0 (no erase, through the driver directly): the read-back
 * differs and the loader names the word. */
static void test_readback_failure_named(void **state)
{
    struct fixture *fx = *state;
    const uint8_t zeros[4] = {0, 0, 0, 0}, word[4] = {0x78, 0x56, 0x34, 0x12};
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08000100u, zeros, 4), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08000100u, word, 4);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_VERIFY,
                 "cannot program 0x08000100: reads back 0x00000000 instead of 0x12345678");
}

/* The loader verifies in the pass (flash/loader.h): its CRC of the flash after programming is
 * the data's, erased units it skips included, so the job counts as checked. A unit it skips as
 * erased that holds data (programmed before, no erase) makes the CRC differ: not checked, the
 * engine's verification is left to find it. At every program width (x32, x8, double words). */
static void test_checked_in_pass(void **state)
{
    struct fixture *fx = *state;
    enum { LEN = 608 };
    uint8_t data[LEN];
    for (uint32_t k = 0; k < LEN; k++)
        data[k] = pattern(k, 11);
    memset(data + 100, 0xFF, 37);    /* erased units in the middle (104-135 whole at every width) */
    memset(data + LEN - 8, 0xFF, 8); /* and at the end */
    const uint8_t zeros[8] = {0};
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    fx->f.checked_in_pass = 0;
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08000200u, data, LEN), STFLASH_OK);
    assert_int_equal(fx->f.checked_in_pass, LEN);
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08001000u + 112u, zeros, 8), STFLASH_OK);
    fx->f.checked_in_pass = 0;
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08001000u, data, LEN), STFLASH_OK);
    assert_int_equal(fx->f.checked_in_pass, 0);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_int_equal(memcmp(fx->sd.t.flash + 0x200, data, LEN), 0);
    assert_int_equal(flash_at(fx, 0x08001000u + 112u), 0x00);
}

/* Sector 1 write protected in the option bytes: the engine refuses before erasing; the driver
 * called directly meets WRPERR on erase and program, named with the address. */
static void test_write_protection(void **state)
{
    struct fixture *fx = *state;
    struct stflash_options o;
    assert_int_equal(f4_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.rdp_level, 0);
    o.wrp = ~0x2u;
    assert_int_equal(f4_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(f4_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.wrp, ~0x2u);
    assert_error(fx, write_seg(fx, 0x08004010u, 16, 1), STFLASH_ERR_PROTECTED,
                 "sector 1 is write protected by the option bytes");
    assert_error(fx, flash_erase_range(&fx->f, 0x08007FF0u, 0x20), STFLASH_ERR_PROTECTED,
                 "sector 1 is write protected");
    assert_int_equal(flash_at(fx, 0x08004010u), 0xFF);

    struct flash_unit u;
    assert_true(flash_map_unit_at(&fx->f.map, 0x08004000u, &u));
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->erase_unit(&fx->f, &u);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot erase the sector at 0x08004000: write "
                 "protected (FLASH_SR");
    assert_non_null(strstr(stflash_last_error(fx->ctx), "WRPERR"));
    const uint8_t word[4] = {1, 2, 3, 4};
    rc = fx->f.drv->program(&fx->f, 0x08004008u, word, 4);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED, "cannot program 0x08004008: write protected");
    assert_int_equal(flash_at(fx, 0x08004008u), 0xFF);
    /* The other sectors still work. */
    assert_int_equal(write_seg(fx, 0x08008000u, 64, 5), STFLASH_OK);
    assert_pattern(fx, 0x08008000u, 64, 5);
}

/* F429: a write across the bank boundary over firmware erases sector 11 (bank 1) and sector 12
 * (bank 2, SNB 0b10000) only; a mass erase clears both banks (MER | MER1). */
static void test_f429_bank_boundary(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.banks, 2);
    assert_int_equal(write_seg(fx, 0x08100000u + 16 * KIB, 32, 2), STFLASH_OK); /* sector 13 */
    /* Firmware in sectors 11 and 12 (blank sectors are programmed without an erase). */
    assert_int_equal(write_seg(fx, 0x080FFF00u, 512, 3), STFLASH_OK);
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, 0x080FFFF0u, 32, 4), STFLASH_OK);
    assert_int_equal(fx->erase_total, 128 * KIB + 16 * KIB);
    assert_pattern(fx, 0x080FFFF0u, 32, 4);
    assert_pattern(fx, 0x08104000u, 32, 2);
    assert_int_equal(flash_mass_erase(&fx->f), STFLASH_OK);
    assert_int_equal(flash_at(fx, 0x080FFFF0u), 0xFF);
    assert_int_equal(flash_at(fx, 0x08100000u), 0xFF);
    assert_int_equal(flash_at(fx, 0x08104000u), 0xFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_blank_sectors_not_erased, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_run_staged_during_erase, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_blank_sector_not_read_back, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_pieces_in_128k_sector, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_one_byte_in_128k_sector, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_x8_below_2v1, setup_f407_x8, teardown),
        cmocka_unit_test_setup_teardown(test_readback_failure_named, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_f429_bank_boundary, setup_f429, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_f407, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_f407_x8, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_l476, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
