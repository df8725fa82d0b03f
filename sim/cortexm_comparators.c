/*
 * The debug comparators of the simulated Cortex-M core: the FPB's breakpoints (ARMv7-M C1.11,
 * ARMv6-M C1.7), checked by the per-instruction hook of sim/cortexm.c, and the DWT's data
 * watchpoints, a Unicorn memory hook that exists only while a comparator watches.
 */
#include "target.h"

#define DHCSR_C_DEBUGEN (1u << 0) /* C1.6.3 */

/* ---- breakpoints ---- */

void cortexm_update_breakpoints(struct sim_target *t)
{
    struct cortexm *c = &t->core;
    c->bp_count = 0;
    if (!(c->fp_ctrl & 1u))
        return;
    for (unsigned i = 0; i < t->cpu->fpb_code; i++) {
        uint32_t comp = c->fp_comp[i];
        if (!(comp & 1u))
            continue;
        if (t->cpu->fpb_rev) { /* FPBv2 (ARMv7-M C1.11.5): BPADDR[31:1] of a halfword */
            c->bp_addr[c->bp_count++] = comp & ~1u;
            continue;
        }
        uint32_t base = comp & 0x1FFFFFFCu;
        unsigned replace = comp >> 30;
        if (replace & 1u)
            c->bp_addr[c->bp_count++] = base;
        if (replace & 2u)
            c->bp_addr[c->bp_count++] = base + 2u;
    }
}

bool cortexm_is_breakpoint(const struct cortexm *c, uint32_t addr)
{
    for (unsigned i = 0; i < c->bp_count; i++)
        if (c->bp_addr[i] == addr)
            return true;
    return false;
}

/* ---- watchpoints: DWT address comparators (ARMv7-M C1.8.10, C1.8.17; ARMv6-M C1.8) ---- */

#define DWT_FUNCTION_MATCHED (1u << 24)
#define DEMCR_TRCENA (1u << 24) /* DWTENA on ARMv6-M: the same bit */

/* FUNCTION 5 watches reads, 6 writes, 7 both (the data-address values of both architectures). */
static bool dwt_watches(const struct sim_target *t, unsigned n, bool write)
{
    unsigned fn = t->core.dwt_function[n] & 0xFu;
    return fn == 7u || fn == (write ? 6u : 5u);
}

static void on_data_access(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                           int64_t value, void *user)
{
    (void)uc;
    (void)value;
    struct sim_target *t = user;
    struct cortexm *c = &t->core;
    bool write = type == UC_MEM_WRITE;
    uint32_t first = (uint32_t)address, last = first + (uint32_t)(size > 0 ? size - 1 : 0);
    bool hit = false;
    for (unsigned n = 0; n < t->cpu->dwt_comp && n < 4; n++) {
        if (!dwt_watches(t, n, write))
            continue;
        /* The comparator matches addresses equal to COMP with the low MASK bits ignored; an
         * access matches when any byte of it does. */
        uint32_t ignore = c->dwt_mask[n] >= 32 ? 0xFFFFFFFFu : (1u << c->dwt_mask[n]) - 1u;
        uint32_t lo = c->dwt_comp[n] & ~ignore, hi = lo | ignore;
        if (first <= hi && last >= lo) {
            c->dwt_function[n] |= DWT_FUNCTION_MATCHED;
            hit = true;
        }
    }
    /* Data watchpoints are imprecise: the core halts once the access completes, before the
     * next instruction (on_code), with the PC at that instruction. */
    if (hit && (c->dhcsr_ctrl & DHCSR_C_DEBUGEN))
        c->watch_pending = true;
}

void cortexm_update_watchpoints(struct sim_target *t)
{
    bool any = false;
    if (t->core.demcr & DEMCR_TRCENA)
        for (unsigned n = 0; n < t->cpu->dwt_comp && n < 4; n++)
            any |= dwt_watches(t, n, true) || dwt_watches(t, n, false);
    t->core.watch_update = false;
    if (any == (t->hook_watch != 0))
        return; /* the hook reads the comparators as they are */
    if (t->core.in_run) {
        /* The firmware itself set or cleared the last comparator: Unicorn's hooks and
         * translated code are changed once the run returns, after this instruction. */
        t->core.watch_update = true;
        t->stop = SIM_STOP_EXCEPTION;
        uc_emu_stop(t->uc);
        return;
    }
    /* The hook costs every access something: it exists only while a comparator watches. Code
     * translated before it came or went is dropped so that the change applies at once. */
    if (any) {
        if (uc_hook_add(t->uc, &t->hook_watch, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
                        (void *)on_data_access, t, 1, 0) != UC_ERR_OK)
            t->hook_watch = 0;
    } else {
        uc_hook_del(t->uc, t->hook_watch);
        t->hook_watch = 0;
    }
    sim_target_drop_all_code(t);
}
