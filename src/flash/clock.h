/*
 * A faster core clock for the routines stflash runs in target SRAM (the CRC routine, the flash
 * loaders). After reset the core runs from its internal oscillator (8 MHz on the F0/F1/F3), where
 * a routine's instructions take a good part of a job's time. A family with a recipe
 * (struct flash_family clock_recipes) gets its PLL started from that oscillator, the flash wait
 * states its data sheet wants at the new clock set BEFORE the switch, and SYSCLK switched to the
 * PLL; the first routine of a job does this, and the end of the job puts back RCC_CR, RCC_CFGR
 * and FLASH_ACR as they were. Only a core on its reset clock is touched: clocks the firmware set
 * up are left alone. A PLL that does not lock in time leaves the routines at the reset clock.
 * Internal.
 */
#ifndef STFLASH_FLASH_CLOCK_H
#define STFLASH_FLASH_CLOCK_H

#include <stdint.h>

#include "flash/flash.h"
#include "stflash/chip.h"

/* One family's recipe, for the RCC of the F0, F1 and F3 (RM0008 §7.3.1-7.3.2, RM0091 §6.4.1-2,
 * RM0316 §9.4.1-2): the PLL fed with HSI/2 (PLLSRC = 0). */
struct flash_clock_recipe {
    enum stflash_family family; /* STFLASH_FAMILY_UNKNOWN ends a list */
    uint16_t dev_id;            /* only this DEV_ID of the family; 0: any (the first match wins) */
    uint32_t rcc;               /* RCC register block: RCC_CR at +0, RCC_CFGR at +4 */
    uint32_t cfgr_mask;         /* RCC_CFGR bits the recipe sets: PLL configuration, APB1 */
    uint32_t cfgr_bits;
    uint32_t acr_mask; /* FLASH_ACR bits it sets: LATENCY for hz, the prefetch buffer */
    uint32_t acr_bits;
    uint32_t hz; /* SYSCLK it gives */
};

/* Recipes of the F0/F1/F3 flash family (flash/f1.c). */
extern const struct flash_clock_recipe flash_clock_fpec[];

/* Before a routine runs (core halted): the first call of a job raises the clock when the chip's
 * family has a recipe and the core is on its reset clock. Errors: the probe's only. */
int flash_clock_raise(struct flash_dev *f);

/* At the end of a job: puts the saved RCC_CR, RCC_CFGR and FLASH_ACR back if the clock was
 * raised (SYSCLK back to HSI first, then the PLL off, then the wait states). */
int flash_clock_restore(struct flash_dev *f);

#endif
