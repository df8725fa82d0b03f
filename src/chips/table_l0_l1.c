/*
 * L0 and L1: PECR-style controller (three lock levels), word or half-page programming, erased
 * flash reads 0x00, data EEPROM at 0x08080000, user option bytes at 0x1FF80000 (32 bytes,
 * RM0377 §3.3.1), loaded values in FLASH_OBR (+0x1C).
 * L0 (Cortex-M0+): registers 0x40022000, DBGMCU_IDCODE 0x40015800, flash-size register
 * 0x1FF8007C, 128-byte pages (RM0377/RM0367 §3.3.1).
 * L1 (Cortex-M3 r2p0): registers 0x40023C00, DBGMCU_IDCODE 0xE0042000, 256-byte pages
 * (RM0038 §NVM organization).
 */
#include "chip_tables.h"

#define L0_REGS 0x40022000u
#define L1_REGS 0x40023C00u

#define LX_COMMON                                                                                  \
    .flash_ctrl = STFLASH_CTRL_L0_L1, .flash_base = STM32_FLASH_BASE, .program_unit = 4,           \
    .erased_value = 0x00, .sram_base = STM32_SRAM_BASE, .ob_base = 0x1FF80000u, .ob_size = 32u

#define L0_FIXED                                                                                   \
    .family = STFLASH_FAMILY_L0, .core = STFLASH_CORE_M0P, LX_COMMON,                              \
    .flash_size_reg = 0x1FF8007Cu, .flash_regs = L0_REGS, .opt_reg = L0_REGS + 0x1Cu,              \
    .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M0

#define L1_FIXED                                                                                   \
    .family = STFLASH_FAMILY_L1, .core = STFLASH_CORE_M3, LX_COMMON, .flash_regs = L1_REGS,        \
    .opt_reg = L1_REGS + 0x1Cu, .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M3

#define L0_PAGES(nbanks)                                                                           \
    {                                                                                              \
        .banks = (nbanks), .page_size = 128u                                                       \
    }
#define L1_PAGES(nbanks)                                                                           \
    {                                                                                              \
        .banks = (nbanks), .page_size = 256u                                                       \
    }

static const struct stflash_chip_info rows[] = {
    /* ---- L0 ---- */
    {
        .dev_id = 0x457,
        .name = "STM32L0 category 1",
        .descr = "L0x1 Category 1 device",
        .parts = "L010x4, L011x3/x4, L021x4",
        L0_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_max = KIB(16),
        .geom = L0_PAGES(1),
        .sram_size = KIB(2),
        .sram_size_min = KIB(2),
        .ref = "RM0377 §3.3.1, RM0451 §NVM organization",
    },
    {
        .dev_id = 0x425,
        .name = "STM32L0 category 2",
        .descr = "L0x1 Category 2 device",
        .parts = "L010x6, L031x4/x6, L041x4/x6",
        L0_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_max = KIB(32),
        .geom = L0_PAGES(1),
        .sram_size = KIB(8),
        .sram_size_min = KIB(8),
        .ref = "RM0377 §3.3.1, RM0451 §NVM organization",
    },
    {
        .dev_id = 0x417,
        .name = "STM32L0 category 3",
        .descr = "L0x3 Category 3 device",
        .parts = "L010x8, L051/L052/L053 x6/x8, L062/L063x8",
        L0_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_max = KIB(64),
        .geom = L0_PAGES(1),
        .sram_size = KIB(8),
        .sram_size_min = KIB(8),
        .ref = "RM0367 §3.3.1, RM0376 §NVM organization, RM0377 §3.3.1",
    },
    {
        /* RM0367 §3.3.1: 128 and 192 KiB parts are dual bank, bank 2 = upper half. */
        .dev_id = 0x447,
        .name = "STM32L0 category 5",
        .descr = "L0x3 Category 5 device",
        .parts = "L010xB, L071/L072/L073/L081/L082/L083 x8/xB/xZ",
        L0_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_max = KIB(192),
        .geom = L0_PAGES(2),
        .bank2_base = 0x08018000u,
        .sram_size = KIB(20),
        .sram_size_min = KIB(20),
        .ref = "RM0367 §3.3.1, RM0376 §NVM organization, RM0377 §3.3.1",
    },

    /* ---- L1 ---- */
    {
        .dev_id = 0x416,
        .name = "STM32L1 category 1",
        .descr = "L1xx Category 1 device",
        .parts = "L100/L151/L152 x6/x8/xB",
        L1_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_reg = 0x1FF8004Cu,
        .flash_size_max = KIB(128),
        .geom = L1_PAGES(1),
        .sram_size = KIB(16),
        .sram_size_min = KIB(4), /* L100 parts: 4-10 KiB */
        .ref = "RM0038 §NVM organization",
    },
    {
        /* Only bits [7:0] of the flash-size register are valid. */
        .dev_id = 0x429,
        .name = "STM32L1 category 2",
        .descr = "L1xx Category 2 device",
        .parts = "L100/L151/L152 x6A/x8A/xBA",
        L1_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM | STFLASH_CHIP_FSZ_LOW_BYTE,
        .flash_size_reg = 0x1FF8004Cu,
        .flash_size_max = KIB(128),
        .geom = L1_PAGES(1),
        .sram_size = KIB(32),
        .sram_size_min = KIB(32), /* unverified: SRAM of the smallest part not in the sources */
        .ref = "RM0038 §NVM organization",
    },
    {
        .dev_id = 0x427,
        .name = "STM32L1 category 3",
        .descr = "L1xx Category 3 device",
        .parts = "L100/L151/L152/L162 xC",
        L1_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_reg = 0x1FF800CCu,
        .flash_size_max = KIB(256),
        .geom = L1_PAGES(1),
        .sram_size = KIB(32),
        .sram_size_min = KIB(32),
        .ref = "RM0038 §NVM organization",
    },
    {
        /* Flash-size register holds a code: 0 = 384 KiB, 1 = 256 KiB. Two banks of 192 KiB,
         * bank 2 at 0x08030000. */
        .dev_id = 0x436,
        .name = "STM32L1 category 4",
        .descr = "L1xx Category 4 device",
        .parts = "L151/L152/L162 xD, some xC/xCA",
        L1_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM | STFLASH_CHIP_FSZ_L1_CODED,
        .flash_size_reg = 0x1FF800CCu,
        .flash_size_max = KIB(384),
        .geom = L1_PAGES(2),
        .bank2_base = 0x08030000u,
        .sram_size = KIB(48),
        .sram_size_min = KIB(32), /* unverified: Cat 3 parts sharing this ID assumed 32 KiB */
        .ref = "RM0038 §NVM organization",
    },
    {
        /* Two banks, bank 2 at half the flash (0x08040000 on 512 KiB parts). */
        .dev_id = 0x437,
        .name = "STM32L1 category 5/6",
        .descr = "L1xx Category 5/6 device",
        .parts = "L151/L152/L162 xE, xD-X",
        L1_FIXED,
        .flags = STFLASH_CHIP_DATA_EEPROM,
        .flash_size_reg = 0x1FF800CCu,
        .flash_size_max = KIB(512),
        .geom = L1_PAGES(2),
        .bank2_base = 0x08040000u,
        .sram_size = KIB(80),
        .sram_size_min = KIB(80),
        .ref = "RM0038 §NVM organization",
    },
};

CHIP_TABLE(chip_table_l0_l1, rows);
