/*
 * Flash loader for the F0/F1/F3 flash program/erase controller (FPEC), run from target SRAM by
 * flash/f1.c. It programs one buffer of half-words and stops on a breakpoint.
 *
 * Written in the ARMv6-M subset of Thumb-2 so that the same bytes run on the Cortex-M0 (F0),
 * Cortex-M3 (F1) and Cortex-M4 (F3). Position independent: no literal pool, no absolute address.
 *
 * Entry: r0 = address of a job block in SRAM:
 *          +0  FPEC register block of the bank being programmed (0x40022000, or +0x40 for bank 2
 *              of an F1 XL part: PM0075 §3, register map)
 *          +4  first flash address (half-word aligned)
 *          +8  number of half-words
 *          +12 the half-words themselves
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          0x200 | FLASH_SR when the controller reports an error (PGERR 0x04, WRPRTERR 0x10;
 *          PM0075 §3.4), or
 *          0x100 when a programmed half-word reads back different;
 *        r1 = flash address of the failing half-word, r2 = the value read back there.
 *
 * Per half-word (PM0075 §2.3 "Main Flash memory programming"): FLASH_CR.PG is set once, the
 * half-word is written to its flash address, FLASH_SR.BSY is polled until clear (also required by
 * the APM32F103, which drops a half-word written while BSY is set), FLASH_SR.PGERR/WRPRTERR are
 * checked and the half-word is read back. Half-words equal to 0xFFFF are skipped: the engine only
 * hands over erased ranges, where 0xFFFF is already the content.
 *
 * The core runs this at 8 MHz (HSI after reset), where each instruction between the end of one
 * half-word and the start of the next delays the flash: finding the next half-word to program
 * (skipping 0xFFFF) is therefore done while the controller is busy with the current one, and
 * the path from BSY clear to the next store is ten instructions.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ FPEC_SR, 0x0C          @ FLASH_SR offset (PM0075 §3.4)
    .equ FPEC_CR, 0x10          @ FLASH_CR offset (PM0075 §3.5)
    .equ CR_PG, 0x01            @ FLASH_CR.PG, bit 0 (PM0075 §3.5)

    @ Registers in the loop:
    @   r0  data in SRAM          r1  FPEC register block    r2  flash address of the block
    @   r3  offset being programmed                          r4  its value
    @   r5  offset of the next half-word to program          r7  its value
    @   r6  scratch               r12 end offset (2 x count)
    .global f1_program
    .type f1_program, %function
    .thumb_func
f1_program:
    cpsid   i                   @ no firmware interrupt handler may run in between
    ldm     r0!, {r1, r2, r3}   @ r1 = FPEC block, r2 = destination, r3 = count; r0 = data
    lsls    r3, r3, #1
    mov     r12, r3
    movs    r7, #CR_PG
    str     r7, [r1, #FPEC_CR]  @ FLASH_CR = PG; LOCK is already clear
    movs    r5, #0
    bl      seek                @ the first half-word to program

next:
    cmp     r5, r12
    bhs     done
    movs    r3, r5
    movs    r4, r7
    strh    r4, [r2, r3]        @ programming starts: FLASH_SR.BSY set
    adds    r5, r5, #2
    bl      seek                @ meanwhile, find the next one
busy:
    ldr     r6, [r1, #FPEC_SR]
    lsrs    r6, r6, #1          @ BSY (bit 0) into the carry flag
    bcs     busy
    lsls    r6, r6, #28         @ SR bits 1-4: PGERR (2), WRPRTERR (4); bits 1 and 3 read 0
    bne     fail
    ldrh    r6, [r2, r3]        @ read back
    cmp     r6, r4
    beq     next

    movs    r6, #1              @ read back differs: 0x100
    lsls    r6, r6, #8
    b       report
fail:
    ldr     r6, [r1, #FPEC_SR]
    movs    r7, #2
    lsls    r7, r7, #8
    orrs    r6, r6, r7          @ 0x200 | FLASH_SR: never 0
report:
    ldrh    r7, [r2, r3]        @ what the failing half-word holds
    adds    r2, r2, r3          @ its address
    movs    r0, r6
    movs    r3, #0
    str     r3, [r1, #FPEC_CR]  @ PG off; writing 0 leaves LOCK alone (set-only, PM0075 §3.5)
    movs    r1, r2
    movs    r2, r7
    bkpt    #0

done:
    movs    r0, #0
    str     r0, [r1, #FPEC_CR]  @ PG off
    bkpt    #0

    @ From offset r5, skips half-words equal to 0xFFFF; returns r5 = offset of the next
    @ half-word to program (>= r12 when none is left) and r7 = its value. Uses r6.
seek:
    cmp     r5, r12
    bhs     1f
    ldrh    r7, [r0, r5]
    adds    r6, r7, #1
    lsrs    r6, r6, #16         @ 1 exactly when r7 == 0xFFFF
    beq     1f
    adds    r5, r5, #2
    b       seek
1:  bx      lr
    .size f1_program, . - f1_program
