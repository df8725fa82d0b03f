/* An opened probe with its target: what struct stflash_dev holds. Internal. */
#ifndef STFLASH_API_DEV_H
#define STFLASH_API_DEV_H

#include "arm/dbg_stlink.h"
#include "core/ctx.h"
#include "flash/flash.h"
#include "stlink/stlink.h"

struct stflash_dev {
    struct stflash_ctx *ctx;
    struct transport *tr;
    struct stlink sl;
    struct dbg_stlink dbg;
    struct stflash_open_options opts;
    struct stflash_target_info target;
    const struct stflash_clone_info *clone;
    double volts;
};

static inline struct dbg *dev_dbg(struct stflash_dev *dev)
{
    return &dev->dbg.base;
}

/* The fix named in every read-protection error. */
#define RDP_HINT                                                                                  \
    "the flash is read protected (RDP level 1); 'stflash unlock' removes the protection and "    \
    "erases the whole flash"

/* Identifies the target behind an entered SWD link (api/detect.c): IDs, chip row, clone,
 * flash size (with the fallbacks), memories. */
int detect_target(struct stflash_dev *dev);

/* Fills a flash device for the target's flash (api/flash_ops.c). STFLASH_ERR_UNSUPPORTED when
 * no driver exists for the part. dev_flash also halts the core for the loader. */
int dev_flash_setup(struct stflash_dev *dev, struct flash_dev *f);
int dev_flash(struct stflash_dev *dev, struct flash_dev *f);

#endif
