/*
 * The L4-style flash controller (flash/l4.h): unlock (RM0351 §3.3.5), page erase by number with
 * the bank bit and mass erase per bank (§3.3.6), double-word programming through a loader in
 * target SRAM (§3.3.7; loaders/l4_program.S, run by the shared loader runner flash/loader.h),
 * the bank layout read from FLASH_OPTR at probe time, the write-protected areas refused before
 * anything is touched. The register block is the chip row's (0x40022000; 0x58004000 on WB and
 * WL), so every family of the style shares this code. On the G0 the controller is also busy
 * while CFGBSY is set (RM0444 §3.3.7): every wait covers both bits.
 *
 * The family descriptor (flash_family_l4, at the end) ties the driver to the option bytes
 * (flash/l4_options.c).
 */
#include <string.h>

#include "flash/drvutil.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l4.h"
#include "l4_program_loader.h"

/* tPROG of a double word at most: 125 us on the G0 (DS12232), 90.76 us on the L4 (DS10198). */
#define TPROG_MAX_US 125u

#define last_error drv_last_error

/* The SR error flags, named, for messages. */
static const struct l4_ctrl_flag sr_flags[] = {
    {L4_SR_WRPERR, "WRPERR: write protected"},
    {L4_SR_PROGERR, "PROGERR: not erased"},
    {L4_SR_PGAERR, "PGAERR: misaligned"},
    {L4_SR_SIZERR, "SIZERR: wrong access size"},
    {L4_SR_PGSERR, "PGSERR: wrong sequence"},
    {L4_SR_MISERR, "MISERR: fast programming data missing"},
    {L4_SR_FASTERR, "FASTERR: fast programming error"},
    {L4_SR_OPERR, "OPERR: operation error"},
    {L4_SR_RDERR, "RDERR: PCROP read"},
    {L4_SR_OPTVERR, "OPTVERR: option validity"},
};

/* FLASH_SR/FLASH_CR (RM0351 §3.7.5-6); on the G0 the controller is also busy while CFGBSY is
 * set (RM0444 §3.3.7). */
const struct l4_ctrl l4_ctrl_l4 = {
    .sr_name = "FLASH_SR",
    .cr_name = "FLASH_CR",
    .keyr = L4_KEYR,
    .optkeyr = L4_OPTKEYR,
    .sr = L4_SR,
    .cr = L4_CR,
    .clr = L4_SR,
    .optlock_reg = L4_CR,
    .sr_busy = L4_SR_BUSY,
    .sr_errors = L4_SR_ERRORS,
    .sr_eop = L4_SR_EOP,
    .sr_wrperr = L4_SR_WRPERR,
    .sr_progerr = L4_SR_PROGERR,
    .cr_lock = L4_CR_LOCK,
    .cr_optlock = L4_CR_OPTLOCK,
    .cr_strt = L4_CR_STRT,
    .flags = sr_flags,
    .nflags = sizeof sr_flags / sizeof sr_flags[0],
    .wrperr_what = "write protected",
    .idle_ms = L4_IDLE_TIMEOUT_MS,
    .lock_ms = L4_ERASE_TIMEOUT_MS,
};

void l4_traits_of(const struct stflash_chip_info *chip, struct l4_traits *t)
{
    memset(t, 0, sizeof *t);
    t->wrp_field = 0xFFu;
    t->nrst_stop = 12;
    t->nrst_stdby = 13;
    switch (chip->family) {
    case STFLASH_FAMILY_L4:
    case STFLASH_FAMILY_L4P:
        t->cr_bker = 1u << 11; /* RM0351 §3.7.6, RM0432 §3.7.6 */
        t->wrp_bank2 = chip->flags & STFLASH_CHIP_DUAL_BANK_OPTION;
        break;
    case STFLASH_FAMILY_G4:
        t->cr_bker = 1u << 11; /* RM0440 §5.7.5 */
        t->wrp_field = 0x7Fu;
        t->wrp_bank2 = chip->flags & STFLASH_CHIP_DUAL_BANK_OPTION;
        break;
    case STFLASH_FAMILY_WL:
        t->wrp_field = 0x7Fu; /* 128 pages: RM0453 FLASH_WRP1AR STRT [6:0] */
        break;
    case STFLASH_FAMILY_G0:
    case STFLASH_FAMILY_C0:
        t->wrp_field = 0x7Fu;
        t->nrst_stop = 13; /* RM0444 §3.7.8 */
        t->nrst_stdby = 14;
        if (chip->flags & STFLASH_CHIP_DUAL_BANK_OPTION) { /* G0B1 (RM0444 §3.7.5) */
            t->cr_bker = 1u << 13;
            t->bank2_pnb = 256;
            t->wrp_bank2 = true;
        }
        break;
    default:
        break;
    }
}

uint32_t l4_page_erase_cr(const struct l4_traits *t, unsigned bank, uint32_t index_in_bank,
                          bool swapped)
{
    bool bank2 = (bank != 0) != swapped;
    uint32_t pnb = index_in_bank + (bank2 ? t->bank2_pnb : 0);
    return L4_CR_PER | pnb << L4_CR_PNB_SHIFT | (bank2 ? t->cr_bker : 0);
}

uint32_t l4_secure_start(enum stflash_family family, uint32_t sfr, uint32_t base, uint32_t size,
                         uint32_t page)
{
    uint32_t sfsa, fsd;
    switch (family) {
    case STFLASH_FAMILY_WB:
        sfsa = sfr & 0xFFu, fsd = sfr & (1u << 8);
        break;
    case STFLASH_FAMILY_WL:
        sfsa = sfr & 0x7Fu, fsd = sfr & (1u << 7);
        break;
    default:
        return 0;
    }
    if (fsd || (uint64_t)sfsa * page >= size)
        return 0;
    return base + sfsa * page;
}

/* Polls FLASH_SR until BSY and CFGBSY clear; *sr gets the last value. */
int l4_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                 uint32_t addr)
{
    return l4_ctrl_wait_idle(f, &l4_ctrl_l4, timeout_ms, sr, what, addr);
}

/* ---- bank layout ---- */

/* The dual-bank option bit of the row's family in FLASH_OPTR, 0 when the part has none:
 * L4 DUALBANK (bit 21, 256/512 KiB parts; the 1 MiB parts are always two banks, RM0351
 * §3.3.1), L4+ DBANK (bit 22 on the largest parts, DB1M/DB512K bit 21 below, RM0432 §3.4.1),
 * G4 DBANK (bit 22, RM0440 §5.3.1), G0B1 DUAL_BANK (bit 21, RM0444 §3.3.1). */
uint32_t l4_dual_bank_bit(const struct stflash_chip_info *c, uint32_t size)
{
    if (!(c->flags & STFLASH_CHIP_DUAL_BANK_OPTION))
        return 0;
    switch (c->family) {
    case STFLASH_FAMILY_L4:
        return size == c->flash_size_max ? 0 : 1u << 21;
    case STFLASH_FAMILY_L4P:
        return size == c->flash_size_max ? 1u << 22 : 1u << 21;
    case STFLASH_FAMILY_G4:
        return 1u << 22;
    case STFLASH_FAMILY_G0:
        return 1u << 21;
    default:
        return 0;
    }
}

/* Whether the part runs with two banks (1) or one (0), or -1 when it has no bank mode. */
static int dual_bank_of(const struct flash_dev *f, uint32_t optr, uint32_t size)
{
    const struct stflash_chip_info *c = f->chip;
    if (!(c->flags & STFLASH_CHIP_DUAL_BANK_OPTION))
        return -1;
    uint32_t bit = l4_dual_bank_bit(c, size);
    if (c->family == STFLASH_FAMILY_L4 && !bit)
        return 1; /* the 1 MiB L47x/L49x: always two banks */
    return bit ? (optr & bit) != 0 : -1;
}

/* WB/WL: where the wireless stack's secure area starts (FLASH_SFR), kept in f->secure_start. */
static int probe_secure_area(struct flash_dev *f)
{
    enum stflash_family fam = f->chip->family;
    if (fam != STFLASH_FAMILY_WB && fam != STFLASH_FAMILY_WL)
        return STFLASH_OK;
    uint32_t sfr, regs = l4_regs(f);
    int rc = dbg_read32(f->dbg, regs + L4_SFR, &sfr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_SFR at 0x%08x: %s", regs + L4_SFR,
                        last_error(f));
    f->secure_start =
        l4_secure_start(fam, sfr, flash_map_base(&f->map), (uint32_t)flash_map_bytes(&f->map),
                        f->map.regions ? f->map.region[0].unit : 0);
    /* The WL secures nothing while FLASH_OPTR.ESE is clear, whatever FLASH_SFR holds (RM0453
     * FLASH_OPTR: security enable). */
    uint32_t optr;
    if (fam == STFLASH_FAMILY_WL && f->secure_start) {
        rc = dbg_read32(f->dbg, regs + L4_OPTR, &optr);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTR at 0x%08x: %s", regs + L4_OPTR,
                            last_error(f));
        if (!(optr & L4_OPTR_ESE))
            f->secure_start = 0;
    }
    return STFLASH_OK;
}

/* L4/L4+/G4 in dual-bank mode: whether SYSCFG_MEMRMP.FB_MODE maps bank 2 first. */
static int probe_bank_swap(struct flash_dev *f)
{
    enum stflash_family fam = f->chip->family;
    if (f->map.banks < 2 ||
        (fam != STFLASH_FAMILY_L4 && fam != STFLASH_FAMILY_L4P && fam != STFLASH_FAMILY_G4))
        return STFLASH_OK;
    uint32_t memrmp;
    int rc = dbg_read32(f->dbg, L4_SYSCFG_MEMRMP, &memrmp);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read SYSCFG_MEMRMP at 0x%08x: %s", L4_SYSCFG_MEMRMP,
                        last_error(f));
    f->banks_swapped = memrmp & L4_MEMRMP_FB_MODE;
    return STFLASH_OK;
}

/* Reads FLASH_OPTR and lays the map out in the bank mode it selects: the row's dual layout
 * (dual_geom), its always-dual geometry, or one bank of the row's pages. Then the bank swap and
 * the secure area, which depend on that layout. */
static int l4_probe_layout(struct flash_dev *f);

static int l4_probe(struct flash_dev *f)
{
    int rc = l4_probe_layout(f);
    if (rc == STFLASH_OK)
        rc = probe_bank_swap(f);
    if (rc == STFLASH_OK)
        rc = probe_secure_area(f);
    return rc;
}

static int l4_probe_layout(struct flash_dev *f)
{
    uint32_t optr, regs = l4_regs(f);
    int rc = dbg_read32(f->dbg, regs + L4_OPTR, &optr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTR at 0x%08x: %s", regs + L4_OPTR,
                        last_error(f));
    uint32_t size = (uint32_t)flash_map_bytes(&f->map);
    int dual = dual_bank_of(f, optr, size);
    if (dual < 0)
        return STFLASH_OK;
    struct flash_map m;
    struct flash_map_params p = {.flash_size = size, .dual_bank = dual && f->chip->dual_geom.banks};
    char why[128];
    rc = flash_map_from_chip(&m, f->chip, &p, why, sizeof why);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc,
                        "no %s-bank layout of %u KiB for the %s (FLASH_OPTR 0x%08x): %s",
                        dual ? "dual" : "single", size / 1024u, f->chip->name, optr, why);
    if (!dual && m.banks > 1) {
        /* Always-dual geometry of the row, single-bank part: one bank of the same pages. */
        struct flash_map one = m;
        one.regions = 0;
        one.banks = 0;
        uint32_t page = m.region[0].unit;
        rc = flash_map_add(&one, flash_map_base(&m), size, page, 0);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot lay out a single bank of %u KiB", size / 1024u);
        one.bank[0].regs = m.bank[0].regs;
        m = one;
    }
    f->map = m;
    return STFLASH_OK;
}

/* ---- unlock / lock ---- */

/* RM0351 §3.3.5: KEY1 then KEY2 into FLASH_KEYR while LOCK is set. */
int l4_unlock_ctrl(struct flash_dev *f)
{
    return l4_ctrl_unlock(f, &l4_ctrl_l4);
}

int l4_lock(struct flash_dev *f)
{
    f->fresh_banks = 0;
    return l4_ctrl_lock(f, &l4_ctrl_l4);
}

/* ---- erase ---- */

static int run_op(struct flash_dev *f, uint32_t bits, unsigned timeout_ms, const char *what,
                  uint32_t addr)
{
    return l4_ctrl_run_op(f, &l4_ctrl_l4, bits, timeout_ms, what, addr);
}

/* RM0351 §3.3.6 "Page erase": PER, the page number in its bank (PNB) and the bank (BKER). */
static int l4_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    struct l4_traits tr;
    l4_traits_of(f->chip, &tr);
    uint32_t bits = l4_page_erase_cr(&tr, u->bank, (uint32_t)u->index_in_bank, f->banks_swapped);
    if (u->bank < 32)
        f->fresh_banks &= ~(1u << u->bank);
    return run_op(f, bits, L4_ERASE_TIMEOUT_MS, "erase page", u->addr);
}

/* MER1 (and MER2 on a dual-bank layout): every bank in one operation. With the wireless stack's
 * secure area in the flash (WB/WL) a mass erase would take the stack too, and CPU1 may not start
 * one (RM0434 §3.3.7): the pages below it are erased one by one instead, unless the secure area
 * was allowed, when the mass erase is asked for and the chip decides. */
static int l4_mass_erase(struct flash_dev *f)
{
    if (f->secure_start && !f->allow_secure) {
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "erasing the pages below 0x%08x: the wireless stack from there up is kept "
                "(FLASH_SFR.SFSA; --allow-wireless-stack to erase it too)",
                f->secure_start);
        struct flash_unit u;
        for (uint32_t a = flash_map_base(&f->map); a < f->secure_start; a += u.size) {
            if (!flash_map_unit_at(&f->map, a, &u))
                return ctx_fail(f->ctx, STFLASH_ERR_RANGE, "0x%08x is not in the flash map", a);
            int rc = l4_erase_unit(f, &u);
            if (rc != STFLASH_OK)
                return rc;
        }
        return STFLASH_OK;
    }
    uint32_t bits = L4_CR_MER1 | (f->map.banks > 1 ? L4_CR_MER2 : 0);
    int rc = run_op(f, bits, L4_MASS_ERASE_TIMEOUT_MS, "mass erase the flash at",
                    flash_map_base(&f->map));
    /* Every bank may now be programmed fast (flash/l4_fast.c). */
    f->fresh_banks = rc == STFLASH_OK ? (f->map.banks >= 32 ? ~0u : (1u << f->map.banks) - 1u) : 0;
    return rc;
}

/* RM0351 §3.3.3 "Data cache memory": the data cache of the L4, L4+, G4, WB and WL (FLASH_ACR
 * DCEN) is not told of erases: lines read before an erase, by the comparison routine or
 * anything else, could be served afterwards to the loader's read-back, the CRC routine or the
 * debugger. It is emptied with DCRST, which takes effect only while DCEN is clear (RM0351
 * §3.7.1), then enabled again as it was. The G0 and C0 have no data cache. */
static int l4_after_erase(struct flash_dev *f)
{
    enum stflash_family fam = f->chip->family;
    if (fam == STFLASH_FAMILY_G0 || fam == STFLASH_FAMILY_C0)
        return STFLASH_OK;
    uint32_t acr, at = l4_regs(f) + L4_ACR;
    int rc = dbg_read32(f->dbg, at, &acr);
    if (rc == STFLASH_OK && (acr & L4_ACR_DCEN)) {
        uint32_t off = acr & ~(L4_ACR_DCEN | L4_ACR_DCRST);
        rc = dbg_write32(f->dbg, at, off);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, at, off | L4_ACR_DCRST);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, at, acr & ~L4_ACR_DCRST);
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot empty the flash data cache (FLASH_ACR at 0x%08x): %s",
                        at, last_error(f));
    return STFLASH_OK;
}

/* WB/WL: the secure area is refused before anything is touched unless allowed. */
static int check_secure_area(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    if (!f->secure_start || f->allow_secure || (uint64_t)addr + len <= f->secure_start)
        return STFLASH_OK;
    uint32_t first = addr > f->secure_start ? addr : f->secure_start;
    return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                    "cannot write or erase 0x%08x: the flash from 0x%08x up holds the wireless "
                    "stack (FLASH_SFR.SFSA page 0x%02x), which CPU2 protects; nothing was changed. "
                    "Give --allow-wireless-stack to try anyway (the chip refuses it unless its "
                    "security is disabled)",
                    first, f->secure_start,
                    (f->secure_start - flash_map_base(&f->map)) / f->map.region[0].unit);
}

/* The WRP areas (RM0351 §3.5.2, RM0444 §3.4.2): pages STRT to END of a bank, when STRT <= END. */
static int l4_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    int src = check_secure_area(f, addr, len);
    if (src != STFLASH_OK)
        return src;
    struct l4_traits tr;
    l4_traits_of(f->chip, &tr);
    static const uint32_t offs[4] = {L4_WRP1AR, L4_WRP1BR, L4_WRP2AR, L4_WRP2BR};
    for (unsigned i = 0; i < (tr.wrp_bank2 && f->map.banks > 1 ? 4u : 2u); i++) {
        /* WRP1 is the controller's bank 1: the map's second bank when FB_MODE swaps them. */
        unsigned mb = (i / 2) ^ (f->banks_swapped ? 1u : 0u);
        int rc = l4_check_wrp_area(f, offs[i], tr.wrp_field, i / 2, i % 2, mb, addr, len);
        if (rc != STFLASH_OK)
            return rc;
    }
    return STFLASH_OK;
}

/* ---- program ---- */

static int loader_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                          const uint8_t *data, uint32_t job_addr)
{
    return l4_ctrl_loader_failure(f, &l4_ctrl_l4, st, data, job_addr);
}

static const struct drv_program l4_prog = {
    .code = l4_program_loader,
    .code_len = L4_PROGRAM_LOADER_LEN,
    .code_max = L4_PROGRAM_LOADER_LEN,
    .unit = 8,
    .unit_us = TPROG_MAX_US,
    .crc = true,
    .failure = loader_failure,
};

/* One job per bank, as the engine's ranges may run across the bank boundary; fast programming
 * after a mass erase (flash/l4_fast.c). */
static int l4_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    return l4_fast_program(f, &l4_prog, addr, data, len);
}

/* During page erases: the loader and the first data into SRAM (flash/flash.h). */
static int l4_stage(struct flash_dev *f, bool *more)
{
    return drv_stage(f, &l4_prog, more);
}

static const struct flash_driver flash_driver_l4 = {
    .name = "stm32 l4-style",
    .probe = l4_probe,
    .unlock = l4_unlock_ctrl,
    .lock = l4_lock,
    .erase_unit = l4_erase_unit,
    .mass_erase = l4_mass_erase,
    .after_erase = l4_after_erase,
    .mass_erase_quick =
        true, /* DS10198, DS12232 "Flash memory characteristics": tME about tERASE */
    .mass_erase_speeds_up = l4_fast_worth,
    .program = l4_program,
    .check_writable = l4_check_writable,
    .stage = l4_stage,
};

/* The L4-style family: no clone quirks. */
const struct flash_family flash_family_l4 = {
    .name = "L4-style",
    .ctrl = STFLASH_CTRL_L4_STYLE,
    .driver = &flash_driver_l4,
    .clock_recipes = flash_clock_l4_style,
    .protection = l4_protection,
    .options_read = l4_options_read,
    .options_write = l4_options_write,
    .options_load = l4_options_load,
    .options_rdp_byte = l4_rdp_byte,
};
