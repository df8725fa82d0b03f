/*
 * The sequences of the key-locked controller that the L4-style, L5/U5 and H5 drivers share
 * (flash/l4.h, struct l4_ctrl): unlock (RM0351 §3.3.5, RM0438 §6.3.5, RM0456 §7.3.5, RM0481
 * §7.3.5), one erase operation started with STRT (RM0351 §3.3.6), the loader's error report, the
 * option unlock (RM0351 §3.4.2), lock, and the WRP-area arithmetic (RM0351 §3.5.2, RM0438
 * §6.5.2: pages STRT to END of a bank when STRT <= END).
 */
#include <string.h>

#include "arm/cortexm.h"
#include "flash/drvutil.h"
#include "flash/l4.h"
#include "flash/loaders/loader_abi.h"

uint32_t l4_regs(const struct flash_dev *f)
{
    return f->map.bank[0].regs;
}

static int write_reg(struct flash_dev *f, uint32_t off, uint32_t val)
{
    return dbg_write32(f->dbg, l4_regs(f) + off, val);
}

int l4_ctrl_wait_idle(struct flash_dev *f, const struct l4_ctrl *k, unsigned timeout_ms,
                      uint32_t *sr, const char *what, uint32_t addr)
{
    return drv_wait_clear(f, l4_regs(f) + k->sr, k->sr_busy, k->sr_name, timeout_ms, sr, what,
                          addr);
}

int l4_ctrl_unlock(struct flash_dev *f, const struct l4_ctrl *k)
{
    uint32_t regs = l4_regs(f), cr, sr;
    int rc = l4_ctrl_wait_idle(f, k, k->idle_ms, &sr, "unlock the flash controller at", regs);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_read32(f->dbg, regs + k->cr, &cr);
    if (rc == STFLASH_OK && (cr & k->cr_lock)) {
        int krc = write_reg(f, k->keyr, L4_KEY1);
        if (krc == STFLASH_OK)
            krc = write_reg(f, k->keyr, L4_KEY2);
        rc = dbg_read32(f->dbg, regs + k->cr, &cr);
        if (rc == STFLASH_OK && (cr & k->cr_lock))
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                            "flash controller stays locked (%s 0x%08x at 0x%08x)%s", k->cr_name, cr,
                            regs + k->cr,
                            krc != STFLASH_OK ? ": the key sequence was refused, as after a "
                                                "wrong key (locked until reset)"
                                              : "");
    }
    if (rc == STFLASH_OK)
        rc = write_reg(f, k->cr, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, k->clr, k->sr_errors | k->sr_eop);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the flash controller at 0x%08x: %s", regs,
                        drv_last_error(f));
    return STFLASH_OK;
}

int l4_ctrl_unlock_options(struct flash_dev *f, const struct l4_ctrl *k)
{
    uint32_t regs = l4_regs(f), v = 0;
    int rc = l4_ctrl_unlock(f, k);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, k->optkeyr, L4_OPTKEY1);
    if (rc == STFLASH_OK)
        rc = write_reg(f, k->optkeyr, L4_OPTKEY2);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + k->optlock_reg, &v);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the option bytes at 0x%08x: %s",
                        regs + k->optkeyr, drv_last_error(f));
    if (v & k->cr_optlock)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot unlock the option bytes: OPTLOCK stays set (%s 0x%08x)",
                        k->optlock_reg == k->cr ? k->cr_name : "FLASH_OPTCR", v);
    return STFLASH_OK;
}

int l4_ctrl_lock(struct flash_dev *f, const struct l4_ctrl *k)
{
    int rc = flash_loader_end(f);
    uint32_t regs = l4_regs(f), sr, cr = 0, opt = 0;
    int lrc = l4_ctrl_wait_idle(f, k, k->lock_ms, &sr, "lock the flash controller at", regs);
    if (lrc == STFLASH_OK && k->optlock_reg == k->cr) {
        lrc = write_reg(f, k->cr, k->cr_lock | k->cr_optlock);
    } else if (lrc == STFLASH_OK) { /* OPTLOCK in a register of its own: its other bits kept */
        lrc = write_reg(f, k->cr, k->cr_lock);
        if (lrc == STFLASH_OK)
            lrc = dbg_read32(f->dbg, regs + k->optlock_reg, &opt);
        if (lrc == STFLASH_OK && !(opt & k->cr_optlock))
            lrc = write_reg(f, k->optlock_reg, opt | k->cr_optlock);
    }
    if (lrc == STFLASH_OK)
        lrc = dbg_read32(f->dbg, regs + k->cr, &cr);
    if (lrc == STFLASH_OK && !(cr & k->cr_lock))
        lrc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                       "flash controller does not lock (%s 0x%08x at 0x%08x)", k->cr_name, cr,
                       regs + k->cr);
    else if (lrc != STFLASH_OK && lrc != STFLASH_ERR_TIMEOUT)
        lrc = ctx_fail(f->ctx, lrc, "cannot lock the flash controller at 0x%08x: %s", regs,
                       drv_last_error(f));
    return rc != STFLASH_OK ? rc : lrc;
}

const char *l4_ctrl_error_name(const struct l4_ctrl *k, uint32_t sr)
{
    for (unsigned i = 0; i < k->nflags; i++)
        if (sr & k->flags[i].bit)
            return k->flags[i].name;
    return "unknown error";
}

int l4_ctrl_run_op(struct flash_dev *f, const struct l4_ctrl *k, uint32_t bits, unsigned timeout_ms,
                   const char *what, uint32_t addr)
{
    uint32_t sr;
    int rc = l4_ctrl_wait_idle(f, k, k->idle_ms, &sr, what, addr);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, k->cr, bits);
    if (rc == STFLASH_OK)
        rc = write_reg(f, k->cr, bits | k->cr_strt);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, k->cr, 0);
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, drv_last_error(f));
    }
    rc = l4_ctrl_wait_idle(f, k, timeout_ms, &sr, what, addr);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, k->cr, 0);
        return rc;
    }
    if (sr & k->sr_errors) {
        (void)write_reg(f, k->cr, 0);
        (void)write_reg(f, k->clr, k->sr_errors | k->sr_eop);
        return ctx_fail(f->ctx, (sr & k->sr_wrperr) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                        "cannot %s 0x%08x: %s 0x%08x (%s)", what, addr, k->sr_name, sr,
                        l4_ctrl_error_name(k, sr));
    }
    rc = write_reg(f, k->cr, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, k->clr, k->sr_eop);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish: %s 0x%08x: %s", what, addr, drv_last_error(f));
    return STFLASH_OK;
}

int l4_ctrl_loader_failure(struct flash_dev *f, const struct l4_ctrl *k,
                           const struct flash_loader_stop *st, const uint8_t *data,
                           uint32_t job_addr)
{
    uint32_t sr = k->ldr_sr_high ? st->status & 0xFFFF0000u : st->status >> 16;
    uint32_t where = st->addr;
    (void)write_reg(f, k->clr, k->sr_errors | k->sr_eop);
    if (!(st->status & LDR_ERR_STATUS))
        return drv_loader_other_failure(f, st, data, job_addr);
    if (sr & k->sr_wrperr)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot program 0x%08x: %s (%s 0x%04x, WRPERR)", where, k->wrperr_what,
                        k->sr_name, sr);
    if (sr & k->sr_progerr)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: not erased, holds 0x%08x (%s 0x%04x, PROGERR)",
                        where, st->value, k->sr_name, sr);
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot program 0x%08x: %s 0x%04x (%s)", where,
                    k->sr_name, sr, l4_ctrl_error_name(k, sr));
}

/* ---- WRP areas ---- */

bool l4_area_overlap(uint32_t reg, uint32_t field, uint32_t bank_base, uint32_t page, uint32_t addr,
                     uint32_t len, uint32_t *first)
{
    uint32_t strt = reg & field, end = (reg >> 16) & field;
    if (strt > end || len == 0)
        return false;
    uint64_t lo = (uint64_t)bank_base + (uint64_t)strt * page;
    uint64_t hi = (uint64_t)bank_base + (uint64_t)(end + 1u) * page;
    if ((uint64_t)addr >= hi || (uint64_t)addr + len <= lo)
        return false;
    *first = addr > lo ? addr : (uint32_t)lo;
    return true;
}

int l4_check_wrp_area(struct flash_dev *f, uint32_t off, uint32_t field, unsigned wrp_bank,
                      unsigned area, unsigned map_bank, uint32_t addr, uint32_t len)
{
    uint32_t regs = l4_regs(f), v, first;
    const struct flash_bank *b = &f->map.bank[map_bank < f->map.banks ? map_bank : 0];
    struct flash_unit u;
    if (!flash_map_unit_at(&f->map, b->base, &u))
        return STFLASH_OK;
    int rc = dbg_read32(f->dbg, regs + off, &v);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the write protection at 0x%08x: %s", regs + off,
                        drv_last_error(f));
    if (!l4_area_overlap(v, field, b->base, u.size, addr, len, &first))
        return STFLASH_OK;
    return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                    "cannot write 0x%08x: write protected by the option bytes (pages %u to %u of "
                    "bank %u, FLASH_WRP%u%cR 0x%08x)",
                    first, v & field, (v >> 16) & field, wrp_bank + 1u, wrp_bank + 1u,
                    area ? 'B' : 'A', v);
}

void l4_mask_layout(const struct flash_dev *f, uint32_t *size, uint32_t *bank, uint32_t *page)
{
    *size = (uint32_t)flash_map_bytes(&f->map);
    *bank = f->map.banks > 1 ? f->map.bank[0].size : *size;
    *page = f->map.regions ? f->map.region[0].unit : 0;
}

int l4_options_writable(struct flash_dev *f, int level, uint32_t optr,
                        const struct stflash_options *o)
{
    if (level == 2)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "the chip runs at read protection level 2 (FLASH_OPTR 0x%08x): its option "
                        "bytes can never be changed again",
                        optr);
    if (o->data0 || o->data1)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the %s has no user data option bytes: leave --data0/--data1 out",
                        f->chip->name);
    return STFLASH_OK;
}

int l4_wrp_change(struct flash_dev *f, const struct l4_traits *tr, uint32_t want, uint32_t cur,
                  unsigned nregs, uint32_t areas[4], unsigned *nwrp)
{
    uint32_t size, bank, page;
    *nwrp = 0;
    memset(areas, 0, 4 * sizeof areas[0]);
    if (want == cur)
        return STFLASH_OK;
    l4_mask_layout(f, &size, &bank, &page);
    if (l4_wrp_areas(tr, want, size, bank, page, areas) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the WRP bits 0x%08x need more than the two write-protected areas per "
                        "bank the %s has (nothing was changed)",
                        want, f->chip->name);
    *nwrp = nregs;
    return STFLASH_OK;
}
