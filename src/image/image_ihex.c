/* Intel HEX reader (record types 00 to 05). */
#include "image_internal.h"
#include "stflash/error.h"

enum {
    IHEX_DATA = 0x00,
    IHEX_EOF = 0x01,
    IHEX_EXT_SEGMENT = 0x02,
    IHEX_START_SEGMENT = 0x03,
    IHEX_EXT_LINEAR = 0x04,
    IHEX_START_LINEAR = 0x05,
};

/* Length, two address bytes, type, up to 255 data bytes, checksum. */
#define IHEX_MAX_BYTES (4 + 255 + 1)

struct ihex_state {
    bool segmented;           /* the last base came from a type 02 record */
    uint32_t base;            /* segment base (USBA * 16) or linear base (ULBA << 16) */
    unsigned long entry_line; /* line of the start record, 0 if none yet */
};

static int set_entry(struct img_ctx *c, struct ihex_state *st, unsigned long line, uint32_t entry)
{
    if (st->entry_line != 0 && c->entry != entry)
        return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                           "start address 0x%08x conflicts with 0x%08x (line %lu)", (unsigned)entry,
                           (unsigned)c->entry, st->entry_line);
    c->has_entry = true;
    c->entry = entry;
    st->entry_line = line;
    return STFLASH_OK;
}

static int data_record(struct img_ctx *c, const struct ihex_state *st, unsigned long line,
                       uint16_t offset, const uint8_t *data, size_t n)
{
    if (st->segmented) {
        /* Spec: SBA + ((offset + index) mod 64 Ki); a record may wrap within its segment. */
        size_t first = 0x10000u - offset;
        if (first > n)
            first = n;
        int rc = img_emit(c, st->base + offset, data, first, line);
        if (rc == STFLASH_OK && first < n)
            rc = img_emit(c, st->base, data + first, n - first, line);
        return rc;
    }
    /* Spec: (LBA + offset + index) mod 4 Gi. */
    uint32_t addr = st->base + offset;
    size_t first = n;
    if ((uint64_t)addr + n > UINT64_C(0x100000000))
        first = (size_t)(UINT64_C(0x100000000) - addr);
    int rc = img_emit(c, addr, data, first, line);
    if (rc == STFLASH_OK && first < n)
        rc = img_emit(c, 0, data + first, n - first, line);
    return rc;
}

static int expect_len(struct img_ctx *c, unsigned long line, unsigned type, size_t got, size_t want)
{
    if (got != want)
        return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                           "record type %02x must carry %zu data bytes, not %zu", type, want, got);
    return STFLASH_OK;
}

int img_parse_ihex(struct img_ctx *c, const uint8_t *buf, size_t len)
{
    struct img_lines it;
    img_lines_init(&it, buf, len);
    struct ihex_state st = {0};
    unsigned long eof_line = 0;
    const uint8_t *text;
    size_t n;

    while (img_lines_next(&it, &text, &n)) {
        unsigned long line = it.lineno;
        if (n == 0)
            continue;
        if (eof_line != 0)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "data after the end-of-file record (line %lu)", eof_line);
        if (text[0] != ':') {
            char desc[8];
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "expected ':' to start a record, got %s",
                               img_char_desc(text[0], desc));
        }
        uint8_t rec[IHEX_MAX_BYTES];
        size_t nb;
        size_t col = (size_t)(text - buf) - it.start + 2; /* 1-based column of text[1] */
        int rc = img_decode_hex(c, line, text + 1, n - 1, col, rec, sizeof rec, &nb);
        if (rc != STFLASH_OK)
            return rc;
        if (nb < 5)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line, "record too short (%zu bytes)", nb);
        size_t count = rec[0];
        if (nb != count + 5)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "record length 0x%02x does not match the %zu data bytes present",
                               (unsigned)count, nb - 5);
        uint8_t sum = 0;
        for (size_t i = 0; i + 1 < nb; i++)
            sum = (uint8_t)(sum + rec[i]);
        uint8_t expected = (uint8_t)(0x100u - sum);
        if (rec[nb - 1] != expected)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "checksum mismatch (expected 0x%02x, got 0x%02x)", expected,
                               rec[nb - 1]);

        uint16_t offset = (uint16_t)((rec[1] << 8) | rec[2]);
        unsigned type = rec[3];
        const uint8_t *data = rec + 4;
        switch (type) {
        case IHEX_DATA:
            rc = data_record(c, &st, line, offset, data, count);
            break;
        case IHEX_EOF:
            rc = expect_len(c, line, type, count, 0);
            eof_line = line;
            break;
        case IHEX_EXT_SEGMENT:
            rc = expect_len(c, line, type, count, 2);
            st.segmented = true;
            st.base = img_be_get(data, 2) << 4;
            break;
        case IHEX_START_SEGMENT:
            rc = expect_len(c, line, type, count, 4);
            if (rc == STFLASH_OK)
                rc = set_entry(c, &st, line, (img_be_get(data, 2) << 4) + img_be_get(data + 2, 2));
            break;
        case IHEX_EXT_LINEAR:
            rc = expect_len(c, line, type, count, 2);
            st.segmented = false;
            st.base = img_be_get(data, 2) << 16;
            break;
        case IHEX_START_LINEAR:
            rc = expect_len(c, line, type, count, 4);
            if (rc == STFLASH_OK)
                rc = set_entry(c, &st, line, img_be_get(data, 4));
            break;
        default:
            rc = img_fail_at(c, STFLASH_ERR_FORMAT, line, "unknown record type %02x", type);
            break;
        }
        if (rc != STFLASH_OK)
            return rc;
    }
    if (it.lineno == 0)
        return img_fail(c, STFLASH_ERR_FORMAT, "empty input");
    if (eof_line == 0)
        return img_fail(c, STFLASH_ERR_FORMAT,
                        "missing end-of-file record (type 01) after line %lu", it.lineno);
    return STFLASH_OK;
}
