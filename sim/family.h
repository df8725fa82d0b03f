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
    SIM_ARMV6M, /* Cortex-M0/M0+ (ARMv6-M ARM, DDI 0419) */
    SIM_ARMV7M, /* Cortex-M3/M4 (ARMv7-M ARM, DDI 0403) */
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
    const char *name;        /* "Cortex-M3" */
    int uc_model;            /* UC_CPU_ARM_CORTEX_M3, ... (unicorn/arm.h) */
    enum sim_arch arch;
    unsigned prio_bits;      /* implemented priority bits: 2 on the M0, 4 on STM32 M3/M4 */
    unsigned fpb_code;       /* FPB/BPU instruction comparators */
    unsigned fpb_lit;        /* FPB literal comparators */
    unsigned dwt_comp;       /* DWT comparators */
    bool has_fpu;            /* CPACR, MVFR: an FPv4-SP on the M4F */
    uint32_t id_isar0;       /* ID_ISAR0 (ARMv7-M only; the other feature registers agree) */
    const struct sim_component *components; /* SCS first; the ROM table lists them in order */
    unsigned n_components;
};

extern const struct sim_core_model sim_core_m0, sim_core_m3, sim_core_m4;

/* A window of memory-mapped registers: Unicorn hands every access inside it to the bus. */
struct sim_window {
    uint32_t base, size;
};

/* How the F0/F1/F3 flash controller (sim/f1_flash.c) differs from one family to the other. */
struct sim_fpec_model {
    uint8_t rdp_level0;      /* RDP byte meaning level 0: 0xA5 (F1), 0xAA (F0/F3) */
    uint8_t rdp_level2;      /* RDP byte meaning level 2 (debug locked for good), 0 if none */
    bool obl_launch;         /* FLASH_CR bit 13 OBL_LAUNCH reloads the options with a reset */
    bool f0_obr;             /* FLASH_OBR layout: RDPRT [2:1], USER [15:8], DATA0 [23:16],
                                DATA1 [31:24] (RM0091 §3.5.7); else the F1's (PM0075 §3.6) */
    bool unlock_on_program;  /* leaving level 1 mass-erases when RDP is programmed to level 0
                                (RM0091 §3.3.1); else when the options are erased (PM0075 §2.4.1) */
};

/* A flash controller model: its registers are reached through the family's peripherals; the bus
 * hands it the stores into flash and option bytes. */
struct sim_flash_ops {
    void (*reset)(struct sim_target *t); /* registers at reset, option bytes loaded */
    void (*update)(struct sim_target *t); /* time has passed: operations that ended */
    enum sim_bus_result (*array_write)(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who);
    enum sim_bus_result (*optbytes_write)(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who);
    int (*rdp_level)(const struct sim_target *t); /* loaded at the last reset: 0, 1 or 2 */
    void (*optbytes_default)(struct sim_target *t, int rdp_level); /* as shipped, or locked */
};

extern const struct sim_flash_ops sim_fpec_ops; /* F0, F1, F3: f1_flash.c */

struct sim_family {
    const char *name;        /* "f1": also the family line of the state file */
    const char *ref;         /* reference manual */
    const struct sim_core_model *core;

    /* Memory map. */
    uint32_t flash_base;
    uint32_t sysmem_base;    /* system memory (boot ROM) up to 0x20000000, option bytes included */
    uint32_t flash_size_reg; /* u16, KiB */
    uint32_t uid_base;       /* 96 bits */
    uint32_t optbytes_base;  /* 8 half-words, value | complement << 8 */
    uint32_t sram_base;
    uint32_t ccm_base;       /* core-coupled SRAM, when the chip row has some */
    bool bitband;            /* SRAM and peripheral bit-band aliases (ARMv7-M B3.1.3) */
    const struct sim_window *windows; /* peripheral buses (the PPB is added for every family) */
    unsigned n_windows;
    uint32_t dbgmcu_base;    /* DBGMCU_IDCODE: in the PPB (0xE0042000) or a peripheral */
    bool dbgmcu_core_zero;   /* the core reads DBGMCU_IDCODE as 0 without a debugger (F1 errata) */
    bool dbgmcu_freeze;      /* DBGMCU_APB1_FZ, DBGMCU_APB2_FZ at +0x8, +0xC (F0, F3) */
    uint32_t syst_calib;     /* SYST_CALIB: TENMS of the HCLK/8 reference at the top clock */

    /* Flash controller timings (the datasheet's typical values); a chip row may override. */
    sim_ps tprog_ps;         /* one program operation: a half-word */
    sim_ps erase_ps;         /* page, mass and option-byte erase */
    const struct sim_flash_ops *flash;
    struct sim_fpec_model fpec;
    int max_rdp_level;       /* 1, or 2 where level 2 exists */

    /* Peripherals: reset, the accesses the bus does not decode itself (word-aligned reads,
     * writes of any size), the clock the core runs at, the LED the board's status reports. */
    void (*periph_reset)(struct sim_target *t);
    enum sim_bus_result (*periph_read)(struct sim_target *t, uint32_t addr, uint32_t *val,
                                       enum sim_initiator who);
    enum sim_bus_result (*periph_write)(struct sim_target *t, uint32_t addr, unsigned size,
                                        uint32_t val, enum sim_initiator who);
    void (*reset_cause)(struct sim_target *t, uint32_t rcc_csr_flag); /* RCC_CSR flag bits */
    void (*periph_update)(struct sim_target *t); /* time has passed (NULL: nothing runs alone) */
    const char *led;         /* "pc13": the board's user LED, for the status report */
    bool (*led_on)(const struct sim_target *t);
};

extern const struct sim_family sim_family_f0, sim_family_f1, sim_family_f3;

/* The state file's section of the option bytes: name and length of the block that follows the
 * header (sim/board.c). Every family of the F0/F1/F3 flash controller stores its 8 half-words. */
#define SIM_OPTBYTES_SECTION "optbytes"

#endif
