/*
 * Family descriptors: one per flash-controller style (enum stflash_flash_ctrl). Detection,
 * protection, option bytes and the engine all ask the descriptor of the chip row's style, so no
 * family knowledge lives outside its own files. Adding a family is one driver file that defines
 * its descriptor, plus its line in flash/family.c (docs/porting.md). Internal.
 */
#ifndef STFLASH_FLASH_FAMILY_H
#define STFLASH_FLASH_FAMILY_H

#include <stdint.h>

#include "flash/clock.h"
#include "flash/flash.h"
#include "stflash/chip.h"
#include "stflash/stflash.h"

/* Protection in force (loaded at the last reset), for the target info. */
struct flash_protection {
    int rdp_level;           /* 0, 1 or 2 */
    uint32_t wrp_mask;       /* bit n set = group n write protected */
    uint32_t wrp_group_size; /* bytes per group */
};

struct flash_family {
    const char *name;
    enum stflash_flash_ctrl ctrl;
    const struct flash_driver *driver;
    /* Clone quirks (enum stflash_clone_quirk) the driver handles: a part with any other quirk is
     * refused before anything is touched. */
    uint32_t quirks;
    /* Clone quirks under which options_write stores the right bytes: option-byte changes on a
     * part with any other quirk are refused before the option bytes are erased. */
    uint32_t option_quirks;
    /* The families (bit 1 << enum stflash_family) whose parts the driver programs when it knows
     * only some of those sharing its controller style; 0: every family of `ctrl`. */
    uint32_t families;
    /* The driver reads f->volts (flash_dev_params): the target voltage is read for it. */
    bool uses_volts;

    /* The rest is optional (NULL: not supported for this family yet). */

    /* How to raise the core clock for the routines in SRAM, per chip family (flash/clock.h);
     * ends with STFLASH_FAMILY_UNKNOWN. */
    const struct flash_clock_recipe *clock_recipes;

    /* Protection in force, from the option registers (reads only). */
    int (*protection)(struct flash_dev *f, struct flash_protection *out);
    /* The option bytes as loaded and as stored, decoded. Works under read protection. */
    int (*options_read)(struct flash_dev *f, struct stflash_options *out);
    /* Stores the option bytes described by o, keeping the stored bits o does not describe. The
     * RDP byte is the one for o->rdp_level_stored (options_rdp_byte). Beware: under read
     * protection, erasing the option bytes erases the whole flash. Does not load them. */
    int (*options_write)(struct flash_dev *f, const struct stflash_options *o);
    /* Makes the stored option bytes take effect (a system reset, or the option-byte loader) and
     * leaves the core halted at its reset vector. */
    int (*options_load)(struct flash_dev *f);
    /* The RDP byte meaning `level` (0, 1, 2); STFLASH_ERR_UNSUPPORTED with a message when the
     * family has no such level. */
    int (*options_rdp_byte)(struct flash_dev *f, int level, uint8_t *byte);
    /* A data EEPROM apart from the flash (L0/L1): its range (*size 0 when the part has none),
     * and a writer of [addr, addr+len) inside it that keeps the bytes around and locks the
     * controller again at the end. */
    void (*eeprom_range)(const struct stflash_chip_info *chip, uint32_t *base, uint32_t *size);
    int (*eeprom_write)(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len);
};

/* The descriptor of a controller style; NULL when no driver exists for it yet. */
const struct flash_family *flash_family_find(enum stflash_flash_ctrl ctrl);
/* The descriptor whose driver programs this chip, or NULL (stflash_chip_can_program). */
const struct flash_family *flash_family_for_chip(const struct stflash_chip_info *chip);

/* The quirks of `quirks` that the family does not handle (0: none). */
uint32_t flash_family_unhandled_quirks(const struct flash_family *fam, uint32_t quirks);

/* A readable name of the first quirk set in `quirks` ("pages above 512 KiB are 4 KiB", ...). */
const char *flash_quirk_describe(uint32_t quirks);

/* The descriptors (flash/family.c lists them). */
extern const struct flash_family flash_family_fpec; /* F0/F1/F3: flash/f1.c, flash/fpec_options.c */
extern const struct flash_family flash_family_l4;   /* L4-style: flash/l4.c, flash/l4_options.c */
extern const struct flash_family flash_family_f2_f4; /* F2/F4: flash/f4.c, flash/f4_options.c */
extern const struct flash_family flash_family_f7;    /* F7: the same files */
extern const struct flash_family
    flash_family_h7; /* H74x/H75x/H72x/H73x: flash/h7.c, h7_options.c */
extern const struct flash_family flash_family_h7ab; /* H7A3/H7B3/H7B0: the same files */
extern const struct flash_family flash_family_h5;   /* H5: flash/h5.c, flash/h5_options.c */
extern const struct flash_family flash_family_l5u5; /* L5/U5: flash/l5u5.c, flash/l5u5_options.c */
extern const struct flash_family flash_family_l0l1; /* L0/L1: flash/l0l1.c, flash/l0l1_options.c */

#endif
