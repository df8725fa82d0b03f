/*
 * What the loader-based flash drivers (flash/l0l1.c, flash/l4.c, flash/l5u5.c, flash/h5.c) share
 * whatever their controller: the clock of their deadlines, the wait on a busy flag (the loader
 * session itself is flash/loader.h's flash_loader_session), the split of a program range into one
 * loader job per bank, the loader's answers that are the same for every controller, and the
 * option-byte load through a reset (OBL_LAUNCH). Internal.
 */
#ifndef STFLASH_FLASH_DRVUTIL_H
#define STFLASH_FLASH_DRVUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash/flash.h"
#include "flash/loader.h"

/* The message of the last failure, for "...: %s" (empty without a context). */
const char *drv_last_error(struct flash_dev *f);

/* A monotonic clock in milliseconds, for deadlines. */
uint64_t drv_now_ms(void);

/* Polls the status register at `sr_addr` (named `sr_name` in messages) until no bit of `busy` is
 * set; *sr gets the last value. STFLASH_ERR_TIMEOUT after `timeout_ms`, with one last look. */
int drv_wait_clear(struct flash_dev *f, uint32_t sr_addr, uint32_t busy, const char *sr_name,
                   unsigned timeout_ms, uint32_t *sr, const char *what, uint32_t addr);

/* A driver's program call through its loader: what differs from one controller to another. */
struct drv_program {
    const uint8_t *code; /* the loader */
    uint32_t code_len;
    uint32_t code_max; /* the largest loader of the driver (the session's layout) */
    uint32_t unit;     /* bytes per program unit */
    uint32_t unit_us;  /* tPROG of a unit at most (datasheet) */
    uint32_t arg;      /* LDR_CB_ARG */
    bool crc;          /* the loader checks in the pass (flash_loader_job.crc) */
    /* The message of a loader failure (stop->status != 0) in the job at job_addr from data. */
    int (*failure)(struct flash_dev *f, const struct flash_loader_stop *st, const uint8_t *data,
                   uint32_t job_addr);
};

/* Checks the range (aligned to the unit, inside the map), halts the core, loads the loader and
 * runs one job per bank of the map over [addr, addr + len): a job must not cross the bank
 * boundary, as the engine's ranges may. */
int drv_program_banks(struct flash_dev *f, const struct drv_program *p, uint32_t addr,
                      const uint8_t *data, size_t len);

/* The same with LDR_CB_ARG = arg; a loader failure ends the call with STFLASH_OK and the failure
 * in *stop (status != 0), without p->failure's message, so that the driver may recover. */
int drv_program_banks_arg(struct flash_dev *f, const struct drv_program *p, uint32_t arg,
                          uint32_t addr, const uint8_t *data, size_t len,
                          struct flash_loader_stop *stop);

/* The driver's stage op (flash/flash.h) for a program call through `p`: the session, the loader
 * and the next piece of the job's first run into SRAM while an erase runs. */
int drv_stage(struct flash_dev *f, const struct drv_program *p, bool *more);

/* The loader answers that do not depend on the controller: LDR_ERR_READBACK (reads back
 * different) and an unknown status. */
int drv_loader_other_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                             const uint8_t *data, uint32_t job_addr);

/*
 * Loads the option bytes through the reset an option-load bit starts (OBL_LAUNCH of the L0/L1,
 * L4-style and L5/U5 controllers): the reset vector catch set, S_RESET_ST cleared, the option
 * registers unlocked by `unlock_options`, `obl_val` written to `obl_reg` (the write may be
 * answered with a fault), then the reset awaited and the core halted at its reset vector. Reads
 * that fail while the chip resets are retried until the deadline; a core found running (its debug
 * state lost with the reset) is halted again. On failure `lock` runs and the message names
 * `obl_bit` ("FLASH_CR bit 27").
 */
int drv_options_load_reset(struct flash_dev *f, int (*unlock_options)(struct flash_dev *f),
                           int (*lock)(struct flash_dev *f), uint32_t obl_reg, uint32_t obl_val,
                           const char *obl_bit);

/* The option byte of read protection `level` from the family's three (levels 0, 1, 2); another
 * level fails with STFLASH_ERR_INVALID_ARG naming the choices. */
int drv_rdp_byte(struct flash_dev *f, int level, const uint8_t bytes[3], uint8_t *byte);

#endif
