/*
 * Read and write protection through the option bytes of the target's family (flash/family.h):
 * reading them, changing them with the permits dangerous changes need, and the level-1 unlock
 * (which erases the whole flash) and lock. The layout and encodings are the family's; the policy
 * (what needs which permit) is here.
 */
#include <string.h>

#include "api/dev.h"
#include "arm/cortexm.h"
#include "flash/family.h"
#include "flash/h5.h"

/* The flash device of the target, with a family that has option bytes. */
static int setup(struct stflash_dev *dev, struct flash_dev *f)
{
    int rc = dev_flash_setup(dev, f);
    if (rc != 0)
        return rc;
    if (!f->fam->options_read || !f->fam->options_write || !f->fam->options_load ||
        !f->fam->options_rdp_byte)
        return ctx_fail(dev->ctx, STFLASH_ERR_UNSUPPORTED,
                        "option bytes of %s (%s controller) are not supported yet", f->chip->name,
                        f->fam->name);
    return STFLASH_OK;
}

int stflash_options_read(struct stflash_dev *dev, struct stflash_options *out)
{
    struct flash_dev f;
    int rc = setup(dev, &f);
    return rc ? rc : f.fam->options_read(&f, out);
}

/* Stores the option bytes, loads them (reset), and checks what is in force then. */
static int store_and_load(struct stflash_dev *dev, struct flash_dev *f,
                          const struct stflash_options *want)
{
    int rc = cm_halt(dev_dbg(dev));
    if (rc == 0)
        rc = f->fam->options_write(f, want);
    if (rc != 0)
        return rc;
    /* What the family stored: write-protection bits of groups the chip does not have (beyond
     * its sectors, on the F2/F4/F7) read back as not protected whatever want asked. */
    struct stflash_options stored = *want;
    if (want->rdp_level_stored != 2) {
        rc = f->fam->options_read(f, &stored);
        if (rc != 0)
            return rc;
    }
    rc = f->fam->options_load(f);
    if (rc == STFLASH_ERR_TARGET && want->rdp_level_stored == 2) {
        /* Level 2 closes the debug port as the options load: the silence is the new state. */
        ctx_log(dev->ctx, STFLASH_LOG_INFO,
                "the debug port closed as read protection level 2 "
                "loaded (%s)",
                stflash_last_error(dev->ctx));
        dev->target.rdp_level = 2;
        return STFLASH_OK;
    }
    if (rc != 0)
        return ctx_fail(dev->ctx, rc,
                        "the option bytes are stored, but the reset that loads them "
                        "failed (%s): power-cycle the board",
                        stflash_last_error(dev->ctx));
    if (want->rdp_level_stored == 2) {
        /* Level 2 closes the debug port for good: nothing more can be read. */
        dev->target.rdp_level = 2;
        return STFLASH_OK;
    }
    struct stflash_options now;
    rc = f->fam->options_read(f, &now);
    if (rc != 0)
        return rc;
    if (now.rdp_level != want->rdp_level_stored || now.wrp_in_force != stored.wrp)
        return ctx_fail(dev->ctx, STFLASH_ERR_VERIFY,
                        "after the reset the chip runs with read protection level %d and "
                        "write protection 0x%08x, not the stored level %d and 0x%08x: "
                        "power-cycle the board and check with 'stflash options'",
                        now.rdp_level, now.wrp_in_force, want->rdp_level_stored, stored.wrp);
    /* the target info of this session follows the new state */
    dev->target.rdp_level = now.rdp_level;
    dev->target.wrp_mask = ~now.wrp_in_force;
    return STFLASH_OK;
}

int stflash_options_write(struct stflash_dev *dev, const struct stflash_options *opts,
                          unsigned permits)
{
    struct flash_dev f;
    struct stflash_options cur;
    int rc = setup(dev, &f);
    if (rc == 0)
        rc = f.fam->options_read(&f, &cur);
    if (rc != 0)
        return rc;
    struct stflash_options ps_opts;
    if (cur.has_product_state && opts->product_state != cur.product_state) {
        /* The H5: the product state asked for decides the level (and the check after the
         * reset). */
        if (!(permits & STFLASH_PERMIT_PRODUCT_STATE))
            return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                            "changing the product state (0x%02x to 0x%02x) closes the debugger "
                            "or cannot be undone without erasing the flash, and the locked state "
                            "never: confirm with --allow-product-state",
                            cur.product_state, opts->product_state);
        ps_opts = *opts;
        ps_opts.rdp_level_stored = h5_product_state_level(opts->product_state);
        opts = &ps_opts;
        permits |= STFLASH_PERMIT_READ_PROTECT; /* the product-state permit says it all */
    } else if (cur.has_product_state && opts->rdp_level_stored != cur.rdp_level_stored &&
               !(permits & STFLASH_PERMIT_PRODUCT_STATE)) {
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "on the %s read protection is the product state (now 0x%02x): a change "
                        "closes the debugger or cannot be undone; give the state with "
                        "--product-state and confirm with --allow-product-state",
                        f.chip->name, cur.product_state);
    }
    int want_level = opts->rdp_level_stored;
    uint8_t byte;
    rc = f.fam->options_rdp_byte(&f, want_level, &byte); /* a level the family has? */
    if (rc != 0)
        return rc;
    if (want_level == 2 && !(permits & STFLASH_PERMIT_RDP_LEVEL2))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "read protection level 2 is permanent: confirm with --permanent-rdp2");
    bool now_protected = cur.rdp_level > 0 || cur.rdp_level_stored > 0;
    if (now_protected && want_level == 0)
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "removing read protection erases the whole flash: use 'stflash unlock'");
    if (want_level > cur.rdp_level_stored && want_level == 1 &&
        !(permits & STFLASH_PERMIT_READ_PROTECT))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "setting read protection locks the debugger out of the flash and only "
                        "a full erase removes it: confirm with --allow-read-protect");
    if (cur.has_trustzone && opts->tzen && !cur.tzen && !(permits & STFLASH_PERMIT_TRUSTZONE))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "turning TrustZone on makes the whole flash secure: stflash, which "
                        "programs through the non-secure registers, can no longer write it, and "
                        "only a read protection regression (which erases the flash) turns it off: "
                        "confirm with --allow-trustzone");
    if (cur.has_trustzone && !opts->tzen && cur.tzen)
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "TrustZone turns off only while read protection goes from level 1 back "
                        "to 0, which erases the whole flash: run 'stflash lock "
                        "--allow-read-protect', then 'stflash unlock --yes' (it clears TZEN)");
    uint32_t newly_protected = cur.wrp & ~opts->wrp;
    if (newly_protected && !(permits & STFLASH_PERMIT_WRITE_PROTECT))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "the new WRP bits 0x%08x write-protect flash pages (groups 0x%08x): "
                        "confirm with --dangerous-write-protect",
                        opts->wrp, newly_protected);
    return store_and_load(dev, &f, opts);
}

int stflash_unlock(struct stflash_dev *dev)
{
    struct flash_dev f;
    struct stflash_options cur;
    int rc = setup(dev, &f);
    if (rc == 0)
        rc = f.fam->options_read(&f, &cur);
    if (rc != 0)
        return rc;
    if (cur.rdp_level == 0 && cur.rdp_level_stored == 0 && !cur.rdp_half) {
        ctx_log(dev->ctx, STFLASH_LOG_INFO, "the chip is not read protected: nothing to do");
        return STFLASH_OK;
    }
    if (cur.rdp_level == 2 || cur.rdp_level_stored == 2)
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "the chip is at read protection level 2, which is permanent: it cannot "
                        "be unlocked");
    struct stflash_options want = cur;
    want.rdp_level_stored = 0;
    want.rdp_half = false;
    want.tzen = false; /* TrustZone clears only in this regression (RM0438 §6.6.2, RM0456 §7.6.2) */
    ctx_log(dev->ctx, STFLASH_LOG_INFO,
            "removing read protection: the chip erases its whole flash");
    rc = store_and_load(dev, &f, &want);
    if (rc == 0)
        ctx_log(dev->ctx, STFLASH_LOG_INFO, "read protection removed; the flash is erased");
    return rc;
}

int stflash_lock(struct stflash_dev *dev)
{
    struct flash_dev f;
    struct stflash_options cur;
    int rc = setup(dev, &f);
    if (rc == 0)
        rc = f.fam->options_read(&f, &cur);
    if (rc != 0)
        return rc;
    if (cur.rdp_level_stored == 2)
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "the chip is at read protection level 2 already");
    struct stflash_options want = cur;
    want.rdp_level_stored = 1;
    return store_and_load(dev, &f, &want);
}
