/*
 * Cortex-M run control through the debug registers (ARMv7-M ARM C1.6: DHCSR, DCRSR, DEMCR, DFSR;
 * B3.2.6 AIRCR). Every wait polls with a deadline.
 */
#include <time.h>

#include "arm/cortexm.h"

#define DFSR_ALL 0x1Fu
#define DFSR_BKPT (1u << 1)
#define HALT_TIMEOUT_MS 500u
#define RESET_TIMEOUT_MS 500u

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void pause_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

static int write_dhcsr(struct dbg *d, uint32_t ctrl)
{
    return dbg_write32(d, CM_DHCSR, CM_DHCSR_DBGKEY | ctrl);
}

int cm_is_halted(struct dbg *d, bool *halted)
{
    uint32_t v;
    int rc = dbg_read32(d, CM_DHCSR, &v);
    if (rc == 0)
        *halted = (v & CM_DHCSR_S_HALT) != 0;
    return rc;
}

/* Waits for the core to halt; *reset_seen (when given) tells whether DHCSR showed a reset on the
 * way (S_RESET_ST, sticky until read: ARMv7-M ARM C1.6.2). */
static int wait_halt(struct dbg *d, unsigned timeout_ms, bool *reset_seen)
{
    uint64_t start = now_ms();
    for (unsigned polls = 0;; polls++) {
        uint32_t v;
        int rc = dbg_read32(d, CM_DHCSR, &v);
        if (rc != 0)
            return rc;
        if (reset_seen && (v & CM_DHCSR_S_RESET_ST))
            *reset_seen = true;
        if (v & CM_DHCSR_S_HALT)
            return 0;
        uint64_t elapsed = now_ms() - start;
        if (elapsed >= timeout_ms) {
            if (v & CM_DHCSR_S_LOCKUP)
                return ctx_fail(d->ctx, STFLASH_ERR_TARGET,
                                "the core is locked up (a fault inside a fault handler)");
            return ctx_fail(d->ctx, STFLASH_ERR_TIMEOUT, "the core did not halt within %u ms",
                            timeout_ms);
        }
        /* Poll back to back at first (each poll is a probe round trip), then gently. */
        if (elapsed > 50)
            pause_ms(1);
    }
}

int cm_halt(struct dbg *d)
{
    int rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT);
    if (rc == 0)
        rc = cm_wait_halt(d, HALT_TIMEOUT_MS);
    return rc;
}

int cm_ensure_halted(struct dbg *d)
{
    bool halted = false;
    int rc = cm_is_halted(d, &halted);
    return rc != 0 || halted ? rc : cm_halt(d);
}

int cm_run(struct dbg *d)
{
    int rc = dbg_write32(d, CM_DFSR, DFSR_ALL);
    if (rc == 0)
        rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN);
    return rc;
}

int cm_step(struct dbg *d)
{
    /* C_MASKINTS may change only while halted: set it with C_HALT, then step. */
    int rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT | CM_DHCSR_C_MASKINTS);
    if (rc == 0)
        rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_MASKINTS | CM_DHCSR_C_STEP);
    if (rc == 0)
        rc = cm_wait_halt(d, HALT_TIMEOUT_MS);
    if (rc == 0)
        rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT);
    return rc;
}

/* *before (when given) gets DEMCR as it was; a DEMCR that holds the wanted bits already is not
 * written again. */
static int set_vector_catch(struct dbg *d, uint32_t set, uint32_t clear, uint32_t *before)
{
    uint32_t demcr;
    int rc = dbg_read32(d, CM_DEMCR, &demcr);
    if (rc == 0 && before)
        *before = demcr;
    if (rc == 0 && ((demcr & ~clear) | set) != demcr)
        rc = dbg_write32(d, CM_DEMCR, (demcr & ~clear) | set);
    return rc;
}

int cm_detach(struct dbg *d)
{
    /* ARMv7-M ARM C1.6.5 (DEMCR vector catch bits), C1.6.3 (DHCSR C_DEBUGEN). */
    int rc = set_vector_catch(d, 0, CM_DEMCR_VC_ALL, NULL);
    bool halted = true;
    if (rc == 0)
        rc = cm_is_halted(d, &halted);
    if (rc == 0 && !halted)
        rc = dbg_write32(d, CM_DHCSR, CM_DHCSR_DBGKEY);
    return rc;
}

int cm_reset_observed(struct dbg *d, enum cm_reset_kind kind, bool halt, bool *seen)
{
    *seen = false;
    /* Without halt, a halt request left from before is withdrawn after the reset (below), where
     * it must be anyway: it survives a local reset. */
    int rc = halt ? write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT) : 0;
    uint32_t demcr = 0;
    if (rc == 0)
        rc = set_vector_catch(d, halt ? CM_DEMCR_VC_CORERESET : 0, halt ? 0 : CM_DEMCR_VC_CORERESET,
                              &demcr);
    if (rc != 0)
        return rc;
    uint32_t dhcsr;
    rc = dbg_read32(d, CM_DHCSR, &dhcsr); /* clears the sticky S_RESET_ST of an older reset */
    if (rc != 0)
        return rc;

    if (kind == CM_RESET_NRST) {
        rc = d->ops->set_nrst(d, 1);
        if (rc != 0)
            return rc;
        pause_ms(2);
        rc = d->ops->set_nrst(d, 0);
    } else {
        /* The write resets the system: a fault answer to it is expected on some parts, but a
         * probe or link that is gone is not a reset. */
        rc = dbg_write32(d, CM_AIRCR, CM_AIRCR_VECTKEY | CM_AIRCR_SYSRESETREQ);
        if (rc == STFLASH_ERR_TARGET)
            rc = 0;
    }
    if (rc != 0)
        return rc;

    /* S_RESET_ST is cleared by every read of DHCSR (ARMv7-M C1.6.2), so it is kept here as it
     * is read: the poll that sees it may not be the one that sees the halt. A halt alone proves
     * nothing (C_HALT was requested before the reset), so the wait goes on until the reset is
     * seen; at the deadline the caller looks for other evidence (RCC_CSR reset flags). */
    uint64_t start = now_ms();
    unsigned failed_reads = 0;
    bool halted = false;
    for (;;) {
        rc = dbg_read32(d, CM_DHCSR, &dhcsr);
        if (rc == 0) {
            *seen = *seen || (dhcsr & CM_DHCSR_S_RESET_ST);
            halted = (dhcsr & CM_DHCSR_S_HALT) != 0;
            if (*seen && (!halt || halted))
                break;
        }
        /* Only the target may stop answering (SWD faults); a lost probe or connection is an
         * error, never a reset done. */
        if (rc != 0 && rc != STFLASH_ERR_TARGET)
            return rc;
        if (rc != 0 && !halt && ++failed_reads >= 3) {
            /* The firmware started and took the SWD pins (or sleeps): the reset happened. */
            ctx_log(d->ctx, STFLASH_LOG_WARN,
                    "the target stopped answering on SWD after the reset: its firmware "
                    "probably disables or remaps the SWD pins");
            *seen = true;
            return STFLASH_OK;
        }
        if (now_ms() - start > RESET_TIMEOUT_MS) {
            if (halt && !halted) {
                (void)set_vector_catch(d, 0, CM_DEMCR_VC_CORERESET, NULL);
                return ctx_fail(d->ctx, STFLASH_ERR_TIMEOUT,
                                "the target did not come out of reset within %u ms",
                                RESET_TIMEOUT_MS);
            }
            break; /* not seen: the caller decides */
        }
        pause_ms(1);
    }
    /* A local reset leaves DEMCR as it was (ARMv7-M ARM C1.6.5: reset by a power-on reset
     * only), and the core stayed halted: the value read before needs no second read. */
    if (halt)
        return dbg_write32(d, CM_DEMCR, demcr & ~CM_DEMCR_VC_CORERESET);
    /* A halt request survives a local reset: make sure the core runs. */
    return write_dhcsr(d, CM_DHCSR_C_DEBUGEN);
}

int cm_reset(struct dbg *d, enum cm_reset_kind kind, bool halt)
{
    bool seen;
    int rc = cm_reset_observed(d, kind, halt, &seen);
    if (rc == 0 && !seen)
        return ctx_fail(d->ctx, STFLASH_ERR_TIMEOUT,
                        "the target did not signal a reset (DHCSR.S_RESET_ST) within %u ms",
                        RESET_TIMEOUT_MS);
    return rc;
}

int cm_wait_halt(struct dbg *d, unsigned timeout_ms)
{
    return wait_halt(d, timeout_ms, NULL);
}

int cm_prepare_routine(struct dbg *d, uint32_t entry, uint32_t sp, const uint32_t *args, unsigned n,
                       struct cm_routine *rt)
{
    /* Reading DHCSR clears a stale S_RESET_ST: one seen while the routine runs is its own. */
    uint32_t dhcsr;
    int rc = dbg_read32(d, CM_DHCSR, &dhcsr);
    for (unsigned i = 0; i < n && rc == 0; i++)
        rc = d->ops->write_reg(d, i, args[i]);
    /* The active stack pointer is enough: the routine runs in thread mode and never returns
     * (it ends with BKPT), so LR is left alone. */
    if (rc == 0)
        rc = d->ops->write_reg(d, CM_REG_SP, sp);
    if (rc == 0)
        rc = d->ops->write_reg(d, CM_REG_XPSR, 0x01000000u); /* Thumb, thread mode */
    if (rc == 0)
        rc = d->ops->write_reg(d, CM_REG_PC, entry & ~1u);
    /* Catch a crash of the routine as a halt instead of running the firmware's fault handler. */
    if (rc == 0)
        rc = set_vector_catch(d, CM_DEMCR_VC_HARDERR, 0, &rt->demcr);
    if (rc == 0)
        rc = dbg_write32(d, CM_DFSR, DFSR_ALL);
    /* Interrupts stay masked while the routine runs (C_MASKINTS, set while halted). */
    if (rc == 0)
        rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT | CM_DHCSR_C_MASKINTS);
    return rc;
}

int cm_go_routine(struct dbg *d)
{
    return write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_MASKINTS);
}

int cm_unprepare_routine(struct dbg *d, const struct cm_routine *rt)
{
    int rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT);
    int drc = dbg_write32(d, CM_DEMCR, rt->demcr & ~CM_DEMCR_VC_HARDERR);
    return rc ? rc : drc;
}

int cm_start_routine(struct dbg *d, uint32_t entry, uint32_t sp, const uint32_t *args, unsigned n,
                     struct cm_routine *rt)
{
    int rc = cm_prepare_routine(d, entry, sp, args, n, rt);
    return rc ? rc : cm_go_routine(d);
}

int cm_wait_routine(struct dbg *d, const struct cm_routine *rt, unsigned timeout_ms, uint32_t *r0)
{
    bool reset_seen = false;
    int rc = wait_halt(d, timeout_ms, &reset_seen);
    if (reset_seen && (rc == STFLASH_OK || rc == STFLASH_ERR_TARGET || rc == STFLASH_ERR_TIMEOUT))
        return ctx_fail(d->ctx, STFLASH_ERR_TARGET,
                        "the target was reset while the routine in RAM ran (a supply dip, NRST "
                        "or a watchdog): its work is cut short");
    if (rc == STFLASH_ERR_TIMEOUT) {
        uint32_t pc = 0;
        (void)write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT);
        (void)cm_wait_halt(d, HALT_TIMEOUT_MS);
        (void)d->ops->read_reg(d, CM_REG_PC, &pc);
        return ctx_fail(d->ctx, STFLASH_ERR_TIMEOUT,
                        "the routine in RAM did not finish within %u ms (stopped at pc 0x%08x)",
                        timeout_ms, pc);
    }
    if (rc != 0)
        return rc;
    uint32_t dfsr = 0, pc = 0;
    rc = dbg_read32(d, CM_DFSR, &dfsr);
    if (rc == 0)
        rc = write_dhcsr(d, CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT);
    /* The HardFault catch off again: DEMCR is known from the start (the routine does not
     * touch it), no second read. */
    if (rc == 0)
        rc = dbg_write32(d, CM_DEMCR, rt->demcr & ~CM_DEMCR_VC_HARDERR);
    if (rc != 0)
        return rc;
    if (!(dfsr & DFSR_BKPT)) {
        (void)d->ops->read_reg(d, CM_REG_PC, &pc);
        return ctx_fail(d->ctx, STFLASH_ERR_TARGET,
                        "the routine in RAM crashed (halted at pc 0x%08x, DFSR 0x%02x)", pc, dfsr);
    }
    if (r0)
        rc = d->ops->read_reg(d, 0, r0);
    return rc;
}

int cm_run_routine(struct dbg *d, uint32_t entry, uint32_t sp, const uint32_t *args, unsigned n,
                   unsigned timeout_ms, uint32_t *r0)
{
    struct cm_routine rt;
    int rc = cm_start_routine(d, entry, sp, args, n, &rt);
    if (rc == 0)
        rc = cm_wait_routine(d, &rt, timeout_ms, r0);
    return rc;
}
