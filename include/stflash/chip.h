/*
 * STM32 chip identification data: one row per DEV_ID (DBGMCU_IDCODE[11:0]) with the flash
 * geometry, the addresses a programmer needs and the reference manual that documents them, plus a
 * small table of known STM32F1 clones that answer with an ST DEV_ID.
 *
 * All data is constant; every pointer returned here stays valid for the life of the program.
 * Sizes are in bytes, addresses are absolute target addresses.
 */
#ifndef STFLASH_CHIP_H
#define STFLASH_CHIP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

/* Product families. L4P is the L4+ (L4Rx/L4Sx/L4Px/L4Qx). U0, U3 and WBA are listed too because
 * their DEV_IDs are known; they are not part of any other family. */
enum stflash_family {
    STFLASH_FAMILY_UNKNOWN = 0,
    STFLASH_FAMILY_F0,
    STFLASH_FAMILY_F1,
    STFLASH_FAMILY_F2,
    STFLASH_FAMILY_F3,
    STFLASH_FAMILY_F4,
    STFLASH_FAMILY_F7,
    STFLASH_FAMILY_G0,
    STFLASH_FAMILY_G4,
    STFLASH_FAMILY_H5,
    STFLASH_FAMILY_H7,
    STFLASH_FAMILY_L0,
    STFLASH_FAMILY_L1,
    STFLASH_FAMILY_L4,
    STFLASH_FAMILY_L4P,
    STFLASH_FAMILY_L5,
    STFLASH_FAMILY_U5,
    STFLASH_FAMILY_WB,
    STFLASH_FAMILY_WL,
    STFLASH_FAMILY_C0,
    STFLASH_FAMILY_U0,
    STFLASH_FAMILY_U3,
    STFLASH_FAMILY_WBA,
    STFLASH_FAMILY_COUNT /* number of enumerators, not a family */
};

/* The main CPU core (the one the debugger reaches on AP0). */
enum stflash_core {
    STFLASH_CORE_UNKNOWN = 0,
    STFLASH_CORE_M0,  /* CPUID part number 0xC20 */
    STFLASH_CORE_M0P, /* 0xC60 */
    STFLASH_CORE_M3,  /* 0xC23 */
    STFLASH_CORE_M4,  /* 0xC24 */
    STFLASH_CORE_M7,  /* 0xC27 */
    STFLASH_CORE_M33, /* 0xD21 */
};

/* Flash controller style: chips with the same style share the register map, the unlock sequence
 * and the program/erase procedure (base addresses and bank counts come from the row). */
enum stflash_flash_ctrl {
    STFLASH_CTRL_UNKNOWN = 0,
    STFLASH_CTRL_F0_F1_F3, /* FPEC: half-word programming, uniform pages; F1 XL has a second
                              register block for bank 2 (flash_regs_bank2) */
    STFLASH_CTRL_F2_F4,    /* sectors, PSIZE-selected program width, OPTCR option register */
    STFLASH_CTRL_F7,       /* as F2_F4 plus OPTCR1/OPTCR2, nDBANK on F76x/F77x */
    STFLASH_CTRL_L0_L1,    /* PECR with three lock levels, word/half-page programming, erased 0 */
    STFLASH_CTRL_L4_STYLE, /* 64-bit double-word programming, KEYR/OPTKEYR/SR/CR/OPTR:
                              L4, L4+, G4, G0, C0, U0, WB, WL */
    STFLASH_CTRL_L5_U5,    /* TrustZone NS/S register sets, OPTR at +0x40: L5, U5, U3, WBA */
    STFLASH_CTRL_H5,       /* TrustZone, 8 KiB sectors, product-state lifecycle instead of RDP */
    STFLASH_CTRL_H7,       /* H74x/H75x/H72x/H73x: 256-bit flash words, 128 KiB sectors */
    STFLASH_CTRL_H7AB,     /* H7A3/H7B3/H7B0: H7 register map, other CR layout, 8 KiB sectors */
    STFLASH_CTRL_H7RS,     /* H7R3/H7R7/H7S3/H7S7: own register map, 8 KiB sectors */
};

/* DBGMCU_IDCODE addresses (CPU view). */
#define STFLASH_DBGMCU_IDCODE_M0 0x40015800u     /* Cortex-M0/M0+ parts: F0, L0, G0, C0, U0 */
#define STFLASH_DBGMCU_IDCODE_M3 0xE0042000u     /* Cortex-M3/M4/M7 parts except H7 */
#define STFLASH_DBGMCU_IDCODE_M33 0xE0044000u    /* Cortex-M33 parts: L5, U5, U3, H5, WBA */
#define STFLASH_DBGMCU_IDCODE_H5_ALT 0x44024000u /* H5: DBGMCU also seen at this CPU alias */
#define STFLASH_DBGMCU_IDCODE_H7 0x5C001000u     /* all H7 */

/* A run of equally sized sectors. */
struct stflash_sector_run {
    uint32_t size;  /* bytes per sector */
    uint32_t count; /* number of sectors; 0 ends the list */
};

#define STFLASH_CHIP_MAX_SECTOR_RUNS 4

/*
 * Erase geometry of the largest part of a DEV_ID in one bank mode.
 * Uniform parts: page_size != 0 and sectors[] is empty; the flash is split into `banks` equal
 * banks of pages. Sectored parts (F2, F4, F7): page_size == 0 and sectors[] lists one bank, which
 * is repeated `banks` times. banks == 0 means "this bank mode does not exist".
 */
struct stflash_flash_geometry {
    uint32_t banks;
    uint32_t page_size;
    struct stflash_sector_run sectors[STFLASH_CHIP_MAX_SECTOR_RUNS];
};

/* Row flags. */
enum stflash_chip_flag {
    STFLASH_CHIP_DUAL_BANK_OPTION = 1u << 0,   /* an option bit selects single or dual bank
                                                  (dual_geom), or smaller parts of this DEV_ID turn
                                                  dual bank by option */
    STFLASH_CHIP_FSZ_LOW_BYTE = 1u << 1,       /* only flash-size register bits [7:0] are valid */
    STFLASH_CHIP_FSZ_L1_CODED = 1u << 2,       /* flash-size register holds a code:
                                                  0 = 384 KiB, 1 = 256 KiB */
    STFLASH_CHIP_FSZ_NOT_FROM_CPU2 = 1u << 3,  /* second core cannot read the flash-size register */
    STFLASH_CHIP_ROM_PARTNO_DIFFERS = 1u << 4, /* ROM-table PARTNO is not the DEV_ID */
    STFLASH_CHIP_TRUSTZONE = 1u << 5,          /* Armv8-M TrustZone (secure register set) */
    STFLASH_CHIP_DUAL_CORE = 1u << 6,          /* some parts carry a second CPU */
    STFLASH_CHIP_DATA_EEPROM = 1u << 7,        /* data EEPROM at 0x08080000 */
    STFLASH_CHIP_F40X_REV_A_ALIAS = 1u << 8,   /* F40x rev A also reports this DEV_ID: see
                                                  stflash_chip_identify() */
    /* On parts with less flash, bank 2 stays at bank2_base, leaving a hole below it. */
    STFLASH_CHIP_BANK2_GAP = 1u << 9,
    /* The CCM SRAM (ccm_base; the L4's SRAM2) is on the core's instruction bus too: code runs
     * from it. */
    STFLASH_CHIP_CCM_CODE = 1u << 10,
};

struct stflash_chip_info {
    uint16_t dev_id;   /* DBGMCU_IDCODE[11:0] */
    const char *name;  /* part-family name, e.g. "STM32F1 medium density" */
    const char *descr; /* short description, e.g. "F1 Medium-density device" */
    const char *parts; /* part numbers sharing the DEV_ID, e.g. "F101/F102/F103 x8/xB" */
    enum stflash_family family;
    enum stflash_core core;
    enum stflash_flash_ctrl flash_ctrl;
    uint32_t flags; /* enum stflash_chip_flag */

    uint32_t flash_base;     /* main flash start */
    uint32_t flash_size_reg; /* address of the 16-bit flash-size register (KiB) */
    uint32_t flash_size_max; /* largest part of this DEV_ID: the size to assume when the
                                flash-size register reads 0 or 0xFFFF */

    struct stflash_flash_geometry geom; /* single bank, or the only mode of always-dual parts */
    struct stflash_flash_geometry dual_geom; /* dual-bank layout selected by an option bit;
                                                banks == 0 when there is none */
    uint32_t bank2_base;       /* bank 2 start on the largest part in dual-bank mode; 0 = none */
    uint32_t flash_regs;       /* flash controller register block (non-secure view) */
    uint32_t flash_regs_bank2; /* separate register block of bank 2, 0 when shared */

    uint32_t program_unit; /* bytes per program operation (2, 4, 8, 16, 32); F2/F4/F7: x32 width
                              at 2.7-3.6 V, wider needs VPP */
    uint8_t erased_value;  /* value of an erased byte */

    uint32_t sram_base;     /* first SRAM block usable by a flash loader */
    uint32_t sram_size;     /* contiguous SRAM at sram_base on the largest part */
    uint32_t sram_size_min; /* the same on the smallest part of this DEV_ID */
    uint32_t ccm_base;      /* core-coupled SRAM outside the SRAM region (F3, F4, G4), and the
                               L4's and L4+'s SRAM2 at 0x10000000; 0: none */
    uint32_t ccm_size;      /* its size on the largest part of this DEV_ID that has one */

    uint32_t ob_base; /* option bytes: memory copy where one exists, else the option register */
    uint32_t ob_size; /* bytes at ob_base */
    uint32_t opt_reg; /* register that shows the loaded option values (OBR/OPTCR/OPTR/OPTSR) */

    uint32_t dbgmcu_idcode; /* DBGMCU_IDCODE address (CPU view) */
    const char *ref; /* reference manual(s) and section, e.g. "RM0008 §3.3.3"; a section title
                        stands in where the number differs between manual revisions */
};

/* The row for a DEV_ID (IDCODE & 0xFFF), or NULL when unknown. */
const struct stflash_chip_info *stflash_chip_find(uint32_t dev_id);

/*
 * The row for a raw DBGMCU_IDCODE value (REV_ID bits are ignored) and the CPUID register value or
 * part number (0 when not read). Applies the F40x rev A erratum: such parts report DEV_ID 0x411
 * (an F2 ID) on a Cortex-M4; they are returned as 0x413. NULL when unknown.
 */
const struct stflash_chip_info *stflash_chip_identify(uint32_t idcode, uint32_t cpuid);

/* Number of rows, and row i (NULL when i is out of range). Row order is fixed but not sorted. */
size_t stflash_chip_count(void);
const struct stflash_chip_info *stflash_chip_at(size_t i);

/* Part name i of a row ("STM32F103x8": 'x' stands for the package letter), written to buf;
 * 1 when the row has a name i, else 0 (src/chips/names.c spells out the row's `parts`). */
int stflash_chip_part_name(const struct stflash_chip_info *chip, size_t i, char *buf, size_t cap);

/* The row a part name names, case-insensitive, with or without "STM32": a full part number
 * ("STM32F103C8T6"), a table name ("stm32f103x8") or a short one ("F407") when a single row
 * matches. STFLASH_ERR_NOT_FOUND when none does; STFLASH_ERR_INVALID_ARG when several rows do
 * (*other is then a second one, *out NULL). */
int stflash_chip_lookup(const char *name, const struct stflash_chip_info **out,
                        const struct stflash_chip_info **other);

/* 1 when stflash programs the flash of this chip (write, erase), 0 when it only identifies it
 * and reaches its memory, registers and reset. */
int stflash_chip_can_program(const struct stflash_chip_info *chip);

/* Address of the chip's 96-bit unique device ID (12 bytes, read as three words), or 0 when the
 * table does not know it for this family (src/chips/uid.c cites the manuals). */
uint32_t stflash_chip_uid_address(const struct stflash_chip_info *chip);

/* A range of the address space. */
struct stflash_mem_range {
    uint32_t base, size;
};

/* Writable memory code can run from, where a software breakpoint (a BKPT written over the
 * instruction, src/api/swbreak.c) can go: the SRAM region of the architecture's memory map,
 * executable on every part (ARMv7-M ARM B3.1, ARMv6-M ARM B3.1: 0x20000000-0x3FFFFFFF), and the
 * CCM SRAM of the parts that fetch instructions from it (STFLASH_CHIP_CCM_CODE: F3, G4, and the
 * L4's and L4+'s SRAM2 at 0x10000000). chip NULL: the
 * SRAM region only. Fills out and returns how many ranges (at most STFLASH_CODE_RAM_MAX). */
#define STFLASH_CODE_RAM_MAX 2
size_t stflash_chip_code_ram(const struct stflash_chip_info *chip,
                             struct stflash_mem_range out[STFLASH_CODE_RAM_MAX]);

/* "STM32F1", "STM32L4+", ...; "unknown" for values outside the enum. Never NULL. */
const char *stflash_family_name(enum stflash_family family);

/* "Cortex-M3", ...; "unknown" for values outside the enum. Never NULL. */
const char *stflash_core_name(enum stflash_core core);

/* "F0_F1_F3", "L4_STYLE", ...; "unknown" for values outside the enum. Never NULL. */
const char *stflash_flash_ctrl_name(enum stflash_flash_ctrl ctrl);

/* Core from a CPUID register value (0xE000ED00) or from its part number (bits [15:4]). */
enum stflash_core stflash_core_from_cpuid(uint32_t cpuid);

/*
 * DBGMCU_IDCODE addresses to try, in order, for a CPUID register value or part number. Stores a
 * pointer to a constant array in *addrs and returns its length (always >= 1; an unknown part
 * number yields every known address). Accept the first read whose DEV_ID is not 0x000 or 0xFFF.
 */
size_t stflash_dbgmcu_idcode_addrs(uint32_t cpuid, const uint32_t **addrs);

/* Bytes covered by a geometry: banks x (sum of sectors) for sectored parts, 0 for uniform pages
 * (their size is the chip's flash size). */
uint32_t stflash_geometry_sectored_size(const struct stflash_flash_geometry *geom);

/* ---- STM32F1 clones ---------------------------------------------------------------------- */

/* JEP106 designer code as (continuation count << 8) | 7-bit identity code. */
#define STFLASH_JEP106(cont, code) ((uint32_t)(((cont) << 8) | (code)))
#define STFLASH_JEP106_ST 0x020u         /* STMicroelectronics, bank 1 */
#define STFLASH_JEP106_ARM 0x43Bu        /* Arm Ltd: generic Cortex-M ROM table */
#define STFLASH_JEP106_GIGADEVICE 0x751u /* GigaDevice (Beijing), bank 8 */
/* OR-ed in when the ROM table's PIDR "JEP106 used" bit is clear: only the low 7 bits hold a
 * (legacy) identity code then. */
#define STFLASH_JEP106_LEGACY 0x8000u

enum stflash_clone_quirk {
    STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO = 1u << 0,  /* use flash_size_fallback when FSZ reads 0 */
    STFLASH_CLONE_PROGRAM_32BIT = 1u << 1,           /* 32-bit word programming is accepted */
    STFLASH_CLONE_POLL_BSY_EACH_HALFWORD = 1u << 2,  /* poll SR.BSY between half-word writes */
    STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM = 1u << 3, /* FSZ word: [15:0] flash KiB,
                                                        [31:16] SRAM KiB */
    STFLASH_CLONE_FAST_PAGE_MODE = 1u
                                   << 4, /* extra fast page program/erase (CH32 FLOCK/MODEKEYR) */
    STFLASH_CLONE_F0_STYLE_OPTIONS = 1u << 5,   /* option bits at F0-style offsets in OBR */
    STFLASH_CLONE_OPTION_WRITE_32BIT = 1u << 6, /* 16-bit option byte writes fail */
    STFLASH_CLONE_BANK2_4K_PAGES = 1u << 7,     /* pages above 512 KiB are 4 KiB */
};

struct stflash_clone_info {
    const char *vendor;
    const char *name;
    uint16_t dev_id;              /* the ST DEV_ID this part answers with */
    uint16_t rev_id;              /* DBGMCU REV_ID that singles it out; 0 = not used */
    uint32_t rom_designer;        /* ROM-table JEP106 designer (STFLASH_JEP106 form); 0 = unknown */
    uint16_t rom_partno;          /* ROM-table PARTNO; 0 = unknown */
    uint32_t dp_idcode;           /* SW-DP IDCODE; 0 = unknown or same as ST */
    uint32_t cpuid;               /* CPUID register value; 0 = unknown */
    uint32_t quirks;              /* enum stflash_clone_quirk */
    uint32_t flash_size_fallback; /* bytes to assume when FSZ reads 0; 0 = the chip row's max */
    uint32_t page_size;           /* erase page in bytes; 0 = as the ST row */
    const char *source;           /* where the facts come from; "unverified" marks weak ones */
};

/*
 * Identify an STM32F1 clone. dev_id: DBGMCU_IDCODE[11:0]; dp_idcode: SW-DP IDCODE (0 if not
 * read); rom_designer_jep106: designer from the ROM table PIDR in STFLASH_JEP106 form (0 if not
 * read); rev_id: DBGMCU_IDCODE[31:16]. Returns NULL for genuine ST parts and anything unknown.
 * Without the ROM designer, a CKS32 and a CH32 showing DP IDCODE 0x2BA01477 cannot be told apart
 * (the CKS32 row is returned).
 */
const struct stflash_clone_info *stflash_clone_identify(uint32_t dev_id, uint32_t dp_idcode,
                                                        uint32_t rom_designer_jep106,
                                                        uint32_t rev_id);

/*
 * The same with the ROM-table PARTNO (PIDR0 | (PIDR1 & 0xF) << 8; 0 if not read) as a further
 * tell-tale: a GigaDevice designer with PARTNO 0xF64 is a GD32F103 whatever the REV_ID, while
 * REV_ID 0x1303 alone would name the GD32F1x0 (both lines report it). stflash_clone_identify
 * is this with rom_partno 0.
 */
const struct stflash_clone_info *stflash_clone_identify_rom(uint32_t dev_id, uint32_t dp_idcode,
                                                            uint32_t rom_designer_jep106,
                                                            uint32_t rom_partno, uint32_t rev_id);

size_t stflash_clone_count(void);
const struct stflash_clone_info *stflash_clone_at(size_t i);

/* The clone a part number names (--chip): "GD32F103C8T6", "CKS32F103", "CH32F103C8", case-
 * insensitive. STFLASH_ERR_NOT_FOUND when none does. */
int stflash_clone_lookup(const char *name, const struct stflash_clone_info **out);

/* Part name i that stflash_clone_lookup takes ("GD32F103x8": 'x' stands for any letter or
 * digit), or NULL past the last. */
const char *stflash_clone_part_name(size_t i);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
