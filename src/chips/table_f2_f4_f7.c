/*
 * F2, F4 and F7: sectored flash, controller at 0x40023C00, options in FLASH_OPTCR (+0x14).
 * DBGMCU_IDCODE 0xE0042000 (RM0033/RM0090/RM0385 §MCU device ID code).
 * Flash-size register: F2/F4 0x1FFF7A22; F74x/F75x/F76x/F77x 0x1FF0F442; F72x/F73x 0x1FF07A22.
 * Option bytes memory copy: F2/F4 0x1FFFC000 (16 bytes, bank 2 of dual-bank F4 at 0x1FFEC000);
 * F7 0x1FFF0000 (32 bytes).
 * Program unit: the PSIZE width (x8/x16/x32/x64); x32 is the width usable at 2.7-3.6 V without
 * VPP, so 4 is recorded (RM0090 §3.5.4).
 */
#include "chip_tables.h"

#define F24_REGS 0x40023C00u
#define F24_OPTCR (F24_REGS + 0x14u)

#define F2F4_FIXED                                                                                 \
    .flash_ctrl = STFLASH_CTRL_F2_F4, .flash_base = STM32_FLASH_BASE,                              \
    .flash_size_reg = 0x1FFF7A22u, .flash_regs = F24_REGS, .program_unit = 4,                      \
    .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE, .ob_base = 0x1FFFC000u, .ob_size = 16u,    \
    .opt_reg = F24_OPTCR, .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M3

#define F4_FIXED .family = STFLASH_FAMILY_F4, .core = STFLASH_CORE_M4, F2F4_FIXED

#define F7_FIXED                                                                                   \
    .family = STFLASH_FAMILY_F7, .core = STFLASH_CORE_M7, .flash_ctrl = STFLASH_CTRL_F7,           \
    .flash_base = STM32_FLASH_BASE, .flash_regs = F24_REGS, .program_unit = 4,                     \
    .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE, .ob_base = 0x1FFF0000u, .ob_size = 32u,    \
    .opt_reg = F24_OPTCR, .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M3

/* Sector runs of one bank (RM0090 §3.3: 4 x 16 KiB, 1 x 64 KiB, then 128 KiB sectors). */
#define SECT_16_64_128(n)                                                                          \
    {                                                                                              \
        {KIB(16), 4}, {KIB(64), 1}, {KIB(128), (n)},                                               \
    }
#define SECT_32_128_256(n)                                                                         \
    {                                                                                              \
        {KIB(32), 4}, {KIB(128), 1}, {KIB(256), (n)},                                              \
    }

static const struct stflash_chip_info rows[] = {
    /* ---- F2 (Cortex-M3 r2p0) ---- */
    {
        /* F40x revision A reports this DEV_ID too (on a Cortex-M4). */
        .dev_id = 0x411,
        .name = "STM32F2",
        .descr = "F2xx device",
        .parts = "F205/F207/F215/F217",
        .family = STFLASH_FAMILY_F2,
        .core = STFLASH_CORE_M3,
        F2F4_FIXED,
        .flags = STFLASH_CHIP_F40X_REV_A_ALIAS,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(7)},
        .sram_size = KIB(128),    /* 112 + 16, plus 4 KiB backup SRAM elsewhere */
        .sram_size_min = KIB(64), /* unverified: smallest F205 SRAM not in the sources */
        .ref = "RM0033 §Embedded flash memory interface",
    },

    /* ---- F4 (Cortex-M4F); CCM SRAM at 0x10000000 is not counted in sram_size. It is on the
     * data bus only (RM0090 §2.3.1): the core cannot fetch instructions from it. ---- */
    {
        .dev_id = 0x413,
        .name = "STM32F40x/F41x",
        .descr = "F4 device",
        .parts = "F405/F407/F415/F417",
        F4_FIXED,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(7)},
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        .ccm_base = 0x10000000u,
        .ccm_size = KIB(64),
        .ref = "RM0090 §3.3",
    },
    {
        /* RM0090 §3.3: 2 MiB parts are two banks of 12 sectors, bank 2 at 0x08100000 (sectors
         * 12-23). 1 MiB parts are single bank, or two banks of 4x16+64+3x128 KiB with bank 2 at
         * 0x08080000 when OPTCR.DB1M (bit 30) is set. Bank-2 options: OPTCR1 (+0x18), memory
         * copy 0x1FFEC000. */
        .dev_id = 0x419,
        .name = "STM32F42x/F43x",
        .descr = "F42x/F43x device",
        .parts = "F427/F429/F437/F439",
        F4_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION,
        .flash_size_max = MIB(2),
        .geom = {.banks = 2, .sectors = SECT_16_64_128(7)},
        .bank2_base = 0x08100000u,
        .sram_size = KIB(192), /* 112 + 16 + 64 */
        .sram_size_min = KIB(192),
        .ccm_base = 0x10000000u,
        .ccm_size = KIB(64),
        .ref = "RM0090 §3.3",
    },
    {
        /* Same organisation as 0x419. Max 2 MiB per the CubeMX data and one tool; another tool
         * assumes 512 KiB (disagreement, 2 MiB kept). */
        .dev_id = 0x434,
        .name = "STM32F469/F479",
        .descr = "F469/F479 device",
        .parts = "F469/F479",
        F4_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION,
        .flash_size_max = MIB(2),
        .geom = {.banks = 2, .sectors = SECT_16_64_128(7)},
        .bank2_base = 0x08100000u,
        .sram_size = KIB(320), /* 160 + 32 + 128 */
        .sram_size_min = KIB(320),
        .ccm_base = 0x10000000u,
        .ccm_size = KIB(64),
        .ref = "RM0386 §Embedded flash memory interface",
    },
    {
        .dev_id = 0x423,
        .name = "STM32F401xB/xC",
        .descr = "F401xB/xC device",
        .parts = "F401xB/xC",
        F4_FIXED,
        .flash_size_max = KIB(256),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(1)},
        .sram_size = KIB(64),
        .sram_size_min = KIB(64),
        .ref = "RM0368 §Embedded flash memory interface",
    },
    {
        .dev_id = 0x433,
        .name = "STM32F401xD/xE",
        .descr = "F401xD/xE device",
        .parts = "F401xD/xE",
        F4_FIXED,
        .flash_size_max = KIB(512),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(3)},
        .sram_size = KIB(96),
        .sram_size_min = KIB(96),
        .ref = "RM0368 §Embedded flash memory interface",
    },
    {
        .dev_id = 0x431,
        .name = "STM32F411",
        .descr = "F411xC/xE device",
        .parts = "F411xC/xE",
        F4_FIXED,
        .flash_size_max = KIB(512),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(3)},
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        .ref = "RM0383 §Embedded flash memory interface",
    },
    {
        .dev_id = 0x421,
        .name = "STM32F446",
        .descr = "F446 device",
        .parts = "F446xC/xE",
        F4_FIXED,
        .flash_size_max = KIB(512),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(3)},
        .sram_size = KIB(128), /* 112 + 16 */
        .sram_size_min = KIB(128),
        .ref = "RM0390 §Embedded flash memory interface",
    },
    {
        .dev_id = 0x458,
        .name = "STM32F410",
        .descr = "F410 device",
        .parts = "F410x8/xB",
        F4_FIXED,
        .flash_size_max = KIB(128),
        .geom = {.banks = 1, .sectors = {{KIB(16), 4}, {KIB(64), 1}}},
        .sram_size = KIB(32),
        .sram_size_min = KIB(32),
        .ref = "RM0401 §Embedded flash memory interface",
    },
    {
        /* F412xG has 1 MiB (CubeMX data); one tool falls back to 512 KiB (disagreement). */
        .dev_id = 0x441,
        .name = "STM32F412",
        .descr = "F412 device",
        .parts = "F412xE/xG",
        F4_FIXED,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(7)},
        .sram_size = KIB(256),
        .sram_size_min = KIB(256),
        .ref = "RM0402 §3",
    },
    {
        /* Sectors 14 and 15 share one nWRP bit. */
        .dev_id = 0x463,
        .name = "STM32F413/F423",
        .descr = "F413/F423 device",
        .parts = "F413, F423",
        F4_FIXED,
        .flash_size_max = KIB(1536),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(11)},
        .sram_size = KIB(320), /* 256 + 64 */
        .sram_size_min = KIB(320),
        .ref = "RM0430 §Embedded flash memory interface",
    },

    /* ---- F7 (Cortex-M7); SRAM counted from DTCM at 0x20000000, ITCM not counted ---- */
    {
        .dev_id = 0x449,
        .name = "STM32F74x/F75x",
        .descr = "F74x/F75x device",
        .parts = "F745/F746/F750/F756",
        F7_FIXED,
        .flash_size_reg = 0x1FF0F442u,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .sectors = SECT_32_128_256(3)},
        .sram_size = KIB(320), /* DTCM 64 + SRAM1 240 + SRAM2 16 */
        .sram_size_min = KIB(320),
        .ref = "RM0385 §Flash memory organization",
    },
    {
        /* OPTCR.nDBANK (bit 29) = 1: one bank of 4x32+128+7x256 KiB; = 0: two banks of
         * 4x16+64+7x128 KiB, bank 2 at 0x08100000 (0x08080000 on 1 MiB parts, 3x128 KiB). In
         * dual-bank mode one nWRP bit covers two sectors. */
        .dev_id = 0x451,
        .name = "STM32F76x/F77x",
        .descr = "F76x/F77x device",
        .parts = "F765/F767/F768/F769/F777/F778/F779",
        F7_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION,
        .flash_size_reg = 0x1FF0F442u,
        .flash_size_max = MIB(2),
        .geom = {.banks = 1, .sectors = SECT_32_128_256(7)},
        .dual_geom = {.banks = 2, .sectors = SECT_16_64_128(7)},
        .bank2_base = 0x08100000u,
        .sram_size = KIB(512), /* DTCM 128 + SRAM1 368 + SRAM2 16 */
        .sram_size_min = KIB(512),
        .ref = "RM0410 §Flash memory organization",
    },
    {
        /* Flash-size register moved to 0x1FF07A22 on these parts. */
        .dev_id = 0x452,
        .name = "STM32F72x/F73x",
        .descr = "F72x/F73x device",
        .parts = "F722/F723/F730/F732/F733",
        F7_FIXED,
        .flash_size_reg = 0x1FF07A22u,
        .flash_size_max = KIB(512),
        .geom = {.banks = 1, .sectors = SECT_16_64_128(3)},
        .sram_size = KIB(256), /* DTCM 64 + SRAM1 176 + SRAM2 16 */
        .sram_size_min = KIB(256),
        .ref = "RM0431 §Flash memory organization",
    },
};

CHIP_TABLE(chip_table_f2_f4_f7, rows);
