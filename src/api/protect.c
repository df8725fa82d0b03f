/*
 * Read and write protection through the F0/F1/F3 option bytes (PM0075 §2.4 protections, §2.5
 * option bytes): reading them, changing them with the permits dangerous changes need, and the
 * level-1 unlock (which erases the whole flash) and lock.
 */
#include <string.h>

#include "api/dev.h"
#include "arm/cortexm.h"
#include "flash/f1.h"

#define WRP_GROUP_SIZE 4096u /* one WRP bit per 4 KiB on F0/F1/F3 (PM0075 §2.4.2) */

static void decode(const struct f1_option_state *st, struct stflash_options *o)
{
    memset(o, 0, sizeof *o);
    o->rdp_level = st->read_protected ? 1 : 0;
    o->rdp = st->stored.rdp;
    o->rdp_level_stored = st->stored.rdp == F1_OB_RDP_NONE ? 0 : 1;
    o->wdg_sw = st->stored.user & 1u;
    o->nrst_stop = st->stored.user & 2u;
    o->nrst_stdby = st->stored.user & 4u;
    o->data0 = st->stored.data[0];
    o->data1 = st->stored.data[1];
    for (unsigned i = 0; i < 4; i++)
        o->wrp |= (uint32_t)st->stored.wrp[i] << (8 * i);
    o->wrp_in_force = st->wrpr;
    o->wrp_group_size = WRP_GROUP_SIZE;
    o->option_error = st->option_error;
}

static int read_state(struct stflash_dev *dev, struct flash_dev *f, struct f1_option_state *st)
{
    /* The F0/F3 share the controller but not the option layout (RDP 0xAA/0xCC, other OBR
     * bits): refuse rather than guess on option bytes. */
    const struct stflash_chip_info *chip = dev->target.chip;
    if (chip && chip->family != STFLASH_FAMILY_F1)
        return ctx_fail(dev->ctx, STFLASH_ERR_UNSUPPORTED,
                        "option bytes of %s are not supported yet (the STM32F1 family is)",
                        chip->name);
    int rc = dev_flash_setup(dev, f);
    if (rc == 0)
        rc = f1_option_read(f, st);
    return rc;
}

int stflash_options_read(struct stflash_dev *dev, struct stflash_options *out)
{
    struct flash_dev f;
    struct f1_option_state st;
    int rc = read_state(dev, &f, &st);
    if (rc == 0)
        decode(&st, out);
    return rc;
}

/* Stores the option bytes, resets so they load, and checks what is in force then. */
static int store_and_load(struct stflash_dev *dev, struct flash_dev *f,
                          const struct f1_option_bytes *ob)
{
    int rc = cm_halt(dev_dbg(dev));
    if (rc == 0)
        rc = f1_option_write(f, ob);
    if (rc != 0)
        return rc;
    rc = cm_reset(dev_dbg(dev), CM_RESET_SYSTEM, true);
    if (rc != 0)
        return ctx_fail(dev->ctx, rc, "the option bytes are stored, but the reset that loads them "
                                      "failed (%s): power-cycle the board",
                        stflash_last_error(dev->ctx));
    struct f1_option_state st;
    rc = f1_option_read(f, &st);
    if (rc != 0)
        return rc;
    bool want_rdp = ob->rdp != F1_OB_RDP_NONE;
    uint32_t want_wrp = (uint32_t)ob->wrp[0] | (uint32_t)ob->wrp[1] << 8 |
                        (uint32_t)ob->wrp[2] << 16 | (uint32_t)ob->wrp[3] << 24;
    if (st.read_protected != want_rdp || st.wrpr != want_wrp)
        return ctx_fail(dev->ctx, STFLASH_ERR_VERIFY,
                        "after the reset the chip runs with read protection %s and FLASH_WRPR "
                        "0x%08x, not the stored %s and 0x%08x: power-cycle the board and check "
                        "with 'stflash options'",
                        st.read_protected ? "on" : "off", st.wrpr, want_rdp ? "on" : "off",
                        want_wrp);
    /* the target info of this session follows the new state */
    dev->target.rdp_level = st.read_protected ? 1 : 0;
    dev->target.wrp_mask = ~st.wrpr;
    return STFLASH_OK;
}

int stflash_options_write(struct stflash_dev *dev, const struct stflash_options *opts,
                          unsigned permits)
{
    struct flash_dev f;
    struct f1_option_state st;
    int rc = read_state(dev, &f, &st);
    if (rc != 0)
        return rc;
    if (opts->rdp == STFLASH_RDP_LEVEL2 && !(permits & STFLASH_PERMIT_RDP_LEVEL2))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "read protection level 2 is permanent: confirm with --permanent-rdp2");
    if (opts->rdp == STFLASH_RDP_LEVEL2)
        return ctx_fail(dev->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the STM32F1 has no read protection level 2 (every RDP value but 0xA5 "
                        "is level 1): use --rdp 1");
    bool now_protected = st.read_protected || st.stored.rdp != F1_OB_RDP_NONE;
    bool want_protected = opts->rdp != F1_OB_RDP_NONE;
    if (now_protected && !want_protected)
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "removing read protection erases the whole flash: use 'stflash unlock'");
    if (!now_protected && want_protected && !(permits & STFLASH_PERMIT_READ_PROTECT))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "setting read protection locks the debugger out of the flash and only "
                        "a full erase removes it: confirm with --allow-read-protect");
    uint32_t old_wrp = 0;
    for (unsigned i = 0; i < 4; i++)
        old_wrp |= (uint32_t)st.stored.wrp[i] << (8 * i);
    uint32_t newly_protected = old_wrp & ~opts->wrp;
    if (newly_protected && !(permits & STFLASH_PERMIT_WRITE_PROTECT))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED,
                        "the new WRP bits 0x%08x write-protect flash pages (groups 0x%08x): "
                        "confirm with --dangerous-write-protect",
                        opts->wrp, newly_protected);
    struct f1_option_bytes ob = {
        .rdp = opts->rdp,
        .user = (uint8_t)(0xF8u | (opts->wdg_sw ? 1u : 0) | (opts->nrst_stop ? 2u : 0) |
                          (opts->nrst_stdby ? 4u : 0)),
        .data = {opts->data0, opts->data1},
        .wrp = {(uint8_t)opts->wrp, (uint8_t)(opts->wrp >> 8), (uint8_t)(opts->wrp >> 16),
                (uint8_t)(opts->wrp >> 24)},
    };
    return store_and_load(dev, &f, &ob);
}

int stflash_unlock(struct stflash_dev *dev)
{
    struct flash_dev f;
    struct f1_option_state st;
    int rc = read_state(dev, &f, &st);
    if (rc != 0)
        return rc;
    if (!st.read_protected && st.stored.rdp == F1_OB_RDP_NONE) {
        ctx_log(dev->ctx, STFLASH_LOG_INFO, "the chip is not read protected: nothing to do");
        return STFLASH_OK;
    }
    struct f1_option_bytes ob = st.stored;
    ob.rdp = F1_OB_RDP_NONE;
    ctx_log(dev->ctx, STFLASH_LOG_INFO,
            "removing read protection: the chip erases its whole flash");
    rc = store_and_load(dev, &f, &ob);
    if (rc == 0)
        ctx_log(dev->ctx, STFLASH_LOG_INFO, "read protection removed; the flash is erased");
    return rc;
}

int stflash_lock(struct stflash_dev *dev)
{
    struct flash_dev f;
    struct f1_option_state st;
    int rc = read_state(dev, &f, &st);
    if (rc != 0)
        return rc;
    struct f1_option_bytes ob = st.stored;
    ob.rdp = 0x00; /* any value but 0xA5 is level 1 */
    return store_and_load(dev, &f, &ob);
}
