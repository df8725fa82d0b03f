/*
 * The parts the virtual board can be. Identification values: DBGMCU_IDCODE (RM0008 §31.6.1,
 * RM0041 §26.6.1; bits [15:12] read 6 on silicon, as OpenOCD's "device id = 0x20036410" shows), SW-DP IDCODE and CPUID (RM0008 §31.6.3, §31.7; Cortex-M3 r1p1), ROM table
 * identification (stm32-chip-table.md §0: genuine F103 ROM PIDR 0x00000A0410), memory sizes from
 * the datasheets (DS5319 Table 2 for the F103x8, DS5667 for the F100xB).
 */
#include <string.h>

#include "target.h"

static const struct sim_chip chips[] = {
    {
        .name = "stm32f103c8",
        .descr = "STM32F103C8 medium density (Blue Pill)",
        .dev_id = 0x410,
        .idcode = 0x20036410u,
        .flash_kib = 64,
        .sram_kib = 20,
        .page_size = 1024,
        .dp_idcode = 0x1BA01477u,
        .cpuid = 0x411FC231u,
        .ap_idr = 0x14770011u,
        .rom_pidr = 0x00000A0410ull,
    },
    {
        .name = "stm32f103cb",
        .descr = "STM32F103CB medium density",
        .dev_id = 0x410,
        .idcode = 0x20036410u,
        .flash_kib = 128,
        .sram_kib = 20,
        .page_size = 1024,
        .dp_idcode = 0x1BA01477u,
        .cpuid = 0x411FC231u,
        .ap_idr = 0x14770011u,
        .rom_pidr = 0x00000A0410ull,
    },
    {
        .name = "stm32f100rb",
        .descr = "STM32F100RB value line (STM32VLDiscovery)",
        .dev_id = 0x420,
        .idcode = 0x10016420u,
        .flash_kib = 128,
        .sram_kib = 8,
        .page_size = 1024,
        .dp_idcode = 0x1BA01477u,
        .cpuid = 0x411FC231u,
        .ap_idr = 0x14770011u,
        .rom_pidr = 0x00000A0420ull,
    },
};

const struct sim_chip *sim_chip_find(const char *name)
{
    for (size_t i = 0; i < sizeof chips / sizeof chips[0]; i++)
        if (strcmp(chips[i].name, name) == 0)
            return &chips[i];
    return NULL;
}

const struct sim_chip *sim_chip_at(size_t i)
{
    return i < sizeof chips / sizeof chips[0] ? &chips[i] : NULL;
}
