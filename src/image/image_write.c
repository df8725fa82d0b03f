/* Image writers: raw binary and Intel HEX. */
#include <errno.h>
#include <string.h>

#include "image_internal.h"
#include "stflash/error.h"

static int io_error(void)
{
    if (errno == 0)
        errno = EIO;
    return STFLASH_ERR_IO;
}

/* ---- binary ---- */

int stflash_image_write_bin(const struct stflash_image *img, uint8_t fill, FILE *f)
{
    if (img == NULL || f == NULL)
        return STFLASH_ERR_INVALID_ARG;
    if (img->segment_count == 0)
        return STFLASH_OK;
    uint32_t low = img->segments[0].addr;
    const struct stflash_segment *last = &img->segments[img->segment_count - 1];
    uint64_t span = (uint64_t)last->addr + last->len - low;
    if (span > STFLASH_IMAGE_MAX_BYTES)
        return STFLASH_ERR_RANGE;

    uint8_t pad[4096];
    memset(pad, fill, sizeof pad);
    uint64_t pos = low;
    errno = 0;
    for (size_t i = 0; i < img->segment_count; i++) {
        const struct stflash_segment *s = &img->segments[i];
        while (pos < s->addr) {
            uint64_t gap = s->addr - pos;
            size_t chunk = gap < sizeof pad ? (size_t)gap : sizeof pad;
            if (fwrite(pad, 1, chunk, f) != chunk)
                return io_error();
            pos += chunk;
        }
        if (fwrite(s->data, 1, s->len, f) != s->len)
            return io_error();
        pos += s->len;
    }
    if (fflush(f) != 0)
        return io_error();
    return STFLASH_OK;
}

/* ---- Intel HEX ---- */

struct ihex_writer {
    FILE *f;
    unsigned record_len;
    uint32_t upper; /* upper 16 address bits in effect (0 until a type 04 record says else) */
};

static int put_record(struct ihex_writer *w, unsigned type, uint16_t offset, const uint8_t *data,
                      size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    /* ':' + 2 * (count, offset, type, data, checksum) + '\n' */
    char line[1 + 2 * (4 + 255 + 1) + 1];
    uint8_t head[4] = {(uint8_t)n, (uint8_t)(offset >> 8), (uint8_t)offset, (uint8_t)type};
    size_t pos = 0;
    uint8_t sum = 0;
    line[pos++] = ':';
    for (size_t i = 0; i < 4 + n; i++) {
        uint8_t b = i < 4 ? head[i] : data[i - 4];
        sum = (uint8_t)(sum + b);
        line[pos++] = digits[b >> 4];
        line[pos++] = digits[b & 15];
    }
    uint8_t cs = (uint8_t)(0x100u - sum);
    line[pos++] = digits[cs >> 4];
    line[pos++] = digits[cs & 15];
    line[pos++] = '\n';
    if (fwrite(line, 1, pos, w->f) != pos)
        return io_error();
    return STFLASH_OK;
}

static int put_data(struct ihex_writer *w, uint32_t addr, const uint8_t *data, size_t len)
{
    while (len > 0) {
        uint32_t upper = addr >> 16;
        if (upper != w->upper) {
            uint8_t ula[2] = {(uint8_t)(upper >> 8), (uint8_t)upper};
            int rc = put_record(w, 0x04, 0, ula, 2);
            if (rc != STFLASH_OK)
                return rc;
            w->upper = upper;
        }
        /* Never cross a 64 KiB boundary: readers disagree on what that would mean. */
        size_t room = 0x10000u - (addr & 0xffffu);
        size_t n = len < w->record_len ? len : w->record_len;
        if (n > room)
            n = room;
        int rc = put_record(w, 0x00, (uint16_t)addr, data, n);
        if (rc != STFLASH_OK)
            return rc;
        addr += (uint32_t)n; /* wraps to 0 only when len reaches 0 too */
        data += n;
        len -= n;
    }
    return STFLASH_OK;
}

static int finish(struct ihex_writer *w)
{
    int rc = put_record(w, 0x01, 0, NULL, 0);
    if (rc == STFLASH_OK && fflush(w->f) != 0)
        rc = io_error();
    return rc;
}

static int writer_init(struct ihex_writer *w, unsigned record_len, FILE *f)
{
    if (f == NULL || record_len > 255)
        return STFLASH_ERR_INVALID_ARG;
    w->f = f;
    w->record_len = record_len ? record_len : 16;
    w->upper = 0;
    errno = 0;
    return STFLASH_OK;
}

int stflash_image_write_ihex(uint32_t addr, const uint8_t *data, size_t len, unsigned record_len,
                             FILE *f)
{
    struct ihex_writer w;
    if ((data == NULL && len > 0) || (uint64_t)addr + len > UINT64_C(0x100000000))
        return STFLASH_ERR_INVALID_ARG;
    int rc = writer_init(&w, record_len, f);
    if (rc == STFLASH_OK)
        rc = put_data(&w, addr, data, len);
    if (rc == STFLASH_OK)
        rc = finish(&w);
    return rc;
}

int stflash_image_write_ihex_image(const struct stflash_image *img, unsigned record_len, FILE *f)
{
    struct ihex_writer w;
    if (img == NULL)
        return STFLASH_ERR_INVALID_ARG;
    int rc = writer_init(&w, record_len, f);
    for (size_t i = 0; rc == STFLASH_OK && i < img->segment_count; i++)
        rc = put_data(&w, img->segments[i].addr, img->segments[i].data, img->segments[i].len);
    if (rc == STFLASH_OK && img->has_entry) {
        uint8_t e[4] = {(uint8_t)(img->entry >> 24), (uint8_t)(img->entry >> 16),
                        (uint8_t)(img->entry >> 8), (uint8_t)img->entry};
        rc = put_record(&w, 0x05, 0, e, 4);
    }
    if (rc == STFLASH_OK)
        rc = finish(&w);
    return rc;
}
