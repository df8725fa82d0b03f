/*
 * Flash loader for the H7 flash interface, run from target SRAM (the DTCM) by flash/h7.c through
 * the shared loader runner (flash/loader.h). It programs one job (a range of one bank) from the
 * ring buffer the host fills while it runs, and stops on a breakpoint when the job is done or
 * fails (the same scheme and answers as l4_program.S).
 *
 * The H7 programs whole flash words with their ECC (RM0433 §4.3.9 "Flash program operation"):
 * 256 bits on the H742/H743/H750/H753 (this build), 128 bits on the H7A3/H7B3 (RM0455 §4.3.9;
 * h7_program16.S defines H7_WORD 16). The words of a flash word are written in order into the
 * write buffer; when it is full the controller queues the flash word (FLASH_SR.QW) and programs
 * it (BSY). A partly written flash word stays in the buffer (WBNE) and is never programmed on its
 * own.
 *
 * Written in the ARMv6-M subset of Thumb (the project's rule for loaders), position independent.
 *
 * Entry: r0 = the control block (loaders/loader_abi.h, LDR_CB_*): the bank's register block
 *        (0x52002000 or 0x52002100), the job (first address aligned to the flash word, length a
 *        multiple of it), the ring, wp, rp, state, the erased word (0xFFFFFFFF), and in
 *        LDR_CB_ARG the FLASH_CR value to program with (PG, and PSIZE on the H743).
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          LDR_ERR_STATUS | FLASH_SR[31:16] << 16 when the controller reports an error (WRPERR
 *          17, PGSERR 18, STRBERR 19, INCERR 21, OPERR 22, RDPERR 23, RDSERR 24, SNECCERR 25,
 *          DBECCERR 26, CRCRDERR 28: RM0433 §4.9.5), or
 *          LDR_ERR_READBACK when a programmed word reads back different;
 *        r1 = the address of the failing flash word (of the differing word for a read-back),
 *        r2 = the word read back there.
 *
 * Per flash word: FLASH_CR = PG (| PSIZE) once, the words stored, DSB so that they have all left
 * the core, FLASH_SR polled until BSY, WBNE and QW (bits 0-2) are clear, the error flags checked
 * and the words read back. Flash words that are erased in the image are skipped (the engine hands
 * over erased ranges only); the next one to program is found while the controller is busy.
 *
 * The loader checks in the pass as f1_program.S does (loaders/loader_ring.inc, LDR_CB_CRC): the
 * CRC of the flash words before the one being programmed is computed while the controller is
 * busy with it, a bit at a time: about 850 cycles for 32 bytes (430 for the 16 bytes of the
 * H7A3/H7B3), against a tPROG of 50-100 µs (DS12110, DS13195 "Flash memory characteristics")
 * that the 64 MHz HSI the core runs on after reset (RM0433 §8, RCC) makes
 * 3200-6400 cycles. So the flash does not wait for it, and no table is needed.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ H7_CR, 0x0C            @ FLASH_CR1/2 offset (RM0433 §4.9.4)
    .equ H7_SR, 0x10            @ FLASH_SR1/2 offset (RM0433 §4.9.5)

#include "loader_ring.inc"

#ifndef H7_WORD
#define H7_WORD 32
#endif

    @ Registers in the span loop:
    @   r0  data of the span      r1  register block         r2  flash address of the span
    @   r3  offset of the flash word being programmed        r4, r6, r7  scratch
    @   r5  offset of the next flash word to program
    @   r8  control block         r9  erased word            r12 span length
    @   r10 CRC register          r11 offset up to which the CRC is taken
    .global h7_program
    .type h7_program, %function
    .thumb_func
h7_program:
    LDR_ENTRY crc=1
    ldr     r7, [r0, #LDR_CB_ARG]
    ldr     r1, [r0, #LDR_CB_REGS]
    str     r7, [r1, #H7_CR]    @ FLASH_CR = PG (| PSIZE); LOCK is set-only

    LDR_RING_SPAN crc=1

store:
    movs    r3, r5              @ the flash word being programmed
    movs    r4, r5
    adds    r4, #H7_WORD        @ its end
2:  ldr     r7, [r0, r5]
    str     r7, [r2, r5]        @ into the write buffer; the last word queues the flash word
    adds    r5, #4
    cmp     r5, r4
    blo     2b
    dsb
    bl      crc_upto            @ meanwhile, the flash words before this one into the CRC,
    movs    r5, r3
    adds    r5, #H7_WORD
    bl      seek                @ and find the next one
    movs    r6, r3
    adds    r6, #H7_WORD
    cmp     r6, r5
    bne     busy_skip           @ flash words are skipped before the next one
busy:
    ldr     r6, [r1, #H7_SR]
    lsls    r4, r6, #29         @ BSY, WBNE, QW (bits 0-2)
    bne     busy
    lsrs    r4, r6, #17         @ the error flags (bits 17-28; EOP, bit 16, left out)
    bne     fail
    movs    r4, r3
    adds    r4, #H7_WORD
3:  ldr     r6, [r2, r3]        @ read back
    ldr     r7, [r0, r3]
    cmp     r6, r7
    bne     differs
    adds    r3, #4
    cmp     r3, r4
    blo     3b
    cmp     r5, r12
    blo     store
    b       spandone

    @ The same, then what the flash holds at the skipped flash words goes into the ring for the
    @ CRC.
busy_skip:
    ldr     r6, [r1, #H7_SR]
    lsls    r4, r6, #29
    bne     busy_skip
    lsrs    r4, r6, #17
    bne     fail
    movs    r4, r3
    adds    r4, #H7_WORD
6:  ldr     r6, [r2, r3]
    ldr     r7, [r0, r3]
    cmp     r6, r7
    bne     differs
    adds    r3, #4
    cmp     r3, r4
    blo     6b
    movs    r6, r3              @ the end of the flash word just programmed
    bl      skipped
    cmp     r5, r12
    blo     store
    b       spandone

    LDR_DIFFERS
fail:
    lsrs    r6, r6, #16
    lsls    r6, r6, #16         @ FLASH_SR[31:16] << 16
    LDR_STATUS_OR               @ LDR_ERR_STATUS | ...: never 0
    LDR_EXIT H7_CR, ldr, crc=1
    LDR_CRC_ROUTINES ldr, str, 4   @ the skipped flash words a word at a time

    @ From offset r5, skips flash words that are erased (every word equal to r9); returns
    @ r5 = offset of the next flash word to program (>= r12 when none is left). Uses r4, r6, r7.
seek:
    cmp     r5, r12
    bhs     5f
    movs    r4, r5
    adds    r4, #H7_WORD        @ end of this flash word
    movs    r6, r5
4:  ldr     r7, [r0, r6]
    cmp     r7, r9
    bne     5f                  @ not erased: program it
    adds    r6, #4
    cmp     r6, r4
    blo     4b
    movs    r5, r4              @ all erased: skip it
    b       seek
5:  bx      lr
    .size h7_program, . - h7_program
