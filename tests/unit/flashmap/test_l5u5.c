/*
 * The L5/U5 controller's pure parts (flash/l5u5.h): the RDP byte decode with level 0.5 under
 * TrustZone, the secure-watermark overlap the TrustZone refusal is based on, the family lookup
 * and the erase maps of the L5 (DBANK) and U5 rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "flash/erase_map.h"
#include "flash/family.h"
#include "flash/l5u5.h"
#include "stflash/chip.h"

#define KIB(n) ((uint32_t)(n)*1024u)

/* RM0438 §6.6.2, RM0456 §7.6.2: 0xAA level 0, 0x55 level 0.5 only with TZEN, 0xCC level 2. */
static void test_rdp_levels(void **state)
{
    (void)state;
    bool half = true;
    assert_int_equal(l5u5_rdp_level_of(0xAA, false, &half), 0);
    assert_false(half);
    assert_int_equal(l5u5_rdp_level_of(0xAA, true, &half), 0);
    assert_false(half);
    assert_int_equal(l5u5_rdp_level_of(0x55, true, &half), 0);
    assert_true(half);
    assert_int_equal(l5u5_rdp_level_of(0x55, false, &half), 1); /* no 0.5 without TrustZone */
    assert_false(half);
    assert_int_equal(l5u5_rdp_level_of(0xCC, true, &half), 2);
    assert_int_equal(l5u5_rdp_level_of(0xBB, false, &half), 1);
    assert_int_equal(l5u5_rdp_level_of(0x00, true, &half), 1);
    assert_false(half);
}

/* SECWMxR1: pages PSTRT [6:0] to PEND [22:16] of the bank are secure when PSTRT <= PEND. */
static void test_secure_overlap(void **state)
{
    (void)state;
    uint32_t first = 0;
    const uint32_t bank2 = 0x08100000u, page = KIB(8);
    /* the whole bank secure (TZEN's default): any byte of it */
    assert_true(l5u5_secure_overlap(0x007F0000u, bank2, page, bank2 + 5, 1, &first));
    assert_int_equal(first, bank2 + 5);
    /* pages 4-7: a range ending just before page 4 is clear, one ending in it is not */
    uint32_t wm = 4u | 7u << 16;
    assert_false(l5u5_secure_overlap(wm, bank2, page, bank2, 4 * page, &first));
    assert_true(l5u5_secure_overlap(wm, bank2, page, bank2, 4 * page + 1, &first));
    assert_int_equal(first, bank2 + 4 * page);
    assert_false(l5u5_secure_overlap(wm, bank2, page, bank2 + 8 * page, page, &first));
    assert_true(l5u5_secure_overlap(wm, bank2, page, bank2 + 8 * page - 16, 16, &first));
    assert_int_equal(first, bank2 + 8 * page - 16);
    /* empty watermark (shipped: PSTRT 0x7F, PEND 0) and an empty range */
    assert_false(l5u5_secure_overlap(0x0000007Fu, bank2, page, bank2, KIB(1024), &first));
    assert_false(l5u5_secure_overlap(0x007F0000u, bank2, page, bank2, 0, &first));
}

/* The rows reach the driver, and their maps have the layouts the driver's probe picks from. */
static void test_rows(void **state)
{
    (void)state;
    const struct stflash_chip_info *u5 = stflash_chip_find(0x482), *l5 = stflash_chip_find(0x472);
    assert_ptr_equal(flash_family_find(u5->flash_ctrl), &flash_family_l5u5);
    assert_ptr_equal(flash_family_find(l5->flash_ctrl), &flash_family_l5u5);
    assert_int_equal(u5->program_unit, 16);
    assert_int_equal(l5->program_unit, 8);
    struct flash_map m;
    char why[128];
    struct flash_map_params p = {.flash_size = KIB(2048)};
    assert_int_equal(flash_map_from_chip(&m, u5, &p, why, sizeof why), 0);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[1].base, 0x08100000u);
    assert_int_equal(m.region[0].unit, KIB(8));
    struct flash_map_params dual = {.flash_size = KIB(512), .dual_bank = true};
    assert_int_equal(flash_map_from_chip(&m, l5, &dual, why, sizeof why), 0);
    assert_int_equal(m.banks, 2);
    assert_int_equal(m.bank[1].base, 0x08040000u);
    assert_int_equal(m.region[0].unit, KIB(2));
    struct flash_map_params single = {.flash_size = KIB(512)};
    assert_int_equal(flash_map_from_chip(&m, l5, &single, why, sizeof why), 0);
    assert_int_equal(m.banks, 1);
    assert_int_equal(m.region[0].unit, KIB(4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rdp_levels),
        cmocka_unit_test(test_secure_overlap),
        cmocka_unit_test(test_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
