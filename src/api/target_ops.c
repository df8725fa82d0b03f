/* Memory, registers and run control of an opened target. */
#include "api/dev.h"
#include "arm/cortexm.h"
#include "flash/sysregs.h"

static bool touches_flash(const struct stflash_target_info *t, uint32_t addr, size_t len)
{
    return t->flash_size && addr < t->flash_base + t->flash_size &&
           (uint64_t)addr + len > t->flash_base;
}

int stflash_mem_read(struct stflash_dev *dev, uint32_t addr, uint8_t *buf, size_t len)
{
    int rc = stlink_read_mem(&dev->sl, addr, buf, len);
    if (rc == STFLASH_ERR_TARGET && dev->target.rdp_level > 0 &&
        touches_flash(&dev->target, addr, len))
        return ctx_fail(dev->ctx, STFLASH_ERR_PROTECTED, "cannot read 0x%08x: " RDP_HINT, addr);
    return rc;
}

int stflash_mem_write(struct stflash_dev *dev, uint32_t addr, const uint8_t *buf, size_t len)
{
    return stlink_write_mem(&dev->sl, addr, buf, len);
}

int stflash_read32(struct stflash_dev *dev, uint32_t addr, uint32_t *val)
{
    return dbg_read32(dev_dbg(dev), addr, val);
}

int stflash_write32(struct stflash_dev *dev, uint32_t addr, uint32_t val)
{
    return dbg_write32(dev_dbg(dev), addr, val);
}

int stflash_halt(struct stflash_dev *dev)
{
    return cm_halt(dev_dbg(dev));
}

int stflash_run(struct stflash_dev *dev)
{
    return cm_run(dev_dbg(dev));
}

int stflash_step(struct stflash_dev *dev)
{
    return cm_step(dev_dbg(dev));
}

int stflash_is_halted(struct stflash_dev *dev, bool *halted)
{
    return cm_is_halted(dev_dbg(dev), halted);
}

int stflash_reg_read(struct stflash_dev *dev, unsigned regsel, uint32_t *val)
{
    return stlink_read_reg(&dev->sl, regsel, val);
}

int stflash_reg_write(struct stflash_dev *dev, unsigned regsel, uint32_t val)
{
    return stlink_write_reg(&dev->sl, regsel, val);
}

/* A reset that DHCSR.S_RESET_ST did not show: the RCC_CSR reset flags (cleared before it) tell
 * whether it happened. Unknown families: a run after the reset is taken on trust, a halt is not. */
static int check_reset_happened(struct stflash_dev *dev, enum stflash_reset how, bool halt,
                                bool flags_cleared)
{
    uint32_t flags = 0;
    if (flags_cleared && reset_flags_read(dev_dbg(dev), dev->target.chip, &flags) == 0 && flags)
        return STFLASH_OK;
    if (!flags_cleared && !halt) {
        ctx_log(dev->ctx, STFLASH_LOG_WARN,
                "the reset was not confirmed (DHCSR.S_RESET_ST not seen, no reset flags known "
                "for this part)");
        return STFLASH_OK;
    }
    uint32_t demcr;
    if (halt && dbg_read32(dev_dbg(dev), CM_DEMCR, &demcr) == 0) /* no vector catch left armed */
        (void)dbg_write32(dev_dbg(dev), CM_DEMCR, demcr & ~CM_DEMCR_VC_CORERESET);
    if (how == STFLASH_RESET_HARD)
        return ctx_fail(dev->ctx, STFLASH_ERR_TARGET,
                        "the target did not reset when NRST was pulsed: the probe's RST pin "
                        "is probably not wired to the board's reset (NRST/R pin); wire it, or "
                        "reset by software (--reset=system)");
    return ctx_fail(dev->ctx, STFLASH_ERR_TARGET,
                    "the target did not reset: DHCSR.S_RESET_ST was not seen and %s",
                    flags_cleared ? "RCC_CSR shows no reset flag"
                                  : "the reset flags of this part are not known");
}

int stflash_reset(struct stflash_dev *dev, enum stflash_reset how, bool halt)
{
    struct dbg *d = dev_dbg(dev);
    /* RMVF first, so that a flag after the reset is this reset's (RM0008 §7.3.10). */
    bool flags_cleared = reset_flags_clear(d, dev->target.chip) == STFLASH_OK;
    bool seen = false;
    int rc = cm_reset_observed(d, how == STFLASH_RESET_HARD ? CM_RESET_NRST : CM_RESET_SYSTEM, halt,
                               &seen);
    if (rc == STFLASH_ERR_TIMEOUT && how == STFLASH_RESET_HARD)
        return ctx_fail(dev->ctx, STFLASH_ERR_TARGET,
                        "the target did not reset when NRST was pulsed: the probe's RST pin "
                        "is probably not wired to the board's reset (NRST/R pin); wire it, or "
                        "reset by software (--reset=system)");
    if (rc == STFLASH_OK && !seen)
        rc = check_reset_happened(dev, how, halt, flags_cleared);
    return rc;
}
