/*
 * The window watchdog of the F0, F1 and F3 (RM0008 §20, RM0091 §26, RM0316 §28) at 0x40002C00.
 * WWDG_CR: T[6:0] the 7-bit down-counter, WDGA (bit 7) the enable, set by software and cleared
 * only by a reset. WWDG_CFR: W[6:0] the window, WDGTB[1:0] (bits 7-8) the prescaler, EWI (bit 9).
 * The counter is clocked by PCLK1 / 4096 / 2^WDGTB (RM0008 §20.3) and runs whether enabled or
 * not. Once enabled, the chip resets (RCC_CSR.WWDGRSTF, RM0008 §7.3.10) when T6 falls (the
 * counter goes from 0x40 to 0x3F), when WWDG_CR is written while the counter is above the window
 * (a refresh too early), and when it is written with T6 clear (RM0008 §20.2, §20.4). The DBGMCU
 * freeze bit (F1: DBGMCU_CR.DBG_WWDG_STOP, bit 9, RM0008 §31.16.3; F0/F3: DBGMCU_APB1_FZ bit 11,
 * RM0091 §32.9.4) stops the counter only while the core is halted. The registers answer only
 * when the WWDG clock is on (RCC_APB1ENR.WWDGEN, bit 11, RM0008 §7.3.8).
 * Not modelled: the early-wakeup interrupt (EWI; WWDG_SR reads 0); a change of PCLK1 takes
 * effect at the next write to WWDG_CR or WWDG_CFR.
 */
#include "family.h"
#include "target.h"

#define WWDG_CR 0x0u
#define WWDG_CFR 0x4u
#define CR_WDGA (1u << 7)
#define T6 0x40u
#define RCC_CFGR 1u    /* RCC_CFGR, word index: PPRE1 (F0: PPRE) in bits 8-10, RM0008 §7.3.2 */
#define RCC_APB1ENR 7u /* RCC_APB1ENR, word index (offset 0x1C on the F0, F1 and F3) */
#define APB1ENR_WWDGEN (1u << 11)

static bool modelled(const struct sim_target *t)
{
    return t->family->flash == &sim_fpec_ops; /* the F0/F1/F3 peripheral maps decode it */
}

/* One counter step: PCLK1 (HCLK / PPRE1, RM0008 §7.3.2) / 4096 / 2^WDGTB. */
static sim_ps tick_ps(const struct sim_target *t)
{
    unsigned ppre = (t->per.rcc[RCC_CFGR] >> 8) & 7u;
    sim_ps pclk1 = t->cycle_ps << ((ppre & 4u) ? (ppre & 3u) + 1u : 0u);
    return pclk1 * 4096u << ((t->wwdg.cfr >> 7) & 3u);
}

static uint32_t counter(const struct sim_target *t)
{
    const struct sim_wwdg *w = &t->wwdg;
    uint64_t steps = t->now > w->since ? (t->now - w->since) / w->tick : 0;
    return (uint32_t)(w->t0 - steps) & 0x7Fu;
}

/* Restarts the count from `value` now, at the current prescaler. */
static void load(struct sim_target *t, uint32_t value)
{
    struct sim_wwdg *w = &t->wwdg;
    w->t0 = value & 0x7Fu;
    w->since = t->now;
    w->tick = tick_ps(t) ? tick_ps(t) : 1u;
}

void sim_wwdg_reset(struct sim_target *t)
{
    struct sim_wwdg *w = &t->wwdg;
    uint64_t expiries = w->expiries;
    *w = (struct sim_wwdg){.cfr = 0x7Fu, .expiries = expiries};
    load(t, 0x7Fu);
}

bool sim_wwdg_frozen(const struct sim_target *t)
{
    if (!t->core.halted)
        return false;
    if (t->family->dbgmcu_freeze)
        return (t->per.dbgmcu_fz[0] >> 11) & 1u;
    return (t->per.dbgmcu_cr >> 9) & 1u;
}

void sim_wwdg_halted_for(struct sim_target *t, sim_ps dt)
{
    if (modelled(t) && sim_wwdg_frozen(t))
        t->wwdg.since += dt;
}

void sim_wwdg_skip(struct sim_target *t, sim_ps dt)
{
    if (modelled(t))
        t->wwdg.since += dt;
}

sim_ps sim_wwdg_deadline(const struct sim_target *t)
{
    const struct sim_wwdg *w = &t->wwdg;
    if (!w->enabled || !modelled(t))
        return UINT64_MAX;
    return w->t0 >= T6 ? w->since + (sim_ps)(w->t0 - (T6 - 1u)) * w->tick : t->now;
}

bool sim_wwdg_expired(struct sim_target *t)
{
    if (t->now < sim_wwdg_deadline(t))
        return false;
    t->wwdg.expiries++;
    return true;
}

/* A reset the watchdog asks for on a write: the core's store completes first. */
static void reset_now(struct sim_target *t, enum sim_initiator who)
{
    t->wwdg.expiries++;
    t->reset_request = SIM_RESET_WWDG;
    if (who == SIM_BY_CPU) {
        t->stop = SIM_STOP_EXCEPTION;
        uc_emu_stop(t->uc);
    } else {
        sim_target_do_reset_request(t);
    }
}

enum sim_bus_result sim_wwdg_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                    const uint32_t *wr, enum sim_initiator who)
{
    struct sim_wwdg *w = &t->wwdg;
    bool clocked = t->per.rcc[RCC_APB1ENR] & APB1ENR_WWDGEN;
    if (rd) {
        *rd = !clocked          ? 0
              : off == WWDG_CR  ? (w->enabled ? CR_WDGA : 0u) | counter(t)
              : off == WWDG_CFR ? w->cfr
                                : 0u;
        return SIM_BUS_OK;
    }
    if (!clocked)
        return SIM_BUS_OK;
    uint32_t v = *wr;
    switch (off) {
    case WWDG_CR: {
        bool was_enabled = w->enabled;
        /* Too early: the counter is still above the window (RM0008 §20.4 Figure 186). */
        bool early = was_enabled && counter(t) > (w->cfr & 0x7Fu);
        w->enabled |= (v & CR_WDGA) != 0;
        load(t, v);
        if (w->enabled && (early || !(v & T6)))
            reset_now(t, who);
        break;
    }
    case WWDG_CFR: {
        uint32_t now_count = counter(t);
        w->cfr = v & 0x3FFu;
        load(t, now_count); /* the count goes on at the new prescaler */
        break;
    }
    default:
        break;
    }
    return SIM_BUS_OK;
}
