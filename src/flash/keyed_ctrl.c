/* Wait, unlock and lock of a keyed flash controller (flash/keyed_ctrl.h). */
#include <stdio.h>
#include <time.h>

#include "flash/keyed_ctrl.h"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

/* "the flash controller" and "FLASH_CR", or "flash bank 2" and "FLASH_CR2". */
struct names {
    char who[32];
    char cr[16];
    char sr[16];
};

static void names_of(const struct keyed_ctrl *c, struct names *n)
{
    if (c->bank == 0) {
        snprintf(n->who, sizeof n->who, "the flash controller");
        snprintf(n->cr, sizeof n->cr, "FLASH_CR");
        snprintf(n->sr, sizeof n->sr, "FLASH_SR");
    } else {
        snprintf(n->who, sizeof n->who, "flash bank %u", c->bank);
        snprintf(n->cr, sizeof n->cr, "FLASH_CR%u", c->bank);
        snprintf(n->sr, sizeof n->sr, "FLASH_SR%u", c->bank);
    }
}

int keyed_wait_idle(struct flash_dev *f, const struct keyed_ctrl *c, unsigned timeout_ms,
                    uint32_t *sr)
{
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int rc = dbg_read32(f->dbg, c->regs + c->sr, sr);
        if (rc != STFLASH_OK)
            return rc;
        if (!(*sr & c->busy))
            return STFLASH_OK;
        rc = flash_stage_step(f); /* the link is idle while the flash is busy */
        if (rc != STFLASH_OK)
            return rc;
        if (now_ms() > deadline) {
            /* One last look: the host may have been descheduled past the deadline. */
            rc = dbg_read32(f->dbg, c->regs + c->sr, sr);
            if (rc != STFLASH_OK)
                return rc;
            return (*sr & c->busy) ? STFLASH_ERR_TIMEOUT : STFLASH_OK;
        }
    }
}

int keyed_unlock(struct flash_dev *f, const struct keyed_ctrl *c)
{
    struct names n;
    names_of(c, &n);
    uint32_t cr;
    int rc = dbg_read32(f->dbg, c->regs + c->cr, &cr);
    if (rc == STFLASH_OK && (cr & c->lock)) {
        int krc = dbg_write32(f->dbg, c->regs + c->keyr, KEYED_KEY1);
        if (krc == STFLASH_OK)
            krc = dbg_write32(f->dbg, c->regs + c->keyr, KEYED_KEY2);
        rc = dbg_read32(f->dbg, c->regs + c->cr, &cr);
        if (rc == STFLASH_OK && (cr & c->lock))
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "%s stays locked (%s 0x%08x at 0x%08x)%s",
                            n.who, n.cr, cr, c->regs + c->cr,
                            krc != STFLASH_OK ? ": the key sequence was refused, as after a "
                                                "wrong key (locked until reset)"
                                              : "");
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock %s at 0x%08x: %s", n.who, c->regs,
                        last_error(f));
    return STFLASH_OK;
}

int keyed_lock(struct flash_dev *f, const struct keyed_ctrl *c, unsigned timeout_ms)
{
    uint32_t sr = 0, cr = 0;
    int rc = keyed_wait_idle(f, c, timeout_ms, &sr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, c->regs + c->cr, c->lock);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, c->regs + c->cr, &cr);
    if (rc == STFLASH_OK && (cr & c->lock))
        return STFLASH_OK;
    struct names n;
    names_of(c, &n);
    if (rc == STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "%s does not lock (%s 0x%08x at 0x%08x)", n.who,
                        n.cr, cr, c->regs + c->cr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc, "cannot lock %s at 0x%08x: still busy after %u ms (%s 0x%08x)",
                        n.who, c->regs, timeout_ms, n.sr, sr);
    return ctx_fail(f->ctx, rc, "cannot lock %s at 0x%08x: %s", n.who, c->regs, last_error(f));
}
