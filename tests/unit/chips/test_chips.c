/* Unit tests of the STM32 chip table and the F1 clone identification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stflash/chip.h"
#include "stflash/error.h"

#define KIB(n) ((uint32_t)(n)*1024u)

static int is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static int nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

/* Core each family is built on (RM "Cortex core" sections, summarised in the fact table). */
static enum stflash_core family_core(enum stflash_family f)
{
    switch (f) {
    case STFLASH_FAMILY_F0:
        return STFLASH_CORE_M0;
    case STFLASH_FAMILY_G0:
    case STFLASH_FAMILY_C0:
    case STFLASH_FAMILY_L0:
    case STFLASH_FAMILY_U0:
        return STFLASH_CORE_M0P;
    case STFLASH_FAMILY_F1:
    case STFLASH_FAMILY_F2:
    case STFLASH_FAMILY_L1:
        return STFLASH_CORE_M3;
    case STFLASH_FAMILY_F3:
    case STFLASH_FAMILY_F4:
    case STFLASH_FAMILY_G4:
    case STFLASH_FAMILY_L4:
    case STFLASH_FAMILY_L4P:
    case STFLASH_FAMILY_WB:
    case STFLASH_FAMILY_WL:
        return STFLASH_CORE_M4;
    case STFLASH_FAMILY_F7:
    case STFLASH_FAMILY_H7:
        return STFLASH_CORE_M7;
    case STFLASH_FAMILY_L5:
    case STFLASH_FAMILY_U5:
    case STFLASH_FAMILY_U3:
    case STFLASH_FAMILY_H5:
    case STFLASH_FAMILY_WBA:
        return STFLASH_CORE_M33;
    default:
        return STFLASH_CORE_UNKNOWN;
    }
}

/* DBGMCU_IDCODE address per the fact table: by core, H7 apart. */
static uint32_t expected_dbgmcu(const struct stflash_chip_info *c)
{
    if (c->family == STFLASH_FAMILY_H7)
        return 0x5C001000u;
    switch (c->core) {
    case STFLASH_CORE_M0:
    case STFLASH_CORE_M0P:
        return 0x40015800u;
    case STFLASH_CORE_M3:
    case STFLASH_CORE_M4:
    case STFLASH_CORE_M7:
        return 0xE0042000u;
    case STFLASH_CORE_M33:
        return 0xE0044000u;
    default:
        return 0;
    }
}

static uint32_t core_partno(enum stflash_core core)
{
    static const uint32_t partno[] = {
        [STFLASH_CORE_M0] = 0xC20, [STFLASH_CORE_M0P] = 0xC60, [STFLASH_CORE_M3] = 0xC23,
        [STFLASH_CORE_M4] = 0xC24, [STFLASH_CORE_M7] = 0xC27,  [STFLASH_CORE_M33] = 0xD21,
    };
    return partno[core];
}

static void check_geometry(const struct stflash_chip_info *c,
                           const struct stflash_flash_geometry *g)
{
    assert_true(g->banks == 1 || g->banks == 2);
    if (g->page_size != 0) {
        assert_true(is_pow2(g->page_size));
        assert_int_equal(g->sectors[0].count, 0);
        assert_int_equal(c->flash_size_max % (g->page_size * g->banks), 0);
        assert_int_equal(stflash_geometry_sectored_size(g), 0);
    } else {
        assert_true(g->sectors[0].count > 0);
        for (size_t r = 0; r < STFLASH_CHIP_MAX_SECTOR_RUNS && g->sectors[r].count; r++)
            assert_true(is_pow2(g->sectors[r].size));
        assert_int_equal(stflash_geometry_sectored_size(g), c->flash_size_max);
    }
    if (g->banks == 2) {
        /* Bank 2 of the largest part starts halfway. */
        assert_int_equal(c->bank2_base, c->flash_base + c->flash_size_max / 2);
    }
}

static void test_table_rows_are_sane(void **state)
{
    (void)state;
    size_t n = stflash_chip_count();
    assert_true(n >= 80);
    assert_null(stflash_chip_at(n));

    for (size_t i = 0; i < n; i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        assert_non_null(c);

        /* DEV_IDs unique, and find() returns this very row. */
        assert_true(c->dev_id != 0 && c->dev_id <= 0xFFF);
        for (size_t j = i + 1; j < n; j++)
            assert_int_not_equal(c->dev_id, stflash_chip_at(j)->dev_id);
        assert_ptr_equal(stflash_chip_find(c->dev_id), c);

        assert_true(nonempty(c->name));
        assert_true(nonempty(c->descr));
        assert_true(nonempty(c->parts));
        assert_true(nonempty(c->ref));
        assert_non_null(strstr(c->ref, "RM0"));
        assert_non_null(strstr(c->ref, "§"));

        assert_true(c->family > STFLASH_FAMILY_UNKNOWN && c->family < STFLASH_FAMILY_COUNT);
        assert_int_equal(c->core, family_core(c->family));
        assert_int_not_equal(c->flash_ctrl, STFLASH_CTRL_UNKNOWN);
        assert_string_not_equal(stflash_flash_ctrl_name(c->flash_ctrl), "unknown");

        /* Flash. */
        assert_int_equal(c->flash_base, 0x08000000u);
        assert_true(c->flash_size_reg != 0);
        assert_true(c->flash_size_max >= KIB(16));
        assert_int_equal(c->flash_size_max % KIB(1), 0);
        assert_true(c->flash_regs != 0);
        check_geometry(c, &c->geom);
        if (c->dual_geom.banks != 0) {
            assert_int_equal(c->dual_geom.banks, 2);
            assert_int_equal(c->geom.banks, 1);
            check_geometry(c, &c->dual_geom);
            assert_true(c->flags & STFLASH_CHIP_DUAL_BANK_OPTION);
        }
        if (c->geom.banks == 1 && c->dual_geom.banks == 0)
            assert_int_equal(c->bank2_base, 0);
        if (c->flags & STFLASH_CHIP_DUAL_BANK_OPTION)
            assert_true(c->bank2_base != 0);
        if (c->flash_regs_bank2 != 0)
            assert_true(c->bank2_base != 0);

        assert_true(c->program_unit == 2 || c->program_unit == 4 || c->program_unit == 8 ||
                    c->program_unit == 16 || c->program_unit == 32);
        if (c->flash_ctrl == STFLASH_CTRL_L0_L1)
            assert_int_equal(c->erased_value, 0x00);
        else
            assert_int_equal(c->erased_value, 0xFF);

        /* SRAM. */
        assert_true(c->sram_base != 0);
        assert_true(c->sram_size >= KIB(2));
        assert_true(c->sram_size_min != 0 && c->sram_size_min <= c->sram_size);

        /* Every family in the table has option bytes (memory copy or register). */
        assert_true(c->ob_base != 0);
        assert_true(c->ob_size != 0);
        assert_true(c->opt_reg != 0);

        /* DBGMCU_IDCODE address follows the core, and the probe list for it contains it. */
        assert_int_equal(c->dbgmcu_idcode, expected_dbgmcu(c));
        const uint32_t *addrs = NULL;
        size_t na = stflash_dbgmcu_idcode_addrs(core_partno(c->core), &addrs);
        assert_non_null(addrs);
        int found = 0;
        for (size_t k = 0; k < na; k++)
            found |= addrs[k] == c->dbgmcu_idcode;
        assert_true(found);

        assert_string_not_equal(stflash_family_name(c->family), "unknown");
    }
}

static void test_rows_per_family(void **state)
{
    (void)state;
    static const size_t expected[STFLASH_FAMILY_COUNT] = {
        [STFLASH_FAMILY_F0] = 5,  [STFLASH_FAMILY_F1] = 7,  [STFLASH_FAMILY_F2] = 1,
        [STFLASH_FAMILY_F3] = 5,  [STFLASH_FAMILY_F4] = 10, [STFLASH_FAMILY_F7] = 3,
        [STFLASH_FAMILY_G0] = 4,  [STFLASH_FAMILY_G4] = 3,  [STFLASH_FAMILY_H5] = 3,
        [STFLASH_FAMILY_H7] = 4,  [STFLASH_FAMILY_L0] = 4,  [STFLASH_FAMILY_L1] = 5,
        [STFLASH_FAMILY_L4] = 5,  [STFLASH_FAMILY_L4P] = 2, [STFLASH_FAMILY_L5] = 1,
        [STFLASH_FAMILY_U5] = 4,  [STFLASH_FAMILY_WB] = 2,  [STFLASH_FAMILY_WL] = 1,
        [STFLASH_FAMILY_C0] = 5,  [STFLASH_FAMILY_U0] = 2,  [STFLASH_FAMILY_U3] = 2,
        [STFLASH_FAMILY_WBA] = 2,
    };
    size_t seen[STFLASH_FAMILY_COUNT] = {0};
    for (size_t i = 0; i < stflash_chip_count(); i++)
        seen[stflash_chip_at(i)->family]++;
    for (int f = 0; f < STFLASH_FAMILY_COUNT; f++)
        assert_int_equal(seen[f], expected[f]);
}

static void test_f1_medium_density(void **state)
{
    (void)state;
    const struct stflash_chip_info *c = stflash_chip_find(0x410);
    assert_non_null(c);
    assert_int_equal(c->family, STFLASH_FAMILY_F1);
    assert_int_equal(c->core, STFLASH_CORE_M3);
    assert_int_equal(c->flash_ctrl, STFLASH_CTRL_F0_F1_F3);
    assert_string_equal(c->name, "STM32F1 medium density");
    assert_string_equal(c->descr, "F1 Medium-density device");
    assert_int_equal(c->flash_size_max, KIB(128));
    assert_int_equal(c->geom.page_size, KIB(1));
    assert_int_equal(c->geom.banks, 1);
    assert_int_equal(c->flash_size_reg, 0x1FFFF7E0u);
    assert_int_equal(c->flash_regs, 0x40022000u);
    assert_int_equal(c->program_unit, 2);
    assert_int_equal(c->ob_base, 0x1FFFF800u);
    assert_int_equal(c->ob_size, 16);
    assert_int_equal(c->sram_base, 0x20000000u);
    assert_int_equal(c->sram_size, KIB(20));
    assert_int_equal(c->dbgmcu_idcode, 0xE0042000u);
    assert_non_null(strstr(c->ref, "RM0008"));
}

static void test_f1_value_line_and_xl(void **state)
{
    (void)state;
    const struct stflash_chip_info *c = stflash_chip_find(0x420);
    assert_non_null(c);
    assert_int_equal(c->family, STFLASH_FAMILY_F1);
    assert_non_null(strstr(c->name, "value line"));
    assert_non_null(strstr(c->ref, "RM0041"));
    assert_int_equal(c->flash_size_max, KIB(128));

    c = stflash_chip_find(0x430);
    assert_non_null(c);
    assert_int_equal(c->geom.banks, 2);
    assert_int_equal(c->geom.page_size, KIB(2));
    assert_int_equal(c->bank2_base, 0x08080000u);
    assert_int_equal(c->flash_regs_bank2, 0x40022040u);
    assert_int_equal(c->flash_size_max, KIB(1024));
}

static void test_f4_sectored(void **state)
{
    (void)state;
    const struct stflash_chip_info *c = stflash_chip_find(0x413);
    assert_non_null(c);
    assert_int_equal(c->family, STFLASH_FAMILY_F4);
    assert_int_equal(c->flash_ctrl, STFLASH_CTRL_F2_F4);
    assert_int_equal(c->geom.page_size, 0);
    assert_int_equal(c->geom.sectors[0].size, KIB(16));
    assert_int_equal(c->geom.sectors[0].count, 4);
    assert_int_equal(c->geom.sectors[1].size, KIB(64));
    assert_int_equal(c->geom.sectors[1].count, 1);
    assert_int_equal(c->geom.sectors[2].size, KIB(128));
    assert_int_equal(c->geom.sectors[2].count, 7);
    assert_int_equal(c->geom.sectors[3].count, 0);
    assert_int_equal(stflash_geometry_sectored_size(&c->geom), KIB(1024));
    assert_int_equal(c->flash_size_reg, 0x1FFF7A22u);

    /* Dual-bank 2 MiB F42x: 2 x 1 MiB, bank 2 at 0x08100000. */
    c = stflash_chip_find(0x419);
    assert_non_null(c);
    assert_int_equal(c->geom.banks, 2);
    assert_int_equal(c->bank2_base, 0x08100000u);

    /* F76x: single bank 32/128/256 KiB sectors, or dual bank 16/64/128 KiB. */
    c = stflash_chip_find(0x451);
    assert_non_null(c);
    assert_int_equal(c->geom.sectors[0].size, KIB(32));
    assert_int_equal(c->dual_geom.banks, 2);
    assert_int_equal(c->dual_geom.sectors[0].size, KIB(16));
}

static void test_other_spot_checks(void **state)
{
    (void)state;
    const struct stflash_chip_info *c = stflash_chip_find(0x417);
    assert_non_null(c);
    assert_int_equal(c->family, STFLASH_FAMILY_L0);
    assert_int_equal(c->erased_value, 0x00);
    assert_int_equal(c->geom.page_size, 128);

    c = stflash_chip_find(0x450);
    assert_non_null(c);
    assert_int_equal(c->dbgmcu_idcode, 0x5C001000u);
    assert_int_equal(c->program_unit, 32);

    c = stflash_chip_find(0x470);
    assert_non_null(c);
    assert_int_equal(c->family, STFLASH_FAMILY_L4P);
    assert_string_equal(stflash_family_name(c->family), "STM32L4+");

    c = stflash_chip_find(0x44C);
    assert_non_null(c);
    assert_int_equal(c->family, STFLASH_FAMILY_C0);
    assert_int_equal(c->flash_size_reg, 0x1FFF75A0u);
}

static void test_unknown_ids(void **state)
{
    (void)state;
    assert_null(stflash_chip_find(0x000));
    assert_null(stflash_chip_find(0xFFF));
    assert_null(stflash_chip_find(0x123));
    assert_null(stflash_chip_find(0x496)); /* listed by one tool only, not in the table */
    assert_null(stflash_chip_find(0x1410));
    assert_null(stflash_chip_find(0x20036410));
    assert_null(stflash_chip_at((size_t)-1));
    assert_string_equal(stflash_family_name((enum stflash_family)999), "unknown");
    assert_string_equal(stflash_family_name(STFLASH_FAMILY_UNKNOWN), "unknown");
    assert_string_equal(stflash_core_name((enum stflash_core)999), "unknown");
    assert_string_equal(stflash_flash_ctrl_name((enum stflash_flash_ctrl)999), "unknown");
}

static void test_identify_raw_idcode(void **state)
{
    (void)state;
    /* Seed values: F103 medium density rev 0x2003, F100 value line rev 0x1001. */
    const struct stflash_chip_info *c = stflash_chip_identify(0x20036410u, 0x411FC231u);
    assert_non_null(c);
    assert_int_equal(c->dev_id, 0x410);
    c = stflash_chip_identify(0x10016420u, 0);
    assert_non_null(c);
    assert_int_equal(c->dev_id, 0x420);

    /* F40x rev A reports 0x411 on a Cortex-M4. */
    c = stflash_chip_identify(0x20000411u, 0x410FC241u);
    assert_non_null(c);
    assert_int_equal(c->dev_id, 0x413);
    c = stflash_chip_identify(0x20000411u, 0x412FC230u);
    assert_non_null(c);
    assert_int_equal(c->dev_id, 0x411);
    c = stflash_chip_identify(0x20000411u, 0);
    assert_non_null(c);
    assert_int_equal(c->dev_id, 0x411);

    assert_null(stflash_chip_identify(0x00000000u, 0));
    assert_null(stflash_chip_identify(0xFFFFFFFFu, 0));
}

static void test_cores_and_dbgmcu_order(void **state)
{
    (void)state;
    assert_int_equal(stflash_core_from_cpuid(0x411FC231u), STFLASH_CORE_M3);
    assert_int_equal(stflash_core_from_cpuid(0xC60), STFLASH_CORE_M0P);
    assert_int_equal(stflash_core_from_cpuid(0x410FD210u), STFLASH_CORE_M33);
    assert_int_equal(stflash_core_from_cpuid(0), STFLASH_CORE_UNKNOWN);
    assert_string_equal(stflash_core_name(STFLASH_CORE_M0P), "Cortex-M0+");

    const uint32_t *a = NULL;
    size_t n = stflash_dbgmcu_idcode_addrs(0x411FC231u, &a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0], 0xE0042000u);

    n = stflash_dbgmcu_idcode_addrs(0xC20, &a);
    assert_int_equal(n, 1);
    assert_int_equal(a[0], 0x40015800u);

    n = stflash_dbgmcu_idcode_addrs(0xC27, &a);
    assert_int_equal(n, 2);
    assert_int_equal(a[0], 0xE0042000u);
    assert_int_equal(a[1], 0x5C001000u);

    n = stflash_dbgmcu_idcode_addrs(0xD21, &a);
    assert_true(n >= 1);
    assert_int_equal(a[0], 0xE0044000u);

    /* Unknown core: every address, the Cortex-M3/M4 one first. */
    n = stflash_dbgmcu_idcode_addrs(0, &a);
    assert_int_equal(n, 4);
    assert_int_equal(a[0], 0xE0042000u);
    int seen_m0 = 0, seen_m33 = 0, seen_h7 = 0;
    for (size_t i = 0; i < n; i++) {
        seen_m0 |= a[i] == 0x40015800u;
        seen_m33 |= a[i] == 0xE0044000u;
        seen_h7 |= a[i] == 0x5C001000u;
    }
    assert_true(seen_m0 && seen_m33 && seen_h7);
}

/* ---- clones ---- */

/* Clone part numbers (--chip): the density letter picks the row; anything else is not a clone. */
static void test_clone_lookup(void **state)
{
    (void)state;
    const struct stflash_clone_info *k = NULL;
    assert_int_equal(stflash_clone_lookup("gd32f103c8t6", &k), STFLASH_OK);
    assert_string_equal(k->name, "GD32F103");
    assert_int_equal(stflash_clone_lookup("GD32F103RC", &k), STFLASH_OK);
    assert_int_equal(k->dev_id, 0x414);
    assert_int_equal(stflash_clone_lookup("GD32F303VG", &k), STFLASH_OK);
    assert_int_equal(k->dev_id, 0x430);
    assert_int_equal(stflash_clone_lookup("CS32F103C8", &k), STFLASH_OK);
    assert_string_equal(k->name, "CKS32F103/CS32F103");
    assert_int_equal(stflash_clone_lookup("CH32F103", &k), STFLASH_OK);
    assert_string_equal(k->name, "CH32F103");
    assert_int_equal(stflash_clone_lookup("GD32F10", &k), STFLASH_ERR_NOT_FOUND);
    assert_null(k);
    assert_int_equal(stflash_clone_lookup("STM32F103C8", &k), STFLASH_ERR_NOT_FOUND);
    assert_int_equal(stflash_clone_lookup("GD32F103-8", &k), STFLASH_ERR_NOT_FOUND);
    size_t n = 0;
    for (; stflash_clone_part_name(n); n++)
        assert_int_equal(stflash_clone_lookup(stflash_clone_part_name(n), &k), STFLASH_OK);
    assert_true(n >= 10);
}

static void test_clone_table_sane(void **state)
{
    (void)state;
    size_t n = stflash_clone_count();
    assert_true(n >= 5);
    assert_null(stflash_clone_at(n));
    for (size_t i = 0; i < n; i++) {
        const struct stflash_clone_info *k = stflash_clone_at(i);
        assert_non_null(k);
        assert_true(nonempty(k->vendor));
        assert_true(nonempty(k->name));
        assert_true(nonempty(k->source));
        const struct stflash_chip_info *c = stflash_chip_find(k->dev_id);
        assert_non_null(c);
        assert_int_equal(c->family, STFLASH_FAMILY_F1);
        assert_true(k->flash_size_fallback <= c->flash_size_max);
        if (k->quirks & STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO)
            assert_true(k->flash_size_fallback != 0);
        if (k->page_size != 0)
            assert_true(is_pow2(k->page_size));
        /* Every clone is identifiable from its own recorded tell-tales. */
        assert_ptr_equal(
            stflash_clone_identify(k->dev_id, k->dp_idcode, k->rom_designer, k->rev_id), k);
    }
}

static void test_clone_genuine_is_null(void **state)
{
    (void)state;
    assert_null(stflash_clone_identify(0x410, 0x1BA01477u, STFLASH_JEP106_ST, 0x2003));
    assert_null(stflash_clone_identify(0x410, 0x1BA01477u, STFLASH_JEP106_ST, 0x2000));
    assert_null(stflash_clone_identify(0x410, 0, 0, 0));
    assert_null(stflash_clone_identify(0x414, 0x2BA01477u, 0, 0));
    assert_null(stflash_clone_identify(0x413, 0x2BA01477u, STFLASH_JEP106_ST, 0x1000));
    assert_null(stflash_clone_identify(0x413, 0, STFLASH_JEP106_GIGADEVICE, 0));
}

static void test_clone_cks32(void **state)
{
    (void)state;
    const struct stflash_clone_info *k =
        stflash_clone_identify(0x410, 0x2BA01477u, STFLASH_JEP106_ST, 0x2003);
    assert_non_null(k);
    assert_non_null(strstr(k->name, "CKS32F103"));
    assert_true(k->quirks & STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO);
    assert_int_equal(k->flash_size_fallback, KIB(128));

    assert_ptr_equal(stflash_clone_identify(0x410, 0x2BA01477u, 0, 0), k);
    assert_ptr_equal(stflash_clone_identify(0x410, 0, STFLASH_JEP106(5, 0x55), 0), k);
    assert_ptr_equal(stflash_clone_identify(0x410, 0, STFLASH_JEP106_LEGACY | 0x55, 0), k);
}

static void test_clone_gd32(void **state)
{
    (void)state;
    const struct stflash_clone_info *k =
        stflash_clone_identify(0x410, 0x1BA01477u, STFLASH_JEP106_GIGADEVICE, 0x1000);
    assert_non_null(k);
    assert_string_equal(k->name, "GD32F103");
    assert_string_equal(k->vendor, "GigaDevice");
    assert_true(k->quirks & STFLASH_CLONE_PROGRAM_32BIT);
    assert_true(k->quirks & STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM);
    assert_int_equal(k->rom_partno, 0xF64);

    k = stflash_clone_identify(0x410, 0, STFLASH_JEP106_GIGADEVICE, 0x1303);
    assert_non_null(k);
    assert_string_equal(k->name, "GD32F1x0");
    assert_true(k->quirks & STFLASH_CLONE_F0_STYLE_OPTIONS);

    /* A GD32F103 reads REV_ID 0x1303 too: its ROM PARTNO 0xF64 names it. */
    k = stflash_clone_identify_rom(0x410, 0x1BA01477u, STFLASH_JEP106_GIGADEVICE, 0xF64, 0x1303);
    assert_non_null(k);
    assert_string_equal(k->name, "GD32F103");
    k = stflash_clone_identify_rom(0x410, 0, STFLASH_JEP106_GIGADEVICE, 0x123, 0x1303);
    assert_non_null(k);
    assert_string_equal(k->name, "GD32F1x0");

    /* REV_ID alone gives GigaDevice lines away. */
    k = stflash_clone_identify(0x410, 0, 0, 0x1909);
    assert_non_null(k);
    assert_string_equal(k->name, "GD32E23x");
    assert_true(k->quirks & STFLASH_CLONE_OPTION_WRITE_32BIT);

    k = stflash_clone_identify(0x430, 0, STFLASH_JEP106_GIGADEVICE, 0);
    assert_non_null(k);
    assert_true(k->quirks & STFLASH_CLONE_BANK2_4K_PAGES);
}

static void test_clone_apm32_ch32(void **state)
{
    (void)state;
    const struct stflash_clone_info *k =
        stflash_clone_identify(0x410, 0x1BA01477u, STFLASH_JEP106_ARM, 0x0000);
    assert_non_null(k);
    assert_string_equal(k->name, "APM32F103");
    assert_string_equal(k->vendor, "Geehy");
    assert_true(k->quirks & STFLASH_CLONE_POLL_BSY_EACH_HALFWORD);

    k = stflash_clone_identify(0x410, 0x2BA01477u, STFLASH_JEP106_ARM, 0x2000);
    assert_non_null(k);
    assert_string_equal(k->name, "CH32F103");
    assert_string_equal(k->vendor, "WCH");
    assert_true(k->quirks & STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO);
    assert_true(k->quirks & STFLASH_CLONE_FAST_PAGE_MODE);
    assert_int_equal(k->flash_size_fallback, KIB(64));
}

/* The unique-ID addresses the production log reads: each family's, the exceptions by DEV_ID. */
static void test_uid_addresses(void **state)
{
    (void)state;
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x410)), 0x1FFFF7E8u); /* F1 */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x440)), 0x1FFFF7ACu); /* F0 */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x413)), 0x1FFF7A10u); /* F4 */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x451)), 0x1FF0F420u); /* F76x */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x452)), 0x1FF07A10u); /* F72x */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x416)),
                     0x1FF80050u); /* L1 cat 1 */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x436)),
                     0x1FF800D0u); /* L1 cat 4 */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x415)), 0x1FFF7590u); /* L4 */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x450)), 0x1FF1E800u); /* H74x */
    assert_int_equal(stflash_chip_uid_address(stflash_chip_find(0x480)), 0x08FFF800u); /* H7A3 */
    assert_int_equal(stflash_chip_uid_address(NULL), 0u);
    /* Every row with a known flash controller has one (U0, U3, WBA: not yet). */
    for (size_t i = 0; i < stflash_chip_count(); i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        if (c->flash_ctrl != STFLASH_CTRL_UNKNOWN && c->family != STFLASH_FAMILY_U0 &&
            c->family != STFLASH_FAMILY_U3 && c->family != STFLASH_FAMILY_WBA)
            assert_true(stflash_chip_uid_address(c) != 0);
    }
}

/* Writable memory code runs from: the SRAM region everywhere, the CCM SRAM of the F3 and G4 (on
 * the instruction bus), not the F4's (data bus only, RM0090 §2.3.1), and the L4's and L4+'s SRAM2
 * at 0x10000000 (RM0394, RM0351, RM0432 §2.4), its size per DEV_ID. */
static void test_code_ram(void **state)
{
    (void)state;
    struct stflash_mem_range r[STFLASH_CODE_RAM_MAX];
    assert_int_equal(stflash_chip_code_ram(NULL, r), 1);
    assert_int_equal(r[0].base, 0x20000000u);
    assert_int_equal(r[0].size, 0x20000000u);
    assert_int_equal(stflash_chip_code_ram(stflash_chip_find(0x422), r), 2); /* F303xB/xC */
    assert_int_equal(r[1].base, 0x10000000u);
    assert_int_equal(r[1].size, KIB(8));
    assert_int_equal(stflash_chip_code_ram(stflash_chip_find(0x469), r), 2); /* G47x */
    assert_int_equal(r[1].size, KIB(32));
    assert_int_equal(stflash_chip_code_ram(stflash_chip_find(0x413), r), 1); /* F40x */
    assert_int_equal(stflash_chip_find(0x413)->ccm_size, KIB(64));
    assert_int_equal(stflash_chip_code_ram(stflash_chip_find(0x410), r), 1); /* F1: no CCM */
    static const struct {
        uint16_t dev_id;
        uint32_t sram2;
    } l4[] = {{0x464, KIB(8)},  {0x435, KIB(16)}, {0x462, KIB(32)}, {0x415, KIB(32)},
              {0x461, KIB(64)}, {0x470, KIB(64)}, {0x471, KIB(64)}};
    for (size_t i = 0; i < sizeof l4 / sizeof l4[0]; i++) {
        assert_int_equal(stflash_chip_code_ram(stflash_chip_find(l4[i].dev_id), r), 2);
        assert_int_equal(r[1].base, 0x10000000u);
        assert_int_equal(r[1].size, l4[i].sram2);
    }
    /* The WB's SRAM2a/2b and the WL's SRAM2 are only in the SRAM region (RM0434, RM0453 §2). */
    assert_int_equal(stflash_chip_code_ram(stflash_chip_find(0x495), r), 1);
    assert_int_equal(stflash_chip_code_ram(stflash_chip_find(0x497), r), 1);
}

int main(void)
{
    const struct CMUnitTest table_tests[] = {
        cmocka_unit_test(test_code_ram),
        cmocka_unit_test(test_uid_addresses),
        cmocka_unit_test(test_table_rows_are_sane),
        cmocka_unit_test(test_rows_per_family),
        cmocka_unit_test(test_f1_medium_density),
        cmocka_unit_test(test_f1_value_line_and_xl),
        cmocka_unit_test(test_f4_sectored),
        cmocka_unit_test(test_other_spot_checks),
        cmocka_unit_test(test_unknown_ids),
        cmocka_unit_test(test_identify_raw_idcode),
        cmocka_unit_test(test_cores_and_dbgmcu_order),
    };
    const struct CMUnitTest clone_tests[] = {
        cmocka_unit_test(test_clone_lookup),
        cmocka_unit_test(test_clone_table_sane),
        cmocka_unit_test(test_clone_genuine_is_null),
        cmocka_unit_test(test_clone_cks32),
        cmocka_unit_test(test_clone_gd32),
        cmocka_unit_test(test_clone_apm32_ch32),
    };
    int failed = cmocka_run_group_tests_name("chip_table", table_tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("chip_clones", clone_tests, NULL, NULL);
    return failed ? 1 : 0;
}
