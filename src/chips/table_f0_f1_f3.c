/*
 * F0, F1 and F3: the FPEC flash controller at 0x40022000 (half-word programming, uniform pages,
 * option bytes at 0x1FFFF800 as byte/complement pairs, loaded values in FLASH_OBR at +0x1C).
 *
 * DBGMCU_IDCODE: F0 (Cortex-M0) 0x40015800 (RM0091 §DBGMCU_IDCODE); F1 and F3 0xE0042000
 * (RM0008 §MCU device ID code, RM0316 §MCU device ID code).
 * Flash-size register: F0 and F3 0x1FFFF7CC, F1 0x1FFFF7E0 (RM0091/RM0316/RM0008 §Flash size
 * data register).
 */
#include "chip_tables.h"

#define FPEC_REGS 0x40022000u
#define FPEC_OBR (FPEC_REGS + 0x1Cu)
#define FPEC_OB_BASE 0x1FFFF800u
#define FPEC_OB_SIZE 16u /* 8 option bytes, each followed by its complement */

#define F0_FIXED                                                                                   \
    .family = STFLASH_FAMILY_F0, .core = STFLASH_CORE_M0, .flash_ctrl = STFLASH_CTRL_F0_F1_F3,     \
    .flash_base = STM32_FLASH_BASE, .flash_size_reg = 0x1FFFF7CCu, .flash_regs = FPEC_REGS,        \
    .program_unit = 2, .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE,                         \
    .ob_base = FPEC_OB_BASE, .ob_size = FPEC_OB_SIZE, .opt_reg = FPEC_OBR,                         \
    .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M0

#define F1_FIXED                                                                                   \
    .family = STFLASH_FAMILY_F1, .core = STFLASH_CORE_M3, .flash_ctrl = STFLASH_CTRL_F0_F1_F3,     \
    .flash_base = STM32_FLASH_BASE, .flash_size_reg = 0x1FFFF7E0u, .flash_regs = FPEC_REGS,        \
    .program_unit = 2, .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE,                         \
    .ob_base = FPEC_OB_BASE, .ob_size = FPEC_OB_SIZE, .opt_reg = FPEC_OBR,                         \
    .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M3

#define F3_CCM 0x10000000u

#define F3_FIXED                                                                                   \
    .family = STFLASH_FAMILY_F3, .core = STFLASH_CORE_M4, .flash_ctrl = STFLASH_CTRL_F0_F1_F3,     \
    .flash_base = STM32_FLASH_BASE, .flash_size_reg = 0x1FFFF7CCu, .flash_regs = FPEC_REGS,        \
    .program_unit = 2, .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE,                         \
    .ob_base = FPEC_OB_BASE, .ob_size = FPEC_OB_SIZE, .opt_reg = FPEC_OBR,                         \
    .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M3

#define PAGES(sz)                                                                                  \
    {                                                                                              \
        .banks = 1, .page_size = (sz)                                                              \
    }

static const struct stflash_chip_info rows[] = {
    /* ---- F0 (Cortex-M0) ---- */
    {
        /* RM0091 §3.2.1: 1 KiB pages, write-protection sector = 4 pages. */
        .dev_id = 0x444,
        .name = "STM32F03x",
        .descr = "F03x device",
        .parts = "F030x4/x6, F031x4/x6, F038x6",
        F0_FIXED,
        .flash_size_max = KIB(32),
        .geom = PAGES(KIB(1)),
        .sram_size = KIB(4),
        .sram_size_min = KIB(4),
        .ref = "RM0091 §3.2.1, RM0360 §3",
    },
    {
        /* ROM-table PARTNO may read 0x440 on these parts. */
        .dev_id = 0x445,
        .name = "STM32F04x/F070x6",
        .descr = "F04x device",
        .parts = "F042x4/x6, F048x6, F070x6",
        F0_FIXED,
        .flags = STFLASH_CHIP_ROM_PARTNO_DIFFERS,
        .flash_size_max = KIB(32),
        .geom = PAGES(KIB(1)),
        .sram_size = KIB(6),
        .sram_size_min = KIB(6),
        .ref = "RM0091 §3.2.1, RM0360 §3",
    },
    {
        .dev_id = 0x440,
        .name = "STM32F05x/F030x8",
        .descr = "F05x device",
        .parts = "F030x8, F051x4/x6/x8, F058x8",
        F0_FIXED,
        .flash_size_max = KIB(64),
        .geom = PAGES(KIB(1)),
        .sram_size = KIB(8),
        .sram_size_min = KIB(8),
        .ref = "RM0091 §3.2.1, RM0360 §3",
    },
    {
        /* RM0091 §3.2.1: 2 KiB pages, write-protection sector = 2 pages. */
        .dev_id = 0x448,
        .name = "STM32F07x",
        .descr = "F07x device",
        .parts = "F070xB, F071x8/xB, F072x8/xB, F078xB",
        F0_FIXED,
        .flash_size_max = KIB(128),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(16),
        .sram_size_min = KIB(16),
        .ref = "RM0091 §3.2.1, RM0360 §3",
    },
    {
        .dev_id = 0x442,
        .name = "STM32F09x/F030xC",
        .descr = "F09x device",
        .parts = "F030xC, F091xB/xC, F098xC",
        F0_FIXED,
        .flash_size_max = KIB(256),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(32),
        .sram_size_min = KIB(32),
        .ref = "RM0091 §3.2.1, RM0360 §3",
    },

    /* ---- F1 (Cortex-M3 r1p1) ---- */
    {
        .dev_id = 0x412,
        .name = "STM32F1 low density",
        .descr = "F1 Low-density device",
        .parts = "F101/F102/F103 x4/x6",
        F1_FIXED,
        .flash_size_max = KIB(32),
        .geom = PAGES(KIB(1)),
        .sram_size = KIB(10),
        .sram_size_min = KIB(4),
        .ref = "RM0008 §3.3.3",
    },
    {
        /* Parts marked x8 (64 KiB) commonly carry the 128 KiB die. */
        .dev_id = 0x410,
        .name = "STM32F1 medium density",
        .descr = "F1 Medium-density device",
        .parts = "F101/F102/F103 x8/xB",
        F1_FIXED,
        .flash_size_max = KIB(128),
        .geom = PAGES(KIB(1)),
        .sram_size = KIB(20),
        .sram_size_min = KIB(10),
        .ref = "RM0008 §3.3.3",
    },
    {
        .dev_id = 0x414,
        .name = "STM32F1 high density",
        .descr = "F1 High-density device",
        .parts = "F101/F103 xC/xD/xE",
        F1_FIXED,
        .flash_size_max = KIB(512),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(64),
        .sram_size_min = KIB(32),
        .ref = "RM0008 §3.3.3",
    },
    {
        /* RM0008 §3.3.3: bank 1 is always 512 KiB; bank 2 starts at 0x08080000 and holds the
         * rest; its registers (KEYR2/SR2/CR2/AR2) sit 0x40 above bank 1's. */
        .dev_id = 0x430,
        .name = "STM32F1 XL density",
        .descr = "F1 XL-density device",
        .parts = "F101/F103 xF/xG",
        F1_FIXED,
        .flash_size_max = MIB(1),
        .geom = {.banks = 2, .page_size = KIB(2)},
        .bank2_base = 0x08080000u,
        .flash_regs_bank2 = FPEC_REGS + 0x40u,
        .sram_size = KIB(96),
        .sram_size_min = KIB(80),
        .ref = "RM0008 §3.3.3",
    },
    {
        .dev_id = 0x418,
        .name = "STM32F1 connectivity line",
        .descr = "F1 Connectivity line device",
        .parts = "F105/F107 x8/xB/xC",
        F1_FIXED,
        .flash_size_max = KIB(256),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(64),
        .sram_size_min = KIB(64),
        .ref = "RM0008 §3.3.3",
    },
    {
        .dev_id = 0x420,
        .name = "STM32F1 value line",
        .descr = "F1 Medium-density Value Line device",
        .parts = "F100 x4/x6/x8/xB",
        F1_FIXED,
        .flash_size_max = KIB(128),
        .geom = PAGES(KIB(1)),
        .sram_size = KIB(8),
        .sram_size_min = KIB(4),
        .ref = "RM0041 §Embedded flash memory",
    },
    {
        .dev_id = 0x428,
        .name = "STM32F1 value line high density",
        .descr = "F1 High-density Value Line device",
        .parts = "F100 xC/xD/xE",
        F1_FIXED,
        .flash_size_max = KIB(512),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(32),
        .sram_size_min = KIB(24),
        .ref = "RM0041 §Embedded flash memory",
    },

    /* ---- F3 (Cortex-M4F), 2 KiB pages; CCM SRAM at 0x10000000 is not counted in sram_size.
     * The F303/F328/F334/F358/F398 have it, on the instruction and data buses (code runs from it,
     * RM0316 §3.3; the F334 likewise in RM0364); the F301/F302/F318 and F37x have none. ---- */
    {
        .dev_id = 0x422,
        .name = "STM32F302/F303 xB/xC",
        .descr = "F302/F303 xB/xC device",
        .parts = "F302xB/xC, F303xB/xC, F358xC",
        F3_FIXED,
        .flash_size_max = KIB(256),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(40),
        .sram_size_min = KIB(32), /* unverified: the smallest F302xB SRAM was not in the sources */
        .ccm_base = F3_CCM,
        .ccm_size = KIB(8), /* F303xB/xC, F358; none on the F302 */
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0316 §Flash memory organization, RM0365 §Flash memory organization",
    },
    {
        .dev_id = 0x446,
        .name = "STM32F302/F303 xD/xE",
        .descr = "F302/F303 xD/xE device",
        .parts = "F302xD/xE, F303xD/xE, F398xE",
        F3_FIXED,
        .flash_size_max = KIB(512),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(64),
        .sram_size_min = KIB(64),
        .ccm_base = F3_CCM,
        .ccm_size = KIB(16), /* F303xD/xE, F398; none on the F302 */
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0316 §Flash memory organization, RM0365 §Flash memory organization",
    },
    {
        /* 12 KiB SRAM plus 4 KiB CCM (not counted). */
        .dev_id = 0x438,
        .name = "STM32F303x6/x8, F334",
        .descr = "F303x6/x8/F334 device",
        .parts = "F303x6/x8, F328x8, F334x4/x6/x8",
        F3_FIXED,
        .flash_size_max = KIB(64),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(12),
        .sram_size_min = KIB(12),
        .ccm_base = F3_CCM,
        .ccm_size = KIB(4),
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0316 §Flash memory organization, RM0364 §Flash memory organization",
    },
    {
        /* SRAM 16 KiB per the CubeMX data; one tool lists 40 KiB (disagreement, 16 kept). */
        .dev_id = 0x439,
        .name = "STM32F301/F302 x6/x8",
        .descr = "F301/F302/F318 device",
        .parts = "F301x6/x8, F302x6/x8, F318x8",
        F3_FIXED,
        .flash_size_max = KIB(64),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(16),
        .sram_size_min = KIB(16),
        .ref = "RM0366 §Flash memory organization, RM0365 §Flash memory organization",
    },
    {
        /* SRAM 16/24/32 KiB per the CubeMX data; one tool lists 40 KiB (disagreement). */
        .dev_id = 0x432,
        .name = "STM32F373/F378",
        .descr = "F37x device",
        .parts = "F373x8/xB/xC, F378xC",
        F3_FIXED,
        .flash_size_max = KIB(256),
        .geom = PAGES(KIB(2)),
        .sram_size = KIB(32),
        .sram_size_min = KIB(16),
        .ref = "RM0313 §Flash memory organization",
    },
};

CHIP_TABLE(chip_table_f0_f1_f3, rows);
