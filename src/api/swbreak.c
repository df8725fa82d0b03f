/* Software breakpoints in RAM (include/stflash/debug.h): the halfword at the address is kept and
 * replaced with BKPT #0 (Thumb encoding 0xBE00, ARMv7-M ARM A7.7.17; ARMv6-M ARM A6.7.12), which
 * halts a core with halting debug enabled (C1.6.1 DFSR.BKPT). A Thumb-2 instruction keeps its
 * second halfword: the core stops on the first. */
#include <string.h>

#include "stflash/chip.h"
#include "stflash/debug.h"

#define BKPT_0 0xBE00u

static struct stflash_swbreak_slot *find(struct stflash_swbreak *sb, uint32_t addr)
{
    for (unsigned i = 0; i < STFLASH_SWBREAK_MAX; i++)
        if (sb->slot[i].used && sb->slot[i].addr == addr)
            return &sb->slot[i];
    return NULL;
}

int stflash_swbreak_insert(struct stflash_dev *dev, struct stflash_swbreak *sb, uint32_t addr)
{
    if (addr & 1u)
        return STFLASH_ERR_INVALID_ARG;
    if (find(sb, addr))
        return 0;
    struct stflash_swbreak_slot *free_slot = NULL;
    for (unsigned i = 0; i < STFLASH_SWBREAK_MAX && !free_slot; i++)
        if (!sb->slot[i].used)
            free_slot = &sb->slot[i];
    if (!free_slot)
        return STFLASH_ERR_BUSY;
    uint8_t orig[2], bkpt[2] = {BKPT_0 & 0xFFu, BKPT_0 >> 8}, back[2];
    int rc = stflash_mem_read(dev, addr, orig, 2);
    if (rc == 0)
        rc = stflash_mem_write(dev, addr, bkpt, 2);
    if (rc == 0)
        rc = stflash_mem_read(dev, addr, back, 2);
    if (rc)
        return rc;
    if (memcmp(back, bkpt, 2) != 0)
        return STFLASH_ERR_INVALID_ARG; /* not writable RAM: flash or ROM keeps its content */
    free_slot->used = true;
    free_slot->addr = addr;
    free_slot->orig = (uint16_t)(orig[0] | orig[1] << 8);
    return 0;
}

int stflash_swbreak_remove(struct stflash_dev *dev, struct stflash_swbreak *sb, uint32_t addr)
{
    struct stflash_swbreak_slot *s = find(sb, addr);
    if (!s)
        return 0;
    uint8_t orig[2] = {(uint8_t)(s->orig & 0xFFu), (uint8_t)(s->orig >> 8)};
    int rc = stflash_mem_write(dev, addr, orig, 2);
    if (rc == 0)
        s->used = false;
    return rc;
}

bool stflash_swbreak_fits(const struct stflash_chip_info *chip, uint32_t addr)
{
    struct stflash_mem_range r[STFLASH_CODE_RAM_MAX];
    size_t n = stflash_chip_code_ram(chip, r);
    for (size_t i = 0; i < n; i++)
        if (addr >= r[i].base && (uint64_t)addr + 2u <= (uint64_t)r[i].base + r[i].size)
            return true;
    return false;
}

bool stflash_swbreak_has(const struct stflash_swbreak *sb, uint32_t addr)
{
    return find((struct stflash_swbreak *)sb, addr) != NULL;
}

void stflash_swbreak_clear(struct stflash_dev *dev, struct stflash_swbreak *sb)
{
    for (unsigned i = 0; i < STFLASH_SWBREAK_MAX; i++)
        if (sb->slot[i].used)
            (void)stflash_swbreak_remove(dev, sb, sb->slot[i].addr);
    memset(sb, 0, sizeof *sb);
}
