/*
 * CRC-32 of flash regions, run from target SRAM by flash/crc.c so that verification reads the
 * flash on the target instead of over SWD: the host sends a few descriptors and reads back four
 * bytes per piece instead of every byte.
 *
 * The CRC is the common reflected CRC-32 (polynomial 0x04C11DB7, reflected 0xEDB88320; initial
 * value and final XOR 0xFFFFFFFF: the CRC of "123456789" is 0xCBF43926), computed one byte at a
 * time through a 256-entry table. The routine builds the table in SRAM itself when asked (about
 * 11k cycles: 1.4 ms at the 8 MHz of the reset clock), which is quicker than sending 1 KiB over
 * SWD.
 *
 * Written in the ARMv6-M subset of Thumb-2 so that the same bytes run on the Cortex-M0, M3 and
 * M4; position independent, no stack use, no literal pool. crc32_v7m.S assembles the same source
 * for ARMv7-M and later (CRC_V7M: Cortex-M3, M4, M7, M33), where a table step is three
 * instructions instead of five (a scaled index in the load, a shifted operand in the XOR): 16
 * instructions a word instead of 24, so the CRC of a flash unit takes a third less time.
 *
 * Entry: r0 = address of a parameter block in SRAM (word aligned), laid out in loader_abi.h
 *        (CRC_PB_*): table address (1 KiB), flags (bit 0: build the table first), number of
 *        descriptors, output address (one result per piece, in order), the erased byte in all
 *        four bytes; then the descriptors, 12 bytes each: first address, length in bytes, piece
 *        length (0: the whole region) with bit 31 set for a blank check instead of a CRC.
 *        A region is cut into pieces of the piece length from its first address, the last piece
 *        shorter; a region of length 0 has no piece.
 * Exit (BKPT): r0 = number of results written.
 *
 * Per piece, bytes are taken one at a time up to a word boundary, then a word at a time (four
 * table steps per word, least significant byte first as in memory), then the last bytes. A piece
 * whose bytes are all erased (0xFF, or 0x00 on the L0/L1) gives 0 instead of its CRC: the piece
 * is first scanned for a byte that is not erased, a word at a time (five instructions a word, and the scan stops at
 * the first such byte, usually the first word of programmed flash), so erased flash is not put
 * through the table. The host expects 0 for an image piece of erased bytes.
 *
 * A blank check gives 0 when every byte of the piece is erased, 0xFFFFFFFF otherwise: the
 * same scan, stopped at the first byte that is not erased (the exact answer, where
 * comparing with the CRC of erased bytes would only be nearly certain).
 */
    .syntax unified
#ifdef CRC_V7M
    .cpu cortex-m3
#else
    .cpu cortex-m0
#endif
    .thumb
    .text

#include "loader_abi.h"
    .if CRC_PB_TABLE != 0 || CRC_PB_FLAGS != 4 || CRC_PB_COUNT != 8 || CRC_PB_OUT != 12
    .error "crc32.S loads the parameter block with ldm in this order"
    .endif
    .if CRC_PB_ERASED != 16 || CRC_PB_BYTES != 20 || CRC_DESC_BYTES != 12
    .error "crc32.S loads the erased pattern and the descriptors with ldm in this order"
    .endif

    @ Registers:
    @   r0  next descriptor       r1  table                 r2  CRC register
    @   r3  end of the whole words of the piece             r4  scratch
    @   r5  address being read    r6  end of the piece      r7  end of the region
    @   r8  descriptors left      r9  next output           r10 erased pattern (a word)
    @   r11 results written       r12 piece length (bit 31: blank check)

#ifdef CRC_V7M
    @ One byte at [r5] into the CRC.
    .macro crc_byte
    ldrb    r4, [r5], #1
    eors    r4, r4, r2
    uxtb    r4, r4
    ldr     r4, [r1, r4, lsl #2]
    eor     r2, r4, r2, lsr #8
    .endm

    @ One table step: the low byte of the CRC register (already XORed with the data) out.
    .macro crc_step
    uxtb    r4, r2
    ldr     r4, [r1, r4, lsl #2]
    eor     r2, r4, r2, lsr #8
    .endm
#else
    @ One byte at [r5] into the CRC.
    .macro crc_byte
    ldrb    r4, [r5]
    adds    r5, r5, #1
    eors    r4, r4, r2
    uxtb    r4, r4
    lsls    r4, r4, #2
    ldr     r4, [r1, r4]
    lsrs    r2, r2, #8
    eors    r2, r2, r4
    .endm

    @ One table step: the low byte of the CRC register (already XORed with the data) out.
    .macro crc_step
    uxtb    r4, r2
    lsls    r4, r4, #2
    ldr     r4, [r1, r4]
    lsrs    r2, r2, #8
    eors    r2, r2, r4
    .endm
#endif

    .global crc32_pieces
    .type crc32_pieces, %function
    .thumb_func
crc32_pieces:
    ldm     r0!, {r1, r2, r3, r4}   @ table, flags, descriptor count, output
    mov     r8, r3
    mov     r9, r4
    ldm     r0!, {r5}               @ erased pattern; r0 = descriptors
    mov     r10, r5
    movs    r4, #0
    mov     r11, r4
    lsrs    r2, r2, #1              @ flag bit 0 into the carry
    bcc     descriptor

    @ Table: entry i is i shifted out eight times through the reflected polynomial.
    movs    r3, #0xED               @ r3 = 0xEDB88320
    lsls    r3, r3, #8
    adds    r3, r3, #0xB8
    lsls    r3, r3, #8
    adds    r3, r3, #0x83
    lsls    r3, r3, #8
    adds    r3, r3, #0x20
    movs    r4, #0                  @ i
entry:
    movs    r2, r4
    movs    r5, #8
bit:
    lsrs    r2, r2, #1              @ the bit shifted out decides the XOR
    bcc     1f
    eors    r2, r2, r3
1:  subs    r5, r5, #1
    bne     bit
    lsls    r6, r4, #2
    str     r2, [r1, r6]
    adds    r4, r4, #1
    cmp     r4, #0xFF
    bls     entry

descriptor:
    mov     r4, r8
    subs    r4, r4, #1
    bpl     1f
    b       finished                @ (out of reach of a conditional branch)
1:  mov     r8, r4
    ldm     r0!, {r5, r6, r7}       @ first address, length, piece length
    lsls    r4, r7, #1              @ without the blank-check flag
    bne     1f
    orrs    r7, r7, r6              @ 0: one piece, the whole region (the flag kept)
1:  mov     r12, r7
    adds    r7, r5, r6              @ end of the region

piece:
    cmp     r5, r7
    bhs     descriptor
    mov     r6, r12
    lsls    r6, r6, #1
    lsrs    r6, r6, #1              @ the piece length without the flag
    adds    r6, r5, r6              @ end of the piece ...
    cmp     r6, r7
    bls     1f
    movs    r6, r7                  @ ... or of the region
1:  movs    r2, r5                  @ where the piece starts, while r5 looks for a byte that
shead:                              @ is not erased
    cmp     r5, r6
    bhs     erased
    lsls    r4, r5, #30
    beq     swords
    ldrb    r4, [r5]
    adds    r5, r5, #1
    mov     r3, r10
    uxtb    r3, r3                  @ the erased byte
    cmp     r4, r3
    bne     programmed
    b       shead
swords:
    subs    r3, r6, r5
    lsrs    r3, r3, #2
    lsls    r3, r3, #2
    adds    r3, r3, r5              @ end of the whole words
#ifdef CRC_V7M
    @ Four words at a time (lr is free: the routine calls nothing, and the stack, next to the
    @ routine, stays untouched): their AND (erased 0xFFFFFFFF) or OR (erased 0) is the erased word
    @ while they are erased.
    @ One loop per erased value, so that each takes ten instructions per four words: op combines
    @ them, last is the op that also sets the flags, test the instruction (if any) that makes the
    @ result 0 when the four words are erased.
    .macro SCAN_FOUR loop, op, last, test
\loop:
    cmp     r5, r3
    bhi     sfour
    ldrd    r4, lr, [r5], #8
    \op     r4, r4, lr
    ldr     lr, [r5], #4
    \op     r4, r4, lr
    ldr     lr, [r5], #4
    \last   r4, r4, lr
    \test
    beq     \loop
    .endm
    subs    r3, r3, #16             @ the last place four whole words start
    cmp     r10, #0
    beq     szero
    SCAN_FOUR sones, and, and, "adds r4, r4, #1" @ all ones: 0 after adding 1
    b       sback
    SCAN_FOUR szero, orr, orrs
sback:
    subs    r5, r5, #16             @ not erased: the four again, a word at a time
sfour:
    adds    r3, r3, #16
#endif
    cmp     r5, r3
    bhs     stail
sword:
    ldm     r5!, {r4}
    cmp     r4, r10                 @ an erased word?
    bne     programmed
    cmp     r5, r3
    blo     sword
stail:                              @ r3 is free again: the erased byte
    cmp     r5, r6
    bhs     erased
    ldrb    r4, [r5]
    adds    r5, r5, #1
    mov     r3, r10
    uxtb    r3, r3
    cmp     r4, r3
    bne     programmed
    b       stail
erased:
    movs    r2, #0
    mvns    r2, r2                  @ the result is its complement: 0
    b       done
programmed:
    mov     r4, r12
    lsls    r4, r4, #1              @ the blank-check flag into the carry
    bcc     2f
    movs    r5, r6                  @ blank check: not erased, the rest need not be read
    movs    r2, #0                  @ the result is its complement: 0xFFFFFFFF
    b       done
2:  movs    r5, r2                  @ CRC: from the start again, through the table
    movs    r2, #0
    mvns    r2, r2

head:                               @ single bytes up to a word boundary
    cmp     r5, r6
    bhs     done
    lsls    r4, r5, #30
    beq     words
    crc_byte
    b       head

words:
    subs    r3, r6, r5
    lsrs    r3, r3, #2
    lsls    r3, r3, #2
    adds    r3, r3, r5              @ end of the whole words
    cmp     r5, r3
    bhs     tail
word:
    ldm     r5!, {r4}
    eors    r2, r2, r4
    crc_step
    crc_step
    crc_step
    crc_step
    cmp     r5, r3
    blo     word

tail:                               @ the bytes after the last whole word
    cmp     r5, r6
    bhs     done
    crc_byte
    b       tail

done:
    mvns    r2, r2                  @ the CRC's final XOR
    mov     r4, r9
    stm     r4!, {r2}
    mov     r9, r4
    movs    r4, #1
    add     r11, r4
    b       piece

finished:
    mov     r0, r11
    bkpt    #0
    .size crc32_pieces, . - crc32_pieces
