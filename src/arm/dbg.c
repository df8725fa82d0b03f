/* Word and half-word helpers over the debug-access seam. */
#include "arm/dbg.h"
#include "core/le.h"

int dbg_read32(struct dbg *d, uint32_t addr, uint32_t *val)
{
    uint8_t b[4];
    int rc = d->ops->read_mem(d, addr, b, 4);
    if (rc == 0)
        *val = le32_get(b);
    return rc;
}

int dbg_write32(struct dbg *d, uint32_t addr, uint32_t val)
{
    uint8_t b[4];
    le32_put(b, val);
    return d->ops->write_mem(d, addr, b, 4);
}

int dbg_read16(struct dbg *d, uint32_t addr, uint16_t *val)
{
    uint8_t b[2];
    int rc = d->ops->read_mem(d, addr, b, 2);
    if (rc == 0)
        *val = le16_get(b);
    return rc;
}

int dbg_write16(struct dbg *d, uint32_t addr, uint16_t val)
{
    uint8_t b[2];
    le16_put(b, val);
    return d->ops->write_mem(d, addr, b, 2);
}
