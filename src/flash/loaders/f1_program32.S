/*
 * Flash loader for FPEC-compatible controllers that accept 32-bit word programming: the
 * GigaDevice GD32F1x (STFLASH_CLONE_PROGRAM_32BIT; stm32-chip-table.md Table 5: "32-bit word
 * programming allowed"). Run from target SRAM by flash/f1.c instead of f1_program.S when the
 * target has that quirk: one word store programs 4 bytes in one program time, where the
 * half-word loader needs two.
 *
 * The same job block and the same answers as f1_program.S, in words:
 * Entry: r0 = address of a job block in SRAM (word aligned):
 *          +0  FPEC register block of the bank being programmed
 *          +4  first flash address (word aligned)
 *          +8  number of half-words (even: the driver hands over whole words only)
 *          +12 the data
 * Exit (BKPT): r0 = 0 on success, otherwise
 *          0x200 | FLASH_SR when the controller reports an error (PGERR 0x04, WRPRTERR 0x10), or
 *          0x100 when a programmed word reads back different;
 *        r1 = flash address of the failing word, r2 = the word read back there.
 *
 * Per word: FLASH_CR.PG is set once, the word is stored to its flash address, FLASH_SR.BSY is
 * polled until clear, FLASH_SR.PGERR/WRPRTERR are checked and the word is read back. Words equal
 * to 0xFFFFFFFF are skipped (the engine hands over erased ranges only); the next word to program
 * is found while the controller is busy with the current one.
 *
 * ARMv6-M subset of Thumb-2, position independent, as f1_program.S.
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
    @   r5  offset of the next word to program               r7  its value
    @   r6  scratch               r12 end offset (2 x half-word count)
    .global f1_program32
    .type f1_program32, %function
    .thumb_func
f1_program32:
    cpsid   i                   @ no firmware interrupt handler may run in between
    ldm     r0!, {r1, r2, r3}   @ r1 = FPEC block, r2 = destination, r3 = half-words; r0 = data
    lsls    r3, r3, #1
    mov     r12, r3
    movs    r7, #CR_PG
    str     r7, [r1, #FPEC_CR]  @ FLASH_CR = PG; LOCK is already clear
    movs    r5, #0
    bl      seek                @ the first word to program

next:
    cmp     r5, r12
    bhs     done
    movs    r3, r5
    movs    r4, r7
    str     r4, [r2, r3]        @ programming starts: FLASH_SR.BSY set
    adds    r5, r5, #4
    bl      seek                @ meanwhile, find the next one
busy:
    ldr     r6, [r1, #FPEC_SR]
    lsrs    r6, r6, #1          @ BSY (bit 0) into the carry flag
    bcs     busy
    lsls    r6, r6, #28         @ SR bits 1-4: PGERR (2), WRPRTERR (4); bits 1 and 3 read 0
    bne     fail
    ldr     r6, [r2, r3]        @ read back
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
    ldr     r7, [r2, r3]        @ what the failing word holds
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

    @ From offset r5, skips words equal to 0xFFFFFFFF; returns r5 = offset of the next word to
    @ program (>= r12 when none is left) and r7 = its value. Uses r6.
seek:
    cmp     r5, r12
    bhs     1f
    ldr     r7, [r0, r5]
    adds    r6, r7, #1          @ 0 exactly when r7 == 0xFFFFFFFF
    bne     1f
    adds    r5, r5, #4
    b       seek
1:  bx      lr
    .size f1_program32, . - f1_program32
