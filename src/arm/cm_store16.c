/*
 * A half-word store done by the core itself, for probes whose firmware has no 16-bit memory
 * commands (ST-LINK/V2 before J26): the F1 flash and option bytes take half-word writes only
 * (PM0075 §2.3, §2.5), and the probe's 8-bit and 32-bit commands are refused there. Two Thumb
 * instructions in SRAM do it; what they overwrite (SRAM, registers) is put back.
 */
#include "arm/cm_store16.h"

#include <string.h>

#include "arm/cortexm.h"
#include "core/le.h"

/* Every STM32 has SRAM at the start of the ARMv7-M SRAM region (ARMv7-M ARM B3.1). The routine
 * sits at its start, its stack (used only by an exception frame) ends 64 bytes in. */
#define SCRATCH 0x20000000u
#define SCRATCH_LEN 64u
#define STORE16_TIMEOUT_MS 500u

/* strh r1, [r0]; bkpt #0 (ARMv7-M ARM A7.7.163 STRH T1, A7.7.17 BKPT T1) */
static const uint8_t store16_code[4] = {0x01, 0x80, 0x00, 0xBE};

static const unsigned saved_regs[] = {0, 1, CM_REG_SP, CM_REG_XPSR, CM_REG_PC};
#define SAVED_REGS (sizeof saved_regs / sizeof saved_regs[0])

int cm_store16(struct dbg *d, uint32_t addr, uint16_t val)
{
    uint8_t ram[SCRATCH_LEN];
    uint32_t regs[SAVED_REGS];
    int rc = dbg_read(d, SCRATCH, ram, sizeof ram);
    for (size_t i = 0; i < SAVED_REGS && rc == 0; i++)
        rc = d->ops->read_reg(d, saved_regs[i], &regs[i]);
    if (rc != 0)
        return rc;

    const uint32_t args[2] = {addr, val};
    rc = dbg_write(d, SCRATCH, store16_code, sizeof store16_code);
    if (rc == 0)
        rc = cm_run_routine(d, SCRATCH, SCRATCH + SCRATCH_LEN, args, 2, STORE16_TIMEOUT_MS, NULL);

    /* Put everything back, whatever happened; the first error is the one reported. */
    char *saved = rc != 0 ? ctx_error_save(d->ctx) : NULL;
    int rrc = dbg_write(d, SCRATCH, ram, sizeof ram);
    for (size_t i = 0; i < SAVED_REGS; i++) {
        int r = d->ops->write_reg(d, saved_regs[i], regs[i]);
        rrc = rrc ? rrc : r;
    }
    if (rc != 0) {
        ctx_error_restore(d->ctx, saved);
        return ctx_fail(d->ctx, rc, "cannot store the half-word at 0x%08x with the core: %s", addr,
                        stflash_last_error(d->ctx));
    }
    return rrc;
}
