/* The family descriptors, one per flash-controller style that has a driver, and the quirk check. */
#include <stddef.h>

#include "flash/family.h"
#include "stflash/chip.h"

static const struct flash_family *const families[] = {
    &flash_family_fpec, &flash_family_l4,   &flash_family_f2_f4, &flash_family_f7, &flash_family_h7,
    &flash_family_h7ab, &flash_family_l5u5, &flash_family_l0l1,  &flash_family_h5,
};

const struct flash_family *flash_family_find(enum stflash_flash_ctrl ctrl)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (families[i]->ctrl == ctrl)
            return families[i];
    return NULL;
}

const struct flash_family *flash_family_for_chip(const struct stflash_chip_info *chip)
{
    const struct flash_family *fam = chip ? flash_family_find(chip->flash_ctrl) : NULL;
    if (fam && fam->families && !(fam->families & (1u << chip->family)))
        return NULL;
    return fam;
}

int stflash_chip_can_program(const struct stflash_chip_info *chip)
{
    return flash_family_for_chip(chip) != NULL;
}

uint32_t flash_family_unhandled_quirks(const struct flash_family *fam, uint32_t quirks)
{
    return fam ? quirks & ~fam->quirks : quirks;
}

const char *flash_quirk_describe(uint32_t quirks)
{
    static const struct {
        uint32_t bit;
        const char *text;
    } names[] = {
        {STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO, "a flash-size register that may read 0"},
        {STFLASH_CLONE_PROGRAM_32BIT, "32-bit word programming"},
        {STFLASH_CLONE_POLL_BSY_EACH_HALFWORD, "BSY to be polled after every half-word"},
        {STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM, "the SRAM size in the flash-size register"},
        {STFLASH_CLONE_FAST_PAGE_MODE, "a fast page mode"},
        {STFLASH_CLONE_F0_STYLE_OPTIONS, "option bits at F0-style offsets"},
        {STFLASH_CLONE_OPTION_WRITE_32BIT, "32-bit option-byte writes"},
        {STFLASH_CLONE_BANK2_4K_PAGES, "4 KiB pages above 512 KiB"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (quirks & names[i].bit)
            return names[i].text;
    return "an unknown quirk";
}
