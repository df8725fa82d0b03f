/* Checking an image against the memory map of a chip. */
#include <stdio.h>

#include "image_internal.h"
#include "stflash/error.h"

static uint64_t region_end(const struct stflash_image_region *r)
{
    return (uint64_t)r->base + r->size;
}

/* Region containing addr, or NULL. */
static const struct stflash_image_region *find_region(const struct stflash_image_region *regions,
                                                      size_t n, uint64_t addr)
{
    for (size_t i = 0; i < n; i++)
        if (addr >= regions[i].base && addr < region_end(&regions[i]))
            return &regions[i];
    return NULL;
}

static void report(struct stflash_image_error *err, uint64_t start, uint64_t end,
                   const struct stflash_image_region *regions, size_t n)
{
    if (err == NULL)
        return;
    char *p = err->msg;
    size_t room = sizeof err->msg;
    int w =
        snprintf(p, room, "data at 0x%08x..0x%08x (%llu bytes) lies outside every memory region",
                 (unsigned)start, (unsigned)(end - 1), (unsigned long long)(end - start));
    for (size_t i = 0; i < n && w >= 0 && (size_t)w < room; i++) {
        p += w;
        room -= (size_t)w;
        const struct stflash_image_region *r = &regions[i];
        if (r->size == 0)
            w = snprintf(p, room, "%s%s (empty)", i ? ", " : " (", r->name ? r->name : "unnamed");
        else
            w = snprintf(p, room, "%s%s 0x%08x..0x%08x", i ? ", " : " (",
                         r->name ? r->name : "unnamed", (unsigned)r->base,
                         (unsigned)(region_end(r) - 1));
    }
    if (n > 0 && w >= 0 && (size_t)w < room) {
        p += w;
        room -= (size_t)w;
        w = snprintf(p, room, ")");
    }
    if (w < 0 || (size_t)w >= room) {
        /* Truncated: end with an ellipsis so the reader knows. */
        size_t len = sizeof err->msg - 1;
        err->msg[len - 3] = '.';
        err->msg[len - 2] = '.';
        err->msg[len - 1] = '.';
        err->msg[len] = '\0';
    }
    err->line = 0;
}

int stflash_image_check_regions(const struct stflash_image *img,
                                const struct stflash_image_region *regions, size_t n,
                                struct stflash_image_error *err)
{
    if (err != NULL) {
        err->msg[0] = '\0';
        err->line = 0;
    }
    if (img == NULL || (regions == NULL && n > 0)) {
        if (err != NULL)
            snprintf(err->msg, sizeof err->msg, "invalid argument");
        return STFLASH_ERR_INVALID_ARG;
    }
    for (size_t s = 0; s < img->segment_count; s++) {
        uint64_t addr = img->segments[s].addr;
        uint64_t end = addr + img->segments[s].len;
        while (addr < end) {
            const struct stflash_image_region *r = find_region(regions, n, addr);
            if (r != NULL) {
                addr = region_end(r) < end ? region_end(r) : end;
                continue;
            }
            /* Stray bytes run up to the next region start or the end of the segment. */
            uint64_t stop = end;
            for (size_t i = 0; i < n; i++)
                if (regions[i].size > 0 && regions[i].base > addr && regions[i].base < stop)
                    stop = regions[i].base;
            report(err, addr, stop, regions, n);
            return STFLASH_ERR_RANGE;
        }
    }
    return STFLASH_OK;
}
