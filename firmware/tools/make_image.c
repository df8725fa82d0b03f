/*
 * make_image.c - host tool: write a deterministic pseudo-random STM32F1 flash image.
 *
 * usage: make_image SIZE OUTPUT
 *
 * Layout (constants in fw_layout.h):
 *   0x00  16-word vector table: word 0 = FW_IMAGE_SP (0x20002000), words 1..15 = FW_IMAGE_RESET
 *         (0x08000041, Thumb), so reset and every exception land on the loop below
 *   0x40  0xE7FE, Thumb "b ." - the image runs as an idle loop
 *   0x42  xorshift32 bytes, seed 0x5EED1234 ^ SIZE (images of different sizes differ), each
 *         32-bit output stored little-endian, the last one cut to fit
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fw_layout.h"

#define HEADER_SIZE (FW_IMAGE_ENTRY_OFFSET + 2u)

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s SIZE OUTPUT\n", argv[0]);
        return 2;
    }
    char *end;
    unsigned long size = strtoul(argv[1], &end, 0);
    if (*end != '\0' || size < HEADER_SIZE || size > 16ul * 1024 * 1024) {
        fprintf(stderr, "%s: bad size '%s' (%u .. 16 MiB)\n", argv[0], argv[1], HEADER_SIZE);
        return 2;
    }

    unsigned char *img = malloc(size);
    if (img == NULL) {
        perror("malloc");
        return 1;
    }
    put_le32(img, FW_IMAGE_SP);
    for (unsigned i = 1; i < 16; i++)
        put_le32(img + 4 * i, FW_IMAGE_RESET);
    img[FW_IMAGE_ENTRY_OFFSET] = 0xFE; /* b . (0xE7FE, little-endian) */
    img[FW_IMAGE_ENTRY_OFFSET + 1] = 0xE7;

    uint32_t state = 0x5EED1234u ^ (uint32_t)size;
    for (unsigned long off = HEADER_SIZE; off < size; off += 4) {
        unsigned char word[4];
        put_le32(word, xorshift32(&state));
        for (unsigned long i = 0; i < 4 && off + i < size; i++)
            img[off + i] = word[i];
    }

    FILE *f = fopen(argv[2], "wb");
    if (f == NULL) {
        perror(argv[2]);
        free(img);
        return 1;
    }
    size_t written = fwrite(img, 1, size, f);
    int closed = fclose(f);
    free(img);
    if (written != size || closed != 0) {
        fprintf(stderr, "%s: write error on %s\n", argv[0], argv[2]);
        remove(argv[2]);
        return 1;
    }
    return 0;
}
