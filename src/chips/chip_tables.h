/* Internal: the per-family-group row tables that together form the chip table. */
#ifndef STFLASH_CHIPS_CHIP_TABLES_H
#define STFLASH_CHIPS_CHIP_TABLES_H

#include "stflash/chip.h"

#define KIB(n) ((uint32_t)(n)*1024u)
#define MIB(n) ((uint32_t)(n)*1024u * 1024u)

/* Main flash start shared by every family in the table. */
#define STM32_FLASH_BASE 0x08000000u
#define STM32_SRAM_BASE 0x20000000u

struct chip_table {
    const struct stflash_chip_info *rows;
    size_t count;
};

extern const struct chip_table chip_table_f0_f1_f3;
extern const struct chip_table chip_table_f2_f4_f7;
extern const struct chip_table chip_table_g0_c0_u0;
extern const struct chip_table chip_table_l0_l1;
extern const struct chip_table chip_table_l4_g4_wb_wl;
extern const struct chip_table chip_table_l5_u5_u3_wba_h5;
extern const struct chip_table chip_table_h7;

#define CHIP_TABLE(name, array)                                                                    \
    const struct chip_table name = {array, sizeof(array) / sizeof((array)[0])}

#endif
