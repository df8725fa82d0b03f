/*
 * Planning of a write job, before the target is touched (the scheme: flash/engine.c): the
 * segments' units grouped into runs with their buffers, the units left out because they hold the
 * image already, the units programmed without an erase because they are blank, and whether one
 * mass erase replaces the unit erases. Also the map helpers the engine's other phases share.
 * Internal.
 */
#ifndef STFLASH_FLASH_PLAN_H
#define STFLASH_FLASH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash/crc.h"
#include "flash/flash.h"

/* Consecutive touched units, programmed by one driver call. */
struct run {
    uint32_t addr;
    uint32_t len;
    uint8_t *data;
};

struct plan {
    struct run *runs;
    size_t count;
    uint64_t bytes;           /* sum of the run lengths */
    size_t units;             /* erase units in the runs */
    size_t unchanged_units;   /* units left out because they hold the image (plan_skip_unchanged) */
    uint64_t unchanged_bytes; /* their size */
    uint64_t preserve_bytes;  /* bytes partially covered units hold outside the image, read back
                                 before erasing */
    bool kept_not_erased;     /* a unit left out as unchanged holds something else than erased */
    bool crc_failed;          /* the CRC routine could not be used for the comparison */
    uint8_t *unit_state;      /* per unit of the map, what the comparison saw (UNIT_* flags) */
    struct run *erase_runs;   /* the units of the runs that need an erase (no data) */
    size_t erase_count;
};

void plan_free(struct plan *p);

/* Every segment inside the flash (holes included); the failure names the address. */
int plan_check_image(struct flash_dev *f, const struct stflash_image *img, const char *what);

/* Groups the units the segments touch into runs of consecutive units (segments are sorted). */
int plan_runs(struct flash_dev *f, const struct stflash_image *img, struct plan *p);

/* Drops from the plan the units that already hold what the image puts there (CRCs computed on
 * the target). When the routine cannot be used every unit stays (p->crc_failed). */
int plan_skip_unchanged(struct flash_dev *f, const struct stflash_image *img, struct plan *p);

/* Which units of the runs the comparison found erased wherever the image covers them are erased
 * whole (the CRC routine's exact blank check on the target): such units are programmed without
 * an erase, and plan_fill reads nothing back from them. Nothing is marked when the check cannot
 * run. Before plan_fill, unless a mass erase or a full erase was asked for. */
void plan_find_blank(struct flash_dev *f, struct plan *p);

/* Fills the run buffers: the bytes of partly covered units read from the flash (or the erased
 * value before a mass erase), then the image on top. */
int plan_fill(struct flash_dev *f, const struct stflash_image *img, struct plan *p,
              bool mass_erase);

/* The erase step: the units to erase (*to_erase, *n_erase: the runs' units less those blank
 * already, unless full or mass), and whether one mass erase replaces the unit erases (asked
 * for, every unit touched anyway, or every other unit blank where a mass erase is quick). */
bool plan_erase(struct flash_dev *f, struct plan *p, bool mass, bool full,
                const struct run **to_erase, size_t *n_erase);

/* STFLASH_ERR_RANGE with a message naming the first address of [addr, addr+len) that is not
 * flash (a hole between banks, or outside). */
int flash_out_of_range(struct flash_dev *f, const char *what, uint32_t addr, uint64_t len);

/* The unit holding addr; addr is known to be flash (checked when the job was planned). */
struct flash_unit flash_unit_of(const struct flash_dev *f, uint32_t addr);

/* The most CRC regions flash_unit_regions makes of one span. */
#define FLASH_UNIT_REGIONS_MAX (FLASH_MAP_MAX_REGIONS + 2u)

/* Cuts [addr, addr+len) (flash, no hole) at unit boundaries into CRC regions; returns how many
 * were written to r (at most FLASH_UNIT_REGIONS_MAX). */
size_t flash_unit_regions(const struct flash_dev *f, uint32_t addr, uint32_t len,
                          struct flash_crc_region *r);

/* The i-th piece of a CRC region: its address and length. */
void flash_region_piece(const struct flash_crc_region *r, size_t i, uint32_t *addr, uint32_t *len);

/* A note in the log when the CRC routine cannot be used, with the reason. */
void flash_crc_unavailable(struct flash_dev *f, int rc, const char *instead);

#endif
