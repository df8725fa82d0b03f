/*
 * H7 (Cortex-M7): controller at 0x52002000 (bank 2 registers at 0x52002100), DBGMCU_IDCODE at
 * 0x5C001000 (0xE00E1000 through the debug APB on AP2) (RM0433 §DBGMCU_IDCODE).
 * Options live in registers only: OPTSR_CUR 0x5200201C, OPTSR_PRG 0x52002020; ob_base/ob_size
 * cover OPTSR_PRG up to BOOT_PRGR (44 bytes).
 * SRAM: DTCM at 0x20000000 (128 KiB), reachable by the debugger; AXI SRAM at 0x24000000 not
 * counted.
 */
#include "chip_tables.h"

#define H7_REGS 0x52002000u
#define H7_DTCM 0x20000000u

#define H7_COMMON                                                                                  \
    .family = STFLASH_FAMILY_H7, .core = STFLASH_CORE_M7, .flash_base = STM32_FLASH_BASE,          \
    .flash_regs = H7_REGS, .erased_value = 0xFF, .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_H7

#define H7_OPTIONS .ob_base = H7_REGS + 0x20u, .ob_size = 44u, .opt_reg = H7_REGS + 0x1Cu

static const struct stflash_chip_info rows[] = {
    {
        /* 128 KiB sectors, 256-bit flash words. xI: two banks of 8 sectors, bank 2 at
         * 0x08100000; xG: two banks of 4 sectors with a hole at 0x08080000-0x080FFFFF;
         * H750xB: one 128 KiB sector. H745/H747/H755/H757 add a Cortex-M4 that cannot read the
         * flash-size register. */
        .dev_id = 0x450,
        .name = "STM32H74x/H75x",
        .descr = "H74x/H75x device",
        .parts = "H742/H743/H750/H753, H745/H747/H755/H757",
        H7_COMMON,
        .flash_ctrl = STFLASH_CTRL_H7,
        .flags = STFLASH_CHIP_DUAL_CORE | STFLASH_CHIP_FSZ_NOT_FROM_CPU2 | STFLASH_CHIP_BANK2_GAP,
        .flash_size_reg = 0x1FF1E880u,
        .flash_size_max = MIB(2),
        .geom = {.banks = 2, .sectors = {{KIB(128), 8}}},
        .bank2_base = 0x08100000u,
        .flash_regs_bank2 = H7_REGS + 0x100u,
        .program_unit = 32,
        .sram_base = H7_DTCM,
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        H7_OPTIONS,
        .ref = "RM0433 §FLASH memory organization, RM0399 §FLASH memory organization",
    },
    {
        .dev_id = 0x483,
        .name = "STM32H72x/H73x",
        .descr = "H72x/H73x device",
        .parts = "H723/H725/H730/H733/H735",
        H7_COMMON,
        .flash_ctrl = STFLASH_CTRL_H7,
        .flash_size_reg = 0x1FF1E880u,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .sectors = {{KIB(128), 8}}},
        .program_unit = 32,
        .sram_base = H7_DTCM,
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        H7_OPTIONS,
        .ref = "RM0468 §FLASH memory organization",
    },
    {
        /* 8 KiB sectors. xI: two 1 MiB banks; xG: one 1 MiB bank; H7B0xB: 128 KiB.
         * Program unit 16 bytes (128-bit) per one tool; the CubeMX data says 32 (disagreement,
         * 16 kept). */
        .dev_id = 0x480,
        .name = "STM32H7Ax/H7Bx",
        .descr = "H7Ax/H7Bx device",
        .parts = "H7A3/H7B3/H7B0",
        H7_COMMON,
        .flash_ctrl = STFLASH_CTRL_H7AB,
        .flash_size_reg = 0x08FFF80Cu,
        .flash_size_max = MIB(2),
        .geom = {.banks = 2, .sectors = {{KIB(8), 128}}},
        .bank2_base = 0x08100000u,
        .flash_regs_bank2 = H7_REGS + 0x100u,
        .program_unit = 16,
        .sram_base = H7_DTCM,
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        H7_OPTIONS,
        .ref = "RM0455 §FLASH memory organization",
    },
    {
        /* 8 x 8 KiB sectors, single bank, 128-bit programming. Option register OPTSR at
         * +0x10C per one tool; another places the registers elsewhere (disagreement).
         * SRAM: AXI SRAM1 at 0x24000000, 128 KiB (unverified: part of it can be given to the
         * TCMs by option). */
        .dev_id = 0x485,
        .name = "STM32H7Rx/H7Sx",
        .descr = "H7Rx/H7Sx device",
        .parts = "H7R3/H7R7/H7S3/H7S7",
        H7_COMMON,
        .flash_ctrl = STFLASH_CTRL_H7RS,
        .flash_size_reg = 0x08FFF80Cu,
        .flash_size_max = KIB(64),
        .geom = {.banks = 1, .page_size = KIB(8)},
        .program_unit = 16,
        .sram_base = 0x24000000u,
        .sram_size = KIB(128),
        .sram_size_min = KIB(128),
        .ob_base = H7_REGS + 0x10Cu,
        .ob_size = 4u,
        .opt_reg = H7_REGS + 0x10Cu,
        .ref = "RM0477 §FLASH memory organization",
    },
};

CHIP_TABLE(chip_table_h7, rows);
