/* Flash loading for gdb's `load`: the memory map gdb asks for, then vFlashErase / vFlashWrite
 * collected into page-aligned ranges (0xff where nothing is written, as erased flash reads) and
 * programmed at vFlashDone with stflash_write_image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb.h"

int gdb_memory_map(const struct stflash_target_info *ti, char *out, size_t cap)
{
    uint32_t block = ti->page_size ? ti->page_size : 0x400u;
    int n = snprintf(out, cap,
                     "<?xml version=\"1.0\"?>\n"
                     "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" "
                     "\"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
                     "<memory-map>\n"
                     "<memory type=\"rom\" start=\"0x0\" length=\"0x%x\"/>\n"
                     "<memory type=\"flash\" start=\"0x%x\" length=\"0x%x\">"
                     "<property name=\"blocksize\">0x%x</property></memory>\n"
                     "<memory type=\"rom\" start=\"0x1fff0000\" length=\"0x10000\"/>\n"
                     "<memory type=\"ram\" start=\"0x%x\" length=\"0x%x\"/>\n"
                     "<memory type=\"ram\" start=\"0x40000000\" length=\"0x20000000\"/>\n"
                     "<memory type=\"ram\" start=\"0xe0000000\" length=\"0x20000000\"/>\n"
                     "</memory-map>\n",
                     ti->flash_size, ti->flash_base, ti->flash_size, block, ti->sram_base,
                     ti->sram_size);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

int gdb_flash_erase(struct gdb_flash *f, const struct stflash_target_info *ti, uint32_t addr,
                    uint32_t len)
{
    uint32_t page = ti->page_size ? ti->page_size : 0x400u;
    uint64_t end = (uint64_t)addr + len;
    uint64_t fend = (uint64_t)ti->flash_base + ti->flash_size;
    if (len == 0 || addr < ti->flash_base || end > fend)
        return -1;
    uint32_t start = addr - (addr - ti->flash_base) % page;
    end = end + (page - (end - ti->flash_base) % page) % page;
    if (end > fend)
        end = fend;
    for (size_t i = 0; i < f->count; i++) {
        const struct gdb_flash_range *r = &f->ranges[i];
        if (start < (uint64_t)r->addr + r->len && end > r->addr)
            return -1; /* erased twice: gdb does not do that */
    }
    struct gdb_flash_range *grown = realloc(f->ranges, (f->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    f->ranges = grown;
    uint8_t *data = malloc((size_t)(end - start));
    if (!data)
        return -1;
    memset(data, 0xFF, (size_t)(end - start));
    f->ranges[f->count++] = (struct gdb_flash_range){start, (uint32_t)(end - start), data};
    return 0;
}

int gdb_flash_write(struct gdb_flash *f, uint32_t addr, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < f->count; i++) {
        struct gdb_flash_range *r = &f->ranges[i];
        if (addr >= r->addr && (uint64_t)addr + len <= (uint64_t)r->addr + r->len) {
            memcpy(r->data + (addr - r->addr), data, len);
            return 0;
        }
    }
    return -1;
}

static int by_address(const void *a, const void *b)
{
    const struct stflash_segment *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int gdb_flash_done(struct gdb_flash *f, struct stflash_dev *dev)
{
    if (f->count == 0)
        return 0;
    struct stflash_segment *segs = calloc(f->count, sizeof *segs);
    if (!segs) {
        gdb_flash_reset(f);
        return STFLASH_ERR_NO_MEMORY;
    }
    struct stflash_image img;
    memset(&img, 0, sizeof img);
    for (size_t i = 0; i < f->count; i++) {
        segs[i] = (struct stflash_segment){f->ranges[i].addr, f->ranges[i].len,
                                           f->ranges[i].data};
        img.total_bytes += f->ranges[i].len;
    }
    qsort(segs, f->count, sizeof *segs, by_address);
    img.segments = segs;
    img.segment_count = f->count;
    img.format = STFLASH_IMAGE_BIN;
    struct stflash_write_options opts;
    memset(&opts, 0, sizeof opts);
    int rc = stflash_write_image(dev, &img, &opts);
    free(segs);
    gdb_flash_reset(f);
    return rc;
}

void gdb_flash_reset(struct gdb_flash *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->ranges[i].data);
    free(f->ranges);
    f->ranges = NULL;
    f->count = 0;
}
