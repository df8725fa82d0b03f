/*
 * ELF produced by the ARM toolchain (data/fw.c, data/fw.ld): its image must match what objcopy
 * extracts from it (-O ihex and -O binary), with .data at its load address and no .bss.
 * Arguments: fw.elf fw.hex fw.bin, built by CMake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "image_test_util.h"
#include "stflash/error.h"

static const char *elf_path, *hex_path, *bin_path;

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 20;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    *len = fread(buf, 1, cap, f);
    assert_true(*len < cap);
    fclose(f);
    return buf;
}

static void test_matches_objcopy_ihex(void **state)
{
    (void)state;
    struct stflash_image *elf = load_file_ok(elf_path, STFLASH_IMAGE_ELF);
    struct stflash_image *hex = load_file_ok(hex_path, STFLASH_IMAGE_IHEX);
    assert_same_segments(elf, hex);
    assert_true(elf->has_entry);
    assert_true(hex->has_entry);
    assert_int_equal(elf->entry, hex->entry);
    assert_int_equal(elf->entry & 1u, 1u); /* Thumb */
    stflash_image_free(hex);
    stflash_image_free(elf);
}

static void test_matches_objcopy_binary(void **state)
{
    (void)state;
    struct stflash_image *elf = load_file_ok(elf_path, STFLASH_IMAGE_ELF);
    size_t len;
    uint8_t *bin = read_all(bin_path, &len);
    /* Code and .data load image are contiguous in flash: one segment, equal to the binary. */
    assert_int_equal(elf->segment_count, 1);
    assert_segment(elf, 0, 0x08000000, bin, len);
    free(bin);
    stflash_image_free(elf);
}

static void test_data_at_load_address_without_bss(void **state)
{
    (void)state;
    size_t len;
    uint8_t *raw = read_all(elf_path, &len);
    /* Find the RAM segment: VMA in RAM, LMA in flash, memory size beyond the file size. */
    uint32_t phoff = le32_get(raw + 28);
    unsigned phnum = le16_get(raw + 44);
    uint32_t paddr = 0, filesz = 0, memsz = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = raw + phoff + 32 * i;
        if (le32_get(ph) == 1 && le32_get(ph + 8) >= 0x20000000u) {
            paddr = le32_get(ph + 12);
            filesz = le32_get(ph + 16);
            memsz = le32_get(ph + 20);
        }
    }
    free(raw);
    assert_true(paddr >= 0x08000000u && paddr < 0x08010000u);
    assert_int_equal(filesz, 4);
    assert_true(memsz >= 4 + 8192);

    struct stflash_image *img = load_file_ok(elf_path, STFLASH_IMAGE_ELF);
    uint32_t hi;
    assert_int_equal(stflash_image_highest_address(img, &hi), STFLASH_OK);
    assert_true(hi < 0x08010000u);                      /* nothing at the RAM address */
    assert_true(stflash_image_total_bytes(img) < 4096); /* no .bss */
    const struct stflash_segment *s = stflash_image_segment(img, 0);
    assert_int_equal(hi, paddr + 3); /* .data is the last thing in flash */
    assert_int_equal(le32_get(s->data + (paddr - s->addr)), 0xcafef00du);
    stflash_image_free(img);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s fw.elf fw.hex fw.bin\n", argv[0]);
        return 2;
    }
    elf_path = argv[1];
    hex_path = argv[2];
    bin_path = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_objcopy_ihex),
        cmocka_unit_test(test_matches_objcopy_binary),
        cmocka_unit_test(test_data_at_load_address_without_bss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
