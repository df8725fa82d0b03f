/* A minimal Cortex-M program for the image tests: code, constants, initialised data, bss. */
#include <stdint.h>

extern uint32_t _stack_top;
void reset_handler(void);

volatile uint32_t marker = 0xcafef00du; /* .data: runs from RAM, stored in flash */
volatile uint32_t counters[2048];       /* .bss: 8 KiB that must not reach the image */
static const uint16_t table[8] = {1, 2, 3, 5, 8, 13, 21, 34};

__attribute__((section(".vectors"), used)) static const uintptr_t vectors[2] = {
    (uintptr_t)&_stack_top,
    (uintptr_t)reset_handler,
};

void reset_handler(void)
{
    for (uint32_t i = 0;; i++)
        counters[i & 2047u] += table[i & 7u] + marker;
}
