/*
 * The parts the virtual board can be, each in its family (family.h). Identification values of
 * the F1 parts: DBGMCU_IDCODE (RM0008 §31.6.1,
 * RM0041 §26.6.1; bits [15:12] read 6 on silicon, as OpenOCD's "device id = 0x20036410" shows),
 * SW-DP IDCODE and CPUID (RM0008 §31.6.3, §31.7; Cortex-M3 r1p1), ROM table identification
 * (docs/chips.md: genuine F103 ROM PIDR 0x00000A0410), memory sizes from the datasheets (DS5319
 * Table 2 for the F103x8, DS5667 for the F100xB).
 */
#include <string.h>

#include "target.h"

static const struct sim_chip chips[] = {
    {
        .name = "stm32f103c8",
        .descr = "STM32F103C8 medium density (Blue Pill)",
        .family = &sim_family_f1,
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
        .family = &sim_family_f1,
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
        .family = &sim_family_f1,
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
    {
        /* STM32F0 Discovery (RM0091, DS8668). DBGMCU_IDCODE 0x20006440: REV_ID 0x2000 (rev 2.0,
         * RM0091 §32.4.1), bits [15:12] read 6 as read on an F030R8.
         * Cortex-M0 r0p0: SW-DP 0x0BB11477, CPUID 0x410CC200, AHB-AP IDR 0x04770021 (Cortex-M0
         * TRM §4.1); the ROM table carries ST's designer code with partno = DEV_ID
         * (docs/chips.md). */
        .name = "stm32f051r8",
        .descr = "STM32F051R8 (STM32F0 Discovery)",
        .family = &sim_family_f0,
        .dev_id = 0x440,
        .idcode = 0x20006440u,
        .flash_kib = 64,
        .sram_kib = 8,
        .page_size = 1024,
        .dp_idcode = 0x0BB11477u,
        .cpuid = 0x410CC200u,
        .ap_idr = 0x04770021u,
        .rom_pidr = 0x00000A0440ull,
    },
    {
        /* STM32F3 Discovery (RM0316, DS9118): 40 KiB SRAM and 8 KiB CCM SRAM at 0x10000000.
         * DBGMCU_IDCODE 0x10036422: REV_ID 0x1003 (rev Y, RM0316 §33.6.1), bits [15:12] read 6.
         * Cortex-M4F r0p1: SW-DP 0x2BA01477, CPUID 0x410FC241, AHB-AP IDR 0x24770011. */
        .name = "stm32f303vc",
        .descr = "STM32F303VC (STM32F3 Discovery)",
        .family = &sim_family_f3,
        .dev_id = 0x422,
        .idcode = 0x10036422u,
        .flash_kib = 256,
        .sram_kib = 40,
        .ccm_kib = 8,
        .page_size = 2048,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0422ull,
    },
    {
        /* Nucleo-G071RB (RM0444, DS12232): Cortex-M0+, 128 KiB flash in 64 pages of 2 KiB,
         * 36 KiB SRAM. DBGMCU_IDCODE 0x20006460: REV_ID 0x2000 (rev B, RM0444 §40.9.1), bits
         * [15:12] as on the F0. Cortex-M0+ r0p1: SW-DP 0x0BC11477 (RM0444 §40.5.5), CPUID
         * 0x410CC601, AHB-AP IDR 0x04770031 (Cortex-M0+ TRM §4.1); ROM table partno = DEV_ID. */
        .name = "stm32g071rb",
        .descr = "STM32G071RB (Nucleo-G071RB)",
        .family = &sim_family_g0,
        .dev_id = 0x460,
        .idcode = 0x20006460u,
        .flash_kib = 128,
        .sram_kib = 36,
        .page_size = 2048,
        .dp_idcode = 0x0BC11477u,
        .cpuid = 0x410CC601u,
        .ap_idr = 0x04770031u,
        .rom_pidr = 0x00000A0460ull,
    },
    {
        /* Nucleo-L476RG (RM0351, DS10198): Cortex-M4F, 1 MiB flash in two banks of 256 pages
         * of 2 KiB, 96 KiB SRAM1 at 0x20000000 and 32 KiB SRAM2 at 0x10000000. DBGMCU_IDCODE
         * 0x10076415: REV_ID 0x1007 (rev 4, RM0351 §48.6.1). Cortex-M4F r0p1: SW-DP 0x2BA01477,
         * CPUID 0x410FC241, AHB-AP IDR 0x24770011. */
        .name = "stm32l476rg",
        .descr = "STM32L476RG (Nucleo-L476RG, two flash banks)",
        .family = &sim_family_l4,
        .dev_id = 0x415,
        .idcode = 0x10076415u,
        .flash_kib = 1024,
        .sram_kib = 96,
        .ccm_kib = 32,
        .page_size = 2048,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0415ull,
    },
    {
        /* Nucleo-L053R8 (RM0367, DS10182): Cortex-M0+, 64 KiB flash in 512 pages of 128 bytes,
         * 8 KiB SRAM, 2 KiB data EEPROM. DBGMCU_IDCODE 0x20006417: REV_ID 0x2000 (rev B, RM0367
         * §27.4.1), bits [15:12] as on the F0. Cortex-M0+ r0p1: SW-DP 0x0BC11477, CPUID
         * 0x410CC601, AHB-AP IDR 0x04770031 (Cortex-M0+ TRM §4.1); ROM table partno = DEV_ID. */
        .name = "stm32l053r8",
        .descr = "STM32L053R8 (Nucleo-L053R8, data EEPROM)",
        .family = &sim_family_l0,
        .dev_id = 0x417,
        .idcode = 0x20006417u,
        .flash_kib = 64,
        .sram_kib = 8,
        .page_size = 128,
        .dp_idcode = 0x0BC11477u,
        .cpuid = 0x410CC601u,
        .ap_idr = 0x04770031u,
        .rom_pidr = 0x00000A0417ull,
        .eeprom_bytes = 2048,
    },
    {
        /* Nucleo-L152RE (RM0038, DS10030): Cortex-M3, 512 KiB flash in two banks of 1024 pages
         * of 256 bytes (bank 2 at 0x08040000), 80 KiB SRAM, 16 KiB data EEPROM. DBGMCU_IDCODE
         * 0x10006437: REV_ID 0x1000 (rev A, RM0038 §30.6.1). Cortex-M3 r2p0: SW-DP 0x2BA01477,
         * CPUID 0x412FC230, AHB-AP IDR 0x24770011. */
        .name = "stm32l152re",
        .descr = "STM32L152RE (Nucleo-L152RE, two banks, data EEPROM)",
        .family = &sim_family_l1,
        .dev_id = 0x437,
        .idcode = 0x10006437u,
        .flash_kib = 512,
        .sram_kib = 80,
        .page_size = 256,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x412FC230u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0437ull,
        .eeprom_bytes = 16384,
    },
    /*
     * The Cortex-M33 parts (RM0438, RM0456): SW-DPv2 DPIDR 0x0BE12477 and the AHB5-AP (IDR
     * 0x14770015) on AP0, as the Cortex-M33 TRM (100230) §A and RM0438 §40.3 / RM0456 §75.3 give
     * them; CPUID r0p2 (L5) and r0p4 (U5); DBGMCU_IDCODE at 0xE0044000 with REV_ID in [31:16]
     * and bits [15:12] reading 0; ROM table partno = DEV_ID. "page_size" is the dual-bank page.
     */
    {
        /* Nucleo-U575ZI-Q (RM0456, DS13737): 2 MiB in two banks of 128 pages of 8 KiB (bank 2
         * at 0x08100000), 768 KiB SRAM1-3 contiguous at 0x20000000. REV_ID 0x2001. */
        .name = "stm32u575zi",
        .descr = "STM32U575ZI (Nucleo-U575ZI-Q, two flash banks, TrustZone)",
        .family = &sim_family_u5,
        .dev_id = 0x482,
        .idcode = 0x20010482u,
        .flash_kib = 2048,
        .sram_kib = 768,
        .page_size = 8192,
        .dp_idcode = 0x0BE12477u,
        .cpuid = 0x410FD214u,
        .ap_idr = 0x14770015u,
        .rom_pidr = 0x00000A0482ull,
    },
    {
        /* Nucleo-H563ZI (RM0481, DS14258): 2 MiB in two banks of 128 sectors of 8 KiB (bank 2 at
         * 0x08100000), 640 KiB SRAM1-3 contiguous at 0x20000000. DEV_ID 0x484 (RM0481
         * DBGMCU_IDCODE); REV_ID 0x1001 in this model. */
        .name = "stm32h563zi",
        .descr = "STM32H563ZI (Nucleo-H563ZI, two flash banks, product state, TrustZone off)",
        .family = &sim_family_h5,
        .dev_id = 0x484,
        .idcode = 0x10010484u,
        .flash_kib = 2048,
        .sram_kib = 640,
        .page_size = 8192,
        .dp_idcode = 0x0BE12477u,
        .cpuid = 0x410FD214u,
        .ap_idr = 0x14770015u,
        .rom_pidr = 0x00000A0484ull,
    },
    {
        /* Nucleo-L552ZE-Q (RM0438, DS12736): 512 KiB, two banks of 128 pages of 2 KiB with
         * OPTR.DBANK (as shipped) or one bank of 128 pages of 4 KiB; 256 KiB SRAM1-2 contiguous.
         * REV_ID 0x2000. */
        .name = "stm32l552ze",
        .descr = "STM32L552ZE (Nucleo-L552ZE-Q, DBANK, TrustZone)",
        .family = &sim_family_l5,
        .dev_id = 0x472,
        .idcode = 0x20000472u,
        .flash_kib = 512,
        .sram_kib = 256,
        .page_size = 2048,
        .dp_idcode = 0x0BE12477u,
        .cpuid = 0x410FD212u,
        .ap_idr = 0x14770015u,
        .rom_pidr = 0x00000A0472ull,
    },
    {
        /* Nucleo-G0B1RE (RM0444, DS13560): Cortex-M0+, 512 KiB flash in two banks of 128 pages
         * of 2 KiB as shipped (OPTR.DUAL_BANK = 1; one bank of 256 pages with 0), 144 KiB SRAM.
         * DBGMCU_IDCODE 0x10006467: REV_ID 0x1000 (RM0444 §40.9.1). Cortex-M0+ r0p1 as the
         * G071's. */
        .name = "stm32g0b1re",
        .descr = "STM32G0B1RE (Nucleo-G0B1RE, two flash banks as shipped)",
        .family = &sim_family_g0b1,
        .dev_id = 0x467,
        .idcode = 0x10006467u,
        .flash_kib = 512,
        .sram_kib = 144,
        .page_size = 2048,
        .dp_idcode = 0x0BC11477u,
        .cpuid = 0x410CC601u,
        .ap_idr = 0x04770031u,
        .rom_pidr = 0x00000A0467ull,
    },
    {
        /* Nucleo-G474RE (RM0440, DS12288): Cortex-M4F, 512 KiB flash (two banks of 128 pages of
         * 2 KiB as shipped, OPTR.DBANK = 1; one bank of 128 pages of 4 KiB with DBANK = 0), 128
         * KiB SRAM (SRAM1 80 + SRAM2 16 + CCM SRAM 32, the CCM also at 0x10000000; the model
         * keeps the two views apart). DBGMCU_IDCODE 0x20016469: REV_ID 0x2001 (rev Y, RM0440
         * §46.6.1). Cortex-M4F r0p1: SW-DP 0x2BA01477 (RM0440 §46.8.3), CPUID 0x410FC241, AHB-AP
         * IDR 0x24770011. */
        .name = "stm32g474re",
        .descr = "STM32G474RE (Nucleo-G474RE, two flash banks as shipped)",
        .family = &sim_family_g4,
        .dev_id = 0x469,
        .idcode = 0x20016469u,
        .flash_kib = 512,
        .sram_kib = 128,
        .ccm_kib = 32,
        .page_size = 2048,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0469ull,
    },
    {
        /* Nucleo-WB55RG (RM0434, DS11929): Cortex-M4F (CPU1; the Cortex-M0+ CPU2 that runs the
         * wireless stack is not modelled), 1 MiB flash in 256 pages of 4 KiB with the stack's
         * secure area from FLASH_SFR.SFSA up, 256 KiB SRAM (SRAM1 192 + SRAM2a 32 + SRAM2b 32).
         * DBGMCU_IDCODE 0x20016495: REV_ID 0x2001 (RM0434 §38.13.1). SW-DP 0x6BA02477
         * (DPv2, RM0434 §38.8.3), CPUID 0x410FC241, AHB-AP IDR 0x24770011. */
        .name = "stm32wb55rg",
        .descr = "STM32WB55RG (Nucleo-WB55RG, wireless stack from page 0xCB)",
        .family = &sim_family_wb,
        .dev_id = 0x495,
        .idcode = 0x20016495u,
        .flash_kib = 1024,
        .sram_kib = 256,
        .page_size = 4096,
        .dp_idcode = 0x6BA02477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0495ull,
    },
    {
        /* Nucleo-WL55JC (RM0453, DS13293): CPU1 a Cortex-M4 without FPU (CPU2, the Cortex-M0+
         * on AP1, is not modelled), 256 KiB flash in 128 pages of 2 KiB, 64 KiB SRAM (SRAM1 32 +
         * SRAM2 32, contiguous). DBGMCU_IDCODE 0x10016497: REV_ID 0x1001. SW-DP 0x6BA02477
         * (DPv2, as OpenOCD's target/stm32wlx.cfg expects), CPUID 0x410FC241 (r0p1), AHB-AP
         * IDR 0x24770011. */
        .name = "stm32wl55jc",
        .descr = "STM32WL55JC (Nucleo-WL55JC, CPU2 secure area with --secure-page)",
        .family = &sim_family_wl,
        .dev_id = 0x497,
        .idcode = 0x10016497u,
        .flash_kib = 256,
        .sram_kib = 64,
        .page_size = 2048,
        .dp_idcode = 0x6BA02477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0497ull,
    },
    {
        /* Nucleo-C031C6 (RM0490): Cortex-M0+, 32 KiB flash in 16 pages of 2 KiB, one
         * bank, 12 KiB SRAM. DBGMCU_IDCODE 0x10006453: REV_ID 0x1000 (rev A). Cortex-M0+ r0p1
         * as the G071's; the ROM table's PARTNO reads 0x466, not the DEV_ID (the library's
         * STM32C031 row, src/chips/table_g0_c0_u0.c). */
        .name = "stm32c031c6",
        .descr = "STM32C031C6 (Nucleo-C031C6)",
        .family = &sim_family_c0,
        .dev_id = 0x453,
        .idcode = 0x10006453u,
        .flash_kib = 32,
        .sram_kib = 12,
        .page_size = 2048,
        .dp_idcode = 0x0BC11477u,
        .cpuid = 0x410CC601u,
        .ap_idr = 0x04770031u,
        .rom_pidr = 0x00000A0466ull,
    },
    /*
     * The F4 parts (RM0090, RM0383): Cortex-M4F r0p1 (CPUID 0x410FC241), SW-DP 0x2BA01477, AHB-AP
     * IDR 0x24770011 as the F303's; DBGMCU_IDCODE bits [15:12] read 6 as on the other ST parts
     * here. "page_size" is the smallest sector: the sectors are 16, 64 and 128 KiB
     * (sim/f4_flash.c).
     */
    {
        /* STM32F4DISCOVERY (DS8626): 1 MiB in 4x16 + 64 + 7x128 KiB, 128 KiB SRAM (112 + 16
         * contiguous) and 64 KiB CCM SRAM. REV_ID 0x1007 (revision 2, RM0090 §38.6.1). */
        .name = "stm32f407vg",
        .descr = "STM32F407VG (STM32F4DISCOVERY)",
        .family = &sim_family_f40x,
        .dev_id = 0x413,
        .idcode = 0x10076413u,
        .flash_kib = 1024,
        .sram_kib = 128,
        .ccm_kib = 64,
        .page_size = 16384,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0413ull,
    },
    {
        /* 32F429IDISCOVERY (DS9405): 2 MiB in two banks of 4x16 + 64 + 7x128 KiB (bank 2 at
         * 0x08100000, sectors 12-23), 192 KiB SRAM (112 + 16 + 64 contiguous) and 64 KiB CCM.
         * REV_ID 0x2001 (revision 3, RM0090 §38.6.1). */
        .name = "stm32f429zi",
        .descr = "STM32F429ZI (32F429IDISCOVERY), two banks",
        .family = &sim_family_f42x,
        .dev_id = 0x419,
        .idcode = 0x20016419u,
        .flash_kib = 2048,
        .sram_kib = 192,
        .ccm_kib = 64,
        .page_size = 16384,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0419ull,
    },
    {
        /* NUCLEO-F411RE (DS10314): 512 KiB in 4x16 + 64 + 3x128 KiB, 128 KiB SRAM, no CCM.
         * REV_ID 0x1000 (revision A, RM0383 §23.6.1). */
        .name = "stm32f411re",
        .descr = "STM32F411RE (NUCLEO-F411RE)",
        .family = &sim_family_f411,
        .dev_id = 0x431,
        .idcode = 0x10006431u,
        .flash_kib = 512,
        .sram_kib = 128,
        .page_size = 16384,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x410FC241u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x00000A0431ull,
    },
    {
        /* NUCLEO-F767ZI (DS11532, RM0410): 2 MiB, one bank of 4x32 + 128 + 7x256 KiB as
         * shipped (nDBANK = 1) or two of 4x16 + 64 + 7x128 KiB (bank 2 at 0x08100000); 512 KiB
         * SRAM from 0x20000000 (DTCM 128 + SRAM1 368 + SRAM2 16). Cortex-M7 r1p0 (CPUID
         * 0x411FC270), SW-DP 0x5BA02477 (docs/chips.md), the Cortex-M7 AHB-AP IDR
         * 0x74770001, REV_ID 0x1001 (revision Z, RM0410 §40.6.1). The ROM table with ST's IDs
         * is the MCU table at 0xE00FD000 (sim/cores.c). "page_size": the smallest sector of
         * the layout as shipped. */
        .name = "stm32f767zi",
        .descr = "STM32F767ZI (NUCLEO-F767ZI), single or dual bank",
        .family = &sim_family_f76x,
        .dev_id = 0x451,
        .idcode = 0x10016451u,
        .flash_kib = 2048,
        .sram_kib = 512,
        .page_size = 32768,
        .dp_idcode = 0x5BA02477u,
        .cpuid = 0x411FC270u,
        .ap_idr = 0x74770001u,
        .rom_pidr = 0x00000A0451ull,
    },
    {
        /* NUCLEO-H743ZI (RM0433, DS12110): 2 MiB in two banks of 8 x 128 KiB (bank 2 at
         * 0x08100000, registers at 0x52002100), DTCM 128 KiB at 0x20000000 and AXI SRAM 512 KiB
         * at 0x24000000. DBGMCU_IDCODE 0x20036450: REV_ID 0x2003 (revision V, RM0433 §60 DBGMCU
         * IDCODE). SW-DP v2 0x6BA02477; Cortex-M7 r1p1 CPUID 0x411FC271; AP0 (the core's
         * AHB-AP) IDR 0x84770001. */
        .name = "stm32h743zi",
        .descr = "STM32H743ZI (NUCLEO-H743ZI), two banks",
        .family = &sim_family_h743,
        .dev_id = 0x450,
        .idcode = 0x20036450u,
        .flash_kib = 2048,
        .sram_kib = 128,
        .ccm_kib = 512,
        .page_size = 131072,
        .dp_idcode = 0x6BA02477u,
        .cpuid = 0x411FC271u,
        .ap_idr = 0x84770001u,
        .rom_pidr = 0x00000A0450ull,
    },
    {
        /* NUCLEO-H7A3ZI-Q (RM0455, DS13195): 2 MiB in two banks of 128 x 8 KiB, DTCM 128 KiB,
         * AXI SRAM 1 MiB. DBGMCU_IDCODE 0x10016480 (REV_ID 0x1001, revision Z); the flash-size
         * register at 0x08FFF80C. Debug identification as the H743's. */
        .name = "stm32h7a3zi",
        .descr = "STM32H7A3ZI (NUCLEO-H7A3ZI-Q), two banks of 8 KiB sectors",
        .family = &sim_family_h7a3,
        .dev_id = 0x480,
        .idcode = 0x10016480u,
        .flash_kib = 2048,
        .sram_kib = 128,
        .ccm_kib = 1024,
        .page_size = 8192,
        .dp_idcode = 0x6BA02477u,
        .cpuid = 0x411FC271u,
        .ap_idr = 0x84770001u,
        .rom_pidr = 0x00000A0480ull,
    },
    /*
     * Clones of the F103 (docs/chips.md, "Clones of the F103").
     * Each answers DEV_ID 0x410 and differs in what identifies it and in one flash behaviour.
     * AP IDR 0x24770011 is the Cortex-M3 r2 AHB-AP's: reported for the CKS32 (revision > 1),
     * assumed for the other r2p1 cores.
     */
    {
        /* DP IDCODE 0x2BA01477 where the F103 answers 0x1BA01477; ROM table designer 0x555 /
         * partno 0x29B with PIDR 0x050005529B, whose PIDR2 lacks the "JEP106 used" bit (a
         * legacy 0x55); DBGMCU_IDCODE 0x20036410 and a flash-size register reading 0, as on the
         * Blue Pills whose tools print "flash: 0" (OpenOCD assumes 128 KiB there, and
         * programming then works). 128 KiB of working flash: some C8-labelled 0x410 parts
         * carry 128 KiB (docs/chips.md); --flash-kib 64 models one that does not. CPUID
         * r2p1 is an assumption (docs/chips.md says "M3"); its FPEC behaves as the F103's. */
        .name = "cks32f103c8",
        .descr = "CKS32F103C8 / CS32F103C8 clone (flash-size register 0)",
        .family = &sim_family_f1,
        .dev_id = 0x410,
        .idcode = 0x20036410u,
        .flash_kib = 128,
        .sram_kib = 20,
        .page_size = 1024,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x412FC231u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x050005529Bull,
        .quirks = SIM_CHIP_FSZ_READS_ZERO,
    },
    {
        /* ROM table designer GigaDevice 0x751 / partno 0xF64 (PIDR 0x07000D1F64), CPUID r2p1;
         * REV_ID 0x1303 as read on a GD32F103CBT6 (the GD32F1x0 reports the same;
         * docs/chips.md, clone table). DP IDCODE 0x1BA01477
         * as reported for GD32 parts (no published value for the GD32F103: assumption). The
         * word at 0x1FFFF7E0 holds 64 KiB flash and 20 KiB SRAM; 32-bit programming. Timings:
         * the GD32 flash is faster (docs/chips.md) but the GD32F103 datasheet figures
         * could not be checked: 40 us per program operation (half-word or word) and 10 ms per
         * erase are assumptions standing in for them. */
        .name = "gd32f103c8",
        .descr = "GigaDevice GD32F103C8 (flash and SRAM size in one word, 32-bit programming)",
        .family = &sim_family_f1,
        .dev_id = 0x410,
        .idcode = 0x13030410u,
        .flash_kib = 64,
        .sram_kib = 20,
        .page_size = 1024,
        .dp_idcode = 0x1BA01477u,
        .cpuid = 0x412FC231u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x07000D1F64ull,
        .quirks = SIM_CHIP_FSZ_WORD_SRAM | SIM_CHIP_WORD_PROGRAM,
        .tprog_ps = 40ull * SIM_PS_PER_US,
        .erase_ps = 10ull * SIM_PS_PER_MS,
    },
    {
        /* Generic Arm ROM table (designer 0x43B, partno 0x4C3, PIDR 0x04000BB4C3), CPUID r2p1
         * (docs/chips.md); DP IDCODE 0x2BA01477 (Geehy's OpenOCD configuration, stm32f1-picopwner
         * #39). No APM32F103 REV_ID is on record (BMP #1203 only says it is not the CH32's
         * 0x2000): the F103's 0x2003 here. A half-word written while BSY is set is lost
         * (embassy-rs commit 4239a438: "Only one half-word gets written while the other one
         * gets lost"; BMP #1148, #1203). */
        .name = "apm32f103c8",
        .descr = "Geehy APM32F103C8 clone (loses a half-word written while BSY is set)",
        .family = &sim_family_f1,
        .dev_id = 0x410,
        .idcode = 0x20036410u,
        .flash_kib = 64,
        .sram_kib = 20,
        .page_size = 1024,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x412FC231u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x04000BB4C3ull,
        .quirks = SIM_CHIP_DROP_WHILE_BUSY,
    },
    {
        /* REV_ID 0x2000 with the generic Arm ROM table (0x43B / 0x4C3); DP IDCODE 0x2BA01477
         * (reported on a clone of unconfirmed vendor, BMP #1252); FLASH_CR.FLOCK and
         * FLASH_MODEKEYR at 0x40022024; the flash-size register reads 0 (BMP assumes 64 KiB:
         * BMP #990, #1006). CPUID r2p1 and DBGMCU_IDCODE bits [15:12] = 0 are assumptions. */
        .name = "ch32f103c8",
        .descr = "WCH CH32F103C8 clone (FLOCK, MODEKEYR, flash-size register 0)",
        .family = &sim_family_f1,
        .dev_id = 0x410,
        .idcode = 0x20000410u,
        .flash_kib = 64,
        .sram_kib = 20,
        .page_size = 1024,
        .dp_idcode = 0x2BA01477u,
        .cpuid = 0x412FC231u,
        .ap_idr = 0x24770011u,
        .rom_pidr = 0x04000BB4C3ull,
        .quirks = SIM_CHIP_FSZ_READS_ZERO | SIM_CHIP_CH32_FLOCK,
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
