/*
 * Flash loader for the L0/L1 controller, run from target SRAM by flash/l0l1.c through the shared
 * loader runner (flash/loader.h). It programs one job (a range of one bank) from the ring buffer
 * the host fills while it runs, and stops on a breakpoint when the job is done or fails.
 *
 * ARMv6-M Thumb, position independent (no literal pool): the same bytes run on the Cortex-M0+
 * (L0) and the Cortex-M3 (L1).
 *
 * Entry: r0 = the control block (loaders/loader_abi.h, LDR_CB_*): the controller's register
 *        block (0x40022000 on the L0, 0x40023C00 on the L1), the job (first address and length
 *        multiples of 4), the ring (address, power-of-two size), wp, rp, state, the erased word
 *        (0) and in LDR_CB_ARG the bytes of a half-page (64 on the L0, 128 on the L1).
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          LDR_ERR_STATUS | FLASH_SR[17:8] << 16 when the controller reports an error (WRPERR 8,
 *          PGAERR 9, SIZERR 10, OPTVERR 11, RDERR 13, NOTZEROERR 16, FWWERR 17: RM0377 §3.7.8,
 *          RM0038 §3.9.8; shifted so they do not mix with the LDR_ERR_* codes), or
 *          LDR_ERR_READBACK when a programmed word reads back different;
 *        r1 = flash address of the failing block (or word, on a read-back), r2 = what it reads.
 *
 * The job goes by blocks: a whole half-page where one starts at a half-page boundary inside the
 * job, else a single word. A block that reads erased in the image is skipped (the engine hands
 * over erased ranges only). A half-page (RM0377 §3.3.6 "Half-page programming", RM0038 §3.3.4):
 * FLASH_PECR = FPRG | PROG, its words written in order to consecutive addresses (the last one
 * starts the operation), BSY (FLASH_SR bit 0) polled until clear, PECR cleared. A word (§3.3.6
 * "Word programming"): PECR = 0, the word written, BSY polled. Then the error flags are checked
 * and the block read back. The loader waits for the host to have put a whole block into the
 * ring before it starts one; a word is fetched from the ring at (rp + offset) mod size, so a
 * block may wrap around the ring's end.
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    .equ FLASH_PECR, 0x04       @ RM0377 §3.7.2, RM0038 §3.9.2
    .equ FLASH_SR, 0x18         @ RM0377 §3.7.8, RM0038 §3.9.8
    .equ PECR_FPRG_PROG_SHR3, 0x81 @ (FPRG bit 10 | PROG bit 3) >> 3

#include "loader_ring.inc"

    @ Registers:
    @   r1  register block        r2  flash address of the block    r3  bytes in the block
    @   r5  offset in the block   r4, r6, r7  scratch               r0  control block (reloaded)
    @   r8  control block         r9  erased word                   r10 half-page bytes
    @   r11 ring mask             r12 ring address
    .global l0l1_program
    .type l0l1_program, %function
    .thumb_func
l0l1_program:
    LDR_ENTRY
    ldr     r7, [r0, #LDR_CB_ARG]
    mov     r10, r7
    ldr     r7, [r0, #LDR_CB_SIZE]
    subs    r7, r7, #1
    mov     r11, r7
    ldr     r7, [r0, #LDR_CB_RING]
    mov     r12, r7
    ldr     r1, [r0, #LDR_CB_REGS]
    movs    r7, #0
    str     r7, [r1, #FLASH_PECR] @ no operation bit; the lock bits are set-only

block:                          @ the next block starts at rp
    mov     r0, r8
    ldr     r6, [r0, #LDR_CB_RP]
    ldr     r5, [r0, #LDR_CB_LEN]
    cmp     r6, r5
    bhs     finished
    ldr     r2, [r0, #LDR_CB_ADDR]
    adds    r2, r2, r6          @ its flash address
    movs    r3, #4              @ a word, unless a whole half-page starts here
    mov     r7, r10
    subs    r4, r7, #1
    tst     r2, r4
    bne     wait
    adds    r4, r6, r7
    cmp     r4, r5
    bhi     wait
    movs    r3, r7              @ a half-page
wait:
    ldr     r7, [r0, #LDR_CB_WP]
    subs    r7, r7, r6          @ bytes in the ring from rp
    cmp     r7, r3
    blo     wait                @ the block has not arrived yet

    movs    r5, #0              @ erased in the image? then there is nothing to do
blank:
    bl      fetch
    cmp     r7, r9
    bne     program
    adds    r5, r5, #4
    cmp     r5, r3
    blo     blank
    b       advance

program:
    cmp     r3, #4
    beq     1f
    movs    r4, #PECR_FPRG_PROG_SHR3
    lsls    r4, r4, #3
    str     r4, [r1, #FLASH_PECR] @ half-page mode
1:  movs    r5, #0
store:
    bl      fetch
    str     r7, [r2, r5]        @ the last word starts the operation
    adds    r5, r5, #4
    cmp     r5, r3
    blo     store
busy:
    ldr     r6, [r1, #FLASH_SR]
    lsrs    r4, r6, #1          @ BSY (bit 0) into the carry flag
    bcs     busy
    movs    r4, #0
    str     r4, [r1, #FLASH_PECR] @ FPRG and PROG off
    lsrs    r4, r6, #8          @ SR bits 17:8: the error flags
    bne     fail
    movs    r5, #0
verify:
    bl      fetch
    ldr     r4, [r2, r5]
    cmp     r4, r7
    bne     differs
    adds    r5, r5, #4
    cmp     r5, r3
    blo     verify

advance:                        @ programmed and read back: the host may reuse the ring there
    mov     r0, r8
    ldr     r6, [r0, #LDR_CB_RP]
    adds    r6, r6, r3
    str     r6, [r0, #LDR_CB_RP]
    b       block

differs:
    adds    r2, r2, r5          @ the word that differs
    movs    r0, #(LDR_ERR_READBACK >> 8)
    lsls    r0, r0, #8          @ LDR_ERR_READBACK
    b       report
fail:
    lsls    r0, r4, #16         @ FLASH_SR[17:8] << 16
    movs    r7, #(LDR_ERR_STATUS >> 8)
    lsls    r7, r7, #8
    orrs    r0, r0, r7          @ LDR_ERR_STATUS | ...: never 0
    ldr     r4, [r2]            @ what the block's first word holds
report:
    mov     r3, r8
    movs    r5, #LDR_STATE_FAILED
    str     r5, [r3, #LDR_CB_STATE]
    movs    r1, r2
    movs    r2, r4
    bkpt    #0

finished:
    movs    r6, #LDR_STATE_DONE
    str     r6, [r0, #LDR_CB_STATE]
    movs    r0, #0
    bkpt    #0

    @ r7 = the image word at offset r5 of the block: ring[(rp + r5) & mask]. Uses r4.
fetch:
    mov     r4, r8
    ldr     r4, [r4, #LDR_CB_RP]
    adds    r4, r4, r5
    mov     r7, r11
    ands    r4, r4, r7
    add     r4, r4, r12
    ldr     r7, [r4]
    bx      lr
    .size l0l1_program, . - l0l1_program
