/*
 * The flash interface of the F2 and F4 (RM0090 §3 for the F405/407/415/417 and F42x/43x, RM0383
 * §3 for the F411): sectors of 16, 64 and 128 KiB (two banks of them on the 2 MiB F42x/43x),
 * FLASH_CR with PG/SER/MER/MER1, SNB and PSIZE, the error flags of FLASH_SR, and the option bytes
 * through FLASH_OPTCR/OPTCR1. Busy periods follow the virtual clock: tPROG per access and the
 * erase times of the datasheets by parallelism (the family's struct sim_f4_model).
 *
 * The option bytes are kept in the target's optbytes[] as the words FLASH_OPTCR and FLASH_OPTCR1
 * load from (and so in the state file's option-byte section): [0] OPTCR[15:0] (USER, RDP),
 * [1] OPTCR[31:16] (nWRP, DB1M, SPRMOD), [2] OPTCR1[15:0], [3] OPTCR1[31:16] (bank-2 nWRP),
 * [4..7] unused (0xFFFF). RM0090 Table 16 places USER/RDP at 0x1FFFC000 and nWRP at 0x1FFFC008
 * (bank 2's at 0x1FFEC008), each in the low half-word of a 64-bit row whose other bits are
 * reserved; here the half-word after each holds its complement, as the F0/F1/F3 store theirs,
 * and the rest of the row reads erased.
 *
 * The F76x/F77x (RM0410 §3) reuse this controller with what struct sim_f4_model says differs:
 * the bank layout chosen by nDBANK at reset (one bank of 32/128/256 KiB sectors, or two banks
 * of 16/64/128 KiB with SNB[4] for bank 2, MER1 = bit 2 and MER2 = bit 15), one nWRP bit per
 * two sectors in dual-bank mode, FLASH_OPTCR1 = BOOT_ADD0/1, and four option rows at
 * 0x1FFF0000: OPTCR[15:0], OPTCR[31:16], OPTCR1[15:0], OPTCR1[31:16] (optbytes[0..3]).
 */
#include <string.h>

#include "core/le.h"
#include "flash_ctl.h"
#include "target.h"

#define F4_ACR 0x00u
#define F4_KEYR 0x04u
#define F4_OPTKEYR 0x08u
#define F4_SR 0x0Cu
#define F4_CR 0x10u
#define F4_OPTCR 0x14u
#define F4_OPTCR1 0x18u

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define OPTKEY1 0x08192A3Bu
#define OPTKEY2 0x4C5D6E7Fu

/* RM0090 §3.9.4 FLASH_SR */
#define SR_EOP (1u << 0)
#define SR_OPERR (1u << 1)
#define SR_WRPERR (1u << 4)
#define SR_PGAERR (1u << 5)
#define SR_PGPERR (1u << 6)
#define SR_PGSERR (1u << 7)
#define SR_RDERR (1u << 8)
#define SR_BSY (1u << 16)
#define SR_ERRORS (SR_WRPERR | SR_PGAERR | SR_PGPERR | SR_PGSERR)

/* RM0090 §3.9.5 FLASH_CR */
#define CR_PG (1u << 0)
#define CR_SER (1u << 1)
#define CR_MER (1u << 2)
#define CR_SNB_SHIFT 3u
#define CR_PSIZE_SHIFT 8u
#define CR_MER1 (1u << 15)
#define CR_STRT (1u << 16)
#define CR_EOPIE (1u << 24)
#define CR_ERRIE (1u << 25)
#define CR_LOCK (1u << 31)

/* RM0090 §3.9.6 FLASH_OPTCR */
#define OPTCR_OPTLOCK (1u << 0)
#define OPTCR_OPTSTRT (1u << 1)
#define OPTCR_RDP_SHIFT 8u
#define OPTCR_NWRP_SHIFT 16u
#define OPTCR_SPRMOD (1u << 31)
#define OPTCR_NDBANK (1u << 29) /* F76x/F77x: 1 = one bank (RM0410 §3.7.6) */

#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL2 0xCCu

/* DHCSR C_DEBUGEN: the debugger is connected (ARMv7-M ARM C1.6.2). */
#define DHCSR_C_DEBUGEN 1u

#define KIB 1024u

static const struct sim_f4_model *model(const struct sim_target *t)
{
    return &t->family->f4;
}

static uint32_t optcr_nv(const struct sim_target *t)
{
    return (uint32_t)t->optbytes[0] | (uint32_t)t->optbytes[1] << 16;
}

static uint32_t optcr1_nv(const struct sim_target *t)
{
    return (uint32_t)t->optbytes[2] | (uint32_t)t->optbytes[3] << 16;
}

static int level_of(uint8_t rdp)
{
    return rdp == RDP_LEVEL0 ? 0 : rdp == RDP_LEVEL2 ? 2 : 1;
}

/* ---- geometry: RM0090 §3.3 Tables 5-7, RM0383 §3.3 Table 4, RM0410 §3.3.1 Tables 3-4 ---- */

static bool dual(const struct sim_target *t)
{
    return t->f4.dual_bank;
}

static uint32_t bank_size(const struct sim_target *t)
{
    return dual(t) ? t->flash_size / 2u : t->flash_size;
}

/* The smallest sector: 16 KiB, or 32 KiB on the single-bank F76x/F77x. */
static uint32_t sector_unit(const struct sim_target *t)
{
    return model(t)->ndbank && !dual(t) ? 32u * KIB : 16u * KIB;
}

/* Sector n of a bank: four of one unit, one of four units, then eight units each (16/64/128
 * KiB, or 32/128/256 KiB). */
static bool sector_in_bank(const struct sim_target *t, unsigned n, uint32_t *off, uint32_t *size)
{
    uint32_t u = sector_unit(t);
    if (n < 4) {
        *off = n * u;
        *size = u;
    } else if (n == 4) {
        *off = 4u * u;
        *size = 4u * u;
    } else {
        *off = 8u * u * (n - 4u);
        *size = 8u * u;
    }
    return *off + *size <= bank_size(t);
}

/* The sector an SNB value names: bank 2's sectors are 0b1xxxx on dual-bank parts (RM0090
 * §3.9.5); values the manual does not list name none. */
static bool sector_of_snb(const struct sim_target *t, unsigned snb, unsigned *bank, uint32_t *off,
                          uint32_t *size)
{
    unsigned n = snb & 0xFu;
    *bank = dual(t) ? (snb >> 4) & 1u : 0u;
    if (!dual(t) && snb > 0xFu)
        return false;
    if (!sector_in_bank(t, n, off, size))
        return false;
    *off += *bank * bank_size(t);
    return true;
}

/* The bank and sector number of a flash offset. */
static void sector_at(const struct sim_target *t, uint32_t off, unsigned *bank, unsigned *n)
{
    uint32_t u = sector_unit(t);
    *bank = off / bank_size(t);
    uint32_t in_bank = off % bank_size(t);
    if (in_bank < 4u * u)
        *n = in_bank / u;
    else if (in_bank < 8u * u)
        *n = 4;
    else
        *n = 4u + in_bank / (8u * u);
}

/* nWRPi cleared: sector i of the bank is write protected (RM0090 §3.6.4; SPRMOD = 0). The
 * dual-bank F76x/F77x count the sectors of both banks 0-23 and give one bit to each pair of
 * them, in FLASH_OPTCR (RM0410 §3.4.2). */
static bool sector_write_protected(const struct sim_target *t, unsigned bank, unsigned n)
{
    if (model(t)->ndbank) {
        unsigned bit = dual(t) ? (bank * 12u + n) / 2u : n;
        return !((t->f4.optcr >> OPTCR_NWRP_SHIFT) & (1u << bit));
    }
    uint32_t nwrp = (bank ? t->f4.optcr1 : t->f4.optcr) >> OPTCR_NWRP_SHIFT;
    return !(nwrp & (1u << n));
}

/* RM0090 §3.6.3 Table 13: under level 1, with the debugger connected or after a boot from
 * system memory, main flash can be neither read, programmed nor erased. */
static bool level1_blocks(const struct sim_target *t)
{
    return t->f4.rdp_level >= 1 && ((t->core.dhcsr_ctrl & DHCSR_C_DEBUGEN) || t->cfg.boot0);
}

/* ---- time ---- */

/* Parallelism index into the model's tables: x8, x16, x32; x64 (no Vpp here) timed as x32. */
static unsigned psize_index(const struct sim_target *t)
{
    unsigned p = (t->f4.cr >> CR_PSIZE_SHIFT) & 3u;
    return p > 2 ? 2 : p;
}

static void f4_update(struct sim_target *t)
{
    struct f4_flash *f = &t->f4;
    if (f->busy && t->now >= f->busy_until) {
        f->busy = false;
        f->sr &= ~SR_BSY;
        f->cr &= ~CR_STRT;
        if (f->cr & CR_EOPIE) /* EOP is set only with EOPIE (RM0090 §3.9.4) */
            f->sr |= SR_EOP;
    }
}

static void start_busy(struct sim_target *t, sim_ps duration)
{
    struct f4_flash *f = &t->f4;
    f->busy_until = sim_flash_queue(t, f->busy, f->busy_until, duration);
    f->busy = true;
    f->sr |= SR_BSY;
    if (t->stats)
        t->stats->flash_work_ps += duration;
}

/* An operation refused: its flag, and OPERR when error interrupts are enabled. */
static void flag_error(struct sim_target *t, uint32_t flag)
{
    t->f4.sr |= flag;
    if (t->f4.cr & CR_ERRIE)
        t->f4.sr |= SR_OPERR;
}

/* The debugger's access to a busy controller is answered later (the probe retries); the core's
 * stalls the bus until BSY clears (RM0090 §3.9.5 note). */
static bool wait_not_busy(struct sim_target *t, enum sim_initiator who)
{
    f4_update(t);
    if (!t->f4.busy)
        return true;
    return sim_flash_stall(t, who, t->f4.busy_until, f4_update);
}

/* ---- option bytes ---- */

static void load_option_bytes(struct sim_target *t)
{
    struct f4_flash *f = &t->f4;
    f->optcr = (optcr_nv(t) & model(t)->optcr_mask) | OPTCR_OPTLOCK;
    if (model(t)->ndbank)
        f->optcr1 = optcr1_nv(t); /* BOOT_ADD0 [15:0], BOOT_ADD1 [31:16] */
    else
        f->optcr1 = model(t)->dual_bank ? optcr1_nv(t) & 0x0FFF0000u : 0;
    f->rdp_level = level_of((uint8_t)(optcr_nv(t) >> OPTCR_RDP_SHIFT));
    f->dual_bank = model(t)->dual_bank || (model(t)->ndbank && !(optcr_nv(t) & OPTCR_NDBANK));
}

/* As shipped (RM0090 §3.9.6, §3.9.7 reset values): FLASH_OPTCR 0x0FFFAAED, OPTCR1 0x0FFF0000;
 * or the RDP byte of the level asked for. */
static void f4_optbytes_default(struct sim_target *t, int rdp_level)
{
    uint8_t rdp = rdp_level == 0 ? RDP_LEVEL0 : rdp_level == 2 ? RDP_LEVEL2 : 0xFF;
    for (unsigned i = 0; i < 8; i++)
        t->optbytes[i] = 0xFFFF;
    t->optbytes[0] = (uint16_t)(0x00ECu | (uint16_t)rdp << 8);
    t->optbytes[1] = 0x0FFF;
    t->optbytes[2] = 0x0000;
    t->optbytes[3] = 0x0FFF;
    if (model(t)->optcr_default) {
        uint32_t optcr = model(t)->optcr_default, optcr1 = model(t)->optcr1_default;
        t->optbytes[0] = (uint16_t)((optcr & 0x00FCu) | (uint16_t)rdp << 8);
        t->optbytes[1] = (uint16_t)(optcr >> 16);
        t->optbytes[2] = (uint16_t)optcr1;
        t->optbytes[3] = (uint16_t)(optcr1 >> 16);
    }
}

static void put_row(uint8_t *p, uint16_t v)
{
    le16_put(p, v);
    le16_put(p + 2, (uint16_t)~v);
    memset(p + 4, 0xFF, 4);
}

static void f4_optbytes_sync(struct sim_target *t)
{
    uint8_t *p = &t->sysmem[t->family->optbytes_base - t->family->sysmem_base];
    put_row(p, t->optbytes[0]);
    put_row(p + 8, t->optbytes[1]);
    if (model(t)->ndbank) { /* BOOT_ADD0, BOOT_ADD1 (RM0410 §3.4.1) */
        put_row(p + 16, t->optbytes[2]);
        put_row(p + 24, t->optbytes[3]);
    }
}

uint32_t f4_bank2_optbytes_read(const struct sim_target *t, uint32_t off)
{
    if (off == 0x8u)
        return t->optbytes[3] | (uint32_t)(uint16_t)~t->optbytes[3] << 16;
    return 0xFFFFFFFFu;
}

/* OPTSTRT (RM0090 §3.7.2): the user configuration sector is erased and programmed with the
 * values in FLASH_OPTCR/OPTCR1; leaving level 1 for level 0 mass-erases the flash first (§3.6.3
 * Figure 5). Level 2 is final: the options no longer change. The time of the sector's erase and
 * programming is not in the datasheets: a 16 KiB sector erase at the current parallelism stands
 * in for it. */
static void option_start(struct sim_target *t)
{
    struct f4_flash *f = &t->f4;
    uint8_t old_rdp = (uint8_t)(optcr_nv(t) >> OPTCR_RDP_SHIFT);
    uint8_t new_rdp = (uint8_t)(f->optcr >> OPTCR_RDP_SHIFT);
    if (f->rdp_level == 2 || level_of(old_rdp) == 2) {
        flag_error(t, SR_WRPERR);
        return;
    }
    unsigned p = psize_index(t);
    sim_ps duration = model(t)->sector_erase_ps[0][p];
    if (new_rdp == RDP_LEVEL0 && (level_of(old_rdp) == 1 || f->rdp_level == 1)) {
        memset(t->flash, 0xFF, t->flash_size);
        sim_target_code_changed(t, t->family->flash_base, t->flash_size);
        duration += model(t)->mass_erase_ps[p];
        if (t->stats)
            t->stats->mass_erases++;
    }
    uint32_t optcr = f->optcr & model(t)->optcr_mask;
    t->optbytes[0] = (uint16_t)(optcr & 0xFFFCu);
    t->optbytes[1] = (uint16_t)(optcr >> 16);
    if (model(t)->ndbank) {
        t->optbytes[2] = (uint16_t)f->optcr1;
        t->optbytes[3] = (uint16_t)(f->optcr1 >> 16);
    } else if (model(t)->dual_bank) {
        t->optbytes[3] = (uint16_t)((f->optcr1 >> 16) & 0x0FFFu);
    }
    sim_target_optbytes_changed(t);
    start_busy(t, duration);
    if (t->stats)
        t->stats->option_erases++;
}

/* ---- registers ---- */

static void f4_reset(struct sim_target *t)
{
    memset(&t->f4, 0, sizeof t->f4);
    t->f4.cr = CR_LOCK;
    load_option_bytes(t);
}

enum sim_bus_result f4_flash_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct f4_flash *f = &t->f4;
    f4_update(t);
    switch (off) {
    case F4_ACR:
        *val = f->acr;
        break;
    case F4_SR:
        *val = f->sr;
        break;
    case F4_CR:
        *val = f->cr;
        break;
    case F4_OPTCR:
        *val = f->optcr;
        break;
    case F4_OPTCR1:
        *val = f->optcr1;
        break;
    default:
        *val = 0;
        break; /* KEYR, OPTKEYR are write-only */
    }
    return SIM_BUS_OK;
}

static uint32_t cr_writable(const struct sim_target *t)
{
    uint32_t snb_bits = dual(t) ? 0x1Fu : 0xFu;
    return CR_PG | CR_SER | CR_MER | snb_bits << CR_SNB_SHIFT | 3u << CR_PSIZE_SHIFT |
           (dual(t) ? CR_MER1 : 0) | CR_EOPIE | CR_ERRIE;
}

static void sector_erase(struct sim_target *t)
{
    unsigned snb = (t->f4.cr >> CR_SNB_SHIFT) & 0x1Fu, bank;
    uint32_t off, size;
    if (!sector_of_snb(t, snb, &bank, &off, &size)) {
        flag_error(t, SR_PGSERR); /* an SNB the manual does not list: nothing is erased */
        return;
    }
    if (level1_blocks(t) || sector_write_protected(t, bank, (snb & 0xFu))) {
        flag_error(t, SR_WRPERR);
        return;
    }
    memset(&t->flash[off], 0xFF, size);
    sim_target_code_changed(t, t->family->flash_base + off, size);
    uint32_t u = sector_unit(t);
    unsigned kind = size == u ? 0 : size == 4u * u ? 1 : 2;
    const sim_ps(*times)[3] =
        u == 16u * KIB ? model(t)->sector_erase_ps : model(t)->single_bank_erase_ps;
    start_busy(t, times[kind][psize_index(t)]);
    if (t->stats)
        t->stats->sectors_erased++;
}

/* MER erases bank 1 (the whole array on single-bank parts), MER1 bank 2; not at all when a
 * sector of them is write protected (RM0090 §3.5.3). */
static void mass_erase(struct sim_target *t, bool bank1, bool bank2)
{
    unsigned nbanks = dual(t) ? 2u : 1u;
    bool which[2] = {bank1, bank2};
    if (level1_blocks(t)) {
        flag_error(t, SR_WRPERR);
        return;
    }
    for (unsigned b = 0; b < nbanks; b++) {
        uint32_t o, s;
        for (unsigned n = 0; which[b] && sector_in_bank(t, n, &o, &s); n++)
            if (sector_write_protected(t, b, n)) {
                flag_error(t, SR_WRPERR);
                return;
            }
    }
    for (unsigned b = 0; b < nbanks; b++)
        if (which[b]) {
            memset(&t->flash[b * bank_size(t)], 0xFF, bank_size(t));
            sim_target_code_changed(t, t->family->flash_base + b * bank_size(t), bank_size(t));
        }
    unsigned p = psize_index(t);
    bool whole = nbanks == 1 || (bank1 && bank2);
    start_busy(t, whole ? model(t)->mass_erase_ps[p] : model(t)->bank_erase_ps[p]);
    if (t->stats)
        t->stats->mass_erases++;
}

static enum sim_bus_result cr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct f4_flash *f = &t->f4;
    if (f->cr & CR_LOCK)
        return SIM_BUS_OK; /* locked: writes have no effect */
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    f->cr = (f->cr & ~cr_writable(t)) | (val & cr_writable(t));
    if (val & CR_LOCK) {
        f->cr |= CR_LOCK;
        return SIM_BUS_OK;
    }
    if (!(val & CR_STRT))
        return SIM_BUS_OK;
    bool mer = f->cr & CR_MER, mer1 = f->cr & CR_MER1, ser = f->cr & CR_SER;
    f->cr |= CR_STRT;
    /* RM0090 §3.6.3 note: with MERx and SER both set, the mass erase is performed (a client
     * that leaves SER from a sector erase and then sets MER gets its mass erase). */
    if (mer || mer1)
        mass_erase(t, mer, mer1);
    else if (ser)
        sector_erase(t);
    if (!f->busy)
        f->cr &= ~CR_STRT;
    return SIM_BUS_OK;
}

static enum sim_bus_result optcr_write(struct sim_target *t, uint32_t off, uint32_t val,
                                       enum sim_initiator who)
{
    struct f4_flash *f = &t->f4;
    bool has_optcr1 = model(t)->dual_bank || model(t)->ndbank;
    if ((f->optcr & OPTCR_OPTLOCK) || (off == F4_OPTCR1 && !has_optcr1))
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (off == F4_OPTCR1) {
        f->optcr1 = model(t)->ndbank ? val : val & 0x0FFF0000u;
        return SIM_BUS_OK;
    }
    f->optcr = (val & model(t)->optcr_mask) | (val & OPTCR_OPTLOCK);
    if ((val & OPTCR_OPTSTRT) && !(val & OPTCR_OPTLOCK))
        option_start(t);
    return SIM_BUS_OK;
}

enum sim_bus_result f4_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who)
{
    struct f4_flash *f = &t->f4;
    bool unlock;
    enum sim_bus_result r;
    f4_update(t);
    switch (off) {
    case F4_ACR:
        /* LATENCY, PRFTEN, ICEN, DCEN, ICRST, DCRST (RM0090 §3.9.1); the F7's own bits */
        f->acr = val & (model(t)->acr_mask ? model(t)->acr_mask : model(t)->latency_mask | 0x1F00u);
        rcc_f4_check_timing(t);
        return SIM_BUS_OK;
    case F4_KEYR:
        if (!(f->cr & CR_LOCK))
            return SIM_BUS_OK;
        r = sim_flash_key_write(&f->key_stage, &f->cr_locked_up, val, KEY1, KEY2, &unlock);
        if (unlock)
            f->cr &= ~CR_LOCK;
        return r;
    case F4_OPTKEYR:
        if (!(f->optcr & OPTCR_OPTLOCK))
            return SIM_BUS_OK;
        r = sim_flash_key_write(&f->optkey_stage, &f->opt_locked_up, val, OPTKEY1, OPTKEY2,
                                &unlock);
        if (unlock)
            f->optcr &= ~OPTCR_OPTLOCK;
        return r;
    case F4_SR: {
        uint32_t clearable = SR_EOP | SR_OPERR | SR_ERRORS | (model(t)->rderr ? SR_RDERR : 0);
        f->sr &= ~(val & clearable);
        return SIM_BUS_OK;
    }
    case F4_CR:
        return cr_write(t, val, who);
    case F4_OPTCR:
    case F4_OPTCR1:
        return optcr_write(t, off, val, who);
    default:
        return SIM_BUS_OK;
    }
}

/* ---- the array ---- */

static void mark_changed(struct sim_target *t, uint32_t addr, unsigned size, enum sim_initiator who)
{
    if (who == SIM_BY_DEBUG) {
        sim_target_code_changed(t, addr, size);
    } else if (t->dirty_hi <= t->dirty_lo) { /* dropped from Unicorn's cache after the run */
        t->dirty_lo = addr;
        t->dirty_hi = addr + size;
    } else {
        t->dirty_lo = addr < t->dirty_lo ? addr : t->dirty_lo;
        t->dirty_hi = addr + size > t->dirty_hi ? addr + size : t->dirty_hi;
    }
}

/* RM0090 §3.5.4: with PG set, an access of the PSIZE width programs (SER or MER may be set as
 * well: "if an erase and a program operation are requested simultaneously, the erase operation
 * is performed first"); bits only go from 1 to 0
 * (a write over programmed bits leaves the AND of both), an access of another width is refused
 * with PGPERR, one that crosses its alignment (and so may cross a 128-bit row) with PGAERR. A
 * write without PG is a sequence error (PGSERR). */
static enum sim_bus_result f4_array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    struct f4_flash *f = &t->f4;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (!(f->cr & CR_PG)) {
        flag_error(t, SR_PGSERR);
        return SIM_BUS_OK;
    }
    uint32_t off = addr - t->family->flash_base;
    unsigned bank, n;
    sector_at(t, off, &bank, &n);
    if (level1_blocks(t) || sector_write_protected(t, bank, n)) {
        flag_error(t, SR_WRPERR);
        return SIM_BUS_OK;
    }
    unsigned psize = (f->cr >> CR_PSIZE_SHIFT) & 3u;
    if (size != (1u << psize)) {
        flag_error(t, SR_PGPERR);
        return SIM_BUS_OK;
    }
    if (addr & (size - 1u)) {
        flag_error(t, SR_PGAERR);
        return SIM_BUS_OK;
    }
    for (unsigned i = 0; i < size; i++)
        t->flash[off + i] &= (uint8_t)(val >> (8 * i));
    start_busy(t, t->family->tprog_ps);
    if (t->stats) {
        t->stats->program_ops++;
        t->stats->bytes_programmed += size;
    }
    mark_changed(t, addr, size, who);
    return SIM_BUS_OK;
}

/* The option bytes change through FLASH_OPTCR only: stores into their memory copy are ignored. */
static enum sim_bus_result f4_optbytes_write(struct sim_target *t, uint32_t addr, unsigned size,
                                             uint32_t val, enum sim_initiator who)
{
    return SIM_BUS_OK;
}

static int f4_rdp_level(const struct sim_target *t)
{
    return t->f4.rdp_level;
}

static sim_ps f4_busy_until(const struct sim_target *t)
{
    return t->f4.busy ? t->f4.busy_until : 0;
}

static sim_ps f4_floor(const struct sim_target *t, const struct sim_stats *s)
{
    return s->flash_work_ps;
}

const struct sim_flash_ops sim_f4_flash_ops = {
    .reset = f4_reset,
    .update = f4_update,
    .array_write = f4_array_write,
    .optbytes_write = f4_optbytes_write,
    .rdp_level = f4_rdp_level,
    .optbytes_default = f4_optbytes_default,
    .busy_until = f4_busy_until,
    .floor = f4_floor,
    .optbytes_sync = f4_optbytes_sync,
};
