/*
 * startup.c - vector table and reset code for the STM32F1 (Cortex-M3).
 *
 * After reset the core fetches the initial SP from word 0 and the reset vector from word 1 of the
 * boot area; with BOOT0 = 0 main flash (0x08000000) is aliased at 0 (RM0008 §3.4 boot
 * configuration). Only the first 16 words of the vector table are provided, the Cortex-M3 system
 * exceptions (RM0008 §10.1.2 vector table); no peripheral interrupt is ever enabled. Reset_Handler
 * zeroes the counter block, copies .data, zeroes .bss and calls main().
 */
#include <stdint.h>

#include "vectors.h"

/* Defined by stm32f1.ld. */
extern uint32_t __stack_top;
extern uint32_t __counters_start, __counters_end;
extern uint32_t __data_load, __data_start, __data_end;
extern uint32_t __bss_start, __bss_end;

void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*vector_fn)(void);

/* Placed at 0x08000000 by the linker script (KEEP, so --gc-sections leaves it alone). */
__attribute__((section(".isr_vector"), used)) const vector_fn vector_table[16] = {
    (vector_fn)&__stack_top, /*  0 initial SP (0x20002000) */
    Reset_Handler,           /*  1 Reset */
    NMI_Handler,             /*  2 NMI */
    HardFault_Handler,       /*  3 HardFault */
    MemManage_Handler,       /*  4 MemManage */
    BusFault_Handler,        /*  5 BusFault */
    UsageFault_Handler,      /*  6 UsageFault */
    0,
    0,
    0,
    0,                /*  7..10 reserved */
    SVC_Handler,      /* 11 SVCall */
    DebugMon_Handler, /* 12 Debug monitor */
    0,                /* 13 reserved */
    PendSV_Handler,   /* 14 PendSV */
    SysTick_Handler,  /* 15 SysTick */
};

void Reset_Handler(void)
{
    uint32_t *dst;
    const uint32_t *src = &__data_load;

    for (dst = &__counters_start; dst < &__counters_end; dst++)
        *dst = 0;
    for (dst = &__data_start; dst < &__data_end; dst++)
        *dst = *src++;
    for (dst = &__bss_start; dst < &__bss_end; dst++)
        *dst = 0;

    main();
    for (;;) {
    }
}

void Default_Handler(void)
{
    for (;;) {
    }
}
