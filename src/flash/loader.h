/*
 * The loader runner, shared by every flash driver: a loader (loaders/<family>_program.S) is put
 * into target SRAM with a stack, its control block and a ring buffer (layout and status codes in
 * loaders/loader_abi.h), started once per job, and fed: the host writes a chunk into the ring and
 * then the count of bytes written (wp) into the control block; the loader programs what has
 * arrived and publishes the count of bytes programmed (rp); the host refills the ring as rp
 * advances, polling it only when the ring is full. The first chunk is small so that programming
 * starts at once, and goes with the control block; a later chunk is at most what the ring holds,
 * so the flash then never waits for the probe. SRAM layout from sram_base:
 *
 *   loader code | stack (64 bytes, for an exception frame only) | control block | ring (from a
 *   multiple of 64 bytes)
 *
 * The ring is the largest power of two that fits the SRAM, up to 64 KiB (256 bytes at the least),
 * so a 1 KiB part works too, and the whole first run of a job can be put in place while its
 * erase runs (flash_loader_stage). SRAM content is not preserved. Internal.
 */
#ifndef STFLASH_FLASH_LOADER_H
#define STFLASH_FLASH_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "arm/cortexm.h"
#include "flash/flash.h"

struct flash_loader {
    uint32_t code;         /* loader entry (SRAM) */
    uint32_t sp;           /* initial stack pointer */
    uint32_t ctrl;         /* control block */
    uint32_t ring;         /* ring buffer */
    uint32_t ring_size;    /* bytes, a power of two */
    const uint8_t *loaded; /* the loader in SRAM now, NULL before the first */
    bool running;          /* started and not yet waited for */
    struct cm_routine run; /* what its start changed (arm/cortexm.h) */
    bool prepared;         /* its start prepared during an erase (flash_loader_stage) */
    bool done;             /* the last job ran to its end: every unit programmed, none failed */
};

/* One job: [addr, addr+len) of one bank, from data. */
struct flash_loader_job {
    uint32_t regs; /* the bank's controller registers (LDR_CB_REGS) */
    uint32_t addr;
    uint32_t len; /* a multiple of the program unit */
    const uint8_t *data;
    uint32_t erased;  /* an erased program unit (LDR_CB_ERASED) */
    uint32_t arg;     /* family-specific (LDR_CB_ARG) */
    uint32_t unit_us; /* longest time one program unit may take (datasheet), for the deadlines */
    uint32_t unit;    /* bytes per program unit */
    /* The loader checks in the pass: it writes LDR_CB_CRC, the CRC-32 of what the job's flash
     * reads after programming (loaders/loader_ring.inc). */
    bool crc;
};

/* How a job ended when the loader reported a failure: its status (r0 != 0), the address where it
 * stopped (r1) and what that unit reads back (r2). The driver turns them into a message. */
struct flash_loader_stop {
    uint32_t status;
    uint32_t addr;
    uint32_t value;
    uint32_t job_addr; /* the first address of the job (drv_program_banks_arg) */
};

/* Lays out SRAM for a loader of at most code_max bytes. STFLASH_ERR_UNSUPPORTED when the SRAM of
 * f is too small (the message says how much is needed). */
int flash_loader_init(struct flash_dev *f, struct flash_loader *l, uint32_t code_max);

/*
 * The loader of the job under way: the first call of a job lays out SRAM for a loader of at most
 * code_max bytes (flash_loader_init) and keeps the layout in f->drv_state; later calls return it.
 * A driver whose drv_state holds its loader calls flash_loader_end from its lock().
 */
int flash_loader_session(struct flash_dev *f, uint32_t code_max, struct flash_loader **out);

/* Whether the session's last job ran to its end (the loader reported success), so that the
 * controller is idle: the loaders wait for the end of each unit's programming. */
bool flash_loader_done(const struct flash_dev *f);

/* Ends the job's loader session: halts a loader still running (a job that failed while it ran,
 * before the driver touches the controller) and frees f->drv_state. The halt's result. */
int flash_loader_end(struct flash_dev *f);

/* The start of a program call: the session (flash_loader_session), the core halted, the loader
 * `code` in SRAM. addr (the first address to program) is for the messages. */
int flash_loader_begin(struct flash_dev *f, uint32_t code_max, const uint8_t *code, uint32_t len,
                       uint32_t addr, struct flash_loader **out);

/* A loader stop that is not the controller's error (LDR_ERR_STATUS, which the driver names): a
 * unit of `unit` bytes (1, 2 or 4) that reads back different, or an unknown status. Returns the
 * error with its message. */
int flash_loader_unit_error(struct flash_dev *f, const struct flash_loader_job *job,
                            const struct flash_loader_stop *st, unsigned unit);

/* Puts the loader `code` into SRAM unless it is there already. */
int flash_loader_load(struct flash_dev *f, struct flash_loader *l, const uint8_t *code,
                      uint32_t len);

/*
 * Runs one job: starts the loader, keeps the ring full, reports PROGRAM progress as rp advances,
 * waits for the end. STFLASH_OK with stop->status 0 when done; then, for a loader that checks in
 * the pass (job->crc), its CRC is compared with the host's over job->data and on a match the job
 * counts as verified (f->checked_in_pass grows by its length; on a mismatch the engine's own
 * verification finds the differing address). STFLASH_OK with stop->status != 0
 * when the loader reported a failure (the driver names it); otherwise an error naming the
 * address where the loader stopped (STFLASH_ERR_TIMEOUT when rp stayed still longer than a ring
 * takes to program) or the probe failure. The core must be halted; it is left halted.
 */
int flash_loader_run(struct flash_dev *f, struct flash_loader *l,
                     const struct flash_loader_job *job, struct flash_loader_stop *stop);

/*
 * A driver's stage op (flash/flash.h): the session (flash_loader_session), the loader `code` in
 * SRAM, then the next piece (at most 1 KiB) of f->stage's run into the ring, before the loader
 * runs it (the core halted, during an erase); the run's first flash_loader_run then starts with
 * those bytes in place. *more is cleared when the ring or the run is full.
 */
int flash_loader_stage(struct flash_dev *f, uint32_t code_max, const uint8_t *code, uint32_t len,
                       bool *more);

/* Halts a loader that is still running (after a failure in the middle of a job). */
int flash_loader_stop(struct flash_dev *f, struct flash_loader *l);

#endif
