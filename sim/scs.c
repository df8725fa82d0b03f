/*
 * The private peripheral bus of the core (0xE0000000-0xE00FFFFF): system control space,
 * SysTick, NVIC, debug registers, FPB/BPU, DWT, ITM, TPIU and ETM identification, the STM32
 * DBGMCU where the family puts it there, and the CoreSight ROM table. What the core has is its
 * sim_core_model's (sim/cores.c): the ARMv6-M parts (Cortex-M0) lack VTOR, the configurable
 * faults, BASEPRI, CYCCNT, the feature registers and STIR. References: ARMv7-M ARM (DDI 0403)
 * B3.2-B3.4, C1.6-C1.11; ARMv6-M ARM (DDI 0419) B3.2-B3.4, C1.6-C1.8; Cortex-M3 TRM (DDI 0337)
 * table 3-1, Cortex-M4 TRM (DDI 0439) table 4-1; RM0008 §31, RM0091 §32, RM0316 §33 for
 * DBGMCU and the STM32 ROM table. The Cortex-M7 (DDI 0489) adds caches (§4.1), FPB version 2
 * (§9.3, ARMv7-M C1.11) and a ROM table above the PPB one (§9.1).
 */
#include "target.h"

#define ITM_BASE 0xE0000000u
#define DWT_BASE 0xE0001000u
#define FPB_BASE 0xE0002000u
#define SCS_BASE 0xE000E000u
#define PPB_DBGMCU 0xE0042000u
#define TPIU_BASE 0xE0040000u
#define ROM_BASE 0xE00FF000u

#define DWT_FUNCTION_MATCHED (1u << 24)
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

static bool id_register(uint32_t off, uint64_t pidr, uint32_t cidr, uint32_t *val)
{
    if (off >= 0xFD0u && off <= 0xFDCu) {
        *val = off == 0xFD0u ? (uint32_t)(pidr >> 32) & 0xFFu : 0u;
        return true;
    }
    if (off >= 0xFE0u && off <= 0xFECu) {
        *val = (uint32_t)(pidr >> (8u * ((off - 0xFE0u) / 4u))) & 0xFFu;
        return true;
    }
    if (off >= 0xFF0u) {
        *val = (cidr >> (8u * ((off - 0xFF0u) / 4u))) & 0xFFu;
        return true;
    }
    return false;
}

static const struct sim_component *component_at(const struct sim_target *t, uint32_t addr)
{
    for (unsigned i = 0; i < t->cpu->n_components; i++)
        if ((addr & ~0xFFFu) == t->cpu->components[i].base)
            return &t->cpu->components[i];
    return NULL;
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

static enum sim_bus_result scb_read(struct sim_target *t, uint32_t off, uint32_t *val)
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
        if (id_register(off, t->cpu->components[0].pidr, t->cpu->components[0].cidr, val))
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

static enum sim_bus_result scb_write(struct sim_target *t, uint32_t off, uint32_t val,
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

static uint32_t dwt_cyccnt(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (!(c->dwt_ctrl & 1u))
        return c->dwt_cyccnt_base;
    return c->dwt_cyccnt_base + (uint32_t)((t->now - c->dwt_cyccnt_time) / t->cycle_ps);
}

static enum sim_bus_result dwt_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    if (off >= 0x20 && off < 0x20 + 16u * t->cpu->dwt_comp) {
        unsigned n = (off - 0x20) / 16, reg = (off - 0x20) % 16;
        uint32_t *r = reg == 0   ? &c->dwt_comp[n]
                      : reg == 4 ? &c->dwt_mask[n]
                      : reg == 8 ? &c->dwt_function[n]
                                 : NULL;
        if (rd) {
            *rd = r ? *r : 0;
            if (reg == 8)
                c->dwt_function[n] &= ~DWT_FUNCTION_MATCHED; /* cleared by the read (C1.8.17) */
        } else if (r) {
            if (reg == 8) /* MATCHED is read-only */
                *r = (*wr & ~DWT_FUNCTION_MATCHED) | (*r & DWT_FUNCTION_MATCHED);
            else
                *r = reg == 4 ? *wr & 0x1Fu : *wr; /* MASK: bits [4:0] */
            cortexm_update_watchpoints(t);
        }
        return SIM_BUS_OK;
    }
    switch (off) {
    case 0x00:
        if (rd) {
            *rd = c->dwt_ctrl;
        } else if (is_v6m(t)) {
            /* ARMv6-M C1.8.2: DWT_CTRL holds NUMCOMP only; no CYCCNT. */
        } else {
            uint32_t cnt = dwt_cyccnt(t);
            c->dwt_ctrl = (c->dwt_ctrl & 0xF0000000u) | (*wr & 0x007F1FFFu);
            c->dwt_cyccnt_base = cnt;
            c->dwt_cyccnt_time = t->now;
        }
        return SIM_BUS_OK;
    case 0x04:
        if (is_v6m(t)) {
            if (rd)
                *rd = 0;
        } else if (rd) {
            *rd = dwt_cyccnt(t);
        } else {
            c->dwt_cyccnt_base = *wr;
            c->dwt_cyccnt_time = t->now;
        }
        return SIM_BUS_OK;
    case 0x1C:
        if (rd)
            uc_reg_read(t->uc, UC_ARM_REG_PC, rd);
        return SIM_BUS_OK;
    default:
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    }
}

static enum sim_bus_result fpb_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    if (off == 0x000) {
        if (rd)
            *rd = c->fp_ctrl;
        else if (*wr & 2u) /* KEY must be written as one */
            c->fp_ctrl = (c->fp_ctrl & ~1u) | (*wr & 1u);
    } else if (off == 0x004) {
        /* ARMv6-M's BPU has no remapping: BP_REMAP is reserved; an FPBv2 without remapping
         * (the Cortex-M7's, RMPSPT = 0) reads FP_REMAP as zero. */
        bool remap = !is_v6m(t) && t->cpu->fpb_rev == 0;
        if (rd)
            *rd = remap ? c->fp_remap : 0;
        else if (remap)
            c->fp_remap = *wr & 0x1FFFFFE0u;
    } else if (off >= 0x008 && off < 0x008 + 4u * (t->cpu->fpb_code + t->cpu->fpb_lit)) {
        uint32_t *comp = &c->fp_comp[(off - 0x008) / 4];
        if (rd)
            *rd = *comp;
        else /* FPBv1: COMP[28:2], REPLACE[31:30], ENABLE; FPBv2: BPADDR[31:1], BE */
            *comp = t->cpu->fpb_rev ? *wr : *wr & 0xDFFFFFFDu;
    } else if (rd) {
        *rd = 0;
    }
    if (!rd)
        cortexm_update_breakpoints(t);
    return SIM_BUS_OK;
}

static enum sim_bus_result itm_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    struct cortexm *c = &t->core;
    if (sim_itm_lock_access(t, off, rd, wr))
        return SIM_BUS_OK;
    uint32_t *r = off == 0xE00   ? &c->itm_ter
                  : off == 0xE40 ? &c->itm_tpr
                  : off == 0xE80 ? &c->itm_tcr
                                 : NULL;
    if (rd)
        *rd = r ? *r : off < 0x80 ? 1u /* stimulus port ready */ : 0u;
    else if (r)
        *r = *wr;
    return SIM_BUS_OK;
}

/* DBGMCU (RM0008 §31.16, RM0091 §32.9, RM0316 §33.16): IDCODE, CR, and on the F0/F3 the
 * APB1/APB2 freeze registers. The family says where it is and whether the core sees IDCODE. */
enum sim_bus_result dbgmcu_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr, enum sim_initiator who)
{
    if (off == 0x0) {
        if (rd) {
            /* F1 errata (ES0340 §2.3?): the core reads zero unless a debugger is attached. */
            bool visible =
                !t->family->dbgmcu_core_zero || who == SIM_BY_DEBUG || (t->core.dhcsr_ctrl & 1u);
            uint32_t idcode =
                t->cfg.dev_id ? (t->chip->idcode & ~0xFFFu) | t->cfg.dev_id : t->chip->idcode;
            *rd = visible ? idcode : 0;
        }
        return SIM_BUS_OK;
    }
    if (off == 0x4) {
        if (rd)
            *rd = t->per.dbgmcu_cr;
        else
            t->per.dbgmcu_cr = *wr & 0x001FFFE7u;
        return SIM_BUS_OK;
    }
    uint32_t fz = t->family->dbgmcu_fz_off ? t->family->dbgmcu_fz_off : 0x8u;
    if ((off == fz || off == fz + 4u) && t->family->dbgmcu_freeze) {
        if (rd)
            *rd = t->per.dbgmcu_fz[(off - fz) / 4];
        else
            t->per.dbgmcu_fz[(off - fz) / 4] = *wr;
        return SIM_BUS_OK;
    }
    return SIM_BUS_FAULT;
}

/* ROM table entries (ADIv5 §10.2.1): signed offsets from the table base, present bit set; a
 * zero entry ends the table. */
static enum sim_bus_result rom_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    if (off / 4 <= t->cpu->n_components) {
        unsigned n = off / 4;
        bool absent = (t->cpu->ppb_rom_absent >> n) & 1u;
        *val = n < t->cpu->n_components
                   ? (t->cpu->components[n].base - ROM_BASE) | (absent ? 2u : 3u)
                   : 0u;
        return SIM_BUS_OK;
    }
    if (off == 0xFCC) {
        *val = 1u; /* MEMTYPE: system memory present */
        return SIM_BUS_OK;
    }
    uint64_t pidr = t->cpu->n_rom_tables ? t->cpu->ppb_rom_pidr : t->chip->rom_pidr;
    if (id_register(off, pidr, 0xB105100Du, val))
        return SIM_BUS_OK;
    *val = 0;
    return SIM_BUS_OK;
}

/* A ROM table above the PPB one (sim_rom_table): its entries, MEMTYPE and IDs. */
static bool upper_rom_read(struct sim_target *t, uint32_t block, uint32_t off, uint32_t *val)
{
    for (unsigned i = 0; i < t->cpu->n_rom_tables; i++) {
        const struct sim_rom_table *r = &t->cpu->rom_tables[i];
        if (r->base != block)
            continue;
        if (off < sizeof r->entries)
            *val = r->entries[off / 4];
        else if (off == 0xFCC)
            *val = 1u; /* MEMTYPE: system memory present */
        else if (!id_register(off, r->pidr ? r->pidr : t->chip->rom_pidr, 0xB105100Du, val))
            *val = 0;
        return true;
    }
    return false;
}

static enum sim_bus_result ppb_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                      const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0xFFFu, off = addr & 0xFFFu;

    if (block == SCS_BASE)
        return rd ? scb_read(t, off, rd) : scb_write(t, off, *wr, who);
    if (block == t->family->dbgmcu_base) /* 0xE0042000, or 0xE0044000 on the Cortex-M33 parts */
        return dbgmcu_access(t, off, rd, wr, who);
    if (block == ROM_BASE)
        return rd ? rom_read(t, off, rd) : SIM_BUS_OK;
    if (t->cpu->n_rom_tables && rd && upper_rom_read(t, block, off, rd))
        return SIM_BUS_OK;
    const struct sim_component *comp = component_at(t, addr);
    if (!comp)
        return SIM_BUS_FAULT;
    if (rd && id_register(off, comp->pidr, comp->cidr, rd))
        return SIM_BUS_OK;
    switch (block) {
    case DWT_BASE:
        return dwt_access(t, off, rd, wr);
    case FPB_BASE:
        return fpb_access(t, off, rd, wr);
    case ITM_BASE:
        return itm_access(t, off, rd, wr);
    case TPIU_BASE:
        if (sim_tpiu_access(t, off, rd, wr))
            return SIM_BUS_OK;
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    default: /* TPIU, ETM: present, configuration not modelled */
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    }
}

enum sim_bus_result scs_read(struct sim_target *t, uint32_t addr, uint32_t *val,
                             enum sim_initiator who)
{
    return ppb_access(t, addr, val, NULL, who);
}

enum sim_bus_result scs_write(struct sim_target *t, uint32_t addr, uint32_t val,
                              enum sim_initiator who)
{
    return ppb_access(t, addr, NULL, &val, who);
}
