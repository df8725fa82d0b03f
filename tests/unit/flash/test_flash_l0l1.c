/*
 * The L0/L1 driver: its pure parts (option words and their complements, RDP levels, the WRP
 * sectors as the 32-bit group mask, the rows' data EEPROM and half-page sizes), then the engine
 * and driver against the simulated STM32L053R8 and STM32L152RE: the half-page loader runs on
 * the simulated core, the simulated controller applies the manual's rules (erased value 0x00,
 * NOTZEROERR, half-page sequencing, WRP sectors), the data EEPROM is written apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l0l1.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define FLASH_BASE 0x08000000u
#define KIB 1024u

/* ---- pure functions ---- */

static void test_option_words(void **state)
{
    (void)state;
    assert_int_equal(lx_ob_word(0x00AA), 0xFF5500AAu); /* RM0367 §3.4.4: xx55xxAA is level 0 */
    assert_int_equal(lx_ob_word(0x00CC), 0xFF3300CCu); /* xx33xxCC is level 2 */
    assert_true(lx_ob_word_valid(0xFF5500AAu));
    assert_true(lx_ob_word_valid(0xFFFF0000u));
    assert_false(lx_ob_word_valid(0xFF5500ABu));
    assert_false(lx_ob_word_valid(0x00000000u));
    assert_int_equal(lx_rdp_level_of(0xAA), 0);
    assert_int_equal(lx_rdp_level_of(0xCC), 2);
    assert_int_equal(lx_rdp_level_of(0x00), 1);
    assert_int_equal(lx_rdp_level_of(0xBB), 1);
}

static void test_wrp_mask(void **state)
{
    (void)state;
    /* L053: 64 KiB in 16 sectors of 4 KiB, groups of 2 KiB: one sector is two groups. */
    uint32_t wrp[4] = {0x1u, 0, 0, 0};
    assert_int_equal(lx_wrp_mask(wrp, 1, 64 * KIB), 0xFFFFFFFCu);
    wrp[0] = 0x8000u; /* sector 15: groups 30 and 31 */
    assert_int_equal(lx_wrp_mask(wrp, 1, 64 * KIB), 0x3FFFFFFFu);
    lx_wrp_sectors(0xFFFFFFFEu, 64 * KIB, 1, wrp); /* group 0 asked: sector 0 */
    assert_int_equal(wrp[0], 0x1u);
    lx_wrp_sectors(0xFFFFFFFFu, 64 * KIB, 1, wrp);
    assert_int_equal(wrp[0], 0);
    /* L152RE: 512 KiB in 128 sectors, groups of 16 KiB: a group is four sectors. */
    uint32_t big[4] = {0x1u, 0, 0, 0x80000000u};
    assert_int_equal(lx_wrp_mask(big, 4, 512 * KIB), 0x7FFFFFFEu);
    lx_wrp_sectors(0xFFFFFFFEu, 512 * KIB, 4, big);
    assert_int_equal(big[0], 0xFu);
    assert_int_equal(big[3], 0);
    lx_wrp_sectors(0x7FFFFFFFu, 512 * KIB, 4, big);
    assert_int_equal(big[0], 0);
    assert_int_equal(big[3], 0xF0000000u);
}

static void test_rows(void **state)
{
    (void)state;
    const struct stflash_chip_info *l053 = stflash_chip_find(0x417),
                                   *l152 = stflash_chip_find(0x437);
    const struct stflash_chip_info *l07x = stflash_chip_find(0x447);
    assert_non_null(l053);
    assert_non_null(l152);
    assert_non_null(l07x);
    assert_int_equal(l053->erased_value, 0x00);
    assert_int_equal(lx_eeprom_size(l053), 2 * KIB);
    assert_int_equal(lx_eeprom_size(l07x), 6 * KIB);
    assert_int_equal(lx_eeprom_size(l152), 16 * KIB);
    assert_int_equal(lx_eeprom_size(stflash_chip_find(0x410)), 0); /* an F1: none */
    assert_int_equal(lx_half_page(l053), 64);
    assert_int_equal(lx_half_page(l152), 128);
    assert_int_equal(lx_wrp_regs(l053), 1);
    assert_int_equal(lx_wrp_regs(l07x), 2);
    assert_int_equal(lx_wrp_regs(l152), 4);
    assert_non_null(flash_family_find(STFLASH_CTRL_L0_L1));
}

/* ---- against the simulated chips ---- */

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
    struct flash_dev f;
};

static int open_chip(void **state, const char *sim_chip, uint16_t dev_id)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    assert_int_equal(sim_dbg_open(&fx->sd, sim_chip, fx->ctx, NULL), 0);
    struct flash_dev_params params = {.flash_size = fx->sd.t.flash_size, .volts = 3.3};
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, stflash_chip_find(dev_id), &params),
                     STFLASH_OK);
    *state = fx;
    return 0;
}

static int setup_l053(void **state)
{
    return open_chip(state, "stm32l053r8", 0x417);
}

static int setup_l152(void **state)
{
    return open_chip(state, "stm32l152re", 0x437);
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
    return (uint8_t)((x * 0x9E3779B1u >> 24) | 1u); /* never 0: not the erased value */
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

static uint32_t reg(struct fixture *fx, uint32_t off)
{
    uint32_t v = 0;
    assert_int_equal(dbg_read32(&fx->sd.dbg, fx->f.map.bank[0].regs + off, &v), STFLASH_OK);
    return v;
}

/* An odd range over several half-pages: programmed, the bytes around it read 0x00 (erased). */
static void test_l053_odd_range(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.erased, 0x00);
    assert_int_equal(fx->f.map.program_unit, 4);
    assert_int_equal(write_seg(fx, 0x08000105u, 301, 3), STFLASH_OK);
    assert_pattern(fx, 0x08000105u, 301, 3);
    assert_int_equal(flash_at(fx, 0x08000104u), 0x00);
    assert_int_equal(flash_at(fx, 0x08000105u + 301), 0x00);
    /* Written again over itself: the touched pages are erased and programmed once more. */
    assert_int_equal(write_seg(fx, 0x08000100u, 8, 5), STFLASH_OK);
    assert_pattern(fx, 0x08000100u, 8, 5);
    assert_int_equal(flash_at(fx, 0x08000108u), pattern(3, 3));
}

/* A word programmed over one that is not 0 (no erase, the driver called directly): the L0
 * answers NOTZEROERR (RM0377 §3.7.8), named with the address and what the word holds. */
static void test_l053_not_erased(void **state)
{
    struct fixture *fx = *state;
    const uint8_t one[4] = {0x78, 0x56, 0x34, 0x12}, two[4] = {0x11, 0x11, 0x11, 0x11};
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    assert_int_equal(fx->f.drv->program(&fx->f, 0x08000104u, one, 4), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08000104u, two, 4);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_TARGET,
                 "cannot program 0x08000104: not erased, holds 0x12345678");
    assert_non_null(strstr(stflash_last_error(fx->ctx), "NOTZEROERR"));
}

/* Half-page sequencing in the simulated controller: a first word off the half-page boundary,
 * a skipped word, and a half-word store are refused (PGAERR, SIZERR) and nothing is written. */
static void test_l053_half_page_misuse(void **state)
{
    struct fixture *fx = *state;
    struct dbg *d = &fx->sd.dbg;
    uint32_t regs = fx->f.map.bank[0].regs;
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    assert_int_equal(dbg_write32(d, regs + LX_PECR, LX_PECR_FPRG | LX_PECR_PROG), STFLASH_OK);
    assert_int_equal(dbg_write32(d, 0x08000204u, 0x12345678u), STFLASH_OK);
    assert_true(reg(fx, LX_SR) & LX_SR_PGAERR);
    assert_int_equal(dbg_write32(d, regs + LX_SR, LX_SR_ERRORS), STFLASH_OK);
    assert_int_equal(dbg_write32(d, 0x08000200u, 0x11111111u), STFLASH_OK);
    assert_int_equal(dbg_write32(d, 0x08000208u, 0x22222222u), STFLASH_OK); /* 0x204 skipped */
    assert_true(reg(fx, LX_SR) & LX_SR_PGAERR);
    assert_int_equal(dbg_write32(d, regs + LX_SR, LX_SR_ERRORS), STFLASH_OK);
    assert_int_equal(dbg_write16(d, 0x08000200u, 0x3333u), STFLASH_OK);
    assert_true(reg(fx, LX_SR) & LX_SR_SIZERR);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    for (uint32_t a = 0x08000200u; a < 0x08000240u; a++)
        assert_int_equal(flash_at(fx, a), 0x00);
    /* The controller is usable again once the flags are cleared: the engine works. */
    assert_int_equal(write_seg(fx, 0x08000200u, 64, 9), STFLASH_OK);
    assert_pattern(fx, 0x08000200u, 64, 9);
}

/* A sector write protected in the option bytes: the engine refuses before anything is erased;
 * the driver called directly meets WRPERR with the address. */
static void test_l053_write_protection(void **state)
{
    struct fixture *fx = *state;
    struct stflash_options o;
    assert_int_equal(write_seg(fx, 0x08001000u, 16, 2), STFLASH_OK);
    assert_int_equal(lx_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.rdp_level, 0);
    assert_int_equal(o.rdp, 0xAA);
    assert_false(o.option_error);
    o.wrp = 0xFFFFFFF3u; /* groups 2 and 3: sector 1 */
    assert_int_equal(lx_options_write(&fx->f, &o), STFLASH_OK);
    assert_int_equal(lx_options_load(&fx->f), STFLASH_OK);
    assert_int_equal(lx_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.wrp, 0xFFFFFFF3u);
    assert_int_equal(o.wrp_in_force, 0xFFFFFFF3u);
    assert_error(fx, write_seg(fx, 0x08001010u, 16, 1), STFLASH_ERR_PROTECTED,
                 "write protected by the option bytes (sector 1");
    assert_pattern(fx, 0x08001000u, 16, 2);
    struct flash_unit u;
    assert_true(flash_map_unit_at(&fx->f.map, 0x08001080u, &u));
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->erase_unit(&fx->f, &u);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED, "cannot erase page 0x08001080");
    assert_non_null(strstr(stflash_last_error(fx->ctx), "WRPERR"));
    assert_int_equal(write_seg(fx, 0x08002000u, 64, 5), STFLASH_OK); /* sector 2 still works */
    assert_pattern(fx, 0x08002000u, 64, 5);
}

/* The data EEPROM: bytes written at an odd address, the rest of their words kept; a word that
 * becomes 0 is erased; outside the EEPROM is refused. */
static void test_l053_eeprom(void **state)
{
    struct fixture *fx = *state;
    const uint8_t *ee = fx->sd.t.eeprom;
    assert_non_null(ee);
    assert_int_equal(fx->sd.t.eeprom_size, 2 * KIB);
    const uint8_t a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, zero[4] = {0, 0, 0, 0};
    assert_int_equal(fx->f.fam->eeprom_write(&fx->f, 0x08080003u, a, 8), STFLASH_OK);
    assert_memory_equal(ee + 3, a, 8);
    assert_int_equal(ee[2], 0);
    assert_int_equal(ee[11], 0);
    assert_int_equal(fx->f.fam->eeprom_write(&fx->f, 0x08080004u, zero, 4), STFLASH_OK);
    assert_memory_equal(ee + 4, zero, 4);
    assert_int_equal(ee[3], 1);
    assert_int_equal(ee[8], 6);
    assert_error(fx, fx->f.fam->eeprom_write(&fx->f, 0x080807FEu, a, 4), STFLASH_ERR_RANGE,
                 "the data EEPROM of the STM32L0 category 3 is 0x08080000..0x08080800");
    assert_true(reg(fx, LX_PECR) & LX_PECR_PELOCK); /* locked again */
}

/* L152RE: a range across the bank boundary (0x08040000) erases the last page of bank 1 and the
 * first of bank 2 and programs both. */
static void test_l152_bank_boundary(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->f.map.banks, 2);
    assert_int_equal(fx->f.map.bank[1].base, 0x08040000u);
    assert_int_equal(write_seg(fx, 0x0803FF80u, 384, 4), STFLASH_OK);
    assert_pattern(fx, 0x0803FF80u, 384, 4);
    assert_int_equal(flash_at(fx, 0x0803FF7Fu), 0x00);
    assert_int_equal(flash_at(fx, 0x08040100u), 0x00);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_option_words),
        cmocka_unit_test(test_wrp_mask),
        cmocka_unit_test(test_rows),
        cmocka_unit_test_setup_teardown(test_l053_odd_range, setup_l053, teardown),
        cmocka_unit_test_setup_teardown(test_l053_not_erased, setup_l053, teardown),
        cmocka_unit_test_setup_teardown(test_l053_half_page_misuse, setup_l053, teardown),
        cmocka_unit_test_setup_teardown(test_l053_write_protection, setup_l053, teardown),
        cmocka_unit_test_setup_teardown(test_l053_eeprom, setup_l053, teardown),
        cmocka_unit_test_setup_teardown(test_l152_bank_boundary, setup_l152, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
