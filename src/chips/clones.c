/*
 * Parts from other vendors that answer with an STM32F1 DEV_ID. The facts come from community
 * reports and debugger sources, not from vendor manuals; weak ones are marked "unverified".
 *
 * Tell-tales: ROM-table designer other than ST (0x020); DP IDCODE 0x2BA01477 where a genuine
 * F1 shows 0x1BA01477 (RM0008 §JTAG/SW-DP ID codes); REV_ID outside ST's list (F1 medium
 * density: 0x0000, 0x2000, 0x2001, 0x2003, RM0008 §MCU device ID code); CPUID r2p1 where a
 * genuine F1 is r1p1.
 */
#include <ctype.h>
#include <stdbool.h>

#include "chip_tables.h"
#include "stflash/error.h"

#define DPIDR_CLONE_M3 0x2BA01477u /* where a genuine F1 answers 0x1BA01477 */
#define CPUID_M3_R2P1 0x412FC231u
#define CPUID_M4_R0P1 0x410FC241u
/* Designer seen on CKS32/CS32 parts: bank 6, code 0x55 (not a valid ST code). */
#define JEP106_CKS STFLASH_JEP106(5, 0x55)

/* GigaDevice REV_IDs reported on DEV_ID 0x410. 0x1303 is the GD32F1x0's, but a GD32F103 reads
 * it too (docs/chips.md, clone table): the ROM-table PARTNO tells the two apart. */
#define REV_GD32F1X0 0x1303u
#define REV_GD32F3X0 0x1704u
#define REV_GD32E23X 0x1909u
/* WCH CH32F103 REV_ID (the same value as genuine F1 revision B, so not decisive alone). */
#define REV_CH32F103 0x2000u

enum clone_index {
    CLONE_CKS32F103,
    CLONE_GD32F103,
    CLONE_GD32_HD,
    CLONE_GD32_XD,
    CLONE_GD32F1X0,
    CLONE_GD32F3X0,
    CLONE_GD32E23X,
    CLONE_APM32F103,
    CLONE_CH32F103,
    CLONE_COUNT
};

static const struct stflash_clone_info clones[CLONE_COUNT] = {
    [CLONE_CKS32F103] =
        {
            .vendor = "CKS",
            .name = "CKS32F103/CS32F103",
            .dev_id = 0x410,
            .rom_designer = JEP106_CKS, /* some parts show it as legacy code 0x55 */
            .rom_partno = 0x29B,
            .dp_idcode = DPIDR_CLONE_M3,
            .quirks = STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO,
            .flash_size_fallback = KIB(128),
            .source = "platformio-core #2664, xpack-dev-tools/openocd PR #2, blackmagic #1821; "
                      "128 KiB fallback: observed tool behaviour, unverified",
        },
    [CLONE_GD32F103] =
        {
            .vendor = "GigaDevice",
            .name = "GD32F103",
            .dev_id = 0x410,
            .rom_designer = STFLASH_JEP106_GIGADEVICE,
            .rom_partno = 0xF64,
            .cpuid = CPUID_M3_R2P1,
            .quirks = STFLASH_CLONE_PROGRAM_32BIT | STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM,
            .page_size = KIB(1),
            .source = "ROM-table PIDR 0x07000D1F64 as read on a GD32F103; REV_ID 0x1303 (the "
                      "GD32F1x0's) read on a GD32F103CBT6 (blaatschaap.be 32F103 comparison); "
                      "GD32 FMC behaviour from debugger support code",
        },
    [CLONE_GD32_HD] =
        {
            .vendor = "GigaDevice",
            .name = "GD32F10x/F30x high density",
            .dev_id = 0x414,
            .rom_designer = STFLASH_JEP106_GIGADEVICE,
            .quirks = STFLASH_CLONE_PROGRAM_32BIT | STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM,
            .page_size = KIB(2),
            .source = "debugger support code (GD32F303: CPUID 0x410FC241, M4 r0p1)",
        },
    [CLONE_GD32_XD] =
        {
            .vendor = "GigaDevice",
            .name = "GD32F10x/F30x XL density",
            .dev_id = 0x430,
            .rom_designer = STFLASH_JEP106_GIGADEVICE,
            .cpuid = CPUID_M4_R0P1, /* GD32F303; GD32F10x XD is a Cortex-M3 */
            .quirks = STFLASH_CLONE_PROGRAM_32BIT | STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM |
                      STFLASH_CLONE_BANK2_4K_PAGES,
            .page_size = KIB(2),
            .source = "debugger support code",
        },
    [CLONE_GD32F1X0] =
        {
            .vendor = "GigaDevice",
            .name = "GD32F1x0",
            .dev_id = 0x410,
            .rev_id = REV_GD32F1X0,
            .rom_designer = STFLASH_JEP106_GIGADEVICE, /* unverified for this line */
            .quirks = STFLASH_CLONE_F0_STYLE_OPTIONS,
            .flash_size_fallback = KIB(64),
            .page_size = KIB(1),
            .source = "debugger support code (REV_ID 0x1303, max 64 KiB)",
        },
    [CLONE_GD32F3X0] =
        {
            .vendor = "GigaDevice",
            .name = "GD32F3x0",
            .dev_id = 0x410,
            .rev_id = REV_GD32F3X0,
            .rom_designer = STFLASH_JEP106_GIGADEVICE, /* unverified for this line */
            .quirks = STFLASH_CLONE_F0_STYLE_OPTIONS,
            .source = "debugger support code (REV_ID 0x1704); page size unverified",
        },
    [CLONE_GD32E23X] =
        {
            /* Cortex-M23: DBGMCU_IDCODE read at 0x40015800. */
            .vendor = "GigaDevice",
            .name = "GD32E23x",
            .dev_id = 0x410,
            .rev_id = REV_GD32E23X,
            .rom_designer = STFLASH_JEP106_GIGADEVICE, /* unverified for this line */
            .quirks = STFLASH_CLONE_F0_STYLE_OPTIONS | STFLASH_CLONE_OPTION_WRITE_32BIT,
            .flash_size_fallback = KIB(64),
            .page_size = KIB(1),
            .source = "debugger support code (REV_ID 0x1909, max 64 KiB)",
        },
    [CLONE_APM32F103] =
        {
            .vendor = "Geehy",
            .name = "APM32F103",
            .dev_id = 0x410,
            .rom_designer = STFLASH_JEP106_ARM,
            .rom_partno = 0x4C3,
            .dp_idcode = DPIDR_CLONE_M3, /* Geehy's own OpenOCD configuration expects it */
            .cpuid = CPUID_M3_R2P1,
            /* A half-word written while BSY is set is lost: embassy-rs commit 4239a438 ("Only
             * one half-word gets written while the other one gets lost"). */
            .quirks = STFLASH_CLONE_POLL_BSY_EACH_HALFWORD,
            .source = "ROM-table PIDR 0x04000BB4C3 as read on an APM32F103; blackmagic #1148, "
                      "#1203; DP IDCODE: stm32f1-picopwner #39 (apm32f1x.cfg); lost half-word "
                      "without BSY polling: embassy-rs commit 4239a438",
        },
    [CLONE_CH32F103] =
        {
            .vendor = "WCH",
            .name = "CH32F103",
            .dev_id = 0x410,
            .rev_id = REV_CH32F103,
            .rom_designer = STFLASH_JEP106_ARM,
            .rom_partno = 0x4C3,
            .dp_idcode = DPIDR_CLONE_M3, /* unverified: reported on a clone of unconfirmed vendor */
            .quirks = STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO | STFLASH_CLONE_FAST_PAGE_MODE,
            .flash_size_fallback = KIB(64),
            .source = "blackmagic #990, #1252; fast mode: 128-byte pages via FLASH_MODEKEYR "
                      "0x40022024",
        },
};

size_t stflash_clone_count(void)
{
    return CLONE_COUNT;
}

const struct stflash_clone_info *stflash_clone_at(size_t i)
{
    return i < CLONE_COUNT ? &clones[i] : NULL;
}

/* Part numbers --chip takes for each clone: 'x' stands for any one letter or digit (the package,
 * or a flash size of the same density), and a longer part number (ordering code) matches too.
 * GigaDevice numbering as ST's: the last letter is the flash size (8/B medium, C/D/E high, F/G/I/K
 * XL density; docs/chips.md, clone table). */
static const struct {
    const char *pattern;
    enum clone_index clone;
} clone_names[] = {
    {"CKS32F103", CLONE_CKS32F103}, {"CS32F103", CLONE_CKS32F103},  {"GD32F103x4", CLONE_GD32F103},
    {"GD32F103x6", CLONE_GD32F103}, {"GD32F103x8", CLONE_GD32F103}, {"GD32F103xB", CLONE_GD32F103},
    {"GD32F103xC", CLONE_GD32_HD},  {"GD32F103xD", CLONE_GD32_HD},  {"GD32F103xE", CLONE_GD32_HD},
    {"GD32F303xC", CLONE_GD32_HD},  {"GD32F303xE", CLONE_GD32_HD},  {"GD32F103xF", CLONE_GD32_XD},
    {"GD32F103xG", CLONE_GD32_XD},  {"GD32F103xI", CLONE_GD32_XD},  {"GD32F103xK", CLONE_GD32_XD},
    {"GD32F303xG", CLONE_GD32_XD},  {"GD32F303xK", CLONE_GD32_XD},  {"GD32F130", CLONE_GD32F1X0},
    {"GD32F150", CLONE_GD32F1X0},   {"GD32F170", CLONE_GD32F1X0},   {"GD32F190", CLONE_GD32F1X0},
    {"GD32F330", CLONE_GD32F3X0},   {"GD32F350", CLONE_GD32F3X0},   {"GD32E230", CLONE_GD32E23X},
    {"APM32F103", CLONE_APM32F103}, {"CH32F103", CLONE_CH32F103},
};

const char *stflash_clone_part_name(size_t i)
{
    return i < sizeof clone_names / sizeof clone_names[0] ? clone_names[i].pattern : NULL;
}

/* The name starts with the pattern, 'x' matching any one letter or digit, case-insensitive. */
static bool name_fits(const char *name, const char *pattern)
{
    for (; *pattern; pattern++, name++) {
        if (!*name)
            return false;
        if (*pattern == 'x' ? !isalnum((unsigned char)*name)
                            : toupper((unsigned char)*name) != *pattern)
            return false;
    }
    return true;
}

int stflash_clone_lookup(const char *name, const struct stflash_clone_info **out)
{
    *out = NULL;
    if (!name)
        return STFLASH_ERR_INVALID_ARG;
    for (size_t i = 0; i < sizeof clone_names / sizeof clone_names[0]; i++)
        if (name_fits(name, clone_names[i].pattern)) {
            *out = &clones[clone_names[i].clone];
            return STFLASH_OK;
        }
    return STFLASH_ERR_NOT_FOUND;
}

static int is_cks_designer(uint32_t designer)
{
    if (designer == JEP106_CKS)
        return 1;
    /* Parts without the "JEP106 used" bit: only the identity code is meaningful. */
    return (designer & STFLASH_JEP106_LEGACY) && (designer & 0x7Fu) == (JEP106_CKS & 0x7Fu);
}

const struct stflash_clone_info *stflash_clone_identify_rom(uint32_t dev_id, uint32_t dp_idcode,
                                                            uint32_t rom_designer_jep106,
                                                            uint32_t rom_partno, uint32_t rev_id)
{
    uint32_t designer = rom_designer_jep106;

    if (designer == STFLASH_JEP106_GIGADEVICE) {
        switch (dev_id) {
        case 0x410:
            /* The GD32F103 shares REV_ID 0x1303 with the GD32F1x0: its PARTNO comes first. */
            if (rom_partno && rom_partno == clones[CLONE_GD32F103].rom_partno)
                return &clones[CLONE_GD32F103];
            if (rev_id == REV_GD32F1X0)
                return &clones[CLONE_GD32F1X0];
            if (rev_id == REV_GD32F3X0)
                return &clones[CLONE_GD32F3X0];
            if (rev_id == REV_GD32E23X)
                return &clones[CLONE_GD32E23X];
            return &clones[CLONE_GD32F103];
        case 0x414:
            return &clones[CLONE_GD32_HD];
        case 0x430:
            return &clones[CLONE_GD32_XD];
        default:
            return NULL;
        }
    }

    if (dev_id != 0x410)
        return NULL;

    /* REV_IDs ST never used on 0x410: GigaDevice lines, whatever the ROM table says. */
    if (rev_id == REV_GD32F1X0)
        return &clones[CLONE_GD32F1X0];
    if (rev_id == REV_GD32F3X0)
        return &clones[CLONE_GD32F3X0];
    if (rev_id == REV_GD32E23X)
        return &clones[CLONE_GD32E23X];

    if (is_cks_designer(designer))
        return &clones[CLONE_CKS32F103];

    /* Generic Arm ROM table instead of ST's: CH32 shows REV_ID 0x2000, APM32 something else. */
    if (designer == STFLASH_JEP106_ARM)
        return rev_id == REV_CH32F103 ? &clones[CLONE_CH32F103] : &clones[CLONE_APM32F103];

    /* ST designer or not read: the Cortex-M3 r2 SW-DP gives a CKS32/CS32 away. */
    if (dp_idcode == DPIDR_CLONE_M3)
        return &clones[CLONE_CKS32F103];

    return NULL;
}

const struct stflash_clone_info *stflash_clone_identify(uint32_t dev_id, uint32_t dp_idcode,
                                                        uint32_t rom_designer_jep106,
                                                        uint32_t rev_id)
{
    return stflash_clone_identify_rom(dev_id, dp_idcode, rom_designer_jep106, 0, rev_id);
}
