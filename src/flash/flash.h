/*
 * The flash engine and the per-family flash drivers. The engine plans the job (which pages to
 * erase, what to program, what to verify), reports progress and calls a driver with aligned,
 * page- or unit-sized requests only; a driver knows one flash-controller family. Internal.
 */
#ifndef STFLASH_FLASH_FLASH_H
#define STFLASH_FLASH_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arm/dbg.h"
#include "stflash/stflash.h"

struct flash_dev;

struct flash_driver {
    const char *name;
    /* Unlocks the controller for erase and program; clears stale error flags. */
    int (*unlock)(struct flash_dev *f);
    /* Locks the controller again; called at the end of every job, also after a failure. */
    int (*lock)(struct flash_dev *f);
    /* Erases the page or sector starting at addr (aligned). */
    int (*erase_page)(struct flash_dev *f, uint32_t addr);
    int (*mass_erase)(struct flash_dev *f);
    /* Programs len bytes at addr: both multiples of the program unit, the range erased before.
     * Drivers program through a loader in target SRAM. */
    int (*program)(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len);
    /* Optional (may be NULL): fails with STFLASH_ERR_PROTECTED, naming the first protected
     * address, when part of [addr, addr+len) cannot be erased or programmed. The engine asks
     * before touching anything, so that a job does not stop half-way with pages erased. */
    int (*check_writable)(struct flash_dev *f, uint32_t addr, uint32_t len);
};

struct flash_dev {
    struct dbg *dbg;
    struct stflash_ctx *ctx;
    const struct flash_driver *drv;
    uint32_t base;       /* flash base address */
    uint32_t size;       /* bytes */
    uint32_t page_size;  /* erase unit */
    uint32_t unit;       /* program unit: 2 on F0/F1/F3 */
    uint32_t regs;       /* flash controller register base */
    uint32_t regs_bank2; /* second bank's registers (F1 XL), 0 if none */
    uint32_t bank2_base; /* first address of bank 2, 0 if none */
    uint32_t sram_base;  /* RAM the loader may use */
    uint32_t sram_size;
    uint32_t quirks; /* enum stflash_clone_quirk of the chip (0 for genuine parts) */
    void *drv_state; /* driver-private, freed by the driver's lock() at the latest */
    /* Progress of the program phase of the current job, kept by the engine and advanced by the
     * driver through flash_program_progress(); total 0 outside a job. */
    uint64_t prog_done;
    uint64_t prog_total;
};

/* The F0/F1/F3 FPEC driver (flash/f1.c), F1 XL dual bank included. */
extern const struct flash_driver flash_driver_f1;

/*
 * Fills *f for a chip row: geometry, controller registers, bank 2 (when flash_size reaches it),
 * SRAM for the loader (the smallest SRAM of the DEV_ID, sram_size_min) and the driver of its
 * controller style. flash_size is the size in use (bytes); quirks are the clone's
 * (enum stflash_clone_quirk), 0 for genuine parts. The caller may adjust the fields afterwards
 * (e.g. sram_size when the exact part is known).
 * Errors: STFLASH_ERR_INVALID_ARG, STFLASH_ERR_UNSUPPORTED (no driver for this controller, or
 * sectored flash).
 */
int flash_dev_init(struct flash_dev *f, struct dbg *d, const struct stflash_chip_info *chip,
                   uint32_t flash_size, uint32_t quirks);

/* Drivers call this when len bytes at addr are programmed: emits a PROGRAM progress event of the
 * current job (nothing outside a job). */
void flash_program_progress(struct flash_dev *f, uint32_t addr, uint32_t len);

/* The engine (flash/engine.c). All of them unlock, work, and lock again even on failure. */
int flash_erase_range(struct flash_dev *f, uint32_t addr, uint32_t len);
int flash_mass_erase(struct flash_dev *f);
/*
 * Programs the flash parts of an image (segments must lie inside [base, base+size), else
 * STFLASH_ERR_RANGE before anything is touched); erases the touched pages first (or the whole
 * flash when mass_erase), fills page gaps with the erased value, verifies unless no_verify.
 *
 * Unless full or mass_erase, touched pages whose content already matches the image (CRC-32 of
 * the bytes the image defines there, computed on the target: flash/crc.c) are left out of the
 * job; when every page matches, nothing is erased or programmed and no progress is reported.
 * Unless full, when every page outside the job reads erased (all 0xFF, checked on the target)
 * and the whole flash is writable, one mass erase replaces two or more page erases.
 *
 * Bytes of a touched page that the image does not define are preserved: such partially covered
 * pages are read back before the erase and their other bytes programmed again with the image's
 * (READ progress events for that read-back). With mass_erase nothing is preserved: the bytes the
 * image leaves out end up erased. Verification covers whole pages, preserved bytes included: a
 * CRC-32 per run of pages computed on the target, or reading back when that cannot run. The
 * core must be halted; the SRAM is not preserved.
 */
int flash_write(struct flash_dev *f, const struct stflash_image *img,
                const struct stflash_write_options *opts);
/* Compares the flash with the image (by CRC-32 on the target, reading back the first differing
 * page only, or by reading everything back when the routine cannot run); STFLASH_ERR_VERIFY
 * names the first differing address. The core must be halted; the SRAM and core registers the
 * CRC routine uses are restored afterwards. */
int flash_verify(struct flash_dev *f, const struct stflash_image *img);

#endif
