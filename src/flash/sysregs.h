/*
 * System registers a debugger touches, per family: the watchdogs and the reset flags.
 *
 * The watchdogs during a debug session. A running independent watchdog (started by firmware, or
 * at every reset by the WDG_SW option bit) resets the chip in about 0.4 s at its reset settings
 * (RM0008 §19.3: 40 kHz LSI, prescaler 4, reload 0xFFF): while the core is halted for an erase,
 * and while a loader or CRC routine runs. The DBGMCU freeze bits stop the watchdogs while the
 * core is halted; a routine that runs is covered by reloading the watchdog before and during it.
 * Internal.
 */
#ifndef STFLASH_FLASH_SYSREGS_H
#define STFLASH_FLASH_SYSREGS_H

#include "arm/dbg.h"
#include "stflash/chip.h"

/* Sets the DBGMCU watchdog-freeze bits of the chip's family (read-modify-write); does nothing on
 * families this table does not know yet. */
int watchdog_freeze(struct dbg *d, const struct stflash_chip_info *chip);

/* Reloads the independent watchdog (IWDG_KR = 0xAAAA); harmless when it is not running (the key
 * only reloads the counter, RM0008 §19.4.1). Does nothing on families this table does not know. */
int watchdog_reload(struct dbg *d, const struct stflash_chip_info *chip);

/* RCC_CSR reset flags (RM0008 §7.3.10; the same bits on the F0, F2, F3, F4): the cause of the
 * last reset, kept until RMVF clears them. They tell whether a reset really happened when
 * DHCSR.S_RESET_ST was not seen. The L4-style families have RMVF at bit 23 and their own flags
 * (flash/sysregs.c has the line of each). */
#define RCC_CSR_RMVF (1u << 24)
#define RCC_CSR_PINRSTF (1u << 26)
#define RCC_CSR_RESET_FLAGS                                                                        \
    0xFC000000u /* PINRSTF, PORRSTF, SFTRSTF, IWDGRSTF, WWDGRSTF, LPWRRSTF */

/* Clears the reset flags (RMVF). STFLASH_ERR_UNSUPPORTED when the family is not in the table. */
int reset_flags_clear(struct dbg *d, const struct stflash_chip_info *chip);

/* The reset flags now (RCC_CSR & RCC_CSR_RESET_FLAGS); STFLASH_ERR_UNSUPPORTED as above. */
int reset_flags_read(struct dbg *d, const struct stflash_chip_info *chip, uint32_t *flags);

#endif
