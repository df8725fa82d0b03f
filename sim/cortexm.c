/*
 * The Cortex-M core around Unicorn: exception entry and return (Unicorn has no M-profile
 * exception model), SysTick, faults, debug halt/step and core register transfer (the
 * breakpoint and watchpoint comparators: sim/cortexm_comparators.c).
 * The core's sim_core_model (sim/cores.c) sets what differs: priority bits, comparators, and on
 * ARMv6-M no BASEPRI/FAULTMASK, HardFault for every fault. References: ARMv7-M Architecture
 * Reference Manual (DDI 0403) B1.5 "Exception model", C1.6 "Debug system registers", C1.11
 * "Flash Patch and Breakpoint unit"; ARMv6-M ARM (DDI 0419) B1.5, C1.6; PM0056 §4.
 */
#include <string.h>
#include <time.h>

#include "target.h"

#define EXC_NMI 2u
#define EXC_HARDFAULT 3u
#define EXC_MEMMANAGE 4u
#define EXC_BUSFAULT 5u
#define EXC_USAGEFAULT 6u
#define EXC_SVCALL 11u
#define EXC_PENDSV 14u
#define EXC_SYSTICK 15u
#define EXC_COUNT 96u

/* DFSR bits (C1.6.1) */
#define DFSR_HALTED (1u << 0)
#define DFSR_BKPT (1u << 1)
#define DFSR_DWTTRAP (1u << 2)
#define DFSR_VCATCH (1u << 3)

/* DHCSR control bits (C1.6.2) */
#define DHCSR_C_DEBUGEN (1u << 0)
#define DHCSR_C_HALT (1u << 1)
#define DHCSR_C_STEP (1u << 2)
#define DHCSR_C_MASKINTS (1u << 3)

/* DEMCR vector catch (C1.6.5) */
#define DEMCR_VC_CORERESET (1u << 0)
#define DEMCR_VC_HARDERR (1u << 10)

/* HFSR / CFSR (B3.2.15, B3.2.16) */
#define HFSR_FORCED (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)
#define CFSR_PRECISERR (1u << 9)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE (1u << 17)
#define CFSR_NOCP (1u << 19)
#define CFSR_UNALIGNED (1u << 24)
#define CFSR_IBUSERR (1u << 8)

#define XPSR_T (1u << 24)
#define XPSR_IT_MASK 0x0600FC00u
#define XPSR_ALIGN (1u << 9)

/* QEMU's M-profile exception numbers as reported through UC_HOOK_INTR. */
enum {
    UC_EXCP_UDEF = 1,
    UC_EXCP_SWI = 2,
    UC_EXCP_PREFETCH_ABORT = 3,
    UC_EXCP_DATA_ABORT = 4,
    UC_EXCP_BKPT = 7,
    UC_EXCP_EXCEPTION_EXIT = 8,
    UC_EXCP_NOCP = 17,
    UC_EXCP_INVSTATE = 18,
    UC_EXCP_UNALIGNED = 22,
};

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

static bool bit_get(const uint32_t *set, unsigned n)
{
    return (set[n / 32] >> (n % 32)) & 1u;
}

static void bit_put(uint32_t *set, unsigned n, bool on)
{
    if (on)
        set[n / 32] |= 1u << (n % 32);
    else
        set[n / 32] &= ~(1u << (n % 32));
}

static bool any_pending(const struct cortexm *c)
{
    return c->pending[0] | c->pending[1] | c->pending[2];
}

/* Priority of an exception: lower runs first. The priority registers keep only the bits the
 * core implements (PM0056 §4.3.7: 4 on the STM32 M3/M4; ARMv6-M B3.4: 2 on the M0). */
static int exc_priority(const struct cortexm *c, unsigned exc)
{
    if (exc == EXC_NMI)
        return -2;
    if (exc == EXC_HARDFAULT)
        return -1;
    if (exc < 16)
        return c->shpr[exc - 4];
    return c->nvic_prio[exc - 16];
}

static int group_priority(const struct cortexm *c, int prio)
{
    if (prio < 0)
        return prio;
    unsigned sub_bits = c->aircr_prigroup + 1u;
    return prio & (int)(0xFFu << sub_bits) & 0xFF;
}

static bool exc_enabled(const struct cortexm *c, unsigned exc)
{
    if (exc >= 16)
        return bit_get(c->nvic_enabled, exc - 16);
    return true;
}

/* Current execution priority (B1.5.4): active exceptions and the priority mask registers. */
static int execution_priority(struct sim_target *t)
{
    const struct cortexm *c = &t->core;
    int prio = 256;
    for (unsigned exc = 2; exc < EXC_COUNT; exc++)
        if (bit_get(c->active, exc)) {
            int g = group_priority(c, exc_priority(c, exc));
            if (g < prio)
                prio = g;
        }
    bool v7m = t->cpu->arch != SIM_ARMV6M; /* ARMv6-M has neither BASEPRI nor FAULTMASK */
    uint32_t basepri = v7m ? reg_get(t, UC_ARM_REG_BASEPRI) & 0xF0 : 0;
    if (basepri && group_priority(c, (int)basepri) < prio)
        prio = group_priority(c, (int)basepri);
    if ((reg_get(t, UC_ARM_REG_PRIMASK) & 1u) && prio > 0)
        prio = 0;
    if (v7m && (reg_get(t, UC_ARM_REG_FAULTMASK) & 1u) && prio > -1)
        prio = -1;
    return prio;
}

/* The pending exception that would preempt now, or 0. */
static unsigned preempting_exception(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (!any_pending(c))
        return 0;
    /* C_MASKINTS masks PendSV, SysTick and external interrupts, not NMI or faults (C1.6.2). */
    bool maskints = (c->dhcsr_ctrl & DHCSR_C_MASKINTS) && (c->dhcsr_ctrl & DHCSR_C_DEBUGEN);
    unsigned best = 0;
    int best_prio = 1000;
    for (unsigned exc = 2; exc < EXC_COUNT; exc++) {
        if (!bit_get(c->pending, exc) || !exc_enabled(c, exc))
            continue;
        if (maskints && (exc == EXC_PENDSV || exc == EXC_SYSTICK || exc >= 16))
            continue;
        int p = exc_priority(c, exc);
        if (p < best_prio) {
            best_prio = p;
            best = exc;
        }
    }
    if (best && group_priority(c, best_prio) < execution_priority(t))
        return best;
    return 0;
}

void cortexm_set_pending(struct sim_target *t, unsigned exc)
{
    if (exc < EXC_COUNT)
        bit_put(t->core.pending, exc, true);
    t->core.sleeping = false;
}

void cortexm_halt(struct sim_target *t, uint32_t dfsr_reason)
{
    struct cortexm *c = &t->core;
    c->halted = true;
    c->sleeping = false;
    c->stepping = false;
    /* Entering Debug state ends lockup (ARMv7-M B1.5.15; Cortex-M3 generic user guide 2.4.4,
     * "Lockup": reset, NMI, or a debugger halt): resuming runs from the PC the debugger sets.
     * st-flash halts a chip locked up on an erased vector table and starts its loader so. */
    c->lockup = false;
    c->dhcsr_ctrl |= DHCSR_C_HALT;
    c->dfsr |= dfsr_reason;
    if (c->watch_pending) { /* the access was the last instruction run (a step) */
        c->dfsr |= DFSR_DWTTRAP;
        c->watch_pending = false;
    }
}

void cortexm_debug_resume(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (c->halted && !(c->dhcsr_ctrl & DHCSR_C_HALT)) {
        c->halted = false;
        c->stepping = (c->dhcsr_ctrl & DHCSR_C_STEP) != 0;
        c->step_budget = 1;
    }
}

/* ---- timers ---- */

static sim_ps systick_tick_ps(const struct sim_target *t)
{
    /* CLKSOURCE 1: core clock; 0: the external reference, HCLK/8 on the F1 (RM0008 §7.2). */
    return (t->core.syst_csr & 4u) ? t->cycle_ps : t->cycle_ps * 8u;
}

void cortexm_timers_update(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (!(c->syst_csr & 1u) || t->now < c->syst_next_wrap)
        return;
    c->syst_csr |= 1u << 16; /* COUNTFLAG */
    if (c->syst_csr & 2u)
        cortexm_set_pending(t, EXC_SYSTICK);
    if (c->syst_rvr == 0) {
        c->syst_next_wrap = UINT64_MAX;
        return;
    }
    sim_ps period = (sim_ps)(c->syst_rvr + 1u) * systick_tick_ps(t);
    sim_ps behind = t->now - c->syst_next_wrap;
    c->syst_next_wrap += (behind / period + 1u) * period;
}

void cortexm_set_clock_hz(struct sim_target *t, uint32_t hz)
{
    sim_ps old_tick = systick_tick_ps(t);
    sim_ps new_cycle = SIM_PS_PER_S / hz;
    t->core_hz = hz;
    if (new_cycle == t->cycle_ps)
        return;
    t->cycle_ps = new_cycle;
    struct cortexm *c = &t->core;
    if ((c->syst_csr & 1u) && c->syst_next_wrap != UINT64_MAX && c->syst_next_wrap > t->now) {
        sim_ps ticks = (c->syst_next_wrap - t->now) / old_tick;
        c->syst_next_wrap = t->now + ticks * systick_tick_ps(t);
    }
}

/* ---- the per-instruction hook: virtual time, breakpoints, stepping, preemption ---- */

static void on_code(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    struct sim_target *t = user;
    struct cortexm *c = &t->core;

    sim_target_apply_rom_fixup(t);
    if (c->watch_pending) {
        c->watch_pending = false;
        t->stop = SIM_STOP_WATCHPOINT;
        uc_emu_stop(uc);
        return;
    }
    if (c->bp_count && cortexm_is_breakpoint(c, (uint32_t)address)) {
        t->stop = SIM_STOP_BREAKPOINT;
        uc_emu_stop(uc);
        return;
    }
    if (c->stepping) {
        if (c->step_budget == 0) {
            t->stop = SIM_STOP_STEP;
            uc_emu_stop(uc);
            return;
        }
        c->step_budget--;
    } else if (t->now >= t->run_deadline) {
        t->stop = SIM_STOP_DEADLINE;
        uc_emu_stop(uc);
        return;
    } else if (any_pending(c) && preempting_exception(t)) {
        t->stop = SIM_STOP_EXCEPTION;
        uc_emu_stop(uc);
        return;
    }
    t->now += t->cycle_ps;
    c->s_retire_st = true;
    if (t->now >= c->syst_next_wrap)
        cortexm_timers_update(t);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    struct sim_target *t = user;
    t->last_intno = (int)intno;
    uc_emu_stop(uc);
}

int cortexm_attach(struct sim_target *t)
{
    if (uc_hook_add(t->uc, &t->hook_code, UC_HOOK_CODE, (void *)on_code, t, 1, 0) ||
        uc_hook_add(t->uc, &t->hook_intr, UC_HOOK_INTR, (void *)on_intr, t, 1, 0))
        return -1;
    return 0;
}

/* ---- exception entry and return ---- */

/* Lockup replaces the exception that could not be taken: nothing stays pending for it
 * (B1.5.15), so a debugger that halts the core and runs code from RAM starts clean. */
static void lockup(struct sim_target *t)
{
    t->core.lockup = true;
    bit_put(t->core.pending, EXC_HARDFAULT, false);
    reg_set(t, UC_ARM_REG_PC, 0xFFFFFFFFu);
}

static bool mem_write32(struct sim_target *t, uint32_t addr, uint32_t v)
{
    return sim_bus_write(t, addr, 4, v, SIM_BY_CPU) == SIM_BUS_OK;
}

static bool mem_read32(struct sim_target *t, uint32_t addr, uint32_t *v)
{
    return sim_bus_read(t, addr, 4, v, SIM_BY_CPU) == SIM_BUS_OK;
}

static const int frame_regs[6] = {UC_ARM_REG_R0, UC_ARM_REG_R1,  UC_ARM_REG_R2,
                                  UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};

static void exception_entry(struct sim_target *t, unsigned exc)
{
    struct cortexm *c = &t->core;
    uint32_t xpsr = reg_get(t, UC_ARM_REG_XPSR);
    uint32_t control = reg_get(t, UC_ARM_REG_CONTROL);
    bool thread = (xpsr & 0x1FFu) == 0;
    bool on_psp = thread && (control & 2u);
    uint32_t sp = reg_get(t, UC_ARM_REG_SP);
    uint32_t frame = sp - 32u;
    bool align = frame & 4u;
    if (align)
        frame -= 4u;

    uint32_t words[8];
    for (unsigned i = 0; i < 6; i++)
        words[i] = reg_get(t, frame_regs[i]);
    words[6] = reg_get(t, UC_ARM_REG_PC);
    words[7] = xpsr | (align ? XPSR_ALIGN : 0);
    for (unsigned i = 0; i < 8; i++)
        if (!mem_write32(t, frame + 4u * i, words[i])) {
            lockup(t); /* stacking error with no handler to escalate to: keep it simple */
            return;
        }

    reg_set(t, UC_ARM_REG_SP, frame);
    if (on_psp)
        reg_set(t, UC_ARM_REG_CONTROL, control & ~2u); /* handler mode runs on MSP */
    uint32_t exc_return = !thread ? 0xFFFFFFF1u : on_psp ? 0xFFFFFFFDu : 0xFFFFFFF9u;
    reg_set(t, UC_ARM_REG_XPSR, (xpsr & ~(0x1FFu | XPSR_IT_MASK)) | XPSR_T | exc);
    reg_set(t, UC_ARM_REG_LR, exc_return);

    uint32_t vector;
    if (!mem_read32(t, c->vtor + 4u * exc, &vector)) {
        lockup(t);
        return;
    }
    reg_set(t, UC_ARM_REG_PC, vector | 1u);
    bit_put(c->pending, exc, false);
    bit_put(c->active, exc, true);
    /* A vector with bit 0 clear sets EPSR.T to 0 (ARMv7-M B1.5.6, ARMv6-M B1.5.6): the
     * handler's first instruction takes an INVSTATE fault, which locks the core up inside
     * HardFault or NMI. */
    c->epsr_t_clear = !(vector & 1u);
    if (exc == EXC_HARDFAULT && (c->demcr & DEMCR_VC_HARDERR) && (c->dhcsr_ctrl & DHCSR_C_DEBUGEN))
        cortexm_halt(t, DFSR_VCATCH);
}

static void exception_return(struct sim_target *t, uint32_t exc_return)
{
    struct cortexm *c = &t->core;
    uint32_t xpsr = reg_get(t, UC_ARM_REG_XPSR);
    bit_put(c->active, xpsr & 0x1FFu, false);
    bool to_thread = exc_return & 8u;
    bool to_psp = exc_return & 4u;

    if (to_thread) {
        reg_set(t, UC_ARM_REG_XPSR, xpsr & ~0x1FFu);
        uint32_t control = reg_get(t, UC_ARM_REG_CONTROL);
        reg_set(t, UC_ARM_REG_CONTROL, to_psp ? (control | 2u) : (control & ~2u));
    }
    uint32_t sp = reg_get(t, UC_ARM_REG_SP);
    uint32_t words[8];
    for (unsigned i = 0; i < 8; i++)
        if (!mem_read32(t, sp + 4u * i, &words[i])) {
            lockup(t);
            return;
        }
    for (unsigned i = 0; i < 6; i++)
        reg_set(t, frame_regs[i], words[i]);
    reg_set(t, UC_ARM_REG_SP, sp + 32u + ((words[7] & XPSR_ALIGN) ? 4u : 0u));
    reg_set(t, UC_ARM_REG_XPSR, (words[7] & ~XPSR_ALIGN) | XPSR_T);
    reg_set(t, UC_ARM_REG_PC, words[6] | 1u);
}

/* A fault with its handler disabled escalates to HardFault (B1.5.8); a fault inside HardFault
 * or NMI locks the core up. */
static void raise_fault(struct sim_target *t, uint32_t cfsr_bits, uint32_t bfar)
{
    struct cortexm *c = &t->core;
    uint32_t ipsr = reg_get(t, UC_ARM_REG_XPSR) & 0x1FFu;
    c->cfsr |= cfsr_bits;
    if (cfsr_bits & CFSR_BFARVALID)
        c->bfar = bfar;
    if (ipsr == EXC_HARDFAULT || ipsr == EXC_NMI) {
        lockup(t);
        return;
    }
    c->hfsr |= HFSR_FORCED;
    cortexm_set_pending(t, EXC_HARDFAULT);
}

/* ---- reset ---- */

void cortexm_reset(struct sim_target *t, bool power_on)
{
    struct cortexm *c = &t->core;
    uint32_t keep_ctrl = c->dhcsr_ctrl & (DHCSR_C_DEBUGEN | DHCSR_C_HALT | DHCSR_C_MASKINTS);
    uint32_t demcr = c->demcr, fp_ctrl = c->fp_ctrl, dwt_ctrl = c->dwt_ctrl;
    uint32_t fp_comp[8], dwt_comp[4], dwt_mask[4], dwt_fn[4], dfsr = c->dfsr;
    memcpy(fp_comp, c->fp_comp, sizeof fp_comp);
    memcpy(dwt_comp, c->dwt_comp, sizeof dwt_comp);
    memcpy(dwt_mask, c->dwt_mask, sizeof dwt_mask);
    memcpy(dwt_fn, c->dwt_function, sizeof dwt_fn);

    bool in_run = c->in_run;
    memset(c, 0, sizeof *c);
    c->in_run = in_run;
    if (power_on) {
        c->fp_ctrl = t->cpu->fpb_code << 4 | t->cpu->fpb_lit << 8; /* NUM_CODE, NUM_LIT */
        c->fp_ctrl |= t->cpu->fpb_rev << 28;                       /* REV */
        c->dwt_ctrl = t->cpu->dwt_comp << 28;                      /* NUMCOMP */
    } else {
        /* A local reset leaves the debug logic alone (C1.4.1): a pending halt request stays. */
        c->dhcsr_ctrl = keep_ctrl;
        c->demcr = demcr;
        c->fp_ctrl = fp_ctrl;
        c->dwt_ctrl = dwt_ctrl;
        c->dfsr = dfsr;
        memcpy(c->fp_comp, fp_comp, sizeof fp_comp);
        memcpy(c->dwt_comp, dwt_comp, sizeof dwt_comp);
        memcpy(c->dwt_mask, dwt_mask, sizeof dwt_mask);
        memcpy(c->dwt_function, dwt_fn, sizeof dwt_fn);
    }
    c->s_reset_st = true;
    c->ccr = t->cpu->ccr_reset;
    c->syst_next_wrap = UINT64_MAX;
    if (t->cpu->has_fpu)
        c->fpccr = 0xC0000000u; /* ASPEN, LSPEN (ARMv7-M B3.2.22) */
    t->cycle_ps = SIM_PS_PER_S / SIM_CPU_RESET_HZ;
    cortexm_update_breakpoints(t);
    cortexm_update_watchpoints(t);

    uint32_t sp = 0, pc = 0;
    sim_bus_read(t, 0, 4, &sp, SIM_BY_CPU);
    sim_bus_read(t, 4, 4, &pc, SIM_BY_CPU);
    reg_set(t, UC_ARM_REG_XPSR, XPSR_T);
    reg_set(t, UC_ARM_REG_CONTROL, 0);
    reg_set(t, UC_ARM_REG_PRIMASK, 0);
    reg_set(t, UC_ARM_REG_FAULTMASK, 0);
    reg_set(t, UC_ARM_REG_BASEPRI, 0);
    reg_set(t, UC_ARM_REG_PSP, 0);
    reg_set(t, UC_ARM_REG_MSP, sp & ~3u);
    reg_set(t, UC_ARM_REG_SP, sp & ~3u);
    reg_set(t, UC_ARM_REG_LR, 0xFFFFFFFFu);
    for (int r = UC_ARM_REG_R0; r <= UC_ARM_REG_R12; r++)
        reg_set(t, r, 0);
    reg_set(t, UC_ARM_REG_PC, pc | 1u);
    sim_target_drop_all_code(t);
    /* EPSR.T comes from bit 0 of the reset vector (ARMv7-M B1.5.5, ARMv6-M B1.5.5): a vector
     * with it clear (an erased 0x00 vector table on the L0/L1) faults at the first instruction
     * the core runs, unless a debugger sets the T bit first; a HardFault vector with it clear
     * then locks the core up. */
    c->epsr_t_clear = !(pc & 1u);

    if ((c->dhcsr_ctrl & DHCSR_C_DEBUGEN) && (c->demcr & DEMCR_VC_CORERESET))
        cortexm_halt(t, DFSR_VCATCH);
    else if ((c->dhcsr_ctrl & DHCSR_C_DEBUGEN) && (c->dhcsr_ctrl & DHCSR_C_HALT))
        cortexm_halt(t, DFSR_HALTED);
}

/* ---- the run loop ---- */

static void after_step(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    if (c->stepping && c->step_budget == 0)
        cortexm_halt(t, DFSR_HALTED);
}

static void handle_intr(struct sim_target *t, int intno)
{
    struct cortexm *c = &t->core;
    uint32_t pc = reg_get(t, UC_ARM_REG_PC);
    switch (intno) {
    case UC_EXCP_SWI:
        cortexm_set_pending(t, EXC_SVCALL);
        if (!preempting_exception(t)) {
            bit_put(c->pending, EXC_SVCALL, false);
            raise_fault(t, 0, 0);
        }
        break;
    case UC_EXCP_BKPT:
        if (c->dhcsr_ctrl & DHCSR_C_DEBUGEN) {
            cortexm_halt(t, DFSR_BKPT);
        } else {
            c->hfsr |= HFSR_DEBUGEVT;
            cortexm_set_pending(t, EXC_HARDFAULT);
        }
        return;
    case UC_EXCP_EXCEPTION_EXIT:
        exception_return(t, pc | 1u);
        break;
    case UC_EXCP_UDEF:
        raise_fault(t, CFSR_UNDEFINSTR, 0);
        break;
    case UC_EXCP_NOCP:
        raise_fault(t, CFSR_NOCP, 0);
        break;
    case UC_EXCP_INVSTATE:
        raise_fault(t, CFSR_INVSTATE, 0);
        break;
    case UC_EXCP_UNALIGNED:
        raise_fault(t, CFSR_UNALIGNED, 0);
        break;
    case UC_EXCP_PREFETCH_ABORT:
        raise_fault(t, CFSR_IBUSERR, 0);
        break;
    default:
        raise_fault(t, CFSR_PRECISERR | CFSR_BFARVALID, t->bus_fault_addr);
        break;
    }
    after_step(t);
}

static bool is_sleep_insn(struct sim_target *t, uint32_t pc)
{
    uint32_t insn = 0;
    if (sim_bus_read(t, pc - 2u, 2, &insn, SIM_BY_CPU) != SIM_BUS_OK)
        return false;
    return insn == 0xBF30u || insn == 0xBF20u; /* WFI, WFE */
}

static void halted_time_passes(struct sim_target *t, sim_ps deadline)
{
    /* SysTick does not count while the core is halted in debug state (B3.3.1). */
    struct cortexm *c = &t->core;
    if (c->halted && c->syst_next_wrap != UINT64_MAX)
        c->syst_next_wrap += deadline - t->now;
    /* Nor do the watchdogs when their DBGMCU freeze bits are set (sim/iwdg.c, sim/wwdg.c). */
    if (c->halted) {
        sim_iwdg_halted_for(t, deadline - t->now);
        sim_wwdg_halted_for(t, deadline - t->now);
    }
    t->now = deadline;
}

/* Host time one run may take. Firmware that takes an exception every few instructions executes
 * far slower than real time under the emulator; past this budget the board's clock moves on to
 * the deadline without the remaining instructions, so that a probe command is never answered
 * late (docs/virtual-clock.md). Loaders and flash jobs run far below it. The watchdogs do not
 * count the time cut. */
#define RUN_HOST_BUDGET_NS 250000000ll

static int64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

void cortexm_run(struct sim_target *t, sim_ps deadline)
{
    struct cortexm *c = &t->core;
    int64_t give_up = host_ns() + RUN_HOST_BUDGET_NS;

    while (t->now < deadline) {
        if (host_ns() > give_up) {
            t->host_budget_cuts++;
            break;
        }
        cortexm_timers_update(t);
        if (c->in_reset || c->halted || c->lockup) {
            halted_time_passes(t, deadline);
            break;
        }
        if (c->sleeping) {
            sim_ps next = c->syst_next_wrap < deadline ? c->syst_next_wrap : deadline;
            t->now = next;
            cortexm_timers_update(t);
            if (any_pending(c) && preempting_exception(t))
                c->sleeping = false;
            continue;
        }
        if (c->epsr_t_clear) { /* the first instruction with EPSR.T clear */
            c->epsr_t_clear = false;
            raise_fault(t, CFSR_INVSTATE, 0);
            continue;
        }
        unsigned exc = preempting_exception(t);
        if (exc) {
            exception_entry(t, exc);
            if (c->stepping) {
                c->step_budget = 0;
                after_step(t);
            }
            continue;
        }

        uint32_t hz = t->core_hz;
        if (hz > t->core_hz_max)
            t->core_hz_max = hz;
        if (t->stats && hz > t->stats->core_hz_max)
            t->stats->core_hz_max = hz;
        t->run_deadline = deadline;
        t->stop = SIM_STOP_NONE;
        t->last_intno = -1;
        sim_target_flush_pending_code(t);
        uint32_t pc = reg_get(t, UC_ARM_REG_PC);
        c->in_run = true;
        uc_err err = uc_emu_start(t->uc, pc | 1u, 0xFFFFFFFFull, 0, 0);
        c->in_run = false;
        if (c->watch_update)
            cortexm_update_watchpoints(t);
        sim_target_apply_flash_watch(t);
        sim_target_apply_rom_fixup(t);
        if (t->dirty_hi > t->dirty_lo) {
            sim_target_code_changed(t, t->dirty_lo, t->dirty_hi - t->dirty_lo);
            t->dirty_lo = t->dirty_hi = 0;
        }
        if (t->reset_request) {
            sim_target_do_reset_request(t);
            continue;
        }
        if (t->flash_remap_pending) {
            sim_target_remap_flash(t);
            if (t->stop == SIM_STOP_NONE && err == UC_ERR_OK && t->last_intno < 0)
                continue; /* stopped for the remap only */
        }

        if (err == UC_ERR_FETCH_PROT) {
            /* An instruction fetch the bus refuses (the F4's data-only CCM, RM0090 §2.3.1):
             * IBUSERR, with no address in BFAR (ARMv7-M B3.2.15); the fault is taken when the
             * instruction would run, so the stacked PC is its address. */
            raise_fault(t, CFSR_IBUSERR, 0);
            after_step(t);
            continue;
        }
        if (t->stop == SIM_STOP_BUS_FAULT || err == UC_ERR_READ_UNMAPPED ||
            err == UC_ERR_WRITE_UNMAPPED || err == UC_ERR_FETCH_UNMAPPED ||
            err == UC_ERR_READ_PROT) {
            raise_fault(t, CFSR_PRECISERR | CFSR_BFARVALID, t->bus_fault_addr);
            after_step(t);
            continue;
        }
        if (err == UC_ERR_INSN_INVALID) {
            raise_fault(t, CFSR_UNDEFINSTR, 0);
            after_step(t);
            continue;
        }
        if (err != UC_ERR_OK) {
            lockup(t);
            continue;
        }
        if (t->last_intno >= 0) {
            handle_intr(t, t->last_intno);
            continue;
        }
        switch (t->stop) {
        case SIM_STOP_BREAKPOINT:
            cortexm_halt(t, DFSR_BKPT);
            break;
        case SIM_STOP_STEP:
            cortexm_halt(t, DFSR_HALTED);
            break;
        case SIM_STOP_WATCHPOINT:
            cortexm_halt(t, DFSR_DWTTRAP);
            break;
        case SIM_STOP_DEADLINE:
        case SIM_STOP_EXCEPTION:
            break;
        default:
            /* Unicorn ends the run silently at WFI/WFE: the core sleeps until an event. */
            if (is_sleep_insn(t, reg_get(t, UC_ARM_REG_PC)))
                c->sleeping = true;
            after_step(t);
            break;
        }
    }
    if (t->now < deadline) {
        /* A run cut for the host's sake: the firmware did not get to run those instructions,
         * so its watchdogs do not count that time against it (it would have refreshed them);
         * otherwise a slow host would reset firmware that is correct. */
        sim_iwdg_skip(t, deadline - t->now);
        sim_wwdg_skip(t, deadline - t->now);
        t->now = deadline;
    }
}
