/*
 * The erase map: what the flash of a target looks like to the engine. A list of regions, each
 * cut into erase units of one size (uniform pages, or the runs of equally sized sectors of the
 * F2/F4/F7), sorted by address, with holes where a bank starts above the end of the one before
 * (STFLASH_CHIP_BANK2_GAP parts, or a clone's layout); the banks with their controller registers;
 * the program unit and the value of an erased byte (0xFF, or 0x00 on the L0/L1). Every planning
 * step of the engine (flash/engine.c) works on it, never on a page size. Internal.
 */
#ifndef STFLASH_FLASH_ERASE_MAP_H
#define STFLASH_FLASH_ERASE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/chip.h"

/* Four sector runs per bank (STFLASH_CHIP_MAX_SECTOR_RUNS) in two banks, with room to spare. */
#define FLASH_MAP_MAX_REGIONS 16u
#define FLASH_MAP_MAX_BANKS 2u

struct flash_region {
    uint32_t base;
    uint32_t size; /* a multiple of unit */
    uint32_t unit; /* erase unit (page or sector) in bytes */
    uint8_t bank;  /* index into flash_map.bank */
};

struct flash_bank {
    uint32_t base; /* first address */
    uint32_t size; /* bytes, holes excluded */
    uint32_t regs; /* its flash controller register block (the same for banks that share one) */
};

struct flash_map {
    struct flash_region region[FLASH_MAP_MAX_REGIONS]; /* sorted, not overlapping */
    size_t regions;
    struct flash_bank bank[FLASH_MAP_MAX_BANKS];
    size_t banks;
    uint32_t program_unit; /* bytes per program operation; divides every erase unit */
    uint8_t erased;        /* value of an erased byte */
    bool sectors;          /* the units are called sectors (F2/F4/F7, H7), not pages */
};

/* One erase unit of a map. */
struct flash_unit {
    uint32_t addr;
    uint32_t size;
    size_t index;         /* over the whole map, from 0 at the lowest unit */
    size_t index_in_bank; /* from 0 at the bank's first unit: the sector number of a bank */
    unsigned bank;
};

/* What to build a map for (flash_map_from_chip). */
struct flash_map_params {
    uint32_t flash_size; /* bytes in use (the flash-size register, or its fallback) */
    uint32_t page_size;  /* a clone's own page size; 0: the chip row's */
    uint32_t quirks;     /* enum stflash_clone_quirk of the part, 0 for genuine parts */
    bool dual_bank;      /* the dual-bank layout (dual_geom) selected by an option bit */
};

/*
 * Builds the map of a chip row: uniform pages (geom.page_size) or sectors (geom.sectors, one
 * bank's list repeated for each bank, cut to the flash size), one region per run of equal units.
 * Bank 2 starts at bank2_base on the largest part, on STFLASH_CHIP_BANK2_GAP parts, and where
 * bank 1 has a fixed size (F1 XL: bank 1 is always 512 KiB below bank2_base); otherwise right
 * after bank 1. STFLASH_CLONE_BANK2_4K_PAGES gives bank 2 (the flash above 512 KiB) 4 KiB units.
 * Errors (message in *why, may be NULL): STFLASH_ERR_INVALID_ARG for a size that no layout of the
 * row fits.
 */
int flash_map_from_chip(struct flash_map *m, const struct stflash_chip_info *chip,
                        const struct flash_map_params *p, char *why, size_t why_len);

/* Appends a region (above every region already there) to bank `bank`, growing the bank. Used by
 * flash_map_from_chip and by drivers whose probe finds another layout. Errors:
 * STFLASH_ERR_INVALID_ARG (overlap, unit not dividing size, too many regions or banks). */
int flash_map_add(struct flash_map *m, uint32_t base, uint32_t size, uint32_t unit, unsigned bank);

/* Checks the invariants: regions sorted and apart, units dividing their regions, the program unit
 * (a power of two) dividing every unit, banks covering their regions. 0 or a reason in why. */
int flash_map_check(const struct flash_map *m, char *why, size_t why_len);

uint32_t flash_map_base(const struct flash_map *m);  /* lowest address */
uint64_t flash_map_end(const struct flash_map *m);   /* one past the highest address */
uint64_t flash_map_bytes(const struct flash_map *m); /* bytes of flash, holes excluded */
size_t flash_map_unit_count(const struct flash_map *m);

/* The unit holding addr; false when addr lies in a hole or outside the flash. */
bool flash_map_unit_at(const struct flash_map *m, uint32_t addr, struct flash_unit *u);

/* Whether [addr, addr+len) is all flash; when not, *bad (may be NULL) gets the first address
 * that is not (in a hole or outside). A range of length 0 is inside. */
bool flash_map_covers(const struct flash_map *m, uint32_t addr, uint64_t len, uint32_t *bad);

/* [addr, addr+len) rounded out to whole units: *lo the first unit's address, *hi one past the
 * last unit. False when the range is not all flash (see flash_map_covers) or empty. */
bool flash_map_round(const struct flash_map *m, uint32_t addr, uint64_t len, uint32_t *lo,
                     uint64_t *hi);

/* Units in [lo, hi) (both unit boundaries inside the flash). */
size_t flash_map_units_in(const struct flash_map *m, uint32_t lo, uint64_t hi);

/* The bank holding addr, or -1. */
int flash_map_bank_of(const struct flash_map *m, uint32_t addr);

/* "page" or "sector", for messages. */
const char *flash_map_unit_noun(const struct flash_map *m);

/* The erased value repeated over `bytes` (1, 2 or 4) bytes, as a loader compares a unit. */
uint32_t flash_map_erased_pattern(const struct flash_map *m, unsigned bytes);

#endif
