/*
 * clock_hse.c - test firmware: runs from the HSE crystal with the HSI oscillator switched off,
 * as a product's firmware may do, then blinks PC13 from SysTick. The F1 flash controller needs
 * the HSI on to program or erase (PM0075 §2.3): a programmer must reset the chip first.
 * fw_id = FW_ID_CLOCK_HSE once the HSI is off.
 */
#include "common/board.h"

#define RCC_CR REG32(RCC_BASE + 0x00u)   /* RM0008 §7.3.1 */
#define RCC_CFGR REG32(RCC_BASE + 0x04u) /* RM0008 §7.3.2 */
#define RCC_CR_HSION (1u << 0)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CFGR_SW_HSE 1u         /* SW = 01 */
#define RCC_CFGR_SWS_HSE (1u << 2) /* SWS = 01 */

int main(void)
{
    RCC_CR |= RCC_CR_HSEON;
    while (!(RCC_CR & RCC_CR_HSERDY)) {
    }
    RCC_CFGR = (RCC_CFGR & ~3u) | RCC_CFGR_SW_HSE;
    while ((RCC_CFGR & (3u << 2)) != RCC_CFGR_SWS_HSE) {
    }
    RCC_CR &= ~RCC_CR_HSION; /* the Blue Pill's crystal is 8 MHz too: SysTick timing unchanged */
    fw_id = FW_ID_CLOCK_HSE;
    led_init();
    led_blink_start(FW_LED_TOGGLE_PERIOD_US);
    for (;;) {
    }
}
