/*
 * Flash loader for the TrustZone flash controller of the L5 and U5 through its non-secure
 * registers, run from target SRAM by flash/l5u5.c through the shared loader runner
 * (flash/loader.h). It programs one job (a range of one bank) from the ring buffer the host fills
 * while it runs, and stops on a breakpoint when the job is done or fails. This source builds the
 * U5's quad-word loader (L5U5_UNIT 16, RM0456 §7.3.7); l5u5_program8.S the L5's double-word one
 * (RM0438 §6.3.7); h5_program.S the H5's quad-word one (L5U5_H5: the same registers with other
 * bits, RM0481 §7.3: PG bit 1, BSY bit 0, the error flags in bits 23:17, reported as they sit).
 *
 * ARMv6-M Thumb, position independent (no literal pool).
 *
 * Entry: r0 = the control block (loaders/loader_abi.h, LDR_CB_*): the non-secure register block
 *        (0x40022000), the job (first address aligned to the unit, length a multiple of it), the
 *        ring (address, power-of-two size), wp, rp, state, and the erased word (0xFFFFFFFF).
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          LDR_ERR_STATUS | FLASH_NSSR[15:0] << 16 when the controller reports an error (OPERR 1,
 *          PROGERR 3, WRPERR 4, PGAERR 5, SIZERR 6, PGSERR 7, OPTWERR 13: RM0438 §6.9.7, RM0456
 *          §7.9.7), or LDR_ERR_READBACK when a programmed unit reads back different;
 *        r1 = flash address of the failing unit, r2 = its first word as read back.
 *
 * Per unit: FLASH_NSCR.PG is set once, the unit's 32-bit words are written in order to their
 * flash addresses (the last one starts the operation), NSSR.NSBSY (bit 16) is polled until clear
 * (the U5's WDW, bit 17, and the bits above are left alone), the error flags checked and the unit
 * read back. Units that read erased in the image are skipped (the engine hands over erased
 * ranges only). The next unit to program is found while the controller is busy with this one;
 * rp is published once per span.
 *
 * The loader checks in the pass as l4_program.S does (loaders/loader_ring.inc, LDR_CB_CRC): the
 * CRC of the units before the one being programmed is computed while the controller is busy
 * with it. A bit at a time that would be about 430 cycles for a quad word, most of the 472
 * that its 118 µs of tPROG (DS13737 "Flash memory characteristics", typical) last on the U5 after
 * reset, its core on the 4 MHz MSIS (RM0456 §11.4.4); so the CRC takes a word at a time from a
 * 16-word table (LDR_CRC_ROUTINES_WORDS): from the last store of a unit to the first poll of
 * NSBSY, CRC and seek included, 209 cycles for a quad word and 117 for a double word, counted on
 * the virtual board (one instruction a cycle, docs/virtual-clock.md). The L5's 81.7 µs (DS12736)
 * are 327 cycles at its 4 MHz MSI (RM0438 §9.2.3), the H5's 66 µs (the virtual board's figure)
 * over 2000 at the HSI it starts on: the flash does not wait for the CRC. The units skipped
 * before the next one go into the CRC with it, 184 cycles each (92 for a double word), so after
 * a run of them the flash may wait once, having been spared their programming.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

#ifndef L5U5_UNIT
#define L5U5_UNIT 16
#endif
    .equ FLASH_NSSR, 0x20       @ RM0438 §6.9.7, RM0456 §7.9.7, RM0481 §7.11
    .equ FLASH_NSCR, 0x28       @ RM0438 §6.9.9, RM0456 §7.9.9, RM0481 §7.11
#ifdef L5U5_H5
    .equ CR_PG, 0x02            @ H5: NSCR.PG is bit 1
#else
    .equ CR_PG, 0x01
#endif
    .equ UNIT, L5U5_UNIT

#include "loader_ring.inc"

    @ Waits until the controller is done with the unit at r3, then checks its error flags
    @ (to fail, r6 = NSSR) and reads it back (to differs). Uses r4, r6, r7.
    .macro BUSY_READBACK
1:  ldr     r6, [r1, #FLASH_NSSR]
#ifdef L5U5_H5
    lsrs    r4, r6, #1          @ H5: BSY (bit 0) into the carry flag
    bcs     1b
    lsrs    r4, r6, #17
    lsls    r4, r4, #25         @ NSSR bits 23:17: WRPERR to OPTCHANGEERR (EOP, bit 16, left out)
#else
    lsrs    r4, r6, #17         @ NSBSY (bit 16) into the carry flag
    bcs     1b
    lsrs    r4, r6, #1
    lsls    r4, r4, #17         @ NSSR bits 15:1: the error flags (EOP, bit 0, left out)
#endif
    bne     fail
    movs    r4, r3              @ read back
    .rept UNIT / 4
    ldr     r6, [r2, r4]
    ldr     r7, [r0, r4]
    cmp     r6, r7
    bne     differs
    adds    r4, r4, #4
    .endr
    .endm

    @ Registers in the span loop:
    @   r0  data of the span      r1  register block         r2  flash address of the span
    @   r3  offset being programmed                          r4, r6, r7  scratch
    @   r5  offset of the next unit to program
    @   r8  control block         r9  erased word            r12 span length
    @   r10 CRC register          r11 offset up to which the CRC is taken
    .global l5u5_program
    .type l5u5_program, %function
    .thumb_func
l5u5_program:
    LDR_ENTRY crc=1
    ldr     r1, [r0, #LDR_CB_REGS]
    movs    r7, #CR_PG
    str     r7, [r1, #FLASH_NSCR] @ NSCR = PG; LOCK and OPTLOCK are set-only

    LDR_RING_SPAN crc=1

store:
    movs    r3, r5
    .rept UNIT / 4
    ldr     r7, [r0, r3]
    str     r7, [r2, r3]        @ the last word starts programming: NSBSY set
    adds    r3, r3, #4
    .endr
    movs    r3, r5
    bl      crc_upto            @ meanwhile, the units before this one into the CRC,
    movs    r5, r3
    adds    r5, r5, #UNIT
    bl      seek                @ and find the next one
    movs    r6, r3
    adds    r6, r6, #UNIT
    cmp     r6, r5
    bne     busy_skip           @ units are skipped before the next one
busy:
    BUSY_READBACK
    cmp     r5, r12
    blo     store
    b       spandone

    LDR_DIFFERS
fail:
#ifdef L5U5_H5
    lsrs    r6, r6, #16
    lsls    r6, r6, #16         @ H5: FLASH_NSSR[31:16] where they are
#else
    lsls    r6, r6, #16         @ FLASH_NSSR[15:0] << 16
#endif
    LDR_STATUS_OR               @ LDR_ERR_STATUS | ...: never 0
    LDR_EXIT FLASH_NSCR, ldr, crc=1

    @ As busy, then what the flash holds at the skipped units goes into the ring for the CRC.
busy_skip:
    BUSY_READBACK
    movs    r6, r3
    adds    r6, r6, #UNIT
    bl      skipped
    cmp     r5, r12
    blo     store
    b       spandone

    LDR_CRC_ROUTINES_WORDS

    @ From offset r5, skips units that are erased (every word equal to r9); returns r5 = offset
    @ of the next unit to program (>= r12 when none is left). Uses r4, r7.
seek:
    cmp     r5, r12
    bhs     9f
    movs    r4, r5
    .rept UNIT / 4
    ldr     r7, [r0, r4]
    cmp     r7, r9
    bne     9f
    adds    r4, r4, #4
    .endr
    adds    r5, r5, #UNIT
    b       seek
9:  bx      lr
    .size l5u5_program, . - l5u5_program
