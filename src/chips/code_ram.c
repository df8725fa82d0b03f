/* Writable memory code can run from (include/stflash/chip.h): where a software breakpoint can be
 * written over an instruction. */
#include "stflash/chip.h"

/* The SRAM region of the default memory map, executable (ARMv7-M ARM B3.1, ARMv6-M ARM B3.1). */
#define SRAM_REGION_BASE 0x20000000u
#define SRAM_REGION_SIZE 0x20000000u

size_t stflash_chip_code_ram(const struct stflash_chip_info *chip,
                             struct stflash_mem_range out[STFLASH_CODE_RAM_MAX])
{
    size_t n = 0;
    out[n++] = (struct stflash_mem_range){SRAM_REGION_BASE, SRAM_REGION_SIZE};
    /* The CCM SRAM counts only where the core fetches from it: the F3's and G4's and the L4's
     * SRAM2, not the F4's, which sits on the data bus alone (src/chips/table_*.c). */
    if (chip && chip->ccm_size && (chip->flags & STFLASH_CHIP_CCM_CODE))
        out[n++] = (struct stflash_mem_range){chip->ccm_base, chip->ccm_size};
    return n;
}
