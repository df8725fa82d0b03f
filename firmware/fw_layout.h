/*
 * fw_layout.h - fixed addresses shared by the test firmware and the host-side tests.
 *
 * Every program in firmware/ keeps its observable counters in a small block at the very start of
 * SRAM (output section .noinit_counters, placed by common/stm32f1.ld). The block is NOLOAD (not in
 * the image); Reset_Handler zeroes it, so after every reset the counters restart from 0.
 * Each counter is a little-endian uint32_t. Slots a program does not use stay 0.
 *
 * This header holds plain constants only, so host C code can include it.
 */
#ifndef STFLASH_FW_LAYOUT_H
#define STFLASH_FW_LAYOUT_H

#define FW_SRAM_BASE 0x20000000u  /* RM0008 §3.3 memory map: SRAM */
#define FW_FLASH_BASE 0x08000000u /* RM0008 §3.3 memory map: main flash */
#define FW_STACK_TOP 0x20002000u  /* 8 KiB: fits the F100RB (8 KiB) and F103C8 (20 KiB) */

#define FW_COUNTERS_ADDR 0x20000000u /* start of .noinit_counters */
#define FW_COUNTERS_SIZE 0x20u       /* 8 slots of 4 bytes; .data starts after it */

#define FW_TOGGLE_COUNT_ADDR 0x20000000u /* toggle_count: PC13 toggles since reset */
#define FW_TICK_COUNT_ADDR 0x20000004u   /* tick_count: SysTick exceptions taken since reset */
#define FW_ID_ADDR 0x20000008u           /* fw_id: which program runs (FW_ID_*), set by main() */
#define FW_SVC_COUNT_ADDR 0x2000000Cu    /* svc_count: SVC exceptions taken (gdb_target) */

/* Values of fw_id. */
#define FW_ID_LED_TOGGLE 0xF1D00001u
#define FW_ID_SWD_DISABLE 0xF1D00002u
#define FW_ID_GDB_TARGET 0xF1D00003u
#define FW_ID_CLOCK_HSE 0xF1D00004u
#define FW_ID_DMA_ADC 0xF1D00005u
#define FW_ID_WWDG 0xF1D00006u

/* SysTick periods with the core clock (HSI, 8 MHz after reset). */
#define FW_CORE_CLOCK_HZ 8000000u
#define FW_LED_TOGGLE_PERIOD_US 1000u /* led_toggle and swd_disable: one toggle per ms */

/* Host-generated test images (firmware/tools/make_image.c). */
#define FW_IMAGE_SP FW_STACK_TOP    /* word 0 of the image */
#define FW_IMAGE_ENTRY_OFFSET 0x40u /* "b ." loop right after the 16 vectors */
#define FW_IMAGE_RESET (FW_FLASH_BASE + FW_IMAGE_ENTRY_OFFSET + 1u) /* Thumb address */

#endif
