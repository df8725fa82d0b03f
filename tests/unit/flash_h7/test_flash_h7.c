/*
 * The H7 flash interface's pure parts (flash/h7.c, flash/h7_options.c): the FLASH_CR values of a
 * sector erase, a bank erase and programming on the H743 (RM0433 §4.9.4: PSIZE [5:4], START bit
 * 7, SNB [10:8]) and the H7A3 (RM0455 §4.9.4: no PSIZE, START bit 5, SSN [12:6]); the error flags
 * by name; FLASH_OPTSR/WPSN/BOOT decoded and encoded back; the write-protection bit of a sector in
 * either bank; the erase maps of the H7 rows (two banks, bank 2 at 0x08100000 with its registers
 * at 0x52002100).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flash/erase_map.h"
#include "flash/h7.h"
#include "stflash/chip.h"

#define KIB(n) ((uint32_t)(n)*1024u)

static const struct h7_layout *h743(void)
{
    return h7_layout_of(STFLASH_CTRL_H7);
}

static const struct h7_layout *h7a3(void)
{
    return h7_layout_of(STFLASH_CTRL_H7AB);
}

static void test_cr_values(void **state)
{
    (void)state;
    /* H743: SER (bit 2) | SNB 5 << 8 | PSIZE x64 (3 << 4). */
    assert_int_equal(h7_sector_erase_cr(h743(), 5), 0x00000534u);
    assert_int_equal(h7_sector_erase_cr(h743(), 7), 0x00000734u);
    assert_int_equal(h7_bank_erase_cr(h743()), 0x00000038u);
    assert_int_equal(h7_program_cr(h743()), 0x00000032u);
    assert_int_equal(h743()->cr_start, 1u << 7);
    /* H7A3: SER | SSN 127 << 6, no PSIZE; START is bit 5. */
    assert_int_equal(h7_sector_erase_cr(h7a3(), 127), 0x00001FC4u);
    assert_int_equal(h7_sector_erase_cr(h7a3(), 1), 0x00000044u);
    assert_int_equal(h7_bank_erase_cr(h7a3()), 0x00000008u);
    assert_int_equal(h7_program_cr(h7a3()), 0x00000002u);
    assert_int_equal(h7a3()->cr_start, 1u << 5);
}

static void test_sr_flags(void **state)
{
    (void)state;
    char buf[128];
    assert_string_equal(h7_sr_flags(H7_SR_WRPERR | H7_SR_INCERR, buf, sizeof buf),
                        "WRPERR, INCERR");
    assert_string_equal(h7_sr_flags(H7_SR_DBECCERR | H7_SR_EOP | H7_SR_QW, buf, sizeof buf),
                        "DBECCERR");
    assert_string_equal(h7_sr_flags(0, buf, sizeof buf), "");
    assert_string_equal(h7_sr_cause(H7_SR_STRBERR),
                        "the flash word was written again before it was programmed");
    assert_string_equal(h7_sr_cause(H7_SR_PGSERR | H7_SR_WRPERR), "write protected");
    assert_int_equal(H7_SR_ERRORS & (H7_SR_EOP | H7_SR_CRCEND | H7_SR_BUSY), 0);
}

static void test_rdp(void **state)
{
    (void)state;
    assert_int_equal(h7_rdp_level_of(0xAA), 0);
    assert_int_equal(h7_rdp_level_of(0xCC), 2);
    assert_int_equal(h7_rdp_level_of(0x55), 1);
    assert_int_equal(h7_rdp_level_of(0x00), 1);
    uint8_t b;
    assert_int_equal(h7_rdp_byte_of(1, &b), STFLASH_OK);
    assert_int_equal(b, 0x55);
    assert_int_not_equal(h7_rdp_byte_of(3, &b), STFLASH_OK);
}

static void test_decode_h743(void **state)
{
    (void)state;
    /* BOR level 2, IWDG1 by hardware, NRST_STOP 1, NRST_STBY 0, RDP 0xAA, SWAP_BANK set;
     * sector 3 of bank 1 and sector 0 of bank 2 protected. */
    struct h7_optregs r = {.optsr = 0x8003AA48u, .wpsn = {0xF7u, 0xFEu}, .boot = 0x1FF00800u};
    struct stflash_options o;
    h7_options_decode(h743(), 2, &r, &o);
    assert_int_equal(o.rdp_level, 0);
    assert_int_equal(o.rdp, 0xAA);
    assert_false(o.wdg_sw);
    assert_true(o.nrst_stop);
    assert_false(o.nrst_stdby);
    assert_true(o.has_bor);
    assert_int_equal(o.bor_level, 2);
    assert_true(o.has_swap_bank);
    assert_true(o.swap_bank);
    assert_true(o.has_boot_add);
    assert_int_equal(o.boot_add_shift, 16);
    assert_int_equal(o.boot_add0, 0x08000000u);
    assert_int_equal(o.boot_add1, 0x1FF00000u);
    assert_int_equal(o.wrp, ~((1u << 3) | (1u << 8)));
    assert_int_equal(o.wrp_in_force, o.wrp);
    assert_int_equal(o.wrp_group_size, KIB(128));
    /* One bank: the bits of bank 2 read not protected whatever WPSN2 says. */
    h7_options_decode(h743(), 1, &r, &o);
    assert_int_equal(o.wrp, ~(1u << 3));
}

static void test_decode_h7a3(void **state)
{
    (void)state;
    /* WPSGN bit 2 of bank 1 (sectors 8-11) and bit 31 of bank 2 (sectors 124-127) clear. */
    struct h7_optregs r = {.optsr = 0x0003CCD0u, .wpsn = {~(1u << 2), ~(1u << 31)}, .boot = 0};
    struct stflash_options o;
    h7_options_decode(h7a3(), 2, &r, &o);
    assert_int_equal(o.rdp_level, 2);
    assert_true(o.wdg_sw);
    /* 64 KiB per bit: WPSGN 2 is in bit 1 (sectors 8-15), WPSGN2 31 in bit 16 + 15. */
    assert_int_equal(o.wrp, ~((1u << 1) | (1u << 31)));
    assert_int_equal(o.wrp_group_size, KIB(64));
}

static void test_encode(void **state)
{
    (void)state;
    struct h7_optregs cur = {.optsr = 0x8003AAC4u | H7_OPTSR_OPT_BUSY | H7_OPTSR_OPTCHANGEERR,
                             .wpsn = {0xFFu, 0xFFu},
                             .boot = 0x12340800u};
    struct stflash_options o;
    h7_options_decode(h743(), 2, &cur, &o);
    o.rdp_level_stored = 1;
    o.wdg_sw = true;
    o.nrst_stdby = false;
    o.wrp &= ~((1u << 0) | (1u << 15));
    struct h7_optregs out;
    assert_int_equal(h7_options_encode(h743(), 2, &o, &cur, &out), STFLASH_OK);
    /* RDP 0x55, IWDG1_SW set, NRST_STBY clear; BOR, SWAP_BANK and the rest kept; the status
     * bits dropped. */
    assert_int_equal(out.optsr, 0x80035554u);
    assert_int_equal(out.wpsn[0], 0xFEu);
    assert_int_equal(out.wpsn[1], 0x7Fu);
    assert_int_equal(out.boot, 0x12340800u);
    /* Decoding what was encoded gives the same options back. */
    struct stflash_options back;
    h7_options_decode(h743(), 2, &out, &back);
    assert_int_equal(back.wrp, o.wrp);
    assert_int_equal(back.rdp_level, 1);
    assert_true(back.wdg_sw);
    /* H7A3: a cleared wrp bit clears both WPSGN bits of its 64 KiB. */
    struct h7_optregs cur7 = {.optsr = 0x0003AAD0u, .wpsn = {~0u, ~0u}};
    h7_options_decode(h7a3(), 2, &cur7, &o);
    o.wrp &= ~((1u << 0) | (1u << 17));
    assert_int_equal(h7_options_encode(h7a3(), 2, &o, &cur7, &out), STFLASH_OK);
    assert_int_equal(out.wpsn[0], ~0x3u);
    assert_int_equal(out.wpsn[1], ~0xCu);
    o.rdp_level_stored = 5;
    assert_int_equal(h7_options_encode(h7a3(), 2, &o, &cur7, &out), STFLASH_ERR_INVALID_ARG);
}

static void test_wrp_bit_and_maps(void **state)
{
    (void)state;
    char why[160] = "";
    struct flash_map m;
    struct flash_map_params p = {.flash_size = KIB(2048)};
    const struct stflash_chip_info *chip = stflash_chip_find(0x450);
    assert_non_null(chip);
    assert_int_equal(flash_map_from_chip(&m, chip, &p, why, sizeof why), STFLASH_OK);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[1].base, 0x08100000u);
    assert_int_equal(m.bank[0].regs, 0x52002000u);
    assert_int_equal(m.bank[1].regs, 0x52002100u);
    assert_int_equal(m.program_unit, 32);
    assert_true(m.sectors);
    struct flash_unit u;
    assert_true(flash_map_unit_at(&m, 0x08120000u, &u));
    assert_int_equal(u.bank, 1);
    assert_int_equal(u.index_in_bank, 1);
    assert_int_equal(h7_wrp_bit(h743(), &u), 9);
    assert_int_equal(h7_sector_erase_cr(h743(), (unsigned)u.index_in_bank) >> 8 & 7u, 1);

    chip = stflash_chip_find(0x480);
    assert_non_null(chip);
    assert_int_equal(flash_map_from_chip(&m, chip, &p, why, sizeof why), STFLASH_OK);
    assert_int_equal(m.program_unit, 16);
    assert_int_equal(flash_map_unit_count(&m), 256);
    assert_true(flash_map_unit_at(&m, 0x081FE000u, &u));
    assert_int_equal(u.bank, 1);
    assert_int_equal(u.index_in_bank, 127);
    assert_int_equal(h7_wrp_bit(h7a3(), &u), 31);
    assert_true(flash_map_unit_at(&m, 0x08012000u, &u));
    assert_int_equal(h7_wrp_bit(h7a3(), &u), 1);

    /* The 1 MiB H743xG: bank 2 stays at 0x08100000, a hole below it. */
    p.flash_size = KIB(1024);
    chip = stflash_chip_find(0x450);
    assert_int_equal(flash_map_from_chip(&m, chip, &p, why, sizeof why), STFLASH_OK);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[1].base, 0x08100000u);
    assert_false(flash_map_covers(&m, 0x08080000u, 4, NULL));
}

static void test_family(void **state)
{
    (void)state;
    const struct flash_family *f = flash_family_find(STFLASH_CTRL_H7);
    assert_non_null(f);
    assert_ptr_equal(f, &flash_family_h7);
    assert_non_null(f->options_read);
    assert_ptr_equal(flash_family_find(STFLASH_CTRL_H7AB), &flash_family_h7ab);
    assert_ptr_equal(flash_family_h7.driver, flash_family_h7ab.driver);
    assert_null(flash_family_find(STFLASH_CTRL_H7RS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cr_values),
        cmocka_unit_test(test_sr_flags),
        cmocka_unit_test(test_rdp),
        cmocka_unit_test(test_decode_h743),
        cmocka_unit_test(test_decode_h7a3),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_wrp_bit_and_maps),
        cmocka_unit_test(test_family),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
