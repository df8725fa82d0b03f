/*
 * The debug-access seam: what the layers above the probe (Cortex-M run control, chip detection,
 * flash drivers) use to reach the target. The real implementation goes through an ST-LINK
 * (arm/dbg_stlink.c); unit tests provide their own. Internal.
 */
#ifndef STFLASH_ARM_DBG_H
#define STFLASH_ARM_DBG_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

struct dbg;

struct dbg_ops {
    /* Memory of any address, alignment and length. Errors: STFLASH_ERR_TARGET naming the
     * faulting address, STFLASH_ERR_PROBE, STFLASH_ERR_IO. */
    int (*read_mem)(struct dbg *d, uint32_t addr, uint8_t *buf, size_t len);
    int (*write_mem)(struct dbg *d, uint32_t addr, const uint8_t *buf, size_t len);
    /* Core register by DCRSR number; the core must be halted. */
    int (*read_reg)(struct dbg *d, unsigned regsel, uint32_t *val);
    int (*write_reg)(struct dbg *d, unsigned regsel, uint32_t val);
    /* NRST line: 1 low (asserted), 0 released. STFLASH_ERR_UNSUPPORTED if the probe cannot. */
    int (*set_nrst)(struct dbg *d, int asserted);
};

struct dbg {
    const struct dbg_ops *ops;
    struct stflash_ctx *ctx;
};

int dbg_read32(struct dbg *d, uint32_t addr, uint32_t *val);
int dbg_write32(struct dbg *d, uint32_t addr, uint32_t val);
int dbg_read16(struct dbg *d, uint32_t addr, uint16_t *val);
int dbg_write16(struct dbg *d, uint32_t addr, uint16_t val);

static inline int dbg_read(struct dbg *d, uint32_t addr, uint8_t *buf, size_t len)
{
    return d->ops->read_mem(d, addr, buf, len);
}

static inline int dbg_write(struct dbg *d, uint32_t addr, const uint8_t *buf, size_t len)
{
    return d->ops->write_mem(d, addr, buf, len);
}

#endif
