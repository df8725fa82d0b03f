/*
 * A faster core clock for the routines stflash runs in target SRAM (the CRC routine, the flash
 * loaders). After reset the core runs from an internal oscillator (8 MHz on the F0/F1/F3, 4 MHz
 * MSI on the L4, 16 MHz HSI16 on the G0/G4, 12 MHz on the C0), where a routine's instructions
 * take a good part of a job's time. A family with a recipe (struct flash_family clock_recipes)
 * gets a faster SYSCLK for the job: the flash wait states its reference manual wants at the new
 * clock are set BEFORE the switch, then the oscillator or PLL is started and SYSCLK switched to
 * it; the end of the job puts every register the recipe wrote back, in the reverse order. Only a
 * core on its reset clock is touched (the recipe's guards: clocks the firmware set up are left
 * alone), and only in the voltage range the new clock needs. An oscillator or PLL that does not
 * become ready in time leaves the routines at the reset clock. Recipes: flash/clock_recipes.c.
 * Internal.
 */
#ifndef STFLASH_FLASH_CLOCK_H
#define STFLASH_FLASH_CLOCK_H

#include <stdint.h>

#include "flash/flash.h"
#include "stflash/chip.h"

/* The register address that stands for the chip's FLASH_ACR (flash_regs + 0) in a recipe. */
#define CLOCK_REG_ACR 1u

/* A condition on a register for the clock to be the reset clock: (value & mask) == want. */
struct flash_clock_guard {
    uint32_t reg; /* 0 ends the list */
    uint32_t mask, want;
};

/* One write of a recipe: reg = (reg & ~mask) | bits, then, when wait_mask is set, a poll of
 * wait_reg until (value & wait_mask) == wait_want (the oscillator ready, the switch done, the
 * wait states taken). Put back: reg's bits under mask get their saved value, and when `wait_back`
 * the poll waits for wait_reg's saved bits under wait_mask. */
struct flash_clock_step {
    uint32_t reg; /* 0 ends the list */
    uint32_t mask, bits;
    uint32_t wait_reg, wait_mask, wait_want;
    bool wait_back;
};

/* The voltage range the new clock needs, on families that scale the regulator: VOS is read from
 * the power controller's register with that controller's clock enabled for the read (after
 * reset it is off, and a peripheral without its clock reads as zero). */
struct flash_clock_vos {
    uint32_t enr, enr_bit; /* RCC enable register of the power controller, its bit; 0: none */
    uint32_t reg, mask, want;
};

#define CLOCK_MAX_GUARDS 4
#define CLOCK_MAX_STEPS 5

struct flash_clock_recipe {
    enum stflash_family family; /* STFLASH_FAMILY_UNKNOWN ends a list */
    uint16_t dev_id;            /* only this DEV_ID of the family; 0: any (the first match wins) */
    const char *source;         /* the new SYSCLK's source, for the log: "PLL from HSI/2" */
    uint32_t hz;                /* SYSCLK it gives */
    struct flash_clock_vos vos;
    struct flash_clock_guard guards[CLOCK_MAX_GUARDS];
    struct flash_clock_step steps[CLOCK_MAX_STEPS];
};

/* Recipes per flash family (flash/clock_recipes.c). */
extern const struct flash_clock_recipe flash_clock_fpec[];     /* F0, F1, F3 */
extern const struct flash_clock_recipe flash_clock_l4_style[]; /* L4, L4+, G0, G4, C0 */
extern const struct flash_clock_recipe flash_clock_f2_f4_f7[];

/* Before a routine runs (core halted): the first call of a job raises the clock when the chip's
 * family has a recipe and the core is on its reset clock. Errors: the probe's only. */
int flash_clock_raise(struct flash_dev *f);

/* At the end of a job: puts back what the recipe wrote (the switch to the reset clock first,
 * the wait states last). */
int flash_clock_restore(struct flash_dev *f);

#endif
