/*
 * Flash loader for the F2/F4/F7 flash interface, run from target SRAM by flash/f4.c. It programs
 * one job from a ring buffer that the host fills over the probe while the loader runs, and stops
 * on a breakpoint when the job is done or fails (the same scheme and answers as f1_program.S).
 *
 * The program width (FLASH_CR.PSIZE) is chosen by the host from the supply voltage (RM0090 §3.6.2
 * Table 6), and every store must have that width or the controller sets PGPERR: this source is
 * assembled once per width, x32 here (words), x16 by f4_program16.S and x8 by f4_program8.S
 * (F4_UNIT 2 or 1).
 *
 * Written in the ARMv6-M subset of Thumb-2 (it runs on the Cortex-M3, M4 and M7 alike), position
 * independent: no literal pool, no absolute address.
 *
 * Entry: r0 = the control block (loaders/loader_abi.h, LDR_CB_*): the flash interface register
 *        block (0x40023C00, every bank), the job (first address, length in units), the ring,
 *        wp, rp, state, the erased unit, and in LDR_CB_ARG the FLASH_CR value to program with
 *        (PG | PSIZE << 8).
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          LDR_ERR_STATUS | FLASH_SR when the controller reports an error (OPERR 0x02, WRPERR
 *          0x10, PGAERR 0x20, PGPERR 0x40, PGSERR 0x80, RDERR 0x100; RM0090 §3.9.4), or
 *          LDR_ERR_READBACK when a programmed unit reads back different;
 *        r1 = flash address of the failing unit, r2 = the value read back there.
 *
 * Per unit (RM0090 §3.6.4 "Programming"): FLASH_CR = PG | PSIZE once, the unit is stored at its
 * flash address, FLASH_SR.BSY (bit 16) is polled until clear, the error flags are checked and the
 * unit is read back. Erased units are skipped (the engine hands over erased ranges only), and the
 * next unit to program is found while the controller is busy with the current one.
 *
 * The loader checks in the pass as f1_program.S does (loaders/loader_ring.inc, LDR_CB_CRC): the
 * CRC of the units before the one being programmed is computed while the controller is busy
 * with it, a bit at a time: about 120 cycles for a word (x32), 70 for a half-word, 40 for a byte,
 * against the 16 µs of tPROG (DS8626 "Flash memory programming", typical) that the 16 MHz
 * HSI the core runs on after reset makes 256 cycles. So the flash does not wait for it, and no
 * table is needed.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ F4_SR, 0x0C            @ FLASH_SR offset (RM0090 §3.9.4)
    .equ F4_CR, 0x10            @ FLASH_CR offset (RM0090 §3.9.5)

#include "loader_ring.inc"

#ifndef F4_UNIT
#define F4_UNIT 4
#endif
#if F4_UNIT == 4
#define LDU ldr
#define STU str
#elif F4_UNIT == 2
#define LDU ldrh
#define STU strh
#else
#define LDU ldrb
#define STU strb
#endif

    @ Registers in the span loop:
    @   r0  data of the span      r1  register block         r2  flash address of the span
    @   r3  offset being programmed                          r4  its value
    @   r5  offset of the next unit to program               r7  its value
    @   r6  scratch               r8  control block          r9  erased unit
    @   r10 CRC register          r11 offset up to which the CRC is taken
    @   r12 span length
    .global f4_program
    .type f4_program, %function
    .thumb_func
f4_program:
    LDR_ENTRY crc=1
    ldr     r7, [r0, #LDR_CB_ARG]
    ldr     r1, [r0, #LDR_CB_REGS]
    str     r7, [r1, #F4_CR]    @ FLASH_CR = PG | PSIZE; LOCK is already clear

    LDR_RING_SPAN crc=1

store:
    STU     r7, [r2, r5]        @ programming starts: FLASH_SR.BSY set
    movs    r3, r5
    bl      crc_upto            @ meanwhile, the units before this one into the CRC,
    LDU     r4, [r0, r3]        @ this one's value again,
    adds    r5, r3, #F4_UNIT
    bl      seek                @ and find the next one
    adds    r6, r3, #F4_UNIT
    cmp     r6, r5
    bne     busy_skip           @ units are skipped before the next one
busy:
    ldr     r6, [r1, #F4_SR]
    lsrs    r6, r6, #1          @ EOP (bit 0) out
    lsls    r6, r6, #16         @ BSY (bit 16) into bit 31, SR bits 1-15 into bits 16-30
    bmi     busy
    bne     fail                @ an error flag (bits 2, 3 and 9-15 read 0)
    LDU     r6, [r2, r3]        @ read back
    cmp     r6, r4
    bne     differs
    cmp     r5, r12
    blo     store
    b       spandone

    @ The same, then what the flash holds at the skipped units goes into the ring for the CRC.
busy_skip:
    ldr     r6, [r1, #F4_SR]
    lsrs    r6, r6, #1
    lsls    r6, r6, #16
    bmi     busy_skip
    bne     fail
    LDU     r6, [r2, r3]
    cmp     r6, r4
    bne     differs
    adds    r6, r3, #F4_UNIT
    bl      skipped
    cmp     r5, r12
    blo     store
    b       spandone

    LDR_DIFFERS
fail:
    ldr     r6, [r1, #F4_SR]
    LDR_STATUS_OR               @ LDR_ERR_STATUS | FLASH_SR: never 0
    LDR_EXIT F4_CR, LDU, crc=1
    LDR_CRC_ROUTINES LDU, STU, F4_UNIT

    @ From offset r5, skips erased units (r9); returns r5 = offset of the next unit to program
    @ (>= r12 when none is left) and r7 = its value.
seek:
    cmp     r5, r12
    bhs     1f
    LDU     r7, [r0, r5]
    cmp     r7, r9
    bne     1f
    adds    r5, r5, #F4_UNIT
    b       seek
1:  bx      lr
    .size f4_program, . - f4_program
