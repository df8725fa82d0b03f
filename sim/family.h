/*
 * What a family of simulated STM32 parts has in common: its core, memory map, flash controller,
 * option bytes, peripherals, timings and the section of the state file that holds what survives a
 * power cycle. A chip row (sim/chips.c) names its family; everything else in the simulator asks
 * the family. docs/porting.md "The virtual board" says which files a new family touches.
 */
#ifndef STFLASH_SIM_FAMILY_H
#define STFLASH_SIM_FAMILY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "vclock.h"

struct sim_target;

/* The Cortex-M architecture profile a core implements. */
enum sim_arch {
    SIM_ARMV6M,      /* Cortex-M0/M0+ (ARMv6-M ARM, DDI 0419) */
    SIM_ARMV7M,      /* Cortex-M3/M4 (ARMv7-M ARM, DDI 0403) */
    SIM_ARMV8M_MAIN, /* Cortex-M33 (ARMv8-M ARM, DDI 0553): ARMv7-M's system registers, plus
                        the debug authentication and security bits of DHCSR */
};

/* A ROM table above the PPB ROM table at 0xE00FF000 (the Cortex-M7's two levels, DDI 0489 §9.1):
 * its base, its ID (0: the chip row's rom_pidr, for the MCU table the silicon vendor owns) and
 * its entries as they read (offset from the base | FORMAT | PRESENT, ADIv5 §10.2.1). */
struct sim_rom_table {
    uint32_t base;
    uint64_t pidr;
    uint32_t entries[4]; /* up to the first zero */
};

/* The level 1 caches of a core (ARMv7-M B3.2.2 CLIDR, CTR, CCSIDR, CSSELR; Cortex-M7 TRM
 * DDI 0489 §4.1.2-§4.1.5). */
struct sim_cache_model {
    uint32_t clidr, ctr;
    uint32_t ccsidr_d, ccsidr_i; /* selected by CSSELR.InD */
};

/* A CoreSight component in the private peripheral bus, listed in the ROM table. */
struct sim_component {
    uint32_t base;
    uint64_t pidr; /* PIDR4..0 packed: PIDR0 in bits [7:0] ... PIDR4 in bits [39:32] */
    uint32_t cidr;
};

/* A processor core: what Unicorn runs and what its system control space and debug components
 * look like (sim/cores.c). Identification values that vary with the silicon revision (CPUID,
 * DP IDCODE, AP IDR) are the chip row's. */
struct sim_core_model {
    const char *name; /* "Cortex-M3" */
    int uc_model;     /* UC_CPU_ARM_CORTEX_M3, ... (unicorn/arm.h) */
    enum sim_arch arch;
    unsigned prio_bits; /* implemented priority bits: 2 on the M0, 4 on STM32 M3/M4 */
    unsigned fpb_code;  /* FPB/BPU instruction comparators */
    unsigned fpb_lit;   /* FPB literal comparators */
    unsigned dwt_comp;  /* DWT comparators */
    bool has_fpu;       /* CPACR, MVFR: an FPv4-SP on the M4F */
    bool has_vtor;      /* VTOR on an ARMv6-M core (the Cortex-M0+ option STM32 parts have) */
    uint32_t id_isar0;  /* ID_ISAR0 (ARMv7-M only; the other feature registers agree) */
    const struct sim_component *components; /* SCS first; the ROM table lists them in order */
    unsigned n_components;
    /* Cortex-M7 (DDI 0489), M33 and later; zero/NULL on the M0-M4. */
    unsigned fpb_rev;        /* FP_CTRL.REV: 0 FPBv1 (COMP[28:2], REPLACE), 1 FPBv2 (BPADDR, BE) */
    const uint32_t *id_regs; /* ID_PFR0 .. ID_ISAR4 (0xD40-0xD70); NULL: the Cortex-M3/M4's */
    const uint32_t *mvfr;    /* MVFR0, MVFR1, MVFR2; NULL: the FPv4-SP's MVFR0/1 */
    uint32_t ccr_reset;      /* CCR at reset (the M7's BP, STKALIGN) */
    const struct sim_cache_model *cache; /* NULL: no caches, their registers read as zero */
    /* ROM tables above the PPB one, the first being the one the AHB-AP BASE points to; then
     * the PPB ROM table reads ppb_rom_pidr. None: AP BASE points to the PPB ROM table, which
     * reads the chip row's rom_pidr. */
    const struct sim_rom_table *rom_tables;
    unsigned n_rom_tables;
    uint64_t ppb_rom_pidr;
    /* Components (bit n: components[n]) a ROM table above lists: their PPB ROM table entry
     * reads "not present" (Cortex-M7 TRM table 9.4: TPIU, ETM). */
    uint32_t ppb_rom_absent;
};

extern const struct sim_core_model sim_core_m0, sim_core_m0p, sim_core_m3, sim_core_m4;
extern const struct sim_core_model sim_core_m4_nofpu; /* the WL's Cortex-M4 */
extern const struct sim_core_model sim_core_m7;
extern const struct sim_core_model sim_core_m33;

/* A window of memory-mapped registers: Unicorn hands every access inside it to the bus. */
struct sim_window {
    uint32_t base, size;
};

/* How the F0/F1/F3 flash controller (sim/f1_flash.c) differs from one family to the other. */
struct sim_fpec_model {
    uint8_t rdp_level0;     /* RDP byte meaning level 0: 0xA5 (F1), 0xAA (F0/F3) */
    uint8_t rdp_level2;     /* RDP byte meaning level 2 (debug locked for good), 0 if none */
    bool obl_launch;        /* FLASH_CR bit 13 OBL_LAUNCH reloads the options with a reset */
    bool f0_obr;            /* FLASH_OBR layout: RDPRT [2:1], USER [15:8], DATA0 [23:16],
                               DATA1 [31:24] (RM0091 §3.5.7); else the F1's (PM0075 §3.6) */
    bool unlock_on_program; /* leaving level 1 mass-erases when RDP is programmed to level 0
                               (RM0091 §3.3.1); else when the options are erased (PM0075 §2.4.1) */
    bool load_on_por_only;  /* a system reset keeps the loaded options: only a power-on reset or
                               OBL_LAUNCH loads new ones (F0, RM0091 §4); else every reset loads
                               them (F1 PM0075 §2.5, F3 RM0316 §4) */
};

/* How the L4-style flash controller (sim/l4_flash.c: L4, G0) differs from one family to the
 * other: option-register layout and defaults, page-number field, bank bit, CFGBSY. */
struct sim_l4_model {
    uint32_t optr_default;     /* FLASH_OPTR as shipped (RDP 0xAA) */
    uint32_t optr_writable;    /* its implemented bits; the others read as in optr_default */
    uint32_t wrp_field;        /* WRPxyR: the STRT field mask (END is the same << 16) */
    unsigned pnb_bits;         /* FLASH_CR.PNB width, from bit 3 */
    uint32_t cr_bker;          /* FLASH_CR.BKER, 0 on single-bank parts */
    uint32_t optr_dualbank;    /* OPTR bit making parts below the largest size dual bank, or 0 */
    bool dual_bank_at_max;     /* the largest part is always two banks (L47x 1 MiB) */
    bool bank2_options;        /* PCROP2/WRP2 registers (+0x44..+0x50), bank-2 option bytes at
                                  0x1FFFF800 */
    bool pcrop1b;              /* G0: PCROP1B registers at +0x34/+0x38 */
    bool cfgbsy;               /* FLASH_SR.CFGBSY (bit 18, RM0444 §3.7.4) */
    uint32_t single_bank_page; /* page bytes when optr_dualbank is clear (G4 cat 3: 4 KiB,
                                  RM0440 §5.3.1); 0: the chip row's page size in both modes */
    uint32_t bank2_pnb;        /* G0B1: bank 2's page numbers start here (256; its pages are
                                  also reached by their number in the bank), and its operations
                                  set BSY2; 0: numbered from 0 in each bank */
    uint32_t sfr_default;      /* WB FLASH_SFR (+0x80) as the wireless stack left it: SFSA [7:0],
                                  FSD bit 8 (RM0434 §3.10.17); 0: no such register */
    bool sfr_wl;               /* WL FLASH_SFR: SFSA [6:0], FSD bit 7, in force only with
                                  OPTR.ESE (bit 8); sfr_default is the board's value */
    unsigned fast_row_dw;      /* FLASH_CR.FSTPG: double words in a fast-programming row (32 on
                                  the L4 and G0, RM0351 §3.3.7, RM0444 §3.3.7); 0: FSTPG is
                                  refused with PGSERR */
};

/* How the F2/F4 flash controller (sim/f4_flash.c) differs from one line to the other (RM0090 §3
 * for the F405/407 and F42x/43x, RM0383 §3 for the F411). Erase times are the datasheet's typical
 * figures by parallelism: index 0 x8, 1 x16, 2 x32 (x64 needs an external Vpp the boards lack
 * and is timed as x32). */
struct sim_f4_model {
    bool dual_bank;        /* 2 MiB parts: bank 2 from 1 MiB, SNB 0b1xxxx, MER1 bit 15, OPTCR1 */
    uint32_t latency_mask; /* FLASH_ACR LATENCY: 3 bits on the F40x, 4 on the F42x/F411 */
    uint32_t optcr_mask;   /* FLASH_OPTCR bits that exist besides OPTLOCK/OPTSTRT */
    bool rderr;            /* FLASH_SR bit 8 RDERR (parts with PCROP: F42x, F411) */
    sim_ps sector_erase_ps[3][3]; /* [16 KiB, 64 KiB, 128 KiB][x8, x16, x32] */
    sim_ps mass_erase_ps[3];      /* tME: the whole array (MER, or MER|MER1) */
    sim_ps bank_erase_ps[3];      /* one bank of a dual-bank part (MER or MER1 alone) */
    /* The F76x/F77x (RM0410 §3.3-§3.4, §3.7): FLASH_OPTCR.nDBANK (bit 29) loaded at reset
     * chooses one bank of 32/128/256 KiB sectors (1) or two of 16/64/128 KiB with one nWRP bit
     * per two sectors (0); FLASH_OPTCR1 holds BOOT_ADD0/1. Zero on the F2/F4. */
    bool ndbank;
    uint32_t acr_mask;       /* FLASH_ACR bits; 0: LATENCY (latency_mask), PRFTEN .. DCRST */
    uint32_t optcr_default;  /* FLASH_OPTCR as shipped (RDP level 0); 0: the F4's */
    uint32_t optcr1_default; /* FLASH_OPTCR1 as shipped */
    sim_ps single_bank_erase_ps[3][3]; /* nDBANK = 1: [32, 128, 256 KiB][x8, x16, x32] */
};

/* How the H7 flash interface (sim/h7_flash.c) differs from one line to the other: RM0433 §4
 * (H743: 256-bit flash words, 128 KiB sectors, FLASH_CR with PSIZE and SNB [10:8]) and RM0455 §4
 * (H7A3: 128-bit flash words, 8 KiB sectors, FLASH_CR without PSIZE, START bit 5, SSN [12:6],
 * one WPSGN bit per 4 sectors). Times are the datasheets' typical figures; program and erase
 * times by parallelism (index PSIZE: x8, x16, x32, x64) on the H743, one figure on the H7A3. */
struct sim_h7_model {
    unsigned word_bytes;  /* flash word: 32 or 16 */
    uint32_t sector_size; /* 128 KiB or 8 KiB */
    bool psize;           /* FLASH_CR.PSIZE [5:4] exists */
    uint32_t cr_start;    /* FLASH_CR.START */
    unsigned snb_shift, snb_bits;
    unsigned wps_per_bit;  /* sectors per WPSN bit: 1 or 4 */
    uint32_t fsize_window; /* H7A3: the page at 0x08FFF000 holding UID and flash size, else 0 */
    sim_ps tprog_ps[4];    /* one flash word */
    sim_ps sector_erase_ps[4];
    sim_ps bank_erase_ps[4];
};

/* How the TrustZone flash controller (sim/l5u5_flash.c: L5, U5) differs from one family to the
 * other (RM0438 §6, RM0456 §7): the program unit, FLASH_OPTR layout and defaults, page sizes by
 * bank mode, the page-number width. */
struct sim_l5u5_model {
    unsigned unit;          /* bytes per program operation: 8 (L5 double word), 16 (U5 quad word) */
    uint32_t optr_default;  /* FLASH_OPTR as shipped (RDP 0xAA, TZEN 0) */
    uint32_t optr_writable; /* its implemented bits */
    unsigned pnb_bits;      /* FLASH_NSCR.PNB width, from bit 3 */
    uint32_t optr_dbank;    /* OPTR bit selecting two banks (L5 DBANK, U5 DUALBANK) */
    bool dual_bank_at_max;  /* the largest part is always two banks (U5) */
    uint32_t page_single;   /* page size in single-bank mode */
    uint32_t page_dual;     /* page size in dual-bank mode */
    uint32_t wm_field;      /* SECWMxR1 / WRPxyR page fields (END or PEND the same << 16) */
    uint32_t optr_swap_bank; /* OPTR bit exchanging the banks in the map, the controller naming
                                them physically (U5 SWAP_BANK); 0: the swap is not modelled (L5) */
};

/* A flash controller model: its registers are reached through the family's peripherals; the bus
 * hands it the stores into flash and option bytes. */
struct sim_flash_ops {
    /* Registers at reset; the option bytes loaded when t->reset_loads_options (or when the family
     * loads them at every reset). */
    void (*reset)(struct sim_target *t);
    void (*update)(struct sim_target *t); /* time has passed: operations that ended */
    enum sim_bus_result (*array_write)(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who);
    enum sim_bus_result (*optbytes_write)(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who);
    int (*rdp_level)(const struct sim_target *t); /* loaded at the last reset: 0, 1 or 2 */
    void (*optbytes_default)(struct sim_target *t, int rdp_level); /* as shipped, or locked */
    sim_ps (*busy_until)(const struct sim_target *t); /* end of the operation in progress */
    /* The least time the flash work of a session needs: its operations at their typical times. */
    sim_ps (*floor)(const struct sim_target *t, const struct sim_stats *s);
    /* Writes the option bytes (the target's optbytes[]) into system memory as the core reads
     * them; NULL: the 8 half-words as they are, at the family's optbytes_base. */
    void (*optbytes_sync)(struct sim_target *t);
    /* Optional (NULL: allowed): whether secure invasive debug is allowed (ARMv8-M cores). */
    bool (*secure_debug)(const struct sim_target *t);
    /* Optional (NULL: off): TrustZone is on (TZEN), so the core runs in the Secure state. */
    bool (*trustzone)(const struct sim_target *t);
    /* Optional (NULL: nothing happens): the core or the debugger reads the flash array at addr
     * (the L4's fast programming is aborted by a read of its bank, RM0351 §3.3.7). */
    void (*array_read)(struct sim_target *t, uint32_t addr);
    /* Optional: whether the debugger reads addr of the flash as zero (the WB's secure area above
     * FLASH_SFR.SFSA, RM0434 §3.5.3); NULL: the whole flash reads as it is. */
    bool (*array_hidden)(const struct sim_target *t, uint32_t addr);
    /* Optional (NULL: the 8 half-words of the F0/F1/F3 option area): the state file's section
     * of the options, its length, and how they go in and out. */
    const char *state_section;
    unsigned state_len;
    void (*state_get)(const struct sim_target *t, uint8_t *out);
    void (*state_put)(struct sim_target *t, const uint8_t *in);
};

extern const struct sim_flash_ops sim_fpec_ops;       /* F0, F1, F3: f1_flash.c */
extern const struct sim_flash_ops sim_l4flash_ops;    /* L4, G0, G4, WB: l4_flash.c */
extern const struct sim_flash_ops sim_f4_flash_ops;   /* F2/F4: f4_flash.c */
extern const struct sim_flash_ops sim_h7_flash_ops;   /* H7: h7_flash.c */
extern const struct sim_flash_ops sim_l5u5_flash_ops; /* L5, U5: l5u5_flash.c */
extern const struct sim_flash_ops sim_h5_flash_ops;   /* H5: h5_flash.c */
extern const struct sim_flash_ops sim_l0l1_flash_ops; /* L0, L1: l0l1_flash.c */

struct sim_family {
    const char *name; /* "f1": also the family line of the state file */
    const char *ref;  /* reference manual */
    const struct sim_core_model *core;

    /* Memory map. */
    uint32_t flash_base;
    uint32_t sysmem_base;    /* system memory (boot ROM) up to 0x20000000, option bytes included */
    uint32_t sysmem_end;     /* where it ends: 0 for 0x20000000 */
    uint32_t flash_size_reg; /* u16, KiB */
    uint32_t uid_base;       /* 96 bits */
    uint32_t optbytes_base;  /* 8 half-words, value | complement << 8 */
    uint32_t optbytes_len;   /* bytes from optbytes_base whose stores reach the controller
                                (0: the 16 of the 8 half-words) */
    uint32_t sysmem_len;     /* bytes of system memory from sysmem_base (0: up to 0x20000000) */
    uint32_t eeprom_base;    /* data EEPROM (L0/L1, size from the chip row), 0 if none */
    bool erased_zero;        /* erased flash reads 0x00 (L0/L1), else 0xFF */
    uint32_t sram_base;
    uint32_t ccm_base;                /* core-coupled SRAM, when the chip row has some */
    bool ccm_data_only;               /* the core cannot fetch instructions from it (F4) */
    bool bitband;                     /* SRAM and peripheral bit-band aliases (ARMv7-M B3.1.3) */
    const struct sim_window *windows; /* peripheral buses (the PPB is added for every family) */
    unsigned n_windows;
    uint32_t dbgmcu_base;   /* DBGMCU_IDCODE: in the PPB (0xE0042000) or a peripheral */
    bool dbgmcu_core_zero;  /* the core reads DBGMCU_IDCODE as 0 without a debugger (F1 errata) */
    bool dbgmcu_freeze;     /* DBGMCU_APB1_FZ, DBGMCU_APB2_FZ at +0x8, +0xC (F0, F3) */
    uint32_t dbgmcu_fz_off; /* where those two sit when not at +0x8 (WB: APB1FZR1 +0x3C) */
    uint32_t syst_calib;    /* SYST_CALIB: TENMS of the HCLK/8 reference at the top clock */

    /* Flash controller timings (the datasheet's typical values); a chip row may override. */
    sim_ps
        tprog_ps; /* one program operation: a half-word (F2/F4: one access; L4/G0: a double word) */
    sim_ps erase_ps; /* page, mass and option-byte erase (F2/F4: see struct sim_f4_model) */
    sim_ps tprog_row_fast_ps; /* L4/G0: one row of sim_l4_model.fast_row_dw double words in fast
                                 programming (tprog_row), 0 where FSTPG is not modelled */
    const struct sim_flash_ops *flash;
    struct sim_fpec_model fpec;
    struct sim_f4_model f4;
    struct sim_l4_model l4;     /* families of sim_l4flash_ops */
    struct sim_h7_model h7;     /* families of sim_h7_flash_ops */
    struct sim_l5u5_model l5u5; /* families of sim_l5u5_flash_ops */
    int max_rdp_level;          /* 1, or 2 where level 2 exists */

    /* Peripherals: reset, the accesses the bus does not decode itself (one word-aligned word:
     * read into *rd when rd is set, write *wr when wr is set; the bus takes the lanes of a
     * narrow read and replicates a narrow write on every lane), the LED the status reports. */
    void (*periph_reset)(struct sim_target *t);
    enum sim_bus_result (*periph_access)(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who);
    void (*reset_cause)(struct sim_target *t, uint32_t rcc_csr_flag); /* RCC_CSR flag bits */
    void (*periph_update)(struct sim_target *t); /* time has passed (NULL: nothing runs alone) */
    const char *led; /* "pc13": the board's user LED, for the status report */
    bool (*led_on)(const struct sim_target *t);
};

extern const struct sim_family sim_family_f0, sim_family_f1, sim_family_f3;
extern const struct sim_family sim_family_g0, sim_family_l4; /* g0_l4_periph.c */
extern const struct sim_family sim_family_g0b1;              /* g0_l4_periph.c */
extern const struct sim_family sim_family_g4, sim_family_wb; /* g0_l4_periph.c */
extern const struct sim_family sim_family_wl, sim_family_c0; /* g0_l4_periph.c */
extern const struct sim_family sim_family_f40x, sim_family_f42x, sim_family_f411;
extern const struct sim_family sim_family_f76x;                  /* f4_periph.c */
extern const struct sim_family sim_family_h743, sim_family_h7a3; /* h7_periph.c */
extern const struct sim_family sim_family_l5, sim_family_u5;     /* l5u5_periph.c */
extern const struct sim_family sim_family_h5;                    /* l5u5_periph.c */
extern const struct sim_family sim_family_l0, sim_family_l1;     /* l0l1_periph.c */

/* The state file's section of the option bytes: name and length of the block that follows the
 * header (sim/board.c). Every family of the F0/F1/F3 flash controller stores its 8 half-words;
 * the F2/F4 controller stores its option words there (sim/f4_flash.c says how). */
#define SIM_OPTBYTES_SECTION "optbytes"

#endif
