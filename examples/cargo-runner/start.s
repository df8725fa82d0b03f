@ Vector table, reset handler and the semihosting call for an STM32F103 (Cortex-M3).
@ Semihosting: BKPT 0xAB, operation in r0, parameter in r1, result in r0
@ ("Semihosting for AArch32 and AArch64" v2.0).
    .syntax unified
    .cpu cortex-m3
    .thumb

@ The core loads SP from word 0 and PC from word 1 at reset (RM0008 §10.1.2 vector table).
    .section .vector_table, "a"
    .word _stack_top
    .word Reset_Handler
    .word Default_Handler       @ NMI
    .word Default_Handler       @ HardFault

    .text
    .global Reset_Handler
    .thumb_func
Reset_Handler:
    ldr r0, =_sdata             @ copy .data from flash to SRAM
    ldr r1, =_edata
    ldr r2, =_sidata
1:  cmp r0, r1
    bhs 2f
    ldr r3, [r2], #4
    str r3, [r0], #4
    b 1b
2:  ldr r0, =_sbss              @ zero .bss
    ldr r1, =_ebss
    movs r3, #0
3:  cmp r0, r1
    bhs 4f
    str r3, [r0], #4
    b 3b
4:  bl rust_main
    b .

    .thumb_func
Default_Handler:
    b .

@ u32 semihost(u32 op, const u32 *arg)
    .global semihost
    .thumb_func
semihost:
    bkpt 0xab
    bx lr
