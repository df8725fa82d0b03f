/* Image loading: format dispatch, the segment builder, accessors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_internal.h"
#include "stflash/error.h"

/* ---- error reporting ---- */

static void vset_msg(struct stflash_image_error *err, const char *prefix, const char *fmt,
                     va_list ap) IMG_PRINTF(3, 0);

static void vset_msg(struct stflash_image_error *err, const char *prefix, const char *fmt,
                     va_list ap)
{
    size_t used = (size_t)snprintf(err->msg, sizeof err->msg, "%s", prefix);
    if (used >= sizeof err->msg)
        return;
    vsnprintf(err->msg + used, sizeof err->msg - used, fmt, ap);
}

int img_fail(struct img_ctx *c, int code, const char *fmt, ...)
{
    if (c->err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vset_msg(c->err, "", fmt, ap);
        va_end(ap);
        c->err->line = 0;
    }
    return code;
}

int img_fail_at(struct img_ctx *c, int code, unsigned long origin, const char *fmt, ...)
{
    if (c->err != NULL) {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "%s %lu: ", c->origin_kind, origin);
        va_list ap;
        va_start(ap, fmt);
        vset_msg(c->err, prefix, fmt, ap);
        va_end(ap);
        c->err->line = strcmp(c->origin_kind, "line") == 0 ? origin : 0;
    }
    return code;
}

void img_set_error(struct stflash_image_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vset_msg(err, "", fmt, ap);
    va_end(ap);
    err->line = 0;
}

void img_clear_error(struct stflash_image_error *err)
{
    if (err != NULL) {
        err->msg[0] = '\0';
        err->line = 0;
    }
}

/* ---- the builder ---- */

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return STFLASH_OK;
    size_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (q == NULL)
        return STFLASH_ERR_NO_MEMORY;
    *p = q;
    *cap = n;
    return STFLASH_OK;
}

int img_emit(struct img_ctx *c, uint32_t addr, const uint8_t *data, size_t len,
             unsigned long origin)
{
    if (len == 0)
        return STFLASH_OK;
    if ((uint64_t)addr + len > UINT64_C(0x100000000))
        return img_fail_at(c, STFLASH_ERR_FORMAT, origin,
                           "data at 0x%08x (%zu bytes) runs past the end of the 32-bit address "
                           "space",
                           (unsigned)addr, len);

    if (c->locate) {
        uint64_t end = (uint64_t)addr + len;
        if (c->locate_addr >= addr && c->locate_addr < end && c->located_count < 2)
            c->located[c->located_count++] = origin;
        return STFLASH_OK;
    }

    if (len > STFLASH_IMAGE_MAX_BYTES - c->pool_len)
        return img_fail_at(c, STFLASH_ERR_FORMAT, origin, "image data exceeds the %u MiB limit",
                           STFLASH_IMAGE_MAX_BYTES / (1024u * 1024u));

    /* The usual case: this data continues the previous piece; extend it. */
    struct img_chunk *last = c->chunk_count ? &c->chunks[c->chunk_count - 1] : NULL;
    bool extend = last != NULL && (uint64_t)last->addr + last->len == addr;
    if (!extend && c->chunk_count >= IMG_MAX_CHUNKS)
        return img_fail_at(c, STFLASH_ERR_FORMAT, origin,
                           "more than %u discontiguous pieces of data", IMG_MAX_CHUNKS);

    void *pool = c->pool;
    if (grow(&pool, &c->pool_cap, c->pool_len + len, 1, 4096) != STFLASH_OK)
        return img_fail(c, STFLASH_ERR_NO_MEMORY, "out of memory");
    c->pool = pool;
    memcpy(c->pool + c->pool_len, data, len);

    if (extend) {
        last->len += (uint32_t)len;
    } else {
        void *chunks = c->chunks;
        if (grow(&chunks, &c->chunk_cap, c->chunk_count + 1, sizeof(struct img_chunk), 16) !=
            STFLASH_OK)
            return img_fail(c, STFLASH_ERR_NO_MEMORY, "out of memory");
        c->chunks = chunks;
        c->chunks[c->chunk_count++] = (struct img_chunk){addr, (uint32_t)len, c->pool_len};
    }
    c->pool_len += len;
    return STFLASH_OK;
}

static void ctx_release(struct img_ctx *c)
{
    free(c->chunks);
    free(c->pool);
    c->chunks = NULL;
    c->pool = NULL;
}

static int chunk_cmp(const void *a, const void *b)
{
    const struct img_chunk *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return 0;
}

/*
 * Sorts the chunks. Returns STFLASH_OK, or STFLASH_ERR_OVERLAP with *at set to the lowest
 * address defined twice.
 */
static int sort_and_check(struct img_ctx *c, uint32_t *at)
{
    if (c->chunk_count < 2)
        return STFLASH_OK;
    qsort(c->chunks, c->chunk_count, sizeof c->chunks[0], chunk_cmp);
    uint64_t end = (uint64_t)c->chunks[0].addr + c->chunks[0].len;
    for (size_t i = 1; i < c->chunk_count; i++) {
        if (c->chunks[i].addr < end) {
            *at = c->chunks[i].addr;
            return STFLASH_ERR_OVERLAP;
        }
        end = (uint64_t)c->chunks[i].addr + c->chunks[i].len;
    }
    return STFLASH_OK;
}

/* Builds the image from sorted, non-overlapping chunks. */
static int build_image(struct img_ctx *c, enum stflash_image_format fmt, struct stflash_image **out)
{
    size_t nseg = 0;
    uint64_t end = 0;
    for (size_t i = 0; i < c->chunk_count; i++) {
        if (i == 0 || c->chunks[i].addr != end)
            nseg++;
        end = (uint64_t)c->chunks[i].addr + c->chunks[i].len;
    }

    struct stflash_image *img = calloc(1, sizeof *img);
    if (img == NULL)
        return STFLASH_ERR_NO_MEMORY;
    /* One block holds the segment table followed by all the data. */
    struct stflash_segment *segs = NULL;
    if (nseg > 0) {
        size_t table = nseg * sizeof(struct stflash_segment);
        uint8_t *block = malloc(table + c->pool_len);
        if (block == NULL) {
            free(img);
            return STFLASH_ERR_NO_MEMORY;
        }
        segs = (struct stflash_segment *)(void *)block;
        uint8_t *data = block + table;
        size_t s = 0;
        for (size_t i = 0; i < c->chunk_count; i++) {
            const struct img_chunk *ch = &c->chunks[i];
            if (i == 0 || ch->addr != end) {
                if (i > 0)
                    s++;
                segs[s] = (struct stflash_segment){ch->addr, 0, data};
            }
            memcpy(data, c->pool + ch->off, ch->len);
            data += ch->len;
            segs[s].len += ch->len;
            end = (uint64_t)ch->addr + ch->len;
        }
    }
    img->segments = segs;
    img->segment_count = nseg;
    img->total_bytes = c->pool_len;
    img->has_entry = c->has_entry;
    img->entry = c->entry;
    img->format = fmt;
    *out = img;
    return STFLASH_OK;
}

static int run_parser(struct img_ctx *c, enum stflash_image_format fmt, const uint8_t *buf,
                      size_t len, uint32_t bin_base)
{
    switch (fmt) {
    case STFLASH_IMAGE_IHEX:
        c->origin_kind = "line";
        return img_parse_ihex(c, buf, len);
    case STFLASH_IMAGE_SREC:
        c->origin_kind = "line";
        return img_parse_srec(c, buf, len);
    case STFLASH_IMAGE_ELF:
        c->origin_kind = "program header";
        return img_parse_elf(c, buf, len);
    case STFLASH_IMAGE_BIN:
        c->origin_kind = "offset";
        if (len == 0)
            return img_fail(c, STFLASH_ERR_FORMAT, "empty binary");
        if ((uint64_t)bin_base + len > UINT64_C(0x100000000))
            return img_fail(c, STFLASH_ERR_INVALID_ARG,
                            "binary of %zu bytes at 0x%08x runs past the end of the 32-bit "
                            "address space",
                            len, (unsigned)bin_base);
        if (len > STFLASH_IMAGE_MAX_BYTES)
            return img_fail(c, STFLASH_ERR_FORMAT,
                            "binary of %zu bytes exceeds the %u MiB image limit", len,
                            STFLASH_IMAGE_MAX_BYTES / (1024u * 1024u));
        return img_emit(c, bin_base, buf, len, 0);
    case STFLASH_IMAGE_AUTO:
        break;
    }
    return img_fail(c, STFLASH_ERR_INVALID_ARG, "unknown image format %d", (int)fmt);
}

int stflash_image_parse_buffer(const uint8_t *buf, size_t len, enum stflash_image_format fmt,
                               uint32_t bin_base, struct stflash_image **out,
                               struct stflash_image_error *err)
{
    img_clear_error(err);
    if (out == NULL || (buf == NULL && len > 0)) {
        img_set_error(err, "invalid argument");
        return STFLASH_ERR_INVALID_ARG;
    }
    /* Text in UTF-16 (what Windows PowerShell's '>' writes) is never a valid image, and as raw
     * bytes it would be flashed: refuse it by name, unless raw bytes were asked for. */
    if (fmt != STFLASH_IMAGE_BIN && fmt != STFLASH_IMAGE_ELF && img_is_utf16(buf, len)) {
        img_set_error(err, "the input is UTF-16 text (what PowerShell's '>' writes), not ASCII: "
                           "save it as ASCII or UTF-8 (Out-File -Encoding ascii, or "
                           "iconv -f UTF-16 -t UTF-8)");
        return STFLASH_ERR_FORMAT;
    }
    if (fmt == STFLASH_IMAGE_AUTO) {
        if (len == 0) {
            img_set_error(err, "empty input");
            return STFLASH_ERR_FORMAT;
        }
        fmt = stflash_image_detect_format(buf, len);
        if (fmt == STFLASH_IMAGE_AUTO) {
            img_set_error(err,
                          "input is text but neither intel hex nor s-record (load it as binary "
                          "explicitly to flash it as raw bytes)");
            return STFLASH_ERR_FORMAT;
        }
    } else if (fmt != STFLASH_IMAGE_BIN && fmt != STFLASH_IMAGE_IHEX && fmt != STFLASH_IMAGE_SREC &&
               fmt != STFLASH_IMAGE_ELF) {
        img_set_error(err, "unknown image format %d", (int)fmt);
        return STFLASH_ERR_INVALID_ARG;
    }

    struct img_ctx c = {.err = err};
    int rc = run_parser(&c, fmt, buf, len, bin_base);
    if (rc == STFLASH_OK) {
        uint32_t at = 0;
        rc = sort_and_check(&c, &at);
        if (rc == STFLASH_ERR_OVERLAP) {
            ctx_release(&c);
            /* Parse again, noting which records cover the address: the first two are the
             * records in conflict. */
            struct img_ctx loc = {.locate = true, .locate_addr = at};
            if (run_parser(&loc, fmt, buf, len, bin_base) == STFLASH_OK && loc.located_count == 2)
                img_set_error(err, "overlapping data at 0x%08x (%s %lu and %s %lu)", (unsigned)at,
                              loc.origin_kind, loc.located[1], loc.origin_kind, loc.located[0]);
            else
                img_set_error(err, "overlapping data at 0x%08x", (unsigned)at);
            ctx_release(&loc);
            return STFLASH_ERR_OVERLAP;
        }
    }
    if (rc == STFLASH_OK) {
        rc = build_image(&c, fmt, out);
        if (rc != STFLASH_OK)
            img_set_error(err, "out of memory");
    }
    ctx_release(&c);
    return rc;
}

/* ---- accessors ---- */

void stflash_image_free(struct stflash_image *img)
{
    if (img == NULL)
        return;
    free(img->segments); /* the block that also holds the data */
    free(img);
}

size_t stflash_image_segment_count(const struct stflash_image *img)
{
    return img ? img->segment_count : 0;
}

const struct stflash_segment *stflash_image_segment(const struct stflash_image *img, size_t i)
{
    if (img == NULL || i >= img->segment_count)
        return NULL;
    return &img->segments[i];
}

size_t stflash_image_total_bytes(const struct stflash_image *img)
{
    return img ? img->total_bytes : 0;
}

int stflash_image_lowest_address(const struct stflash_image *img, uint32_t *addr)
{
    if (img == NULL || addr == NULL)
        return STFLASH_ERR_INVALID_ARG;
    if (img->segment_count == 0)
        return STFLASH_ERR_NOT_FOUND;
    *addr = img->segments[0].addr;
    return STFLASH_OK;
}

int stflash_image_highest_address(const struct stflash_image *img, uint32_t *addr)
{
    if (img == NULL || addr == NULL)
        return STFLASH_ERR_INVALID_ARG;
    if (img->segment_count == 0)
        return STFLASH_ERR_NOT_FOUND;
    const struct stflash_segment *last = &img->segments[img->segment_count - 1];
    *addr = (uint32_t)(last->addr + (last->len - 1));
    return STFLASH_OK;
}

/* ---- format names ---- */

const char *stflash_image_format_name(enum stflash_image_format fmt)
{
    switch (fmt) {
    case STFLASH_IMAGE_AUTO:
        return "auto";
    case STFLASH_IMAGE_BIN:
        return "binary";
    case STFLASH_IMAGE_IHEX:
        return "intel hex";
    case STFLASH_IMAGE_SREC:
        return "s-record";
    case STFLASH_IMAGE_ELF:
        return "elf";
    }
    return "unknown";
}

static bool name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return false;
    }
    return *a == '\0' && *b == '\0';
}

int stflash_image_format_from_name(const char *name, enum stflash_image_format *fmt)
{
    static const struct {
        const char *name;
        enum stflash_image_format fmt;
    } names[] = {
        {"auto", STFLASH_IMAGE_AUTO},     {"bin", STFLASH_IMAGE_BIN},
        {"binary", STFLASH_IMAGE_BIN},    {"raw", STFLASH_IMAGE_BIN},
        {"ihex", STFLASH_IMAGE_IHEX},     {"hex", STFLASH_IMAGE_IHEX},
        {"intel", STFLASH_IMAGE_IHEX},    {"srec", STFLASH_IMAGE_SREC},
        {"s19", STFLASH_IMAGE_SREC},      {"s28", STFLASH_IMAGE_SREC},
        {"s37", STFLASH_IMAGE_SREC},      {"mot", STFLASH_IMAGE_SREC},
        {"motorola", STFLASH_IMAGE_SREC}, {"elf", STFLASH_IMAGE_ELF},
        {"axf", STFLASH_IMAGE_ELF},
    };
    if (name == NULL || fmt == NULL)
        return STFLASH_ERR_INVALID_ARG;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (name_eq(name, names[i].name)) {
            *fmt = names[i].fmt;
            return STFLASH_OK;
        }
    }
    return STFLASH_ERR_INVALID_ARG;
}
