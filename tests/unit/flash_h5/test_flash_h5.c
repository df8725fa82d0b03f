/*
 * The H5 driver (flash/h5.c, flash/h5_options.c): its pure functions, and the engine and driver
 * against the simulated STM32H563ZI (sim/h5_flash.c: quad words through the write buffer, 8 KiB
 * sectors in two banks chosen by BKSEL, flags cleared through NSCCR, ECC on every quad word).
 * Only the sectors an image touches are erased and the rest of them kept, bank 2 is reached with
 * BKSEL, a mass erase clears both banks, a quad word programmed twice is named through
 * FLASH_ECCDETR, the loader checks what it programs in the pass, write-protected groups are
 * refused before anything is erased, the product state is decoded and the controller is locked
 * again after every job.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "flash/h5.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define FLASH_BASE 0x08000000u
#define BANK2 0x08100000u
#define SECTOR 8192u

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

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    stflash_ctx_set_progress(fx->ctx, on_progress, fx);
    assert_int_equal(sim_dbg_open(&fx->sd, "stm32h563zi", fx->ctx, NULL), 0);
    struct flash_dev_params params = {.flash_size = fx->sd.t.flash_size, .volts = 3.3};
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, stflash_chip_find(0x484), &params),
                     STFLASH_OK);
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

/* ---- pure functions ---- */

static void test_product_states(void **state)
{
    (void)state;
    static const struct {
        uint8_t ps;
        const char *name;
        int level;
    } rows[] = {{0xED, "open", 0},      {0x17, "provisioning", 1}, {0x2E, "iROT-provisioned", 1},
                {0xC6, "TZ-closed", 1}, {0x72, "closed", 1},       {0x5C, "locked", 2}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_string_equal(h5_product_state_name(rows[i].ps), rows[i].name);
        assert_int_equal(h5_product_state_level(rows[i].ps), rows[i].level);
    }
    assert_null(h5_product_state_name(0xAA));
    assert_null(h5_product_state_name(0x00));
}

static void test_sector_erase_cr(void **state)
{
    (void)state;
    assert_int_equal(h5_sector_erase_cr(0, 0, false), H5_CR_SER);
    assert_int_equal(h5_sector_erase_cr(0, 127, false), H5_CR_SER | 127u << 6);
    assert_int_equal(h5_sector_erase_cr(1, 3, false), H5_CR_SER | 3u << 6 | H5_CR_BKSEL);
    /* SWAP_BANK: the map's first bank is the physical bank 2, BKSEL set. */
    assert_int_equal(h5_sector_erase_cr(0, 3, true), H5_CR_SER | 3u << 6 | H5_CR_BKSEL);
    assert_int_equal(h5_sector_erase_cr(1, 3, true), H5_CR_SER | 3u << 6);
}

static void test_wrp_mask(void **state)
{
    (void)state;
    uint32_t open[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};
    assert_int_equal(h5_wrp_mask(open, 2048u * 1024u), 0xFFFFFFFFu);
    /* 2 MiB: 64 KiB per mask bit = two groups of four sectors. Group 0 of bank 1 is bit 0;
     * group 31 of bank 2 (its last 32 KiB) is bit 31. */
    uint32_t w[2] = {0xFFFFFFFEu, 0x7FFFFFFFu};
    assert_int_equal(h5_wrp_mask(w, 2048u * 1024u), 0x7FFFFFFEu);
    /* 512 KiB: 16 KiB per bit; one group (32 KiB) takes two bits. */
    uint32_t s[2] = {0xFFFFFFFDu, 0xFFFFFFFFu};
    assert_int_equal(h5_wrp_mask(s, 512u * 1024u), 0xFFFFFFF3u);
}

/* ---- against the simulated chip ---- */

/* Across the bank boundary: the last sector of bank 1 and the first of bank 2 are erased (the
 * second through BKSEL) and programmed; one byte then erases only its sector and keeps the rest. */
static void test_banks(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.program_unit, 16);
    assert_int_equal(fx->f.map.banks, 2);
    assert_int_equal(write_seg(fx, FLASH_BASE, 64, 1), STFLASH_OK);
    assert_int_equal(write_seg(fx, BANK2 - SECTOR, 64, 2), STFLASH_OK);
    assert_int_equal(write_seg(fx, BANK2 + SECTOR - 64, 64, 2), STFLASH_OK);
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, BANK2 - 40, 100, 7), STFLASH_OK);
    assert_int_equal(fx->erase_total, 2u * SECTOR);
    assert_pattern(fx, BANK2 - 40, 100, 7);
    assert_pattern(fx, BANK2 - SECTOR, 64, 2); /* the rest of the touched sector kept */
    fx->erase_total = 0;
    assert_int_equal(write_seg(fx, BANK2 + 5, 1, 9), STFLASH_OK);
    assert_int_equal(fx->erase_total, SECTOR);
    assert_int_equal(flash_at(fx, BANK2 + 5), pattern(0, 9));
    for (uint32_t a = BANK2; a < BANK2 + 60; a++)
        if (a != BANK2 + 5 && flash_at(fx, a) != pattern(a - (BANK2 - 40), 7))
            fail_msg("0x%08x lost its byte", a);
    assert_true(fx->sd.t.h5f.cr & H5_CR_LOCK);
    assert_true(fx->sd.t.h5f.optcr & H5_OPTCR_OPTLOCK);
    assert_int_equal(flash_mass_erase(&fx->f), STFLASH_OK);
    assert_int_equal(flash_at(fx, FLASH_BASE), 0xFF);
    assert_int_equal(flash_at(fx, BANK2 - 1), 0xFF);
    assert_int_equal(flash_at(fx, BANK2 + 5), 0xFF);
}

/* A quad word programmed twice without an erase (through the driver directly): the simulated ECC
 * no longer matches, and the message says so with FLASH_ECCDETR. */
/* Over other data: while the sectors are erased, the start of the run goes into the loader's
 * ring (flash/flash.h, drvutil.c), so programming starts with data in SRAM. */
static void test_run_staged_during_erase(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(write_seg(fx, FLASH_BASE, 5 * SECTOR, 6), STFLASH_OK);
    uint8_t want[1024];
    for (uint32_t k = 0; k < sizeof want; k++)
        want[k] = pattern(k, 7);
    fx->stage_want = want;
    fx->stage_len = sizeof want;
    fx->staged = -1;
    int rc = write_seg(fx, FLASH_BASE, 5 * SECTOR, 7);
    fx->stage_want = NULL;
    assert_int_equal(rc, STFLASH_OK);
    assert_int_equal(fx->erase_total, 5 * SECTOR);
    assert_int_equal(fx->staged, 1);
    assert_pattern(fx, FLASH_BASE, 5 * SECTOR, 7);
}

static void test_second_program_named(void **state)
{
    struct fixture *fx = *state;
    uint8_t a[16], b[16];
    memset(a, 0x0F, sizeof a);
    memset(b, 0xF0, sizeof b);
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08100100u, a, 16), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08100100u, b, 16);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_TARGET,
                 "cannot program 0x08100100: the quad word was programmed already");
    /* ECCD, bank 2, quad word 0x10 of the bank. */
    assert_non_null(strstr(stflash_last_error(fx->ctx), "FLASH_ECCDETR 0x80400010"));
}

/* The loader checks in the pass (flash/loader.h): its CRC of the flash after programming is the
 * data's, the quad words it skips as erased included (the first, three in the middle, the last),
 * so the job counts as checked. A skipped quad word that already holds one byte with a bit
 * cleared (programmed before, no erase) makes the CRC differ: not checked, the engine's
 * verification is left to find it. That quad word is the first, one in the middle or the last,
 * each taken by another path of the loader. */
static void test_checked_in_pass(void **state)
{
    struct fixture *fx = *state;
    enum { W = 16, LEN = 20 * W };
    uint8_t data[LEN], dirty[W];
    for (uint32_t k = 0; k < LEN; k++)
        data[k] = pattern(k, 13);
    memset(data, 0xFF, W);
    memset(data + 5 * W, 0xFF, 3 * W);
    memset(data + LEN - W, 0xFF, W);
    memset(dirty, 0xFF, W);
    dirty[3] = 0xFE;
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    fx->f.checked_in_pass = 0;
    assert_int_equal(fx->f.drv->program(&fx->f, BANK2 + 0x400u, data, LEN), STFLASH_OK);
    assert_int_equal(fx->f.checked_in_pass, LEN);
    assert_memory_equal(fx->sd.t.flash + (BANK2 - FLASH_BASE) + 0x400u, data, LEN);
    const uint32_t skipped_units[3] = {0, 6, 19};
    for (unsigned i = 0; i < 3; i++) {
        uint32_t job = FLASH_BASE + 0x1000u * (i + 1u), at = job + skipped_units[i] * W;
        assert_int_equal(fx->f.drv->program(&fx->f, at, dirty, W), STFLASH_OK);
        fx->f.checked_in_pass = 0;
        assert_int_equal(fx->f.drv->program(&fx->f, job, data, LEN), STFLASH_OK);
        if (fx->f.checked_in_pass != 0)
            fail_msg("the byte at 0x%08x reads 0xfe where the image has 0xff: the job still "
                     "counts as checked in the pass",
                     at + 3u);
        assert_int_equal(flash_at(fx, at + 3u), 0xFE);
    }
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
}

/* Sectors 4 to 7 of bank 2 write protected (WRP2R bit 1): the engine refuses before erasing;
 * the driver called directly meets WRPERR, named with the address. */
static void test_write_protection(void **state)
{
    struct fixture *fx = *state;
    struct stflash_options o;
    assert_int_equal(h5_options_read(&fx->f, &o), STFLASH_OK);
    assert_true(o.has_product_state);
    assert_int_equal(o.product_state, 0xED);
    assert_int_equal(o.rdp_level, 0);
    assert_false(o.swap_bank);
    assert_false(o.tzen);
    assert_int_equal(o.wrp, 0xFFFFFFFFu);
    o.wrp = ~(1u << 16); /* 2 MiB / 32: bit 16 is the first 64 KiB of bank 2 */
    assert_int_equal(h5_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(fx->sd.t.h5f.cur[3], 0xFFFFFFFCu);
    assert_int_equal(h5_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.wrp, ~(1u << 16));
    assert_error(fx, write_seg(fx, BANK2 + 4 * SECTOR + 16, 16, 1), STFLASH_ERR_PROTECTED,
                 "sectors 4 to 7 of bank 2, FLASH_WRP2R_CUR 0xfffffffc");
    struct flash_unit u;
    assert_true(flash_map_unit_at(&fx->f.map, BANK2 + 4 * SECTOR, &u));
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->erase_unit(&fx->f, &u);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED, "cannot erase sector 0x08108000: FLASH_NSSR");
    assert_non_null(strstr(stflash_last_error(fx->ctx), "WRPERR"));
    uint8_t q[16];
    memset(q, 0x5A, sizeof q);
    rc = fx->f.drv->program(&fx->f, BANK2 + 4 * SECTOR + 32, q, 16);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED, "cannot program 0x08108020: write protected");
    assert_int_equal(flash_at(fx, BANK2 + 4 * SECTOR + 32), 0xFF);
    /* Bank 1 still works. */
    assert_int_equal(write_seg(fx, FLASH_BASE + 4 * SECTOR, 64, 5), STFLASH_OK);
    assert_pattern(fx, FLASH_BASE + 4 * SECTOR, 64, 5);
    o.wrp = 0xFFFFFFFFu;
    assert_int_equal(h5_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(fx->sd.t.h5f.cur[3], 0xFFFFFFFFu);
}

/* The product state goes to the option registers only when it is one of RM0481's. */
static void test_product_state_write(void **state)
{
    struct fixture *fx = *state;
    struct stflash_options o;
    assert_int_equal(h5_options_read(&fx->f, &o), STFLASH_OK);
    o.product_state = 0x99;
    assert_error(fx, h5_options_write(&fx->f, &o), STFLASH_ERR_INVALID_ARG,
                 "0x99 is no product state");
    assert_int_equal((fx->sd.t.h5f.cur[0] >> 8) & 0xFFu, 0xEDu);
    o.product_state = 0x17;
    assert_int_equal(h5_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(h5_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.product_state, 0x17);
    assert_int_equal(o.rdp_level, 1);
}

/* TrustZone on (OPTSR2.TZEN 0xB4, set in the simulated option registers): the whole flash is
 * the secure registers', refused before anything is touched with the way out named. */
static void test_trustzone_refused(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(write_seg(fx, FLASH_BASE + 16, 16, 3), STFLASH_OK);
    fx->sd.t.h5f.cur[1] = 0xB4000000u;
    assert_error(fx, write_seg(fx, BANK2, 16, 4), STFLASH_ERR_PROTECTED,
                 "cannot write 0x08100000: TrustZone is on (FLASH_OPTSR2_CUR.TZEN 0xb4)");
    assert_non_null(strstr(stflash_last_error(fx->ctx), "secure-aware tool"));
    assert_int_equal(flash_at(fx, BANK2), 0xFF);
    assert_pattern(fx, FLASH_BASE + 16, 16, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_product_states),
        cmocka_unit_test(test_sector_erase_cr),
        cmocka_unit_test(test_wrp_mask),
        cmocka_unit_test_setup_teardown(test_banks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_staged_during_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_program_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_protection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_product_state_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trustzone_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
