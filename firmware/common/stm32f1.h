/*
 * stm32f1.h - the few STM32F1 registers the test firmware and the examples touch.
 *
 * Peripheral addresses: RM0008 (STM32F101/102/103/105/107 reference manual) §3.3 "Memory map",
 * register boundary address table; the same addresses hold for the F100 (RM0041).
 * SysTick is part of the Cortex-M3 core: PM0056 (STM32F10xxx Cortex-M3 programming manual) §4.5.
 */
#ifndef STFLASH_STM32F1_H
#define STFLASH_STM32F1_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- RCC: RM0008 §3.3 (RCC at 0x40021000), registers in §7.3 ---- */
#define RCC_BASE 0x40021000u
#define RCC_APB2ENR REG32(RCC_BASE + 0x18u) /* RM0008 §7.3.7 RCC_APB2ENR */
#define RCC_APB2ENR_AFIOEN (1u << 0)        /* RM0008 §7.3.7 bit 0 AFIOEN */
#define RCC_APB2ENR_IOPCEN (1u << 4)        /* RM0008 §7.3.7 bit 4 IOPCEN */

/* ---- GPIOC: RM0008 §3.3 (GPIO port C at 0x40011000), registers in §9.2 ---- */
#define GPIOC_BASE 0x40011000u
#define GPIOC_CRH REG32(GPIOC_BASE + 0x04u)  /* RM0008 §9.2.2 GPIOx_CRH (pins 8..15) */
#define GPIOC_ODR REG32(GPIOC_BASE + 0x0Cu)  /* RM0008 §9.2.4 GPIOx_ODR */
#define GPIOC_BSRR REG32(GPIOC_BASE + 0x10u) /* RM0008 §9.2.5 GPIOx_BSRR: bit n sets pin n */
#define GPIOC_BRR REG32(GPIOC_BASE + 0x14u)  /* RM0008 §9.2.6 GPIOx_BRR: bit n clears pin n */

/* RM0008 §9.2.2: pin y (8..15) uses CRH bits [4(y-8)+3 : 4(y-8)]: MODEy[1:0] low, CNFy[1:0] high.
 */
#define GPIO_CRH_SHIFT(pin) (4u * ((pin)-8u))
#define GPIO_CRH_MASK(pin) (0xFu << GPIO_CRH_SHIFT(pin))
/* RM0008 §9.2.2: MODE = 10 (output, 2 MHz), CNF = 00 (general purpose push-pull). */
#define GPIO_CRH_OUT_PP_2MHZ(pin) (0x2u << GPIO_CRH_SHIFT(pin))

/* ---- AFIO: RM0008 §3.3 (AFIO at 0x40010000), registers in §9.4 ---- */
#define AFIO_BASE 0x40010000u
#define AFIO_MAPR REG32(AFIO_BASE + 0x04u) /* RM0008 §9.4.2 AFIO_MAPR */
/* RM0008 §9.4.2 SWJ_CFG[2:0] = bits [26:24], write-only (reads are undefined, so always mask). */
#define AFIO_MAPR_SWJ_CFG_MASK (7u << 24)
#define AFIO_MAPR_SWJ_CFG_DISABLED (4u << 24) /* RM0008 §9.4.2: 100 = JTAG-DP and SW-DP off */

/* ---- SysTick: PM0056 §4.5 (core peripheral, not described in RM0008) ---- */
#define SYST_CSR REG32(0xE000E010u) /* PM0056 §4.5.1 STK_CTRL */
#define SYST_RVR REG32(0xE000E014u) /* PM0056 §4.5.2 STK_LOAD (24-bit reload) */
#define SYST_CVR REG32(0xE000E018u) /* PM0056 §4.5.3 STK_VAL (any write clears it) */
#define SYST_CSR_ENABLE (1u << 0)   /* PM0056 §4.5.1 ENABLE */
#define SYST_CSR_TICKINT (1u << 1)  /* PM0056 §4.5.1 TICKINT: exception on reaching 0 */
#define SYST_CSR_CLKSOURCE                                                                         \
    (1u << 2) /* PM0056 §4.5.1 CLKSOURCE: 1 = core clock (HCLK);                                  \
                 0 = HCLK/8, RM0008 §7.2 */

/* After reset the core runs from HSI at 8 MHz: RM0008 §7.2 (HSI clock, RCC_CFGR.SW reset value). */
#define HSI_HZ 8000000u

/* The Blue Pill LED: PC13, active low (on when the pin is driven low). */
#define LED_PIN 13u

#endif
