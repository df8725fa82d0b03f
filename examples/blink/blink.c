/*
 * blink.c - blink the Blue Pill LED (PC13, active low) every 100 ms.
 *
 * The CPU stays on the 8 MHz HSI oscillator it starts from after reset (RM0008 §7.2), so a
 * SysTick reload of 800000 - 1 on the core clock gives one exception, and one toggle, per 100 ms.
 * blink_count counts the toggles (inspect it with a debugger: "print blink_count").
 * Flash blink.bin at 0x08000000, or blink.elf / blink.hex which carry their own addresses.
 */
#include <stdint.h>

#include "stm32f1.h"
#include "vectors.h"

#define LED_MASK (1u << LED_PIN)

volatile uint32_t blink_count;

void SysTick_Handler(void)
{
    if (GPIOC_ODR & LED_MASK) /* RM0008 §9.2.4 GPIOx_ODR: is the pin high (LED off)? */
        GPIOC_BRR = LED_MASK; /* RM0008 §9.2.6 GPIOx_BRR: drive low, LED on */
    else
        GPIOC_BSRR = LED_MASK; /* RM0008 §9.2.5 GPIOx_BSRR: drive high, LED off */
    blink_count++;
}

int main(void)
{
    /* RM0008 §7.3.7 RCC_APB2ENR: clock port C, or its registers ignore writes. */
    RCC_APB2ENR |= RCC_APB2ENR_IOPCEN;

    /* Start with the LED off, then make PC13 a 2 MHz push-pull output (RM0008 §9.2.2 GPIOx_CRH). */
    GPIOC_BSRR = LED_MASK;
    GPIOC_CRH = (GPIOC_CRH & ~GPIO_CRH_MASK(LED_PIN)) | GPIO_CRH_OUT_PP_2MHZ(LED_PIN);

    /* SysTick (PM0056 §4.5): 8 MHz core clock / 800000 = one exception every 100 ms. */
    SYST_RVR = 800000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;

    for (;;) {
        /* Everything happens in SysTick_Handler. */
    }
}
