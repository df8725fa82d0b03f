/*
 * Option bytes of the H5 (flash/h5.h), through the non-secure registers. RM0481 §7.4: the _CUR
 * registers show the options in force; after the OPTKEYR sequence (OPTLOCK in FLASH_OPTCR)
 * software writes the _PRG registers and FLASH_OPTCR.OPTSTRT stores them; they are in force once
 * stored, SWAP_BANK from the next reset. The H5 has no RDP byte: the PRODUCT_STATE field of
 * FLASH_OPTSR (open 0xED, provisioning 0x17, iROT-provisioned 0x2E, TZ-closed 0xC6, closed 0x72,
 * locked 0x5C; RM0481 §7.6.11 "Product state transitions") says how closed the chip is, and most
 * transitions cannot be undone without a regression that erases the flash, or at all (locked).
 *
 * stflash_options maps onto them thus: product_state (has_product_state), rdp_level the level
 * that matches it (0 open, 2 locked, 1 the others), wdg_sw = IWDG_SW (bit 3), nrst_stop /
 * nrst_stdby = bits 6 / 7, swap_bank = SWAP_BANK (bit 31), tzen from OPTSR2.TZEN; the WRP sector
 * groups (WRP1R/WRP2R, one bit per four sectors) as the 32-bit group mask. A product-state change
 * needs its own permit (src/api/protect.c); this file stores it when asked.
 */
#include <string.h>

#include "arm/cortexm.h"
#include "flash/drvutil.h"
#include "flash/h5.h"

#define OPTION_TIMEOUT_MS 500u

static int read_options(struct flash_dev *f, uint32_t *optsr, uint32_t *optsr2, uint32_t wrp[2])
{
    uint32_t regs = l4_regs(f);
    int rc = dbg_read32(f->dbg, regs + H5_OPTSR_CUR, optsr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + H5_OPTSR2_CUR, optsr2);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + H5_WRP1R_CUR, &wrp[0]);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + H5_WRP2R_CUR, &wrp[1]);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option registers at 0x%08x: %s",
                        regs + H5_OPTSR_CUR, drv_last_error(f));
    return STFLASH_OK;
}

int h5_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    static const uint8_t bytes[3] = {H5_PS_OPEN, H5_PS_CLOSED, H5_PS_LOCKED};
    return drv_rdp_byte(f, level, bytes, byte);
}

int h5_protection(struct flash_dev *f, struct flash_protection *out)
{
    uint32_t optsr, optsr2, wrp[2];
    int rc = read_options(f, &optsr, &optsr2, wrp);
    if (rc != STFLASH_OK)
        return rc;
    uint32_t size = (uint32_t)flash_map_bytes(&f->map);
    out->rdp_level = h5_product_state_level((uint8_t)(optsr >> H5_OPTSR_PS_SHIFT));
    out->wrp_mask = ~h5_wrp_mask(wrp, size);
    out->wrp_group_size = size / 32u;
    return STFLASH_OK;
}

int h5_options_read(struct flash_dev *f, struct stflash_options *out)
{
    uint32_t optsr, optsr2, wrp[2];
    int rc = read_options(f, &optsr, &optsr2, wrp);
    if (rc != STFLASH_OK)
        return rc;
    uint32_t size = (uint32_t)flash_map_bytes(&f->map);
    memset(out, 0, sizeof *out);
    out->has_product_state = true;
    out->product_state = (uint8_t)(optsr >> H5_OPTSR_PS_SHIFT);
    out->rdp = out->product_state;
    out->rdp_level = h5_product_state_level(out->product_state);
    out->rdp_level_stored = out->rdp_level;
    out->wdg_sw = optsr & H5_OPTSR_IWDG_SW;
    out->nrst_stop = optsr & H5_OPTSR_NRST_STOP;
    out->nrst_stdby = optsr & H5_OPTSR_NRST_STDBY;
    out->has_swap_bank = true;
    out->swap_bank = optsr & H5_OPTSR_SWAP_BANK;
    out->has_trustzone = true;
    out->tzen = (optsr2 >> H5_OPTSR2_TZEN_SHIFT) != H5_TZEN_OFF;
    out->wrp = h5_wrp_mask(wrp, size);
    out->wrp_in_force = out->wrp;
    out->wrp_group_size = size / 32u;
    return STFLASH_OK;
}

/* The WRPxR values for a group mask: a sector group is protected when its 1/32 of the flash is. */
static int wrp_of_mask(struct flash_dev *f, uint32_t mask, uint32_t wrp[2])
{
    uint32_t size = (uint32_t)flash_map_bytes(&f->map), group = size / 32u;
    uint32_t span = H5_WRP_SECTORS_PER_BIT * 8192u, bank = size / 2u;
    if (group == 0 || group % span)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "on the %s (%u KiB) a --wrp bit stands for %u KiB, less than the group of "
                        "four sectors (%u KiB) one FLASH_WRPxR bit protects: leave --wrp out "
                        "(nothing was changed)",
                        f->chip->name, size / 1024u, group / 1024u, span / 1024u);
    wrp[0] = wrp[1] = 0xFFFFFFFFu;
    for (unsigned g = 0; g < 32; g++) {
        if (mask & (1u << g))
            continue;
        for (uint32_t a = g * group; a < (g + 1) * group; a += span)
            wrp[a / bank] &= ~(1u << ((a % bank) / span));
    }
    return STFLASH_OK;
}

int h5_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    uint32_t optsr, optsr2, wrp[2], regs = l4_regs(f);
    int rc = read_options(f, &optsr, &optsr2, wrp);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t ps_now = (uint8_t)(optsr >> H5_OPTSR_PS_SHIFT), ps = o->product_state;
    if (ps_now == H5_PS_LOCKED)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "the %s is in the locked product state (FLASH_OPTSR_CUR 0x%08x): its "
                        "option bytes can never be changed again",
                        f->chip->name, optsr);
    if (o->data0 || o->data1)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the %s has no user data option bytes: leave --data0/--data1 out",
                        f->chip->name);
    if (!o->has_product_state || ps == ps_now) /* a level asked for: the state that gives it */
        if (o->rdp_level_stored != h5_product_state_level(ps_now) &&
            (rc = h5_rdp_byte(f, o->rdp_level_stored, &ps)) != STFLASH_OK)
            return rc;
    if (!h5_product_state_name(ps))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "0x%02x is no product state of the %s: give open 0xED, provisioning "
                        "0x17, iROT-provisioned 0x2E, TZ-closed 0xC6, closed 0x72 or locked 0x5C",
                        ps, f->chip->name);
    if (o->tzen != ((optsr2 >> H5_OPTSR2_TZEN_SHIFT) != H5_TZEN_OFF))
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "stflash does not change TrustZone on the %s (FLASH_OPTSR2.TZEN): leave "
                        "--tzen out",
                        f->chip->name);
    uint32_t user = H5_OPTSR_IWDG_SW | H5_OPTSR_NRST_STOP | H5_OPTSR_NRST_STDBY | H5_OPTSR_PS_MASK |
                    H5_OPTSR_SWAP_BANK;
    uint32_t want = (optsr & ~user) | (uint32_t)ps << H5_OPTSR_PS_SHIFT |
                    (o->wdg_sw ? H5_OPTSR_IWDG_SW : 0) | (o->nrst_stop ? H5_OPTSR_NRST_STOP : 0) |
                    (o->nrst_stdby ? H5_OPTSR_NRST_STDBY : 0) |
                    (o->swap_bank ? H5_OPTSR_SWAP_BANK : 0);
    uint32_t nwrp[2] = {wrp[0], wrp[1]};
    if (o->wrp != h5_wrp_mask(wrp, (uint32_t)flash_map_bytes(&f->map)) &&
        (rc = wrp_of_mask(f, o->wrp, nwrp)) != STFLASH_OK)
        return rc;
    rc = l4_ctrl_unlock_options(f, &h5_ctrl);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H5_OPTSR_PRG, want);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H5_WRP1R_PRG, nwrp[0]);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H5_WRP2R_PRG, nwrp[1]);
    uint32_t optcr = 0, sr = 0;
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + H5_OPTCR, &optcr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H5_OPTCR, optcr | H5_OPTCR_OPTSTRT);
    if (rc != STFLASH_OK)
        rc = ctx_fail(f->ctx, rc, "cannot program the option bytes at 0x%08x: %s",
                      regs + H5_OPTSR_PRG, drv_last_error(f));
    else
        rc = l4_ctrl_wait_idle(f, &h5_ctrl,
                               ps == H5_PS_OPEN && ps_now != H5_PS_OPEN ? H5_MASS_ERASE_TIMEOUT_MS
                                                                        : OPTION_TIMEOUT_MS,
                               &sr, "program the option bytes at", regs + H5_OPTSR_PRG);
    if (rc == STFLASH_OK && (sr & H5_SR_ERRORS)) {
        (void)dbg_write32(f->dbg, regs + H5_NSCCR, H5_SR_ERRORS);
        rc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                      "the chip refused the option change (FLASH_OPTSR_PRG 0x%08x): FLASH_NSSR "
                      "0x%08x (%s)",
                      want, sr, l4_ctrl_error_name(&h5_ctrl, sr));
    }
    int lrc = h5_lock(f);
    return rc != STFLASH_OK ? rc : lrc;
}

/* In force once stored (the _CUR registers follow OPTSTRT), SWAP_BANK from the next reset
 * (RM0481 §7.4): a system reset gives the firmware a clean start with them. */
int h5_options_load(struct flash_dev *f)
{
    return cm_reset(f->dbg, CM_RESET_SYSTEM, true);
}
