/*
 * Flash loader for the F0/F1/F3 flash program/erase controller (FPEC), run from target SRAM by
 * flash/f1.c. It programs one job (a range of one bank) from a ring buffer that the host fills
 * over the probe while the loader runs, and stops on a breakpoint when the job is done or fails:
 * the loader is started once per job, the data streams in, and the flash never waits for the
 * probe once the ring holds data.
 *
 * Written in the ARMv6-M subset of Thumb-2 so that the same bytes run on the Cortex-M0 (F0),
 * Cortex-M3 (F1) and Cortex-M4 (F3). Position independent: no literal pool, no absolute address.
 * f1_program32.S assembles the same source for word programming (F1_WORDS).
 *
 * Entry: r0 = the control block (loaders/loader_abi.h, LDR_CB_*, shared with the runner in
 *        flash/loader.c): the FPEC register block of the bank being programmed (0x40022000, or
 *        +0x40 for bank 2 of an F1 XL part: PM0075 §3, register map), the job (first address,
 *        length: units of 2 bytes, or 4 for words), the ring (address, power-of-two size), wp,
 *        rp, state, and the erased unit (0xFFFF, or 0xFFFFFFFF for words).
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          LDR_ERR_STATUS | FLASH_SR when the controller reports an error (PGERR 0x04,
 *          WRPRTERR 0x10; PM0075 §3.4), or
 *          LDR_ERR_READBACK when a programmed unit reads back different;
 *        r1 = flash address of the failing unit, r2 = the value read back there.
 *
 * Per unit (PM0075 §2.3 "Main Flash memory programming"): FLASH_CR.PG is set once, the unit is
 * written to its flash address, FLASH_SR.BSY is polled until clear (also required by the
 * APM32F103, which drops a half-word written while BSY is set), FLASH_SR.PGERR/WRPRTERR are
 * checked and the unit is read back. Erased units (the control block's pattern: all ones on
 * these parts) are skipped: the engine only hands over erased ranges, where that is already the
 * content. Word programming
 * (F1_WORDS) is for the clones that accept a 32-bit store in one program time
 * (STFLASH_CLONE_PROGRAM_32BIT, the GD32F1x).
 *
 * The core runs this at 8 MHz (HSI after reset), where each instruction between the end of one
 * unit and the start of the next delays the flash: finding the next unit to program (skipping
 * erased units) is therefore done while the controller is busy with the current one, and the path
 * from BSY clear to the next store is eight instructions: one test of FLASH_SR takes BSY and the
 * error flags together (busy_or_fail sorts them out), the read-back, the end of the span, the
 * store. rp is published once per span (the data between rp and wp, up to the end of the ring),
 * not per unit.
 *
 * The loader checks in the pass (loaders/loader_ring.inc): it keeps the CRC-32 of what the job's
 * flash reads after programming and writes it to LDR_CB_CRC, so that the host need not run the
 * CRC routine over the job afterwards. The CRC of the units before the one being programmed is
 * computed while the controller is busy with it: a bit at a time, about 70 cycles for a
 * half-word (120 for a word), 10 µs at 8 MHz against the 52.5 µs of tPROG (DS5319 Table 28:
 * 40 µs at the least), so the flash does not wait for it and no 1 KiB table is needed (the
 * 4 KiB of SRAM of the smallest F0 would not hold it beside a useful ring). Units skipped
 * as erased are read once BSY clears (a few cycles each, where their programming would have
 * taken 52.5 µs); the path from BSY clear to the next store is the same eight instructions when
 * no unit is skipped before the next one.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ FPEC_SR, 0x0C          @ FLASH_SR offset (PM0075 §3.4)
    .equ FPEC_CR, 0x10          @ FLASH_CR offset (PM0075 §3.5)
    .equ CR_PG, 0x01            @ FLASH_CR.PG, bit 0 (PM0075 §3.5)

#include "loader_ring.inc"

#ifdef F1_WORDS
#define UNIT 4
#define LDU ldr
#define STU str
#else
#define UNIT 2
#define LDU ldrh
#define STU strh
#endif

    @ Registers in the span loop:
    @   r0  data of the span      r1  FPEC register block    r2  flash address of the span
    @   r3  offset being programmed                          r4  its value
    @   r5  offset of the next unit to program               r7  its value
    @   r6  scratch               r8  control block          r9  erased unit
    @   r10 CRC register          r11 offset up to which the CRC is taken
    @   r12 span length
    .global f1_program
    .type f1_program, %function
    .thumb_func
f1_program:
    LDR_ENTRY crc=1
    ldr     r1, [r0, #LDR_CB_REGS]
    movs    r7, #CR_PG
    str     r7, [r1, #FPEC_CR]  @ FLASH_CR = PG; LOCK is already clear

    LDR_RING_SPAN crc=1

store:
    STU     r7, [r2, r5]        @ programming starts: FLASH_SR.BSY set
    movs    r3, r5
    bl      crc_upto            @ meanwhile, the units before this one into the CRC,
    LDU     r4, [r0, r3]        @ this one's value again,
    adds    r5, r3, #UNIT
    bl      seek                @ and find the next one
    adds    r6, r3, #UNIT
    cmp     r6, r5
    bne     busy_skip           @ units are skipped before the next one
busy:
    ldr     r6, [r1, #FPEC_SR]
    lsls    r6, r6, #27         @ SR bits 0-4: BSY (0), PGERR (2), WRPRTERR (4); 1 and 3 read 0
    bne     busy_or_fail
    LDU     r6, [r2, r3]        @ read back
    cmp     r6, r4
    bne     differs
    cmp     r5, r12
    blo     store
    b       spandone

    @ The same, then what the flash holds at the skipped units goes into the ring for the CRC.
busy_skip:
    ldr     r6, [r1, #FPEC_SR]
    lsls    r6, r6, #27
    bne     skip_busy_or_fail
    LDU     r6, [r2, r3]
    cmp     r6, r4
    bne     differs
    adds    r6, r3, #UNIT
    bl      skipped
    cmp     r5, r12
    blo     store
    b       spandone

    @ FLASH_SR shifted left by 27 (r6) is not 0: BSY (now bit 27, shifted out into the carry
    @ flag) polls again, an error flag fails.
busy_or_fail:
    lsls    r6, r6, #5
    bcs     busy
    b       fail
skip_busy_or_fail:
    lsls    r6, r6, #5
    bcs     busy_skip
    b       fail

    LDR_DIFFERS
fail:
    ldr     r6, [r1, #FPEC_SR]
    LDR_STATUS_OR               @ LDR_ERR_STATUS | FLASH_SR: never 0
    LDR_EXIT FPEC_CR, LDU, crc=1
    LDR_CRC_ROUTINES LDU, STU, UNIT

    @ From offset r5, skips erased units (r9); returns r5 = offset of the next unit to program
    @ (>= r12 when none is left) and r7 = its value.
seek:
    cmp     r5, r12
    bhs     1f
    LDU     r7, [r0, r5]
    cmp     r7, r9
    bne     1f
    adds    r5, r5, #UNIT
    b       seek
1:  bx      lr
    .size f1_program, . - f1_program
