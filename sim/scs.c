/*
 * The system control space of the core (0xE000E000-0xE000EFFF; the rest of the private
 * peripheral bus is sim/ppb.c): SysTick, NVIC, the system control block, the debug registers
 * (DHCSR, DCRSR, DCRDR, DEMCR), and the FPU and cache registers of the cores that have them.
 * What the core has is its sim_core_model's (sim/cores.c): the ARMv6-M parts (Cortex-M0) lack
 * VTOR, the configurable faults, BASEPRI, the feature registers and STIR. References: ARMv7-M
 * ARM (DDI 0403) B3.2-B3.4, C1.6; ARMv6-M ARM (DDI 0419) B3.2-B3.4, C1.6; Cortex-M3 TRM
 * (DDI 0337) table 3-1, Cortex-M4 TRM (DDI 0439) table 4-1; the Cortex-M7 (DDI 0489) adds
 * caches (§4.1).
 */
#include "target.h"

#define DEMCR_V7M_BITS 0x010F07F1u /* TRCENA, MON_*, VC_* (C1.6.5) */
#define DEMCR_V6M_BITS 0x01000401u /* DWTENA, VC_HARDERR, VC_CORERESET (ARMv6-M C1.6.5) */

static bool is_v6m(const struct sim_target *t)
{
    return t->cpu->arch == SIM_ARMV6M;
}

/* The bits of an 8-bit priority field the core implements (B3.4.8: the high bits). */
static uint8_t prio_mask(const struct sim_target *t)
{
    return (uint8_t)(0xFFu << (8u - t->cpu->prio_bits));
}

/* ---- SysTick (B3.3) ---- */

static sim_ps systick_tick(const struct sim_target *t)
{
    return (t->core.syst_csr & 4u) ? t->cycle_ps : t->cycle_ps * 8u;
}

static uint32_t systick_cvr(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (!(c->syst_csr & 1u) || c->syst_next_wrap == UINT64_MAX)
        return c->syst_cvr_frozen;
    if (c->syst_next_wrap <= t->now)
        return 0;
    return (uint32_t)((c->syst_next_wrap - t->now + systick_tick(t) - 1u) / systick_tick(t)) &
           0xFFFFFFu;
}

static void systick_write(struct sim_target *t, uint32_t off, uint32_t val)
{
    struct cortexm *c = &t->core;
    switch (off) {
    case 0x10: { /* SYST_CSR */
        bool was_on = c->syst_csr & 1u;
        uint32_t cvr = systick_cvr(t);
        c->syst_csr = (c->syst_csr & (1u << 16)) | (val & 7u);
        if (!(val & 1u)) {
            c->syst_cvr_frozen = cvr;
            c->syst_next_wrap = UINT64_MAX;
        } else if (!was_on) {
            /* The counter reloads from RVR on the first tick after it is enabled at zero. */
            uint32_t start = c->syst_cvr_frozen ? c->syst_cvr_frozen : c->syst_rvr + 1u;
            c->syst_next_wrap = c->syst_rvr || c->syst_cvr_frozen
                                    ? t->now + (sim_ps)start * systick_tick(t)
                                    : UINT64_MAX;
        }
        break;
    }
    case 0x14:
        c->syst_rvr = val & 0xFFFFFFu;
        break;
    case 0x18: /* any write clears the counter and COUNTFLAG */
        c->syst_csr &= ~(1u << 16);
        c->syst_cvr_frozen = 0;
        if (c->syst_csr & 1u)
            c->syst_next_wrap =
                c->syst_rvr ? t->now + (sim_ps)(c->syst_rvr + 1u) * systick_tick(t) : UINT64_MAX;
        break;
    default:
        break;
    }
}

/* ---- bit sets of exceptions ---- */

static uint32_t set_word(const uint32_t *set, unsigned first_exc, unsigned word)
{
    /* NVIC registers count IRQs, the sets count exceptions (IRQ n = exception 16 + n). */
    uint32_t v = 0;
    for (unsigned b = 0; b < 32; b++) {
        unsigned exc = first_exc + word * 32u + b;
        if (exc < 96 && ((set[exc / 32] >> (exc % 32)) & 1u))
            v |= 1u << b;
    }
    return v;
}

static void set_apply(uint32_t *set, unsigned word, uint32_t bits, bool on)
{
    for (unsigned b = 0; b < 32; b++) {
        unsigned exc = 16u + word * 32u + b;
        if (exc >= 96 || !((bits >> b) & 1u))
            continue;
        if (on)
            set[exc / 32] |= 1u << (exc % 32);
        else
            set[exc / 32] &= ~(1u << (exc % 32));
    }
}

static unsigned highest_pending(const struct cortexm *c)
{
    for (unsigned exc = 2; exc < 96; exc++)
        if ((c->pending[exc / 32] >> (exc % 32)) & 1u)
            return exc;
    return 0;
}

static uint32_t read_ipsr(struct sim_target *t)
{
    uint32_t xpsr = 0;
    uc_reg_read(t->uc, UC_ARM_REG_XPSR, &xpsr);
    return xpsr & 0x1FFu;
}

/* ---- debug registers (C1.6) ---- */

/* Whether secure invasive debug is allowed (ARMv8-M: DHCSR.S_SDE, DAUTHSTATUS): always, unless
 * the flash controller closes it (TrustZone with RDP 0.5 or above). */
static bool secure_debug(const struct sim_target *t)
{
    return !t->family->flash->secure_debug || t->family->flash->secure_debug(t);
}

static uint32_t dhcsr_read(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    uint32_t v = c->dhcsr_ctrl & 0x2Fu;
    v |= c->regrdy ? 1u << 16 : 0;
    v |= c->halted ? 1u << 17 : 0;
    v |= c->sleeping ? 1u << 18 : 0;
    v |= c->lockup ? 1u << 19 : 0;
    v |= c->s_retire_st ? 1u << 24 : 0;
    v |= (c->s_reset_st || c->in_reset) ? 1u << 25 : 0;
    if (t->cpu->arch == SIM_ARMV8M_MAIN && secure_debug(t))
        v |= 1u << 20; /* S_SDE (ARMv8-M C1.6.3): halting the Secure state is allowed */
    c->s_retire_st = false;
    c->s_reset_st = false;
    return v;
}

static void dhcsr_write(struct sim_target *t, uint32_t val)
{
    struct cortexm *c = &t->core;
    if ((val >> 16) != 0xA05Fu)
        return; /* DBGKEY missing: the write is ignored */
    c->dhcsr_ctrl = val & 0x2Fu;
    if (!(c->dhcsr_ctrl & 1u)) {
        c->dhcsr_ctrl = 0;
        c->halted = false;
        c->stepping = false;
        return;
    }
    if (c->dhcsr_ctrl & 2u) {
        if (!c->halted)
            cortexm_halt(t, 1u /* DFSR.HALTED */);
        return;
    }
    cortexm_debug_resume(t);
}

static void dcrsr_write(struct sim_target *t, uint32_t val)
{
    struct cortexm *c = &t->core;
    unsigned regsel = val & 0x7Fu;
    if (val & (1u << 16))
        cortexm_write_core_reg(t, regsel, c->dcrdr);
    else if (cortexm_read_core_reg(t, regsel, &c->dcrdr) != 0)
        c->dcrdr = 0;
    c->regrdy = true;
}

static void aircr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct cortexm *c = &t->core;
    if ((val >> 16) != 0x05FAu)
        return;
    if (is_v6m(t))
        val &= 6u; /* ARMv6-M B3.2.6: no PRIGROUP, no VECTRESET */
    c->aircr_prigroup = (val >> 8) & 7u;
    if (val & 2u) { /* VECTCLRACTIVE */
        c->active[0] = c->active[1] = c->active[2] = 0;
    }
    if (val & 5u) {
        /* SYSRESETREQ (bit 2) resets the system, VECTRESET (bit 0) the core only. A request from
         * the running core takes effect when the current instruction completes. */
        t->reset_request = (val & 4u) ? SIM_RESET_SYSTEM : SIM_RESET_CORE;
        if (who == SIM_BY_CPU) {
            t->stop = SIM_STOP_EXCEPTION;
            uc_emu_stop(t->uc);
        } else {
            sim_target_do_reset_request(t);
        }
    }
}

/* ---- the register file ---- */

/* SCB registers an ARMv6-M core does not have (B3.2.2): SHPR1, CFSR, HFSR, MMFAR, BFAR, AFSR,
 * the feature registers, CPACR and the MPU; they read as zero and ignore writes here. */
static bool v6m_absent(const struct sim_target *t, uint32_t off)
{
    return off == 0x004 || (off == 0xD08 && !t->cpu->has_vtor) || off == 0xD18 ||
           (off >= 0xD28 && off <= 0xD3C && off != 0xD30) || (off >= 0xD40 && off < 0xDC0) ||
           off == 0xF00;
}

/* The FPv4-SP of the Cortex-M4F (ARMv7-M B3.2.20, Cortex-M4 TRM §7.3): CPACR, FPCCR, FPCAR,
 * FPDSCR as storage, MVFR0/1 as the TRM gives them. Floating-point instructions themselves
 * are not run: they take the NOCP UsageFault. */
static bool fpu_register(struct sim_target *t, uint32_t off, uint32_t *rd, const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    uint32_t *r;
    switch (off) {
    case 0xD88:
        r = &c->cpacr;
        break;
    case 0xF34:
        r = &c->fpccr;
        break;
    case 0xF38:
        r = &c->fpcar;
        break;
    case 0xF3C:
        r = &c->fpdscr;
        break;
    case 0xF40:
    case 0xF44:
    case 0xF48:
        if (rd && t->cpu->mvfr)
            *rd = t->cpu->mvfr[(off - 0xF40) / 4]; /* FPv5 (Cortex-M7 TRM §7.2.3) */
        else if (rd && off == 0xF48) /* MVFR2 (ARMv8-M D1.2.104): FPv5 VMINNM/VMAXNM, VRINT */
            *rd = t->cpu->arch == SIM_ARMV8M_MAIN ? 0x00000040u : 0u;
        else if (rd)
            *rd = off == 0xF40 ? 0x10110021u : 0x11000011u;
        return true;
    default:
        return false;
    }
    if (rd)
        *rd = *r;
    else if (off == 0xD88)
        *r = *wr & 0x00F00000u; /* CP10, CP11 */
    else
        *r = *wr;
    return true;
}

/* The level 1 caches of the Cortex-M7 (ARMv7-M B3.2.2, Cortex-M7 TRM §4.1): CLIDR, CTR, CCSIDR
 * of the cache CSSELR selects; the maintenance operations (0xF50-0xF78: ICIALLU .. BPIALL) are
 * accepted and do nothing, the simulated memory being coherent. The TCM and AHB control
 * registers (0xF90-0xFA8: ITCMCR .. ABFSR) read as zero and ignore writes. */
static bool cache_register(struct sim_target *t, uint32_t off, uint32_t *rd, const uint32_t *wr)
{
    const struct sim_cache_model *m = t->cpu->cache;
    uint32_t v = 0;
    switch (off) {
    case 0xD78:
        v = m->clidr;
        break;
    case 0xD7C:
        v = m->ctr;
        break;
    case 0xD80:
        v = (t->core.csselr & 1u) ? m->ccsidr_i : m->ccsidr_d;
        break;
    case 0xD84:
        if (wr)
            t->core.csselr = *wr & 1u; /* level 1 only: Level reads as zero */
        v = t->core.csselr;
        break;
    default:
        if ((off >= 0xF50 && off <= 0xF78) || (off >= 0xF90 && off <= 0xFA8))
            break;
        return false;
    }
    if (rd)
        *rd = v;
    return true;
}

enum sim_bus_result scs_reg_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct cortexm *c = &t->core;
    if (is_v6m(t) && v6m_absent(t, off)) {
        *val = 0;
        return SIM_BUS_OK;
    }
    if (t->cpu->has_fpu && fpu_register(t, off, val, NULL))
        return SIM_BUS_OK;
    if (t->cpu->cache && cache_register(t, off, val, NULL))
        return SIM_BUS_OK;
    if (t->cpu->id_regs && off >= 0xD40 && off <= 0xD70) {
        *val = t->cpu->id_regs[(off - 0xD40) / 4];
        return SIM_BUS_OK;
    }
    if (off >= 0x100 && off < 0x200) { /* ISER, ICER: enabled IRQs, one bit per IRQ */
        unsigned w = ((off - 0x100) % 0x80) / 4;
        *val = w < 3 ? c->nvic_enabled[w] : 0;
        return SIM_BUS_OK;
    }
    if (off >= 0x200 && off < 0x300) {
        *val = set_word(c->pending, 16, ((off - 0x200) % 0x80) / 4);
        return SIM_BUS_OK;
    }
    if (off >= 0x300 && off < 0x380) {
        *val = set_word(c->active, 16, (off - 0x300) / 4);
        return SIM_BUS_OK;
    }
    if (off >= 0x400 && off < 0x460) {
        unsigned n = off - 0x400;
        *val = (uint32_t)c->nvic_prio[n] | (uint32_t)c->nvic_prio[n + 1] << 8 |
               (uint32_t)c->nvic_prio[n + 2] << 16 | (uint32_t)c->nvic_prio[n + 3] << 24;
        return SIM_BUS_OK;
    }
    if (off >= 0xD18 && off <= 0xD20) {
        unsigned n = off - 0xD18;
        *val = (uint32_t)c->shpr[n] | (uint32_t)c->shpr[n + 1] << 8 |
               (uint32_t)c->shpr[n + 2] << 16 | (uint32_t)c->shpr[n + 3] << 24;
        return SIM_BUS_OK;
    }
    switch (off) {
    case 0x004:
        *val = 1u;
        break; /* ICTR: 64 interrupt lines */
    case 0x008:
        *val = 0;
        break; /* ACTLR */
    case 0x010:
        *val = c->syst_csr;
        c->syst_csr &= ~(1u << 16); /* COUNTFLAG clears on read */
        break;
    case 0x014:
        *val = c->syst_rvr;
        break;
    case 0x018:
        *val = systick_cvr(t);
        break;
    case 0x01C:
        *val = t->family->syst_calib;
        break; /* SYST_CALIB (PM0056 §4.5.4) */
    case 0xD00:
        *val = t->chip->cpuid;
        break;
    case 0xD04: {
        unsigned pend = highest_pending(c);
        *val = read_ipsr(t) | (pend & 0x1FFu) << 12 |
               (((c->pending[0] & 0xFFFF0000u) | c->pending[1] | c->pending[2]) ? 1u << 22 : 0) |
               ((c->pending[0] >> 15) & 1u) << 26 | ((c->pending[0] >> 14) & 1u) << 28 |
               ((c->pending[0] >> 2) & 1u) << 31;
        break;
    }
    case 0xD08:
        *val = c->vtor;
        break;
    case 0xD0C:
        *val = 0xFA050000u | c->aircr_prigroup << 8;
        break;
    case 0xD10:
        *val = c->scr;
        break;
    case 0xD14:
        *val = is_v6m(t) ? 0x208u : c->ccr;
        break; /* v6-M: STKALIGN, UNALIGN_TRP */
    case 0xD24:
        *val = c->shcsr;
        break;
    case 0xD28:
        *val = c->cfsr;
        break;
    case 0xD2C:
        *val = c->hfsr;
        break;
    case 0xD30:
        *val = c->dfsr;
        break;
    case 0xD34:
        *val = c->mmfar;
        break;
    case 0xD38:
        *val = c->bfar;
        break;
    case 0xD3C:
        *val = 0;
        break;
    /* Processor feature registers, Cortex-M3 TRM table 4-1 */
    case 0xD40:
        *val = 0x00000030u;
        break;
    /* ID_PFR1 (ARMv8-M ARM D1.2, ID_PFR1; ARMv7-M ARM B4.1): MProgMod, bits [11:8], = 2 (the
     * two-stack programmers' model) on every ARMv7-M/ARMv8-M Main core; Security, bits [7:4],
     * = 1 (Security Extension implemented) on the STM32L5/U5/H5 Cortex-M33 (TrustZone, RM0438 /
     * RM0456 / RM0481). 0x00000210 is the Cortex-M33 TRM's value with the Security Extension. */
    case 0xD44:
        *val = t->cpu->arch == SIM_ARMV8M_MAIN ? 0x00000210u : 0x00000200u;
        break;
    case 0xD48:
        *val = 0x00100000u;
        break;
    case 0xD4C:
        *val = 0;
        break;
    case 0xD50:
        *val = 0x00100030u;
        break;
    case 0xD54:
        *val = 0;
        break;
    case 0xD58:
        *val = 0x01000000u;
        break;
    case 0xD5C:
        *val = 0;
        break;
    case 0xD60:
        *val = t->cpu->id_isar0;
        break;
    case 0xD64:
        *val = 0x02111000u;
        break;
    case 0xD68:
        *val = 0x21112231u;
        break;
    case 0xD6C:
        *val = 0x01111110u;
        break;
    case 0xD70:
        *val = 0x01310132u;
        break;
    case 0xD88:
        *val = 0;
        break; /* CPACR: no coprocessors */
    case 0xD90:
        *val = 0;
        break; /* MPU_TYPE: no MPU on the F1 */
    case 0xDF0:
        *val = dhcsr_read(t);
        break;
    case 0xE08: /* DSCSR (ARMv8-M D1.2.61): CDS, the core's Secure state; SBRSEL(EN) kept */
        if (t->cpu->arch != SIM_ARMV8M_MAIN)
            return SIM_BUS_FAULT;
        *val = (c->dscsr & 3u) |
               (t->family->flash->trustzone && t->family->flash->trustzone(t) ? 1u << 16 : 0);
        break;
    case 0xDF4:
        *val = 0;
        break; /* DCRSR is write-only */
    case 0xDF8:
        *val = c->dcrdr;
        break;
    case 0xDFC:
        *val = c->demcr;
        break;
    default:
        if (ppb_id_register(off, t->cpu->components[0].pidr, t->cpu->components[0].cidr, val))
            return SIM_BUS_OK;
        if (off < 0xD00 || (off >= 0xD90 && off < 0xDC0) || off == 0xF00) {
            *val = 0; /* reserved or write-only: reads as zero */
            return SIM_BUS_OK;
        }
        if (off == 0xFB8 && t->cpu->arch == SIM_ARMV8M_MAIN) {
            /* DAUTHSTATUS (ARMv8-M D1.2.8): non-secure invasive and non-invasive debug
             * implemented and allowed; the secure ones as S_SDE says. */
            *val = secure_debug(t) ? 0xFFu : 0x0Fu;
            return SIM_BUS_OK;
        }
        if (off >= 0xFBC && off < 0xFD0) {
            /* CoreSight DEVARCH, DEVID, DEVTYPE and their neighbours: not implemented in the M3's
             * SCS, read as zero. pyOCD reads the SCS identification block from 0xFBC. */
            *val = 0;
            return SIM_BUS_OK;
        }
        return SIM_BUS_FAULT;
    }
    return SIM_BUS_OK;
}

enum sim_bus_result scs_reg_write(struct sim_target *t, uint32_t off, uint32_t val,
                                  enum sim_initiator who)
{
    struct cortexm *c = &t->core;
    if (is_v6m(t) && v6m_absent(t, off))
        return SIM_BUS_OK;
    if (t->cpu->has_fpu && fpu_register(t, off, NULL, &val))
        return SIM_BUS_OK;
    if (t->cpu->cache && cache_register(t, off, NULL, &val))
        return SIM_BUS_OK;
    if (off >= 0x100 && off < 0x200) {
        unsigned w = ((off - 0x100) % 0x80) / 4;
        if (w < 3) {
            if (off < 0x180)
                c->nvic_enabled[w] |= val;
            else
                c->nvic_enabled[w] &= ~val;
        }
        return SIM_BUS_OK;
    }
    if (off >= 0x200 && off < 0x280) {
        set_apply(c->pending, (off - 0x200) / 4, val, true);
        c->sleeping = false;
        return SIM_BUS_OK;
    }
    if (off >= 0x280 && off < 0x300) {
        set_apply(c->pending, (off - 0x280) / 4, val, false);
        return SIM_BUS_OK;
    }
    if (off >= 0x400 && off < 0x460) {
        for (unsigned i = 0; i < 4; i++)
            c->nvic_prio[off - 0x400 + i] = (uint8_t)((val >> (8 * i)) & prio_mask(t));
        return SIM_BUS_OK;
    }
    if (off >= 0xD18 && off <= 0xD20) {
        for (unsigned i = 0; i < 4; i++)
            c->shpr[off - 0xD18 + i] = (uint8_t)((val >> (8 * i)) & prio_mask(t));
        return SIM_BUS_OK;
    }
    switch (off) {
    case 0x010:
    case 0x014:
    case 0x018:
        systick_write(t, off, val);
        break;
    case 0xD04:
        if (val & (1u << 31))
            cortexm_set_pending(t, 2);
        if (val & (1u << 28))
            cortexm_set_pending(t, 14);
        if (val & (1u << 27))
            c->pending[0] &= ~(1u << 14);
        if (val & (1u << 26))
            cortexm_set_pending(t, 15);
        if (val & (1u << 25))
            c->pending[0] &= ~(1u << 15);
        if (who == SIM_BY_CPU && c->pending[0]) {
            t->stop = SIM_STOP_EXCEPTION;
            uc_emu_stop(t->uc);
        }
        break;
    case 0xD08:
        c->vtor = val & 0x3FFFFF80u;
        break;
    case 0xD0C:
        aircr_write(t, val, who);
        break;
    case 0xD10:
        c->scr = val & 0x16u;
        break;
    case 0xD14:
        /* Cortex-M7 TRM §3.3.5: DC (16), IC (17) enable the caches; BP (18) is always one. */
        c->ccr = t->cpu->cache ? (val & 0x3031Bu) | 0x40000u : val & 0x31Bu;
        break;
    case 0xD24:
        c->shcsr = val & 0x70000u;
        break;
    case 0xD28:
        c->cfsr &= ~val;
        break;
    case 0xD2C:
        c->hfsr &= ~val;
        break;
    case 0xD30:
        c->dfsr &= ~val;
        break;
    case 0xD34:
        c->mmfar = val;
        break;
    case 0xD38:
        c->bfar = val;
        break;
    case 0xDF0:
        if (who == SIM_BY_DEBUG)
            dhcsr_write(t, val);
        break;
    case 0xDF4:
        dcrsr_write(t, val);
        break;
    case 0xDF8:
        c->dcrdr = val;
        break;
    case 0xDFC:
        c->demcr = val & (is_v6m(t) ? DEMCR_V6M_BITS : DEMCR_V7M_BITS);
        cortexm_update_watchpoints(t); /* TRCENA (DWTENA on ARMv6-M) turns the DWT on */
        break;
    case 0xE08:
        if (t->cpu->arch != SIM_ARMV8M_MAIN)
            return SIM_BUS_FAULT;
        c->dscsr = val & 3u; /* SBRSELEN, SBRSEL: the banked registers a debugger selects */
        break;
    case 0xF00:
        cortexm_set_pending(t, 16u + (val & 0x1FFu));
        break;
    default:
        if (off < 0xD00 || (off >= 0xD40 && off < 0xDC0))
            break; /* read-only or reserved: writes are ignored */
        return SIM_BUS_FAULT;
    }
    return SIM_BUS_OK;
}
