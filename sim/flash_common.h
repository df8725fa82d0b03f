/*
 * Pieces of a simulated flash controller that do not depend on its registers, shared by the
 * TrustZone controllers of the L5/U5 (sim/l5u5_flash.c) and the H5 (sim/h5_flash.c): the family's
 * or the chip's timings, erasing bytes of the array, noting a store the core made (cached code to
 * drop), the busy flag's end time, and the wait a core access makes on it.
 */
#ifndef STFLASH_SIM_FLASH_COMMON_H
#define STFLASH_SIM_FLASH_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

/* tPROG of one program unit and tERASE: the chip row's, else the family's. */
sim_ps sim_flash_tprog(const struct sim_target *t);
sim_ps sim_flash_terase(const struct sim_target *t);

/* [off, off + len) of the array to the erased value, the core's cached code there dropped. */
void sim_flash_erase_bytes(struct sim_target *t, uint32_t off, uint32_t len);

/* A program unit stored at addr: the debugger's store drops cached code at once, the core's is
 * noted for the end of its run. */
void sim_flash_note_store(struct sim_target *t, uint32_t addr, unsigned size,
                          enum sim_initiator who);

/* The busy flag `bsy` of *sr set until `duration` after the end of the operation in progress
 * (or from now). */
void sim_flash_start_busy(struct sim_target *t, uint32_t *sr, uint32_t bsy, sim_ps *until,
                          sim_ps duration);

/* Whether an access may go on: not busy (after `update`); busy, the debugger's access stalls
 * (false); the core's waits (the time counted as a BSY wait) and goes on. */
bool sim_flash_wait_idle(struct sim_target *t, enum sim_initiator who, const uint32_t *sr,
                         uint32_t bsy, const sim_ps *until, void (*update)(struct sim_target *t));

/* The optbytes_write of a controller whose options are registers only: stores do nothing. */
enum sim_bus_result sim_flash_no_optbytes(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who);

#endif
