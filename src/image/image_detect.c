/* Format detection from the content, and the text encodings no image format uses. */
#include <elf.h>
#include <string.h>

#include "image_internal.h"

static bool is_hex_run(const uint8_t *p, size_t avail, size_t n)
{
    if (avail < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (img_hex_digit(p[i]) < 0)
            return false;
    return true;
}

static bool is_space(uint8_t ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == 0x1a;
}

/* Printable ASCII, the usual control characters of text, and well-formed UTF-8. */
static bool is_text(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint8_t ch = p[i];
        if ((ch >= 0x20 && ch < 0x7f) || is_space(ch)) {
            i++;
            continue;
        }
        size_t more;
        if (ch >= 0xc2 && ch <= 0xdf)
            more = 1;
        else if (ch >= 0xe0 && ch <= 0xef)
            more = 2;
        else if (ch >= 0xf0 && ch <= 0xf4)
            more = 3;
        else
            return false;
        if (len - i - 1 < more)
            return false;
        for (size_t k = 1; k <= more; k++)
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
        i += more + 1;
    }
    return true;
}

static enum stflash_image_format record_start(const uint8_t *p, size_t avail, bool strong)
{
    if (avail >= 1 && p[0] == ':' && (!strong || is_hex_run(p + 1, avail - 1, 8)))
        return STFLASH_IMAGE_IHEX;
    if (avail >= 2 && p[0] == 'S' && p[1] >= '0' && p[1] <= '9' &&
        (!strong || is_hex_run(p + 2, avail - 2, 4)))
        return STFLASH_IMAGE_SREC;
    return STFLASH_IMAGE_AUTO;
}

/*
 * Length of the line at p when it is a whole record, 0 otherwise: ':' and at least 10 hex digits
 * (count, offset, type, checksum), or 'S', a digit and at least 6 hex digits (count, 16-bit
 * address, checksum), up to the end of the line. *fmt receives the format.
 */
static size_t record_line(const uint8_t *p, size_t avail, enum stflash_image_format *fmt)
{
    size_t skip, min;
    if (avail >= 1 && p[0] == ':') {
        *fmt = STFLASH_IMAGE_IHEX;
        skip = 1;
        min = 10;
    } else if (avail >= 2 && p[0] == 'S' && p[1] >= '0' && p[1] <= '9') {
        *fmt = STFLASH_IMAGE_SREC;
        skip = 2;
        min = 6;
    } else {
        return 0;
    }
    size_t n = skip;
    while (n < avail && img_hex_digit(p[n]) >= 0)
        n++;
    if (n - skip < min || (n < avail && p[n] != '\r' && p[n] != '\n'))
        return 0;
    return n;
}

/*
 * The format of a buffer that is not all text but holds whole record lines: at least two, or
 * one that makes up half the buffer. Random binary data practically never holds a line of
 * nothing but ten or more hex digits after a ':' (or 'S' and a digit).
 */
static enum stflash_image_format damaged_text_format(const uint8_t *buf, size_t len)
{
    enum stflash_image_format first = STFLASH_IMAGE_AUTO;
    size_t lines = 0, bytes = 0;
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n' || buf[i] == '\r') {
            line_start = true;
            continue;
        }
        if (line_start && (buf[i] == ' ' || buf[i] == '\t'))
            continue;
        if (line_start) {
            enum stflash_image_format f;
            size_t n = record_line(buf + i, len - i, &f);
            if (n > 0) {
                if (first == STFLASH_IMAGE_AUTO)
                    first = f;
                lines++;
                bytes += n;
                i += n - 1;
            }
        }
        line_start = false;
    }
    return lines >= 2 || (lines == 1 && 2 * bytes >= len) ? first : STFLASH_IMAGE_AUTO;
}

bool img_is_utf16(const uint8_t *buf, size_t len)
{
    if (len >= 2 && ((buf[0] == 0xff && buf[1] == 0xfe) || (buf[0] == 0xfe && buf[1] == 0xff)))
        return true;
    /* No byte order mark: look at the first characters. ASCII in UTF-16 has a zero byte in
     * every pair, on the same side. */
    size_t n = len < 512 ? len & ~(size_t)1 : 512;
    if (n < 4)
        return false;
    size_t le = 0, be = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint8_t a = buf[i], b = buf[i + 1];
        bool ta = (a >= 0x20 && a < 0x7f) || a == '\r' || a == '\n' || a == '\t';
        bool tb = (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t';
        le += ta && b == 0;
        be += tb && a == 0;
    }
    return le == n / 2 || be == n / 2;
}

enum stflash_image_format stflash_image_detect_format(const uint8_t *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return STFLASH_IMAGE_AUTO;
    if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0)
        return STFLASH_IMAGE_ELF;

    size_t i = 0;
    if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
        i = 3; /* UTF-8 byte order mark */
    while (i < len && is_space(buf[i]))
        i++;
    /* A well-formed first record decides, whatever follows (the parser judges the rest). */
    enum stflash_image_format f = record_start(buf + i, len - i, true);
    if (f != STFLASH_IMAGE_AUTO)
        return f;
    if (img_is_utf16(buf, len))
        return STFLASH_IMAGE_AUTO; /* text, but in an encoding no image format uses */
    if (!is_text(buf, len)) {
        /* Binary bytes among whole record lines: a damaged text image (a binary first line, a
         * stray block), not a raw binary; the parser names the broken line. */
        f = damaged_text_format(buf, len);
        return f != STFLASH_IMAGE_AUTO ? f : STFLASH_IMAGE_BIN;
    }
    /* Text: any line that starts like a record makes it that format, so that the parser
     * reports the lines that are not records instead of flashing the text. */
    bool line_start = true;
    for (i = 0; i < len; i++) {
        if (buf[i] == '\n' || buf[i] == '\r') {
            line_start = true;
            continue;
        }
        if (line_start && (buf[i] == ' ' || buf[i] == '\t'))
            continue;
        if (line_start) {
            f = record_start(buf + i, len - i, false);
            if (f != STFLASH_IMAGE_AUTO)
                return f;
        }
        line_start = false;
    }
    return STFLASH_IMAGE_AUTO;
}
