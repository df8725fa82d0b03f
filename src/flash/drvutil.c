/*
 * Helpers of the loader-based flash drivers (flash/drvutil.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/drvutil.h"
#include "flash/loaders/loader_abi.h"

/* How long the option-byte load (a reset) may take to show after OBL_LAUNCH. */
#define OBL_RESET_TIMEOUT_MS 500u

const char *drv_last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

uint64_t drv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int drv_wait_clear(struct flash_dev *f, uint32_t sr_addr, uint32_t busy, const char *sr_name,
                   unsigned timeout_ms, uint32_t *sr, const char *what, uint32_t addr)
{
    uint64_t deadline = drv_now_ms() + timeout_ms;
    for (;;) {
        int rc = dbg_read32(f->dbg, sr_addr, sr);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, drv_last_error(f));
        if (!(*sr & busy))
            return STFLASH_OK;
        rc = flash_stage_step(f); /* the link is idle while the flash is busy */
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, drv_last_error(f));
        if (drv_now_ms() > deadline) {
            rc = dbg_read32(f->dbg, sr_addr, sr); /* one last look */
            if (rc == STFLASH_OK && !(*sr & busy))
                return STFLASH_OK;
            return ctx_fail(f->ctx, STFLASH_ERR_TIMEOUT,
                            "cannot %s 0x%08x: flash controller still busy after %u ms "
                            "(%s 0x%08x)",
                            what, addr, timeout_ms, sr_name, *sr);
        }
    }
}

int drv_program_banks(struct flash_dev *f, const struct drv_program *p, uint32_t addr,
                      const uint8_t *data, size_t len)
{
    struct flash_loader_stop st = {0};
    int rc = drv_program_banks_arg(f, p, p->arg, addr, data, len, &st);
    if (rc == STFLASH_OK && st.status)
        rc = p->failure(f, &st, data + (st.job_addr - addr), st.job_addr);
    return rc;
}

int drv_program_banks_arg(struct flash_dev *f, const struct drv_program *p, uint32_t arg,
                          uint32_t addr, const uint8_t *data, size_t len,
                          struct flash_loader_stop *stop)
{
    stop->status = 0;
    if (len == 0)
        return STFLASH_OK;
    if ((addr | len) & (p->unit - 1u) || !flash_map_covers(&f->map, addr, len, NULL))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot program 0x%08x (%zu bytes): not aligned to the %u-byte program "
                        "unit or outside the flash",
                        addr, len, p->unit);
    struct flash_loader *l = NULL;
    int rc = flash_loader_session(f, p->code_max, &l);
    if (rc != STFLASH_OK)
        return rc;
    rc = cm_halt(f->dbg);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot halt the core to program 0x%08x: %s", addr,
                        drv_last_error(f));
    rc = flash_loader_load(f, l, p->code, p->code_len);
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end && rc == STFLASH_OK && !stop->status;) {
        uint64_t next = end;
        int b = flash_map_bank_of(&f->map, (uint32_t)a);
        if (b >= 0 && (uint64_t)f->map.bank[b].base + f->map.bank[b].size < next)
            next = (uint64_t)f->map.bank[b].base + f->map.bank[b].size;
        struct flash_loader_job job = {
            .regs = f->map.bank[0].regs,
            .addr = (uint32_t)a,
            .len = (uint32_t)(next - a),
            .data = data + (a - addr),
            .erased = flash_map_erased_pattern(&f->map, 4),
            .arg = arg,
            .unit_us = p->unit_us,
            .unit = p->unit,
            .crc = p->crc,
        };
        rc = flash_loader_run(f, l, &job, stop);
        stop->job_addr = job.addr;
        a = next;
    }
    return rc;
}

int drv_stage(struct flash_dev *f, const struct drv_program *p, bool *more)
{
    return flash_loader_stage(f, p->code_max, p->code, p->code_len, more);
}

int drv_loader_other_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                             const uint8_t *data, uint32_t job_addr)
{
    if (st->status == LDR_ERR_READBACK)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "cannot program 0x%08x: reads back 0x%08x instead of 0x%08x", st->addr,
                        st->value, le32_get(data + (st->addr - job_addr)));
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                    "cannot program 0x%08x: the loader reports status 0x%x", st->addr, st->status);
}

int drv_options_load_reset(struct flash_dev *f, int (*unlock_options)(struct flash_dev *f),
                           int (*lock)(struct flash_dev *f), uint32_t obl_reg, uint32_t obl_val,
                           const char *obl_bit)
{
    uint32_t demcr = 0, dhcsr = 0;
    int rc = dbg_read32(f->dbg, CM_DEMCR, &demcr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, CM_DEMCR, demcr | CM_DEMCR_VC_CORERESET);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, CM_DHCSR, &dhcsr); /* clears S_RESET_ST */
    if (rc == STFLASH_OK)
        rc = unlock_options(f);
    if (rc != STFLASH_OK) {
        (void)lock(f);
        return rc;
    }
    (void)dbg_write32(f->dbg, obl_reg, obl_val);
    uint64_t deadline = drv_now_ms() + OBL_RESET_TIMEOUT_MS;
    bool reset = false, halted = false;
    while (!(reset && halted) && drv_now_ms() <= deadline) {
        if (dbg_read32(f->dbg, CM_DHCSR, &dhcsr) != STFLASH_OK)
            continue; /* the chip is resetting */
        reset = reset || (dhcsr & CM_DHCSR_S_RESET_ST);
        halted = dhcsr & CM_DHCSR_S_HALT;
        if (reset && !halted && !(dhcsr & CM_DHCSR_C_DEBUGEN))
            (void)cm_halt(f->dbg); /* the debug state went with the reset: take the core again */
    }
    if (reset && !halted)
        halted = cm_halt(f->dbg) == STFLASH_OK;
    if (reset && halted)
        return STFLASH_OK;
    (void)lock(f);
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                    "no reset seen within %u ms of OBL_LAUNCH (%s): the option bytes are stored "
                    "but not loaded",
                    OBL_RESET_TIMEOUT_MS, obl_bit);
}

int drv_rdp_byte(struct flash_dev *f, int level, const uint8_t bytes[3], uint8_t *byte)
{
    if (level < 0 || level > 2)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "no read protection level %d: give 0, 1 or 2", level);
    *byte = bytes[level];
    return STFLASH_OK;
}
