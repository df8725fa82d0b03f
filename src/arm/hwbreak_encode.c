/* Encodings of the FPB code comparators and the DWT address comparators (include/stflash/
 * debug.h). ARMv7-M ARM C1.11.3-C1.11.5 (FP_CTRL, FP_COMPn of FPBv1 and FPBv2), C1.8.10 and
 * C1.8.17 (DWT_MASKn, DWT_FUNCTIONn); ARMv6-M ARM C1.8 (BPU and DWT). */
#include "stflash/debug.h"

#define FPB_V1_CODE_END 0x20000000u /* FPBv1 compares addresses of the code region only */
#define FP_COMP_ENABLE 1u
#define FP_REPLACE_LOWER (1u << 30)
#define FP_REPLACE_UPPER (2u << 30)

unsigned stflash_fpb_code_count(uint32_t fp_ctrl)
{
    return ((fp_ctrl >> 8) & 0x70u) | ((fp_ctrl >> 4) & 0xFu);
}

unsigned stflash_fpb_version(uint32_t fp_ctrl)
{
    return (fp_ctrl >> 28) + 1u;
}

int stflash_fpb_comparator(unsigned fpb_version, uint32_t addr, uint32_t *comp)
{
    if (addr & 1u)
        return STFLASH_ERR_INVALID_ARG;
    if (fpb_version >= 2) {
        *comp = (addr & ~1u) | FP_COMP_ENABLE; /* BPADDR[31:1], BE */
        return STFLASH_OK;
    }
    if (addr >= FPB_V1_CODE_END)
        return STFLASH_ERR_RANGE;
    *comp =
        (addr & 0x1FFFFFFCu) | ((addr & 2u) ? FP_REPLACE_UPPER : FP_REPLACE_LOWER) | FP_COMP_ENABLE;
    return STFLASH_OK;
}

int stflash_dwt_watchpoint(uint32_t addr, uint32_t len, enum stflash_watch_kind kind,
                           unsigned max_mask_bits, struct stflash_dwt_setting *out)
{
    static const uint32_t function[] = {
        [STFLASH_WATCH_WRITE] = 6u, [STFLASH_WATCH_READ] = 5u, [STFLASH_WATCH_ACCESS] = 7u};
    if ((unsigned)kind > STFLASH_WATCH_ACCESS || len == 0 || (len & (len - 1u)) != 0 ||
        (addr & (len - 1u)) != 0)
        return STFLASH_ERR_INVALID_ARG;
    unsigned bits = 0;
    while ((1u << bits) < len)
        bits++;
    if (bits > (max_mask_bits ? max_mask_bits : 31u))
        return STFLASH_ERR_INVALID_ARG;
    out->comp = addr;
    out->mask = bits;
    out->function = function[kind];
    return STFLASH_OK;
}
