/*
 * The erase map (flash/erase_map.c) built from chip rows and by hand: regions of mixed unit
 * sizes, holes between banks, the erased value 0x00, rounding of ranges whose ends straddle a
 * unit, the GD32 XL's 4 KiB pages above 512 KiB; the family lookup and the refusal of clone
 * quirks a family does not handle; the F0/F3 and F1 option-byte decode and encode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flash/erase_map.h"
#include "flash/f1.h"
#include "flash/f4.h"
#include "flash/family.h"
#include "flash/l4.h"
#include "stflash/chip.h"

#define KIB(n) ((uint32_t)(n)*1024u)

static const struct stflash_clone_info *clone_named(const char *name)
{
    for (size_t i = 0; i < stflash_clone_count(); i++)
        if (strcmp(stflash_clone_at(i)->name, name) == 0)
            return stflash_clone_at(i);
    fail_msg("no clone row named %s", name);
    return NULL;
}

static void build(struct flash_map *m, uint16_t dev_id, uint32_t size, uint32_t quirks,
                  uint32_t page, bool dual)
{
    const struct stflash_chip_info *chip = stflash_chip_find(dev_id);
    assert_non_null(chip);
    struct flash_map_params p = {size, page, quirks, dual};
    char why[160] = "";
    if (flash_map_from_chip(m, chip, &p, why, sizeof why) != STFLASH_OK)
        fail_msg("map of 0x%03x, %u bytes: %s", dev_id, size, why);
}

static void assert_unit(const struct flash_map *m, uint32_t addr, uint32_t unit_addr, uint32_t size,
                        unsigned bank, size_t in_bank)
{
    struct flash_unit u;
    if (!flash_map_unit_at(m, addr, &u))
        fail_msg("0x%08x: no unit", addr);
    assert_int_equal(u.addr, unit_addr);
    assert_int_equal(u.size, size);
    assert_int_equal(u.bank, bank);
    assert_int_equal(u.index_in_bank, in_bank);
}

/* ---- maps from chip rows ---- */

static void test_f103_uniform(void **state)
{
    (void)state;
    struct flash_map m;
    build(&m, 0x410, KIB(64), 0, 0, false);
    assert_int_equal(m.regions, 1);
    assert_int_equal(m.banks, 1);
    assert_int_equal(m.bank[0].regs, 0x40022000u);
    assert_int_equal(flash_map_unit_count(&m), 64);
    assert_int_equal(m.erased, 0xFF);
    assert_int_equal(m.program_unit, 2);
    assert_unit(&m, 0x08000000u, 0x08000000u, KIB(1), 0, 0);
    assert_unit(&m, 0x0800FFFFu, 0x0800FC00u, KIB(1), 0, 63);
    assert_false(flash_map_unit_at(&m, 0x08010000u, NULL));
    assert_false(flash_map_unit_at(&m, 0x07FFFFFFu, NULL));
    assert_string_equal(flash_map_unit_noun(&m), "page");
}

/* F1 XL: bank 1 is 512 KiB up to 0x08080000, bank 2 the rest with its own registers at +0x40. */
static void test_f1_xl_banks(void **state)
{
    (void)state;
    struct flash_map m;
    build(&m, 0x430, KIB(768), 0, 0, false);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[0].base, 0x08000000u);
    assert_int_equal(m.bank[0].size, KIB(512));
    assert_int_equal(m.bank[1].base, 0x08080000u);
    assert_int_equal(m.bank[1].size, KIB(256));
    assert_int_equal(m.bank[1].regs, 0x40022040u);
    assert_unit(&m, 0x08080000u, 0x08080000u, KIB(2), 1, 0);
    assert_int_equal(flash_map_bank_of(&m, 0x0807FFFFu), 0);
    assert_int_equal(flash_map_bank_of(&m, 0x08080000u), 1);
    assert_int_equal(flash_map_unit_count(&m), 384);
}

/* GD32F10x/F30x XL: pages above 512 KiB are 4 KiB (STFLASH_CLONE_BANK2_4K_PAGES). */
static void test_gd32_xl_4k_above_512k(void **state)
{
    (void)state;
    const struct stflash_clone_info *gd = clone_named("GD32F10x/F30x XL density");
    assert_true(gd->quirks & STFLASH_CLONE_BANK2_4K_PAGES);
    struct flash_map m;
    build(&m, 0x430, KIB(1024), gd->quirks, gd->page_size, false);
    assert_int_equal(m.regions, 2);
    assert_int_equal(m.region[0].unit, KIB(2));
    assert_int_equal(m.region[1].base, 0x08080000u);
    assert_int_equal(m.region[1].unit, KIB(4));
    assert_unit(&m, 0x0807F800u, 0x0807F800u, KIB(2), 0, 255);
    assert_unit(&m, 0x08080800u, 0x08080000u, KIB(4), 1, 0);
    assert_unit(&m, 0x080FFFFFu, 0x080FF000u, KIB(4), 1, 127);
    assert_int_equal(flash_map_unit_count(&m), 256 + 128);
    /* A range over the bank boundary is rounded out to a 2 KiB page below, 4 KiB above. */
    uint32_t lo;
    uint64_t hi;
    assert_true(flash_map_round(&m, 0x0807FC00u, 0x800u, &lo, &hi));
    assert_int_equal(lo, 0x0807F800u);
    assert_int_equal(hi, 0x08081000u);
    assert_int_equal(flash_map_units_in(&m, lo, hi), 2);
    /* The same row as a genuine part: 2 KiB everywhere. */
    build(&m, 0x430, KIB(1024), 0, 0, false);
    assert_unit(&m, 0x08080800u, 0x08080800u, KIB(2), 1, 1);
}

/* Sectored F4 (0x413): 4 x 16 KiB, 64 KiB, then 128 KiB sectors, cut to the flash size. */
static void test_f4_sectors(void **state)
{
    (void)state;
    struct flash_map m;
    build(&m, 0x413, KIB(512), 0, 0, false);
    assert_true(m.sectors);
    assert_string_equal(flash_map_unit_noun(&m), "sector");
    assert_int_equal(m.regions, 3);
    assert_int_equal(flash_map_unit_count(&m), 4 + 1 + 3);
    assert_unit(&m, 0x08000000u, 0x08000000u, KIB(16), 0, 0);
    assert_unit(&m, 0x0800C123u, 0x0800C000u, KIB(16), 0, 3);
    assert_unit(&m, 0x08010000u, 0x08010000u, KIB(64), 0, 4);
    assert_unit(&m, 0x0807FFFFu, 0x08060000u, KIB(128), 0, 7);
    assert_int_equal(flash_map_end(&m), 0x08080000u);
    /* A range from inside sector 3 to inside sector 5: three sectors of three sizes. */
    uint32_t lo;
    uint64_t hi;
    assert_true(flash_map_round(&m, 0x0800D000u, 0x14000u, &lo, &hi));
    assert_int_equal(lo, 0x0800C000u);
    assert_int_equal(hi, 0x08040000u);
    assert_int_equal(flash_map_units_in(&m, lo, hi), 3);
    /* A flash size that ends inside a sector fits no layout. */
    const struct stflash_chip_info *chip = stflash_chip_find(0x413);
    struct flash_map_params p = {KIB(72), 0, 0, false};
    char why[160];
    assert_int_equal(flash_map_from_chip(&m, chip, &p, why, sizeof why), STFLASH_ERR_INVALID_ARG);
    assert_non_null(strstr(why, "sector boundary"));
}

/* F42x/F43x (0x419), 2 MiB: two banks of 12 sectors; bank 2 at 0x08100000, the sector numbers
 * start again in bank 2. */
static void test_f4_dual_bank(void **state)
{
    (void)state;
    struct flash_map m;
    build(&m, 0x419, KIB(2048), 0, 0, false);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[1].base, 0x08100000u);
    assert_int_equal(flash_map_unit_count(&m), 24);
    assert_unit(&m, 0x08104000u, 0x08104000u, KIB(16), 1, 1);
    assert_unit(&m, 0x080E0000u, 0x080E0000u, KIB(128), 0, 11);
}

/* Holes between banks (STFLASH_CHIP_BANK2_GAP): a map built by hand, with mixed units, a hole,
 * and the erased value 0x00 of the L0/L1. */
static void test_holes_and_erased_zero(void **state)
{
    (void)state;
    struct flash_map m;
    memset(&m, 0, sizeof m);
    m.program_unit = 4;
    m.erased = 0x00;
    assert_int_equal(flash_map_add(&m, 0x08000000u, KIB(32), KIB(8), 0), STFLASH_OK);
    assert_int_equal(flash_map_add(&m, 0x08008000u, KIB(32), KIB(32), 0), STFLASH_OK);
    assert_int_equal(flash_map_add(&m, 0x08100000u, KIB(64), KIB(8), 1), STFLASH_OK);
    m.bank[1].regs = 0x40022100u;
    char why[128];
    assert_int_equal(flash_map_check(&m, why, sizeof why), STFLASH_OK);
    /* Overlapping and misfit regions are refused. */
    assert_int_equal(flash_map_add(&m, 0x08100000u, KIB(8), KIB(8), 1), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(flash_map_add(&m, 0x08200000u, KIB(12), KIB(8), 1), STFLASH_ERR_INVALID_ARG);

    assert_int_equal(flash_map_bytes(&m), KIB(128));
    assert_int_equal(flash_map_end(&m), 0x08110000u);
    assert_int_equal(flash_map_unit_count(&m), 4 + 1 + 8);
    assert_unit(&m, 0x08100000u, 0x08100000u, KIB(8), 1, 0);
    struct flash_unit u;
    assert_true(flash_map_unit_at(&m, 0x08100000u, &u));
    assert_int_equal(u.index, 5);
    assert_false(flash_map_unit_at(&m, 0x08010000u, NULL)); /* the hole */
    uint32_t bad = 0;
    assert_true(flash_map_covers(&m, 0x08000000u, KIB(64), &bad));
    assert_false(flash_map_covers(&m, 0x0800F000u, 0x2000u, &bad));
    assert_int_equal(bad, 0x08010000u);
    assert_false(flash_map_covers(&m, 0x080FF000u, 0x2000u, &bad));
    assert_int_equal(bad, 0x080FF000u);
    assert_false(flash_map_covers(&m, 0x0810F000u, 0x2000u, &bad));
    assert_int_equal(bad, 0x08110000u);
    uint32_t lo;
    uint64_t hi;
    assert_false(flash_map_round(&m, 0x0800F000u, 0x2000u, &lo, &hi));
    assert_true(flash_map_round(&m, 0x08100001u, 1, &lo, &hi));
    assert_int_equal(lo, 0x08100000u);
    assert_int_equal(hi, 0x08102000u);

    assert_int_equal(flash_map_erased_pattern(&m, 4), 0);
    m.erased = 0xFF;
    assert_int_equal(flash_map_erased_pattern(&m, 2), 0xFFFFu);
    assert_int_equal(flash_map_erased_pattern(&m, 4), 0xFFFFFFFFu);
    /* A program unit that does not divide a unit. */
    m.program_unit = 3;
    assert_int_equal(flash_map_check(&m, why, sizeof why), STFLASH_ERR_INVALID_ARG);
}

/* Ranges whose ends straddle units: rounded out on both sides, not at all when aligned. */
static void test_round_straddle(void **state)
{
    (void)state;
    struct flash_map m;
    build(&m, 0x414, KIB(256), 0, 0, false); /* 2 KiB pages */
    uint32_t lo;
    uint64_t hi;
    assert_true(flash_map_round(&m, 0x08000801u, 0x1000u, &lo, &hi));
    assert_int_equal(lo, 0x08000800u);
    assert_int_equal(hi, 0x08002000u);
    assert_int_equal(flash_map_units_in(&m, lo, hi), 3);
    assert_true(flash_map_round(&m, 0x08001000u, 0x800u, &lo, &hi));
    assert_int_equal(lo, 0x08001000u);
    assert_int_equal(hi, 0x08001800u);
    assert_false(flash_map_round(&m, 0x0803F800u, 0x801u, &lo, &hi)); /* past the end */
    assert_false(flash_map_round(&m, 0x08000000u, 0, &lo, &hi));
}

/* The L0/L1 rows carry the erased value 0x00 into the map. */
static void test_l0_erased_zero(void **state)
{
    (void)state;
    for (size_t i = 0; i < stflash_chip_count(); i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        if (c->flash_ctrl != STFLASH_CTRL_L0_L1)
            continue;
        struct flash_map m;
        build(&m, c->dev_id, c->flash_size_max, 0, 0, false);
        assert_int_equal(m.erased, c->erased_value);
        assert_int_equal(m.erased, 0x00);
        return;
    }
    fail_msg("no L0/L1 row in the chip table");
}

/* Every row of the chip table at its largest size gives a consistent map. */
static void test_every_row(void **state)
{
    (void)state;
    for (size_t i = 0; i < stflash_chip_count(); i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        struct flash_map m;
        struct flash_map_params p = {c->flash_size_max, 0, 0, false};
        char why[160] = "";
        if (flash_map_from_chip(&m, c, &p, why, sizeof why) != STFLASH_OK)
            fail_msg("0x%03x %s: %s", c->dev_id, c->name, why);
        if (flash_map_bytes(&m) != c->flash_size_max)
            fail_msg("0x%03x: %llu bytes mapped of %u", c->dev_id,
                     (unsigned long long)flash_map_bytes(&m), c->flash_size_max);
        if (c->dual_geom.banks) {
            p.dual_bank = true;
            if (flash_map_from_chip(&m, c, &p, why, sizeof why) != STFLASH_OK)
                fail_msg("0x%03x dual bank: %s", c->dev_id, why);
            assert_int_equal(m.banks, c->dual_geom.banks);
        }
    }
}

/* ---- family descriptors and quirks ---- */

static void test_family_lookup(void **state)
{
    (void)state;
    const struct flash_family *fam = flash_family_find(STFLASH_CTRL_F0_F1_F3);
    assert_ptr_equal(fam, &flash_family_fpec);
    assert_non_null(fam->driver);
    assert_non_null(fam->driver->erase_unit);
    assert_non_null(fam->options_read);
    assert_ptr_equal(flash_family_find(STFLASH_CTRL_F2_F4), &flash_family_f2_f4);
    assert_ptr_equal(flash_family_find(STFLASH_CTRL_F7), &flash_family_f7);
    assert_ptr_equal(flash_family_f2_f4.driver, flash_family_f7.driver);
    assert_non_null(flash_family_f2_f4.driver->probe);
    assert_non_null(flash_family_f2_f4.options_write);
    assert_ptr_equal(flash_family_find(STFLASH_CTRL_L0_L1), &flash_family_l0l1);
    assert_non_null(flash_family_l0l1.eeprom_write);
    assert_null(flash_family_find(STFLASH_CTRL_UNKNOWN));
    /* Every F0/F1/F3 row reaches it. */
    static const uint16_t f0[] = {0x440, 0x444, 0x445, 0x448, 0x442};
    static const uint16_t f3[] = {0x422, 0x432, 0x438, 0x439, 0x446};
    for (size_t i = 0; i < 5; i++) {
        assert_ptr_equal(flash_family_find(stflash_chip_find(f0[i])->flash_ctrl), fam);
        assert_ptr_equal(flash_family_find(stflash_chip_find(f3[i])->flash_ctrl), fam);
    }
}

/* L4-style WRP areas and the 32-group mask: an area maps to the groups it touches, a mask of up
 * to two runs per bank maps back to areas (page numbers relative to the bank), a third run or a
 * run in a bank without WRP2 registers is refused. */
static void test_l4_wrp(void **state)
{
    (void)state;
    const struct flash_family *fam = flash_family_find(STFLASH_CTRL_L4_STYLE);
    assert_ptr_equal(fam, &flash_family_l4);
    struct l4_traits g0, l4;
    l4_traits_of(stflash_chip_find(0x460), &g0);
    l4_traits_of(stflash_chip_find(0x415), &l4);
    assert_int_equal(l4.cr_bker, 1u << 11);
    assert_int_equal(g0.cr_bker, 0);
    assert_int_equal(g0.nrst_stop, 13);
    /* G071: 128 KiB, 4 KiB groups = 2 pages; pages 2-5 protected by WRP1A. */
    uint32_t wrp[4] = {0x00050002u, 0x7Fu, 0x7Fu, 0x7Fu};
    assert_int_equal(l4_wrp_mask(&g0, wrp, 128 * 1024, 128 * 1024, 2048), 0xFFFFFFF9u);
    uint32_t out[4];
    assert_int_equal(l4_wrp_areas(&g0, 0xFFFFFFF9u, 128 * 1024, 128 * 1024, 2048, out), 0);
    assert_int_equal(out[0], 0x00050002u);
    assert_true((out[1] & 0x7Fu) > ((out[1] >> 16) & 0x7Fu)); /* B unused: STRT > END */
    assert_int_equal(l4_wrp_areas(&g0, 0xFFFFFFFFu, 128 * 1024, 128 * 1024, 2048, out), 0);
    assert_int_equal(out[0], 0x7Fu);
    assert_int_equal(l4_wrp_areas(&g0, 0x7FFFFFF6u, 128 * 1024, 128 * 1024, 2048, out),
                     STFLASH_ERR_UNSUPPORTED); /* three runs in one bank */
    /* L476: 1 MiB in two banks, 32 KiB groups = 16 pages; group 16 is bank 2's pages 0-15. */
    assert_int_equal(l4_wrp_areas(&l4, ~(1u << 16), 1024 * 1024, 512 * 1024, 2048, out), 0);
    assert_int_equal(out[0], 0xFFu);
    assert_int_equal(out[2], 0x000F0000u);
    assert_int_equal(l4_wrp_mask(&l4, out, 1024 * 1024, 512 * 1024, 2048), ~(1u << 16));
    assert_int_equal(l4_wrp_areas(&g0, ~(1u << 31), 1024 * 1024, 512 * 1024, 2048, out),
                     STFLASH_ERR_UNSUPPORTED); /* no WRP2 on a single-bank G0 */
    /* C031: 32 KiB of 16 pages, so a group is a page (1/32 of the flash would be half of one):
     * bits 3-4 are pages 3-4; a bit past the 16th page is refused. */
    struct l4_traits c0, wl;
    l4_traits_of(stflash_chip_find(0x453), &c0);
    assert_int_equal(l4_wrp_areas(&c0, ~(3u << 3), 32 * 1024, 32 * 1024, 2048, out), 0);
    assert_int_equal(out[0], 0x00040003u);
    assert_int_equal(l4_wrp_mask(&c0, out, 32 * 1024, 32 * 1024, 2048), ~(3u << 3));
    assert_int_equal(l4_wrp_areas(&c0, ~(1u << 20), 32 * 1024, 32 * 1024, 2048, out),
                     STFLASH_ERR_UNSUPPORTED);
    /* WL55: 256 KiB, 8 KiB groups = 4 pages; STRT [6:0], so "no area" is 0x7F. */
    l4_traits_of(stflash_chip_find(0x497), &wl);
    assert_int_equal(wl.wrp_field, 0x7Fu);
    assert_int_equal(l4_wrp_areas(&wl, ~(1u << 31), 256 * 1024, 256 * 1024, 2048, out), 0);
    assert_int_equal(out[0], 0x007F007Cu);
    assert_int_equal(out[1], 0x7Fu);
}

/* L4-style page erase FLASH_CR (PER, PNB, BKER) by bank, with SYSCFG_MEMRMP.FB_MODE swapping
 * the banks; the G0B1's bank-2 page numbers start at 256 with BKER at bit 13. The WB/WL secure
 * area from FLASH_SFR: SFSA pages up unless FSD, none past the flash. */
static void test_l4_bank_and_secure_area(void **state)
{
    (void)state;
    struct l4_traits g4, g0b1;
    l4_traits_of(stflash_chip_find(0x469), &g4);
    l4_traits_of(stflash_chip_find(0x467), &g0b1);
    assert_int_equal(l4_page_erase_cr(&g4, 0, 5, false), 0x2u | 5u << 3);
    assert_int_equal(l4_page_erase_cr(&g4, 1, 5, false), 0x2u | 5u << 3 | 1u << 11);
    assert_int_equal(l4_page_erase_cr(&g4, 0, 5, true), 0x2u | 5u << 3 | 1u << 11);
    assert_int_equal(l4_page_erase_cr(&g4, 1, 127, true), 0x2u | 127u << 3);
    assert_int_equal(l4_page_erase_cr(&g0b1, 1, 3, false), 0x2u | 259u << 3 | 1u << 13);
    assert_int_equal(l4_dual_bank_bit(stflash_chip_find(0x469), 512 * 1024), 1u << 22);
    assert_int_equal(l4_dual_bank_bit(stflash_chip_find(0x415), 1024 * 1024), 0);
    assert_int_equal(l4_dual_bank_bit(stflash_chip_find(0x415), 256 * 1024), 1u << 21);
    assert_int_equal(l4_dual_bank_bit(stflash_chip_find(0x495), 1024 * 1024), 0);
    /* WB55: 4 KiB pages, SFSA 0xCB; FSD (bit 8) disables it; SFSA 0xFF... past 1 MiB: none. */
    uint32_t base = 0x08000000u, mib = 1024u * 1024u;
    assert_int_equal(l4_secure_start(STFLASH_FAMILY_WB, 0xCBu, base, mib, 4096), 0x080CB000u);
    assert_int_equal(l4_secure_start(STFLASH_FAMILY_WB, 0x1CBu, base, mib, 4096), 0);
    assert_int_equal(l4_secure_start(STFLASH_FAMILY_WB, 0xCBu, base, 512u * 1024u, 4096), 0);
    /* WL: 2 KiB pages, SFSA [6:0], FSD bit 7; another family has no such area. */
    assert_int_equal(l4_secure_start(STFLASH_FAMILY_WL, 0x70u, base, 256u * 1024u, 2048),
                     0x08038000u);
    assert_int_equal(l4_secure_start(STFLASH_FAMILY_WL, 0xF0u, base, 256u * 1024u, 2048), 0);
    assert_int_equal(l4_secure_start(STFLASH_FAMILY_G4, 0x10u, base, mib, 2048), 0);
}

/* Every clone of the table is handled by the F0/F1/F3 family for flashing; a made-up quirk is
 * not, and is named. Option writes are refused for the F0-style GD32 lines. */
static void test_quirks(void **state)
{
    (void)state;
    const struct flash_family *fam = &flash_family_fpec;
    for (size_t i = 0; i < stflash_clone_count(); i++)
        assert_int_equal(flash_family_unhandled_quirks(fam, stflash_clone_at(i)->quirks), 0);
    assert_int_equal(flash_family_unhandled_quirks(fam, 1u << 30), 1u << 30);
    assert_int_equal(flash_family_unhandled_quirks(NULL, STFLASH_CLONE_PROGRAM_32BIT),
                     STFLASH_CLONE_PROGRAM_32BIT);
    assert_string_equal(flash_quirk_describe(STFLASH_CLONE_BANK2_4K_PAGES),
                        "4 KiB pages above 512 KiB");
    assert_string_equal(flash_quirk_describe(1u << 30), "an unknown quirk");
    const struct stflash_clone_info *e23 = clone_named("GD32E23x");
    const struct stflash_clone_info *f1x0 = clone_named("GD32F1x0");
    assert_true(e23->quirks & ~fam->option_quirks);
    assert_true(f1x0->quirks & ~fam->option_quirks);
    assert_false(clone_named("GD32F103")->quirks & ~fam->option_quirks);
}

/* ---- F0/F3 and F1 option bytes ---- */

/* Factory F051: RDP 0xAA, USER 0xFF, data 0xFF, no WRP (RM0091 §4.1); OBR with USER in
 * [15:8], DATA0 in [23:16], DATA1 in [31:24]. */
static void test_f0_decode(void **state)
{
    (void)state;
    const uint16_t raw[8] = {0x55AA, 0x00FF, 0x8877, 0x00FF, 0x00FF, 0x00FF, 0x00FF, 0x00FF};
    struct stflash_options o;
    uint32_t obr = 0x00FFFF00u | 0x77u << 16; /* level 0, USER 0xFF, DATA0 0x77, DATA1 0x00 */
    fpec_options_decode(FPEC_OB_F0, obr, 0xFFFFFFFFu, raw, &o);
    assert_int_equal(o.rdp_level, 0);
    assert_int_equal(o.rdp_level_stored, 0);
    assert_int_equal(o.rdp, 0xAA);
    assert_true(o.wdg_sw && o.nrst_stop && o.nrst_stdby);
    assert_int_equal(o.data0, 0x77);
    assert_int_equal(o.wrp, 0xFFFFFFFFu);
    assert_false(o.option_error);

    /* RDPRT [2:1]: 01 level 1, 11 level 2; OPTERR bit 0. */
    fpec_options_decode(FPEC_OB_F0, 0x2u, 0xFFFFFFFEu, raw, &o);
    assert_int_equal(o.rdp_level, 1);
    assert_int_equal(o.wrp_in_force, 0xFFFFFFFEu);
    fpec_options_decode(FPEC_OB_F0, 0x6u | 1u, 0xFFFFFFFFu, raw, &o);
    assert_int_equal(o.rdp_level, 2);
    assert_true(o.option_error);
    /* The same OBR read as an F1's: bit 1 alone is RDPRT, bit 2 WDG_SW. */
    fpec_options_decode(FPEC_OB_F1, 0x4u, 0xFFFFFFFFu, raw, &o);
    assert_int_equal(o.rdp_level, 0);
    assert_int_equal(o.rdp_level_stored, 1); /* 0xAA is not the F1's 0xA5 */
}

static void test_rdp_bytes(void **state)
{
    (void)state;
    uint8_t b;
    assert_int_equal(fpec_rdp_byte_of(FPEC_OB_F0, 0, &b), STFLASH_OK);
    assert_int_equal(b, 0xAA);
    assert_int_equal(fpec_rdp_byte_of(FPEC_OB_F0, 2, &b), STFLASH_OK);
    assert_int_equal(b, 0xCC);
    assert_int_equal(fpec_rdp_byte_of(FPEC_OB_F0, 1, &b), STFLASH_OK);
    assert_int_equal(fpec_rdp_level_of(FPEC_OB_F0, b), 1);
    assert_int_equal(fpec_rdp_byte_of(FPEC_OB_F1, 0, &b), STFLASH_OK);
    assert_int_equal(b, 0xA5);
    assert_int_equal(fpec_rdp_byte_of(FPEC_OB_F1, 2, &b), STFLASH_ERR_UNSUPPORTED);
    assert_int_equal(fpec_rdp_byte_of(FPEC_OB_F1, 3, &b), STFLASH_ERR_INVALID_ARG);
    for (unsigned v = 0; v < 256; v++) {
        int l0 = fpec_rdp_level_of(FPEC_OB_F0, (uint8_t)v);
        assert_int_equal(l0, v == 0xAA ? 0 : v == 0xCC ? 2 : 1);
        assert_int_equal(fpec_rdp_level_of(FPEC_OB_F1, (uint8_t)v), v == 0xA5 ? 0 : 1);
    }
}

/* Encode: the RDP byte of the level, the three user bits, the other stored user bits kept
 * (nBOOT1, VDDA_MONITOR, RAM_PARITY_CHECK on the F0), data and WRP as given. */
static void test_encode(void **state)
{
    (void)state;
    struct fpec_option_bytes stored = {0xAA, 0x70, {1, 2}, {0xFF, 0xFF, 0xFF, 0xFF}}, out;
    struct stflash_options o;
    memset(&o, 0, sizeof o);
    o.rdp_level_stored = 1;
    o.wdg_sw = true;
    o.nrst_stdby = true;
    o.data0 = 0x12;
    o.data1 = 0x34;
    o.wrp = 0xFFFFFF0Fu;
    assert_int_equal(fpec_options_encode(FPEC_OB_F0, &o, &stored, &out), STFLASH_OK);
    assert_int_equal(fpec_rdp_level_of(FPEC_OB_F0, out.rdp), 1);
    assert_int_equal(out.user, 0x70 | 0x1 | 0x4);
    assert_int_equal(out.data[0], 0x12);
    assert_int_equal(out.data[1], 0x34);
    assert_int_equal(out.wrp[0], 0x0F);
    assert_int_equal(out.wrp[3], 0xFF);
    o.rdp_level_stored = 0;
    assert_int_equal(fpec_options_encode(FPEC_OB_F0, &o, &stored, &out), STFLASH_OK);
    assert_int_equal(out.rdp, 0xAA);
    assert_int_equal(fpec_options_encode(FPEC_OB_F1, &o, &stored, &out), STFLASH_OK);
    assert_int_equal(out.rdp, 0xA5);
    o.rdp_level_stored = 2;
    assert_int_equal(fpec_options_encode(FPEC_OB_F0, &o, &stored, &out), STFLASH_OK);
    assert_int_equal(out.rdp, 0xCC);
    assert_int_equal(fpec_options_encode(FPEC_OB_F1, &o, &stored, &out), STFLASH_ERR_UNSUPPORTED);

    /* Decoding what was encoded gives the options back. */
    o.rdp_level_stored = 1;
    assert_int_equal(fpec_options_encode(FPEC_OB_F0, &o, &stored, &out), STFLASH_OK);
    const uint8_t v[8] = {out.rdp,    out.user,   out.data[0], out.data[1],
                          out.wrp[0], out.wrp[1], out.wrp[2],  out.wrp[3]};
    uint16_t raw[8];
    for (unsigned i = 0; i < 8; i++)
        raw[i] = (uint16_t)(v[i] | (uint8_t)~v[i] << 8);
    struct stflash_options back;
    fpec_options_decode(FPEC_OB_F0, 0x2u, o.wrp, raw, &back);
    assert_int_equal(back.rdp_level_stored, 1);
    assert_true(back.wdg_sw && !back.nrst_stop && back.nrst_stdby);
    assert_int_equal(back.data0, 0x12);
    assert_int_equal(back.data1, 0x34);
    assert_int_equal(back.wrp, o.wrp);
}

/* ---- F2/F4/F7 ---- */

/* PSIZE from the measured supply (RM0090 Table 6): x32 from 2.7 V, x16 from 2.1 V, x8 below;
 * an unmeasured supply (0, or -1 from a probe that cannot tell) is taken as the usual 3.3 V. */
static void test_f4_psize(void **state)
{
    (void)state;
    assert_int_equal(f4_psize_for_volts(3.3), F4_PSIZE_X32);
    assert_int_equal(f4_psize_for_volts(3.6), F4_PSIZE_X32);
    assert_int_equal(f4_psize_for_volts(2.7), F4_PSIZE_X32);
    assert_int_equal(f4_psize_for_volts(2.69), F4_PSIZE_X16);
    assert_int_equal(f4_psize_for_volts(2.1), F4_PSIZE_X16);
    assert_int_equal(f4_psize_for_volts(2.09), F4_PSIZE_X8);
    assert_int_equal(f4_psize_for_volts(1.8), F4_PSIZE_X8);
    assert_int_equal(f4_psize_for_volts(0.0), F4_PSIZE_X32);
    assert_int_equal(f4_psize_for_volts(-1.0), F4_PSIZE_X32);
}

/* FLASH_CR for a sector erase: SER, SNB [7:3] with SNB[4] for bank 2 (RM0090 §3.9.8: sector 12
 * is 0b10000, sector 23 0b11011), PSIZE [9:8]; a mass erase sets MER1 (bit 15) on two banks. */
static void test_f4_cr_values(void **state)
{
    (void)state;
    assert_int_equal(f4_sector_erase_cr(0, 0, F4_PSIZE_X32), 0x202u);
    assert_int_equal(f4_sector_erase_cr(0, 11, F4_PSIZE_X32), 0x2u | 11u << 3 | 0x200u);
    assert_int_equal(f4_sector_erase_cr(1, 0, F4_PSIZE_X32), 0x2u | 0x10u << 3 | 0x200u);
    assert_int_equal(f4_sector_erase_cr(1, 11, F4_PSIZE_X8), 0x2u | 0x1Bu << 3);
    assert_int_equal(f4_sector_erase_cr(0, 5, F4_PSIZE_X16), 0x2u | 5u << 3 | 0x100u);
    assert_int_equal(f4_mass_erase_cr(1, F4_PSIZE_X32), 0x204u);
    assert_int_equal(f4_mass_erase_cr(2, F4_PSIZE_X32), 0x8204u);
    assert_int_equal(f4_mass_erase_cr(2, F4_PSIZE_X8), 0x8004u);
}

static void layout(struct flash_map *m, uint16_t dev_id, uint32_t size, uint32_t optcr,
                   enum f4_psize psize)
{
    char why[160] = "";
    if (f4_map_layout(m, stflash_chip_find(dev_id), size, optcr, psize, why, sizeof why) !=
        STFLASH_OK)
        fail_msg("layout of 0x%03x, %u bytes, OPTCR 0x%08x: %s", dev_id, size, optcr, why);
}

/* The bank layouts the probe rebuilds from FLASH_OPTCR, with the sector numbers the driver puts
 * into SNB and the nWRP bits that cover them. */
static void test_f4_layouts(void **state)
{
    (void)state;
    struct flash_map m;
    const struct stflash_chip_info *f429 = stflash_chip_find(0x419);
    /* F429, 2 MiB: two banks of 12 sectors whatever DB1M says. */
    layout(&m, 0x419, KIB(2048), 0, F4_PSIZE_X32);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.program_unit, 4);
    assert_unit(&m, 0x08100000u, 0x08100000u, KIB(16), 1, 0);
    assert_unit(&m, 0x081E0000u, 0x081E0000u, KIB(128), 1, 11);
    struct flash_unit u;
    assert_true(flash_map_unit_at(&m, 0x08104000u, &u));
    assert_int_equal(
        f4_sector_erase_cr(u.bank, (unsigned)u.index_in_bank, F4_PSIZE_X32) >> 3 & 0x1Fu, 0x11u);
    assert_int_equal(f4_wrp_bit(f429, &m, &u), 13);
    /* F429, 1 MiB: one bank of 4x16+64+7x128 KiB, or with DB1M two of 4x16+64+3x128 KiB, bank
     * 2 at 0x08080000 (RM0090 §3.3 Table 7). */
    layout(&m, 0x419, KIB(1024), 0, F4_PSIZE_X16);
    assert_int_equal(m.banks, 1);
    assert_int_equal(m.program_unit, 2);
    assert_int_equal(flash_map_unit_count(&m), 12);
    assert_unit(&m, 0x080E0000u, 0x080E0000u, KIB(128), 0, 11);
    layout(&m, 0x419, KIB(1024), F4_OPTCR_DB1M, F4_PSIZE_X32);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[1].base, 0x08080000u);
    assert_int_equal(flash_map_unit_count(&m), 16);
    assert_unit(&m, 0x08080000u, 0x08080000u, KIB(16), 1, 0);
    assert_unit(&m, 0x080E0000u, 0x080E0000u, KIB(128), 1, 7);
    assert_true(flash_map_unit_at(&m, 0x080E0000u, &u));
    assert_int_equal(
        f4_sector_erase_cr(u.bank, (unsigned)u.index_in_bank, F4_PSIZE_X32) >> 3 & 0x1Fu, 0x17u);
    /* F407: one layout, DB1M means nothing there. */
    layout(&m, 0x413, KIB(1024), F4_OPTCR_DB1M, F4_PSIZE_X8);
    assert_int_equal(m.banks, 1);
    assert_int_equal(m.program_unit, 1);
    assert_int_equal(flash_map_unit_count(&m), 12);
    /* F767, 2 MiB: nDBANK set is one bank of 4x32+128+7x256 KiB; clear, two banks of
     * 4x16+64+7x128 KiB with one nWRP bit per two sectors (RM0410 §3.3.1, §3.4.2). */
    const struct stflash_chip_info *f767 = stflash_chip_find(0x451);
    layout(&m, 0x451, KIB(2048), F7_OPTCR_NDBANK, F4_PSIZE_X32);
    assert_int_equal(m.banks, 1);
    assert_unit(&m, 0x08000000u, 0x08000000u, KIB(32), 0, 0);
    assert_unit(&m, 0x081C0000u, 0x081C0000u, KIB(256), 0, 11);
    assert_true(flash_map_unit_at(&m, 0x081C0000u, &u));
    assert_int_equal(f4_wrp_bit(f767, &m, &u), 11);
    layout(&m, 0x451, KIB(2048), 0, F4_PSIZE_X32);
    assert_int_equal(m.banks, 2);
    assert_unit(&m, 0x08100000u, 0x08100000u, KIB(16), 1, 0);
    assert_true(flash_map_unit_at(&m, 0x081E0000u, &u));
    assert_int_equal(f4_wrp_bit(f767, &m, &u), 11);
    assert_true(flash_map_unit_at(&m, 0x08004000u, &u));
    assert_int_equal(f4_wrp_bit(f767, &m, &u), 0);
    /* F413: sectors 14 and 15 share nWRP bit 14. */
    const struct stflash_chip_info *f413 = stflash_chip_find(0x463);
    layout(&m, 0x463, KIB(1536), 0, F4_PSIZE_X32);
    assert_true(flash_map_unit_at(&m, 0x08160000u, &u));
    assert_int_equal(u.index, 15);
    assert_int_equal(f4_wrp_bit(f413, &m, &u), 14);
    assert_int_equal(f4_nwrp_bits(f413), 15);
    assert_int_equal(f4_nwrp_bits(f429), 12);
    assert_true(f4_has_optcr1_wrp(f429));
    assert_false(f4_has_optcr1_wrp(f767));
    assert_false(f4_has_optcr1_wrp(stflash_chip_find(0x413)));
}

/* FLASH_OPTCR decode: the factory value of an F407 (0x0FFFAAED: RDP 0xAA, no WRP, BOR off,
 * WDG_SW, nRST_STOP, nRST_STDBY; RM0090 §3.9.10 reset value) and variations. */
static void test_f4_options_decode(void **state)
{
    (void)state;
    struct stflash_options o;
    f4_options_decode(0x0FFFAAEDu, 0, false, 12, &o);
    assert_int_equal(o.rdp, 0xAA);
    assert_int_equal(o.rdp_level, 0);
    assert_int_equal(o.rdp_level_stored, 0);
    assert_true(o.wdg_sw && o.nrst_stop && o.nrst_stdby);
    assert_int_equal(o.wrp, 0xFFFFFFFFu);
    assert_int_equal(o.wrp_in_force, 0xFFFFFFFFu);
    assert_int_equal(o.wrp_group_size, 0);
    assert_true(o.has_bor);
    assert_false(o.has_data);
    assert_int_equal(o.bor_level, 0); /* BOR_LEV 11: off */
    /* Level 2, sectors 0 and 5 protected, BOR level 3 (BOR_LEV 00), WDG_SW clear. */
    f4_options_decode(0x0FDECC00u | 0xC0u, 0, false, 12, &o);
    assert_int_equal(o.rdp_level, 2);
    assert_int_equal(o.wrp, ~0x21u);
    assert_int_equal(o.bor_level, 3);
    assert_false(o.wdg_sw);
    assert_true(o.nrst_stop && o.nrst_stdby);
    /* Every byte but 0xAA and 0xCC is level 1. */
    for (unsigned v = 0; v < 256; v++) {
        f4_options_decode(v << 8, 0, false, 12, &o);
        assert_int_equal(o.rdp_level, v == 0xAA ? 0 : v == 0xCC ? 2 : 1);
    }
    /* F429 bank 2: OPTCR1 nWRP into bits 12-23. */
    f4_options_decode(0x0FFFAAEDu, 0x0FFEFFFFu, true, 12, &o);
    assert_int_equal(o.wrp, ~(1u << 12));
    /* F413: 15 nWRP bits. */
    f4_options_decode(0x3FFFAAEDu & ~(1u << 30), 0, false, 15, &o);
    assert_int_equal(o.wrp, ~(1u << 14));
}

/* Encode keeps what stflash_options does not describe (BOR_LEV, DB1M, SPRMOD, nDBANK) and
 * clears OPTLOCK/OPTSTRT; decoding the result gives the options back. */
static void test_f4_options_encode(void **state)
{
    (void)state;
    struct stflash_options o, back;
    uint32_t optcr = 0xCFFFAAE5u | F4_OPTCR_OPTLOCK, optcr1 = 0x0FFF0000u, v, v1;
    f4_options_decode(optcr, optcr1, true, 12, &o);
    o.rdp_level_stored = 1;
    o.wdg_sw = false;
    o.nrst_stdby = false;
    o.wrp = ~(0x3u | 1u << 20);
    assert_int_equal(f4_options_encode(&o, optcr, optcr1, true, 12, &v, &v1), STFLASH_OK);
    assert_int_equal(v & 3u, 0);                            /* OPTLOCK, OPTSTRT clear */
    assert_int_equal(v & 0xF000000Cu, optcr & 0xF000000Cu); /* DB1M, SPRMOD, BOR_LEV kept */
    assert_int_equal((v >> 8) & 0xFFu, F4_RDP_LEVEL1);
    assert_int_equal((v >> 16) & 0xFFFu, 0xFFCu);
    assert_int_equal((v1 >> 16) & 0xFFFu, 0xEFFu);
    f4_options_decode(v, v1, true, 12, &back);
    assert_int_equal(back.rdp_level_stored, 1);
    assert_false(back.wdg_sw);
    assert_true(back.nrst_stop);
    assert_false(back.nrst_stdby);
    assert_int_equal(back.wrp, o.wrp);
    assert_int_equal(back.bor_level, o.bor_level);
    o.rdp_level_stored = 0;
    assert_int_equal(f4_options_encode(&o, optcr, optcr1, true, 12, &v, &v1), STFLASH_OK);
    assert_int_equal((v >> 8) & 0xFFu, 0xAA);
    o.rdp_level_stored = 2;
    assert_int_equal(f4_options_encode(&o, optcr, optcr1, false, 12, &v, &v1), STFLASH_OK);
    assert_int_equal((v >> 8) & 0xFFu, 0xCC);
    assert_int_equal(v1, optcr1); /* no OPTCR1 nWRP: left alone */
    o.rdp_level_stored = 3;
    assert_int_equal(f4_options_encode(&o, optcr, optcr1, true, 12, &v, &v1),
                     STFLASH_ERR_INVALID_ARG);
    uint8_t b;
    assert_int_equal(f4_rdp_byte_of(1, &b), STFLASH_OK);
    assert_int_equal(f4_rdp_level_of(b), 1);
    assert_int_equal(f4_rdp_byte_of(-1, &b), STFLASH_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f103_uniform),
        cmocka_unit_test(test_f1_xl_banks),
        cmocka_unit_test(test_gd32_xl_4k_above_512k),
        cmocka_unit_test(test_f4_sectors),
        cmocka_unit_test(test_f4_dual_bank),
        cmocka_unit_test(test_holes_and_erased_zero),
        cmocka_unit_test(test_round_straddle),
        cmocka_unit_test(test_l0_erased_zero),
        cmocka_unit_test(test_every_row),
        cmocka_unit_test(test_family_lookup),
        cmocka_unit_test(test_quirks),
        cmocka_unit_test(test_l4_wrp),
        cmocka_unit_test(test_l4_bank_and_secure_area),
        cmocka_unit_test(test_f0_decode),
        cmocka_unit_test(test_rdp_bytes),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_f4_psize),
        cmocka_unit_test(test_f4_cr_values),
        cmocka_unit_test(test_f4_layouts),
        cmocka_unit_test(test_f4_options_decode),
        cmocka_unit_test(test_f4_options_encode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
