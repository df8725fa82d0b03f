/*
 * The watchdogs during a debug session. A running independent watchdog (started by firmware, or
 * at every reset by the WDG_SW option bit) resets the chip in about 0.4 s at its reset settings
 * (RM0008 §19.3: 40 kHz LSI, prescaler 4, reload 0xFFF): while the core is halted for an erase,
 * and while a loader or CRC routine runs. The DBGMCU freeze bits stop the watchdogs while the
 * core is halted; a routine that runs is covered by reloading the watchdog before and during it.
 * Internal.
 */
#ifndef STFLASH_FLASH_WATCHDOG_H
#define STFLASH_FLASH_WATCHDOG_H

#include "arm/dbg.h"
#include "stflash/chip.h"

/* Sets the DBGMCU watchdog-freeze bits of the chip's family (read-modify-write); does nothing on
 * families this table does not know yet. */
int watchdog_freeze(struct dbg *d, const struct stflash_chip_info *chip);

/* Reloads the independent watchdog (IWDG_KR = 0xAAAA); harmless when it is not running (the key
 * only reloads the counter, RM0008 §19.4.1). Does nothing on families this table does not know. */
int watchdog_reload(struct dbg *d, const struct stflash_chip_info *chip);

#endif
