/*
 * The recovery file of a write job. Between the erase and the program of a partly covered unit,
 * the bytes of that unit the image leaves out exist only in the host's memory: a job cut off
 * there (a pulled cable, a killed process, a power cut) would lose them. So before anything is
 * erased they are saved to a file named after the chip's unique ID, the file is deleted once the
 * job is verified, and a write that finds one left over puts those bytes back (where the flash
 * reads erased; bytes rewritten since by something else are left alone, with a warning).
 *
 * The file lives in $XDG_STATE_HOME/stflash, else ~/.local/state/stflash:
 * recovery-<DEV_ID>-<UID>.bin (docs/reliability.md). Internal.
 */
#ifndef STFLASH_FLASH_RECOVERY_H
#define STFLASH_FLASH_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash/flash.h"
#include "stflash/image.h"

struct flash_recovery_span {
    uint32_t addr;
    uint32_t len;
    uint8_t *data;
};

struct flash_recovery {
    char path[512];                    /* "" when no file can be kept for this chip */
    struct flash_recovery_span *spans; /* left over by an interrupted job (loaded) */
    size_t count;
    bool saved;   /* this job wrote the file */
    bool unnamed; /* no file of the chip's DEV_ID was there: path named when bytes are saved */
};

/* Finds the file of the chip (its UID read from the target) and loads what an interrupted job
 * left there. Without any file of the chip's DEV_ID the UID is not read here (r->unnamed):
 * flash_recovery_save reads it when there are bytes to save. Never fails a job: a problem is logged
 * as a warning and the job goes on without a recovery file (path ""). */
void flash_recovery_open(struct flash_dev *f, struct flash_recovery *r);

/*
 * The image to write instead of img: img, plus the loaded bytes img does not define whose place
 * in flash reads erased now (they were lost), as extra segments. *merged shares img's data and
 * owns a new segment array (free merged->segments when merged->segments != img->segments);
 * *restored: the bytes put back (0: merged is img). Reads the flash under the loaded spans.
 */
int flash_recovery_merge(struct flash_dev *f, struct flash_recovery *r,
                         const struct stflash_image *img, struct stflash_image *merged,
                         uint64_t *restored);

/* Saves the bytes of the runs (whole units about to be erased, with their new content; sorted)
 * that img does not define to the chip's file, replacing it: written to a temporary file, flushed
 * to disk, renamed. Nothing to save: no file. STFLASH_ERR_IO when it cannot be written. */
int flash_recovery_save(struct flash_dev *f, struct flash_recovery *r,
                        const struct stflash_image *img, const struct flash_recovery_span *runs,
                        size_t count);

/* The job is verified (or the flash was erased on purpose): removes the file. */
void flash_recovery_clear(struct flash_dev *f, struct flash_recovery *r);

void flash_recovery_free(struct flash_recovery *r);

#endif
