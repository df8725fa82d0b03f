/*
 * F0/F1/F3 option bytes through the FPEC: PM0075 §2.5 "Option byte programming", §3.7 FLASH_OBR,
 * §3.8 FLASH_WRPR (F1); RM0091 §4 "Option bytes" and §3.5.8 FLASH_OBR (F0); RM0316 §4 (F3).
 *
 * The stored layout is the same on the three (eight half-words at 0x1FFFF800: RDP, USER, DATA0,
 * DATA1, WRP0-3, each byte followed by its complement). They differ in FLASH_OBR and the RDP
 * bytes: on the F1 OBR holds OPTERR (bit 0), RDPRT (bit 1), the user bits at [4:2] and DATA0/1 at
 * [17:10]/[25:18], and RDP 0xA5 is level 0, anything else level 1; on the F0/F3 OBR holds OPTERR,
 * RDPRT at [2:1] (00 level 0, 01 level 1, 11 level 2), USER at [15:8], DATA0 at [23:16] and DATA1
 * at [31:24], and RDP 0xAA is level 0, 0xCC level 2, anything else level 1. The F0/F3 load new
 * option bytes at power-on or when FLASH_CR.OBL_LAUNCH is set (which resets the chip, RM0091
 * §3.5.5), not at a plain system reset as the F1 does.
 */
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/f1.h"

/* One WRP bit per 4 KiB on F0/F1/F3: 4 pages of 1 KiB or 2 of 2 KiB (PM0075 §2.4.2, RM0091
 * §3.3.2, RM0316 §4.1). */
#define WRP_GROUP_SIZE 4096u
/* How long the option-byte loader reset may take to show (S_RESET_ST) after OBL_LAUNCH. */
#define OBL_RESET_TIMEOUT_MS 200u

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

enum fpec_ob_layout fpec_ob_layout_of(const struct flash_dev *f)
{
    if (f->quirks & STFLASH_CLONE_F0_STYLE_OPTIONS)
        return FPEC_OB_F0;
    if (f->chip && (f->chip->family == STFLASH_FAMILY_F0 || f->chip->family == STFLASH_FAMILY_F3))
        return FPEC_OB_F0;
    return FPEC_OB_F1;
}

int fpec_rdp_level_of(enum fpec_ob_layout layout, uint8_t rdp)
{
    if (layout == FPEC_OB_F1)
        return rdp == F1_OB_RDP_NONE ? 0 : 1;
    return rdp == F0_OB_RDP_LEVEL0 ? 0 : rdp == F0_OB_RDP_LEVEL2 ? 2 : 1;
}

int fpec_rdp_byte_of(enum fpec_ob_layout layout, int level, uint8_t *byte)
{
    switch (level) {
    case 0:
        *byte = layout == FPEC_OB_F1 ? F1_OB_RDP_NONE : F0_OB_RDP_LEVEL0;
        return STFLASH_OK;
    case 1:
        *byte = 0x00; /* any value but the level 0 (and level 2) ones */
        return STFLASH_OK;
    case 2:
        if (layout == FPEC_OB_F1)
            return STFLASH_ERR_UNSUPPORTED;
        *byte = F0_OB_RDP_LEVEL2;
        return STFLASH_OK;
    default:
        return STFLASH_ERR_INVALID_ARG;
    }
}

/* RDPRT in FLASH_OBR: the level in force. */
static int obr_rdp_level(enum fpec_ob_layout layout, uint32_t obr)
{
    if (layout == FPEC_OB_F1)
        return (obr >> 1) & 1u;
    unsigned bits = (obr >> 1) & 3u;
    return bits == 0 ? 0 : bits == 3 ? 2 : 1; /* 10 is reserved: taken as protected */
}

bool fpec_obr_read_protected(const struct flash_dev *f, uint32_t obr)
{
    return obr_rdp_level(fpec_ob_layout_of(f), obr) != 0;
}

void fpec_options_decode(enum fpec_ob_layout layout, uint32_t obr, uint32_t wrpr,
                         const uint16_t raw[FPEC_OB_COUNT], struct stflash_options *o)
{
    memset(o, 0, sizeof *o);
    uint8_t rdp = (uint8_t)raw[0], user = (uint8_t)raw[1];
    o->rdp_level = obr_rdp_level(layout, obr);
    o->rdp = rdp;
    o->rdp_level_stored = fpec_rdp_level_of(layout, rdp);
    o->wdg_sw = user & 1u;
    o->nrst_stop = user & 2u;
    o->nrst_stdby = user & 4u;
    o->data0 = (uint8_t)raw[2];
    o->data1 = (uint8_t)raw[3];
    for (unsigned i = 0; i < 4; i++)
        o->wrp |= (uint32_t)(uint8_t)raw[4 + i] << (8 * i);
    o->wrp_in_force = wrpr;
    o->wrp_group_size = WRP_GROUP_SIZE;
    o->option_error = obr & 1u; /* OPTERR, bit 0 on both layouts */
    o->has_data = true;
}

int fpec_options_encode(enum fpec_ob_layout layout, const struct stflash_options *o,
                        const struct fpec_option_bytes *stored, struct fpec_option_bytes *out)
{
    struct fpec_option_bytes ob;
    int rc = fpec_rdp_byte_of(layout, o->rdp_level_stored, &ob.rdp);
    if (rc != STFLASH_OK)
        return rc;
    /* The user bits stflash_options does not describe (F0: nBOOT0, nBOOT1, VDDA_MONITOR,
     * RAM_PARITY_CHECK, BOOT_SEL; F1: unused, read as 1) stay as stored. */
    ob.user = (uint8_t)((stored->user & 0xF8u) | (o->wdg_sw ? 1u : 0) | (o->nrst_stop ? 2u : 0) |
                        (o->nrst_stdby ? 4u : 0));
    ob.data[0] = o->data0;
    ob.data[1] = o->data1;
    for (unsigned i = 0; i < 4; i++)
        ob.wrp[i] = (uint8_t)(o->wrp >> (8 * i));
    *out = ob;
    return STFLASH_OK;
}

int fpec_option_bytes_read(struct flash_dev *f, struct fpec_option_bytes *out,
                           uint16_t raw[FPEC_OB_COUNT])
{
    uint8_t bytes[2 * FPEC_OB_COUNT];
    int rc = dbg_read(f->dbg, FPEC_OB_BASE, bytes, sizeof bytes);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option bytes at 0x%08x: %s", FPEC_OB_BASE,
                        last_error(f));
    for (unsigned i = 0; i < FPEC_OB_COUNT; i++)
        raw[i] = le16_get(bytes + 2 * i);
    out->rdp = (uint8_t)raw[0];
    out->user = (uint8_t)raw[1];
    out->data[0] = (uint8_t)raw[2];
    out->data[1] = (uint8_t)raw[3];
    for (unsigned i = 0; i < 4; i++)
        out->wrp[i] = (uint8_t)raw[4 + i];
    return STFLASH_OK;
}

static int read_registers(struct flash_dev *f, uint32_t *obr, uint32_t *wrpr)
{
    uint32_t regs = f->map.bank[0].regs;
    int rc = dbg_read32(f->dbg, regs + FPEC_OBR, obr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + FPEC_WRPR, wrpr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OBR/FLASH_WRPR at 0x%08x: %s",
                        regs + FPEC_OBR, last_error(f));
    return STFLASH_OK;
}

int fpec_protection(struct flash_dev *f, struct flash_protection *out)
{
    uint32_t obr, wrpr;
    int rc = read_registers(f, &obr, &wrpr);
    if (rc != STFLASH_OK)
        return rc;
    out->rdp_level = obr_rdp_level(fpec_ob_layout_of(f), obr);
    out->wrp_mask = ~wrpr;
    out->wrp_group_size = WRP_GROUP_SIZE;
    return STFLASH_OK;
}

int fpec_options_read(struct flash_dev *f, struct stflash_options *out)
{
    uint32_t obr, wrpr;
    uint16_t raw[FPEC_OB_COUNT];
    struct fpec_option_bytes ob;
    int rc = read_registers(f, &obr, &wrpr);
    if (rc == STFLASH_OK)
        rc = fpec_option_bytes_read(f, &ob, raw);
    if (rc == STFLASH_OK)
        fpec_options_decode(fpec_ob_layout_of(f), obr, wrpr, raw, out);
    return rc;
}

int fpec_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    int rc = fpec_rdp_byte_of(fpec_ob_layout_of(f), level, byte);
    if (rc == STFLASH_ERR_UNSUPPORTED)
        return ctx_fail(f->ctx, rc,
                        "the %s has no read protection level 2 (every RDP value but 0xA5 is "
                        "level 1): use --rdp 1",
                        stflash_family_name(f->chip ? f->chip->family : STFLASH_FAMILY_F1));
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "no read protection level %d: give 0, 1 or 2", level);
    return STFLASH_OK;
}

/* ---- writing ---- */

static int option_fail(struct flash_dev *f, int rc, const char *what, uint32_t addr)
{
    return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
}

/* Checks FLASH_SR after an option-byte operation at addr. */
static int option_status(struct flash_dev *f, uint32_t sr, const char *what, uint32_t addr)
{
    if (sr & SR_WRPRTERR)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot %s 0x%08x: write protected (WRPRTERR)", what, addr);
    if (sr & SR_PGERR)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot %s 0x%08x: not erased (PGERR)", what,
                        addr);
    return STFLASH_OK;
}

/* FPEC unlocked, then the OPTKEYR sequence: OPTWRE set (PM0075 §2.5, RM0091 §3.2.2). */
static int unlock_options(struct flash_dev *f, uint32_t regs)
{
    uint32_t cr = 0;
    int rc = fpec_unlock_bank(f, regs);
    if (rc != STFLASH_OK)
        return rc;
    rc = fpec_write_reg(f, regs, FPEC_OPTKEYR, FPEC_KEY1);
    if (rc == STFLASH_OK)
        rc = fpec_write_reg(f, regs, FPEC_OPTKEYR, FPEC_KEY2);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + FPEC_CR, &cr);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "unlock the option bytes at", FPEC_OB_BASE);
    if (!(cr & CR_OPTWRE))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot unlock the option bytes at 0x%08x: OPTWRE stays clear (FLASH_CR "
                        "0x%08x)",
                        FPEC_OB_BASE, cr);
    return STFLASH_OK;
}

/* OPTWRE is set by the OPTKEYR sequence and cleared by writing 0 to it, so every FLASH_CR write
 * of the sequence keeps it set. */
static int option_job(struct flash_dev *f, const struct fpec_option_bytes *ob)
{
    uint32_t regs = f->map.bank[0].regs, sr;
    int rc = unlock_options(f, regs);
    if (rc != STFLASH_OK)
        return rc;

    /* Erase (PM0075 §2.5 "Erase procedure"): OPTER, then OPTER | STRT, wait for BSY. */
    rc = fpec_write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OPTER);
    if (rc == STFLASH_OK)
        rc = fpec_write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OPTER | CR_STRT);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "erase the option bytes at", FPEC_OB_BASE);
    /* Under read protection the erase includes a mass erase of the main flash. */
    rc = fpec_idle_or_fail(f, regs, MASS_ERASE_TIMEOUT_MS, &sr, "erase the option bytes at",
                           FPEC_OB_BASE);
    if (rc == STFLASH_OK)
        rc = option_status(f, sr, "erase the option bytes at", FPEC_OB_BASE);
    if (rc != STFLASH_OK)
        return rc;

    /* Program (PM0075 §2.5 "Programming procedure"): OPTPG, then one half-word write per option
     * byte; the controller stores the complement in the upper byte itself. */
    rc = fpec_write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OPTPG);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "program the option bytes at", FPEC_OB_BASE);
    const uint8_t values[FPEC_OB_COUNT] = {ob->rdp,    ob->user,   ob->data[0], ob->data[1],
                                           ob->wrp[0], ob->wrp[1], ob->wrp[2],  ob->wrp[3]};
    for (unsigned i = 0; i < FPEC_OB_COUNT; i++) {
        uint32_t addr = FPEC_OB_BASE + 2u * i;
        rc = dbg_write16(f->dbg, addr, values[i]);
        if (rc != STFLASH_OK)
            return option_fail(f, rc, "program the option byte at", addr);
        rc = fpec_idle_or_fail(f, regs, IDLE_TIMEOUT_MS, &sr, "program the option byte at", addr);
        if (rc == STFLASH_OK)
            rc = option_status(f, sr, "program the option byte at", addr);
        if (rc != STFLASH_OK)
            return rc;
    }
    /* Read back what the controller stored: value and complement. */
    uint8_t raw[2 * FPEC_OB_COUNT];
    rc = dbg_read(f->dbg, FPEC_OB_BASE, raw, sizeof raw);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "verify the option bytes at", FPEC_OB_BASE);
    for (unsigned i = 0; i < FPEC_OB_COUNT; i++) {
        uint16_t want = (uint16_t)(values[i] | (uint16_t)(uint8_t)~values[i] << 8);
        uint16_t got = le16_get(raw + 2 * i);
        if (got != want)
            return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                            "option byte at 0x%08x reads back 0x%04x instead of 0x%04x",
                            FPEC_OB_BASE + 2u * i, got, want);
    }
    return STFLASH_OK;
}

/* Ends an option job: OPTPG and OPTWRE off (writing 0 to FLASH_CR), then the lock; the first
 * failure's message is kept. */
static int option_finish(struct flash_dev *f, int rc)
{
    char saved[sizeof f->ctx->last_error];
    if (rc != STFLASH_OK && f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    (void)fpec_write_reg(f, f->map.bank[0].regs, FPEC_CR, 0);
    int lrc = fpec_lock(f);
    if (rc != STFLASH_OK) {
        if (f->ctx)
            memcpy(f->ctx->last_error, saved, sizeof saved);
        return rc;
    }
    return lrc;
}

int fpec_option_bytes_write(struct flash_dev *f, const struct fpec_option_bytes *ob)
{
    if (!f || !f->dbg || !ob)
        return STFLASH_ERR_INVALID_ARG;
    return option_finish(f, option_job(f, ob));
}

int fpec_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    const struct flash_family *fam = f->fam ? f->fam : &flash_family_fpec;
    uint32_t refused = f->quirks & ~fam->option_quirks;
    if (refused)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "cannot change the option bytes of this part: it needs %s, which "
                        "stflash does not handle yet (nothing was erased)",
                        flash_quirk_describe(refused));
    struct fpec_option_bytes stored, ob;
    uint16_t raw[FPEC_OB_COUNT];
    int rc = fpec_option_bytes_read(f, &stored, raw);
    if (rc != STFLASH_OK)
        return rc;
    enum fpec_ob_layout layout = fpec_ob_layout_of(f);
    if (fpec_rdp_level_of(layout, stored.rdp) == 2)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "the option bytes hold read protection level 2 (RDP 0x%02x): they can "
                        "never be changed again",
                        stored.rdp);
    rc = fpec_options_encode(layout, o, &stored, &ob);
    if (rc != STFLASH_OK)
        return fpec_rdp_byte(f, o->rdp_level_stored, &ob.rdp); /* names the problem */
    return fpec_option_bytes_write(f, &ob);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/*
 * F0/F3: OBL_LAUNCH (RM0091 §3.5.5, RM0316 §4.5.5) reloads the option bytes and resets the chip;
 * the reset vector catch stops the core at its reset vector. S_RESET_ST (sticky, cleared by the
 * read before the launch) shows the reset happened. When it does not show, a system reset is
 * tried instead, and the caller's check of what is in force tells whether the new values took.
 */
static int obl_launch(struct flash_dev *f)
{
    uint32_t regs = f->map.bank[0].regs, demcr = 0, dhcsr = 0;
    int rc = dbg_read32(f->dbg, CM_DEMCR, &demcr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, CM_DEMCR, demcr | CM_DEMCR_VC_CORERESET);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, CM_DHCSR, &dhcsr); /* clears S_RESET_ST */
    if (rc == STFLASH_OK)
        rc = unlock_options(f, regs);
    if (rc != STFLASH_OK)
        return option_finish(f, rc);
    /* The chip resets on this write: a fault answer to it is expected. */
    (void)fpec_write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OBL_LAUNCH);
    uint64_t deadline = now_ms() + OBL_RESET_TIMEOUT_MS;
    bool reset = false, halted = false, answered = false;
    while (!(reset && halted) && now_ms() <= deadline) {
        if (dbg_read32(f->dbg, CM_DHCSR, &dhcsr) != STFLASH_OK)
            continue;
        answered = true;
        reset = reset || (dhcsr & CM_DHCSR_S_RESET_ST);
        halted = dhcsr & CM_DHCSR_S_HALT;
    }
    if (reset && halted)
        return STFLASH_OK;
    if (!answered)
        /* Level 2 switches the debug port off as it loads (RM0091 §3.3.1, RM0316 §4.3.1): no
         * system reset can be asked for then, and the caller knows whether that was expected. */
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "the target stopped answering on SWD after OBL_LAUNCH (%s)", last_error(f));
    ctx_log(f->ctx, STFLASH_LOG_INFO,
            "no reset seen after OBL_LAUNCH within %u ms: resetting the system instead",
            OBL_RESET_TIMEOUT_MS);
    (void)option_finish(f, STFLASH_OK);
    return cm_reset(f->dbg, CM_RESET_SYSTEM, true);
}

int fpec_options_load(struct flash_dev *f)
{
    if (fpec_ob_layout_of(f) == FPEC_OB_F0)
        return obl_launch(f);
    return cm_reset(f->dbg, CM_RESET_SYSTEM, true); /* PM0075 §2.5: loaded at every reset */
}
