/*
 * What the simulated flash controllers (f1_flash.c, f4_flash.c, h7_flash.c, l4_flash.c,
 * l5u5_flash.c, l0l1_flash.c) do alike: the KEY1, KEY2 sequence of a key register, the stall of
 * an access to a busy controller, the queueing of an operation behind the one under way, and
 * OBL_LAUNCH.
 */
#ifndef STFLASH_SIM_FLASH_CTL_H
#define STFLASH_SIM_FLASH_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

/* A write of val to a key register whose sequence is at *stage: KEY1 then KEY2 sets *unlock.
 * Any other value, and any write once that has happened, answers with a bus error and sets
 * *locked_up: the register stays locked until the next reset (RM0090 §3.5.1, RM0351 §3.3.5,
 * PM0075 §2.3.1). */
enum sim_bus_result sim_flash_key_write(int *stage, bool *locked_up, uint32_t val, uint32_t k1,
                                        uint32_t k2, bool *unlock);

/* An access to a controller busy until `until` (the caller has found it busy): the debugger's is
 * answered later (false: the probe retries); the core's stalls the bus until the operation ends
 * (the clock moves to `until`, update runs again, true). */
bool sim_flash_stall(struct sim_target *t, enum sim_initiator who, sim_ps until,
                     void (*update)(struct sim_target *));

/* When an operation of `duration` started now ends: after the one under way, if any (busy and
 * ending at `until`). */
sim_ps sim_flash_queue(const struct sim_target *t, bool busy, sim_ps until, sim_ps duration);

/* OBL_LAUNCH: the option bytes load again, through a system reset (RM0351 §3.7.6, RM0091
 * §3.5.5). The core's store completes first; the debugger's write resets at once. */
void sim_flash_obl_launch(struct sim_target *t, enum sim_initiator who);

#endif
