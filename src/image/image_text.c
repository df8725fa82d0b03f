/* Helpers for the line-oriented text formats (Intel HEX, S-record). */
#include <stdio.h>

#include "image_internal.h"
#include "stflash/error.h"

void img_lines_init(struct img_lines *it, const uint8_t *buf, size_t len)
{
    it->buf = buf;
    it->len = len;
    it->pos = 0;
    it->lineno = 0;
    it->start = 0;
}

static bool is_blank(uint8_t ch)
{
    /* 0x1a: the DOS end-of-file character some tools still append. */
    return ch == ' ' || ch == '\t' || ch == 0x1a;
}

bool img_lines_next(struct img_lines *it, const uint8_t **line, size_t *n)
{
    if (it->pos >= it->len)
        return false;
    size_t start = it->pos;
    size_t end = start;
    while (end < it->len && it->buf[end] != '\n' && it->buf[end] != '\r')
        end++;
    size_t next = end;
    if (next < it->len) {
        if (it->buf[next] == '\r' && next + 1 < it->len && it->buf[next + 1] == '\n')
            next += 2;
        else
            next += 1;
    }
    it->pos = next;
    it->lineno++;
    it->start = start;
    while (start < end && is_blank(it->buf[start]))
        start++;
    while (end > start && is_blank(it->buf[end - 1]))
        end--;
    *line = it->buf + start;
    *n = end - start;
    return true;
}

int img_hex_digit(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

const char *img_char_desc(uint8_t ch, char buf[8])
{
    if (ch > 0x20 && ch < 0x7f && ch != '\'')
        snprintf(buf, 8, "'%c'", ch);
    else
        snprintf(buf, 8, "0x%02x", ch);
    return buf;
}

int img_decode_hex(struct img_ctx *c, unsigned long line, const uint8_t *text, size_t n,
                   size_t col0, uint8_t *out, size_t out_cap, size_t *out_len)
{
    for (size_t i = 0; i < n; i++) {
        if (img_hex_digit(text[i]) < 0) {
            char desc[8];
            return img_fail_at(c, STFLASH_ERR_FORMAT, line, "invalid character %s at column %zu",
                               img_char_desc(text[i], desc), col0 + i);
        }
    }
    if (n % 2 != 0)
        return img_fail_at(c, STFLASH_ERR_FORMAT, line, "odd number of hex digits (%zu)", n);
    if (n / 2 > out_cap)
        return img_fail_at(c, STFLASH_ERR_FORMAT, line, "record too long (%zu bytes, at most %zu)",
                           n / 2, out_cap);
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (uint8_t)((img_hex_digit(text[2 * i]) << 4) | img_hex_digit(text[2 * i + 1]));
    *out_len = n / 2;
    return STFLASH_OK;
}
