/*
 * L4, L4+, G4, WB and WL (Cortex-M4F): L4-style controller, 64-bit double-word programming,
 * options in FLASH_OPTR (+0x20). DBGMCU_IDCODE 0xE0042000 (RM0351/RM0440/RM0434 §DBGMCU_IDCODE).
 * Flash-size register 0x1FFF75E0 (RM0351 §Flash size data register).
 * Registers: 0x40022000; WB and WL 0x58004000.
 * Option bytes memory copy: L4 and G4 bank 1 at 0x1FFF7800 (bank 2 at 0x1FFFF800); L4+ at
 * 0x1FF00000; WB 0x1FFF8000 (128 bytes); WL 0x1FFF7800. The L4/L4+/G4 area size of 40 bytes
 * (USER/RDP, PCROP start/end, WRP A/B double words) is unverified.
 */
#include "chip_tables.h"

#define L4_REGS 0x40022000u
#define WBWL_REGS 0x58004000u

#define M4_L4_COMMON                                                                               \
    .core = STFLASH_CORE_M4, .flash_ctrl = STFLASH_CTRL_L4_STYLE, .flash_base = STM32_FLASH_BASE,  \
    .flash_size_reg = 0x1FFF75E0u, .program_unit = 8, .erased_value = 0xFF,                        \
    .sram_base = STM32_SRAM_BASE, .dbgmcu_idcode = STFLASH_DBGMCU_IDCODE_M3

#define L4_FIXED                                                                                   \
    .family = STFLASH_FAMILY_L4, M4_L4_COMMON, .flash_regs = L4_REGS, .ob_base = 0x1FFF7800u,      \
    .ob_size = 40u, .opt_reg = L4_REGS + 0x20u

#define L4P_FIXED                                                                                  \
    .family = STFLASH_FAMILY_L4P, M4_L4_COMMON, .flash_regs = L4_REGS, .ob_base = 0x1FF00000u,     \
    .ob_size = 40u, .opt_reg = L4_REGS + 0x20u

/* The L4's and L4+'s SRAM2 at 0x10000000, where the core's I-bus and D-bus reach it: code runs
 * from it (RM0394 §2.4, RM0351 §2.4, RM0432 §2.4; its alias after SRAM1 is in the SRAM region).
 * It is the chip table's ccm_base, as the G4's CCM SRAM at the same address is. */
#define L4_SRAM2 0x10000000u

#define G4_CCM 0x10000000u

#define G4_FIXED                                                                                   \
    .family = STFLASH_FAMILY_G4, M4_L4_COMMON, .flash_regs = L4_REGS, .ob_base = 0x1FFF7800u,      \
    .ob_size = 40u, .opt_reg = L4_REGS + 0x20u

#define WB_FIXED                                                                                   \
    .family = STFLASH_FAMILY_WB, M4_L4_COMMON, .flash_regs = WBWL_REGS, .ob_base = 0x1FFF8000u,    \
    .ob_size = 128u, .opt_reg = WBWL_REGS + 0x20u

#define WL_FIXED                                                                                   \
    .family = STFLASH_FAMILY_WL, M4_L4_COMMON, .flash_regs = WBWL_REGS, .ob_base = 0x1FFF7800u,    \
    .ob_size = 16u, .opt_reg = WBWL_REGS + 0x20u

#define PAGES_2K                                                                                   \
    {                                                                                              \
        .banks = 1, .page_size = KIB(2)                                                            \
    }

static const struct stflash_chip_info rows[] = {
    /* ---- L4; SRAM2 is only counted where it is contiguous with SRAM1 ---- */
    {
        .dev_id = 0x464,
        .name = "STM32L41x/L42x",
        .descr = "L41x/L42x device",
        .parts = "L412/L422",
        L4_FIXED,
        .flash_size_max = KIB(128),
        .geom = PAGES_2K,
        .sram_size = KIB(32), /* SRAM1; SRAM2 (8 KiB) not counted: contiguity unverified */
        .sram_size_min = KIB(32),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(8), /* SRAM2 */
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0394 §3.3.1",
    },
    {
        .dev_id = 0x435,
        .name = "STM32L43x/L44x",
        .descr = "L43x/L44x device",
        .parts = "L431/L432/L433/L442/L443",
        L4_FIXED,
        .flash_size_max = KIB(256),
        .geom = PAGES_2K,
        .sram_size = KIB(48), /* SRAM1; SRAM2 (16 KiB) not counted: contiguity unverified */
        .sram_size_min = KIB(48),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(16), /* SRAM2 */
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0394 §3.3.1",
    },
    {
        .dev_id = 0x462,
        .name = "STM32L45x/L46x",
        .descr = "L45x/L46x device",
        .parts = "L451/L452/L462",
        L4_FIXED,
        .flash_size_max = KIB(512),
        .geom = PAGES_2K,
        .sram_size = KIB(128), /* SRAM1; SRAM2 (32 KiB) not counted: contiguity unverified */
        .sram_size_min = KIB(128),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(32), /* SRAM2 */
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0394 §3.3.1",
    },
    {
        /* 1 MiB parts are always two 512 KiB banks (bank 2 at 0x08080000); 256/512 KiB parts
         * are dual bank only with OPTR.DUALBANK (bit 21). SRAM2 sits at 0x10000000. */
        .dev_id = 0x415,
        .name = "STM32L47x/L48x",
        .descr = "L47x/L48x device",
        .parts = "L471/L475/L476/L486",
        L4_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION | STFLASH_CHIP_CCM_CODE,
        .flash_size_max = MIB(1),
        .geom = {.banks = 2, .page_size = KIB(2)},
        .bank2_base = 0x08080000u,
        .sram_size = KIB(96),
        .sram_size_min = KIB(96),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(32), /* SRAM2 */
        .ref = "RM0351 §3.3.1",
    },
    {
        /* As 0x415; SRAM1 + SRAM2 are contiguous here. */
        .dev_id = 0x461,
        .name = "STM32L49x/L4Ax",
        .descr = "L49x/L4Ax device",
        .parts = "L496/L4A6",
        L4_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION | STFLASH_CHIP_CCM_CODE,
        .flash_size_max = MIB(1),
        .geom = {.banks = 2, .page_size = KIB(2)},
        .bank2_base = 0x08080000u,
        .sram_size = KIB(320),
        .sram_size_min = KIB(320),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(64), /* SRAM2 */
        .ref = "RM0351 §3.3.1",
    },

    /* ---- L4+ ---- */
    {
        /* Single bank: 8 KiB pages; dual bank (OPTR.DBANK bit 22 on 2 MiB parts, DB1M bit 21
         * on 1 MiB parts): 4 KiB pages, bank 2 at half the flash. */
        .dev_id = 0x470,
        .name = "STM32L4Rx/L4Sx",
        .descr = "L4Rx/L4Sx device",
        .parts = "L4R5/L4R7/L4R9/L4S5/L4S7/L4S9",
        L4P_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION | STFLASH_CHIP_CCM_CODE,
        .flash_size_max = MIB(2),
        .geom = {.banks = 1, .page_size = KIB(8)},
        .dual_geom = {.banks = 2, .page_size = KIB(4)},
        .bank2_base = 0x08100000u,
        .sram_size = KIB(640), /* 192 + 64 + 384 */
        .sram_size_min = KIB(640),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(64), /* SRAM2 */
        .ref = "RM0432 §3.3.1",
    },
    {
        /* As 0x470: DBANK on 1 MiB parts, DB512K (bit 21) on 512 KiB parts. */
        .dev_id = 0x471,
        .name = "STM32L4Px/L4Qx",
        .descr = "L4Px/L4Qx device",
        .parts = "L4P5/L4Q5",
        L4P_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION | STFLASH_CHIP_CCM_CODE,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .page_size = KIB(8)},
        .dual_geom = {.banks = 2, .page_size = KIB(4)},
        .bank2_base = 0x08080000u,
        .sram_size = KIB(320), /* 128 + 64 + 128 */
        .sram_size_min = KIB(320),
        .ccm_base = L4_SRAM2,
        .ccm_size = KIB(64), /* SRAM2 */
        .ref = "RM0432 §3.3.1",
    },

    /* ---- G4; CCM SRAM is aliased right after SRAM2, so it counts in sram_size; at 0x10000000
     * it is on the instruction bus, where code placed in it runs (RM0440 §2.4). ---- */
    {
        .dev_id = 0x468,
        .name = "STM32G4 category 2",
        .descr = "G43x/G44x device",
        .parts = "G431/G441",
        G4_FIXED,
        .flash_size_max = KIB(128),
        .geom = PAGES_2K,
        .sram_size = KIB(32), /* 16 + 6 + CCM 10 */
        .sram_size_min = KIB(32),
        .ccm_base = G4_CCM,
        .ccm_size = KIB(10),
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0440 §FLASH memory organization",
    },
    {
        /* OPTR.DBANK (bit 22) = 0: single bank, 4 KiB pages; = 1: two banks, 2 KiB pages,
         * bank 2 at 0x08040000 even on parts with less flash (hole in between). */
        .dev_id = 0x469,
        .name = "STM32G4 category 3",
        .descr = "G47x/G48x device",
        .parts = "G471/G473/G474/G483/G484",
        G4_FIXED,
        .flags = STFLASH_CHIP_DUAL_BANK_OPTION | STFLASH_CHIP_BANK2_GAP | STFLASH_CHIP_CCM_CODE,
        .flash_size_max = KIB(512),
        .geom = {.banks = 1, .page_size = KIB(4)},
        .dual_geom = {.banks = 2, .page_size = KIB(2)},
        .bank2_base = 0x08040000u,
        .sram_size = KIB(128), /* 80 + 16 + CCM 32 */
        .sram_size_min = KIB(128),
        .ccm_base = G4_CCM,
        .ccm_size = KIB(32),
        .ref = "RM0440 §FLASH memory organization",
    },
    {
        .dev_id = 0x479,
        .name = "STM32G4 category 4",
        .descr = "G49x/G4Ax device",
        .parts = "G491/G4A1",
        G4_FIXED,
        .flash_size_max = KIB(512),
        .geom = PAGES_2K,
        .sram_size = KIB(112), /* 80 + 16 + CCM 16 */
        .sram_size_min = KIB(112),
        .ccm_base = G4_CCM,
        .ccm_size = KIB(16),
        .flags = STFLASH_CHIP_CCM_CODE,
        .ref = "RM0440 §FLASH memory organization",
    },

    /* ---- WB (Cortex-M4 + Cortex-M0+ radio core) ---- */
    {
        /* Top of the flash is reserved for the CPU2 stack (FLASH_SFR.SFSA). */
        .dev_id = 0x495,
        .name = "STM32WB5x/WB3x",
        .descr = "WB5x/WB3x device",
        .parts = "WB30/WB35/WB50/WB55",
        WB_FIXED,
        .flags = STFLASH_CHIP_DUAL_CORE,
        .flash_size_max = MIB(1),
        .geom = {.banks = 1, .page_size = KIB(4)},
        .sram_size = KIB(256), /* SRAM1 192 + SRAM2a 32 + SRAM2b 32 */
        .sram_size_min = KIB(256),
        .ref = "RM0434 §3.3.1, RM0471 §FLASH memory organization",
    },
    {
        /* Option-byte address taken over from WB5x: unverified. The CubeMX data's erased value
         * 0x00 for this ID is taken to be a data error: 0xFF kept, unverified. */
        .dev_id = 0x494,
        .name = "STM32WB1x",
        .descr = "WB1x device",
        .parts = "WB10/WB15",
        WB_FIXED,
        .flags = STFLASH_CHIP_DUAL_CORE,
        .flash_size_max = KIB(320),
        .geom = PAGES_2K,
        .sram_size = KIB(12), /* SRAM1 only; SRAM2a/2b (32 + 4 KiB) contiguity unverified */
        .sram_size_min = KIB(12),
        .ref = "RM0473 §FLASH memory organization, RM0478 §FLASH memory organization",
    },

    /* ---- WL ---- */
    {
        /* Single bank. WL5x adds a Cortex-M0+ (AP1) that cannot read DBGMCU_IDCODE. */
        .dev_id = 0x497,
        .name = "STM32WLEx/WL5x",
        .descr = "WLEx/WL5x device",
        .parts = "WLE4/WLE5, WL54/WL55",
        WL_FIXED,
        .flags = STFLASH_CHIP_DUAL_CORE,
        .flash_size_max = KIB(256),
        .geom = PAGES_2K,
        .sram_size = KIB(64), /* 32 + 32 */
        .sram_size_min = KIB(64),
        .ref = "RM0461 §3.3.1, RM0453 §Flash memory organization",
    },
};

CHIP_TABLE(chip_table_l4_g4_wb_wl, rows);
