/* Flash loading for gdb's `load`: the memory map gdb asks for, then vFlashErase / vFlashWrite
 * collected into page-aligned ranges (0xff where nothing is written, as erased flash reads) and
 * programmed at vFlashDone with stflash_write_image. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb.h"

/* Appends to out; false when it does not fit. */
static bool append(char *out, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool append(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = *n < cap ? vsnprintf(out + *n, cap - *n, fmt, ap) : -1;
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - *n)
        return false;
    *n += (size_t)w;
    return true;
}

/* The flash regions: consecutive erase units of one size make one region; holes between banks
 * (addresses no unit holds) are left out. Without a flash driver, one region of page_size
 * (gdb then refuses nothing, and vFlashDone reports why it cannot program). */
static bool flash_regions(struct stflash_dev *dev, const struct stflash_target_info *ti, char *out,
                          size_t cap, size_t *n)
{
    static const char region[] = "<memory type=\"flash\" start=\"0x%x\" length=\"0x%x\">"
                                 "<property name=\"blocksize\">0x%x</property></memory>\n";
    uint64_t end = (uint64_t)ti->flash_base + ti->flash_size;
    uint64_t start = 0, addr = ti->flash_base;
    uint32_t size = 0, step = ti->page_size ? ti->page_size : 0x400u;
    if (!ti->flash_supported) /* no erase map without a driver */
        addr = end;
    while (addr < end) {
        uint32_t ua, us;
        if (stflash_flash_unit(dev, (uint32_t)addr, &ua, &us) != 0 || us == 0 || ua != addr) {
            if (size &&
                !append(out, cap, n, region, (unsigned)start, (unsigned)(addr - start), size))
                return false;
            size = 0;
            addr += step; /* a hole between banks: look further on */
            continue;
        }
        if (us != size) {
            if (size &&
                !append(out, cap, n, region, (unsigned)start, (unsigned)(addr - start), size))
                return false;
            start = addr;
            size = us;
        }
        addr += us;
    }
    if (size && !append(out, cap, n, region, (unsigned)start,
                        (unsigned)((addr < end ? addr : end) - start), size))
        return false;
    if (!strstr(out, "type=\"flash\"") && ti->flash_size)
        return append(out, cap, n, region, ti->flash_base, ti->flash_size, step);
    return true;
}

int gdb_memory_map(struct stflash_dev *dev, const struct stflash_target_info *ti, char *out,
                   size_t cap)
{
    size_t n = 0;
    if (cap)
        out[0] = '\0';
    bool ok = append(out, cap, &n,
                     "<?xml version=\"1.0\"?>\n"
                     "<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" "
                     "\"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
                     "<memory-map>\n");
    /* Below the flash: its alias at 0 on the STM32 (boot from flash), read-only to gdb. */
    if (ok && ti->flash_base)
        ok = append(out, cap, &n, "<memory type=\"rom\" start=\"0x0\" length=\"0x%x\"/>\n",
                    ti->flash_base < ti->flash_size ? ti->flash_base : ti->flash_size);
    ok = ok && flash_regions(dev, ti, out, cap, &n);
    /* The CCM SRAM of the F3, F4 and G4 and the L4's SRAM2 at 0x10000000 (the chip table's
     * ccm_base): without it in the map gdb would not reach it. */
    if (ok && ti->chip && ti->chip->ccm_size)
        ok = append(out, cap, &n, "<memory type=\"ram\" start=\"0x%x\" length=\"0x%x\"/>\n",
                    ti->chip->ccm_base, ti->chip->ccm_size);
    ok = ok && append(out, cap, &n,
                      "<memory type=\"rom\" start=\"0x1fff0000\" length=\"0x10000\"/>\n"
                      "<memory type=\"ram\" start=\"0x%x\" length=\"0x%x\"/>\n"
                      "<memory type=\"ram\" start=\"0x40000000\" length=\"0x20000000\"/>\n"
                      "<memory type=\"ram\" start=\"0xe0000000\" length=\"0x20000000\"/>\n"
                      "</memory-map>\n",
                      ti->sram_base, ti->sram_size);
    return ok ? (int)n : -1;
}

int gdb_flash_erase(struct gdb_flash *f, struct stflash_dev *dev,
                    const struct stflash_target_info *ti, uint32_t addr, uint32_t len)
{
    uint64_t end = (uint64_t)addr + len;
    uint64_t fend = (uint64_t)ti->flash_base + ti->flash_size;
    if (len == 0 || addr < ti->flash_base || end > fend)
        return -1;
    /* Rounded out to the erase units at both ends (sectors differ in size on sectored flash). */
    uint32_t start, unit_addr, unit_size;
    if (stflash_flash_unit(dev, addr, &start, &unit_size) != 0 ||
        stflash_flash_unit(dev, (uint32_t)(end - 1), &unit_addr, &unit_size) != 0)
        return -1;
    end = (uint64_t)unit_addr + unit_size;
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
        segs[i] = (struct stflash_segment){f->ranges[i].addr, f->ranges[i].len, f->ranges[i].data};
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
