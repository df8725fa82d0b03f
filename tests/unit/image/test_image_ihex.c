/* Intel HEX reader: every record type, checksums, wrap-around, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "image_test_util.h"
#include "stflash/error.h"

#define BUF 8192

/* An extended segment address record (type 02). */
static void esa(char *buf, uint16_t segment)
{
    const uint8_t d[2] = {(uint8_t)(segment >> 8), (uint8_t)segment};
    ihex_append(buf, BUF, 0, 0x02, d, 2);
}

static void test_data_records_merge(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append(buf, BUF, 0x0100, 0, seq16, 16);
    ihex_append(buf, BUF, 0x0110, 0, seq16, 16);
    ihex_append(buf, BUF, 0x0200, 0, seq16, 4);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(img->format, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 2);
    uint8_t two[32];
    memcpy(two, seq16, 16);
    memcpy(two + 16, seq16, 16);
    assert_segment(img, 0, 0x100, two, 32);
    assert_segment(img, 1, 0x200, seq16, 4);
    assert_int_equal(stflash_image_total_bytes(img), 36);
    assert_false(img->has_entry);
    stflash_image_free(img);
}

static void test_out_of_order_sorted(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append_ela(buf, BUF, 0x0800);
    ihex_append(buf, BUF, 0x0020, 0, seq16 + 8, 8);
    ihex_append(buf, BUF, 0x0000, 0, seq16, 8);
    ihex_append(buf, BUF, 0x0018, 0, seq16, 8);
    ihex_append(buf, BUF, 0x0008, 0, seq16 + 8, 8);
    ihex_append(buf, BUF, 0x0010, 0, seq16, 8);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 1);
    uint8_t want[40];
    memcpy(want, seq16, 16);
    memcpy(want + 16, seq16, 8);
    memcpy(want + 24, seq16, 8);
    memcpy(want + 32, seq16 + 8, 8);
    assert_segment(img, 0, 0x08000000, want, 40);
    stflash_image_free(img);
}

static void test_line_endings_and_case(void **state)
{
    (void)state;
    /* CRLF, lowercase digits, spaces around records, blank lines, CR-only endings. */
    const char *crlf = ":020000040800f2\r\n  :04000000DEADBEEFC4  \r\n\r\n:00000001ff\r\n";
    struct stflash_image *img = parse_text_ok(crlf, STFLASH_IMAGE_IHEX);
    static const uint8_t want[4] = {0xde, 0xad, 0xbe, 0xef};
    assert_int_equal(stflash_image_segment_count(img), 1);
    assert_segment(img, 0, 0x08000000, want, 4);
    stflash_image_free(img);

    const char *cr = ":020000040800F2\r:04000000DEADBEEFC4\r:00000001FF\r";
    img = parse_text_ok(cr, STFLASH_IMAGE_IHEX);
    assert_segment(img, 0, 0x08000000, want, 4);
    stflash_image_free(img);

    const char *no_final_newline = ":04000000DEADBEEFC4\n:00000001FF";
    img = parse_text_ok(no_final_newline, STFLASH_IMAGE_IHEX);
    assert_segment(img, 0, 0, want, 4);
    stflash_image_free(img);
}

static void test_extended_linear_address(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append_ela(buf, BUF, 0x0800);
    ihex_append(buf, BUF, 0xfff0, 0, seq16, 16);
    ihex_append_ela(buf, BUF, 0x0801);
    ihex_append(buf, BUF, 0x0000, 0, seq16, 16);
    ihex_append_ela(buf, BUF, 0x2000);
    ihex_append(buf, BUF, 0x0004, 0, seq16, 2);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 2);
    uint8_t two[32];
    memcpy(two, seq16, 16);
    memcpy(two + 16, seq16, 16);
    assert_segment(img, 0, 0x0800fff0, two, 32);
    assert_segment(img, 1, 0x20000004, seq16, 2);
    assert_address_range(img, 0x0800fff0, 0x20000005);
    stflash_image_free(img);
}

static void test_linear_record_crosses_64k(void **state)
{
    (void)state;
    /* Linear addressing (and no extended record at all): offsets continue past 0xffff. */
    char buf[BUF] = "";
    ihex_append(buf, BUF, 0xfff8, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 1);
    assert_segment(img, 0, 0xfff8, seq16, 16);
    stflash_image_free(img);

    buf[0] = '\0';
    ihex_append_ela(buf, BUF, 0x0800);
    ihex_append(buf, BUF, 0xfff8, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 1);
    assert_segment(img, 0, 0x0800fff8, seq16, 16);
    stflash_image_free(img);
}

static void test_linear_wraps_at_4g(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append_ela(buf, BUF, 0xffff);
    ihex_append(buf, BUF, 0xfffc, 0, seq16, 8);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 2);
    assert_segment(img, 0, 0, seq16 + 4, 4);
    assert_segment(img, 1, 0xfffffffc, seq16, 4);
    uint32_t hi;
    assert_int_equal(stflash_image_highest_address(img, &hi), STFLASH_OK);
    assert_int_equal(hi, 0xffffffff);
    stflash_image_free(img);
}

static void test_extended_segment_address(void **state)
{
    (void)state;
    char buf[BUF] = "";
    esa(buf, 0x1234); /* base 0x12340 */
    ihex_append(buf, BUF, 0x0010, 0, seq16, 4);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_segment(img, 0, 0x12350, seq16, 4);
    stflash_image_free(img);
}

static void test_segment_wraps_within_64k(void **state)
{
    (void)state;
    /* Spec: SBA + ((offset + i) mod 64 Ki): the tail of the record lands at the segment base. */
    char buf[BUF] = "";
    esa(buf, 0x1000); /* base 0x10000 */
    ihex_append(buf, BUF, 0xfff8, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 2);
    assert_segment(img, 0, 0x10000, seq16 + 8, 8);
    assert_segment(img, 1, 0x1fff8, seq16, 8);
    stflash_image_free(img);

    /* Segment bases above 0xf000 reach past 1 MiB; no wrap there. */
    buf[0] = '\0';
    esa(buf, 0xffff);
    ihex_append(buf, BUF, 0xfff0, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_segment(img, 0, 0xffff0 + 0xfff0, seq16, 16);
    stflash_image_free(img);
}

static void test_switching_segment_and_linear(void **state)
{
    (void)state;
    char buf[BUF] = "";
    esa(buf, 0x0100); /* 0x1000 */
    ihex_append(buf, BUF, 0x0000, 0, seq16, 4);
    ihex_append_ela(buf, BUF, 0x0002); /* 0x20000 */
    ihex_append(buf, BUF, 0x0000, 0, seq16, 4);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 2);
    assert_segment(img, 0, 0x1000, seq16, 4);
    assert_segment(img, 1, 0x20000, seq16, 4);
    stflash_image_free(img);
}

static void test_start_segment_address(void **state)
{
    (void)state;
    char buf[BUF] = "";
    static const uint8_t csip[4] = {0x12, 0x34, 0x00, 0x05}; /* CS 0x1234, IP 0x0005 */
    ihex_append(buf, BUF, 0, 0x00, seq16, 1);
    ihex_append(buf, BUF, 0, 0x03, csip, 4);
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x12345);
    stflash_image_free(img);
}

static void test_start_linear_address(void **state)
{
    (void)state;
    char buf[BUF] = "";
    static const uint8_t eip[4] = {0x08, 0x00, 0x01, 0x35};
    ihex_append_ela(buf, BUF, 0x0800);
    ihex_append(buf, BUF, 0, 0x00, seq16, 4);
    ihex_append(buf, BUF, 0, 0x05, eip, 4);
    ihex_append(buf, BUF, 0, 0x05, eip, 4); /* a repeat of the same address is fine */
    ihex_append_eof(buf, BUF);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_IHEX);
    assert_true(img->has_entry);
    assert_int_equal(img->entry, 0x08000135);
    stflash_image_free(img);
}

static void test_conflicting_start_addresses(void **state)
{
    (void)state;
    char buf[BUF] = "";
    static const uint8_t a[4] = {0x08, 0x00, 0x01, 0x35};
    static const uint8_t b[4] = {0x08, 0x00, 0x02, 0x01};
    ihex_append(buf, BUF, 0, 0x05, a, 4);
    ihex_append(buf, BUF, 0, 0x05, b, 4);
    ihex_append_eof(buf, BUF);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg,
                        "line 2: start address 0x08000201 conflicts with 0x08000135 (line 1)");
    assert_int_equal(err.line, 2);
}

static void test_only_eof_is_empty_image(void **state)
{
    (void)state;
    struct stflash_image *img = parse_text_ok(":00000001FF\n", STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 0);
    assert_int_equal(stflash_image_total_bytes(img), 0);
    assert_null(stflash_image_segment(img, 0));
    uint32_t a;
    assert_int_equal(stflash_image_lowest_address(img, &a), STFLASH_ERR_NOT_FOUND);
    assert_int_equal(stflash_image_highest_address(img, &a), STFLASH_ERR_NOT_FOUND);
    stflash_image_free(img);
}

static void test_checksum_mismatch(void **state)
{
    (void)state;
    /* Line 2 carries 0x3d where 0x3c is right. */
    const char *text = ":020000040800F2\n:10010000214601360121470136007EFE09D219013D\n"
                       ":00000001FF\n";
    struct stflash_image_error err;
    parse_text_fail(text, STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 2: checksum mismatch (expected 0x40, got 0x3d)");
    assert_int_equal(err.line, 2);

    parse_text_fail(":00000001FE\n", STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 1: checksum mismatch (expected 0xff, got 0xfe)");
}

static void test_missing_eof(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append(buf, BUF, 0, 0, seq16, 16);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "missing end-of-file record (type 01) after line 1");
    parse_text_fail("", STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "empty input");
}

static void test_after_eof(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append(buf, BUF, 0, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    /* Blank lines and a DOS end-of-file character after the EOF record are fine. */
    char ok[BUF + 16];
    snprintf(ok, sizeof ok, "%s\r\n\n  \n\x1a", buf);
    struct stflash_image *img = parse_text_ok(ok, STFLASH_IMAGE_IHEX);
    stflash_image_free(img);
    /* Another record (say, a second file concatenated) is an error. */
    ihex_append(buf, BUF, 0x100, 0, seq16, 16);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 3: data after the end-of-file record (line 2)");
    assert_int_equal(err.line, 3);
}

static void test_malformed_records(void **state)
{
    (void)state;
    static const struct format_error_case cases[] = {
        {":0400000001020304\n:00000001FF\n",
         "line 1: record length 0x04 does not match the 3 data bytes present"},
        {":0000000\n", "line 1: odd number of hex digits (7)"},
        {":00000001FG\n", "line 1: invalid character 'G' at column 11"},
        {"  :00000001F \n", "line 1: odd number of hex digits (9)"},
        {"\t :00000001FG\n", "line 1: invalid character 'G' at column 13"},
        {":00000001FF FF\n", "line 1: invalid character 0x20 at column 12"},
        {"00000001FF\n", "line 1: expected ':' to start a record, got '0'"},
        {":0000000000\nhello\n:00000001FF\n", "line 2: expected ':' to start a record, got 'h'"},
        {"\n\n:0001FF\n", "line 3: record too short (3 bytes)"},
        {":\n", "line 1: record too short (0 bytes)"},
        {":00000006FA\n:00000001FF\n", "line 1: unknown record type 06"},
        {":0100000400FB\n:00000001FF\n", "line 1: record type 04 must carry 2 data bytes, not 1"},
        {":03000002000000FB\n:00000001FF\n",
         "line 1: record type 02 must carry 2 data bytes, not 3"},
        {":020000050000F9\n:00000001FF\n", "line 1: record type 05 must carry 4 data bytes, not 2"},
        {":020000030000FB\n:00000001FF\n", "line 1: record type 03 must carry 4 data bytes, not 2"},
        {":0100000100FE\n", "line 1: record type 01 must carry 0 data bytes, not 1"},
    };
    assert_format_errors(cases, sizeof cases / sizeof cases[0], STFLASH_IMAGE_IHEX);

    /* A NUL byte in the middle of a record. */
    static const uint8_t nul[] = ":00\0"
                                 "0001FF\n";
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    assert_int_equal(
        stflash_image_parse_buffer(nul, sizeof nul - 1, STFLASH_IMAGE_IHEX, 0, &img, &err),
        STFLASH_ERR_FORMAT);
    assert_null(img);
    assert_string_equal(err.msg, "line 1: invalid character 0x00 at column 4");
}

static void test_record_too_long(void **state)
{
    (void)state;
    /* 256 data bytes cannot be described by the length byte. */
    char buf[1024] = ":FF000000";
    for (int i = 0; i < 257; i++)
        strcat(buf, "00");
    strcat(buf, "\n");
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_FORMAT, &err);
    assert_string_equal(err.msg, "line 1: record too long (261 bytes, at most 260)");
}

static void test_overlap(void **state)
{
    (void)state;
    char buf[BUF] = "";
    ihex_append_ela(buf, BUF, 0x0800);
    ihex_append(buf, BUF, 0x0100, 0, seq16, 16);
    ihex_append(buf, BUF, 0x0200, 0, seq16, 16);
    ihex_append(buf, BUF, 0x00f8, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    struct stflash_image_error err;
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_OVERLAP, &err);
    assert_string_equal(err.msg, "overlapping data at 0x08000100 (line 4 and line 2)");

    /* The second record of a merged run is named, not the first. Equal bytes still clash. */
    buf[0] = '\0';
    ihex_append_ela(buf, BUF, 0x0800);
    ihex_append(buf, BUF, 0x0100, 0, seq16, 16);
    ihex_append(buf, BUF, 0x0110, 0, seq16, 16);
    ihex_append(buf, BUF, 0x0118, 0, seq16 + 8, 4);
    ihex_append_eof(buf, BUF);
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_OVERLAP, &err);
    assert_string_equal(err.msg, "overlapping data at 0x08000118 (line 4 and line 3)");

    /* Through segment wrap-around: the wrapped tail hits the first record. */
    buf[0] = '\0';
    esa(buf, 0x1000);
    ihex_append(buf, BUF, 0x0004, 0, seq16, 4);
    ihex_append(buf, BUF, 0xfffc, 0, seq16, 16);
    ihex_append_eof(buf, BUF);
    parse_text_fail(buf, STFLASH_IMAGE_IHEX, STFLASH_ERR_OVERLAP, &err);
    assert_string_equal(err.msg, "overlapping data at 0x00010004 (line 3 and line 2)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_records_merge),
        cmocka_unit_test(test_out_of_order_sorted),
        cmocka_unit_test(test_line_endings_and_case),
        cmocka_unit_test(test_extended_linear_address),
        cmocka_unit_test(test_linear_record_crosses_64k),
        cmocka_unit_test(test_linear_wraps_at_4g),
        cmocka_unit_test(test_extended_segment_address),
        cmocka_unit_test(test_segment_wraps_within_64k),
        cmocka_unit_test(test_switching_segment_and_linear),
        cmocka_unit_test(test_start_segment_address),
        cmocka_unit_test(test_start_linear_address),
        cmocka_unit_test(test_conflicting_start_addresses),
        cmocka_unit_test(test_only_eof_is_empty_image),
        cmocka_unit_test(test_checksum_mismatch),
        cmocka_unit_test(test_missing_eof),
        cmocka_unit_test(test_after_eof),
        cmocka_unit_test(test_malformed_records),
        cmocka_unit_test(test_record_too_long),
        cmocka_unit_test(test_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
