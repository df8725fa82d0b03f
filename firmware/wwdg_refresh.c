/*
 * wwdg_refresh.c - test firmware: starts the window watchdog (RM0008 §20) with the slowest
 * prescaler (WDGTB = 3: 4.096 ms per step at the 8 MHz HSI) and the window at 0x60, and
 * refreshes it from its main loop only once the counter is below the window, as firmware must
 * (a refresh earlier resets the chip). PC13 blinks from SysTick. Nothing else refreshes it: once
 * the core no longer runs this loop (halted without the DBG_WWDG_STOP freeze, or running a
 * debugger's flash loader) the chip resets within 262 ms. Only a reset stops the watchdog.
 * fw_id = FW_ID_WWDG once it runs.
 */
#include "common/board.h"

#define RCC_APB1ENR REG32(RCC_BASE + 0x1Cu) /* RM0008 §7.3.8 */
#define RCC_APB1ENR_WWDGEN (1u << 11)
#define WWDG_BASE 0x40002C00u /* RM0008 §20.6 */
#define WWDG_CR REG32(WWDG_BASE + 0x00u)
#define WWDG_CFR REG32(WWDG_BASE + 0x04u)
#define WWDG_CR_WDGA (1u << 7)
#define WWDG_CFR_WDGTB_8 (3u << 7)
#define WINDOW 0x60u

int main(void)
{
    RCC_APB1ENR |= RCC_APB1ENR_WWDGEN;
    WWDG_CFR = WWDG_CFR_WDGTB_8 | WINDOW;
    WWDG_CR = WWDG_CR_WDGA | 0x7Fu;
    fw_id = FW_ID_WWDG;
    led_init();
    led_blink_start(FW_LED_TOGGLE_PERIOD_US);
    for (;;) {
        if ((WWDG_CR & 0x7Fu) < WINDOW)
            WWDG_CR = WWDG_CR_WDGA | 0x7Fu;
    }
}
