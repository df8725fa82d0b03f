/* Watchdog freeze and reload per family (flash/sysregs.h). */
#include <stddef.h>

#include "flash/sysregs.h"

struct family_regs {
    enum stflash_family family;
    uint32_t freeze_reg;  /* DBGMCU register holding the freeze bits (CPU view) */
    uint32_t freeze_bits; /* DBG_IWDG_STOP | DBG_WWDG_STOP */
    uint32_t iwdg_kr;     /* IWDG key register */
    uint32_t rcc_csr;     /* RCC_CSR, 0 when the reset flags are elsewhere */
    uint32_t csr_rmvf;    /* RCC_CSR.RMVF */
    uint32_t csr_flags;   /* the reset flags of RCC_CSR */
};

#define IWDG_KR_RELOAD 0xAAAAu
/* DBG_IWDG_STOP bit 12 | DBG_WWDG_STOP bit 11, in the APB1 freeze register of most families */
#define FZ_12_11 ((1u << 12) | (1u << 11))
/* RCC_CSR layouts, RMVF then the reset flags: the F families' (flash/sysregs.h); RMVF at bit 23
 * with the flags in bits 24-31 (FWRSTF or its like at 24) or in bits 25-31. */
#define CSR_F RCC_CSR_RMVF, RCC_CSR_RESET_FLAGS
#define CSR_23_24 1u << 23, 0xFF000000u
#define CSR_23_25 1u << 23, 0xFE000000u

static const struct family_regs table[] = {
    /* RM0091 §32.9.4 DBGMCU_APB1_FZ: DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; §25 IWDG;
     * §6.4.10 RCC_CSR. */
    {STFLASH_FAMILY_F0, 0x40015808u, FZ_12_11, 0x40003000u, 0x40021024u, CSR_F},
    /* RM0008 §31.16.3 DBGMCU_CR: DBG_IWDG_STOP bit 8, DBG_WWDG_STOP bit 9; §19.4 IWDG;
     * §7.3.10 RCC_CSR. */
    {STFLASH_FAMILY_F1, 0xE0042004u, (1u << 8) | (1u << 9), 0x40003000u, 0x40021024u, CSR_F},
    /* RM0316 §33.16.4, RM0090 §38.16.4 DBGMCU_APB1_FZ: bits 12 and 11; IWDG at 0x40003000;
     * RCC_CSR: RM0316 §9.4.10, RM0090 §7.3.21 (RCC at 0x40023800 on the F2/F4). */
    {STFLASH_FAMILY_F3, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40021024u, CSR_F},
    {STFLASH_FAMILY_F2, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40023874u, CSR_F},
    {STFLASH_FAMILY_F4, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40023874u, CSR_F},
    /* RM0410 §40.16.4 DBGMCU_APB1_FZ: DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; §5.3.21
     * RCC_CSR (RCC at 0x40023800, as on the F4). */
    {STFLASH_FAMILY_F7, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40023874u, CSR_F},
    /* H7: DBGMCU at 0x5C001000 (RM0433 §60 DBGMCU registers): DBGMCU_APB4FZ1 (+0x54) bit 18
     * WDGLSD1 freezes IWDG1 (the WWDG1 freeze is in DBGMCU_APB3FZ1); IWDG1 at 0x58004800
     * (RM0433 §2.3 memory map). The reset flags are in RCC_RSR, RMVF at bit 16 (RM0433 §8
     * RCC_RSR), not in the RCC_CSR layout: no RCC_CSR here. */
    {STFLASH_FAMILY_H7, 0x5C001054u, 1u << 18, 0x58004800u, 0, 0, 0},
    /* RM0438 §40.4.5 / RM0456 §75.5.5 DBGMCU_APB1FZR1 (DBGMCU at 0xE0044000 on the Cortex-M33
     * parts): DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; IWDG at 0x40003000; RCC_CSR with RMVF
     * bit 23 and the flags in bits 25-31: RM0438 §9.8.30 (RCC at 0x40021000), RM0456 §11.8.49
     * (RCC at 0x46020C00). */
    {STFLASH_FAMILY_L5, 0xE0044008u, FZ_12_11, 0x40003000u, 0x40021094u, CSR_23_25},
    {STFLASH_FAMILY_U5, 0xE0044008u, FZ_12_11, 0x40003000u, 0x46020CF4u, CSR_23_25},
    /* RM0377 §27.9.4 DBG_APB1_FZ (0x40015808): DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11; §23
     * IWDG; §7.3.21 RCC_CSR at RCC + 0x50, RMVF bit 23 (the flags in bits 24-31). */
    {STFLASH_FAMILY_L0, 0x40015808u, FZ_12_11, 0x40003000u, 0x40021050u, CSR_23_24},
    /* RM0038 §30.16.4 DBGMCU_APB1_FZ: bits 12 and 11; §20 IWDG; §6.3.14 RCC_CSR at RCC
     * (0x40023800) + 0x34, RMVF bit 24 as on the F1. */
    {STFLASH_FAMILY_L1, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40023834u, CSR_F},
    /* The L4-style families: DBG_IWDG_STOP bit 12, DBG_WWDG_STOP bit 11 of DBGMCU_APB1FZR1
     * (DBGMCU_APB_FZ1 on the G0); IWDG at 0x40003000; RCC_CSR with RMVF at bit 23 and the reset
     * flags in bits 25-31 (OBLRSTF to LPWRRSTF; the L4 and L4+ add FWRSTF at bit 24). L4:
     * RM0351 §48.16.4, §6.4.29; L4+: RM0432 (the same registers and bits); G0: RM0444 §40.9.4
     * (DBGMCU at 0x40015800), §5.4.26 (RCC_CSR at +0x60); G4: RM0440 §46.6.4, §7.4.28; WB:
     * RM0434 §38.13.6 (APB1FZR1 at +0x3C), §7.4.33 (RCC at 0x58000000). */
    {STFLASH_FAMILY_L4, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40021094u, CSR_23_24},
    {STFLASH_FAMILY_L4P, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40021094u, CSR_23_24},
    {STFLASH_FAMILY_G0, 0x40015808u, FZ_12_11, 0x40003000u, 0x40021060u, CSR_23_25},
    {STFLASH_FAMILY_G4, 0xE0042008u, FZ_12_11, 0x40003000u, 0x40021094u, CSR_23_25},
    {STFLASH_FAMILY_WB, 0xE004203Cu, FZ_12_11, 0x40003000u, 0x58000094u, CSR_23_25},
    /* WL: RM0453 DBGMCU_APB1FZR1 (+0x3C), RCC_CSR at RCC (0x58000000) + 0x94 as on the WB. C0:
     * RM0490 DBGMCU_APB_FZ1 and RCC_CSR2 (+0x60) where the G0 has them. */
    {STFLASH_FAMILY_WL, 0xE004203Cu, FZ_12_11, 0x40003000u, 0x58000094u, CSR_23_25},
    {STFLASH_FAMILY_C0, 0x40015808u, FZ_12_11, 0x40003000u, 0x40021060u, CSR_23_25},
};

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
    if (!w || !w->rcc_csr)
        return STFLASH_ERR_UNSUPPORTED;
    uint32_t v;
    int rc = dbg_read32(d, w->rcc_csr, &v);
    return rc ? rc : dbg_write32(d, w->rcc_csr, v | w->csr_rmvf);
}

int reset_flags_read(struct dbg *d, const struct stflash_chip_info *chip, uint32_t *flags)
{
    const struct family_regs *w = find(chip);
    if (!w || !w->rcc_csr)
        return STFLASH_ERR_UNSUPPORTED;
    uint32_t v;
    int rc = dbg_read32(d, w->rcc_csr, &v);
    if (rc == STFLASH_OK)
        *flags = v & w->csr_flags;
    return rc;
}
