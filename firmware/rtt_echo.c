/*
 * rtt_echo.c - test firmware for `stflash rtt`, through the RTT writer of firmware/common/rtt.c:
 *   up 0 "Terminal"  RTT_ECHO_LINES lines "rtt: hello N", then "echo: TEXT" for every line
 *                    read from down channel 0
 *   up 1 "defmt"     the 256 byte values 0..255 once, binary (a stand-in for a defmt stream)
 */
#include <stdint.h>

#include "common/board.h"
#include "common/rtt.h"

#define RTT_ECHO_LINES 5

int main(void)
{
    rtt_start();
    for (int i = 0; i < RTT_ECHO_LINES; i++) {
        char line[] = "rtt: hello 0\n";
        line[11] = (char)('0' + i);
        rtt_put_text(&_SEGGER_RTT.up[0], line);
    }
    for (unsigned v = 0; v < 256u; v++)
        rtt_put(&_SEGGER_RTT.up[1], (char)v);

    char text[RTT_DOWN0_SIZE];
    unsigned len = 0;
    for (;;) {
        int c = rtt_get(&_SEGGER_RTT.down[0]);
        if (c < 0)
            continue;
        if (c != '\n' && len + 1u < sizeof text) {
            text[len++] = (char)c;
            continue;
        }
        text[len] = '\0';
        rtt_put_text(&_SEGGER_RTT.up[0], "echo: ");
        rtt_put_text(&_SEGGER_RTT.up[0], text);
        rtt_put_text(&_SEGGER_RTT.up[0], "\n");
        len = 0;
    }
}
