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
 * busy with it, a word at a time (LDR_CRC_ROUTINES_WORDS): about 100 cycles for a double word,
 * and with the seek under 200. The slowest case is the L4 after reset, its core on the 4 MHz MSI
 * (RM0351 §6.2.3), where the 81.69 µs of tPROG (DS10198 "Flash memory characteristics", typical)
 * are 326 cycles: the flash does not wait for it. The G0/G4/WB/WL/C0 run on HSI16 or faster.
 *
 * LDR_CB_ARG = 1: fast programming (RM0351 §3.3.7, RM0444 §3.3.7 "Fast programming"), for a
 * bank mass-erased just before, with HCLK at 8 MHz or more (flash/l4.c decides). The job is whole
 * rows of 32 double words (first address aligned to 256, length a multiple of 256), each row
 * either erased in the image (skipped) or without an erased double word. FLASH_CR.FSTPG is set
 * once; a row is taken only when the ring holds all of it, and its 32 double words are stored
 * back to back: the controller stalls each store until the double word before is programmed,
 * and a double word that comes after the one before has been programmed ends the row with
 * MISERR. While the last one programs, the row goes into the CRC; then BSY, the error flags, and
 * the row read back (reading the bank during the row would abort it, RM0440 §3.3.7).
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ FLASH_SR, 0x10         @ RM0351 §3.7.5, RM0444 §3.7.4
    .equ FLASH_CR, 0x14         @ RM0351 §3.7.6, RM0444 §3.7.5
    .equ CR_PG, 0x01
    .equ CR_FSTPG_BIT, 18       @ RM0351 §3.7.6, RM0444 §3.7.5
    .equ ROW_SHIFT, 8           @ a fast-programming row: 32 double words

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
    ldr     r7, [r0, #LDR_CB_ARG]
    cmp     r7, #0
    beq     1f
    b       fast
1:  movs    r7, #CR_PG
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

    @ ---- fast programming, a row at a time ----
    @ Registers: r0 data of the span, r1 register block, r2 flash address of the span,
    @ r3 offset being stored, r5 offset of the row, r12 span length (whole rows), r8-r11 as above.
fast:
    movs    r7, #1
    lsls    r7, r7, #CR_FSTPG_BIT
    str     r7, [r1, #FLASH_CR] @ FLASH_CR = FSTPG
fspan:
    mov     r0, r8
    ldr     r6, [r0, #LDR_CB_RP]
    ldr     r5, [r0, #LDR_CB_LEN]
    cmp     r6, r5
    blo     fwait
    b       finished
fwait:
    ldr     r7, [r0, #LDR_CB_WP]
    subs    r7, r7, r6          @ bytes available
    lsrs    r7, r7, #ROW_SHIFT
    beq     fwait               @ not a whole row yet
    lsls    r7, r7, #ROW_SHIFT  @ whole rows available
    ldr     r5, [r0, #LDR_CB_SIZE]
    subs    r4, r5, #1
    ands    r4, r4, r6          @ where rp is in the ring (a multiple of the row)
    subs    r5, r5, r4          @ bytes up to the end of the ring
    cmp     r7, r5
    bls     1f
    movs    r7, r5
1:  mov     r12, r7
    ldr     r2, [r0, #LDR_CB_ADDR]
    adds    r2, r2, r6
    ldr     r3, [r0, #LDR_CB_RING]
    adds    r0, r3, r4
    movs    r5, #0
    mov     r11, r5             @ the CRC from offset 0 of the span
frow:
    movs    r3, r5
    movs    r4, #1
    lsls    r4, r4, #ROW_SHIFT
    adds    r4, r4, r5          @ r4 = end of the row
2:  ldr     r7, [r0, r3]
    cmp     r7, r9
    bne     fprog
    adds    r3, r3, #4
    cmp     r3, r4
    blo     2b
    movs    r6, r5              @ erased in the image: what the flash holds goes into the ring
    movs    r5, r4
    bl      skipped
    b       fnext
fprog:
    movs    r3, r5
3:  ldr     r7, [r0, r3]
    str     r7, [r2, r3]        @ first word
    adds    r3, r3, #4
    ldr     r7, [r0, r3]
    str     r7, [r2, r3]        @ second word: stalls until the double word before is programmed
    adds    r3, r3, #4
    cmp     r3, r4
    blo     3b
    bl      crc_upto            @ the row into the CRC while its last double word programs
fbusy:
    ldr     r6, [r1, #FLASH_SR]
    lsrs    r4, r6, #17         @ BSY
    bcs     fbusy
    lsrs    r4, r4, #2          @ CFGBSY
    bcs     fbusy
    lsrs    r4, r6, #1
    lsls    r4, r4, #17         @ the error flags
    bne     ffail
    mov     r5, r11             @ the end of the row
    movs    r3, #1
    lsls    r3, r3, #ROW_SHIFT
    subs    r3, r5, r3          @ its start
4:  ldr     r6, [r2, r3]        @ read back
    ldr     r4, [r0, r3]
    cmp     r6, r4
    bne     fdiffers
    adds    r3, r3, #4
    cmp     r3, r5
    blo     4b
fnext:                          @ r5 = offset of the next row
    cmp     r5, r12
    blo     frow
    mov     r3, r12
    bl      crc_upto            @ rows skipped at the end of the span
    mov     r3, r8
    ldr     r6, [r3, #LDR_CB_RP]
    add     r6, r12
    str     r6, [r3, #LDR_CB_RP]
    b       fspan
fdiffers:
    b       differs
ffail:                          @ r6 = FLASH_SR; the flags do not tell which double word: the row's first
    mov     r3, r11
    movs    r5, #1
    lsls    r5, r5, #ROW_SHIFT
    subs    r3, r3, r5
    b       fail

    LDR_CRC_ROUTINES_WORDS      @ the skipped double words and the CRC a word at a time

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
