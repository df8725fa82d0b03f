/* Writers: Intel HEX output (exact text and round trips through the reader), raw binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_test_util.h"
#include "stflash/error.h"

struct mem_out {
    char *text;
    size_t len;
    FILE *f;
};

static void mem_open(struct mem_out *m)
{
    m->text = NULL;
    m->len = 0;
    m->f = open_memstream(&m->text, &m->len);
    assert_non_null(m->f);
}

static void mem_close(struct mem_out *m)
{
    assert_int_equal(fclose(m->f), 0);
    m->f = NULL;
}

static void test_ihex_exact_text(void **state)
{
    (void)state;
    static const uint8_t d[3] = {1, 2, 3};
    struct mem_out m;
    mem_open(&m);
    assert_int_equal(stflash_image_write_ihex(0x08000000, d, 3, 0, m.f), STFLASH_OK);
    mem_close(&m);
    assert_string_equal(m.text, ":020000040800F2\n:03000000010203F7\n:00000001FF\n");
    free(m.text);

    /* Below 64 KiB no extended address record is needed. */
    mem_open(&m);
    assert_int_equal(stflash_image_write_ihex(0x0100, d, 3, 16, m.f), STFLASH_OK);
    mem_close(&m);
    assert_string_equal(m.text, ":03010000010203F6\n:00000001FF\n");
    free(m.text);

    /* Nothing at all: just the end-of-file record. */
    mem_open(&m);
    assert_int_equal(stflash_image_write_ihex(0x08000000, NULL, 0, 32, m.f), STFLASH_OK);
    mem_close(&m);
    assert_string_equal(m.text, ":00000001FF\n");
    free(m.text);
}

/* Checks the record layout of writer output: lengths, no record crossing 64 KiB. */
static void check_layout(const char *text, unsigned record_len, uint32_t base, size_t len)
{
    uint32_t upper = 0;
    size_t data_bytes = 0, ela_records = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        assert_int_equal(p[0], ':');
        unsigned n, off, type;
        assert_int_equal(sscanf(p + 1, "%2x%4x%2x", &n, &off, &type), 3);
        assert_int_equal((size_t)(nl - p), 11 + 2 * n);
        if (type == 4) {
            unsigned v;
            assert_int_equal(sscanf(p + 9, "%4x", &v), 1);
            upper = v << 16;
            ela_records++;
        } else if (type == 0) {
            assert_true(n <= record_len);
            assert_true(off + n <= 0x10000);
            assert_true((upper | off) >= base);
            data_bytes += n;
        }
        p = nl + 1;
    }
    assert_int_equal(data_bytes, len);
    assert_true(ela_records >= 1);
    assert_string_equal(p - 12, ":00000001FF\n");
}

static void round_trip(uint32_t addr, size_t len, unsigned record_len)
{
    uint8_t *data = malloc(len);
    assert_non_null(data);
    fill_pattern(data, len, addr ^ (uint32_t)len);
    struct mem_out m;
    mem_open(&m);
    assert_int_equal(stflash_image_write_ihex(addr, data, len, record_len, m.f), STFLASH_OK);
    mem_close(&m);
    check_layout(m.text, record_len ? record_len : 16, addr, len);

    struct stflash_image *img = parse_text_ok(m.text, STFLASH_IMAGE_AUTO);
    assert_int_equal(img->format, STFLASH_IMAGE_IHEX);
    assert_int_equal(stflash_image_segment_count(img), 1);
    assert_segment(img, 0, addr, data, len);
    assert_false(img->has_entry);
    stflash_image_free(img);
    free(m.text);
    free(data);
}

static void test_ihex_round_trip(void **state)
{
    (void)state;
    round_trip(0x0800fff0, 100003, 16); /* crosses two 64 KiB boundaries, odd tail */
    round_trip(0x0800fff0, 100003, 32);
    round_trip(0x08000007, 70000, 0); /* default length, unaligned start */
    round_trip(0x2000ffff, 3, 255);
    round_trip(0xffffff00, 256, 32);     /* up to the very last address */
    round_trip(0x00000000, 0x10001, 32); /* from address 0, no leading 04 record needed */
}

static void test_ihex_image_round_trip(void **state)
{
    (void)state;
    char buf[4096] = "";
    uint8_t d[40];
    fill_pattern(d, sizeof d, 5);
    static const uint8_t entry[4] = {0x08, 0x00, 0x01, 0x01};
    ihex_append_ela(buf, sizeof buf, 0x0800);
    ihex_append(buf, sizeof buf, 0xffe0, 0, d, 40); /* crosses into 0x0801 */
    ihex_append(buf, sizeof buf, 0x1000, 0, d, 7);
    ihex_append_ela(buf, sizeof buf, 0x2000);
    ihex_append(buf, sizeof buf, 0x0010, 0, d, 5);
    ihex_append(buf, sizeof buf, 0, 0x05, entry, 4);
    ihex_append_eof(buf, sizeof buf);
    struct stflash_image *a = parse_text_ok(buf, STFLASH_IMAGE_AUTO);

    struct mem_out m;
    mem_open(&m);
    assert_int_equal(stflash_image_write_ihex_image(a, 32, m.f), STFLASH_OK);
    mem_close(&m);
    assert_non_null(strstr(m.text, ":0400000508000101ED\n:00000001FF\n"));
    struct stflash_image *b = parse_text_ok(m.text, STFLASH_IMAGE_AUTO);
    assert_same_segments(a, b);
    assert_int_equal(b->segment_count, 3);
    assert_true(b->has_entry);
    assert_int_equal(b->entry, 0x08000101);
    stflash_image_free(b);
    stflash_image_free(a);
    free(m.text);
}

static void test_ihex_arguments(void **state)
{
    (void)state;
    static const uint8_t d[17] = {0};
    struct mem_out m;
    mem_open(&m);
    assert_int_equal(stflash_image_write_ihex(0xfffffff0, d, 17, 16, m.f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_write_ihex(0, d, 1, 256, m.f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_write_ihex(0, NULL, 1, 16, m.f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_write_ihex(0, d, 1, 16, NULL), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_write_ihex_image(NULL, 16, m.f), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_image_write_bin(NULL, 0xff, m.f), STFLASH_ERR_INVALID_ARG);
    mem_close(&m);
    assert_int_equal(m.len, 0);
    free(m.text);
}

static void test_write_errors(void **state)
{
    (void)state;
    static const uint8_t d[64] = {0};
    FILE *f = fopen("/dev/full", "w");
    if (f == NULL)
        skip();
    setvbuf(f, NULL, _IONBF, 0);
    errno = 0;
    assert_int_equal(stflash_image_write_ihex(0x08000000, d, sizeof d, 16, f), STFLASH_ERR_IO);
    assert_int_equal(errno, ENOSPC);
    struct stflash_image *img = NULL;
    assert_int_equal(
        stflash_image_parse_buffer(d, sizeof d, STFLASH_IMAGE_BIN, 0x08000000, &img, NULL),
        STFLASH_OK);
    errno = 0;
    assert_int_equal(stflash_image_write_bin(img, 0xff, f), STFLASH_ERR_IO);
    assert_int_equal(errno, ENOSPC);
    stflash_image_free(img);
    fclose(f);
}

static void test_bin_fills_gaps(void **state)
{
    (void)state;
    char buf[4096] = "";
    static const uint8_t d[4] = {1, 2, 3, 4};
    ihex_append(buf, sizeof buf, 0x1000, 0, d, 4);
    ihex_append(buf, sizeof buf, 0x1008, 0, d, 2);
    ihex_append(buf, sizeof buf, 0x2009, 0, d, 1);
    ihex_append_eof(buf, sizeof buf);
    struct stflash_image *img = parse_text_ok(buf, STFLASH_IMAGE_AUTO);
    struct mem_out m;
    mem_open(&m);
    assert_int_equal(stflash_image_write_bin(img, 0xa5, m.f), STFLASH_OK);
    mem_close(&m);
    assert_int_equal(m.len, 0x100a);
    uint8_t *want = malloc(0x100a);
    assert_non_null(want);
    memset(want, 0xa5, 0x100a);
    memcpy(want, d, 4);
    memcpy(want + 8, d, 2);
    want[0x1009] = 1;
    assert_memory_equal(m.text, want, 0x100a);
    free(want);
    free(m.text);
    stflash_image_free(img);

    /* Empty image: empty output. */
    img = parse_text_ok(":00000001FF\n", STFLASH_IMAGE_AUTO);
    mem_open(&m);
    assert_int_equal(stflash_image_write_bin(img, 0xff, m.f), STFLASH_OK);
    mem_close(&m);
    assert_int_equal(m.len, 0);
    free(m.text);
    stflash_image_free(img);
}

static void test_bin_span_limit(void **state)
{
    (void)state;
    /* Flash and an option-byte area far apart: refusing beats writing hundreds of MiB. */
    char text[256] = "";
    static const uint8_t one[1] = {1};
    ihex_append_ela(text, sizeof text, 0x0800);
    ihex_append(text, sizeof text, 0, 0x00, one, 1);
    ihex_append_ela(text, sizeof text, 0x1fff);
    ihex_append(text, sizeof text, 0x7800, 0x00, one, 1);
    ihex_append_eof(text, sizeof text);
    struct stflash_image *img = parse_text_ok(text, STFLASH_IMAGE_AUTO);
    assert_int_equal(img->segment_count, 2);
    struct mem_out m;
    mem_open(&m);
    assert_int_equal(stflash_image_write_bin(img, 0xff, m.f), STFLASH_ERR_RANGE);
    mem_close(&m);
    assert_int_equal(m.len, 0);
    free(m.text);
    stflash_image_free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ihex_exact_text),       cmocka_unit_test(test_ihex_round_trip),
        cmocka_unit_test(test_ihex_image_round_trip), cmocka_unit_test(test_ihex_arguments),
        cmocka_unit_test(test_write_errors),          cmocka_unit_test(test_bin_fills_gaps),
        cmocka_unit_test(test_bin_span_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
