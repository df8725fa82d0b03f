/* Shared between the image readers: the segment builder, error reporting, text helpers. */
#ifndef STFLASH_IMAGE_INTERNAL_H
#define STFLASH_IMAGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/image.h"

#if defined(__GNUC__)
#define IMG_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define IMG_PRINTF(fmt_index, first_arg)
#endif

/* A piece of data as it came from the input, before sorting and merging. */
struct img_chunk {
    uint32_t addr;
    uint32_t len; /* never more than STFLASH_IMAGE_MAX_BYTES */
    size_t off;   /* into img_ctx.pool; grows with input order, so it breaks ties stably */
};

/*
 * One parse of one input. Parsers report data with img_emit() and failures with img_fail*().
 * A second, "locate" parse of the same input finds the two records behind an overlap: in that
 * mode img_emit() stores nothing and only notes which records cover locate_addr.
 */
struct img_ctx {
    struct stflash_image_error *err;
    const char *origin_kind; /* "line" or "program header": names an origin in messages */

    bool has_entry;
    uint32_t entry;

    struct img_chunk *chunks;
    size_t chunk_count, chunk_cap;
    uint8_t *pool;
    size_t pool_len, pool_cap;

    bool locate;
    uint32_t locate_addr;
    unsigned long located[2];
    size_t located_count;
};

/* Upper bound on data pieces that could not be merged while reading (bounds the chunk table). */
#define IMG_MAX_CHUNKS (4u * 1024u * 1024u)

/* Records len bytes at addr, coming from `origin` (a line or program header number). */
int img_emit(struct img_ctx *c, uint32_t addr, const uint8_t *data, size_t len,
             unsigned long origin);

/* Fill err (if any) and return code. The _at form prefixes "<origin_kind> <origin>: ". */
int img_fail(struct img_ctx *c, int code, const char *fmt, ...) IMG_PRINTF(3, 4);
int img_fail_at(struct img_ctx *c, int code, unsigned long origin, const char *fmt, ...)
    IMG_PRINTF(4, 5);

/* Format parsers: fill c through img_emit() and c->has_entry / c->entry. */
int img_parse_ihex(struct img_ctx *c, const uint8_t *buf, size_t len);
int img_parse_srec(struct img_ctx *c, const uint8_t *buf, size_t len);
int img_parse_elf(struct img_ctx *c, const uint8_t *buf, size_t len);

/* Line iteration over a text buffer: LF, CRLF and CR end a line; blanks around it are cut. */
struct img_lines {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    unsigned long lineno; /* of the line last returned, 1-based */
    size_t start;         /* offset in buf where that line begins, before trimming */
};

void img_lines_init(struct img_lines *it, const uint8_t *buf, size_t len);
/* Next line (possibly empty after trimming); false at the end of the buffer. */
bool img_lines_next(struct img_lines *it, const uint8_t **line, size_t *n);

/* Value of a hex digit, or -1. */
int img_hex_digit(uint8_t ch);

/*
 * Decodes the hex digit pairs of text[0..n) into out (capacity out_cap bytes). On error fills
 * c's message for `line` (column numbers count from col0 for text[0]) and returns the code.
 */
int img_decode_hex(struct img_ctx *c, unsigned long line, const uint8_t *text, size_t n,
                   size_t col0, uint8_t *out, size_t out_cap, size_t *out_len);

/* Big-endian unsigned value of n (1..4) bytes. */
static inline uint32_t img_be_get(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The shared error helpers of the public functions (err may be NULL). */
void img_set_error(struct stflash_image_error *err, const char *fmt, ...) IMG_PRINTF(2, 3);
void img_clear_error(struct stflash_image_error *err);

/* True when buf holds UTF-16 text: a UTF-16 byte order mark, or ASCII characters each followed
 * (little-endian) or preceded (big-endian) by a zero byte. */
bool img_is_utf16(const uint8_t *buf, size_t len);

/* Describes a character for a message: "'g'" or "0x00". buf needs 8 bytes. */
const char *img_char_desc(uint8_t ch, char buf[8]);

#endif
