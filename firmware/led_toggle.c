/*
 * led_toggle.c - test firmware: toggle PC13 once per millisecond from SysTick.
 *
 * Fast enough that a few virtual milliseconds on the simulated CPU show the LED change.
 * Observable state (fw_layout.h): toggle_count at FW_TOGGLE_COUNT_ADDR, tick_count at
 * FW_TICK_COUNT_ADDR, fw_id = FW_ID_LED_TOGGLE at FW_ID_ADDR once main() has run.
 * The idle loop is a plain spin (no WFI) so it behaves the same on silicon and in a simulator.
 */
#include "common/board.h"

int main(void)
{
    fw_id = FW_ID_LED_TOGGLE;
    led_init();
    led_blink_start(FW_LED_TOGGLE_PERIOD_US);
    for (;;) {
    }
}
