/* The simulated Cortex-M's core registers as the debugger moves them through DCRSR/DCRDR
 * (ARMv7-M ARM C1.6.3; ARMv8-M banked stack pointers and CONTROL), for sim/scs.c. */
#include <unicorn/unicorn.h>

#include "target.h"

#define XPSR_T (1u << 24) /* the Thumb bit, always set on a Cortex-M (ARMv7-M B1.4.2) */

static uint32_t reg_get(struct sim_target *t, int reg)
{
    uint32_t v = 0;
    uc_reg_read(t->uc, reg, &v);
    return v;
}

static void reg_set(struct sim_target *t, int reg, uint32_t v)
{
    uc_reg_write(t->uc, reg, &v);
}

/* ---- core register transfer (DCRSR REGSEL, C1.6.3) ---- */

/* DCRSR REGSEL of the floating-point registers (ARMv7-M C1.6.3, with the FP extension): FPSCR
 * 0x21, S0-S31 0x40-0x5F. */
#define REGSEL_FPSCR 0x21u
#define REGSEL_S0 0x40u

static int regsel_to_uc_fp(const struct sim_target *t, unsigned regsel)
{
    if (!t->cpu->has_fpu)
        return -1;
    if (regsel == REGSEL_FPSCR)
        return UC_ARM_REG_FPSCR;
    if (regsel >= REGSEL_S0 && regsel < REGSEL_S0 + 32u)
        return UC_ARM_REG_S0 + (int)(regsel - REGSEL_S0);
    return -1;
}

static int regsel_to_uc(unsigned regsel)
{
    if (regsel <= 12)
        return UC_ARM_REG_R0 + (int)regsel;
    switch (regsel) {
    case 13:
        return UC_ARM_REG_SP;
    case 14:
        return UC_ARM_REG_LR;
    case 15:
        return UC_ARM_REG_PC;
    case 16:
        return UC_ARM_REG_XPSR;
    case 17:
        return UC_ARM_REG_MSP;
    case 18:
        return UC_ARM_REG_PSP;
    default:
        return -1;
    }
}

/* ARMv8-M DCRSR.REGSEL 0x18-0x1F and 0x22/0x23 (ARMv8-M ARM C1.6.4): the banked stack pointers,
 * their limits and the special registers of each security state (0x22 Secure, 0x23 Non-secure,
 * packed as selector 20: CONTROL [31:24], FAULTMASK [23:16], BASEPRI [15:8], PRIMASK [7:0]).
 * The state the core runs in (DSCSR.CDS: Secure with TrustZone on, else Non-secure) has the live
 * registers; the core never changes state on the board, so the other bank and the stack limits
 * (not enforced) are plain storage, zero after a reset (v8m_idle). Returns the live regsel (13 SP
 * is not used: 17 MSP, 18 PSP, 20 CONTROL/FAULTMASK/BASEPRI/PRIMASK), 0 for a stored one, or
 * -1. */
static int v8m_banked(const struct sim_target *t, unsigned regsel)
{
    if (t->cpu->arch != SIM_ARMV8M_MAIN || regsel < 0x18 || regsel > 0x23 || regsel == 0x20 ||
        regsel == 0x21)
        return -1;
    bool secure = t->family->flash->trustzone && t->family->flash->trustzone(t);
    switch (regsel) {
    case 0x18:
        return secure ? 0 : 17; /* MSP_NS */
    case 0x19:
        return secure ? 0 : 18; /* PSP_NS */
    case 0x1A:
        return secure ? 17 : 0; /* MSP_S */
    case 0x1B:
        return secure ? 18 : 0; /* PSP_S */
    case 0x22:
        return secure ? 20 : 0; /* CONTROL_S, FAULTMASK_S, BASEPRI_S, PRIMASK_S */
    case 0x23:
        return secure ? 0 : 20; /* the same, Non-secure */
    default:
        return 0; /* MSPLIM_S, PSPLIM_S, MSPLIM_NS, PSPLIM_NS */
    }
}

/* The bits a stored register keeps: the packed selectors 0x22/0x23 hold what selector 20 does
 * below (CONTROL nPRIV and SPSEL, FAULTMASK, BASEPRI, PRIMASK); the others the whole word. */
static uint32_t v8m_idle_mask(unsigned regsel)
{
    return regsel >= 0x22 ? 0x0301FF01u : 0xFFFFFFFFu;
}

int cortexm_read_core_reg(struct sim_target *t, unsigned regsel, uint32_t *val)
{
    int banked = v8m_banked(t, regsel);
    if (banked == 0) {
        *val = t->core.v8m_idle[regsel - 0x18];
        return 0;
    }
    if (banked > 0)
        regsel = (unsigned)banked;
    if (regsel == 20 && t->cpu->arch == SIM_ARMV6M) {
        /* ARMv6-M C1.6.3: CONTROL (SPSEL only on the M0) and PRIMASK. */
        *val = (reg_get(t, UC_ARM_REG_CONTROL) & 2u) << 24 | (reg_get(t, UC_ARM_REG_PRIMASK) & 1u);
        return 0;
    }
    if (regsel == 20) {
        *val = (reg_get(t, UC_ARM_REG_CONTROL) & 3u) << 24 |
               (reg_get(t, UC_ARM_REG_FAULTMASK) & 1u) << 16 |
               (reg_get(t, UC_ARM_REG_BASEPRI) & 0xFFu) << 8 |
               (reg_get(t, UC_ARM_REG_PRIMASK) & 1u);
        return 0;
    }
    int reg = regsel_to_uc(regsel);
    if (reg < 0)
        reg = regsel_to_uc_fp(t, regsel);
    if (reg < 0)
        return -1;
    *val = reg_get(t, reg);
    if (regsel == 15)
        *val &= ~1u;
    return 0;
}

int cortexm_write_core_reg(struct sim_target *t, unsigned regsel, uint32_t val)
{
    int banked = v8m_banked(t, regsel);
    if (banked == 0) {
        t->core.v8m_idle[regsel - 0x18] = val & v8m_idle_mask(regsel);
        return 0;
    }
    if (banked > 0)
        regsel = (unsigned)banked;
    if (regsel == 20 && t->cpu->arch == SIM_ARMV6M) {
        reg_set(t, UC_ARM_REG_PRIMASK, val & 1u);
        reg_set(t, UC_ARM_REG_CONTROL, (val >> 24) & 2u);
        return 0;
    }
    if (regsel == 20) {
        reg_set(t, UC_ARM_REG_PRIMASK, val & 1u);
        reg_set(t, UC_ARM_REG_BASEPRI, (val >> 8) & 0xFFu);
        reg_set(t, UC_ARM_REG_FAULTMASK, (val >> 16) & 1u);
        reg_set(t, UC_ARM_REG_CONTROL, (val >> 24) & 3u);
        return 0;
    }
    int reg = regsel_to_uc(regsel);
    if (reg < 0)
        reg = regsel_to_uc_fp(t, regsel);
    if (reg < 0)
        return -1;
    if (regsel == 15)
        val |= 1u; /* Unicorn takes bit 0 of the PC as the Thumb state; M-profile is Thumb only */
    if (regsel == 16)
        t->core.epsr_t_clear = !(val & XPSR_T); /* the debugger sets EPSR.T */
    reg_set(t, reg, val);
    return 0;
}
