/*
 * What the L4-style flash controller's files share (sim/l4_flash.c: registers, standard
 * programming, erases, option bytes; sim/l4_fast.c: fast programming): FLASH_SR and FLASH_CR
 * bits (RM0351 §3.7.5, §3.7.6; RM0444 §3.7.4, §3.7.5) and the helpers both use.
 */
#ifndef STFLASH_SIM_L4_FLASH_H
#define STFLASH_SIM_L4_FLASH_H

#include "target.h"

#define SR_EOP (1u << 0)
#define SR_OPERR (1u << 1)
#define SR_PROGERR (1u << 3)
#define SR_WRPERR (1u << 4)
#define SR_PGAERR (1u << 5)
#define SR_SIZERR (1u << 6)
#define SR_PGSERR (1u << 7)
#define SR_MISERR (1u << 8)
#define SR_FASTERR (1u << 9)
#define SR_RDERR (1u << 14)
#define SR_OPTVERR (1u << 15)
#define SR_BSY (1u << 16)
#define SR_BSY2 (1u << 17) /* G0B1: an operation in bank 2 (RM0444 §3.7.4) */
#define SR_BUSY (SR_BSY | SR_BSY2)
#define SR_CFGBSY (1u << 18)
#define SR_CLEARABLE 0xC3FBu
/* Flags that make the next program operation fail with PGSERR (RM0351 §3.7.5 PGSERR). */
#define SR_PROG_ERRORS                                                                             \
    (SR_PROGERR | SR_WRPERR | SR_PGAERR | SR_SIZERR | SR_PGSERR | SR_MISERR | SR_FASTERR)

#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER1 (1u << 2)
#define CR_MER2 (1u << 15)
#define CR_STRT (1u << 16)
#define CR_OPTSTRT (1u << 17)
#define CR_FSTPG (1u << 18)
#define CR_EOPIE (1u << 24)
#define CR_ERRIE (1u << 25)
#define CR_RDERRIE (1u << 26)
#define CR_OBL_LAUNCH (1u << 27)
#define CR_OPTLOCK (1u << 30)
#define CR_LOCK (1u << 31)

const struct sim_l4_model *l4_model(const struct sim_target *t);
uint32_t l4_bank_size(const struct sim_target *t);
/* Whether the page at flash offset off is write protected (WRP areas, the WB/WL secure area). */
bool l4_write_protected(const struct sim_target *t, uint32_t off);
bool l4_debug_blocked(const struct sim_target *t); /* level 1 with the debugger connected */
uint32_t l4_busy_bit(const struct sim_target *t, uint32_t off); /* BSY, or the G0B1's BSY2 */
void l4_flash_update(struct sim_target *t);                     /* time has passed */
/* Whether the controller is idle: a debugger's access to a busy one is answered later, the
 * core's stalls until the operation ends. */
bool l4_wait_not_busy(struct sim_target *t, enum sim_initiator who);
/* The first word of a double word, held until the second (CFGBSY on the G0). */
enum sim_bus_result l4_first_word(struct sim_target *t, uint32_t addr, uint32_t val);

/* l4_fast.c */
sim_ps l4_tprog_fast_dw(const struct sim_target *t); /* one double word of a fast row */
void l4_fast_update(struct sim_target *t);           /* time has passed during a row */
/* A store into the array with FSTPG alone set. */
enum sim_bus_result l4_fast_write(struct sim_target *t, uint32_t addr, unsigned size, uint32_t val,
                                  enum sim_initiator who);
void l4_fast_array_read(struct sim_target *t, uint32_t addr); /* a read may abort the row */

#endif
