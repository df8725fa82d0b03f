/*
 * The L4-style flash controller and its option bytes, as the L4 (RM0351 §3) and the G0 (RM0444
 * §3) have it; the family's sim_l4_model says where they differ. Registers (RM0351 §3.7, RM0444
 * §3.7): ACR +0x00, KEYR +0x08, OPTKEYR +0x0C, SR +0x10, CR +0x14, OPTR +0x20, PCROP1SR/ER
 * +0x24/+0x28, WRP1AR/BR +0x2C/+0x30, the G0's PCROP1BSR/ER +0x34/+0x38, the L4's bank-2
 * PCROP2SR/ER and WRP2AR/BR +0x44..+0x50.
 *
 * Programming (RM0351 §3.3.7, RM0444 §3.3.7): with CR.PG set, a double word is written as two
 * 32-bit words in order, the first at an address aligned to 8; the second starts the operation
 * (BSY for tPROG). Errors: SIZERR (a byte or half-word write), PGAERR (misaligned, or the second
 * word not at the next address), PROGERR (the double word not erased, unless all zeros are
 * written), WRPERR (write protected area), PGSERR (PG set with an error flag still set, or with
 * PER/MER). Page erase: PER, PNB (and BKER on dual-bank parts), STRT. Mass erase: MER1 / MER2,
 * STRT. Option bytes: the option registers are written after the OPTKEYR sequence, OPTSTRT
 * stores them (going from level 1 back to level 0 mass-erases the flash first, RM0351 §3.5.1),
 * OBL_LAUNCH reloads them through a reset. The G0 has CFGBSY (RM0444 §3.7.4), set from the first
 * word of a double word or from STRT until the operation ends. EOP is set only with EOPIE.
 *
 * Fast programming (FSTPG): sim/l4_fast.c.
 *
 * The G0B1 (RM0444 §3) has two banks with OPTR.DUAL_BANK: BKER at bit 13, bank 2's pages numbered
 * from 256 (the bank taken from BKER, the page from PNB's low bits), BSY2 (bit 17) for its
 * operations. The G4 (RM0440 §5) has the L4's registers; its bank mode (OPTR.DBANK) also sets the
 * page size: 2 KiB in each of two banks, or 4 KiB in one (§5.3.1). The WB (RM0434 §3) has the G0's
 * PCROP1B and CFGBSY, and FLASH_SFR (+0x80): the pages from SFSA up hold the wireless stack and
 * CPU1 (the core and its debug port) cannot read, program or erase them unless FSD is set (§3.5.3):
 * reads give zero, a program or erase of them answers a bus error, and so does a mass erase
 * while the secure area exists (the erase would take it too). The WL (RM0453 §4) has the WB's
 * registers with 2 KiB pages, PNB [9:3], and FLASH_SFR with SFSA [6:0] and FSD bit 7, in force
 * only with OPTR.ESE; its board starts with security disabled unless given a secure page
 * (struct sim_target_config.secure_page, which also moves the WB's area). The C0 (RM0490) is
 * the G0's controller with one bank of 2 KiB pages.
 */
#include <string.h>

#include "core/le.h"
#include "flash_common.h"
#include "flash_ctl.h"
#include "g0_l4.h"
#include "l4_flash.h"
#include "target.h"

#define REG_ACR 0x00u
#define ACR_DCEN (1u << 10)
#define ACR_DCRST (1u << 12)
#define REG_KEYR 0x08u
#define REG_OPTKEYR 0x0Cu
#define REG_SR 0x10u
#define REG_CR 0x14u
#define REG_OPT_FIRST 0x20u /* FLASH_OPTR */
#define REG_SFR 0x80u       /* WB FLASH_SFR (RM0434 §3.10.17) */
#define SFR_SFSA 0xFFu
#define SFR_FSD (1u << 8)
#define WL_SFR_SFSA 0x7Fu /* WL FLASH_SFR (RM0453 §4, FLASH_SFR): SFSA [6:0], FSD bit 7 */
#define WL_SFR_FSD (1u << 7)
#define OPTR_ESE (1u << 8) /* WL FLASH_OPTR.ESE: security enabled (RM0453 §4) */
#define REG_OPT_END (REG_OPT_FIRST + 4u * SIM_L4_OPT_WORDS)

/* Option register indexes (offset - 0x20) / 4. */
enum {
    OPT_OPTR = 0,
    OPT_PCROP1SR = 1,
    OPT_PCROP1ER = 2,
    OPT_WRP1AR = 3,
    OPT_WRP1BR = 4,
    OPT_PCROP1BSR = 5,
    OPT_PCROP1BER = 6,
    OPT_PCROP2SR = 9,
    OPT_PCROP2ER = 10,
    OPT_WRP2AR = 11,
    OPT_WRP2BR = 12
};

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define OPTKEY1 0x08192A3Bu
#define OPTKEY2 0x4C5D6E7Fu

#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL2 0xCCu

const struct sim_l4_model *l4_model(const struct sim_target *t)
{
    return &t->family->l4;
}

static sim_ps tprog(const struct sim_target *t)
{
    return t->chip->tprog_ps ? t->chip->tprog_ps : t->family->tprog_ps;
}

static sim_ps terase(const struct sim_target *t)
{
    return t->chip->erase_ps ? t->chip->erase_ps : t->family->erase_ps;
}

/* ---- option registers and their defaults ---- */

/* The default of each option word: OPTR as shipped, PCROP areas empty (start above end), WRP
 * areas empty (STRT above END, RM0351 §3.5.2, RM0444 §3.4.2). */
static uint32_t opt_default(const struct sim_target *t, unsigned i)
{
    const struct sim_l4_model *m = l4_model(t);
    switch (i) {
    case OPT_OPTR:
        return m->optr_default | (m->sfr_wl && t->cfg.secure_page ? OPTR_ESE : 0);
    case OPT_PCROP1SR:
    case OPT_PCROP1BSR:
    case OPT_PCROP2SR:
        return 0x0000FFFFu;
    case OPT_WRP1AR:
    case OPT_WRP1BR:
    case OPT_WRP2AR:
    case OPT_WRP2BR:
        return m->wrp_field;
    default:
        return 0;
    }
}

/* The bits of option word i that exist on this part (0: the register is reserved). */
static uint32_t opt_writable(const struct sim_target *t, unsigned i)
{
    const struct sim_l4_model *m = l4_model(t);
    switch (i) {
    case OPT_OPTR:
        return m->optr_writable;
    case OPT_PCROP1SR:
    case OPT_PCROP1ER:
        return i == OPT_PCROP1ER ? 0x8000FFFFu : 0xFFFFu;
    case OPT_WRP1AR:
    case OPT_WRP1BR:
        return m->wrp_field | m->wrp_field << 16;
    case OPT_PCROP1BSR:
    case OPT_PCROP1BER:
        return m->pcrop1b ? 0xFFFFu : 0;
    case OPT_PCROP2SR:
    case OPT_PCROP2ER:
        return m->bank2_options ? 0xFFFFu : 0;
    case OPT_WRP2AR:
    case OPT_WRP2BR:
        return m->bank2_options ? m->wrp_field | m->wrp_field << 16 : 0;
    default:
        return 0;
    }
}

static int rdp_level_of(uint8_t rdp)
{
    return rdp == RDP_LEVEL0 ? 0 : rdp == RDP_LEVEL2 ? 2 : 1;
}

static uint32_t secure_start(const struct sim_target *t);

/* Option bytes as shipped, or with the RDP byte of the level asked for. A WB ships with its
 * wireless stack in the secure area: stand-in bytes that are not erased. */
static void optbytes_default(struct sim_target *t, int rdp_level)
{
    for (unsigned i = 0; i < SIM_L4_OPT_WORDS; i++)
        t->optnv[i] = opt_default(t, i);
    uint8_t rdp = rdp_level == 0 ? RDP_LEVEL0 : rdp_level == 2 ? RDP_LEVEL2 : 0xBB;
    t->optnv[OPT_OPTR] = (t->optnv[OPT_OPTR] & ~0xFFu) | rdp;
    for (uint32_t off = secure_start(t); off < t->flash_size; off++)
        t->flash[off] = (uint8_t)(0x5A ^ (off * 7u));
}

/* The option-byte loader (at reset and OBL_LAUNCH): the registers take the stored values. */
static void load_options(struct sim_target *t)
{
    for (unsigned i = 0; i < SIM_L4_OPT_WORDS; i++) {
        uint32_t w = opt_writable(t, i);
        t->l4f.opt[i] = (t->optnv[i] & w) | (opt_default(t, i) & ~w);
        t->l4f.loaded[i] = t->l4f.opt[i];
    }
    t->l4f.rdp_level = rdp_level_of((uint8_t)t->l4f.opt[OPT_OPTR]);
}

/* System memory holds each option word as a double word: the value, then its complement
 * (RM0351 §3.4.1 Table 11, RM0444 §3.4.1 Table 12): bank 1 from 0x1FFF7800 in register order
 * (+0x20 .. +0x38), bank 2 of the L4 from 0x1FFFF808 (+0x44 .. +0x50). */
/* The option bytes as the core reads them in system memory: each word, then its complement. */
static void optbytes_sync(struct sim_target *t)
{
    const struct sim_family *fam = t->family;
    uint8_t *sysmem = t->sysmem;
    for (unsigned i = 0; i < SIM_L4_OPT_WORDS; i++) {
        if (!opt_writable(t, i))
            continue;
        uint32_t addr = i < 7 ? fam->optbytes_base + 8u * i : 0x1FFFF808u + 8u * (i - 9);
        if (addr < fam->sysmem_base || addr - fam->sysmem_base + 8u > t->sysmem_size)
            continue;
        uint32_t w = opt_writable(t, i);
        uint32_t v = (t->optnv[i] & w) | (opt_default(t, i) & ~w);
        le32_put(&sysmem[addr - fam->sysmem_base], v);
        le32_put(&sysmem[addr - fam->sysmem_base + 4], ~v);
    }
}

static void state_get(const struct sim_target *t, uint8_t *out)
{
    for (unsigned i = 0; i < SIM_L4_OPT_WORDS; i++)
        le32_put(&out[4 * i], t->optnv[i]);
}

static void state_put(struct sim_target *t, const uint8_t *in)
{
    for (unsigned i = 0; i < SIM_L4_OPT_WORDS; i++)
        t->optnv[i] = le32_get(&in[4 * i]);
}

/* ---- geometry ---- */

/* Page bytes: the G4's bank mode chooses between two sizes (RM0440 §5.3.1). */
static uint32_t page_size(const struct sim_target *t)
{
    const struct sim_l4_model *m = l4_model(t);
    if (m->single_bank_page && l4_bank_size(t) == t->flash_size)
        return m->single_bank_page;
    return t->chip->page_size;
}

/* FLASH_SFR as the option bytes loaded it: the family's (the WB's wireless stack, the WL's
 * security disabled), or the secure area the board was started with. */
static uint32_t sfr_value(const struct sim_target *t)
{
    const struct sim_l4_model *m = l4_model(t);
    if (t->cfg.secure_page && (m->sfr_default || m->sfr_wl))
        return t->cfg.secure_page & (m->sfr_wl ? WL_SFR_SFSA : SFR_SFSA);
    return m->sfr_default;
}

/* The flash offset where CPU2's secure area starts (FLASH_SFR.SFSA unless FSD; on the WL only
 * with OPTR.ESE, which the board sets with its secure page, RM0453 §4), or the flash size when
 * there is none. */
static uint32_t secure_start(const struct sim_target *t)
{
    const struct sim_l4_model *m = l4_model(t);
    uint32_t sfr = sfr_value(t);
    uint32_t fsd = m->sfr_wl ? WL_SFR_FSD : SFR_FSD, sfsa = m->sfr_wl ? WL_SFR_SFSA : SFR_SFSA;
    if ((!m->sfr_default && !m->sfr_wl) || (sfr & fsd) || (m->sfr_wl && !t->cfg.secure_page))
        return t->flash_size;
    uint32_t off = (sfr & sfsa) * t->chip->page_size;
    return off < t->flash_size ? off : t->flash_size;
}

static bool array_hidden(const struct sim_target *t, uint32_t addr)
{
    return addr - t->family->flash_base >= secure_start(t);
}

/* Bytes per bank: two halves on dual-bank parts (RM0351 §3.3.1: the 1 MiB L47x always; smaller
 * ones with OPTR.DUALBANK), else the whole flash. */
uint32_t l4_bank_size(const struct sim_target *t)
{
    const struct sim_l4_model *m = l4_model(t);
    bool dual = (m->dual_bank_at_max && t->flash_size == t->chip->flash_kib * 1024u) ||
                (m->optr_dualbank && (t->l4f.opt[OPT_OPTR] & m->optr_dualbank));
    return dual ? t->flash_size / 2u : t->flash_size;
}

/* Whether the page at flash offset off lies in an active WRP area of its bank: pages STRT to
 * END (STRT <= END) are protected (RM0351 §3.5.2, RM0444 §3.4.2). */
bool l4_write_protected(const struct sim_target *t, uint32_t off)
{
    uint32_t bsize = l4_bank_size(t), page = page_size(t);
    unsigned bank = off / bsize;
    uint32_t pn = (off % bsize) / page;
    unsigned regs[2] = {bank ? OPT_WRP2AR : OPT_WRP1AR, bank ? OPT_WRP2BR : OPT_WRP1BR};
    if (bank && !l4_model(t)->bank2_options)
        return false;
    for (unsigned i = 0; i < 2; i++) {
        uint32_t v = t->l4f.opt[regs[i]], f = l4_model(t)->wrp_field;
        uint32_t strt = v & f, end = (v >> 16) & f;
        if (strt <= end && pn >= strt && pn <= end)
            return true;
    }
    return false;
}

/* RM0351 Table 24, RM0444 Table 20: under level 1 with a debugger attached, the main flash can
 * neither be read nor be programmed or erased. */
bool l4_debug_blocked(const struct sim_target *t)
{
    return t->l4f.rdp_level > 0 && (t->core.dhcsr_ctrl & 1u);
}

/* ---- time ---- */

void l4_flash_update(struct sim_target *t)
{
    struct l4_flash *f = &t->l4f;
    if (f->fast_active) {
        l4_fast_update(t);
        return;
    }
    if ((f->sr & SR_BUSY) && t->now >= f->busy_until) {
        f->sr &= ~(SR_BUSY | SR_CFGBSY);
        f->cr &= ~(CR_STRT | CR_OPTSTRT);
        if (f->eop_pending && (f->cr & CR_EOPIE))
            f->sr |= SR_EOP;
        f->eop_pending = false;
    }
}

static sim_ps busy_until(const struct sim_target *t)
{
    return t->l4f.busy_until;
}

/* Double words at the family's tPROG, those of fast rows at a row's share each, page and mass
 * erases at its tERASE (the stats count programmed half-words, four to a double word, the fast
 * ones included). */
static sim_ps work_floor(const struct sim_target *t, const struct sim_stats *s)
{
    sim_ps fast = l4_model(t)->fast_row_dw ? s->fast_doublewords * l4_tprog_fast_dw(t) : 0;
    return (s->halfwords_programmed / 4u - s->fast_doublewords) * t->family->tprog_ps + fast +
           (s->pages_erased + s->mass_erases) * t->family->erase_ps;
}

/* The BSY bit of an operation at flash offset off: BSY2 in the G0B1's bank 2. */
uint32_t l4_busy_bit(const struct sim_target *t, uint32_t off)
{
    bool bank2 =
        l4_model(t)->bank2_pnb && l4_bank_size(t) < t->flash_size && off >= l4_bank_size(t);
    return bank2 ? SR_BSY2 : SR_BSY;
}

/* An operation on the flash at offset off (BSY2 when it is in the G0B1's bank 2). */
static void start_busy(struct sim_target *t, sim_ps duration, uint32_t off)
{
    struct l4_flash *f = &t->l4f;
    f->busy_until = sim_flash_queue(t, f->sr & SR_BUSY, f->busy_until, duration);
    f->sr |= l4_busy_bit(t, off) | (l4_model(t)->cfgbsy ? SR_CFGBSY : 0);
    f->eop_pending = true;
}

/* A debugger access to a busy controller is answered later (the probe retries); the core's
 * access stalls the bus until the operation ends. */
bool l4_wait_not_busy(struct sim_target *t, enum sim_initiator who)
{
    l4_flash_update(t);
    if (!(t->l4f.sr & SR_BUSY))
        return true;
    return sim_flash_stall(t, who, t->l4f.busy_until, l4_flash_update);
}

/* The option bytes load at power-on and on OBL_LAUNCH, not at other resets (RM0351 §3.4.2,
 * RM0444 §3.4.2): the option registers and the level in force survive a system reset. */
static void flash_reset(struct sim_target *t)
{
    struct l4_flash keep = t->l4f;
    memset(&t->l4f, 0, sizeof t->l4f); /* a fast row ends; no bank counts as mass-erased */
    if (keep.fast_active)
        sim_target_watch_flash_reads(t, false);
    t->l4f.acr = 0x00000600u; /* ICEN, DCEN (RM0351 §3.7.1) */
    t->l4f.cr = CR_LOCK | CR_OPTLOCK;
    if (t->power_on || keep.obl_pending) {
        load_options(t);
    } else {
        memcpy(t->l4f.opt, keep.loaded, sizeof keep.loaded);
        memcpy(t->l4f.loaded, keep.loaded, sizeof keep.loaded);
        t->l4f.rdp_level = keep.rdp_level;
    }
}

static int rdp_level(const struct sim_target *t)
{
    return t->l4f.rdp_level;
}

/* ---- erase ---- */

/* The data cache (L4, L4+, G4, WB, WL; not the G0 and C0, RM0444 §3.7.1) is not told of
 * erases (RM0351 §3.3.3 "Data cache memory"): with DCEN set, lines of the erased flash read
 * before may be served afterwards until DCRST empties the cache. The board records that such
 * lines may exist (dcache_stale); it does not serve them. */
static bool has_dcache(const struct sim_target *t)
{
    return !is_g0(t);
}

static void erase_bytes(struct sim_target *t, uint32_t off, uint32_t len)
{
    sim_flash_erase_bytes(t, off, len);
    if (has_dcache(t) && (t->l4f.acr & ACR_DCEN))
        t->l4f.dcache_stale = true;
}

static enum sim_bus_result page_erase(struct sim_target *t)
{
    struct l4_flash *f = &t->l4f;
    const struct sim_l4_model *m = l4_model(t);
    uint32_t pnb = (f->cr >> 3) & ((1u << m->pnb_bits) - 1u);
    unsigned bank = m->cr_bker && (f->cr & m->cr_bker) ? 1u : 0u;
    uint32_t bsize = l4_bank_size(t), page = page_size(t);
    /* G0B1: RM0444 §3.3.1 numbers bank 2's pages from 256 (PNB bit 8); the bank is BKER's and
     * the page in it PNB's low bits, so bank-relative numbers with BKER reach the same page. */
    if (bank && m->bank2_pnb)
        pnb &= bsize / page - 1u;
    uint32_t off = bank * bsize + pnb * page;
    if (!(bank && bsize == t->flash_size) && pnb * page < bsize && off >= secure_start(t)) {
        f->cr &= ~CR_STRT; /* a secure page: aborted with a bus error (RM0434 §3.3.7) */
        return SIM_BUS_FAULT;
    }
    if ((bank && bsize == t->flash_size) || pnb * page >= bsize || l4_write_protected(t, off) ||
        l4_debug_blocked(t)) {
        f->sr |= SR_WRPERR; /* no such page, or protected: nothing is erased */
        f->cr &= ~CR_STRT;
        return SIM_BUS_OK;
    }
    erase_bytes(t, off, page);
    start_busy(t, terase(t), off);
    f->mass_erased[off / bsize] = false;
    if (t->stats)
        t->stats->pages_erased++;
    return SIM_BUS_OK;
}

/* MER1 / MER2: the banks; refused when a WRP area of the bank is active (RM0351 §3.3.6). */
static void mass_erase_banks(struct sim_target *t, bool b1, bool b2, bool check_wrp)
{
    uint32_t bsize = l4_bank_size(t), page = page_size(t);
    if (bsize == t->flash_size) { /* a single bank: MER1 and MER2 both erase it */
        b1 = b1 || b2;
        b2 = false;
    }
    for (unsigned b = 0; check_wrp && b < 2; b++)
        if ((b ? b2 : b1))
            for (uint32_t off = b * bsize; off < (b + 1) * bsize; off += page)
                if (l4_write_protected(t, off) || l4_debug_blocked(t)) {
                    t->l4f.sr |= SR_WRPERR;
                    t->l4f.cr &= ~CR_STRT;
                    return;
                }
    if (b1)
        erase_bytes(t, 0, bsize);
    if (b2)
        erase_bytes(t, bsize, bsize);
    t->l4f.mass_erased[0] |= b1;
    t->l4f.mass_erased[1] |= b2;
    start_busy(t, terase(t), b1 ? 0 : bsize);
    if (t->stats)
        t->stats->mass_erases++;
}

/* OPTSTRT: the option registers become the stored option bytes. Going from level 1 back to 0
 * erases the whole flash first (RM0351 §3.5.1, RM0444 §3.4.1); level 2 can never be left. */
static void option_program(struct sim_target *t)
{
    struct l4_flash *f = &t->l4f;
    int stored = rdp_level_of((uint8_t)t->optnv[OPT_OPTR]);
    int want = rdp_level_of((uint8_t)f->opt[OPT_OPTR]);
    if (stored == 2 || f->rdp_level == 2) {
        f->sr |= SR_OPERR;
        f->cr &= ~CR_OPTSTRT;
        return;
    }
    sim_ps dt = terase(t);
    if (want == 0 && (stored > 0 || f->rdp_level > 0)) {
        erase_bytes(t, 0, secure_start(t)); /* the WB's wireless stack stays */
        dt += terase(t);
        if (t->stats)
            t->stats->mass_erases++;
    }
    for (unsigned i = 0; i < SIM_L4_OPT_WORDS; i++)
        t->optnv[i] = f->opt[i] & opt_writable(t, i);
    sim_target_optbytes_changed(t);
    start_busy(t, dt, 0);
    if (t->stats)
        t->stats->option_erases++;
}

/* ---- registers ---- */

enum sim_bus_result l4_flash_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct l4_flash *f = &t->l4f;
    l4_flash_update(t);
    if (off >= REG_OPT_FIRST && off < REG_OPT_END) {
        unsigned i = (off - REG_OPT_FIRST) / 4u;
        *val = opt_writable(t, i) ? f->opt[i] : 0;
        return SIM_BUS_OK;
    }
    switch (off) {
    case REG_ACR:
        *val = f->acr;
        break;
    case REG_SR:
        *val = f->sr;
        break;
    case REG_CR:
        *val = f->cr;
        break;
    case REG_SFR:
        *val = sfr_value(t);
        break; /* 0 where the register is not */
    default:
        *val = 0;
        break; /* KEYR, OPTKEYR write-only; ECCR and the rest: 0 */
    }
    return SIM_BUS_OK;
}

/* KEYR / OPTKEYR: a wrong key locks the controller until the next reset and answers with a bus
 * error (RM0351 §3.3.5). */
static enum sim_bus_result key_write(struct sim_target *t, int *stage, uint32_t k1, uint32_t k2,
                                     uint32_t val, uint32_t clears)
{
    struct l4_flash *f = &t->l4f;
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
    /* RM0351 §3.7.6 */
    t->l4f.obl_pending = true;
    sim_flash_obl_launch(t, who);
}

static enum sim_bus_result cr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct l4_flash *f = &t->l4f;
    const struct sim_l4_model *m = l4_model(t);
    if (f->cr & CR_LOCK)
        return SIM_BUS_OK; /* locked: writes have no effect */
    if (!l4_wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if ((val & CR_OBL_LAUNCH) && !(f->cr & CR_OPTLOCK)) {
        obl_launch(t, who);
        return SIM_BUS_OK;
    }
    uint32_t writable = CR_PG | CR_PER | CR_MER1 | (((1u << m->pnb_bits) - 1u) << 3) | m->cr_bker |
                        (m->cr_bker ? CR_MER2 : 0) | CR_FSTPG | CR_EOPIE | CR_ERRIE | CR_RDERRIE;
    uint32_t next =
        (f->cr & (CR_LOCK | CR_OPTLOCK)) | (val & writable) | (val & (CR_LOCK | CR_OPTLOCK));
    if (!(next & CR_PG))
        f->half_written = false;
    f->cr = next;
    if (val & CR_OPTSTRT) {
        if (!(f->cr & CR_OPTLOCK))
            option_program(t);
        return SIM_BUS_OK;
    }
    if (!(val & CR_STRT))
        return SIM_BUS_OK;
    uint32_t ops = next & (CR_PG | CR_PER | CR_MER1 | CR_MER2 | CR_FSTPG);
    if (f->sr & SR_PROG_ERRORS || (ops & (CR_PG | CR_FSTPG)) ||
        ((ops & CR_PER) && (ops & (CR_MER1 | CR_MER2)))) {
        f->sr |= SR_PGSERR; /* RM0351 §3.7.5: a wrong combination, or errors not cleared */
        return SIM_BUS_OK;
    }
    f->cr |= CR_STRT;
    if ((ops & (CR_MER1 | CR_MER2)) && secure_start(t) < t->flash_size) {
        f->cr &= ~CR_STRT; /* the secure area would go too: refused (RM0434 §3.3.7) */
        return SIM_BUS_FAULT;
    }
    if (ops & (CR_MER1 | CR_MER2))
        mass_erase_banks(t, ops & CR_MER1, ops & CR_MER2, true);
    else if (ops & CR_PER)
        return page_erase(t);
    else
        f->cr &= ~CR_STRT;
    return SIM_BUS_OK;
}

enum sim_bus_result l4_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who)
{
    struct l4_flash *f = &t->l4f;
    l4_flash_update(t);
    if (off >= REG_OPT_FIRST && off < REG_OPT_END) {
        unsigned i = (off - REG_OPT_FIRST) / 4u;
        if (f->cr & CR_OPTLOCK)
            return SIM_BUS_OK;
        uint32_t w = opt_writable(t, i);
        f->opt[i] = (val & w) | (opt_default(t, i) & ~w);
        return SIM_BUS_OK;
    }
    switch (off) {
    case REG_ACR:
        /* LATENCY [2:0]; [3:0] on the G4 (RM0440 §3.7.1). DCRST is written only while DCEN is
         * clear (RM0351 §3.7.1), and then empties the data cache. */
        if ((val & ACR_DCRST) && (f->acr & ACR_DCEN))
            val &= ~ACR_DCRST;
        if ((val & ACR_DCRST) && has_dcache(t))
            f->dcache_stale = false;
        f->acr = val & (is_g4(t) ? 0x00007F0Fu : 0x00007F07u);
        rcc_g0l4_check_timing(t);
        return SIM_BUS_OK;
    case REG_KEYR:
        if (!(f->cr & CR_LOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->key_stage, KEY1, KEY2, val, CR_LOCK);
    case REG_OPTKEYR:
        if (f->cr & CR_LOCK)
            return SIM_BUS_OK; /* the options unlock only with the controller unlocked */
        return key_write(t, &f->optkey_stage, OPTKEY1, OPTKEY2, val, CR_OPTLOCK);
    case REG_SR:
        f->sr &= ~(val & SR_CLEARABLE);
        return SIM_BUS_OK;
    case REG_CR:
        return cr_write(t, val, who);
    default:
        return SIM_BUS_OK;
    }
}

/* ---- the array ---- */

static void program_doubleword(struct sim_target *t, uint32_t addr, uint32_t lo, uint32_t hi)
{
    struct l4_flash *f = &t->l4f;
    uint32_t off = addr - t->family->flash_base;
    if (l4_write_protected(t, off) || l4_debug_blocked(t)) {
        f->sr |= SR_WRPERR;
        return;
    }
    uint32_t cur_lo = le32_get(&t->flash[off]), cur_hi = le32_get(&t->flash[off + 4]);
    /* RM0351 §3.3.7: the double word must read erased, unless all zeros are written. */
    if ((cur_lo != 0xFFFFFFFFu || cur_hi != 0xFFFFFFFFu) && (lo != 0 || hi != 0)) {
        f->sr |= SR_PROGERR;
        return;
    }
    le32_put(&t->flash[off], lo);
    le32_put(&t->flash[off + 4], hi);
    start_busy(t, tprog(t), off);
    f->mass_erased[off / l4_bank_size(t)] = false;
    if (t->stats)
        t->stats->halfwords_programmed += 4;
}

/* The first word of a double word waits in the controller for the second (CFGBSY on the G0). */
enum sim_bus_result l4_first_word(struct sim_target *t, uint32_t addr, uint32_t val)
{
    struct l4_flash *f = &t->l4f;
    f->half_written = true;
    f->half_addr = addr;
    f->half_val = val;
    if (l4_model(t)->cfgbsy)
        f->sr |= SR_CFGBSY;
    return SIM_BUS_OK;
}

static enum sim_bus_result array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who)
{
    struct l4_flash *f = &t->l4f;
    if (!(f->cr & (CR_PG | CR_FSTPG)) || (f->cr & CR_LOCK))
        return SIM_BUS_OK; /* not programming: the array ignores the write */
    if ((f->cr & CR_FSTPG) && l4_model(t)->fast_row_dw &&
        !(f->cr & (CR_PG | CR_PER | CR_MER1 | CR_MER2)))
        return l4_fast_write(t, addr, size, val, who);
    if (!l4_wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (f->sr & SR_PROG_ERRORS || (f->cr & (CR_PER | CR_MER1 | CR_MER2 | CR_FSTPG))) {
        f->sr |= SR_PGSERR;
        f->half_written = false;
        return SIM_BUS_OK;
    }
    if (size != 4) {
        f->sr |= SR_SIZERR;
        f->half_written = false;
        return SIM_BUS_OK;
    }
    if (!f->half_written) {
        if (addr & 7u) {
            f->sr |= SR_PGAERR;
            return SIM_BUS_OK;
        }
        return l4_first_word(t, addr, val);
    }
    f->half_written = false;
    if (addr != f->half_addr + 4u) {
        f->sr |= SR_PGAERR;
        f->sr &= ~SR_CFGBSY;
        return SIM_BUS_OK;
    }
    if (f->half_addr - t->family->flash_base >= secure_start(t)) {
        f->sr &= ~SR_CFGBSY; /* the secure area: a bus error, nothing written (RM0434 §3.5.3) */
        return SIM_BUS_FAULT;
    }
    program_doubleword(t, f->half_addr, f->half_val, val);
    if (!(f->sr & SR_BUSY))
        f->sr &= ~SR_CFGBSY;
    sim_flash_note_store(t, f->half_addr, 8, who);
    return SIM_BUS_OK;
}

/* The option bytes in system memory are written through the registers only. */
static enum sim_bus_result optbytes_write(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    (void)t, (void)addr, (void)size, (void)val, (void)who;
    return SIM_BUS_OK;
}

const struct sim_flash_ops sim_l4flash_ops = {
    .reset = flash_reset,
    .update = l4_flash_update,
    .array_write = array_write,
    .optbytes_write = optbytes_write,
    .rdp_level = rdp_level,
    .optbytes_default = optbytes_default,
    .busy_until = busy_until,
    .floor = work_floor,
    .optbytes_sync = optbytes_sync,
    .array_hidden = array_hidden,
    .array_read = l4_fast_array_read,
    .state_section = "optr",
    .state_len = 4u * SIM_L4_OPT_WORDS,
    .state_get = state_get,
    .state_put = state_put,
};
