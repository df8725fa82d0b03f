/*
 * Option bytes of the L5/U5 controller (flash/l5u5.h): FLASH_OPTR and the WRP area registers,
 * through the non-secure registers. RM0438 §6.4, RM0456 §7.4: the option registers show what the
 * last option load put in force; after the OPTKEYR sequence software changes them, NSCR.OPTSTRT
 * stores them and NSCR.OBL_LAUNCH loads them through a reset (a system reset does not). RDP 0xAA
 * is level 0, 0x55 level 0.5 when TZEN is set, 0xCC level 2, anything else level 1 (RM0438
 * §6.6.2, RM0456 §7.6.2). TZEN may be set at level 0; it clears only while RDP goes back to level
 * 0, which erases the whole flash: the chip refuses other changes with OPTWERR.
 *
 * stflash_options maps onto them thus: rdp_level and rdp_level_stored from FLASH_OPTR (these parts
 * keep no copy in memory: what OPTSTRT stored shows there until the load), rdp_half for level
 * 0.5, wdg_sw = IWDG_SW (bit 16), nrst_stop / nrst_stdby = bits 12 / 13, tzen = TZEN (bit 31); the
 * other OPTR bits (BOR level, SWAP_BANK, DBANK/DUALBANK, boot and SRAM bits) are kept as they are.
 * The WRP areas (pages STRT to END, two per bank) are shown as the 32-bit group mask, as on the
 * L4-style controller (flash/l4.h computes both ways); WRPxyR.UNLOCK (bit 31 on the U5) is kept.
 */
#include <string.h>

#include "flash/drvutil.h"
#include "flash/l4.h"
#include "flash/l5u5.h"

#define WRP_UNLOCK (1u << 31)

static const uint32_t wrp_offs[4] = {L5U5_WRP1AR, L5U5_WRP1BR, L5U5_WRP2AR, L5U5_WRP2BR};

#define last_error drv_last_error

/* The WRP area fields of this controller, for the L4-style mask functions. */
static void traits(struct l4_traits *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->wrp_field = L5U5_WM_FIELD;
    tr->wrp_bank2 = true;
}

/* The RDP bytes of levels 0, 1 and 2 are the L4-style controller's (RM0438 §6.6.2). */
int l5u5_rdp_byte(struct flash_dev *f, int level, uint8_t *byte)
{
    return l4_rdp_byte(f, level, byte);
}

static int read_registers(struct flash_dev *f, uint32_t *optr, uint32_t wrp[4])
{
    uint32_t regs = l5u5_regs(f);
    int rc = dbg_read32(f->dbg, regs + L5U5_OPTR, optr);
    for (unsigned i = 0; i < 4 && rc == STFLASH_OK; i++) {
        wrp[i] = L5U5_WM_FIELD; /* no area */
        if (i < 2 || f->map.banks > 1)
            rc = dbg_read32(f->dbg, regs + wrp_offs[i], &wrp[i]);
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option registers at 0x%08x: %s",
                        regs + L5U5_OPTR, last_error(f));
    return STFLASH_OK;
}

/* The area registers in the map's bank order: WRP1xR/WRP2xR name the physical banks, exchanged
 * in the map while the U5's SWAP_BANK is in force (flash/l5u5.h). Its own inverse. */
static void map_order(const struct flash_dev *f, const uint32_t in[4], uint32_t out[4])
{
    unsigned x = f->banks_swapped ? 2u : 0u;
    for (unsigned i = 0; i < 4; i++)
        out[i] = in[i ^ x];
}

static uint32_t mask_of(const struct flash_dev *f, const uint32_t wrp[4])
{
    struct l4_traits tr;
    uint32_t size, bank, page, areas[4];
    traits(&tr);
    l4_mask_layout(f, &size, &bank, &page);
    map_order(f, wrp, areas);
    for (unsigned i = 0; i < 4; i++)
        areas[i] &= ~WRP_UNLOCK;
    return l4_wrp_mask(&tr, areas, size, bank, page);
}

int l5u5_protection(struct flash_dev *f, struct flash_protection *out)
{
    uint32_t optr, wrp[4];
    bool half;
    int rc = read_registers(f, &optr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    out->rdp_level = l5u5_rdp_level_of((uint8_t)optr, optr & L5U5_OPTR_TZEN, &half);
    out->wrp_mask = ~mask_of(f, wrp);
    out->wrp_group_size = (uint32_t)flash_map_bytes(&f->map) / 32u;
    return STFLASH_OK;
}

int l5u5_options_read(struct flash_dev *f, struct stflash_options *out)
{
    uint32_t optr, wrp[4];
    int rc = read_registers(f, &optr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    memset(out, 0, sizeof *out);
    out->has_trustzone = true;
    out->tzen = optr & L5U5_OPTR_TZEN;
    out->rdp = (uint8_t)optr;
    out->rdp_level = l5u5_rdp_level_of(out->rdp, out->tzen, &out->rdp_half);
    out->rdp_level_stored = out->rdp_level;
    out->wdg_sw = optr & L5U5_OPTR_IWDG_SW;
    out->nrst_stop = optr & L5U5_OPTR_NRST_STOP;
    out->nrst_stdby = optr & L5U5_OPTR_NRST_STDBY;
    out->has_swap_bank = f->chip->family == STFLASH_FAMILY_U5;
    out->swap_bank = out->has_swap_bank && (optr & U5_OPTR_SWAP_BANK);
    out->wrp = mask_of(f, wrp);
    out->wrp_in_force = out->wrp;
    out->wrp_group_size = (uint32_t)flash_map_bytes(&f->map) / 32u;
    return STFLASH_OK;
}

static int opt_fail(struct flash_dev *f, int rc, const char *what)
{
    return ctx_fail(f->ctx, rc, "cannot %s at 0x%08x: %s", what, l5u5_regs(f) + L5U5_OPTR,
                    last_error(f));
}

/* Controller unlocked, then OPTKEY1/OPTKEY2 into FLASH_OPTKEYR: OPTLOCK clear. */
static int unlock_options(struct flash_dev *f)
{
    return l4_ctrl_unlock_options(f, &l5u5_ctrl);
}

static int option_job(struct flash_dev *f, uint32_t optr, const uint32_t wrp[4], unsigned nwrp)
{
    uint32_t regs = l5u5_regs(f), sr, back = 0;
    int rc = unlock_options(f);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_write32(f->dbg, regs + L5U5_OPTR, optr);
    for (unsigned i = 0; i < nwrp && rc == STFLASH_OK; i++)
        rc = dbg_write32(f->dbg, regs + wrp_offs[i], wrp[i]);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + L5U5_NSCR, L5U5_CR_OPTSTRT);
    if (rc != STFLASH_OK)
        return opt_fail(f, rc, "program the option bytes");
    rc = l5u5_wait_idle(f, L5U5_MASS_ERASE_TIMEOUT_MS, &sr, "program the option bytes at",
                        regs + L5U5_OPTR);
    if (rc == STFLASH_OK && (sr & L5U5_SR_ERRORS)) {
        (void)dbg_write32(f->dbg, regs + L5U5_NSSR, L5U5_SR_ERRORS);
        rc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                      "the chip refused the option change 0x%08x at 0x%08x: FLASH_NSSR 0x%08x%s",
                      optr, regs + L5U5_OPTR, sr,
                      (sr & L5U5_SR_OPTWERR)
                          ? " (OPTWERR: TrustZone turns on at level 0 only and off only while "
                            "read protection goes back to level 0; level 2 never changes)"
                          : "");
    }
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + L5U5_OPTR, &back);
    if (rc == STFLASH_OK && back != optr)
        rc = ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                      "FLASH_OPTR at 0x%08x reads back 0x%08x instead of 0x%08x", regs + L5U5_OPTR,
                      back, optr);
    return rc;
}

int l5u5_options_write(struct flash_dev *f, const struct stflash_options *o)
{
    struct l4_traits tr;
    traits(&tr);
    uint32_t optr, wrp[4];
    int rc = read_registers(f, &optr, wrp);
    if (rc != STFLASH_OK)
        return rc;
    bool half;
    rc = l4_options_writable(f, l5u5_rdp_level_of((uint8_t)optr, optr & L5U5_OPTR_TZEN, &half),
                             optr, o);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t rdp = 0;
    if (o->rdp_half && o->rdp_level_stored == 0 && o->tzen)
        rdp = L5U5_RDP_LEVEL05;
    else if ((rc = l5u5_rdp_byte(f, o->rdp_level_stored, &rdp)) != STFLASH_OK)
        return rc;
    uint32_t user = L5U5_OPTR_IWDG_SW | L5U5_OPTR_NRST_STOP | L5U5_OPTR_NRST_STDBY | L5U5_OPTR_TZEN;
    uint32_t swap = f->chip->family == STFLASH_FAMILY_U5 ? U5_OPTR_SWAP_BANK : 0;
    uint32_t want = (optr & ~0xFFu & ~user & ~swap) | rdp | (o->wdg_sw ? L5U5_OPTR_IWDG_SW : 0) |
                    (o->nrst_stop ? L5U5_OPTR_NRST_STOP : 0) |
                    (o->nrst_stdby ? L5U5_OPTR_NRST_STDBY : 0) | (o->tzen ? L5U5_OPTR_TZEN : 0) |
                    (o->swap_bank ? swap : 0);
    unsigned nwrp = 0;
    uint32_t in_map[4], areas[4];
    rc = l4_wrp_change(f, &tr, o->wrp, mask_of(f, wrp), f->map.banks > 1 ? 4u : 2u, in_map, &nwrp);
    if (rc != STFLASH_OK)
        return rc;
    if (nwrp == 4)
        map_order(f, in_map, areas); /* back to the physical banks' registers */
    else
        memcpy(areas, in_map, sizeof areas);
    for (unsigned i = 0; i < nwrp; i++)
        areas[i] |= wrp[i] & WRP_UNLOCK;
    rc = option_job(f, want, areas, nwrp);
    int lrc = l5u5_lock(f);
    return rc != STFLASH_OK ? rc : lrc;
}

/* OBL_LAUNCH (RM0438 §6.9.9, RM0456 §7.9.9) loads the options through a reset, as on the
 * L4-style controller (flash/drvutil.h). */
int l5u5_options_load(struct flash_dev *f)
{
    return drv_options_load_reset(f, unlock_options, l5u5_lock, l5u5_regs(f) + L5U5_NSCR,
                                  L5U5_CR_OBL_LAUNCH, "FLASH_NSCR bit 27");
}
