/*
 * The TrustZone flash controller of the L5 (RM0438 §6) and U5 (RM0456 §7), as the non-secure
 * side sees it; the family's sim_l5u5_model says where the two differ (program unit, FLASH_OPTR,
 * page sizes, PNB width). Registers (RM0438 §6.9, RM0456 §7.9): ACR +0x00, NSKEYR +0x08,
 * SECKEYR +0x0C, OPTKEYR +0x10, NSSR +0x20, SECSR +0x24, NSCR +0x28, SECCR +0x2C, ECCR +0x30,
 * OPTR +0x40, NSBOOTADD0R/1R +0x44/+0x48, SECBOOTADD0R +0x4C, SECWM1R1/R2 +0x50/+0x54,
 * WRP1AR/BR +0x58/+0x5C, SECWM2R1/R2 +0x60/+0x64, WRP2AR/BR +0x68/+0x6C. The secure registers
 * (the 0x50022000 alias, SECKEYR, SECSR, SECCR) are not modelled: they read as zero.
 *
 * Programming (RM0438 §6.3.7, RM0456 §7.3.7): with NSCR.PG set, a program unit (a double word on
 * the L5, a quad word on the U5) is written as 32-bit words in order from an address aligned to
 * the unit; the last word starts the operation (NSBSY for tPROG; the U5 shows WDW while words
 * are still missing). Errors as on the L4-style controller: SIZERR, PGAERR, PROGERR (not erased,
 * unless all zeros are written), WRPERR (a WRP area, a secure page when TZEN is set, or RDP 1
 * with a debugger), PGSERR. Page erase: PER, PNB, BKER, STRT; mass erase: MER1 / MER2, STRT.
 *
 * Option bytes (RM0438 §6.4, RM0456 §7.4): written to the option registers after OPTKEYR,
 * stored by OPTSTRT, loaded at power-on and by OBL_LAUNCH. RDP 0xAA is level 0, 0x55 level 0.5
 * when TZEN is set (the secure side closed to the debugger), 0xCC level 2, anything else level 1
 * (RM0438 §6.6.2, RM0456 §7.6.2). TZEN may be set at level 0 only, and cleared only while RDP
 * goes back to level 0 (RM0438 §6.6.2 "TrustZone deactivation", RM0456 §7.6.2); setting it makes
 * the whole flash secure through the watermarks (SECWMx_PSTRT 0, PEND the last page), as the
 * option-byte defaults of TrustZone are. A refused change sets OPTWERR and stores nothing.
 * Going from level 1 (or 0.5) back to 0 erases the whole flash. The U5's SWAP_BANK, loaded with
 * two banks, exchanges the banks in the memory map (the array halves are exchanged, and the
 * target's optnv[SIM_L5U5_OPT_WORDS] remembers it), while BKER, MER1/MER2, WRP1xR/WRP2xR and
 * SECWM1/SECWM2 keep naming the physical banks (RM0456 §7.9.11, §7.9.15). The L5's SWAP_BANK is
 * stored but not applied, and non-secure reads of secure flash are not blocked.
 */
#include <string.h>

#include "core/le.h"
#include "flash_common.h"
#include "flash_ctl.h"
#include "target.h"

#define REG_ACR 0x00u
#define REG_NSKEYR 0x08u
#define REG_OPTKEYR 0x10u
#define REG_NSSR 0x20u
#define REG_NSCR 0x28u
#define REG_OPT_FIRST 0x40u /* FLASH_OPTR */
#define REG_OPT_END (REG_OPT_FIRST + 4u * SIM_L5U5_OPT_WORDS)

enum {
    OPT_OPTR = 0,
    OPT_NSBOOTADD0R,
    OPT_NSBOOTADD1R,
    OPT_SECBOOTADD0R,
    OPT_SECWM1R1,
    OPT_SECWM1R2,
    OPT_WRP1AR,
    OPT_WRP1BR,
    OPT_SECWM2R1,
    OPT_SECWM2R2,
    OPT_WRP2AR,
    OPT_WRP2BR
};

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define OPTKEY1 0x08192A3Bu
#define OPTKEY2 0x4C5D6E7Fu

#define SR_EOP (1u << 0)
#define SR_OPERR (1u << 1)
#define SR_PROGERR (1u << 3)
#define SR_WRPERR (1u << 4)
#define SR_PGAERR (1u << 5)
#define SR_SIZERR (1u << 6)
#define SR_PGSERR (1u << 7)
#define SR_OPTWERR (1u << 13)
#define SR_BSY (1u << 16)
#define SR_WDW (1u << 17) /* U5: words of a quad word are still missing */
#define SR_CLEARABLE 0x20FBu
#define SR_PROG_ERRORS (SR_PROGERR | SR_WRPERR | SR_PGAERR | SR_SIZERR | SR_PGSERR)

#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER1 (1u << 2)
#define CR_BKER (1u << 11)
#define CR_MER2 (1u << 15)
#define CR_STRT (1u << 16)
#define CR_OPTSTRT (1u << 17)
#define CR_EOPIE (1u << 24)
#define CR_ERRIE (1u << 25)
#define CR_OBL_LAUNCH (1u << 27)
#define CR_OPTLOCK (1u << 30)
#define CR_LOCK (1u << 31)

#define OPTR_TZEN (1u << 31)
#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL05 0x55u
#define RDP_LEVEL2 0xCCu

static const struct sim_l5u5_model *model(const struct sim_target *t)
{
    return &t->family->l5u5;
}

/* ---- option registers ---- */

/* Shipped values (RM0438 §6.9.15-§6.9.26, RM0456 §7.9.15-§7.9.26): boot addresses at the flash
 * (non-secure 0x08000000, bootloader 0x0BF90000, secure 0x0C000000; the address is in bits
 * [31:7]), secure watermarks and WRP areas empty (start above end). */
static uint32_t opt_default(const struct sim_target *t, unsigned i)
{
    uint32_t f = model(t)->wm_field;
    switch (i) {
    case OPT_OPTR:
        return model(t)->optr_default;
    case OPT_NSBOOTADD0R:
        return 0x0800007Fu;
    case OPT_NSBOOTADD1R:
        return 0x0BF9007Fu;
    case OPT_SECBOOTADD0R:
        return 0x0C00007Cu;
    case OPT_SECWM1R1:
    case OPT_SECWM2R1:
        return f; /* PSTRT all ones, PEND 0: no secure page */
    case OPT_WRP1AR:
    case OPT_WRP1BR:
    case OPT_WRP2AR:
    case OPT_WRP2BR:
        return f;
    default:
        return 0;
    }
}

static uint32_t opt_writable(const struct sim_target *t, unsigned i)
{
    uint32_t f = model(t)->wm_field;
    switch (i) {
    case OPT_OPTR:
        return model(t)->optr_writable;
    case OPT_NSBOOTADD0R:
    case OPT_NSBOOTADD1R:
        return 0xFFFFFF80u;
    case OPT_SECBOOTADD0R:
        return 0xFFFFFF81u;
    case OPT_SECWM1R1:
    case OPT_SECWM2R1:
        return f | f << 16;
    case OPT_SECWM1R2:
    case OPT_SECWM2R2:
        return 0x80000000u | f << 16; /* HDPxEN, HDPx_PEND */
    case OPT_WRP1AR:
    case OPT_WRP1BR:
    case OPT_WRP2AR:
    case OPT_WRP2BR:
        return 0x80000000u | f | f << 16; /* UNLOCK, END, STRT */
    default:
        return 0;
    }
}

/* Level of an RDP byte: 0, 1 or 2; *half for 0x55 with TrustZone on (level 0.5). */
static int rdp_level_of(uint8_t rdp, bool tzen, bool *half)
{
    *half = rdp == RDP_LEVEL05 && tzen;
    return rdp == RDP_LEVEL0 || *half ? 0 : rdp == RDP_LEVEL2 ? 2 : 1;
}

static void optbytes_default(struct sim_target *t, int rdp_level)
{
    for (unsigned i = 0; i < SIM_L5U5_OPT_WORDS; i++)
        t->optnv[i] = opt_default(t, i);
    uint8_t rdp = rdp_level == 0 ? RDP_LEVEL0 : rdp_level == 2 ? RDP_LEVEL2 : 0xBB;
    t->optnv[OPT_OPTR] = (t->optnv[OPT_OPTR] & ~0xFFu) | rdp;
}

static bool dual_bank(const struct sim_target *t);

_Static_assert(SIM_L5U5_OPT_WORDS < SIM_L4_OPT_WORDS, "optnv[] keeps the swap after the options");

/* The array halves exchanged: the physical bank 2 at the flash base. */
static unsigned swapped(const struct sim_target *t)
{
    return t->optnv[SIM_L5U5_OPT_WORDS] & 1u;
}

static void load_options(struct sim_target *t)
{
    struct l5u5_flash *f = &t->l5u5f;
    for (unsigned i = 0; i < SIM_L5U5_OPT_WORDS; i++) {
        uint32_t w = opt_writable(t, i);
        f->opt[i] = (t->optnv[i] & w) | (opt_default(t, i) & ~w);
        f->loaded[i] = f->opt[i];
    }
    f->rdp_level =
        rdp_level_of((uint8_t)f->opt[OPT_OPTR], f->opt[OPT_OPTR] & OPTR_TZEN, &f->rdp_half);
    unsigned swap = dual_bank(t) && (f->opt[OPT_OPTR] & model(t)->optr_swap_bank);
    if (swap != swapped(t)) { /* the banks change places in the memory map */
        uint32_t half = t->flash_size / 2u;
        for (uint32_t i = 0; i < half; i++) {
            uint8_t b = t->flash[i];
            t->flash[i] = t->flash[half + i];
            t->flash[half + i] = b;
        }
        t->optnv[SIM_L5U5_OPT_WORDS] = swap;
        sim_target_code_changed(t, t->family->flash_base, t->flash_size);
    }
}

/* The options live in registers only: nothing to lay out in system memory. */
static void optbytes_sync(struct sim_target *t)
{
    (void)t;
}

/* The option words, then whether the array halves are exchanged. */
static void state_get(const struct sim_target *t, uint8_t *out)
{
    for (unsigned i = 0; i <= SIM_L5U5_OPT_WORDS; i++)
        le32_put(&out[4 * i], t->optnv[i]);
}

static void state_put(struct sim_target *t, const uint8_t *in)
{
    for (unsigned i = 0; i <= SIM_L5U5_OPT_WORDS; i++)
        t->optnv[i] = le32_get(&in[4 * i]);
}

/* ---- geometry and protection ---- */

static bool dual_bank(const struct sim_target *t)
{
    const struct sim_l5u5_model *m = model(t);
    return (m->dual_bank_at_max && t->flash_size == t->chip->flash_kib * 1024u) ||
           (t->l5u5f.opt[OPT_OPTR] & m->optr_dbank);
}

static uint32_t bank_size(const struct sim_target *t)
{
    return dual_bank(t) ? t->flash_size / 2u : t->flash_size;
}

static uint32_t page_size(const struct sim_target *t)
{
    return dual_bank(t) ? model(t)->page_dual : model(t)->page_single;
}

/* Whether page pn of a bank lies in area register reg (STRT/PSTRT [n:0], END/PEND [n+16:16]). */
static bool in_area(const struct sim_target *t, uint32_t reg, uint32_t pn)
{
    uint32_t f = model(t)->wm_field, strt = reg & f, end = (reg >> 16) & f;
    return strt <= end && pn >= strt && pn <= end;
}

/* The page at flash offset off is secure: TrustZone on and inside its bank's watermark
 * (RM0438 §6.5.1, RM0456 §7.5.1). */
static bool secure_page(const struct sim_target *t, uint32_t off)
{
    const struct l5u5_flash *f = &t->l5u5f;
    if (!(f->opt[OPT_OPTR] & OPTR_TZEN))
        return false;
    unsigned bank = (off / bank_size(t)) ^ swapped(t); /* the physical bank's watermark */
    uint32_t pn = (off % bank_size(t)) / page_size(t);
    return in_area(t, f->opt[bank ? OPT_SECWM2R1 : OPT_SECWM1R1], pn);
}

/* WRP areas A and B of the bank (RM0438 §6.5.3, RM0456 §7.5.3). */
static bool write_protected(const struct sim_target *t, uint32_t off)
{
    const struct l5u5_flash *f = &t->l5u5f;
    unsigned bank = (off / bank_size(t)) ^ swapped(t); /* the physical bank's areas */
    uint32_t pn = (off % bank_size(t)) / page_size(t);
    return in_area(t, f->opt[bank ? OPT_WRP2AR : OPT_WRP1AR], pn) ||
           in_area(t, f->opt[bank ? OPT_WRP2BR : OPT_WRP1BR], pn);
}

/* Level 1 with a debugger attached: no program or erase (RM0438 §6.6.2, RM0456 §7.6.2). */
static bool refused(const struct sim_target *t, uint32_t off)
{
    return secure_page(t, off) || write_protected(t, off) ||
           (t->l5u5f.rdp_level > 0 && (t->core.dhcsr_ctrl & 1u));
}

/* ---- time ---- */

static void flash_update(struct sim_target *t)
{
    struct l5u5_flash *f = &t->l5u5f;
    if ((f->sr & SR_BSY) && t->now >= f->busy_until) {
        f->sr &= ~SR_BSY;
        f->cr &= ~(CR_STRT | CR_OPTSTRT);
        if (f->eop_pending && (f->cr & CR_EOPIE))
            f->sr |= SR_EOP;
        f->eop_pending = false;
    }
}

static sim_ps busy_until(const struct sim_target *t)
{
    return t->l5u5f.busy_until;
}

/* Program units at the family's tPROG, page and mass erases at its tERASE (the stats count
 * programmed half-words). */
static sim_ps work_floor(const struct sim_target *t, const struct sim_stats *s)
{
    return s->halfwords_programmed / (model(t)->unit / 2u) * t->family->tprog_ps +
           (s->pages_erased + s->mass_erases) * t->family->erase_ps;
}

static void start_busy(struct sim_target *t, sim_ps duration)
{
    sim_flash_start_busy(t, &t->l5u5f.sr, SR_BSY, &t->l5u5f.busy_until, duration);
    t->l5u5f.eop_pending = true;
}

static bool wait_not_busy(struct sim_target *t, enum sim_initiator who)
{
    return sim_flash_wait_idle(t, who, &t->l5u5f.sr, SR_BSY, &t->l5u5f.busy_until, flash_update);
}

/* The options load at power-on and OBL_LAUNCH only (RM0438 §6.4.2, RM0456 §7.4.2). */
static void flash_reset(struct sim_target *t)
{
    struct l5u5_flash keep = t->l5u5f;
    memset(&t->l5u5f, 0, sizeof t->l5u5f);
    t->l5u5f.cr = CR_LOCK | CR_OPTLOCK;
    if (t->power_on || keep.obl_pending) {
        load_options(t);
    } else {
        memcpy(t->l5u5f.opt, keep.loaded, sizeof keep.loaded);
        memcpy(t->l5u5f.loaded, keep.loaded, sizeof keep.loaded);
        t->l5u5f.rdp_level = keep.rdp_level;
        t->l5u5f.rdp_half = keep.rdp_half;
    }
}

static int rdp_level(const struct sim_target *t)
{
    return t->l5u5f.rdp_level;
}

/* DHCSR.S_SDE: secure debug is closed from level 0.5 up when TrustZone is on. */
static bool secure_debug(const struct sim_target *t)
{
    const struct l5u5_flash *f = &t->l5u5f;
    return !(f->opt[OPT_OPTR] & OPTR_TZEN) || (f->rdp_level == 0 && !f->rdp_half);
}

/* DSCSR.CDS: with TrustZone on the core runs (and resets into) the Secure state; with TZEN 0
 * everything is non-secure (RM0438 §6.5, RM0456 §7.5). */
static bool trustzone(const struct sim_target *t)
{
    return t->l5u5f.opt[OPT_OPTR] & OPTR_TZEN;
}

/* ---- erase ---- */

static void page_erase(struct sim_target *t)
{
    struct l5u5_flash *f = &t->l5u5f;
    uint32_t pnb = (f->cr >> 3) & ((1u << model(t)->pnb_bits) - 1u);
    unsigned bank = (f->cr & CR_BKER) ? 1u : 0u; /* physical: where it lies in the array */
    uint32_t bsize = bank_size(t), page = page_size(t),
             off = (bank ^ swapped(t)) * bsize + pnb * page;
    if ((bank && !dual_bank(t)) || pnb * page >= bsize || refused(t, off)) {
        f->sr |= SR_WRPERR;
        f->cr &= ~CR_STRT;
        return;
    }
    sim_flash_erase_bytes(t, off, page);
    start_busy(t, sim_flash_terase(t));
    if (t->stats)
        t->stats->pages_erased++;
}

static void mass_erase(struct sim_target *t, bool b1, bool b2)
{
    uint32_t bsize = bank_size(t), page = page_size(t);
    if (!dual_bank(t)) {
        b1 = b1 || b2;
        b2 = false;
    }
    for (unsigned b = 0; b < 2; b++) /* physical bank b, at half b ^ swapped() of the array */
        if (b ? b2 : b1)
            for (uint32_t off = (b ^ swapped(t)) * bsize; off < ((b ^ swapped(t)) + 1) * bsize;
                 off += page)
                if (refused(t, off)) {
                    t->l5u5f.sr |= SR_WRPERR;
                    t->l5u5f.cr &= ~CR_STRT;
                    return;
                }
    if (b1)
        sim_flash_erase_bytes(t, swapped(t) * bsize, bsize);
    if (b2)
        sim_flash_erase_bytes(t, (1u ^ swapped(t)) * bsize, bsize);
    start_busy(t, sim_flash_terase(t));
    if (t->stats)
        t->stats->mass_erases++;
}

/* OPTSTRT: the option registers become the stored options, within the TrustZone and RDP rules
 * of the header comment. */
static void option_program(struct sim_target *t)
{
    struct l5u5_flash *f = &t->l5u5f;
    uint32_t now = f->loaded[OPT_OPTR], want = f->opt[OPT_OPTR];
    bool tz_now = now & OPTR_TZEN, tz_want = want & OPTR_TZEN, half_now, half_want;
    int level_now = rdp_level_of((uint8_t)now, tz_now, &half_now);
    int level_want = rdp_level_of((uint8_t)want, tz_want, &half_want);
    bool regress = level_want == 0 && !half_want && (level_now > 0 || half_now);
    if (level_now == 2 || (tz_want && !tz_now && (level_now > 0 || half_now)) ||
        (!tz_want && tz_now && !regress)) {
        f->sr |= SR_OPTWERR;
        f->cr &= ~CR_OPTSTRT;
        return;
    }
    if (tz_want && !tz_now) { /* the whole flash secure, as TrustZone's defaults are */
        uint32_t last = bank_size(t) / page_size(t) - 1u;
        f->opt[OPT_SECWM1R1] = last << 16;
        f->opt[OPT_SECWM2R1] = dual_bank(t) ? last << 16 : model(t)->wm_field;
    }
    if (!tz_want && tz_now) { /* back to the non-secure defaults */
        f->opt[OPT_SECWM1R1] = opt_default(t, OPT_SECWM1R1);
        f->opt[OPT_SECWM2R1] = opt_default(t, OPT_SECWM2R1);
    }
    sim_ps dt = sim_flash_terase(t);
    if (regress) {
        sim_flash_erase_bytes(t, 0, t->flash_size);
        dt += sim_flash_terase(t);
        if (t->stats)
            t->stats->mass_erases++;
    }
    for (unsigned i = 0; i < SIM_L5U5_OPT_WORDS; i++)
        t->optnv[i] = f->opt[i] & opt_writable(t, i);
    sim_target_optbytes_changed(t);
    start_busy(t, dt);
    if (t->stats)
        t->stats->option_erases++;
}

/* ---- registers ---- */

enum sim_bus_result l5u5_flash_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct l5u5_flash *f = &t->l5u5f;
    flash_update(t);
    if (off >= REG_OPT_FIRST && off < REG_OPT_END) {
        *val = f->opt[(off - REG_OPT_FIRST) / 4u];
        return SIM_BUS_OK;
    }
    switch (off) {
    case REG_ACR:
        *val = f->acr;
        break;
    case REG_NSSR:
        if (f->sr & SR_BSY) {
            sim_target_poll_busy(t, f->busy_until); /* a loader's wait for BSY to clear */
            flash_update(t);
        }
        *val = f->sr | (model(t)->unit == 16 && f->nbuf ? SR_WDW : 0);
        break;
    case REG_NSCR:
        *val = f->cr;
        break;
    default:
        *val = 0;
        break; /* key registers write-only; the secure ones not modelled */
    }
    return SIM_BUS_OK;
}

/* A wrong key locks the controller until the next reset, with a bus error (RM0438 §6.3.5). */
static enum sim_bus_result key_write(struct sim_target *t, int *stage, uint32_t k1, uint32_t k2,
                                     uint32_t val, uint32_t clears)
{
    struct l5u5_flash *f = &t->l5u5f;
    bool unlock;
    enum sim_bus_result r = sim_flash_key_write(stage, &f->key_locked_up, val, k1, k2, &unlock);
    if (unlock)
        f->cr &= ~clears;
    else if (r == SIM_BUS_FAULT)
        f->cr |= CR_LOCK | CR_OPTLOCK;
    return r;
}

static void obl_launch(struct sim_target *t, enum sim_initiator who)
{
    /* RM0438 §6.9.9 */
    t->l5u5f.obl_pending = true;
    sim_flash_obl_launch(t, who);
}

static enum sim_bus_result cr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct l5u5_flash *f = &t->l5u5f;
    if (f->cr & CR_LOCK)
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if ((val & CR_OBL_LAUNCH) && !(f->cr & CR_OPTLOCK)) {
        obl_launch(t, who);
        return SIM_BUS_OK;
    }
    uint32_t writable = CR_PG | CR_PER | CR_MER1 | (((1u << model(t)->pnb_bits) - 1u) << 3) |
                        CR_BKER | CR_MER2 | CR_EOPIE | CR_ERRIE;
    uint32_t next =
        (f->cr & (CR_LOCK | CR_OPTLOCK)) | (val & writable) | (val & (CR_LOCK | CR_OPTLOCK));
    if (!(next & CR_PG))
        f->nbuf = 0;
    f->cr = next;
    if (val & CR_OPTSTRT) {
        if (!(f->cr & CR_OPTLOCK))
            option_program(t);
        return SIM_BUS_OK;
    }
    if (!(val & CR_STRT))
        return SIM_BUS_OK;
    uint32_t ops = next & (CR_PG | CR_PER | CR_MER1 | CR_MER2);
    if ((f->sr & SR_PROG_ERRORS) || (ops & CR_PG) ||
        ((ops & CR_PER) && (ops & (CR_MER1 | CR_MER2)))) {
        f->sr |= SR_PGSERR;
        return SIM_BUS_OK;
    }
    f->cr |= CR_STRT;
    if (ops & (CR_MER1 | CR_MER2))
        mass_erase(t, ops & CR_MER1, ops & CR_MER2);
    else if (ops & CR_PER)
        page_erase(t);
    else
        f->cr &= ~CR_STRT;
    return SIM_BUS_OK;
}

enum sim_bus_result l5u5_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                     enum sim_initiator who)
{
    struct l5u5_flash *f = &t->l5u5f;
    flash_update(t);
    if (off >= REG_OPT_FIRST && off < REG_OPT_END) {
        unsigned i = (off - REG_OPT_FIRST) / 4u;
        if (!(f->cr & CR_OPTLOCK)) {
            uint32_t w = opt_writable(t, i);
            f->opt[i] = (val & w) | (opt_default(t, i) & ~w);
        }
        return SIM_BUS_OK;
    }
    switch (off) {
    case REG_ACR:
        f->acr = val & 0x0000600Fu;
        return SIM_BUS_OK;
    case REG_NSKEYR:
        if (!(f->cr & CR_LOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->key_stage, KEY1, KEY2, val, CR_LOCK);
    case REG_OPTKEYR:
        if (f->cr & CR_LOCK)
            return SIM_BUS_OK;
        return key_write(t, &f->optkey_stage, OPTKEY1, OPTKEY2, val, CR_OPTLOCK);
    case REG_NSSR:
        f->sr &= ~(val & SR_CLEARABLE);
        return SIM_BUS_OK;
    case REG_NSCR:
        return cr_write(t, val, who);
    default:
        return SIM_BUS_OK;
    }
}

/* ---- the array ---- */

static void program_unit(struct sim_target *t)
{
    struct l5u5_flash *f = &t->l5u5f;
    unsigned words = model(t)->unit / 4u;
    uint32_t off = f->buf_addr - t->family->flash_base;
    if (refused(t, off)) {
        f->sr |= SR_WRPERR;
        return;
    }
    bool erased = true, zeros = true;
    for (unsigned i = 0; i < words; i++) {
        erased = erased && le32_get(&t->flash[off + 4 * i]) == 0xFFFFFFFFu;
        zeros = zeros && f->buf[i] == 0;
    }
    if (!erased && !zeros) { /* RM0438 §6.3.7: erased first, unless all zeros are written */
        f->sr |= SR_PROGERR;
        return;
    }
    for (unsigned i = 0; i < words; i++)
        le32_put(&t->flash[off + 4 * i], f->buf[i]);
    start_busy(t, sim_flash_tprog(t));
    if (t->stats)
        t->stats->halfwords_programmed += 2u * words;
}

static enum sim_bus_result array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who)
{
    struct l5u5_flash *f = &t->l5u5f;
    unsigned unit = model(t)->unit;
    if (!(f->cr & CR_PG) || (f->cr & CR_LOCK))
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if ((f->sr & SR_PROG_ERRORS) || (f->cr & (CR_PER | CR_MER1 | CR_MER2))) {
        f->sr |= SR_PGSERR;
        f->nbuf = 0;
        return SIM_BUS_OK;
    }
    if (size != 4) {
        f->sr |= SR_SIZERR;
        f->nbuf = 0;
        return SIM_BUS_OK;
    }
    if (f->nbuf == 0 ? (addr & (unit - 1u)) != 0 : addr != f->buf_addr + 4u * f->nbuf) {
        f->sr |= SR_PGAERR;
        f->nbuf = 0;
        return SIM_BUS_OK;
    }
    if (f->nbuf == 0)
        f->buf_addr = addr;
    f->buf[f->nbuf++] = val;
    if (f->nbuf < unit / 4u)
        return SIM_BUS_OK;
    f->nbuf = 0;
    program_unit(t);
    sim_flash_note_store(t, f->buf_addr, unit, who);
    return SIM_BUS_OK;
}

const struct sim_flash_ops sim_l5u5_flash_ops = {
    .reset = flash_reset,
    .update = flash_update,
    .array_write = array_write,
    .optbytes_write = sim_flash_no_optbytes,
    .rdp_level = rdp_level,
    .optbytes_default = optbytes_default,
    .busy_until = busy_until,
    .floor = work_floor,
    .optbytes_sync = optbytes_sync,
    .secure_debug = secure_debug,
    .trustzone = trustzone,
    .state_section = "l5u5opt",
    .state_len = 4u * (SIM_L5U5_OPT_WORDS + 1u),
    .state_get = state_get,
    .state_put = state_put,
};
