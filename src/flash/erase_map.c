/* The erase map (flash/erase_map.h): building it from a chip row, and the questions the engine
 * asks of it. */
#include <stdio.h>
#include <string.h>

#include "flash/erase_map.h"
#include "stflash/error.h"

/* GD32F10x/F30x XL density: the flash above 512 KiB (bank 2) is erased in 4 KiB pages
 * (STFLASH_CLONE_BANK2_4K_PAGES, src/chips/clones.c). */
#define GD32_BANK2_PAGE 4096u

/* Writes the reason into why (when given) and evaluates to STFLASH_ERR_INVALID_ARG. */
#define FAIL(...)                                                                                  \
    ((why && cap ? (void)snprintf(why, cap, __VA_ARGS__) : (void)0), STFLASH_ERR_INVALID_ARG)

int flash_map_add(struct flash_map *m, uint32_t base, uint32_t size, uint32_t unit, unsigned bank)
{
    if (size == 0 || unit == 0 || size % unit || m->regions >= FLASH_MAP_MAX_REGIONS ||
        bank >= FLASH_MAP_MAX_BANKS || bank > m->banks)
        return STFLASH_ERR_INVALID_ARG;
    if ((uint64_t)base + size > 0x100000000ull)
        return STFLASH_ERR_INVALID_ARG;
    if (m->regions) {
        const struct flash_region *last = &m->region[m->regions - 1];
        if ((uint64_t)last->base + last->size > base)
            return STFLASH_ERR_INVALID_ARG;
        /* Extend the last region when it goes on seamlessly with units of the same size. */
        if (last->bank == bank && last->unit == unit && last->base + last->size == base) {
            m->region[m->regions - 1].size += size;
            m->bank[bank].size += size;
            return STFLASH_OK;
        }
    }
    if (bank == m->banks) {
        m->bank[bank] = (struct flash_bank){base, 0, m->banks ? m->bank[0].regs : 0};
        m->banks++;
    }
    m->region[m->regions++] = (struct flash_region){base, size, unit, (uint8_t)bank};
    m->bank[bank].size += size;
    return STFLASH_OK;
}

int flash_map_check(const struct flash_map *m, char *why, size_t cap)
{
    if (m->regions == 0 || m->banks == 0)
        return FAIL("no flash region");
    if (m->program_unit == 0 || (m->program_unit & (m->program_unit - 1u)))
        return FAIL("program unit %u is not a power of two", m->program_unit);
    for (size_t i = 0; i < m->regions; i++) {
        const struct flash_region *r = &m->region[i];
        if (r->unit == 0 || r->size % r->unit || r->unit % m->program_unit)
            return FAIL("region at 0x%08x: erase unit %u does not fit", r->base, r->unit);
        if (r->bank >= m->banks)
            return FAIL("region at 0x%08x: no bank %u", r->base, (unsigned)r->bank);
        if (i && (uint64_t)m->region[i - 1].base + m->region[i - 1].size > r->base)
            return FAIL("region at 0x%08x overlaps the one below (0x%08x)", r->base,
                        m->region[i - 1].base);
    }
    return STFLASH_OK;
}

uint32_t flash_map_base(const struct flash_map *m)
{
    return m->regions ? m->region[0].base : 0;
}

uint64_t flash_map_end(const struct flash_map *m)
{
    if (!m->regions)
        return 0;
    const struct flash_region *r = &m->region[m->regions - 1];
    return (uint64_t)r->base + r->size;
}

uint64_t flash_map_bytes(const struct flash_map *m)
{
    uint64_t n = 0;
    for (size_t i = 0; i < m->regions; i++)
        n += m->region[i].size;
    return n;
}

size_t flash_map_unit_count(const struct flash_map *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->regions; i++)
        n += m->region[i].size / m->region[i].unit;
    return n;
}

bool flash_map_unit_at(const struct flash_map *m, uint32_t addr, struct flash_unit *u)
{
    size_t index = 0, in_bank = 0;
    for (size_t i = 0; i < m->regions; i++) {
        const struct flash_region *r = &m->region[i];
        if (i && m->region[i - 1].bank != r->bank)
            in_bank = 0;
        if (addr >= r->base && addr - r->base < r->size) {
            uint32_t k = (addr - r->base) / r->unit;
            if (u)
                *u = (struct flash_unit){r->base + k * r->unit, r->unit, index + k, in_bank + k,
                                         r->bank};
            return true;
        }
        index += r->size / r->unit;
        in_bank += r->size / r->unit;
    }
    return false;
}

bool flash_map_covers(const struct flash_map *m, uint32_t addr, uint64_t len, uint32_t *bad)
{
    uint64_t a = addr, end = (uint64_t)addr + len;
    for (size_t i = 0; i < m->regions && a < end; i++) {
        const struct flash_region *r = &m->region[i];
        uint64_t rend = (uint64_t)r->base + r->size;
        if (a >= rend)
            continue;
        if (a < r->base)
            break; /* below this region: a hole, or below the flash */
        a = rend;
    }
    if (a >= end)
        return true;
    if (bad)
        *bad = (uint32_t)a;
    return false;
}

bool flash_map_round(const struct flash_map *m, uint32_t addr, uint64_t len, uint32_t *lo,
                     uint64_t *hi)
{
    struct flash_unit first, last;
    if (len == 0 || !flash_map_covers(m, addr, len, NULL) || !flash_map_unit_at(m, addr, &first) ||
        !flash_map_unit_at(m, (uint32_t)(addr + len - 1u), &last))
        return false;
    *lo = first.addr;
    *hi = (uint64_t)last.addr + last.size;
    return true;
}

size_t flash_map_units_in(const struct flash_map *m, uint32_t lo, uint64_t hi)
{
    size_t n = 0;
    for (size_t i = 0; i < m->regions; i++) {
        const struct flash_region *r = &m->region[i];
        uint64_t a = r->base > lo ? r->base : lo;
        uint64_t b = (uint64_t)r->base + r->size < hi ? (uint64_t)r->base + r->size : hi;
        if (b > a)
            n += (size_t)((b - a) / r->unit);
    }
    return n;
}

int flash_map_bank_of(const struct flash_map *m, uint32_t addr)
{
    struct flash_unit u;
    return flash_map_unit_at(m, addr, &u) ? (int)u.bank : -1;
}

const char *flash_map_unit_noun(const struct flash_map *m)
{
    return m->sectors ? "sector" : "page";
}

uint32_t flash_map_erased_pattern(const struct flash_map *m, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes && i < 4; i++)
        v |= (uint32_t)m->erased << (8 * i);
    return v;
}

/* ---- from a chip row ---- */

/* Adds one bank of sectors: the row's sector runs from `base`, cut after `size` bytes. */
static int add_sectors(struct flash_map *m, const struct stflash_flash_geometry *g, uint32_t base,
                       uint32_t size, unsigned bank, char *why, size_t cap)
{
    uint32_t at = base, left = size;
    for (size_t i = 0; i < STFLASH_CHIP_MAX_SECTOR_RUNS && g->sectors[i].count && left; i++) {
        uint32_t unit = g->sectors[i].size;
        uint32_t n = left / unit < g->sectors[i].count ? left / unit : g->sectors[i].count;
        if (n == 0)
            break;
        if (flash_map_add(m, at, n * unit, unit, bank) != STFLASH_OK)
            return FAIL("too many sector runs at 0x%08x", at);
        at += n * unit;
        left -= n * unit;
    }
    if (left)
        return FAIL("a bank of %u bytes does not end on a sector boundary (0x%08x)", size, at);
    return STFLASH_OK;
}

int flash_map_from_chip(struct flash_map *m, const struct stflash_chip_info *chip,
                        const struct flash_map_params *p, char *why, size_t cap)
{
    memset(m, 0, sizeof *m);
    if (!chip || !p || p->flash_size == 0)
        return FAIL("no flash size");
    const struct stflash_flash_geometry *g =
        p->dual_bank && chip->dual_geom.banks ? &chip->dual_geom : &chip->geom;
    uint32_t base = chip->flash_base, size = p->flash_size;
    unsigned banks = g->banks ? g->banks : 1u;
    m->program_unit = chip->program_unit;
    m->erased = chip->erased_value;

    /* Where bank 2 starts and how big bank 1 is. */
    uint32_t bank1 = size, bank2_at = 0;
    if (banks > 1) {
        uint32_t fixed1 = chip->bank2_base > base ? chip->bank2_base - base : 0;
        bool gap = chip->flags & STFLASH_CHIP_BANK2_GAP;
        if (g->page_size && fixed1 && chip->flash_regs_bank2) {
            /* F1 XL: bank 1 fills up to bank2_base, bank 2 holds the rest (RM0008 §3.3.3). */
            bank1 = size > fixed1 ? fixed1 : size;
            bank2_at = chip->bank2_base;
        } else {
            bank1 = size / banks;
            bank2_at = gap && fixed1 ? chip->bank2_base : base + bank1;
            if (fixed1 && !gap && size == chip->flash_size_max)
                bank2_at = chip->bank2_base;
        }
    }
    uint32_t bank2 = size - bank1;
    if (bank2 && (uint64_t)base + bank1 > bank2_at)
        return FAIL("bank 2 at 0x%08x overlaps bank 1 (%u bytes)", bank2_at, bank1);

    int rc;
    if (g->page_size) {
        uint32_t page = p->page_size ? p->page_size : g->page_size;
        uint32_t page2 = (p->quirks & STFLASH_CLONE_BANK2_4K_PAGES) ? GD32_BANK2_PAGE : page;
        if (bank1 % page || bank2 % page2)
            return FAIL("a flash of %u bytes is not made of %u-byte pages", size, page);
        rc = flash_map_add(m, base, bank1, page, 0);
        if (rc == STFLASH_OK && bank2)
            rc = flash_map_add(m, bank2_at, bank2, page2, 1);
        if (rc != STFLASH_OK)
            return FAIL("cannot lay out the flash at 0x%08x (%u bytes)", base, size);
    } else {
        m->sectors = true;
        rc = add_sectors(m, g, base, bank1, 0, why, cap);
        if (rc == STFLASH_OK && bank2)
            rc = add_sectors(m, g, bank2_at, bank2, 1, why, cap);
        if (rc != STFLASH_OK)
            return rc;
    }
    m->bank[0].regs = chip->flash_regs;
    if (m->banks > 1)
        m->bank[1].regs = chip->flash_regs_bank2 ? chip->flash_regs_bank2 : chip->flash_regs;
    return flash_map_check(m, why, cap);
}
