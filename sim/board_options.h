/*
 * The board options shared by the daemon's command line (--NAME VALUE) and the in-process
 * virtual board's selector (sim:CHIP,NAME=VALUE): one parser, so both accept the same values.
 */
#ifndef STFLASH_SIM_BOARD_OPTIONS_H
#define STFLASH_SIM_BOARD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "board.h"

/* The defaults of board number `index` (its serial counts from 1). */
void sim_board_defaults(struct sim_board_config *b, size_t index);

/* Parses a whole number from 0 to max (decimal, 0x hex or 0 octal); -1 when it is not one. */
int sim_parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* Applies a board option without a value (no-nrst, boot0, spurious-0d, stale-reply); false when
 * `name` is not one. */
bool sim_board_flag(struct sim_board_config *b, const char *name);

/*
 * Applies a board option with a value: rdp (up to the level the chip chosen so far has),
 * secure-page (WB, WL: where CPU2's secure area starts),
 * flash-size-reg, flash-kib, voltage, probe,
 * probe-fw, wait-burst, fault (sim/faults.h), probe-mode, serial, serial-hex. Returns 0, 1 when
 * `name` is not one of them, or -1 with a hint such as "give 0 or 1" in `hint` when the value is
 * not valid (the board is then unchanged).
 */
int sim_board_option(struct sim_board_config *b, const char *name, const char *value, char *hint,
                     size_t hint_len);

#endif
