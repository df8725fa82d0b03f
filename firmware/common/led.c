/*
 * led.c - blink the Blue Pill LED (PC13, active low) from the SysTick exception.
 *
 * Each SysTick exception toggles PC13 and counts in tick_count and toggle_count.
 * The core clock is the 8 MHz HSI selected at reset; nothing here changes it.
 */
#include "board.h"

#define LED_MASK (1u << LED_PIN)

void led_init(void)
{
    RCC_APB2ENR |= RCC_APB2ENR_IOPCEN; /* RM0008 §7.3.7: clock GPIOC before touching it */
    GPIOC_BSRR = LED_MASK;             /* RM0008 §9.2.5: drive high first, LED off */
    GPIOC_CRH = (GPIOC_CRH & ~GPIO_CRH_MASK(LED_PIN)) | GPIO_CRH_OUT_PP_2MHZ(LED_PIN); /* §9.2.2 */
}

void led_blink_start(uint32_t period_us)
{
    SYST_RVR = (HSI_HZ / 1000000u) * period_us - 1u; /* PM0056 §4.5.2: reload = ticks - 1 */
    SYST_CVR = 0;                                    /* PM0056 §4.5.3: start a full period */
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE; /* PM0056 §4.5.1 */
}

void SysTick_Handler(void)
{
    tick_count++;
    if (GPIOC_ODR & LED_MASK) /* RM0008 §9.2.4 */
        GPIOC_BRR = LED_MASK; /* RM0008 §9.2.6: low, LED on */
    else
        GPIOC_BSRR = LED_MASK; /* RM0008 §9.2.5: high, LED off */
    toggle_count++;
}
