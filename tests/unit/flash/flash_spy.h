/*
 * A debug seam for the flash unit tests between the engine and the simulated target: what the
 * host reads of the flash, the CRC routine's loads (and spoiling it), a bit flipped in the
 * loader's ring, and the engine's INFO and WARN messages.
 */
#ifndef STFLASH_TEST_FLASH_SPY_H
#define STFLASH_TEST_FLASH_SPY_H

#include <stdint.h>

#include "arm/dbg.h"
#include "flash_fixture.h"

/* How the spy spoils the CRC routine on its way to SRAM. */
enum spoil {
    SPOIL_NONE,
    SPOIL_ANSWER, /* BKPT at once: the routine answers a wrong count of CRCs */
    SPOIL_HANG,   /* an endless loop: the deadline stops it */
};

/* A debug seam between the engine and the simulated target: counts the bytes of flash the host
 * reads over the probe, and can spoil the CRC routine on its way to SRAM. */
struct spy {
    struct dbg dbg;
    struct fixture *fx;
    uint64_t flash_read;  /* bytes of flash read by the host, single words apart */
    unsigned flash_words; /* single words read: the check that the flash answers at the end of
                             each range (engine.c check_flash_answers) */
    unsigned uid_reads; /* reads of the unique ID (RM0008 §30.2), which names the recovery file */
    enum spoil spoil;
    unsigned crc_loads;      /* times the CRC routine was written to SRAM */
    unsigned crc_loads_late; /* of them, once programming had started (to verify) */
    uint64_t written;        /* bytes the host wrote to the target in the erase and program
                                phases (the loader, its jobs, the data) */
    uint32_t flip_sram;      /* nonzero: the first write of ring data covering this SRAM address
                                arrives with bit 0 of that byte flipped (a link error) */
    char log[4096];          /* INFO and WARN messages, one per line */
};

/* Puts the spy between the flash engine and the target, and counts the flash statistics. */
void spy_install(struct fixture *fx, struct spy *s, struct sim_stats *stats);
/* Clears the counts, the log, the statistics and the fixture's events (not the spoiling). */
void spy_reset(struct fixture *fx, struct spy *s, struct sim_stats *stats);

#endif
