/* Hardware breakpoints: the code comparators of the Flash Patch and Breakpoint unit (ARMv7-M
 * C1.11). A comparator matches a word of the code region (below 0x20000000); its REPLACE field
 * chooses the half-word that breaks. */
#include <string.h>

#include "gdb.h"

#define FP_CTRL 0xE0002000u
#define FP_COMP0 0xE0002008u
#define FP_CTRL_KEY (1u << 1)
#define FP_CTRL_ENABLE (1u << 0)
#define FP_REPLACE_LOWER (1u << 30)
#define FP_REPLACE_UPPER (2u << 30)

int gdb_bkpt_init(struct stflash_dev *dev, struct gdb_bkpts *b)
{
    memset(b, 0, sizeof *b);
    uint32_t ctrl;
    int rc = stflash_read32(dev, FP_CTRL, &ctrl);
    if (rc)
        return rc;
    /* NUM_CODE: bits [14:12] high, [7:4] low. */
    unsigned n = ((ctrl >> 8) & 0x70u) | ((ctrl >> 4) & 0xFu);
    b->count = n > GDB_FPB_MAX ? GDB_FPB_MAX : n;
    b->v2 = (ctrl >> 28) == 1u; /* REV (ARMv8-M C1.11.2) */
    gdb_bkpt_clear(dev, b);
    return 0;
}

int gdb_bkpt_insert(struct stflash_dev *dev, struct gdb_bkpts *b, uint32_t addr)
{
    if ((!b->v2 && addr >= 0x20000000u) || (addr & 1u))
        return -1; /* FPBv1 compares the code region only; v2 any address */
    for (unsigned i = 0; i < b->count; i++)
        if (b->used[i] && b->addr[i] == addr)
            return 0; /* already there */
    for (unsigned i = 0; i < b->count; i++) {
        if (b->used[i])
            continue;
        uint32_t comp = b->v2 ? addr | 1u /* BPADDR[31:1] | BE */
                              : (addr & 0x1FFFFFFCu) |
                                    ((addr & 2u) ? FP_REPLACE_UPPER : FP_REPLACE_LOWER) | 1u;
        int rc = stflash_write32(dev, FP_COMP0 + 4u * i, comp);
        if (rc == 0)
            rc = stflash_write32(dev, FP_CTRL, FP_CTRL_KEY | FP_CTRL_ENABLE);
        if (rc)
            return rc;
        b->used[i] = true;
        b->addr[i] = addr;
        return 0;
    }
    return -1;
}

int gdb_bkpt_remove(struct stflash_dev *dev, struct gdb_bkpts *b, uint32_t addr)
{
    for (unsigned i = 0; i < b->count; i++) {
        if (!b->used[i] || b->addr[i] != addr)
            continue;
        int rc = stflash_write32(dev, FP_COMP0 + 4u * i, 0);
        if (rc)
            return rc;
        b->used[i] = false;
        return 0;
    }
    return 0; /* not set: nothing to do */
}

void gdb_bkpt_clear(struct stflash_dev *dev, struct gdb_bkpts *b)
{
    for (unsigned i = 0; i < b->count; i++) {
        stflash_write32(dev, FP_COMP0 + 4u * i, 0);
        b->used[i] = false;
    }
    stflash_write32(dev, FP_CTRL, FP_CTRL_KEY);
}
