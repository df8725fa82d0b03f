/* Checks of the ST-LINK client against a virtual board, whatever the transport reaching it. */
#ifndef STFLASH_TESTS_BOARD_CHECKS_H
#define STFLASH_TESTS_BOARD_CHECKS_H

#include "stlink/stlink.h"

/* stlink_init, SWD clock, voltage, enter SWD, IDCODEs of an STM32F103C8. */
void check_connect(struct stlink *sl, struct transport *tr, uint32_t want_khz, uint32_t expect_khz);
/* Writes and reads back SRAM with odd sizes at odd addresses, through both memory paths. */
void check_sram_round_trips(struct stlink *sl);
/* A read and a write of 0x30000000 (nothing is mapped there) fail naming that address. */
void check_unmapped(struct stlink *sl);
/* Halts the core, writes and reads back core registers. */
void check_core_registers(struct stlink *sl);

#endif
