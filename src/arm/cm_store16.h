/* A half-word store executed by the halted core (cm_store16.c). Internal. */
#ifndef STFLASH_ARM_CM_STORE16_H
#define STFLASH_ARM_CM_STORE16_H

#include <stdint.h>

#include "arm/dbg.h"

/* Stores `val` at `addr` with one STRH run on the core, which must be halted; SRAM and the
 * registers it uses are restored. Errors name the address. */
int cm_store16(struct dbg *d, uint32_t addr, uint16_t val);

#endif
