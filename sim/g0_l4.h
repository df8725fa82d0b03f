/*
 * Which member of the G0/L4 group a simulated chip is (sim/g0_l4_periph.c, sim/rcc_g0_l4.c):
 * the G0, G0B1 and C0 (Cortex-M0+), the L4, G4, WB and WL (Cortex-M4).
 */
#ifndef STFLASH_SIM_G0_L4_H
#define STFLASH_SIM_G0_L4_H

#include "target.h"

static inline bool is_c0(const struct sim_target *t)
{
    return t->family == &sim_family_c0;
}

static inline bool is_g0(const struct sim_target *t) /* the C0 included: its RCC is the G0's */
{
    return t->family == &sim_family_g0 || t->family == &sim_family_g0b1 || is_c0(t);
}

static inline bool is_g4(const struct sim_target *t)
{
    return t->family == &sim_family_g4;
}

static inline bool is_wb(const struct sim_target *t)
{
    return t->family == &sim_family_wb;
}

static inline bool is_wl(const struct sim_target *t)
{
    return t->family == &sim_family_wl;
}

/* RCC and the flash registers on AHB4 at 0x58000000 (WB) or AHB3 (WL: RM0453 memory map). */
static inline bool is_wb_wl(const struct sim_target *t)
{
    return is_wb(t) || is_wl(t);
}

/* RCC registers by offset (RM0444 §5.4, RM0351 §6.4, RM0440 §7.4). */
#define RCC_CR 0x00u
#define RCC_CFGR 0x08u
#define RCC_PLLCFGR 0x0Cu
#define G0_RCC_IOPENR 0x34u
#define G0_RCC_APBENR1 0x3Cu
#define G0_RCC_CSR 0x60u
#define L4_RCC_AHB2ENR 0x4Cu
#define L4_RCC_APB1ENR1 0x58u
#define L4_RCC_CSR 0x94u

static inline uint32_t *rcc(struct sim_target *t, uint32_t off)
{
    return &t->per.rcc[off / 4u];
}

static inline uint32_t rcc_csr_off(const struct sim_target *t)
{
    return is_g0(t) ? G0_RCC_CSR : L4_RCC_CSR;
}

#endif
