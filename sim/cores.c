/*
 * The processor cores of the simulated parts: what differs between a Cortex-M0, M3 and M4 for a
 * debugger and for the firmware. References: ARMv6-M ARM (DDI 0419) B3.2 (no VTOR, 2-bit
 * priorities, HardFault only), C1.7-C1.8 (DWT with 2 comparators and no CYCCNT, BPU); Cortex-M0
 * TRM (DDI 0432) §4.1 and §8 (BPU with 4 comparators, component IDs); ARMv7-M ARM (DDI 0403) B3,
 * C1; Cortex-M3 TRM (DDI 0337) table 3-1; Cortex-M4 TRM (DDI 0439) table 2-1 and §8-11
 * (component IDs). PM0056 §4.3.7: STM32 Cortex-M3/M4 parts implement 4 priority bits.
 * Cortex-M33: ARMv8-M ARM (DDI 0553) C1, Cortex-M33 TRM (100230) §3.2 and Appendix A (component
 * IDs, FPB with 8 instruction comparators, DWT with 4); PM0264 §4.4 (4 priority bits on STM32).
 */
#include <unicorn/unicorn.h>

#include "family.h"

#define CIDR_GENERIC 0xB105E00Du /* component class 0xE: generic IP */
#define CIDR_CORESIGHT 0xB105900Du

static const struct sim_component m0_components[] = {
    {0xE000E000u, 0x04000BB008ull, CIDR_GENERIC}, /* SCS */
    {0xE0001000u, 0x04000BB00Aull, CIDR_GENERIC}, /* DWT */
    {0xE0002000u, 0x04000BB00Bull, CIDR_GENERIC}, /* BPU */
};

static const struct sim_component m3_components[] = {
    {0xE000E000u, 0x04000BB000ull, CIDR_GENERIC},   /* SCS */
    {0xE0001000u, 0x04003BB002ull, CIDR_GENERIC},   /* DWT */
    {0xE0002000u, 0x04002BB003ull, CIDR_GENERIC},   /* FPB */
    {0xE0000000u, 0x04003BB001ull, CIDR_GENERIC},   /* ITM */
    {0xE0040000u, 0x04000BB923ull, CIDR_CORESIGHT}, /* TPIU */
    {0xE0041000u, 0x04003BB924ull, CIDR_CORESIGHT}, /* ETM */
};

static const struct sim_component m4_components[] = {
    {0xE000E000u, 0x04000BB00Cull, CIDR_GENERIC},   /* SCS */
    {0xE0001000u, 0x04003BB002ull, CIDR_GENERIC},   /* DWT */
    {0xE0002000u, 0x04002BB003ull, CIDR_GENERIC},   /* FPB */
    {0xE0000000u, 0x04003BB001ull, CIDR_GENERIC},   /* ITM */
    {0xE0040000u, 0x04000BB9A1ull, CIDR_CORESIGHT}, /* TPIU */
    {0xE0041000u, 0x04000BB925ull, CIDR_CORESIGHT}, /* ETM */
};

const struct sim_core_model sim_core_m0 = {
    .name = "Cortex-M0",
    .uc_model = UC_CPU_ARM_CORTEX_M0,
    .arch = SIM_ARMV6M,
    .prio_bits = 2,
    .fpb_code = 4,
    .fpb_lit = 0,
    .dwt_comp = 2,
    .components = m0_components,
    .n_components = sizeof m0_components / sizeof m0_components[0],
};

/* Cortex-M0+ (DDI 0484 §1.3, §4.1): ARMv6-M with the VTOR option STM32 parts implement, BPU with
 * 4 comparators, DWT with 2; the SCS, DWT and BPU part numbers are the Cortex-M0's. */
const struct sim_core_model sim_core_m0p = {
    .name = "Cortex-M0+",
    .uc_model = UC_CPU_ARM_CORTEX_M0,
    .arch = SIM_ARMV6M,
    .prio_bits = 2,
    .fpb_code = 4,
    .fpb_lit = 0,
    .dwt_comp = 2,
    .has_vtor = true,
    .components = m0_components,
    .n_components = sizeof m0_components / sizeof m0_components[0],
};

const struct sim_core_model sim_core_m3 = {
    .name = "Cortex-M3",
    .uc_model = UC_CPU_ARM_CORTEX_M3,
    .arch = SIM_ARMV7M,
    .prio_bits = 4,
    .fpb_code = 6,
    .fpb_lit = 2,
    .dwt_comp = 4,
    .id_isar0 = 0x01141110u,
    .components = m3_components,
    .n_components = sizeof m3_components / sizeof m3_components[0],
};

const struct sim_core_model sim_core_m4 = {
    .name = "Cortex-M4F",
    .uc_model = UC_CPU_ARM_CORTEX_M4,
    .arch = SIM_ARMV7M,
    .prio_bits = 4,
    .fpb_code = 6,
    .fpb_lit = 2,
    .dwt_comp = 4,
    .has_fpu = true,
    .id_isar0 = 0x01101110u,
    .components = m4_components,
    .n_components = sizeof m4_components / sizeof m4_components[0],
};

/* The STM32WL's CPU1: a Cortex-M4 r0p1 without the FPU (DS13293: "Arm Cortex-M4"), so no CPACR or
 * MVFR; the same debug components as the M4F. */
const struct sim_core_model sim_core_m4_nofpu = {
    .name = "Cortex-M4",
    .uc_model = UC_CPU_ARM_CORTEX_M4,
    .arch = SIM_ARMV7M,
    .prio_bits = 4,
    .fpb_code = 6,
    .fpb_lit = 2,
    .dwt_comp = 4,
    .id_isar0 = 0x01101110u,
    .components = m4_components,
    .n_components = sizeof m4_components / sizeof m4_components[0],
};

/*
 * Cortex-M7 (DDI 0489): ARMv7E-M with the FPv5 double-precision unit the STM32F76x/F77x have
 * (RM0410 §1: "single and double precision FPU"), FPB version 2 with 8 instruction comparators
 * and no literal ones or remapping (§9.3), DWT with 4 comparators, L1 instruction and data
 * caches of 16 KiB each on the F76x (RM0410 §2.1). The debugger's ROM table is the MCU one at
 * 0xE00FD000 (the silicon vendor's IDs); it lists the processor ROM table at 0xE00FE000 and the
 * TPIU; the processor table lists the PPB ROM table at 0xE00FF000 and the ETM (§9.1.1-§9.1.2,
 * tables 9.1-9.4); the CTI is not implemented on the F7, whose DBGMCU sits at its address.
 */
static const struct sim_component m7_components[] = {
    {0xE000E000u, 0x04000BB000ull, CIDR_GENERIC},   /* SCS */
    {0xE0001000u, 0x04000BB002ull, CIDR_GENERIC},   /* DWT */
    {0xE0002000u, 0x04000BB00Eull, CIDR_GENERIC},   /* FPB v2 */
    {0xE0000000u, 0x04000BB001ull, CIDR_GENERIC},   /* ITM */
    {0xE0040000u, 0x04000BB9A9ull, CIDR_CORESIGHT}, /* TPIU: listed by the MCU ROM table */
    {0xE0041000u, 0x04000BB975ull, CIDR_CORESIGHT}, /* ETM-M7: by the processor ROM table */
};

static const struct sim_rom_table m7_rom_tables[] = {
    /* MCU ROM table: the processor ROM table (+0x1000), the TPIU (0xE0040000). */
    {0xE00FD000u, 0, {0x00001003u, 0xFFF43003u, 0, 0}},
    /* Processor ROM table (TRM table 9.2): PPB ROM table, ETM, CTI absent, reserved absent. */
    {0xE00FE000u, 0x04000BB4C8ull, {0x00001003u, 0xFFF43003u, 0xFFF44002u, 0x1FF02002u}},
};

/* Processor feature registers (TRM §3.3.1, table 3-4): ID_PFR0 .. ID_ISAR4. */
static const uint32_t m7_id_regs[13] = {
    0x00000030u, 0x00000200u, 0x00100000u, 0x00000000u,              /* PFR0, PFR1, DFR0, AFR0 */
    0x00101030u, 0x00000000u, 0x01000000u, 0x00000000u,              /* MMFR0-3 */
    0x01101110u, 0x02112000u, 0x20232231u, 0x01111131u, 0x01310132u, /* ISAR0-4 */
};

/* FPv5 with double precision (TRM §7.2.3 table 7-3). */
static const uint32_t m7_mvfr_dp[3] = {0x10110221u, 0x12000011u, 0x00000040u};

/* 16 KiB instruction cache, 2-way, 32-byte lines; 16 KiB data cache, 4-way, 32-byte lines,
 * write-back/write-through/read/write-allocate (TRM §4.1.2-§4.1.4). */
static const struct sim_cache_model m7_cache_16k = {
    .clidr = 0x09000003u,
    .ctr = 0x8303C003u,
    .ccsidr_d = 0xF00FE019u,
    .ccsidr_i = 0xF01FE009u,
};

const struct sim_core_model sim_core_m7 = {
    .name = "Cortex-M7",
    .uc_model = UC_CPU_ARM_CORTEX_M7,
    .arch = SIM_ARMV7M,
    .prio_bits = 4,
    .fpb_code = 8,
    .fpb_lit = 0,
    .dwt_comp = 4,
    .has_fpu = true,
    .id_isar0 = 0x01101110u,
    .components = m7_components,
    .n_components = sizeof m7_components / sizeof m7_components[0],
    .fpb_rev = 1,
    .id_regs = m7_id_regs,
    .mvfr = m7_mvfr_dp,
    .ccr_reset = 0x00040200u, /* BP (branch prediction, always on), STKALIGN: TRM §3.3.5 */
    .cache = &m7_cache_16k,
    .rom_tables = m7_rom_tables,
    .n_rom_tables = sizeof m7_rom_tables / sizeof m7_rom_tables[0],
    .ppb_rom_pidr = 0x04000BB4C7ull,     /* TRM table 9.3 */
    .ppb_rom_absent = 1u << 4 | 1u << 5, /* TPIU, ETM */
};

/* Cortex-M33 (TRM 100230 table A-1): every PPB component has part number 0xD21 and is a CoreSight
 * component (class 0x9) telling its kind in DEVARCH. The ETM and CTI sit at 0xE0041000 and
 * 0xE0042000, which is why the STM32 parts with this core move DBGMCU to 0xE0044000. */
static const struct sim_component m33_components[] = {
    {0xE000E000u, 0x04000BBD21ull, CIDR_CORESIGHT}, /* SCS */
    {0xE0001000u, 0x04000BBD21ull, CIDR_CORESIGHT}, /* DWT */
    {0xE0002000u, 0x04000BBD21ull, CIDR_CORESIGHT}, /* FPB */
    {0xE0000000u, 0x04000BBD21ull, CIDR_CORESIGHT}, /* ITM */
    {0xE0041000u, 0x04000BBD21ull, CIDR_CORESIGHT}, /* ETM */
    {0xE0042000u, 0x04000BBD21ull, CIDR_CORESIGHT}, /* CTI */
};

/* Cortex-M33 with FPv5-SP (the STM32L5 and U5 configuration, PM0264 §2.1): Unicorn's
 * Cortex-M33 runs it; the debugger sees FPBv2 and the ARMv8-M DHCSR. */
const struct sim_core_model sim_core_m33 = {
    .name = "Cortex-M33",
    .uc_model = UC_CPU_ARM_CORTEX_M33,
    .arch = SIM_ARMV8M_MAIN,
    .prio_bits = 4,
    .fpb_code = 8,
    .fpb_lit = 0,
    .dwt_comp = 4,
    .has_fpu = true,
    .fpb_rev = 1, /* FPB version 2 (ARMv8-M C1.11) */
    .id_isar0 = 0x01101110u,
    .components = m33_components,
    .n_components = sizeof m33_components / sizeof m33_components[0],
};
