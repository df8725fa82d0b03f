/*
 * swd_disable.c - test firmware: switch off JTAG-DP and SW-DP, then blink like led_toggle.
 *
 * Once this runs, the debug port no longer answers: the chip can only be reached again by
 * connecting under reset (NRST held low; the SWJ pins return to SWD at reset) or by booting
 * the system memory (BOOT0 = 1). fw_id = FW_ID_SWD_DISABLE, counters as in led_toggle.
 */
#include "common/board.h"

int main(void)
{
    fw_id = FW_ID_SWD_DISABLE;

    RCC_APB2ENR |= RCC_APB2ENR_AFIOEN; /* RM0008 §7.3.7: clock AFIO before writing it */
    /* RM0008 §9.4.2: SWJ_CFG is write-only and reads undefined, so mask it before merging. */
    AFIO_MAPR = (AFIO_MAPR & ~AFIO_MAPR_SWJ_CFG_MASK) | AFIO_MAPR_SWJ_CFG_DISABLED;

    led_init();
    led_blink_start(FW_LED_TOGGLE_PERIOD_US);
    for (;;) {
    }
}
