/* Watchdog freeze and reload per family (flash/watchdog.h). */
#include <stddef.h>

#include "flash/watchdog.h"

struct watchdog_regs {
    enum stflash_family family;
    uint32_t freeze_reg;  /* DBGMCU register holding the freeze bits (CPU view) */
    uint32_t freeze_bits; /* DBG_IWDG_STOP | DBG_WWDG_STOP */
    uint32_t iwdg_kr;     /* IWDG key register */
};

#define IWDG_KR_RELOAD 0xAAAAu

static const struct watchdog_regs table[] = {
    /* RM0091 §32.9.4 DBGMCU_APB1_FZ: DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; §25 IWDG. */
    {STFLASH_FAMILY_F0, 0x40015808u, (1u << 12) | (1u << 11), 0x40003000u},
    /* RM0008 §31.16.3 DBGMCU_CR: DBG_IWDG_STOP bit 8, DBG_WWDG_STOP bit 9; §19.4 IWDG. */
    {STFLASH_FAMILY_F1, 0xE0042004u, (1u << 8) | (1u << 9), 0x40003000u},
    /* RM0316 §33.16.4, RM0090 §38.16.4 DBGMCU_APB1_FZ: bits 12 and 11; IWDG at 0x40003000. */
    {STFLASH_FAMILY_F3, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u},
    {STFLASH_FAMILY_F2, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u},
    {STFLASH_FAMILY_F4, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u},
};

static const struct watchdog_regs *find(const struct stflash_chip_info *chip)
{
    for (size_t i = 0; chip && i < sizeof table / sizeof table[0]; i++)
        if (table[i].family == chip->family)
            return &table[i];
    return NULL;
}

int watchdog_freeze(struct dbg *d, const struct stflash_chip_info *chip)
{
    const struct watchdog_regs *w = find(chip);
    if (!w)
        return STFLASH_OK;
    uint32_t v;
    int rc = dbg_read32(d, w->freeze_reg, &v);
    if (rc == STFLASH_OK && (v & w->freeze_bits) != w->freeze_bits)
        rc = dbg_write32(d, w->freeze_reg, v | w->freeze_bits);
    return rc;
}

int watchdog_reload(struct dbg *d, const struct stflash_chip_info *chip)
{
    const struct watchdog_regs *w = find(chip);
    return w ? dbg_write32(d, w->iwdg_kr, IWDG_KR_RELOAD) : STFLASH_OK;
}
