/*
 * Cortex-M run control over the debug-access seam: halt, run, step, reset, waiting for halt,
 * and running a routine in target RAM (flash loaders). ARMv7-M ARM C1.6 (DHCSR, DCRSR, DEMCR),
 * B3.2.6 (AIRCR). Every wait has a deadline. Internal.
 */
#ifndef STFLASH_ARM_CORTEXM_H
#define STFLASH_ARM_CORTEXM_H

#include <stdbool.h>
#include <stdint.h>

#include "arm/dbg.h"

#define CM_DHCSR 0xE000EDF0u
#define CM_DCRSR 0xE000EDF4u
#define CM_DCRDR 0xE000EDF8u
#define CM_DEMCR 0xE000EDFCu
#define CM_AIRCR 0xE000ED0Cu
#define CM_CPUID 0xE000ED00u
#define CM_DFSR 0xE000ED30u

#define CM_DHCSR_DBGKEY 0xA05F0000u
#define CM_DHCSR_C_DEBUGEN (1u << 0)
#define CM_DHCSR_C_HALT (1u << 1)
#define CM_DHCSR_C_STEP (1u << 2)
#define CM_DHCSR_C_MASKINTS (1u << 3)
#define CM_DHCSR_S_REGRDY (1u << 16)
#define CM_DHCSR_S_HALT (1u << 17)
#define CM_DHCSR_S_LOCKUP (1u << 19)
#define CM_DHCSR_S_RESET_ST (1u << 25)

#define CM_DEMCR_VC_CORERESET (1u << 0)
/* VC_CORERESET and VC_MMERR..VC_HARDERR (bits 4-10): every vector catch. */
#define CM_DEMCR_VC_ALL (0x7F0u | CM_DEMCR_VC_CORERESET)
#define CM_DEMCR_VC_HARDERR (1u << 10)
#define CM_DEMCR_TRCENA (1u << 24)

#define CM_AIRCR_VECTKEY 0x05FA0000u
#define CM_AIRCR_SYSRESETREQ (1u << 2)

#define CM_REG_SP 13u
#define CM_REG_LR 14u
#define CM_REG_PC 15u
#define CM_REG_XPSR 16u
#define CM_REG_MSP 17u

int cm_halt(struct dbg *d);
/* Halts the core unless DHCSR shows it halted already (one read instead of a halt request and
 * the read that confirms it). */
int cm_ensure_halted(struct dbg *d);
int cm_run(struct dbg *d);
/* Executes one instruction with interrupts masked, then halts. */
int cm_step(struct dbg *d);
int cm_is_halted(struct dbg *d, bool *halted);
/* Waits until the core halts. STFLASH_ERR_TIMEOUT after timeout_ms. */
int cm_wait_halt(struct dbg *d, unsigned timeout_ms);

enum cm_reset_kind {
    CM_RESET_SYSTEM, /* AIRCR SYSRESETREQ */
    CM_RESET_NRST,   /* pulse the NRST line */
};

/* Leaves the core to itself before the probe lets go: every vector catch disarmed, and halting
 * debug off (DHCSR C_DEBUGEN cleared) when the core runs, so a BKPT or a fault in the firmware
 * no longer stops it for a debugger that is gone. A halted core stays halted. */
int cm_detach(struct dbg *d);

/* Resets the target; with halt, the core stops at the reset vector (DEMCR VC_CORERESET). Fails
 * unless DHCSR.S_RESET_ST is seen. */
int cm_reset(struct dbg *d, enum cm_reset_kind kind, bool halt);

/* The same, but when S_RESET_ST is not seen by the deadline (and, with halt, the core is halted)
 * it returns STFLASH_OK with *seen false: the caller checks other evidence of a reset (RCC_CSR
 * reset flags), since "halted" alone may be the halt requested before the reset. */
int cm_reset_observed(struct dbg *d, enum cm_reset_kind kind, bool halt, bool *seen);

/*
 * Runs a routine already loaded in RAM: sets r0..r(n-1) from args, SP to sp, PC to entry, xPSR
 * Thumb, LR to entry's BKPT-terminated return path (the routine ends with a BKPT), resumes and
 * waits for the halt. On return *r0 (if not NULL) holds r0. The core must be halted before.
 * STFLASH_ERR_TIMEOUT names the PC where the routine was stopped.
 */
int cm_run_routine(struct dbg *d, uint32_t entry, uint32_t sp, const uint32_t *args, unsigned n,
                   unsigned timeout_ms, uint32_t *r0);

/* What a started routine changed and its end puts back: DEMCR before its HardFault catch. */
struct cm_routine {
    uint32_t demcr;
};

/* Starts a routine like cm_run_routine and returns at once; cm_wait_routine completes it. */
int cm_start_routine(struct dbg *d, uint32_t entry, uint32_t sp, const uint32_t *args, unsigned n,
                     struct cm_routine *rt);
int cm_wait_routine(struct dbg *d, const struct cm_routine *rt, unsigned timeout_ms, uint32_t *r0);

/* cm_start_routine in two steps, so that the first can be done ahead (while the link is idle):
 * cm_prepare_routine sets everything up with the core left halted, cm_go_routine resumes it. A
 * routine prepared but never started is undone by cm_unprepare_routine (the HardFault catch off,
 * interrupts unmasked; the core stays halted). */
int cm_prepare_routine(struct dbg *d, uint32_t entry, uint32_t sp, const uint32_t *args, unsigned n,
                       struct cm_routine *rt);
int cm_go_routine(struct dbg *d);
int cm_unprepare_routine(struct dbg *d, const struct cm_routine *rt);

#endif
