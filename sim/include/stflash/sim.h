/*
 * libstflash-sim: the virtual board in this process, an optional part of stflash.
 *
 * A simulated ST-LINK wired to a simulated STM32 (on the Unicorn CPU emulator), reached through
 * "sim[:CHIP][,OPTION...]" probe selectors (see stflash/stflash.h). The board's flash and option
 * bytes persist in a state file between opens. libstflash itself does not contain it: a program
 * that wants it links libstflash-sim (pkg-config stflash-sim, or the CMake target stflash::sim)
 * and calls stflash_sim_register() once at start, before opening probes.
 */
#ifndef STFLASH_SIM_H
#define STFLASH_SIM_H

#include "stflash/backend.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* The back-end of "sim" selectors, for stflash_register_sim_backend(). */
const struct stflash_backend *stflash_sim_backend(void);

/* Registers the virtual board for "sim" selectors in every context of the process. Returns
 * STFLASH_OK. */
int stflash_sim_register(void);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
