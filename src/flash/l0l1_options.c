/*
 * Option bytes of the L0/L1 controller (flash/l0l1.h). RM0377 §3.4 (L0), RM0038 §3.5 (L1): the
 * option bytes are 32-bit words at 0x1FF80000, each a half-word and its complement; FLASH_OBR
 * and FLASH_WRPRn show what the last option load put in force. After PEKEYR and OPTKEYR clear
 * PELOCK and OPTLOCK, a word written to the option area is erased and programmed by the
 * controller (RM0377 §3.4.2 "Option bytes programming"); writing RDP back to 0xAA from level 1
 * erases the flash and the data EEPROM first (§3.4.1). FLASH_PECR.OBL_LAUNCH loads them through a
 * reset. RDP 0xAA is level 0, 0xCC level 2, anything else level 1.
 *
 * stflash_options maps onto them thus: rdp_level from FLASH_OBR (in force), rdp and
 * rdp_level_stored from the stored word 0, wdg_sw / nrst_stop / nrst_stdby from the USER bits
 * (OBR [22:20] in force; the stored word 1 is what changes), the other USER bits (BOR_LEV, BFB2,
 * nBOOT1) kept as they are. The WRP sector bits (4 KiB each) are shown as the 32-bit group mask,
 * one bit per 1/32 of the flash.
 */
#include <string.h>

#include "core/le.h"
#include "flash/drvutil.h"
#include "flash/l0l1.h"

static const uint32_t wrpr_offs[4] = {LX_WRPR1, LX_WRPR2, LX_WRPR3, LX_WRPR4};
/* The stored words of WRPRn: the low half-word, then the high one 4 bytes on. */
static const uint32_t wrp_ob[4] = {LX_OB_WRP1, LX_OB_WRP2, LX_OB_WRP3, LX_OB_WRP4};

#define last_error drv_last_error

int lx_rdp_level_of(uint8_t rdp)
{
    return rdp == LX_RDP_LEVEL0 ? 0 : rdp == LX_RDP_LEVEL2 ? 2 : 1;
}

uint32_t lx_ob_word(uint16_t value)
{
    return (uint32_t)value | (uint32_t)(uint16_t)~value << 16;
}

bool lx_ob_word_valid(uint32_t word)
{
    return (uint16_t)(word >> 16) == (uint16_t)~word;
}

int lx_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    static const uint8_t bytes[3] = {LX_RDP_LEVEL0, LX_RDP_LEVEL1, LX_RDP_LEVEL2};
    return drv_rdp_byte(f, level, bytes, byte);
}

/* ---- WRP sectors and the group mask ---- */

uint32_t lx_wrp_mask(const uint32_t wrp[4], unsigned nregs, uint32_t flash_size)
{
    uint32_t group = flash_size / 32u, mask = 0xFFFFFFFFu;
    if (group == 0)
        return mask;
    uint32_t sectors = flash_size / LX_WRP_SECTOR;
    for (uint32_t s = 0; s < sectors && s < 32u * nregs; s++) {
        if (!(wrp[s / 32u] & (1u << (s % 32u))))
            continue;
        uint64_t lo = (uint64_t)s * LX_WRP_SECTOR, hi = lo + LX_WRP_SECTOR;
        for (uint64_t a = lo / group * group; a < hi; a += group)
            mask &= ~(1u << (a / group));
    }
    return mask;
}

void lx_wrp_sectors(uint32_t mask, uint32_t flash_size, unsigned nregs, uint32_t wrp[4])
{
    memset(wrp, 0, 4 * sizeof wrp[0]);
    uint32_t group = flash_size / 32u;
    if (group == 0)
        return;
    uint32_t sectors = flash_size / LX_WRP_SECTOR;
    for (uint32_t s = 0; s < sectors && s < 32u * nregs; s++) {
        uint64_t lo = (uint64_t)s * LX_WRP_SECTOR, hi = lo + LX_WRP_SECTOR;
        for (uint64_t a = lo / group * group; a < hi; a += group)
            if (!(mask & (1u << (a / group))))
                wrp[s / 32u] |= 1u << (s % 32u);
    }
}

/* ---- reading ---- */

static uint32_t flash_bytes(const struct flash_dev *f)
{
    return (uint32_t)flash_map_bytes(&f->map);
}

static int read_in_force(struct flash_dev *f, uint32_t *obr, uint32_t wrp[4])
{
    uint32_t regs = lx_regs(f);
    unsigned n = lx_wrp_regs(f->chip);
    int rc = dbg_read32(f->dbg, regs + LX_OBR, obr);
    for (unsigned i = 0; i < 4 && rc == STFLASH_OK; i++) {
        wrp[i] = 0;
        if (i < n)
            rc = dbg_read32(f->dbg, regs + wrpr_offs[i], &wrp[i]);
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option registers at 0x%08x: %s", regs + LX_OBR,
                        last_error(f));
    return STFLASH_OK;
}

int lx_protection(struct flash_dev *f, struct flash_protection *out)
{
    uint32_t obr, wrp[4];
    int rc = read_in_force(f, &obr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    out->rdp_level = lx_rdp_level_of((uint8_t)obr);
    out->wrp_mask = ~lx_wrp_mask(wrp, lx_wrp_regs(f->chip), flash_bytes(f));
    out->wrp_group_size = flash_bytes(f) / 32u;
    return STFLASH_OK;
}

/* The stored option words: RDP, USER and the WRP words of the part. */
struct lx_stored {
    uint32_t rdp, user, wrp[8]; /* wrp[2i], wrp[2i+1]: WRPRi+1 low and high half-words */
};

static int read_stored(struct flash_dev *f, struct lx_stored *s)
{
    uint32_t ob = f->chip->ob_base;
    unsigned n = lx_wrp_regs(f->chip);
    int rc = dbg_read32(f->dbg, ob + LX_OB_RDP, &s->rdp);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, ob + LX_OB_USER, &s->user);
    for (unsigned i = 0; i < 2 * n && rc == STFLASH_OK; i++)
        rc = dbg_read32(f->dbg, ob + wrp_ob[i / 2] + 4u * (i % 2), &s->wrp[i]);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option bytes at 0x%08x: %s", ob,
                        last_error(f));
    return STFLASH_OK;
}

int lx_options_read(struct flash_dev *f, struct stflash_options *out)
{
    uint32_t obr, wrp[4], sr = 0;
    int rc = read_in_force(f, &obr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    struct lx_stored s;
    rc = read_stored(f, &s);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, lx_regs(f) + LX_SR, &sr);
    if (rc != STFLASH_OK)
        return rc;
    uint32_t user = obr >> LX_OBR_USER_SHIFT;
    memset(out, 0, sizeof *out);
    out->rdp_level = lx_rdp_level_of((uint8_t)obr);
    out->rdp = (uint8_t)s.rdp;
    out->rdp_level_stored = lx_rdp_level_of(out->rdp);
    out->wdg_sw = user & LX_USER_WDG_SW;
    out->nrst_stop = user & LX_USER_NRST_STOP;
    out->nrst_stdby = user & LX_USER_NRST_STDBY;
    out->wrp_in_force = lx_wrp_mask(wrp, lx_wrp_regs(f->chip), flash_bytes(f));
    uint32_t stored_wrp[4] = {0, 0, 0, 0};
    bool valid = lx_ob_word_valid(s.rdp) && lx_ob_word_valid(s.user);
    for (unsigned i = 0; i < 2 * lx_wrp_regs(f->chip); i++) {
        valid = valid && lx_ob_word_valid(s.wrp[i]);
        stored_wrp[i / 2] |= (s.wrp[i] & 0xFFFFu) << (16u * (i % 2));
    }
    out->wrp = lx_wrp_mask(stored_wrp, lx_wrp_regs(f->chip), flash_bytes(f));
    out->wrp_group_size = flash_bytes(f) / 32u;
    /* A word without its complement, or the controller's own verdict at the last load. */
    out->option_error = !valid || (sr & (LX_SR_OPTVERR | LX_SR_OPTVERRUSR));
    return STFLASH_OK;
}

/* ---- writing ---- */

/* PELOCK, then OPTLOCK cleared by the OPTKEYR sequence (RM0377 §3.3.4). */
static int unlock_options(struct flash_dev *f)
{
    uint32_t pecr = 0;
    int rc = lx_unlock_pe(f);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_read32(f->dbg, lx_regs(f) + LX_PECR, &pecr);
    if (rc == STFLASH_OK && (pecr & LX_PECR_OPTLOCK)) {
        rc = dbg_write32(f->dbg, lx_regs(f) + LX_OPTKEYR, LX_OPTKEY1);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, lx_regs(f) + LX_OPTKEYR, LX_OPTKEY2);
        if (rc == STFLASH_OK)
            rc = dbg_read32(f->dbg, lx_regs(f) + LX_PECR, &pecr);
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the option bytes at 0x%08x: %s",
                        lx_regs(f) + LX_OPTKEYR, last_error(f));
    if (pecr & LX_PECR_OPTLOCK)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot unlock the option bytes: OPTLOCK stays set (FLASH_PECR 0x%08x)",
                        pecr);
    return STFLASH_OK;
}

/* One option word: written, waited for (a change to level 0 erases everything first), checked
 * and read back. */
static int write_word(struct flash_dev *f, uint32_t addr, uint32_t word, unsigned timeout_ms)
{
    uint32_t sr, back = 0;
    int rc = dbg_write32(f->dbg, addr, word);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot program the option bytes at 0x%08x: %s", addr,
                        last_error(f));
    rc = lx_wait_idle(f, timeout_ms, &sr, "program the option bytes at", addr);
    if (rc != STFLASH_OK)
        return rc;
    if (sr & LX_SR_ERRORS) {
        (void)dbg_write32(f->dbg, lx_regs(f) + LX_SR, LX_SR_ERRORS);
        return ctx_fail(f->ctx, (sr & LX_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                        "cannot program the option bytes at 0x%08x: FLASH_SR 0x%08x (%s)", addr, sr,
                        lx_sr_error_name(sr));
    }
    rc = dbg_read32(f->dbg, addr, &back);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot verify the option bytes at 0x%08x: %s", addr,
                        last_error(f));
    if (back != word)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "the option bytes at 0x%08x read back 0x%08x instead of 0x%08x", addr, back,
                        word);
    return STFLASH_OK;
}

int lx_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    uint32_t obr, wrp[4];
    int rc = read_in_force(f, &obr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    if (lx_rdp_level_of((uint8_t)obr) == 2)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "the chip runs at read protection level 2 (FLASH_OBR 0x%08x): its option "
                        "bytes can never be changed again",
                        obr);
    if (o->data0 || o->data1)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the %s has no user data option bytes: leave --data0/--data1 out",
                        f->chip->name);
    uint8_t rdp = 0;
    rc = lx_rdp_byte(f, o->rdp_level_stored, &rdp);
    if (rc != STFLASH_OK)
        return rc;
    struct lx_stored s;
    rc = read_stored(f, &s);
    if (rc != STFLASH_OK)
        return rc;
    unsigned n = lx_wrp_regs(f->chip);
    uint32_t ob = f->chip->ob_base;
    /* Word 0 keeps bits [15:8] (WPRMOD on the L0); word 1 keeps BOR_LEV, BFB2 and nBOOT1. */
    uint16_t rdp_half = (uint16_t)((s.rdp & 0xFF00u) | rdp);
    uint16_t user_bits = LX_USER_WDG_SW | LX_USER_NRST_STOP | LX_USER_NRST_STDBY;
    uint16_t user_half =
        (uint16_t)((s.user & 0xFFFFu & ~user_bits) | (o->wdg_sw ? LX_USER_WDG_SW : 0) |
                   (o->nrst_stop ? LX_USER_NRST_STOP : 0) |
                   (o->nrst_stdby ? LX_USER_NRST_STDBY : 0));
    /* The WRP words change only when the mask does: a group holds several sectors on the
     * larger parts, and one protected sector must not spread to its group unasked. */
    uint32_t want_wrp[4] = {0, 0, 0, 0};
    for (unsigned i = 0; i < 2 * n; i++)
        want_wrp[i / 2] |= (s.wrp[i] & 0xFFFFu) << (16u * (i % 2));
    if (o->wrp != lx_wrp_mask(want_wrp, n, flash_bytes(f)))
        lx_wrp_sectors(o->wrp, flash_bytes(f), n, want_wrp);

    rc = unlock_options(f);
    /* WRP first, then USER, RDP last: a change to level 0 erases the flash and the EEPROM. */
    for (unsigned i = 0; i < 2 * n && rc == STFLASH_OK; i++) {
        uint32_t word = lx_ob_word((uint16_t)(want_wrp[i / 2] >> (16u * (i % 2))));
        if (word != s.wrp[i])
            rc = write_word(f, ob + wrp_ob[i / 2] + 4u * (i % 2), word, LX_OP_TIMEOUT_MS);
    }
    if (rc == STFLASH_OK && lx_ob_word(user_half) != s.user)
        rc = write_word(f, ob + LX_OB_USER, lx_ob_word(user_half), LX_OP_TIMEOUT_MS);
    bool to_level0 = rdp == LX_RDP_LEVEL0 && lx_rdp_level_of((uint8_t)obr) > 0;
    if (rc == STFLASH_OK && (lx_ob_word(rdp_half) != s.rdp || to_level0))
        rc = write_word(f, ob + LX_OB_RDP, lx_ob_word(rdp_half),
                        to_level0 ? LX_MASS_ERASE_TIMEOUT_MS : LX_OP_TIMEOUT_MS);
    int lrc = lx_lock(f);
    return rc != STFLASH_OK ? rc : lrc;
}

/*
 * OBL_LAUNCH (RM0377 §3.7.2, RM0038 §3.9.2: FLASH_PECR bit 18, with OPTLOCK clear) loads the
 * option bytes through a reset; the write that sets it may be answered with a fault. The reset
 * vector catch stops the core at its reset vector, S_RESET_ST (sticky, cleared by the read before
 * the launch) shows the reset. Reads that fail while the chip resets are retried until the
 * deadline; a core found running (its debug state lost) is halted again.
 */
int lx_options_load(struct flash_dev *f)
{
    return drv_options_load_reset(f, unlock_options, lx_lock, lx_regs(f) + LX_PECR,
                                  LX_PECR_OBL_LAUNCH, "FLASH_PECR bit 18");
}
