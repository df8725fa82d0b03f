/* ELF32 reader, on ELF files built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "image_test_util.h"
#include "stflash/error.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define PT_ARM_EXIDX 0x70000001

static uint8_t text_bytes[0x100];
static const uint8_t data_bytes[8] = {0x0d, 0xf0, 0xfe, 0xca, 0x11, 0x22, 0x33, 0x44};

static struct stflash_image *parse_ok(const uint8_t *elf, size_t len)
{
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    int rc = stflash_image_parse_buffer(elf, len, STFLASH_IMAGE_AUTO, 0, &img, &err);
    if (rc != STFLASH_OK)
        fail_msg("parse failed (%d): %s", rc, err.msg);
    assert_int_equal(img->format, STFLASH_IMAGE_ELF);
    return img;
}

static void parse_fail(const uint8_t *elf, size_t len, int code, const char *msg)
{
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    int rc = stflash_image_parse_buffer(elf, len, STFLASH_IMAGE_ELF, 0, &img, &err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s)", code, rc, err.msg);
    assert_null(img);
    assert_string_equal(err.msg, msg);
}

/* A typical firmware: .text in flash, .data run from RAM but loaded after .text, .bss. */
static size_t build_firmware(uint8_t *out, size_t cap)
{
    const struct test_phdr ph[] = {
        {PT_ARM_EXIDX, 0, 0x080000f0, 0x080000f0, 0x10, 0x10, text_bytes + 0xf0},
        {PT_LOAD, 0, 0x08000000, 0x08000000, sizeof text_bytes, sizeof text_bytes, text_bytes},
        /* .data: VMA in RAM, LMA right after .text; memsz covers .bss too. */
        {PT_LOAD, 0, 0x20000000, 0x08000100, sizeof data_bytes, 0x108, data_bytes},
        /* .bss / stack alone: nothing in the file. */
        {PT_LOAD, 0, 0x20000200, 0x20000200, 0, 0x400, NULL},
        {PT_NOTE, 0, 0, 0, 4, 4, data_bytes},
    };
    return elf_build(out, cap, 0x08000041, ph, sizeof ph / sizeof ph[0]);
}

static void test_load_segments_at_physical_addresses(void **state)
{
    (void)state;
    uint8_t elf[2048];
    size_t len = build_firmware(elf, sizeof elf);
    struct stflash_image *img = parse_ok(elf, len);
    /* .text and the .data load image are contiguous: one segment, no RAM address, no .bss. */
    assert_int_equal(stflash_image_segment_count(img), 1);
    const struct stflash_segment *s = stflash_image_segment(img, 0);
    assert_int_equal(s->addr, 0x08000000);
    assert_int_equal(s->len, 0x108);
    assert_memory_equal(s->data, text_bytes, sizeof text_bytes);
    assert_memory_equal(s->data + 0x100, data_bytes, sizeof data_bytes);
    assert_int_equal(stflash_image_total_bytes(img), 0x108);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x08000041);
    stflash_image_free(img);
}

static void test_separate_segments_and_no_entry(void **state)
{
    (void)state;
    const struct test_phdr ph[] = {
        {PT_LOAD, 0, 0x20000000, 0x08004000, 8, 8, data_bytes},
        {PT_LOAD, 0, 0x08000000, 0x08000000, 0x10, 0x20, text_bytes},
    };
    uint8_t elf[1024];
    size_t len = elf_build(elf, sizeof elf, 0, ph, 2);
    struct stflash_image *img = parse_ok(elf, len);
    assert_int_equal(stflash_image_segment_count(img), 2);
    assert_int_equal(stflash_image_segment(img, 0)->addr, 0x08000000);
    assert_int_equal(stflash_image_segment(img, 0)->len, 0x10);
    assert_int_equal(stflash_image_segment(img, 1)->addr, 0x08004000);
    assert_memory_equal(stflash_image_segment(img, 1)->data, data_bytes, 8);
    assert_false(img->has_entry);
    stflash_image_free(img);
}

static void test_only_bss(void **state)
{
    (void)state;
    const struct test_phdr ph[] = {{PT_LOAD, 0, 0x20000000, 0x20000000, 0, 0x100, NULL}};
    uint8_t elf[256];
    size_t len = elf_build(elf, sizeof elf, 0x08000001, ph, 1);
    struct stflash_image *img = parse_ok(elf, len);
    assert_int_equal(stflash_image_segment_count(img), 0);
    stflash_image_free(img);
}

static void test_rejects_other_kinds(void **state)
{
    (void)state;
    uint8_t elf[2048];
    size_t len = build_firmware(elf, sizeof elf);

    uint8_t e[2048];
    memcpy(e, elf, len);
    e[4] = 2;
    parse_fail(e, len, STFLASH_ERR_UNSUPPORTED,
               "64-bit elf files are not supported (expected elf32 for arm)");
    e[4] = 3;
    parse_fail(e, len, STFLASH_ERR_FORMAT, "invalid elf class 3");

    memcpy(e, elf, len);
    e[5] = 2;
    parse_fail(e, len, STFLASH_ERR_UNSUPPORTED, "big-endian elf files are not supported");
    e[5] = 0;
    parse_fail(e, len, STFLASH_ERR_FORMAT, "invalid elf data encoding 0");

    memcpy(e, elf, len);
    e[6] = 0;
    parse_fail(e, len, STFLASH_ERR_FORMAT, "invalid elf version 0");

    memcpy(e, elf, len);
    le16_put(e + 18, 62); /* EM_X86_64 */
    parse_fail(e, len, STFLASH_ERR_UNSUPPORTED, "elf machine 62 is not arm (40)");

    memcpy(e, elf, len);
    le16_put(e + 16, 1);
    parse_fail(e, len, STFLASH_ERR_UNSUPPORTED,
               "relocatable object file (elf type 1), not a linked executable");
    le16_put(e + 16, 4);
    parse_fail(e, len, STFLASH_ERR_UNSUPPORTED, "unsupported elf type 4");
    le16_put(e + 16, 3); /* ET_DYN loads like ET_EXEC */
    struct stflash_image *img = parse_ok(e, len);
    stflash_image_free(img);

    memcpy(e, elf, len);
    le16_put(e + 44, 0);
    parse_fail(e, len, STFLASH_ERR_FORMAT, "no program headers");
    le16_put(e + 44, 0xffff);
    parse_fail(e, len, STFLASH_ERR_UNSUPPORTED,
               "extended program header numbering is not supported");

    memcpy(e, elf, len);
    le16_put(e + 42, 16);
    parse_fail(e, len, STFLASH_ERR_FORMAT, "program header size 16 is less than 32");
}

static void test_truncated(void **state)
{
    (void)state;
    uint8_t elf[2048];
    size_t len = build_firmware(elf, sizeof elf);
    assert_int_equal(len, 496);

    parse_fail(elf, 40, STFLASH_ERR_FORMAT, "truncated elf header (40 of 52 bytes)");
    parse_fail(elf, 8, STFLASH_ERR_FORMAT, "truncated elf header (8 of 52 bytes)");
    parse_fail(elf, 52 + 32 * 2, STFLASH_ERR_FORMAT,
               "program header table at offset 0x34 (5 entries of 32 bytes) runs past the end "
               "of the file (116 bytes)");
    /* .data ends at 492; the PT_NOTE after it is never read. */
    assert_int_equal(le32_get(elf + 52 + 2 * 32 + 4), 484);
    parse_fail(elf, 490, STFLASH_ERR_FORMAT,
               "program header 2: data at offset 0x1e4 (0x8 bytes) runs past the end of the file "
               "(490 bytes)");
    struct stflash_image *img = parse_ok(elf, 492);
    stflash_image_free(img);
}

static void test_bad_program_headers(void **state)
{
    (void)state;
    uint8_t elf[2048];
    size_t len = build_firmware(elf, sizeof elf);
    const size_t ph1 = 52 + 32, ph2 = 52 + 2 * 32;
    uint8_t e[2048];

    memcpy(e, elf, len);
    le32_put(e + ph2 + 4, 0xfffffff0); /* p_offset: would wrap a 32-bit sum */
    parse_fail(e, len, STFLASH_ERR_FORMAT,
               "program header 2: data at offset 0xfffffff0 (0x8 bytes) runs past the end of the "
               "file (496 bytes)");

    memcpy(e, elf, len);
    le32_put(e + ph2 + 16, 0xffffff00); /* p_filesz huge (memsz too) */
    le32_put(e + ph2 + 20, 0xffffff00);
    parse_fail(e, len, STFLASH_ERR_FORMAT,
               "program header 2: data at offset 0x1e4 (0xffffff00 bytes) runs past the end of "
               "the file (496 bytes)");

    memcpy(e, elf, len);
    le32_put(e + ph1 + 20, 0x80); /* p_memsz < p_filesz */
    parse_fail(e, len, STFLASH_ERR_FORMAT,
               "program header 1: file size 0x100 exceeds memory size 0x80");

    memcpy(e, elf, len);
    le32_put(e + ph2 + 12, 0xfffffffc);
    parse_fail(e, len, STFLASH_ERR_FORMAT,
               "program header 2: data at 0xfffffffc (8 bytes) runs past the end of the 32-bit "
               "address space");

    memcpy(e, elf, len);
    le32_put(e + ph2 + 12, 0x080000f8);
    parse_fail(e, len, STFLASH_ERR_OVERLAP,
               "overlapping data at 0x080000f8 (program header 2 and program header 1)");
}

static void test_amplification_capped(void **state)
{
    (void)state;
    /* Many program headers sharing the same 32 KiB of file data: 2100 * 32 KiB > 64 MiB. */
    enum { N = 2100, CHUNK = 32 * 1024 };
    size_t cap = 52 + 32 * (size_t)N + CHUNK;
    uint8_t *elf = calloc(1, cap);
    struct test_phdr *ph = calloc(N, sizeof *ph);
    assert_non_null(elf);
    assert_non_null(ph);
    uint32_t data_off = 52 + 32 * N;
    for (size_t i = 0; i < N; i++)
        ph[i] = (struct test_phdr){PT_LOAD, data_off, 0,   (uint32_t)(0x10000000 + i * CHUNK),
                                   CHUNK,   CHUNK,    NULL};
    /* The shared (zero) data block follows the table: the buffer is the whole file. */
    assert_int_equal(elf_build(elf, cap, 0, ph, N), data_off);
    parse_fail(elf, cap, STFLASH_ERR_FORMAT,
               "program header 2048: image data exceeds the 64 MiB "
               "limit");
    free(ph);
    free(elf);
}

int main(void)
{
    fill_pattern(text_bytes, sizeof text_bytes, 7);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_segments_at_physical_addresses),
        cmocka_unit_test(test_separate_segments_and_no_entry),
        cmocka_unit_test(test_only_bss),
        cmocka_unit_test(test_rejects_other_kinds),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bad_program_headers),
        cmocka_unit_test(test_amplification_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
