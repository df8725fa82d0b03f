/* Motorola S-record reader: every record type, counts, checksums, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "image_test_util.h"
#include "stflash/error.h"

#define BUF 8192

static void test_s1_with_s0_s5_s9(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 0, 0, (const uint8_t *)"hello", 5);
    srec_append(buf, BUF, 1, 0x1000, seq16, 16);
    srec_append(buf, BUF, 1, 0x1010, seq16, 8);
    srec_append(buf, BUF, 5, 2, NULL, 0);
    srec_append(buf, BUF, 9, 0x1001, NULL, 0);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    assert_int_equal(img->format, STFLASH_IMAGE_SREC);
    assert_int_equal(stflash_image_segment_count(img), 1);
    uint8_t want[24];
    memcpy(want, seq16, 16);
    memcpy(want + 16, seq16, 8);
    assert_segment(img, 0, 0x1000, want, 24);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x1001);
    stflash_image_free(img);
}

static void test_s2_with_s8(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 2, 0x123456, seq16, 3);
    srec_append(buf, BUF, 8, 0x123457, NULL, 0);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    assert_segment(img, 0, 0x123456, seq16, 3);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x123457);
    stflash_image_free(img);
}

static void test_s3_with_s6_s7(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 3, 0x20000000, seq16, 16);
    srec_append(buf, BUF, 3, 0x08000000, seq16, 16);
    srec_append(buf, BUF, 3, 0x08000010, seq16, 1);
    srec_append(buf, BUF, 6, 3, NULL, 0);
    srec_append(buf, BUF, 7, 0x08000101, NULL, 0);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    assert_int_equal(stflash_image_segment_count(img), 2);
    uint8_t want[17];
    memcpy(want, seq16, 16);
    want[16] = 0;
    assert_segment(img, 0, 0x08000000, want, 17);
    assert_segment(img, 1, 0x20000000, seq16, 16);
    assert_int_equal(img->entry, 0x08000101);
    stflash_image_free(img);
}

static void test_termination_optional_and_zero_entry(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 3, 0x08000000, seq16, 4);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    assert_false(img->has_entry);
    stflash_image_free(img);

    srec_append(buf, BUF, 9, 0, NULL, 0); /* S9 0000: no start address */
    strcat(buf, "\r\n\n");
    img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    assert_false(img->has_entry);
    assert_segment(img, 0, 0x08000000, seq16, 4);
    stflash_image_free(img);
}

static void test_crlf_and_lowercase(void **state)
{
    (void)state;
    /* S1 record from the format description, in lowercase with CRLF. */
    const char *text = "s00600004844521b\r\n"
                       "S107000001020304ee\r\n"
                       "S9030000FC\r\n";
    struct stflash_image_error err;
    parse_text_fail(text, STFLASH_IMAGE_SREC, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 1: expected 'S' to start a record, got 's'");

    text = "S00600004844521B\r\n"
           "S107000001020304ee\r\n"
           "S9030000FC\r\n";
    struct stflash_image *img = parse_text_ok(text, STFLASH_IMAGE_SREC);
    static const uint8_t want[4] = {1, 2, 3, 4};
    assert_segment(img, 0, 0, want, 4);
    assert_false(img->has_entry);
    stflash_image_free(img);
}

static void test_checksum_mismatch(void **state)
{
    (void)state;
    struct stflash_image_error err;
    parse_text_fail("S107000001020304EF\n", STFLASH_IMAGE_SREC, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 1: checksum mismatch (expected 0xee, got 0xef)");
    assert_int_equal(err.line, 1);
}

static void test_count_records(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 1, 0x0000, seq16, 4);
    srec_append(buf, BUF, 1, 0x0004, seq16, 4);
    srec_append(buf, BUF, 5, 3, NULL, 0);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_SREC, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg,
                        "line 3: record count mismatch (S5 says 3, 2 data records precede it)");

    buf[0] = '\0';
    srec_append(buf, BUF, 1, 0x0000, seq16, 4);
    srec_append(buf, BUF, 6, 0x000001, NULL, 0);
    srec_append(buf, BUF, 1, 0x0004, seq16, 4);
    srec_append(buf, BUF, 5, 2, NULL, 0);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    stflash_image_free(img);
}

static void test_malformed_records(void **state)
{
    (void)state;
    static const struct format_error_case cases[] = {
        {"S4030000FC\n", "line 1: record type S4 is reserved"},
        {"SX030000FC\n", "line 1: invalid record type 'X'"},
        {"S\n", "line 1: invalid record type (missing)"},
        {"S1\n", "line 1: record too short (no count)"},
        {"S1070000010203EE\n", "line 1: record count 0x07 does not match the 6 bytes present"},
        {"S10200FD\n", "line 1: record count 0x02 too small for an S1 record (at least 0x03)"},
        {"S304000000FB\n", "line 1: record count 0x04 too small for an S3 record (at least 0x05)"},
        {"S1070000010203\n", "line 1: record count 0x07 does not match the 5 bytes present"},
        {"S10700000102030\n", "line 1: odd number of hex digits (13)"},
        {"S107000001020Z04EE\n", "line 1: invalid character 'Z' at column 14"},
        {":00000001FF\n", "line 1: expected 'S' to start a record, got ':'"},
        {"S9030000FC\nS107000001020304EE\n", "line 2: data after the termination record (line 1)"},
        {"S504000000FB\n", "line 1: S5 record carries 1 unexpected data bytes"},
        {"S904000000FB\n", "line 1: S9 record carries 1 unexpected data bytes"},
        {"", "empty input"},
        {"\n\r\n", "empty input"},
    };
    assert_format_errors(cases, sizeof cases / sizeof cases[0], STFLASH_IMAGE_SREC);
}

static void test_past_end_of_address_space(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 3, 0xfffffff8, seq16, 16);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_SREC, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 1: data at 0xfffffff8 (16 bytes) runs past the end of the "
                                 "32-bit address space");

    buf[0] = '\0';
    srec_append(buf, BUF, 3, 0xfffffff0, seq16, 16); /* ends exactly at 2^32: fine */
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_SREC);
    uint32_t hi;
    assert_int_equal(stflash_image_highest_address(img, &hi), STFLASH_OK);
    assert_int_equal(hi, 0xffffffff);
    stflash_image_free(img);
}

static void test_overlap(void **state)
{
    (void)state;
    char buf[BUF] = "";
    srec_append(buf, BUF, 0, 0, NULL, 0);
    srec_append(buf, BUF, 3, 0x08000000, seq16, 16);
    srec_append(buf, BUF, 3, 0x08000020, seq16, 16);
    srec_append(buf, BUF, 3, 0x0800001f, seq16, 2);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_SREC, STFLASH_ERR_OVERLAP, &err);
    assert_string_equal(err.msg, "overlapping data at 0x08000020 (line 4 and line 3)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s1_with_s0_s5_s9),
        cmocka_unit_test(test_s2_with_s8),
        cmocka_unit_test(test_s3_with_s6_s7),
        cmocka_unit_test(test_termination_optional_and_zero_entry),
        cmocka_unit_test(test_crlf_and_lowercase),
        cmocka_unit_test(test_checksum_mismatch),
        cmocka_unit_test(test_count_records),
        cmocka_unit_test(test_malformed_records),
        cmocka_unit_test(test_past_end_of_address_space),
        cmocka_unit_test(test_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
