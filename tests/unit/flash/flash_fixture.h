/*
 * The fixture of the flash unit tests (test_flash*.c): the engine and the F0/F1/F3 driver on a
 * simulated STM32F1 through the in-process debug seam (sim_dbg.h), the progress events of a job,
 * and images of patterned segments with the flash content they should leave.
 */
#ifndef STFLASH_TEST_FLASH_FIXTURE_H
#define STFLASH_TEST_FLASH_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/stflash.h"

#define FLASH_BASE 0x08000000u
#define MAX_EVENTS 4096

struct event {
    struct stflash_progress p;
    sim_ps when;
};

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
    struct flash_dev f;
    struct event *ev;
    size_t nev;
    uint8_t *expect; /* what the flash should hold */
    uint32_t size;
    /* Called on every progress event: lets a test change the target in the middle of a job. */
    void (*hook)(struct fixture *fx, const struct stflash_progress *p);
    /* XDG_STATE_HOME of this fixture: the recovery files of its jobs (flash/recovery.h), so a
     * job a test cuts off leaves nothing for the next test's chip. */
    char state_home[64];
};

struct seg {
    uint32_t addr;
    size_t len;
    uint32_t seed;
};

/* An image of sorted, separated segments filled with pattern(seed); also applied to expect. */
struct img {
    struct stflash_image image;
    struct stflash_segment segs[8];
};

/* A fixture on the simulated sim_chip (DEV_ID dev_id), with sram bytes of SRAM for the loader
 * (0: the chip row's) and the option bytes optbytes (NULL: as shipped). */
int open_chip(void **state, const char *sim_chip, uint16_t dev_id, uint32_t sram,
              const uint16_t *optbytes);
int setup_f103(void **state);
int setup_f100(void **state);          /* 8 KiB of SRAM */
int setup_f100_small(void **state);    /* the chip row's 4 KiB */
int setup_f103_wrp(void **state);      /* pages 4-7 write protected */
int setup_f103_row_sram(void **state); /* the chip row's 10 KiB */
int teardown(void **state);

/* Byte i of the pattern `seed`. */
uint8_t pattern(uint32_t i, uint32_t seed);
/* Old firmware in the whole flash, put there behind the controller's back. */
void prefill(struct fixture *fx, uint32_t seed);
void make_image(struct fixture *fx, struct img *im, const struct seg *segs, size_t n);
void free_image(struct img *im);
void assert_flash_as_expected(struct fixture *fx);
/* The FPEC locked, no operation bit left set. */
void assert_locked(struct fixture *fx);
/* rc is want and the context's message msg, exactly. */
void assert_error(struct fixture *fx, int rc, int want, const char *msg);
/* Events of one phase: contiguous, start at 0, never go back, end at total (UINT64_MAX: any).
 * Returns the number of events of the phase (0 when absent). */
size_t check_phase(struct fixture *fx, enum stflash_phase phase, uint64_t want_total);
/* The phases in the order READ, ERASE, PROGRAM, VERIFY. */
void check_phase_order(struct fixture *fx);
/* flash_write of an image made of segs (applied to fx->expect), the events counted afresh. */
int write_segs(struct fixture *fx, const struct seg *segs, size_t n,
               const struct stflash_write_options *opts);
/* write_segs with the default options must succeed (else the error is printed) and leave the
 * flash holding fx->expect. */
void write_ok(struct fixture *fx, const struct seg *segs, size_t n);

#endif
