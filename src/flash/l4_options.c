/*
 * Option bytes of the L4-style controller (flash/l4.h): FLASH_OPTR and the WRP area registers.
 * RM0351 §3.4 (L4), RM0444 §3.4 (G0): the option registers show what the last option load put
 * in force; software changes them after the OPTKEYR sequence (§3.4.2 "Option bytes
 * programming"), FLASH_CR.OPTSTRT stores them (going from level 1 back to level 0 erases the
 * whole flash first, RM0351 §3.5.1), and FLASH_CR.OBL_LAUNCH loads them through a reset. A
 * system reset does not load them. RDP 0xAA is level 0, 0xCC level 2, anything else level 1.
 *
 * stflash_options maps onto them thus: rdp_level from FLASH_OPTR (in force), rdp and
 * rdp_level_stored from the option-byte copy in system memory at the row's ob_base (what the
 * next load takes), wdg_sw = IWDG_SW (bit 16), nrst_stop / nrst_stdby = nRST_STOP / nRST_STDBY
 * (bits 12/13, 13/14 on the G0 and C0); the other OPTR bits (BOR level, nBOOT0/nBOOT1/nSWBOOT0,
 * DUALBANK, BFB2, DBANK...) are kept as they are. The WRP areas (pages STRT to END of a bank,
 * two per bank) are shown as the 32-bit group mask, one bit per 1/32 of the flash (at least a
 * page).
 */
#include <string.h>

#include "core/le.h"
#include "flash/drvutil.h"
#include "flash/l4.h"

#define last_error drv_last_error

int l4_rdp_level_of(uint8_t rdp)
{
    return rdp == L4_RDP_LEVEL0 ? 0 : rdp == L4_RDP_LEVEL2 ? 2 : 1;
}

int l4_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    static const uint8_t bytes[3] = {L4_RDP_LEVEL0, L4_RDP_LEVEL1, L4_RDP_LEVEL2};
    return drv_rdp_byte(f, level, bytes, byte);
}

/* ---- WRP areas and the group mask ---- */

/* Bytes per bit of the group mask: 1/32 of the flash, but at least a page (a 32 KiB C0 has 16
 * pages of 2 KiB: one bit per page, the upper 16 bits beyond the flash). */
static uint32_t wrp_group(uint32_t flash_size, uint32_t page)
{
    return flash_size / 32u > page ? flash_size / 32u : page;
}

uint32_t l4_wrp_mask(const struct l4_traits *tr, const uint32_t wrp[4], uint32_t flash_size,
                     uint32_t bank_size, uint32_t page)
{
    uint32_t group = wrp_group(flash_size, page), mask = 0xFFFFFFFFu;
    if (group == 0 || page == 0)
        return mask;
    for (unsigned i = 0; i < 4; i++) {
        uint32_t strt = wrp[i] & tr->wrp_field, end = (wrp[i] >> 16) & tr->wrp_field;
        if (strt > end || (i >= 2 && bank_size >= flash_size))
            continue;
        uint64_t lo = (uint64_t)(i / 2) * bank_size + (uint64_t)strt * page;
        uint64_t hi = (uint64_t)(i / 2) * bank_size + (uint64_t)(end + 1) * page;
        if (hi > flash_size)
            hi = flash_size;
        for (uint64_t a = lo / group * group; a < hi; a += group)
            mask &= ~(1u << (a / group));
    }
    return mask;
}

int l4_wrp_areas(const struct l4_traits *tr, uint32_t mask, uint32_t flash_size, uint32_t bank_size,
                 uint32_t page, uint32_t wrp[4])
{
    uint32_t group = wrp_group(flash_size, page), off = tr->wrp_field; /* STRT > END: none */
    for (unsigned i = 0; i < 4; i++)
        wrp[i] = off;
    if (mask == 0xFFFFFFFFu)
        return STFLASH_OK;
    if (group == 0 || page == 0 || group % page)
        return STFLASH_ERR_UNSUPPORTED;
    unsigned used[2] = {0, 0};
    for (unsigned g = 0; g < 32;) {
        if (mask & (1u << g)) {
            g++;
            continue;
        }
        unsigned start = g;
        uint32_t bank = (uint32_t)((uint64_t)start * group / bank_size);
        while (g < 32 && !(mask & (1u << g)) && (uint64_t)g * group / bank_size == bank)
            g++;
        if (bank > 1 || used[bank] == 2 || (bank == 1 && !tr->wrp_bank2))
            return STFLASH_ERR_UNSUPPORTED;
        uint32_t first = (start * group - bank * bank_size) / page;
        uint32_t last = (g * group - bank * bank_size) / page - 1u;
        if (last > tr->wrp_field)
            return STFLASH_ERR_UNSUPPORTED;
        wrp[2 * bank + used[bank]++] = first | last << 16;
    }
    return STFLASH_OK;
}

/* ---- reading ---- */

static const uint32_t wrp_offs[4] = {L4_WRP1AR, L4_WRP1BR, L4_WRP2AR, L4_WRP2BR};

static uint32_t group_size(const struct flash_dev *f)
{
    uint32_t size, bank, page;
    l4_mask_layout(f, &size, &bank, &page);
    return wrp_group(size, page);
}

static int read_registers(struct flash_dev *f, uint32_t *optr, uint32_t wrp[4])
{
    struct l4_traits tr;
    l4_traits_of(f->chip, &tr);
    uint32_t regs = l4_regs(f);
    int rc = dbg_read32(f->dbg, regs + L4_OPTR, optr);
    for (unsigned i = 0; i < 4 && rc == STFLASH_OK; i++) {
        wrp[i] = tr.wrp_field; /* no area */
        if (i < 2 || (tr.wrp_bank2 && f->map.banks > 1))
            rc = dbg_read32(f->dbg, regs + wrp_offs[i], &wrp[i]);
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option registers at 0x%08x: %s",
                        regs + L4_OPTR, last_error(f));
    return STFLASH_OK;
}

static uint32_t mask_of(const struct flash_dev *f, const uint32_t wrp[4])
{
    struct l4_traits tr;
    uint32_t size, bank, page;
    l4_traits_of(f->chip, &tr);
    l4_mask_layout(f, &size, &bank, &page);
    return l4_wrp_mask(&tr, wrp, size, bank, page);
}

int l4_protection(struct flash_dev *f, struct flash_protection *out)
{
    uint32_t optr, wrp[4];
    int rc = read_registers(f, &optr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    out->rdp_level = l4_rdp_level_of((uint8_t)optr);
    out->wrp_mask = ~mask_of(f, wrp);
    out->wrp_group_size = group_size(f);
    return STFLASH_OK;
}

int l4_options_read(struct flash_dev *f, struct stflash_options *out)
{
    struct l4_traits tr;
    l4_traits_of(f->chip, &tr);
    uint32_t optr, stored = 0, wrp[4];
    int rc = read_registers(f, &optr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    /* The stored USER/RDP word (RM0351 §3.4.1 Table 11): value, then its complement. */
    uint8_t ob[8];
    rc = dbg_read(f->dbg, f->chip->ob_base, ob, sizeof ob);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option bytes at 0x%08x: %s", f->chip->ob_base,
                        last_error(f));
    stored = le32_get(ob);
    memset(out, 0, sizeof *out);
    out->rdp_level = l4_rdp_level_of((uint8_t)optr);
    out->rdp = (uint8_t)stored;
    out->rdp_level_stored = l4_rdp_level_of(out->rdp);
    out->wdg_sw = optr & (1u << 16);
    out->nrst_stop = optr & (1u << tr.nrst_stop);
    out->nrst_stdby = optr & (1u << tr.nrst_stdby);
    out->wrp = mask_of(f, wrp);
    out->wrp_in_force = out->wrp;
    out->wrp_group_size = group_size(f);
    out->option_error = (le32_get(ob + 4) ^ stored) != 0xFFFFFFFFu;
    uint32_t dbit = l4_dual_bank_bit(f->chip, (uint32_t)flash_map_bytes(&f->map));
    out->has_dual_bank = dbit != 0;
    out->dual_bank = optr & dbit;
    return STFLASH_OK;
}

/* ---- writing ---- */

static int opt_fail(struct flash_dev *f, int rc, const char *what)
{
    return ctx_fail(f->ctx, rc, "cannot %s at 0x%08x: %s", what, l4_regs(f) + L4_OPTR,
                    last_error(f));
}

/* Controller unlocked, then OPTKEY1/OPTKEY2 into FLASH_OPTKEYR: OPTLOCK clear. */
static int unlock_options(struct flash_dev *f)
{
    return l4_ctrl_unlock_options(f, &l4_ctrl_l4);
}

static int option_job(struct flash_dev *f, uint32_t optr, const uint32_t wrp[4], unsigned nwrp)
{
    uint32_t regs = l4_regs(f), sr;
    int rc = unlock_options(f);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_write32(f->dbg, regs + L4_OPTR, optr);
    for (unsigned i = 0; i < nwrp && rc == STFLASH_OK; i++)
        rc = dbg_write32(f->dbg, regs + wrp_offs[i], wrp[i]);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + L4_CR, L4_CR_OPTSTRT);
    if (rc != STFLASH_OK)
        return opt_fail(f, rc, "program the option bytes");
    /* Going back to level 0 includes a mass erase. */
    rc = l4_wait_idle(f, L4_MASS_ERASE_TIMEOUT_MS, &sr, "program the option bytes at",
                      f->chip->ob_base);
    if (rc == STFLASH_OK && (sr & L4_SR_ERRORS))
        rc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                      "cannot program the option bytes at 0x%08x: FLASH_SR 0x%08x%s",
                      f->chip->ob_base, sr,
                      (sr & L4_SR_OPERR) ? " (OPERR: level 2 options can never change)" : "");
    if (rc != STFLASH_OK)
        return rc;
    uint8_t ob[4];
    rc = dbg_read(f->dbg, f->chip->ob_base, ob, sizeof ob);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot verify the option bytes at 0x%08x: %s",
                        f->chip->ob_base, last_error(f));
    if (le32_get(ob) != optr)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "the option bytes at 0x%08x read back 0x%08x instead of 0x%08x",
                        f->chip->ob_base, le32_get(ob), optr);
    return STFLASH_OK;
}

int l4_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    struct l4_traits tr;
    l4_traits_of(f->chip, &tr);
    uint32_t optr, wrp[4];
    int rc = read_registers(f, &optr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    rc = l4_options_writable(f, l4_rdp_level_of((uint8_t)optr), optr, o);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t rdp = 0;
    rc = l4_rdp_byte(f, o->rdp_level_stored, &rdp);
    if (rc != STFLASH_OK)
        return rc;
    uint32_t user = 1u << 16 | 1u << tr.nrst_stop | 1u << tr.nrst_stdby;
    uint32_t want = (optr & ~0xFFu & ~user) | rdp | (o->wdg_sw ? 1u << 16 : 0) |
                    (o->nrst_stop ? 1u << tr.nrst_stop : 0) |
                    (o->nrst_stdby ? 1u << tr.nrst_stdby : 0);
    /* The bank mode (the caller read the options first, so has_dual_bank says the part has
     * one): it takes effect with the next option load, and the pages are numbered by it. */
    uint32_t dbit = l4_dual_bank_bit(f->chip, (uint32_t)flash_map_bytes(&f->map));
    if (o->has_dual_bank && dbit)
        want = o->dual_bank ? want | dbit : want & ~dbit;
    unsigned nwrp = 0;
    uint32_t areas[4];
    rc = l4_wrp_change(f, &tr, o->wrp, mask_of(f, wrp), tr.wrp_bank2 && f->map.banks > 1 ? 4u : 2u,
                       areas, &nwrp);
    if (rc != STFLASH_OK)
        return rc;
    rc = option_job(f, want, areas, nwrp);
    int lrc = l4_lock(f);
    return rc != STFLASH_OK ? rc : lrc;
}

/*
 * OBL_LAUNCH (RM0351 §3.7.6, RM0444 §3.7.5) loads the option bytes through a reset
 * (flash/drvutil.h). A system reset does not load them, so there is no other way: when no reset
 * shows, the caller is told to power-cycle the board.
 */
int l4_options_load(struct flash_dev *f)
{
    return drv_options_load_reset(f, unlock_options, l4_lock, l4_regs(f) + L4_CR, L4_CR_OBL_LAUNCH,
                                  "FLASH_CR bit 27");
}
