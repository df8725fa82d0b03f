/* Watchdog freeze and reload per family (flash/sysregs.h). */
#include <stddef.h>

#include "flash/sysregs.h"

struct family_regs {
    enum stflash_family family;
    uint32_t freeze_reg;  /* DBGMCU register holding the freeze bits (CPU view) */
    uint32_t freeze_bits; /* DBG_IWDG_STOP | DBG_WWDG_STOP */
    uint32_t iwdg_kr;     /* IWDG key register */
    uint32_t rcc_csr;     /* RCC_CSR */
};

#define IWDG_KR_RELOAD 0xAAAAu

static const struct family_regs table[] = {
    /* RM0091 §32.9.4 DBGMCU_APB1_FZ: DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; §25 IWDG;
     * §6.4.10 RCC_CSR. */
    {STFLASH_FAMILY_F0, 0x40015808u, (1u << 12) | (1u << 11), 0x40003000u, 0x40021024u},
    /* RM0008 §31.16.3 DBGMCU_CR: DBG_IWDG_STOP bit 8, DBG_WWDG_STOP bit 9; §19.4 IWDG;
     * §7.3.10 RCC_CSR. */
    {STFLASH_FAMILY_F1, 0xE0042004u, (1u << 8) | (1u << 9), 0x40003000u, 0x40021024u},
    /* RM0316 §33.16.4, RM0090 §38.16.4 DBGMCU_APB1_FZ: bits 12 and 11; IWDG at 0x40003000;
     * RCC_CSR: RM0316 §9.4.10, RM0090 §7.3.21 (RCC at 0x40023800 on the F2/F4). */
    {STFLASH_FAMILY_F3, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u, 0x40021024u},
    {STFLASH_FAMILY_F2, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u, 0x40023874u},
    {STFLASH_FAMILY_F4, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u, 0x40023874u},
    /* RM0377 §27.9.4 DBG_APB1_FZ (0x40015808): DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; §23
     * IWDG; §7.3.21 RCC_CSR at RCC + 0x50, RMVF bit 23 (the flags in bits 24-31). */
    {STFLASH_FAMILY_L0, 0x40015808u, (1u << 12) | (1u << 11), 0x40003000u, 0x40021050u},
    /* RM0038 §30.16.4 DBGMCU_APB1_FZ: bits 12 and 11; §20 IWDG; §6.3.14 RCC_CSR at RCC
     * (0x40023800) + 0x34, RMVF bit 24 as on the F1. */
    {STFLASH_FAMILY_L1, 0xE0042008u, (1u << 12) | (1u << 11), 0x40003000u, 0x40023834u},
};

/* RCC_CSR.RMVF: bit 23 on the L0 (RM0377 §7.3.21), bit 24 elsewhere (RCC_CSR_RMVF). */
static uint32_t rmvf_of(const struct stflash_chip_info *chip)
{
    return chip->family == STFLASH_FAMILY_L0 ? 1u << 23 : RCC_CSR_RMVF;
}

static const struct family_regs *find(const struct stflash_chip_info *chip)
{
    for (size_t i = 0; chip && i < sizeof table / sizeof table[0]; i++)
        if (table[i].family == chip->family)
            return &table[i];
    return NULL;
}

int watchdog_freeze(struct dbg *d, const struct stflash_chip_info *chip)
{
    const struct family_regs *w = find(chip);
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
    const struct family_regs *w = find(chip);
    return w ? dbg_write32(d, w->iwdg_kr, IWDG_KR_RELOAD) : STFLASH_OK;
}

int reset_flags_clear(struct dbg *d, const struct stflash_chip_info *chip)
{
    const struct family_regs *w = find(chip);
    if (!w)
        return STFLASH_ERR_UNSUPPORTED;
    uint32_t v;
    int rc = dbg_read32(d, w->rcc_csr, &v);
    return rc ? rc : dbg_write32(d, w->rcc_csr, v | rmvf_of(chip));
}

int reset_flags_read(struct dbg *d, const struct stflash_chip_info *chip, uint32_t *flags)
{
    const struct family_regs *w = find(chip);
    if (!w)
        return STFLASH_ERR_UNSUPPORTED;
    uint32_t v;
    int rc = dbg_read32(d, w->rcc_csr, &v);
    if (rc == STFLASH_OK)
        *flags = v & RCC_CSR_RESET_FLAGS;
    return rc;
}
