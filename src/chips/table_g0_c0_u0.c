/*
 * G0, C0 and U0 (Cortex-M0+): L4-style controller at 0x40022000, 2 KiB pages, 64-bit double-word
 * programming, options in FLASH_OPTR (+0x20).
 * DBGMCU_IDCODE 0x40015800 (RM0444/RM0490/RM0503 §DBGMCU_IDCODE).
 * Option bytes: 0x1FFF7800-0x1FFF787F (RM0444 §3.3.1).
 */
#include "chip_tables.h"

#define G0_REGS 0x40022000u

#define M0P_L4_FIXED                                                                               \
    .core = STFLASH_CORE_M0P, .flash_ctrl = STFLASH_CTRL_L4_STYLE, .flash_base = STM32_FLASH_BASE, \
    .flash_regs = G0_REGS, .program_unit = 8, .erased_value = 0xFF, .sram_base = STM32_SRAM_BASE,  \
    .ob_base = 0x1FFF7800u, .ob_size = 128u, .opt_reg = G0_REGS + 0x20u,                           \
    .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M0, .geom = {.banks = 1, .page_size = KIB(2)}

#define G0_FIXED .family = STFLASH_FAMILY_G0, .flash_size_reg = 0x1FFF75E0u, M0P_L4_FIXED
#define C0_FIXED .family = STFLASH_FAMILY_C0, .flash_size_reg = 0x1FFF75A0u, M0P_L4_FIXED
/* U0: the option-byte address is taken over from G0; U0's information block is laid out
 * differently (flash-size register and OTP elsewhere), so it is unverified for U0. */
#define U0_FIXED .family = STFLASH_FAMILY_U0, M0P_L4_FIXED

static const struct stflash_chip_info rows[] = {
    /* ---- G0 ---- */
    {
        .dev_id = 0x466,
        .name = "STM32G03x/G04x",
        .descr = "G03x/G04x device",
        .parts = "G030/G031/G041",
        G0_FIXED,
        .flash_size_max = KIB(64),
        .sram_size = KIB(8),
        .sram_size_min = KIB(8),
        .ref = "RM0444 §3.3.1, RM0454 §3.3.1",
    },
    {
        .dev_id = 0x456,
        .name = "STM32G05x/G06x",
        .descr = "G05x/G06x device",
        .parts = "G050/G051/G061",
        G0_FIXED,
        .flash_size_max = KIB(64),
        .sram_size = KIB(18),
        .sram_size_min = KIB(18),
        .ref = "RM0444 §3.3.1, RM0454 §3.3.1",
    },
    {
        .dev_id = 0x460,
        .name = "STM32G07x/G08x",
        .descr = "G07x/G08x device",
        .parts = "G070/G071/G081",
        G0_FIXED,
        .flash_size_max = KIB(128),
        .sram_size = KIB(36),
        .sram_size_min = KIB(36),
        .ref = "RM0444 §3.3.1, RM0454 §3.3.1",
    },
    {
        /* OPTR.DUAL_BANK (bit 21) = 1: two contiguous 256 KiB banks; bank-2 page numbers start
         * at 256, CR.BKER is bit 13, SR.BSY2 bit 17. */
        .dev_id = 0x467,
        .name = "STM32G0Bx/G0Cx",
        .descr = "G0Bx/G0Cx device",
        .parts = "G0B0/G0B1/G0C1",
        G0_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION,
        .flash_size_max = KIB(512),
        .dual_geom = {.banks = 2, .page_size = KIB(2)},
        .bank2_base = 0x08040000u,
        .sram_size = KIB(144),
        .sram_size_min = KIB(144),
        .ref = "RM0444 §3.3.1, RM0454 §3.3.1",
    },

    /* ---- C0 ---- */
    {
        /* ROM-table PARTNO reads 0x466 (the G03x/G04x value). */
        .dev_id = 0x443,
        .name = "STM32C011",
        .descr = "C011 device",
        .parts = "C011",
        C0_FIXED,
        .flags = STFLASH_CHIP_ROM_PARTNO_DIFFERS,
        .flash_size_max = KIB(32),
        .sram_size = KIB(6),
        .sram_size_min = KIB(6),
        .ref = "RM0490 §FLASH memory organization",
    },
    {
        /* ROM-table PARTNO reads 0x466 (the G03x/G04x value). */
        .dev_id = 0x453,
        .name = "STM32C031",
        .descr = "C031 device",
        .parts = "C031",
        C0_FIXED,
        .flags = STFLASH_CHIP_ROM_PARTNO_DIFFERS,
        .flash_size_max = KIB(32),
        .sram_size = KIB(12),
        .sram_size_min = KIB(12),
        .ref = "RM0490 §FLASH memory organization",
    },
    {
        .dev_id = 0x44C,
        .name = "STM32C051",
        .descr = "C051 device",
        .parts = "C051",
        C0_FIXED,
        .flash_size_max = KIB(64),
        .sram_size = KIB(12),
        .sram_size_min = KIB(12),
        .ref = "RM0490 §FLASH memory organization",
    },
    {
        .dev_id = 0x493,
        .name = "STM32C071",
        .descr = "C071 device",
        .parts = "C071",
        C0_FIXED,
        .flash_size_max = KIB(128),
        .sram_size = KIB(24),
        .sram_size_min = KIB(24),
        .ref = "RM0490 §FLASH memory organization",
    },
    {
        .dev_id = 0x44D,
        .name = "STM32C091/C092",
        .descr = "C09x device",
        .parts = "C091/C092",
        C0_FIXED,
        .flash_size_max = KIB(256),
        .sram_size = KIB(36), /* C091; C092 has 30 KiB */
        .sram_size_min = KIB(30),
        .ref = "RM0490 §FLASH memory organization",
    },

    /* ---- U0 ---- */
    {
        .dev_id = 0x459,
        .name = "STM32U031",
        .descr = "U031 device",
        .parts = "U031",
        U0_FIXED,
        .flash_size_reg = 0x1FFF3EA0u,
        .flash_size_max = KIB(64),
        .sram_size = KIB(12),
        .sram_size_min = KIB(12),
        .ref = "RM0503 §FLASH memory organization",
    },
    {
        .dev_id = 0x489,
        .name = "STM32U073/U083",
        .descr = "U073/U083 device",
        .parts = "U073/U083",
        U0_FIXED,
        .flash_size_reg = 0x1FFF6EA0u,
        .flash_size_max = KIB(256),
        .sram_size = KIB(40),
        .sram_size_min = KIB(40),
        .ref = "RM0503 §FLASH memory organization",
    },
};

CHIP_TABLE(chip_table_g0_c0_u0, rows);
