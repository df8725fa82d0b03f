/* Memory, registers and run control of an opened target. */
#include "api/dev.h"
#include "arm/cortexm.h"

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

int stflash_reset(struct stflash_dev *dev, enum stflash_reset how, bool halt)
{
    struct dbg *d = dev_dbg(dev);
    if (how == STFLASH_RESET_HARD) {
        int rc = cm_reset(d, CM_RESET_NRST, halt);
        if (rc == STFLASH_ERR_TIMEOUT)
            return ctx_fail(dev->ctx, STFLASH_ERR_TARGET,
                            "the target did not reset when NRST was pulsed: the probe's RST pin "
                            "is probably not wired to the board's reset (NRST/R pin); wire it, or "
                            "reset by software (--reset=system)");
        return rc;
    }
    return cm_reset(d, CM_RESET_SYSTEM, halt);
}
