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
 * M4; position independent, no stack use, no literal pool.
 *
 * Entry: r0 = address of a parameter block in SRAM (word aligned):
 *          +0  table address (1 KiB, word aligned)
 *          +4  flags: bit 0 = build the table first
 *          +8  number of descriptors
 *          +12 output address (word aligned): one CRC per piece, in order
 *          +16 the descriptors, 12 bytes each:
 *                +0 first address, +4 length in bytes, +8 piece length (0: the whole region),
 *                   bit 31 set for a blank check instead of a CRC
 *              a region is cut into pieces of the piece length from its first address, the last
 *              piece shorter; a region of length 0 has no piece.
 * Exit (BKPT): r0 = number of results written.
 *
 * Per piece, bytes are taken one at a time up to a word boundary, then a word at a time (four
 * table steps per word, least significant byte first as in memory), then the last bytes.
 *
 * A blank check gives 0 when every byte of the piece is 0xFF (erased flash), something else
 * otherwise: the complement of the AND of its bytes, one instruction per word (the exact answer,
 * where comparing with the CRC of erased bytes would only be nearly certain).
 */
    .syntax unified
    .cpu cortex-m0
    .thumb
    .text

    @ Registers:
    @   r0  next descriptor       r1  table                 r2  CRC register (blank: AND)
    @   r3  end of the whole words of the piece             r4  scratch
    @   r5  address being read    r6  end of the piece      r7  end of the region
    @   r8  descriptors left      r9  next output           r10 piece length
    @   r11 results written       r12 piece length field as given (bit 31: blank check)

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

    .global crc32_pieces
    .type crc32_pieces, %function
    .thumb_func
crc32_pieces:
    ldm     r0!, {r1, r2, r3, r4}   @ table, flags, descriptor count, output; r0 = descriptors
    mov     r8, r3
    mov     r9, r4
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
    bmi     finished
    mov     r8, r4
    ldm     r0!, {r5, r6, r7}       @ first address, length, piece length
    mov     r12, r7
    lsls    r7, r7, #1              @ without the blank-check flag
    lsrs    r7, r7, #1
    bne     1f
    movs    r7, r6                  @ 0: one piece
1:  mov     r10, r7
    adds    r7, r5, r6              @ end of the region

piece:
    cmp     r5, r7
    bhs     descriptor
    mov     r6, r10
    adds    r6, r5, r6              @ end of the piece ...
    cmp     r6, r7
    bls     1f
    movs    r6, r7                  @ ... or of the region
1:  movs    r2, #0
    mvns    r2, r2                  @ CRC register = 0xFFFFFFFF
    mov     r4, r12
    lsls    r4, r4, #1              @ the blank-check flag into the carry
    bcs     bhead

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

    @ Blank check: the AND of every byte into r2.
bhead:                              @ single bytes up to a word boundary
    cmp     r5, r6
    bhs     done
    lsls    r4, r5, #30
    beq     bwords
    ldrb    r4, [r5]
    adds    r5, r5, #1
    mvns    r4, r4
    uxtb    r4, r4                  @ the bits of the byte that are 0
    bics    r2, r2, r4
    b       bhead

bwords:
    subs    r3, r6, r5
    lsrs    r3, r3, #2
    lsls    r3, r3, #2
    adds    r3, r3, r5              @ end of the whole words
    cmp     r5, r3
    bhs     btail
bword:
    ldm     r5!, {r4}
    ands    r2, r2, r4
    cmp     r5, r3
    blo     bword

btail:
    cmp     r5, r6
    bhs     done
    ldrb    r4, [r5]
    adds    r5, r5, #1
    mvns    r4, r4
    uxtb    r4, r4
    bics    r2, r2, r4
    b       btail

done:
    mvns    r2, r2                  @ CRC: final XOR; blank check: 0 when all bytes are 0xFF
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
