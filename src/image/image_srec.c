/* Motorola S-record reader (S0 to S9). */
#include "image_internal.h"
#include "stflash/error.h"

/* Count byte, up to 255 bytes of address, data and checksum. */
#define SREC_MAX_BYTES (1 + 255)

/* Address (or count) field width per record type; 0 for the reserved S4. */
static const unsigned srec_addr_bytes[10] = {2, 2, 3, 4, 0, 2, 3, 4, 3, 2};

int img_parse_srec(struct img_ctx *c, const uint8_t *buf, size_t len)
{
    struct img_lines it;
    img_lines_init(&it, buf, len);
    unsigned long end_line = 0; /* line of the S7/S8/S9 record */
    uint32_t data_records = 0;
    bool any = false;
    const uint8_t *text;
    size_t n;

    while (img_lines_next(&it, &text, &n)) {
        unsigned long line = it.lineno;
        if (n == 0)
            continue;
        any = true;
        if (end_line != 0)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "data after the termination record (line %lu)", end_line);
        char desc[8];
        if (text[0] != 'S')
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "expected 'S' to start a record, got %s",
                               img_char_desc(text[0], desc));
        if (n < 2 || text[1] < '0' || text[1] > '9')
            return img_fail_at(c, STFLASH_ERR_FORMAT, line, "invalid record type %s",
                               n < 2 ? "(missing)" : img_char_desc(text[1], desc));
        unsigned type = (unsigned)(text[1] - '0');
        if (type == 4)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line, "record type S4 is reserved");

        uint8_t rec[SREC_MAX_BYTES];
        size_t nb;
        size_t col = (size_t)(text - buf) - it.start + 3; /* 1-based column of text[2] */
        int rc = img_decode_hex(c, line, text + 2, n - 2, col, rec, sizeof rec, &nb);
        if (rc != STFLASH_OK)
            return rc;
        if (nb < 1)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line, "record too short (no count)");
        size_t count = rec[0];
        if (nb != count + 1)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "record count 0x%02x does not match the %zu bytes present",
                               (unsigned)count, nb - 1);
        unsigned alen = srec_addr_bytes[type];
        if (count < alen + 1)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "record count 0x%02x too small for an S%u record (at least 0x%02x)",
                               (unsigned)count, type, alen + 1);
        uint8_t sum = 0;
        for (size_t i = 0; i + 1 < nb; i++)
            sum = (uint8_t)(sum + rec[i]);
        uint8_t expected = (uint8_t)~sum;
        if (rec[nb - 1] != expected)
            return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                               "checksum mismatch (expected 0x%02x, got 0x%02x)", expected,
                               rec[nb - 1]);

        uint32_t addr = img_be_get(rec + 1, alen);
        const uint8_t *data = rec + 1 + alen;
        size_t dlen = count - alen - 1;
        switch (type) {
        case 0: /* header: free text, ignored */
            break;
        case 1:
        case 2:
        case 3:
            data_records++;
            rc = img_emit(c, addr, data, dlen, line);
            break;
        case 5:
        case 6:
            if (dlen != 0)
                return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                                   "S%u record carries %zu unexpected data bytes", type, dlen);
            if (addr != data_records)
                return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                                   "record count mismatch (S%u says %u, %u data records precede "
                                   "it)",
                                   type, (unsigned)addr, (unsigned)data_records);
            break;
        default: /* 7, 8, 9: termination with the start address */
            if (dlen != 0)
                return img_fail_at(c, STFLASH_ERR_FORMAT, line,
                                   "S%u record carries %zu unexpected data bytes", type, dlen);
            end_line = line;
            if (addr != 0) {
                c->has_entry = true;
                c->entry = addr;
            }
            break;
        }
        if (rc != STFLASH_OK)
            return rc;
    }
    if (!any)
        return img_fail(c, STFLASH_ERR_FORMAT, "empty input");
    return STFLASH_OK;
}
