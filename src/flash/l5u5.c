/*
 * The TrustZone flash controller of the L5 and U5 through its non-secure registers (flash/l5u5.h):
 * unlock (RM0438 §6.3.5, RM0456 §7.3.5), page erase by number with BKER and bank erase with
 * MER1/MER2 (§6.3.6, §7.3.6), programming through a loader in target SRAM (double words on the
 * L5, quad words on the U5: §6.3.7, §7.3.7; loaders/l5u5_program.S), the bank layout read from
 * FLASH_OPTR at probe time (L5 DBANK: two banks of 2 KiB pages or one of 4 KiB, RM0438 §6.3.1;
 * U5: two banks of 8 KiB pages, DUALBANK on the parts below the largest size, RM0456 §7.3.1), and
 * the ranges this driver cannot write refused before anything is touched: WRP areas, and with
 * TrustZone on (FLASH_OPTR.TZEN) the secure pages of the watermarks SECWM1R1/SECWM2R1
 * (RM0438 §6.5.1, RM0456 §7.5.1), which only the secure registers may program.
 *
 * The family descriptor (flash_family_l5u5, at the end) ties the driver to the option bytes
 * (flash/l5u5_options.c).
 */
#include <string.h>

#include "flash/drvutil.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l4.h"
#include "flash/l5u5.h"
#include "l5u5_program8_loader.h"
#include "l5u5_program_loader.h"

/* tPROG of a unit at most: 128-bit 118 us typical on the U5 (DS13737), 64-bit 81.7 us on the L5
 * (DS12736); the loader runner takes this as the pace of one unit. */
#define TPROG_MAX_US 150u

#define last_error drv_last_error

static const struct l4_ctrl_flag sr_flags[] = {
    {L5U5_SR_WRPERR, "WRPERR: write protected or secure"},
    {L5U5_SR_PROGERR, "PROGERR: not erased"},
    {L5U5_SR_PGAERR, "PGAERR: misaligned"},
    {L5U5_SR_SIZERR, "SIZERR: wrong access size"},
    {L5U5_SR_PGSERR, "PGSERR: wrong sequence"},
    {L5U5_SR_OPERR, "OPERR: operation error"},
    {L5U5_SR_OPTWERR, "OPTWERR: option change refused"},
};

/* The L4-style sequences on the non-secure registers FLASH_NSKEYR, NSSR and NSCR (RM0438 §6.9,
 * RM0456 §7.9): the same bits, other offsets. */
const struct l4_ctrl l5u5_ctrl = {
    .sr_name = "FLASH_NSSR",
    .cr_name = "FLASH_NSCR",
    .keyr = L5U5_NSKEYR,
    .optkeyr = L5U5_OPTKEYR,
    .sr = L5U5_NSSR,
    .cr = L5U5_NSCR,
    .clr = L5U5_NSSR,
    .optlock_reg = L5U5_NSCR,
    .sr_busy = L5U5_SR_BSY,
    .sr_errors = L5U5_SR_ERRORS,
    .sr_eop = L5U5_SR_EOP,
    .sr_wrperr = L5U5_SR_WRPERR,
    .sr_progerr = L5U5_SR_PROGERR,
    .cr_lock = L5U5_CR_LOCK,
    .cr_optlock = L5U5_CR_OPTLOCK,
    .cr_strt = L5U5_CR_STRT,
    .flags = sr_flags,
    .nflags = sizeof sr_flags / sizeof sr_flags[0],
    .wrperr_what = "write protected or secure",
    .idle_ms = L5U5_IDLE_TIMEOUT_MS,
    .lock_ms = L5U5_ERASE_TIMEOUT_MS,
};

/* ---- pure functions ---- */

int l5u5_rdp_level_of(uint8_t rdp, bool tzen, bool *half)
{
    *half = rdp == L5U5_RDP_LEVEL05 && tzen;
    if (rdp == L5U5_RDP_LEVEL0 || *half)
        return 0;
    return rdp == L5U5_RDP_LEVEL2 ? 2 : 1;
}

bool l5u5_secure_overlap(uint32_t secwm, uint32_t bank_base, uint32_t page, uint32_t addr,
                         uint32_t len, uint32_t *first)
{
    return l4_area_overlap(secwm, L5U5_WM_FIELD, bank_base, page, addr, len, first);
}

/* ---- registers ---- */

uint32_t l5u5_regs(const struct flash_dev *f)
{
    return l4_regs(f);
}

int l5u5_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                   uint32_t addr)
{
    return l4_ctrl_wait_idle(f, &l5u5_ctrl, timeout_ms, sr, what, addr);
}

/* ---- bank layout ---- */

static int l5u5_probe(struct flash_dev *f)
{
    const struct stflash_chip_info *c = f->chip;
    if (c->family != STFLASH_FAMILY_L5 && c->family != STFLASH_FAMILY_U5)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "flash writes on the %s are not supported yet (the driver of this "
                        "controller knows the L5 and U5 only)",
                        c->name);
    uint32_t optr, regs = l5u5_regs(f);
    int rc = dbg_read32(f->dbg, regs + L5U5_OPTR, &optr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTR at 0x%08x: %s", regs + L5U5_OPTR,
                        last_error(f));
    uint32_t size = (uint32_t)flash_map_bytes(&f->map);
    bool dual = c->family == STFLASH_FAMILY_L5
                    ? (optr & L5_OPTR_DBANK) != 0
                    : size == c->flash_size_max || (optr & U5_OPTR_DUALBANK);
    struct flash_map m;
    struct flash_map_params p = {.flash_size = size, .dual_bank = dual && c->dual_geom.banks};
    char why[128];
    rc = flash_map_from_chip(&m, c, &p, why, sizeof why);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc,
                        "no %s-bank layout of %u KiB for the %s (FLASH_OPTR 0x%08x): %s",
                        dual ? "dual" : "single", size / 1024u, c->name, optr, why);
    if (!dual && m.banks > 1) {
        /* U5 below the largest size with DUALBANK clear: one bank of the same pages. */
        struct flash_map one = m;
        one.regions = 0;
        one.banks = 0;
        rc = flash_map_add(&one, flash_map_base(&m), size, m.region[0].unit, 0);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot lay out a single bank of %u KiB", size / 1024u);
        one.bank[0].regs = m.bank[0].regs;
        m = one;
    }
    f->map = m;
    /* The L5's NSBKER follows the mapped address (RM0438 §6.9.11: the page number's bank bit),
     * so only the U5's swap changes what the driver sends. */
    f->banks_swapped = c->family == STFLASH_FAMILY_U5 && m.banks > 1 && (optr & U5_OPTR_SWAP_BANK);
    return STFLASH_OK;
}

/* ---- unlock / lock ---- */

static const uint8_t *loader_code(const struct flash_dev *f, size_t *len)
{
    if (f->chip->program_unit == 8) {
        *len = L5U5_PROGRAM8_LOADER_LEN;
        return l5u5_program8_loader;
    }
    *len = L5U5_PROGRAM_LOADER_LEN;
    return l5u5_program_loader;
}

/* RM0438 §6.3.5, RM0456 §7.3.5: KEY1 then KEY2 into FLASH_NSKEYR while NSCR.LOCK is set. */
int l5u5_unlock_ctrl(struct flash_dev *f)
{
    return l4_ctrl_unlock(f, &l5u5_ctrl);
}

int l5u5_lock(struct flash_dev *f)
{
    return l4_ctrl_lock(f, &l5u5_ctrl);
}

/* ---- erase ---- */

static int run_op(struct flash_dev *f, uint32_t bits, unsigned timeout_ms, const char *what,
                  uint32_t addr)
{
    return l4_ctrl_run_op(f, &l5u5_ctrl, bits, timeout_ms, what, addr);
}

static int l5u5_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    bool bank2 = (u->bank != 0) != f->banks_swapped; /* BKER names the physical bank */
    uint32_t bits =
        L5U5_CR_PER | (uint32_t)u->index_in_bank << L5U5_CR_PNB_SHIFT | (bank2 ? L5U5_CR_BKER : 0);
    return run_op(f, bits, L5U5_ERASE_TIMEOUT_MS, "erase page", u->addr);
}

static int l5u5_mass_erase(struct flash_dev *f)
{
    uint32_t bits = L5U5_CR_MER1 | (f->map.banks > 1 ? L5U5_CR_MER2 : 0);
    return run_op(f, bits, L5U5_MASS_ERASE_TIMEOUT_MS, "mass erase the flash at",
                  flash_map_base(&f->map));
}

/* The TrustZone refusal: the fix is a secure-aware flow, or TrustZone off through the RDP
 * regression (RM0438 §6.6.2, RM0456 §7.6.2: TZEN clears only while RDP goes back to level 0). */
static int secure_refusal(struct flash_dev *f, uint32_t first, unsigned bank, uint32_t secwm)
{
    return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                    "cannot write 0x%08x: TrustZone is on (FLASH_OPTR.TZEN 1) and the page is "
                    "secure (watermark of bank %u, FLASH_SECWM%uR1 0x%08x); stflash programs "
                    "through the non-secure registers only. Program the secure flash with a "
                    "secure-aware tool, or turn TrustZone off, which erases the whole flash: "
                    "'stflash lock --allow-read-protect' (read protection level 1), then "
                    "'stflash unlock --yes' (back to level 0 with TZEN cleared)",
                    first, bank + 1u, bank + 1u, secwm);
}

static int l5u5_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    static const uint32_t wrp_offs[4] = {L5U5_WRP1AR, L5U5_WRP1BR, L5U5_WRP2AR, L5U5_WRP2BR};
    static const uint32_t wm_offs[2] = {L5U5_SECWM1R1, L5U5_SECWM2R1};
    uint32_t regs = l5u5_regs(f), optr, v, first;
    int rc = dbg_read32(f->dbg, regs + L5U5_OPTR, &optr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTR at 0x%08x: %s", regs + L5U5_OPTR,
                        last_error(f));
    for (unsigned b = 0; b < f->map.banks; b++) {
        const struct flash_bank *bank = &f->map.bank[b];
        struct flash_unit u;
        if (!flash_map_unit_at(&f->map, bank->base, &u))
            continue;
        unsigned pb = b ^ (f->banks_swapped ? 1u : 0u); /* the registers of the physical bank */
        if (optr & L5U5_OPTR_TZEN) {
            rc = dbg_read32(f->dbg, regs + wm_offs[pb], &v);
            if (rc != STFLASH_OK)
                return ctx_fail(f->ctx, rc, "cannot read the secure watermark at 0x%08x: %s",
                                regs + wm_offs[pb], last_error(f));
            if (l5u5_secure_overlap(v, bank->base, u.size, addr, len, &first))
                return secure_refusal(f, first, pb, v);
        }
        for (unsigned i = 0; i < 2; i++) {
            rc = l4_check_wrp_area(f, wrp_offs[2 * pb + i], L5U5_WM_FIELD, pb, i, b, addr, len);
            if (rc != STFLASH_OK)
                return rc;
        }
    }
    return STFLASH_OK;
}

/* ---- program ---- */

static int loader_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                          const uint8_t *data, uint32_t job_addr)
{
    return l4_ctrl_loader_failure(f, &l5u5_ctrl, st, data, job_addr);
}

/* The loader of this part: quad words (U5) or double words (L5). */
static struct drv_program l5u5_prog(const struct flash_dev *f)
{
    size_t code_len;
    const uint8_t *code = loader_code(f, &code_len);
    return (struct drv_program){
        .code = code,
        .code_len = (uint32_t)code_len,
        .code_max = (uint32_t)code_len,
        .unit = f->chip->program_unit,
        .unit_us = TPROG_MAX_US,
        .crc = true,
        .failure = loader_failure,
    };
}

/* One job per bank, as the engine's ranges may run across the bank boundary. */
static int l5u5_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    struct drv_program prog = l5u5_prog(f);
    return drv_program_banks(f, &prog, addr, data, len);
}

/* During page erases: the loader and the first data into SRAM (flash/flash.h). */
static int l5u5_stage(struct flash_dev *f, bool *more)
{
    struct drv_program prog = l5u5_prog(f);
    return drv_stage(f, &prog, more);
}

static const struct flash_driver flash_driver_l5u5 = {
    .name = "stm32 l5/u5",
    .probe = l5u5_probe,
    .unlock = l5u5_unlock_ctrl,
    .lock = l5u5_lock,
    .erase_unit = l5u5_erase_unit,
    .mass_erase = l5u5_mass_erase,
    .program = l5u5_program,
    .check_writable = l5u5_check_writable,
    .stage = l5u5_stage,
};

const struct flash_family flash_family_l5u5 = {
    .name = "L5/U5",
    .ctrl = STFLASH_CTRL_L5_U5,
    .driver = &flash_driver_l5u5,
    .families = 1u << STFLASH_FAMILY_L5 | 1u << STFLASH_FAMILY_U5, /* not the U3 and WBA */
    .protection = l5u5_protection,
    .options_read = l5u5_options_read,
    .options_write = l5u5_options_write,
    .options_load = l5u5_options_load,
    .options_rdp_byte = l5u5_rdp_byte,
};
