/*
 * Cortex-M33 parts with TrustZone: L5, U5, U3, WBA (L5_U5 controller: NSKEYR +0x08, NSSR +0x20,
 * NSCR +0x28, OPTR +0x40) and H5 (own controller: NSKEYR +0x04, NSSR +0x20, NSCR +0x28,
 * OPTSR_CUR +0x50). Non-secure registers at 0x40022000, secure alias at 0x50022000.
 * DBGMCU_IDCODE 0xE0044000 (RM0438/RM0456/RM0481 §DBGMCU_IDCODE); H5 also at 0x44024000.
 * These parts keep their options in registers only; ob_base is the option register.
 */
#include "chip_tables.h"

#define TZ_REGS 0x40022000u
#define TZ_OPTR (TZ_REGS + 0x40u)
#define H5_OPTSR_CUR (TZ_REGS + 0x50u)

#define M33_COMMON                                                                                 \
    .core = STFLASH_CORE_M33, .flash_base = STM32_FLASH_BASE, .flash_regs = TZ_REGS,               \
    .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE, .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M33

#define L5U5_COMMON                                                                                \
    M33_COMMON, .flash_ctrl = STFLASH_CTRL_L5_U5, .ob_base = TZ_OPTR, .ob_size = 4u,               \
                .opt_reg = TZ_OPTR

#define L5_FIXED                                                                                   \
    .family = STFLASH_FAMILY_L5, L5U5_COMMON, .flash_size_reg = 0x0BFA05E0u, .program_unit = 8

/* U5: quad-word (128-bit) programming; 8 KiB pages, two banks with bank 2 at half the flash.
 * The largest parts are always dual bank, smaller ones by OPTR.DUALBANK (bit 21). */
#define U5_FIXED                                                                                   \
    .family = STFLASH_FAMILY_U5, L5U5_COMMON, .flash_size_reg = 0x0BFA07A0u, .program_unit = 16,   \
    .flags = STFLASH_CHIP_TRUSTZONE | STFLASH_CHIP_DUAL_BANK_OPTION,                               \
    .geom = {.banks = 2, .page_size = KIB(8)}

/* U3: 4 KiB pages, dual bank, 64-bit programming. Reference manual number and the whole U3 data
 * come from one tool's part table: unverified. */
#define U3_FIXED                                                                                   \
    .family = STFLASH_FAMILY_U3, L5U5_COMMON, .flash_size_reg = 0x0BFA07A0u, .program_unit = 8,    \
    .flags = STFLASH_CHIP_TRUSTZONE, .geom = {.banks = 2, .page_size = KIB(4)}

#define WBA_COMMON .family = STFLASH_FAMILY_WBA, L5U5_COMMON, .program_unit = 16

/* H5: 8 KiB sectors, quad-word programming, always two banks, bank 2 at half the flash. */
#define H5_FIXED                                                                                   \
    .family = STFLASH_FAMILY_H5, M33_COMMON, .flash_ctrl = STFLASH_CTRL_H5,                        \
    .flash_size_reg = 0x08FFF80Cu, .program_unit = 16, .ob_base = H5_OPTSR_CUR, .ob_size = 4u,     \
    .opt_reg = H5_OPTSR_CUR, .flags = STFLASH_CHIP_TRUSTZONE,                                      \
    .geom = {.banks = 2, .page_size = KIB(8)}

static const struct stflash_chip_info rows[] = {
    /* ---- L5 ---- */
    {
        /* OPTR.DBANK (bit 22) = 1: two banks of 128 x 2 KiB pages, bank 2 at 0x08040000;
         * DBANK = 0: one bank of 4 KiB pages. DB256 (bit 21) on 256 KiB parts. */
        .dev_id = 0x472,
        .name = "STM32L5",
        .descr = "L55x/L56x device",
        .parts = "L552/L562",
        L5_FIXED,
        .flags = STFLASH_CHIP_TRUSTZONE | STFLASH_CHIP_DUAL_BANK_OPTION,
        .flash_size_max = KIB(512),
        .geom = {.banks = 1, .page_size = KIB(4)},
        .dual_geom = {.banks = 2, .page_size = KIB(2)},
        .bank2_base = 0x08040000u,
        .sram_size = KIB(256), /* 192 + 64 */
        .sram_size_min = KIB(256),
        .ref = "RM0438 §FLASH memory organization",
    },

    /* ---- U5; SRAM4 (16 KiB at 0x28000000) is not counted ---- */
    {
        .dev_id = 0x455,
        .name = "STM32U53x/U54x",
        .descr = "U53x/U54x device",
        .parts = "U535/U545",
        U5_FIXED,
        .flash_size_max = KIB(512),
        .bank2_base = 0x08040000u,
        .sram_size = KIB(256), /* 192 + 64 */
        .sram_size_min = KIB(256),
        .ref = "RM0456 §FLASH memory organization",
    },
    {
        .dev_id = 0x482,
        .name = "STM32U57x/U58x",
        .descr = "U57x/U58x device",
        .parts = "U575/U585",
        U5_FIXED,
        .flash_size_max = MIB(2),
        .bank2_base = 0x08100000u,
        .sram_size = KIB(768), /* 192 + 64 + 512 */
        .sram_size_min = KIB(768),
        .ref = "RM0456 §FLASH memory organization",
    },
    {
        .dev_id = 0x481,
        .name = "STM32U59x/U5Ax",
        .descr = "U59x/U5Ax device",
        .parts = "U595/U599/U5A5/U5A9",
        U5_FIXED,
        .flash_size_max = MIB(4),
        .bank2_base = 0x08200000u,
        .sram_size = KIB(2496), /* 768 + 64 + 832 + 832 */
        .sram_size_min = KIB(2496),
        .ref = "RM0456 §FLASH memory organization",
    },
    {
        .dev_id = 0x476,
        .name = "STM32U5Fx/U5Gx",
        .descr = "U5Fx/U5Gx device",
        .parts = "U5F7/U5F9/U5G7/U5G9",
        U5_FIXED,
        .flash_size_max = MIB(4),
        .bank2_base = 0x08200000u,
        .sram_size = KIB(3008), /* 768 + 64 + 832 + 832 + 512 */
        .sram_size_min = KIB(3008),
        .ref = "RM0456 §FLASH memory organization",
    },

    /* ---- U3 (unverified, see U3_FIXED) ---- */
    {
        .dev_id = 0x454,
        .name = "STM32U37x/U38x",
        .descr = "U37x/U38x device",
        .parts = "U375/U385",
        U3_FIXED,
        .flash_size_max = MIB(1),
        .bank2_base = 0x08080000u,
        .sram_size = KIB(256),
        .sram_size_min = KIB(256),
        .ref = "RM0487 §FLASH memory organization (unverified)",
    },
    {
        .dev_id = 0x42A,
        .name = "STM32U3Bx/U3Cx",
        .descr = "U3Bx/U3Cx device",
        .parts = "U3B5/U3C5",
        U3_FIXED,
        .flash_size_max = MIB(2),
        .bank2_base = 0x08100000u,
        .sram_size = KIB(640),
        .sram_size_min = KIB(640),
        .ref = "RM0487 §FLASH memory organization (unverified)",
    },

    /* ---- WBA ---- */
    {
        /* Flash-size register at 0x0BF907A0 on this line. Single bank. */
        .dev_id = 0x492,
        .name = "STM32WBA5x",
        .descr = "WBA5x device",
        .parts = "WBA50/WBA52/WBA54/WBA55",
        WBA_COMMON,
        .flags = STFLASH_CHIP_TRUSTZONE,
        .flash_size_reg = 0x0BF907A0u,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .page_size = KIB(8)},
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        .ref = "RM0493 §FLASH memory organization",
    },
    {
        /* Two banks of 8 KiB pages, bank 2 at half; OPTR.DUALBANK (bit 21) on smaller parts. */
        .dev_id = 0x4B0,
        .name = "STM32WBA6x",
        .descr = "WBA6x device",
        .parts = "WBA62/WBA63/WBA64/WBA65",
        WBA_COMMON,
        .flags = STFLASH_CHIP_TRUSTZONE | STFLASH_CHIP_DUAL_BANK_OPTION,
        .flash_size_reg = 0x0BFA07A0u,
        .flash_size_max = MIB(2),
        .geom = {.banks = 2, .page_size = KIB(8)},
        .bank2_base = 0x08100000u,
        .sram_size = KIB(512), /* 448 + 64 */
        .sram_size_min = KIB(512),
        .ref = "RM0515 §FLASH memory organization",
    },

    /* ---- H5 ---- */
    {
        .dev_id = 0x474,
        .name = "STM32H503",
        .descr = "H503 device",
        .parts = "H503",
        H5_FIXED,
        .flash_size_max = KIB(128),
        .bank2_base = 0x08010000u,
        .sram_size = KIB(32), /* 16 + 16 */
        .sram_size_min = KIB(32),
        .ref = "RM0492 §FLASH memory organization",
    },
    {
        .dev_id = 0x478,
        .name = "STM32H52x/H53x",
        .descr = "H523/H533 device",
        .parts = "H523/H533",
        H5_FIXED,
        .flash_size_max = KIB(512),
        .bank2_base = 0x08040000u,
        .sram_size = KIB(272), /* 128 + 80 + 64 */
        .sram_size_min = KIB(272),
        .ref = "RM0481 §FLASH memory organization",
    },
    {
        .dev_id = 0x484,
        .name = "STM32H56x/H57x",
        .descr = "H56x/H57x device",
        .parts = "H562/H563/H573",
        H5_FIXED,
        .flash_size_max = MIB(2),
        .bank2_base = 0x08100000u,
        .sram_size = KIB(640), /* 256 + 64 + 320 */
        .sram_size_min = KIB(640),
        .ref = "RM0481 §FLASH memory organization",
    },
};

CHIP_TABLE(chip_table_l5_u5_u3_wba_h5, rows);
