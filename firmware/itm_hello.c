/*
 * itm_hello.c - test firmware for `stflash swo` and st-trace: ITM stimulus port output.
 *
 * Once the debugger has enabled the ITM (ITM_TCR.ITMENA) and port 0 (ITM_TER bit 0), it writes
 * "itm: hello N\n" (N counting 0-9 and over again) to stimulus port 0 one byte at a time,
 * followed by N as a 32-bit word on port 1 when that port is enabled; then it waits about
 * 5 ms (at the 8 MHz reset clock). A stimulus port read answers 1 when its FIFO takes a
 * write (ARMv7-M ARM D4.2.8, ITM_STIMx).
 */
#include <stdint.h>

#include "common/board.h"

#define ITM_STIM8(n) (*(volatile uint8_t *)(0xE0000000u + 4u * (n)))
#define ITM_STIM32(n) (*(volatile uint32_t *)(0xE0000000u + 4u * (n)))
#define ITM_TER (*(volatile uint32_t *)0xE0000E00u)
#define ITM_TCR (*(volatile uint32_t *)0xE0000E80u)
#define DELAY_LOOPS 10000u

static int port_on(unsigned n)
{
    return (ITM_TCR & 1u) && (ITM_TER & (1u << n));
}

static void put_char(char c)
{
    while (port_on(0) && !(ITM_STIM32(0) & 1u)) {
    }
    ITM_STIM8(0) = (uint8_t)c;
}

int main(void)
{
    for (unsigned n = 0;; n = (n + 1u) % 10u) {
        while (!port_on(0)) {
        }
        const char *s = "itm: hello ";
        while (*s)
            put_char(*s++);
        put_char((char)('0' + n));
        put_char('\n');
        if (port_on(1))
            ITM_STIM32(1) = n;
        for (volatile uint32_t i = 0; i < DELAY_LOOPS; i++) {
        }
    }
}
