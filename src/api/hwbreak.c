/* Hardware breakpoints (FPB/BPU) and watchpoints (DWT) on an opened target
 * (include/stflash/debug.h). Register addresses: ARMv7-M ARM C1.11.2 (FPB) and C1.8.7 (DWT);
 * the ARMv6-M BPU and DWT sit at the same addresses (ARMv6-M ARM C1.8). */
#include <string.h>

#include "api/dev.h"
#include "arm/cortexm.h"
#include "stflash/debug.h"

#define FP_CTRL 0xE0002000u
#define FP_COMP0 0xE0002008u
#define FP_CTRL_KEY (1u << 1)
#define FP_CTRL_ENABLE (1u << 0)
#define DWT_CTRL 0xE0001000u
#define DWT_COMP0 0xE0001020u /* then MASK at +4, FUNCTION at +8, every 16 bytes */
#define DWT_STRIDE 16u
#define DWT_FUNCTION_MATCHED (1u << 24)

static uint32_t dwt_reg(unsigned n, unsigned which)
{
    return DWT_COMP0 + DWT_STRIDE * n + 4u * which;
}

int stflash_hwbreak_init(struct stflash_dev *dev, struct stflash_hwbreak *hb)
{
    memset(hb, 0, sizeof *hb);
    uint32_t fp_ctrl, dwt_ctrl, demcr, mask = 0;
    int rc = stflash_read32(dev, FP_CTRL, &fp_ctrl);
    if (rc == 0)
        rc = stflash_read32(dev, DWT_CTRL, &dwt_ctrl);
    if (rc == 0)
        rc = stflash_read32(dev, CM_DEMCR, &demcr);
    /* The DWT works only with TRCENA set (C1.6.5; DWTENA, the same bit, on ARMv6-M). */
    if (rc == 0 && !(demcr & CM_DEMCR_TRCENA))
        rc = stflash_write32(dev, CM_DEMCR, demcr | CM_DEMCR_TRCENA);
    if (rc)
        return rc;
    unsigned n = stflash_fpb_code_count(fp_ctrl);
    hb->bp_count = n > STFLASH_HW_COMPARATORS_MAX ? STFLASH_HW_COMPARATORS_MAX : n;
    hb->fpb_version = stflash_fpb_version(fp_ctrl);
    n = dwt_ctrl >> 28;
    hb->wp_count = n > STFLASH_HW_COMPARATORS_MAX ? STFLASH_HW_COMPARATORS_MAX : n;
    /* The largest MASK is implementation defined: all ones written read back as what the
     * comparator keeps (ARMv7-M ARM C1.8.10). */
    if (hb->wp_count) {
        rc = stflash_write32(dev, dwt_reg(0, 1), 0x1Fu);
        if (rc == 0)
            rc = stflash_read32(dev, dwt_reg(0, 1), &mask);
        if (rc)
            return rc;
        hb->max_mask_bits = mask & 0x1Fu;
    }
    stflash_hwbreak_clear(dev, hb);
    return STFLASH_OK;
}

int stflash_hwbreak_insert(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr)
{
    uint32_t comp;
    int rc = stflash_fpb_comparator(hb->fpb_version, addr, &comp);
    if (rc)
        return rc;
    for (unsigned i = 0; i < hb->bp_count; i++)
        if (hb->bp_used[i] && hb->bp_addr[i] == addr)
            return STFLASH_OK;
    for (unsigned i = 0; i < hb->bp_count; i++) {
        if (hb->bp_used[i])
            continue;
        rc = stflash_write32(dev, FP_COMP0 + 4u * i, comp);
        if (rc == 0)
            rc = stflash_write32(dev, FP_CTRL, FP_CTRL_KEY | FP_CTRL_ENABLE);
        if (rc)
            return rc;
        hb->bp_used[i] = true;
        hb->bp_addr[i] = addr;
        return STFLASH_OK;
    }
    return STFLASH_ERR_BUSY;
}

int stflash_hwbreak_remove(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr)
{
    for (unsigned i = 0; i < hb->bp_count; i++) {
        if (!hb->bp_used[i] || hb->bp_addr[i] != addr)
            continue;
        int rc = stflash_write32(dev, FP_COMP0 + 4u * i, 0);
        if (rc)
            return rc;
        hb->bp_used[i] = false;
    }
    return STFLASH_OK;
}

int stflash_watch_insert(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr,
                         uint32_t len, enum stflash_watch_kind kind)
{
    struct stflash_dwt_setting set;
    int rc = stflash_dwt_watchpoint(addr, len, kind, hb->max_mask_bits, &set);
    if (rc)
        return rc;
    for (unsigned i = 0; i < hb->wp_count; i++) {
        const struct stflash_hw_watch *w = &hb->wp[i];
        if (w->used && w->addr == addr && w->len == len && w->kind == kind)
            return STFLASH_OK;
    }
    for (unsigned i = 0; i < hb->wp_count; i++) {
        if (hb->wp[i].used)
            continue;
        uint32_t junk;
        /* FUNCTION last, so that the comparator never matches a half-written address; the
         * read clears a MATCHED left from before. */
        rc = stflash_write32(dev, dwt_reg(i, 2), 0);
        if (rc == 0)
            rc = stflash_write32(dev, dwt_reg(i, 0), set.comp);
        if (rc == 0)
            rc = stflash_write32(dev, dwt_reg(i, 1), set.mask);
        if (rc == 0)
            rc = stflash_read32(dev, dwt_reg(i, 2), &junk);
        if (rc == 0)
            rc = stflash_write32(dev, dwt_reg(i, 2), set.function);
        if (rc)
            return rc;
        hb->wp[i] = (struct stflash_hw_watch){true, addr, len, kind};
        return STFLASH_OK;
    }
    return STFLASH_ERR_BUSY;
}

int stflash_watch_remove(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr,
                         uint32_t len, enum stflash_watch_kind kind)
{
    for (unsigned i = 0; i < hb->wp_count; i++) {
        struct stflash_hw_watch *w = &hb->wp[i];
        if (!w->used || w->addr != addr || w->len != len || w->kind != kind)
            continue;
        int rc = stflash_write32(dev, dwt_reg(i, 2), 0);
        if (rc)
            return rc;
        w->used = false;
    }
    return STFLASH_OK;
}

int stflash_watch_hit(struct stflash_dev *dev, struct stflash_hwbreak *hb, int *index)
{
    *index = -1;
    for (unsigned i = 0; i < hb->wp_count; i++) {
        if (!hb->wp[i].used)
            continue;
        uint32_t fn;
        int rc = stflash_read32(dev, dwt_reg(i, 2), &fn);
        if (rc)
            return rc;
        if ((fn & DWT_FUNCTION_MATCHED) && *index < 0)
            *index = (int)i;
    }
    return STFLASH_OK;
}

void stflash_hwbreak_clear(struct stflash_dev *dev, struct stflash_hwbreak *hb)
{
    for (unsigned i = 0; i < hb->bp_count; i++) {
        stflash_write32(dev, FP_COMP0 + 4u * i, 0);
        hb->bp_used[i] = false;
    }
    stflash_write32(dev, FP_CTRL, FP_CTRL_KEY);
    for (unsigned i = 0; i < hb->wp_count; i++) {
        stflash_write32(dev, dwt_reg(i, 2), 0);
        hb->wp[i].used = false;
    }
}
