#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "image_test_util.h"
#include "stflash/error.h"

static void append_hex(char *buf, size_t cap, const uint8_t *bytes, size_t n)
{
    size_t len = strlen(buf);
    for (size_t i = 0; i < n; i++) {
        assert_true(len + 3 < cap);
        snprintf(buf + len, cap - len, "%02X", bytes[i]);
        len += 2;
    }
}

static void append_str(char *buf, size_t cap, const char *s)
{
    size_t len = strlen(buf);
    assert_true(len + strlen(s) < cap);
    memcpy(buf + len, s, strlen(s) + 1);
}

void ihex_append(char *buf, size_t cap, uint16_t offset, uint8_t type, const uint8_t *data,
                 size_t n)
{
    uint8_t rec[4 + 255 + 1];
    assert_true(n <= 255);
    rec[0] = (uint8_t)n;
    rec[1] = (uint8_t)(offset >> 8);
    rec[2] = (uint8_t)offset;
    rec[3] = type;
    if (n > 0)
        memcpy(rec + 4, data, n);
    uint8_t sum = 0;
    for (size_t i = 0; i < 4 + n; i++)
        sum = (uint8_t)(sum + rec[i]);
    rec[4 + n] = (uint8_t)-sum;
    append_str(buf, cap, ":");
    append_hex(buf, cap, rec, 5 + n);
    append_str(buf, cap, "\n");
}

void ihex_append_ela(char *buf, size_t cap, uint16_t upper)
{
    const uint8_t d[2] = {(uint8_t)(upper >> 8), (uint8_t)upper};
    ihex_append(buf, cap, 0, 0x04, d, 2);
}

void ihex_append_eof(char *buf, size_t cap)
{
    ihex_append(buf, cap, 0, 0x01, NULL, 0);
}

void srec_append(char *buf, size_t cap, unsigned type, uint32_t addr, const uint8_t *data, size_t n)
{
    static const unsigned widths[10] = {2, 2, 3, 4, 2, 2, 3, 4, 3, 2};
    unsigned w = widths[type];
    uint8_t rec[1 + 4 + 255];
    assert_true(n + w + 1 <= 255);
    rec[0] = (uint8_t)(n + w + 1);
    for (unsigned i = 0; i < w; i++)
        rec[1 + i] = (uint8_t)(addr >> (8 * (w - 1 - i)));
    if (n > 0)
        memcpy(rec + 1 + w, data, n);
    uint8_t sum = 0;
    for (size_t i = 0; i < 1 + w + n; i++)
        sum = (uint8_t)(sum + rec[i]);
    rec[1 + w + n] = (uint8_t)~sum;
    char head[3] = {'S', (char)('0' + type), '\0'};
    append_str(buf, cap, head);
    append_hex(buf, cap, rec, 2 + w + n);
    append_str(buf, cap, "\n");
}

size_t elf_build(uint8_t *out, size_t cap, uint32_t entry, const struct test_phdr *ph, size_t n)
{
    size_t pos = 52 + 32 * n;
    assert_true(pos <= cap);
    memset(out, 0, pos);
    memcpy(out,
           "\x7f"
           "ELF",
           4);
    out[4] = 1;             /* ELFCLASS32 */
    out[5] = 1;             /* little-endian */
    out[6] = 1;             /* EV_CURRENT */
    le16_put(out + 16, 2);  /* ET_EXEC */
    le16_put(out + 18, 40); /* EM_ARM */
    le32_put(out + 20, 1);
    le32_put(out + 24, entry);
    le32_put(out + 28, 52); /* e_phoff */
    le32_put(out + 36, 0x05000200);
    le16_put(out + 40, 52);
    le16_put(out + 42, 32);
    le16_put(out + 44, (uint16_t)n);
    le16_put(out + 46, 40);
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = out + 52 + 32 * i;
        uint32_t offset = ph[i].offset;
        if (ph[i].data != NULL) {
            offset = (uint32_t)pos;
            assert_true(pos + ph[i].filesz <= cap);
            memcpy(out + pos, ph[i].data, ph[i].filesz);
            pos += ph[i].filesz;
        }
        le32_put(p + 0, ph[i].type);
        le32_put(p + 4, offset);
        le32_put(p + 8, ph[i].vaddr);
        le32_put(p + 12, ph[i].paddr);
        le32_put(p + 16, ph[i].filesz);
        le32_put(p + 20, ph[i].memsz);
        le32_put(p + 24, 5);
        le32_put(p + 28, 4);
    }
    return pos;
}

struct stflash_image *parse_text_ok(const char *text, enum stflash_image_format fmt)
{
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    int rc = stflash_image_parse_buffer((const uint8_t *)text, strlen(text), fmt, 0, &img, &err);
    if (rc != STFLASH_OK)
        fail_msg("parse failed (%d): %s", rc, err.msg);
    assert_non_null(img);
    assert_string_equal(err.msg, "");
    return img;
}

void parse_text_fail(const char *text, enum stflash_image_format fmt, int code,
                     struct stflash_image_error *err)
{
    struct stflash_image *img = (struct stflash_image *)(uintptr_t)1;
    int rc = stflash_image_parse_buffer((const uint8_t *)text, strlen(text), fmt, 0, &img, err);
    if (rc != code)
        fail_msg("expected %d, got %d (%s)", code, rc, err->msg);
    assert_ptr_equal(img, (struct stflash_image *)(uintptr_t)1); /* untouched on failure */
    assert_true(err->msg[0] != '\0');
}

void assert_format_errors(const struct format_error_case *cases, size_t n,
                          enum stflash_image_format fmt)
{
    for (size_t i = 0; i < n; i++) {
        struct stflash_image_error err;
        parse_text_fail(cases[i].text, fmt, STFLASH_ERR_FORMAT, &err);
        if (strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, cases[i].msg);
    }
}

void assert_address_range(const struct stflash_image *img, uint32_t lo, uint32_t hi)
{
    uint32_t got_lo, got_hi;
    assert_int_equal(stflash_image_lowest_address(img, &got_lo), STFLASH_OK);
    assert_int_equal(stflash_image_highest_address(img, &got_hi), STFLASH_OK);
    assert_int_equal(got_lo, lo);
    assert_int_equal(got_hi, hi);
}

struct stflash_image *load_file_ok(const char *path, enum stflash_image_format want)
{
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    int rc = stflash_image_load(path, STFLASH_IMAGE_AUTO, 0, &img, &err);
    if (rc != STFLASH_OK)
        fail_msg("%s: %s", path, err.msg);
    assert_int_equal(img->format, want);
    return img;
}

void assert_segment(const struct stflash_image *img, size_t i, uint32_t addr, const uint8_t *data,
                    size_t len)
{
    const struct stflash_segment *s = stflash_image_segment(img, i);
    assert_non_null(s);
    assert_int_equal(s->addr, addr);
    assert_int_equal(s->len, len);
    assert_memory_equal(s->data, data, len);
}

void assert_same_segments(const struct stflash_image *a, const struct stflash_image *b)
{
    assert_int_equal(b->segment_count, a->segment_count);
    for (size_t i = 0; i < a->segment_count; i++)
        assert_segment(b, i, a->segments[i].addr, a->segments[i].data, a->segments[i].len);
}

const uint8_t seq16[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

void fill_pattern(uint8_t *buf, size_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 11);
    }
}
