/*
 * Flash loader for the L4-style controller (L4, L4+, G0, G4, WB, WL, C0), run from target SRAM
 * by flash/l4.c through the shared loader runner (flash/loader.h). It programs one job (a range
 * of one bank) from the ring buffer the host fills while it runs, and stops on a breakpoint when
 * the job is done or fails.
 *
 * ARMv6-M Thumb, position independent (no literal pool): the same bytes run on the Cortex-M0+
 * (G0, C0) and the Cortex-M4 (L4, G4, WB, WL).
 *
 * Entry: r0 = the control block (loaders/loader_abi.h, LDR_CB_*): the controller's register
 *        block (0x40022000, or 0x58004000 on WB/WL), the job (first address aligned to 8, length
 *        a multiple of 8), the ring (address, power-of-two size), wp, rp, state, and the erased
 *        word (0xFFFFFFFF).
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          LDR_ERR_STATUS | FLASH_SR[15:0] << 16 when the controller reports an error (OPERR 1,
 *          PROGERR 3, WRPERR 4, PGAERR 5, SIZERR 6, PGSERR 7, MISERR 8, FASTERR 9, RDERR 14,
 *          OPTVERR 15: RM0351 §3.7.5, RM0444 §3.7.4; shifted so they do not mix with the
 *          LDR_ERR_* codes), or
 *          LDR_ERR_READBACK when a programmed double word reads back different;
 *        r1 = flash address of the failing double word, r2 = its first word as read back.
 *
 * Per double word (RM0351 §3.3.7, RM0444 §3.3.7 "Standard programming"): FLASH_CR.PG is set
 * once, the two 32-bit words are written in order to their flash addresses, FLASH_SR.BSY (bit 16)
 * and CFGBSY (bit 18, G0/G4/WB/WL/C0; reads 0 on the L4) are polled until clear, the error flags
 * checked and both words read back. Double words that read erased in the image are skipped (the
 * engine hands over erased ranges only). The next double word to program is found while the
 * controller is busy with the current one; rp is published once per span.
 *
 * The loader checks in the pass as f1_program.S does (loaders/loader_ring.inc, LDR_CB_CRC): the
 * CRC of the double words before the one being programmed is computed while the controller is
 * busy with it, a bit at a time: about 230 cycles for a double word (255 at the most), and with
 * the seek under 300. The slowest case is the L4 after reset, its core on the 4 MHz MSI (RM0351
 * §6.2.3), where the 81.69 µs of tPROG (DS10198 "Flash memory characteristics", typical) are 326
 * cycles: the flash does not wait for it, and no table is needed. The G0/G4/WB/WL/C0 run on
 * HSI16 or faster after reset.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ FLASH_SR, 0x10         @ RM0351 §3.7.5, RM0444 §3.7.4
    .equ FLASH_CR, 0x14         @ RM0351 §3.7.6, RM0444 §3.7.5
    .equ CR_PG, 0x01

#include "loader_ring.inc"

    @ Registers in the span loop:
    @   r0  data of the span      r1  register block         r2  flash address of the span
    @   r3  offset being programmed                          r4, r6  scratch
    @   r5  offset of the next double word to program        r7  scratch
    @   r8  control block         r9  erased word            r12 span length
    @   r10 CRC register          r11 offset up to which the CRC is taken
    .global l4_program
    .type l4_program, %function
    .thumb_func
l4_program:
    LDR_ENTRY crc=1
    ldr     r1, [r0, #LDR_CB_REGS]
    movs    r7, #CR_PG
    str     r7, [r1, #FLASH_CR] @ FLASH_CR = PG; LOCK and OPTLOCK are set-only

    LDR_RING_SPAN crc=1

store:
    ldr     r7, [r0, r5]
    str     r7, [r2, r5]        @ first word
    adds    r3, r5, #4
    ldr     r7, [r0, r3]
    str     r7, [r2, r3]        @ second word: programming starts, BSY set
    movs    r3, r5
    bl      crc_upto            @ meanwhile, the double words before this one into the CRC,
    movs    r5, r3
    adds    r5, r5, #8
    bl      seek                @ and find the next one
    movs    r6, r3
    adds    r6, r6, #8
    cmp     r6, r5
    bne     busy_skip           @ double words are skipped before the next one
busy:
    ldr     r6, [r1, #FLASH_SR]
    lsrs    r4, r6, #17         @ BSY (bit 16) into the carry flag
    bcs     busy
    lsrs    r4, r4, #2          @ CFGBSY (bit 18) into the carry flag
    bcs     busy
    lsrs    r4, r6, #1
    lsls    r4, r4, #17         @ SR bits 15:1: the error flags (EOP, bit 0, left out)
    bne     fail
    ldr     r6, [r2, r3]        @ read back, first word
    ldr     r4, [r0, r3]
    cmp     r6, r4
    bne     differs
    adds    r3, r3, #4          @ second word
    ldr     r6, [r2, r3]
    ldr     r4, [r0, r3]
    subs    r3, r3, #4
    cmp     r6, r4
    bne     differs
    cmp     r5, r12
    blo     store
    b       spandone

    @ The same, then what the flash holds at the skipped double words goes into the ring for
    @ the CRC.
busy_skip:
    ldr     r6, [r1, #FLASH_SR]
    lsrs    r4, r6, #17
    bcs     busy_skip
    lsrs    r4, r4, #2
    bcs     busy_skip
    lsrs    r4, r6, #1
    lsls    r4, r4, #17
    bne     fail
    ldr     r6, [r2, r3]
    ldr     r4, [r0, r3]
    cmp     r6, r4
    bne     differs
    adds    r3, r3, #4
    ldr     r6, [r2, r3]
    ldr     r4, [r0, r3]
    subs    r3, r3, #4
    cmp     r6, r4
    bne     differs
    movs    r6, r3
    adds    r6, r6, #8
    bl      skipped
    cmp     r5, r12
    blo     store
    b       spandone

    LDR_DIFFERS
fail:
    lsls    r6, r6, #16         @ FLASH_SR[15:0] << 16
    LDR_STATUS_OR               @ LDR_ERR_STATUS | ...: never 0
    LDR_EXIT FLASH_CR, ldr, crc=1
    LDR_CRC_ROUTINES ldr, str, 4   @ the skipped double words a word at a time

    @ From offset r5, skips double words that are erased (both words equal to r9); returns
    @ r5 = offset of the next double word to program (>= r12 when none is left). Uses r4, r7.
seek:
    cmp     r5, r12
    bhs     1f
    ldr     r7, [r0, r5]
    cmp     r7, r9
    bne     1f
    adds    r4, r5, #4
    ldr     r7, [r0, r4]
    cmp     r7, r9
    bne     1f
    adds    r5, r5, #8
    b       seek
1:  bx      lr
    .size l4_program, . - l4_program
