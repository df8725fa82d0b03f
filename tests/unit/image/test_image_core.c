/* Format detection, raw binaries, files, accessors, region checks, argument checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_test_util.h"
#include "stflash/error.h"

static enum stflash_image_format detect(const char *text)
{
    return stflash_image_detect_format((const uint8_t *)text, strlen(text));
}

static void test_detect(void **state)
{
    (void)state;
    assert_int_equal(stflash_image_detect_format(NULL, 0), STFLASH_IMAGE_AUTO);
    assert_int_equal(detect(""), STFLASH_IMAGE_AUTO);
    assert_int_equal(detect("\x7f"
                            "ELF"),
                     STFLASH_IMAGE_ELF);
    assert_int_equal(detect(":020000040800F2\n"), STFLASH_IMAGE_IHEX);
    assert_int_equal(detect("\r\n  :10000000"), STFLASH_IMAGE_IHEX);
    assert_int_equal(detect("\xef\xbb\xbf:00000001FF\n"), STFLASH_IMAGE_IHEX);
    assert_int_equal(detect("S00600004844521B\n"), STFLASH_IMAGE_SREC);
    assert_int_equal(detect("S3150800"), STFLASH_IMAGE_SREC);
    /* Text that merely contains records further down is still that format. */
    assert_int_equal(detect("# built by make\n:00000001FF\n"), STFLASH_IMAGE_IHEX);
    assert_int_equal(detect("header\r\n  S9030000FC\n"), STFLASH_IMAGE_SREC);
    assert_int_equal(detect(":zz\n"), STFLASH_IMAGE_IHEX); /* broken, but text */
    assert_int_equal(detect("S1\n"), STFLASH_IMAGE_SREC);
    /* Text resembling nothing: undecided. */
    assert_int_equal(detect("hello world\n"), STFLASH_IMAGE_AUTO);
    assert_int_equal(detect("caf\xc3\xa9 na\xc3\xafve\n"), STFLASH_IMAGE_AUTO);
    assert_int_equal(detect("Some text\n"), STFLASH_IMAGE_AUTO);

    /* Binary data. */
    static const uint8_t vectors[] = {0x00, 0x50, 0x00, 0x20, 0x41, 0x01, 0x00, 0x08};
    assert_int_equal(stflash_image_detect_format(vectors, sizeof vectors), STFLASH_IMAGE_BIN);
    static const uint8_t colon_bin[] = {':', '1', '0', 0x00, 0xff, 0x12};
    assert_int_equal(stflash_image_detect_format(colon_bin, sizeof colon_bin), STFLASH_IMAGE_BIN);
    static const uint8_t bad_utf8[] = {'a', 'b', 0xc3, 'c'};
    assert_int_equal(stflash_image_detect_format(bad_utf8, sizeof bad_utf8), STFLASH_IMAGE_BIN);
    uint8_t noise[4096];
    fill_pattern(noise, sizeof noise, 42);
    assert_int_equal(stflash_image_detect_format(noise, sizeof noise), STFLASH_IMAGE_BIN);
}

static void test_auto_parse(void **state)
{
    (void)state;
    struct stflash_image_error err;

    struct stflash_image *img =
        parse_text_ok(":0400000001020304F2\n:00000001FF\n", STFLASH_IMAGE_AUTO);
    assert_int_equal(img->format, STFLASH_IMAGE_IHEX);
    stflash_image_free(img);
    img = parse_text_ok("S107000001020304EE\n", STFLASH_IMAGE_AUTO);
    assert_int_equal(img->format, STFLASH_IMAGE_SREC);
    stflash_image_free(img);

    /* Broken text never falls back to binary. */
    parse_text_fail("# comment\n:00000001FF\n", STFLASH_IMAGE_AUTO, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 1: expected ':' to start a record, got '#'");
    parse_text_fail(":0400000001020304F3\n:00000001FF\n", STFLASH_IMAGE_AUTO, STFLASH_ERR_FORMAT,
                    &err);
    assert_string_equal(err.msg, "line 1: checksum mismatch (expected 0xf2, got 0xf3)");
    parse_text_fail("hello world\n", STFLASH_IMAGE_AUTO, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "input is text but neither intel hex nor s-record (load it as "
                                 "binary explicitly to flash it as raw bytes)");
    parse_text_fail("", STFLASH_IMAGE_AUTO, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "empty input");

    /* ...but the caller may insist. */
    img = NULL;
    assert_int_equal(stflash_image_parse_buffer((const uint8_t *)"hello", 5, STFLASH_IMAGE_BIN,
                                                0x20000000, &img, &err),
                     STFLASH_OK);
    assert_int_equal(img->segment_count, 1);
    assert_int_equal(img->segments[0].addr, 0x20000000);
    assert_memory_equal(img->segments[0].data, "hello", 5);
    stflash_image_free(img);
}

static void test_binary(void **state)
{
    (void)state;
    uint8_t data[1000];
    fill_pattern(data, sizeof data, 3);
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    assert_int_equal(
        stflash_image_parse_buffer(data, sizeof data, STFLASH_IMAGE_AUTO, 0x08000000, &img, &err),
        STFLASH_OK);
    assert_int_equal(img->format, STFLASH_IMAGE_BIN);
    assert_int_equal(stflash_image_segment_count(img), 1);
    assert_int_equal(stflash_image_total_bytes(img), sizeof data);
    const struct stflash_segment *s = stflash_image_segment(img, 0);
    assert_int_equal(s->addr, 0x08000000);
    assert_int_equal(s->len, sizeof data);
    assert_memory_equal(s->data, data, sizeof data);
    assert_false(img->has_entry);
    stflash_image_free(img);

    /* Ending exactly at 2^32 is fine; one byte more is not. */
    assert_int_equal(
        stflash_image_parse_buffer(data, 16, STFLASH_IMAGE_BIN, 0xfffffff0, &img, &err),
        STFLASH_OK);
    stflash_image_free(img);
    img = NULL;
    assert_int_equal(
        stflash_image_parse_buffer(data, 17, STFLASH_IMAGE_BIN, 0xfffffff0, &img, &err),
        STFLASH_ERR_INVALID_ARG);
    assert_null(img);
    assert_string_equal(err.msg, "binary of 17 bytes at 0xfffffff0 runs past the end of the "
                                 "32-bit address space");

    assert_int_equal(stflash_image_parse_buffer(data, 0, STFLASH_IMAGE_BIN, 0, &img, &err),
                     STFLASH_ERR_FORMAT);
    assert_string_equal(err.msg, "empty binary");
}

static void test_size_cap(void **state)
{
    (void)state;
    size_t n = STFLASH_IMAGE_MAX_BYTES + 1u;
    uint8_t *big = calloc(1, n);
    assert_non_null(big);
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    assert_int_equal(stflash_image_parse_buffer(big, n, STFLASH_IMAGE_BIN, 0, &img, &err),
                     STFLASH_ERR_FORMAT);
    assert_null(img);
    assert_string_equal(err.msg, "binary of 67108865 bytes exceeds the 64 MiB image limit");
    assert_int_equal(stflash_image_parse_buffer(big, n - 1, STFLASH_IMAGE_BIN, 0, &img, &err),
                     STFLASH_OK);
    assert_int_equal(stflash_image_total_bytes(img), n - 1);
    stflash_image_free(img);
    free(big);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    static const uint8_t b[1] = {0};
    assert_int_equal(stflash_image_parse_buffer(b, 1, STFLASH_IMAGE_BIN, 0, NULL, &err),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_parse_buffer(NULL, 1, STFLASH_IMAGE_BIN, 0, &img, &err),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_parse_buffer(b, 1, (enum stflash_image_format)42, 0, &img, &err),
                     STFLASH_ERR_INVALID_ARG);
    assert_string_equal(err.msg, "unknown image format 42");
    assert_null(img);
    /* err may be NULL. */
    assert_int_equal(
        stflash_image_parse_buffer((const uint8_t *)":", 1, STFLASH_IMAGE_IHEX, 0, &img, NULL),
        STFLASH_ERR_FORMAT);
    assert_int_equal(stflash_image_parse_buffer(b, 1, STFLASH_IMAGE_BIN, 0, &img, NULL),
                     STFLASH_OK);
    stflash_image_free(img);
    stflash_image_free(NULL);

    assert_int_equal(stflash_image_load(NULL, STFLASH_IMAGE_AUTO, 0, &img, &err),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_load("x", STFLASH_IMAGE_AUTO, 0, NULL, &err),
                     STFLASH_ERR_INVALID_ARG);

    uint32_t a;
    assert_int_equal(stflash_image_segment_count(NULL), 0);
    assert_null(stflash_image_segment(NULL, 0));
    assert_int_equal(stflash_image_total_bytes(NULL), 0);
    assert_int_equal(stflash_image_lowest_address(NULL, &a), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_highest_address(NULL, &a), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_check_regions(NULL, NULL, 0, &err), STFLASH_ERR_INVALID_ARG);
}

static void test_accessors(void **state)
{
    (void)state;
    char buf[4096] = "";
    static const uint8_t d[4] = {1, 2, 3, 4};
    ihex_append_ela(buf, sizeof buf, 0x0800);
    ihex_append(buf, sizeof buf, 0x2000, 0, d, 4);
    ihex_append(buf, sizeof buf, 0x0000, 0, d, 4);
    ihex_append(buf, sizeof buf, 0x1000, 0, d, 2);
    ihex_append_eof(buf, sizeof buf);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_AUTO);
    assert_int_equal(stflash_image_segment_count(img), 3);
    assert_int_equal(stflash_image_total_bytes(img), 10);
    assert_int_equal(stflash_image_segment(img, 0)->addr, 0x08000000);
    assert_int_equal(stflash_image_segment(img, 1)->addr, 0x08001000);
    assert_int_equal(stflash_image_segment(img, 1)->len, 2);
    assert_int_equal(stflash_image_segment(img, 2)->addr, 0x08002000);
    assert_null(stflash_image_segment(img, 3));
    assert_address_range(img, 0x08000000, 0x08002003);
    stflash_image_free(img);
}

static void test_check_regions(void **state)
{
    (void)state;
    char buf[4096] = "";
    static const uint8_t d[16] = {0};
    ihex_append_ela(buf, sizeof buf, 0x0800);
    ihex_append(buf, sizeof buf, 0x3ff8, 0, d, 16); /* spans bank 1 and bank 2 */
    ihex_append(buf, sizeof buf, 0x0000, 0, d, 16);
    ihex_append_eof(buf, sizeof buf);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_AUTO);
    struct stflash_image_error err;

    const struct stflash_image_region two_banks[] = {
        {0x08000000, 0x4000, "bank1"},
        {0x08004000, 0x4000, "bank2"},
        {0x20000000, 0x5000, "sram"},
    };
    assert_int_equal(stflash_image_check_regions(img, two_banks, 3, &err), STFLASH_OK);
    assert_string_equal(err.msg, "");

    const struct stflash_image_region small[] = {
        {0x08000000, 0x3ffc, "flash"},
        {0x20000000, 0x5000, NULL},
    };
    assert_int_equal(stflash_image_check_regions(img, small, 2, &err), STFLASH_ERR_RANGE);
    assert_string_equal(err.msg, "data at 0x08003ffc..0x08004007 (12 bytes) lies outside every "
                                 "memory region (flash 0x08000000..0x08003ffb, unnamed "
                                 "0x20000000..0x20004fff)");

    /* A region starting inside the segment ends the stray span there. */
    const struct stflash_image_region gap[] = {
        {0x08000000, 0x3ffc, "a"},
        {0x08004000, 0x1000, "b"},
    };
    assert_int_equal(stflash_image_check_regions(img, gap, 2, &err), STFLASH_ERR_RANGE);
    assert_string_equal(err.msg, "data at 0x08003ffc..0x08003fff (4 bytes) lies outside every "
                                 "memory region (a 0x08000000..0x08003ffb, b "
                                 "0x08004000..0x08004fff)");

    assert_int_equal(stflash_image_check_regions(img, NULL, 0, &err), STFLASH_ERR_RANGE);
    assert_string_equal(err.msg, "data at 0x08000000..0x0800000f (16 bytes) lies outside every "
                                 "memory region");
    assert_int_equal(stflash_image_check_regions(img, NULL, 1, &err), STFLASH_ERR_INVALID_ARG);

    /* Region at the top of the address space. */
    const struct stflash_image_region top[] = {{0xffff0000, 0xffff, "top"},
                                               {0x08000000, 0x8000, "flash"}};
    assert_int_equal(stflash_image_check_regions(img, top, 2, NULL), STFLASH_OK);

    /* Many regions: the message is cut with an ellipsis, never overflows. */
    struct stflash_image_region many[40];
    for (size_t i = 0; i < 40; i++)
        many[i] = (struct stflash_image_region){(uint32_t)(0x30000000 + i * 0x1000), 0x100,
                                                "a-rather-long-region-name"};
    assert_int_equal(stflash_image_check_regions(img, many, 40, &err), STFLASH_ERR_RANGE);
    assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
    assert_string_equal(err.msg + strlen(err.msg) - 3, "...");
    stflash_image_free(img);
}

static void test_load_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/stflash-image-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/fw.hex", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(":020000040800F2\r\n:0400000001020304F2\r\n:00000001FF\r\n", f);
    fclose(f);

    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_AUTO, 0, &img, &err), STFLASH_OK);
    assert_int_equal(img->format, STFLASH_IMAGE_IHEX);
    assert_int_equal(img->segments[0].addr, 0x08000000);
    stflash_image_free(img);

    /* The same file forced to binary. */
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_BIN, 0x100, &img, &err), STFLASH_OK);
    assert_int_equal(img->segments[0].addr, 0x100);
    assert_int_equal(img->segments[0].len, 51);
    stflash_image_free(img);

    /* A large binary, to go through the read loop several times. */
    size_t n = 300000;
    uint8_t *data = malloc(n);
    assert_non_null(data);
    fill_pattern(data, n, 99);
    snprintf(path, sizeof path, "%s/fw.bin", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_AUTO, 0x08000000, &img, &err),
                     STFLASH_OK);
    assert_int_equal(img->format, STFLASH_IMAGE_BIN);
    assert_int_equal(img->segments[0].len, n);
    assert_memory_equal(img->segments[0].data, data, n);
    stflash_image_free(img);
    free(data);
    unlink(path);

    /* Errors. */
    snprintf(path, sizeof path, "%s/missing.hex", dir);
    img = NULL;
    errno = 0;
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_AUTO, 0, &img, &err), STFLASH_ERR_IO);
    assert_int_equal(errno, ENOENT);
    assert_null(img);
    char want[512];
    snprintf(want, sizeof want, "cannot open '%s': %s", path, strerror(ENOENT));
    assert_string_equal(err.msg, want);

    assert_int_equal(stflash_image_load(dir, STFLASH_IMAGE_AUTO, 0, &img, &err), STFLASH_ERR_IO);
    assert_int_equal(errno, EISDIR);
    assert_null(img);

    snprintf(path, sizeof path, "%s/empty.bin", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_AUTO, 0, &img, &err),
                     STFLASH_ERR_FORMAT);
    snprintf(want, sizeof want, "'%s' is empty", path);
    assert_string_equal(err.msg, want);
    unlink(path);

    /* A FIFO is refused at once, not waited on. */
    snprintf(path, sizeof path, "%s/fifo.hex", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_AUTO, 0, &img, &err), STFLASH_ERR_IO);
    assert_non_null(strstr(err.msg, "FIFO"));
    unlink(path);

    /* A name that promises a format holds the file to it: binary bytes first in a .hex. */
    snprintf(path, sizeof path, "%s/damaged.hex", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\x01\x02\xff\n:0400000001020304F2\n:00000001FF\n", f);
    fclose(f);
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_AUTO, 0, &img, &err),
                     STFLASH_ERR_FORMAT);
    assert_string_equal(err.msg, "not a valid intel hex file (the format its name gives): line 1: "
                                 "expected ':' to start a record, got 0x01");
    assert_int_equal(err.line, 1);
    /* Forced to binary, it is raw bytes. */
    assert_int_equal(stflash_image_load(path, STFLASH_IMAGE_BIN, 0, &img, &err), STFLASH_OK);
    stflash_image_free(img);
    unlink(path);

    snprintf(path, sizeof path, "%s/fw.hex", dir);
    unlink(path);
    rmdir(dir);
}

static void test_utf16_and_damaged_text(void **state)
{
    (void)state;
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    /* ":00000001FF\r\n" in UTF-16LE with a byte order mark, in UTF-16LE and UTF-16BE without. */
    const char *text = ":00000001FF\r\n";
    uint8_t le_bom[64], le[64], be[64];
    size_t n = strlen(text);
    le_bom[0] = 0xff;
    le_bom[1] = 0xfe;
    for (size_t i = 0; i < n; i++) {
        le_bom[2 + 2 * i] = le[2 * i] = be[2 * i + 1] = (uint8_t)text[i];
        le_bom[3 + 2 * i] = le[2 * i + 1] = be[2 * i] = 0;
    }
    const struct {
        const uint8_t *p;
        size_t len;
    } cases[] = {{le_bom, 2 + 2 * n}, {le, 2 * n}, {be, 2 * n}};
    static const enum stflash_image_format fmts[] = {STFLASH_IMAGE_AUTO, STFLASH_IMAGE_IHEX,
                                                     STFLASH_IMAGE_SREC};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(stflash_image_detect_format(cases[i].p, cases[i].len), STFLASH_IMAGE_AUTO);
        for (size_t k = 0; k < 3; k++) {
            assert_int_equal(
                stflash_image_parse_buffer(cases[i].p, cases[i].len, fmts[k], 0, &img, &err),
                STFLASH_ERR_FORMAT);
            assert_non_null(strstr(err.msg, "UTF-16 text"));
        }
    }
    /* Binary bytes among record lines: damaged text, not a raw binary. */
    static const char damaged[] = "\x80\x81garbage\x00\n:0400000001020304F2\n:00000001FF\n";
    assert_int_equal(stflash_image_detect_format((const uint8_t *)damaged, sizeof damaged - 1),
                     STFLASH_IMAGE_IHEX);
    static const char damaged_srec[] = "\xfa\xfb\x00\r\nS107000001020304EE\r\nS9030000FC\r\n";
    assert_int_equal(
        stflash_image_detect_format((const uint8_t *)damaged_srec, sizeof damaged_srec - 1),
        STFLASH_IMAGE_SREC);
    /* One record line in a large binary is chance, not a damaged text file. */
    uint8_t noise[4096];
    fill_pattern(noise, sizeof noise, 7);
    memcpy(noise + 100, "\n:00000001FF\n", 13);
    assert_int_equal(stflash_image_detect_format(noise, sizeof noise), STFLASH_IMAGE_BIN);
    /* Names. */
    assert_int_equal(stflash_image_format_from_path("a/FW.HEX"), STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_format_from_path("fw.s19"), STFLASH_IMAGE_SREC);
    assert_int_equal(stflash_image_format_from_path("fw.axf"), STFLASH_IMAGE_ELF);
    assert_int_equal(stflash_image_format_from_path("fw.bin"), STFLASH_IMAGE_BIN);
    assert_int_equal(stflash_image_format_from_path("fw.img"), STFLASH_IMAGE_AUTO);
    assert_int_equal(stflash_image_format_from_path("dir/.hex"), STFLASH_IMAGE_AUTO);
    assert_int_equal(stflash_image_format_from_path(NULL), STFLASH_IMAGE_AUTO);
}

static void test_format_names(void **state)
{
    (void)state;
    assert_string_equal(stflash_image_format_name(STFLASH_IMAGE_AUTO), "auto");
    assert_string_equal(stflash_image_format_name(STFLASH_IMAGE_BIN), "binary");
    assert_string_equal(stflash_image_format_name(STFLASH_IMAGE_IHEX), "intel hex");
    assert_string_equal(stflash_image_format_name(STFLASH_IMAGE_SREC), "s-record");
    assert_string_equal(stflash_image_format_name(STFLASH_IMAGE_ELF), "elf");
    assert_string_equal(stflash_image_format_name((enum stflash_image_format)9), "unknown");

    enum stflash_image_format f = STFLASH_IMAGE_AUTO;
    assert_int_equal(stflash_image_format_from_name("IHEX", &f), STFLASH_OK);
    assert_int_equal(f, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_format_from_name("s19", &f), STFLASH_OK);
    assert_int_equal(f, STFLASH_IMAGE_SREC);
    assert_int_equal(stflash_image_format_from_name("Binary", &f), STFLASH_OK);
    assert_int_equal(f, STFLASH_IMAGE_BIN);
    assert_int_equal(stflash_image_format_from_name("elf", &f), STFLASH_OK);
    assert_int_equal(f, STFLASH_IMAGE_ELF);
    assert_int_equal(stflash_image_format_from_name("auto", &f), STFLASH_OK);
    assert_int_equal(f, STFLASH_IMAGE_AUTO);
    assert_int_equal(stflash_image_format_from_name("elf64", &f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_format_from_name("el", &f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_format_from_name("", &f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(f, STFLASH_IMAGE_AUTO);
    assert_int_equal(stflash_image_format_from_name(NULL, &f), STFLASH_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_auto_parse),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_check_regions),
        cmocka_unit_test(test_load_files),
        cmocka_unit_test(test_utf16_and_damaged_text),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
