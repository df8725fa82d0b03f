/*
 * board.h - helpers shared by the test programs in firmware/.
 *
 * The counters live at the fixed addresses listed in fw_layout.h (section .noinit_counters,
 * one input section per counter, placed by stm32f1.ld).
 */
#ifndef STFLASH_BOARD_H
#define STFLASH_BOARD_H

#include <stdint.h>

#include "fw_layout.h"
#include "stm32f1.h"
#include "vectors.h"

#define FW_COUNTER(name) __attribute__((section(".noinit_counters." #name))) volatile uint32_t name

extern volatile uint32_t toggle_count; /* FW_TOGGLE_COUNT_ADDR */
extern volatile uint32_t tick_count;   /* FW_TICK_COUNT_ADDR */
extern volatile uint32_t fw_id;        /* FW_ID_ADDR */
extern volatile uint32_t svc_count;    /* FW_SVC_COUNT_ADDR */

/* led.c: LED on PC13 toggled by the SysTick exception. */
void led_init(void);                      /* GPIOC clock on, PC13 push-pull output, LED off */
void led_blink_start(uint32_t period_us); /* SysTick every period_us (core clock), <= 2 s */

#endif
