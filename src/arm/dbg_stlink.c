/* The debug-access seam over an ST-LINK. */
#include "arm/dbg_stlink.h"

static struct dbg_stlink *self(struct dbg *d)
{
    return (struct dbg_stlink *)d;
}

static int read_mem(struct dbg *d, uint32_t addr, uint8_t *buf, size_t len)
{
    return stlink_read_mem(self(d)->sl, addr, buf, len);
}

static int write_mem(struct dbg *d, uint32_t addr, const uint8_t *buf, size_t len)
{
    return stlink_write_mem(self(d)->sl, addr, buf, len);
}

static int read_reg(struct dbg *d, unsigned regsel, uint32_t *val)
{
    return stlink_read_reg(self(d)->sl, regsel, val);
}

static int write_reg(struct dbg *d, unsigned regsel, uint32_t val)
{
    return stlink_write_reg(self(d)->sl, regsel, val);
}

static int set_nrst(struct dbg *d, int asserted)
{
    return stlink_drive_nrst(self(d)->sl, asserted ? STLINK_NRST_LOW : STLINK_NRST_HIGH);
}

static const struct dbg_ops stlink_dbg_ops = {
    .read_mem = read_mem,
    .write_mem = write_mem,
    .read_reg = read_reg,
    .write_reg = write_reg,
    .set_nrst = set_nrst,
};

void dbg_stlink_init(struct dbg_stlink *d, struct stlink *sl)
{
    d->base.ops = &stlink_dbg_ops;
    d->base.ctx = sl->ctx;
    d->sl = sl;
}
