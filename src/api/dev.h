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
    double volts;     /* target voltage, -1 when the probe cannot tell: see dev_volts */
    bool volts_known; /* volts was read */
    bool attached;    /* SWD entered: the core has to be let go at close */
};

/* The target voltage, read from the probe the first time it is needed (a probe round trip
 * that most jobs can do without). */
double dev_volts(struct stflash_dev *dev);

static inline struct dbg *dev_dbg(struct stflash_dev *dev)
{
    return &dev->dbg.base;
}

/* The fix named in every read-protection error. */
#define RDP_HINT                                                                                   \
    "the flash is read protected (RDP level 1); 'stflash unlock' removes the protection and "      \
    "erases the whole flash"

/* Below this the target is taken as unpowered (the F1 runs from 2.0 V, DS5319 Table 9). */
#define MIN_TARGET_VOLTS 1.7

#define BOOT0_PROCEDURE                                                                            \
    "to recover without the reset wire: 1) set the BOOT0 jumper to 1 (BOOT0 to 3.3 V); "           \
    "2) press reset or power-cycle the board: the chip starts its boot ROM instead of the "        \
    "firmware and SWD answers again; 3) run 'stflash erase' (a mass erase removes the "            \
    "firmware); 4) set BOOT0 back to 0. Or wire the probe's RST pin to the board's NRST (R) pin "  \
    "and use --connect under-reset"

struct selector;

/* Steps of opening (api/open.c), shared with the diagnosis. */
int dev_choose_probe(struct stflash_ctx *ctx, const struct selector *sel, const char *text,
                     struct stflash_probe_info *chosen);
int dev_open_transport(struct stflash_ctx *ctx, const struct selector *sel,
                       const struct stflash_probe_info *probe, struct transport **tr);
/* NRST held low while SWD is entered and a halt at the reset vector armed, then released. */
int dev_connect_under_reset(struct stflash_dev *dev);

/* Identifies the target behind an entered SWD link (api/detect.c): IDs, chip row, clone,
 * flash size (with the fallbacks), memories. */
int detect_target(struct stflash_dev *dev);

/* Fills a flash device for the target's flash (api/flash_ops.c). STFLASH_ERR_UNSUPPORTED when
 * no driver exists for the part. dev_flash also halts the core for the loader. */
int dev_flash_setup(struct stflash_dev *dev, struct flash_dev *f);
/* The voltage for flash_dev_params: read when the chip's flash family uses it, 0 otherwise. */
double dev_flash_volts(struct stflash_dev *dev, const struct stflash_chip_info *chip);
int dev_flash(struct stflash_dev *dev, struct flash_dev *f);

#endif
