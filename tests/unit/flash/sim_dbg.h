/*
 * A debug-access seam (struct dbg) wired straight to an in-process simulated target: memory
 * accesses go to the simulated bus as the debugger's, core registers to the simulated core, and
 * every command costs virtual time like a full-speed ST-LINK command, during which the simulated
 * core runs. The flash drivers' loaders therefore really execute on the simulated Cortex-M3.
 */
#ifndef STFLASH_TESTS_SIM_DBG_H
#define STFLASH_TESTS_SIM_DBG_H

#include <stdbool.h>
#include <stdint.h>

#include "arm/dbg.h"
#include "target.h"

struct sim_dbg {
    struct dbg dbg;
    struct sim_target t;
    sim_ps command_ps;  /* per command (USB round trip) */
    sim_ps byte_ps;     /* per byte moved */
    uint32_t max_block; /* bytes per memory command, as a probe splits them */
    uint64_t commands;
    /* End of the last command (CLOCK_MONOTONIC, ns): the host's time between two commands is
     * charged to the target as the board does (docs/virtual-clock.md), so a host that sleeps
     * while the target works finds it progressed. */
    uint64_t last_end_ns;
};

/* Powers up `chip` ("stm32f103c8", "stm32f100rb", ...) with the core halted as after a connect
 * under reset. optbytes: 8 half-words (value | complement << 8) to load before the reset, or NULL
 * for the factory state. Returns 0 or -1. */
int sim_dbg_open(struct sim_dbg *s, const char *chip, struct stflash_ctx *ctx,
                 const uint16_t *optbytes);
void sim_dbg_close(struct sim_dbg *s);

/* A powered chip with a context of its own, for the cmocka fixtures of the tests: open puts a
 * struct sim_board into *state (0, or -1 when the chip cannot be opened), close releases it. */
struct sim_board {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
};
int sim_board_open(void **state, const char *chip);
int sim_board_close(void **state);

/* Virtual time now, in seconds. */
double sim_dbg_seconds(const struct sim_dbg *s);

#endif
