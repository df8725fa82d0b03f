/*
 * The H7 flash interface (RM0433 §4 for the H743, RM0455 §4 for the H7A3): two banks, each with
 * its own register block (bank 1 at 0x52002000, bank 2 at +0x100: KEYR, CR, SR, CCR, WPSN) and
 * write buffer; flash words of 256 bits (128 on the H7A3) programmed with PG once the buffer is
 * full; sector erase (SER, SNB, START), bank erase (BER, START) and mass erase (FLASH_OPTCR.MER);
 * the error flags of FLASH_SR cleared through FLASH_CCR; the option bytes through the shared
 * OPTKEYR/OPTCR/OPTSR_PRG with OPTSTART, in force at once in the _CUR registers. Busy periods
 * follow the virtual clock with the datasheets' typical times (the family's struct
 * sim_h7_model).
 *
 * The option bytes stored are the target's optnv[] (and so the state file's "h7opt" section):
 * [0] OPTSR, [1] WPSN bank 1, [2] WPSN bank 2, [3] BOOT (BOOT_ADD0 [15:0], BOOT_ADD1 [31:16]).
 * Bit 0 of [0] (OPT_BUSY, a status bit never stored) records whether the array's halves are
 * exchanged: SWAP_BANK_OPT takes effect at the next reset (RM0433 §4.3.13 "Flash bank
 * swapping"), which puts bank 2 at 0x08000000; each register block keeps controlling its physical
 * bank.
 */
#include <string.h>

#include "core/le.h"
#include "flash_ctl.h"
#include "target.h"

#define R_ACR 0x00u
#define R_KEYR 0x04u
#define R_OPTKEYR 0x08u
#define R_CR 0x0Cu
#define R_SR 0x10u
#define R_CCR 0x14u
#define R_OPTCR 0x18u
#define R_OPTSR_CUR 0x1Cu
#define R_OPTSR_PRG 0x20u
#define R_OPTCCR 0x24u
#define R_WPSN_CUR 0x38u
#define R_WPSN_PRG 0x3Cu
#define R_BOOT_CUR 0x40u
#define R_BOOT_PRG 0x44u

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define OPTKEY1 0x08192A3Bu
#define OPTKEY2 0x4C5D6E7Fu

/* FLASH_CR (RM0433 §4.9.4; RM0455 §4.9.4 for the START and SSN places) */
#define CR_LOCK (1u << 0)
#define CR_PG (1u << 1)
#define CR_SER (1u << 2)
#define CR_BER (1u << 3)
#define CR_PSIZE_SHIFT 4u
#define CR_CRC_EN (1u << 15)
#define CR_IE_MASK 0x1FFF0000u

/* FLASH_SR (RM0433 §4.9.5) */
#define SR_BSY (1u << 0)
#define SR_WBNE (1u << 1)
#define SR_QW (1u << 2)
#define SR_EOP (1u << 16)
#define SR_WRPERR (1u << 17)
#define SR_PGSERR (1u << 18)
#define SR_INCERR (1u << 21)
#define SR_FLAGS 0x1FFF0000u /* EOP and the error flags: what FLASH_CCR clears */

/* FLASH_OPTCR, FLASH_OPTSR (RM0433 §4.9.7-§4.9.9) */
#define OPTCR_OPTLOCK (1u << 0)
#define OPTCR_OPTSTART (1u << 1)
#define OPTCR_MER (1u << 4)
#define OPTCR_SWAP_BANK (1u << 31)
#define OPTSR_OPT_BUSY (1u << 0)
#define OPTSR_RDP_SHIFT 8u
#define OPTSR_OPTCHANGEERR (1u << 30)
#define OPTSR_SWAP_BANK_OPT (1u << 31)
/* BOR_LEV, IWDG1_SW, NRST_STOP/STBY, RDP, FZ_IWDG_STOP/SDBY, ST_RAM_SIZE, SECURITY, IO_HSLV,
 * SWAP_BANK_OPT: the bits OPTSR_PRG stores. */
#define OPTSR_WRITABLE 0xA03BFFDCu
/* As shipped: BOR off, IWDG1 by software, no reset in Stop/Standby, RDP 0xAA, IWDG1 running in
 * Stop and Standby (RM0433 §4.4.2 option byte defaults). */
#define OPTSR_DEFAULT 0x0003AAD0u
#define BOOT_DEFAULT 0x1FF00800u /* BOOT_ADD0 0x0800 (flash), BOOT_ADD1 0x1FF0 (system memory) */

#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL2 0xCCu

#define DHCSR_C_DEBUGEN 1u

static const struct sim_h7_model *model(const struct sim_target *t)
{
    return &t->family->h7;
}

static int level_of(uint8_t rdp)
{
    return rdp == RDP_LEVEL0 ? 0 : rdp == RDP_LEVEL2 ? 2 : 1;
}

static uint32_t bank_size(const struct sim_target *t)
{
    return t->flash_size / 2u;
}

static uint32_t sectors_per_bank(const struct sim_target *t)
{
    return bank_size(t) / model(t)->sector_size;
}

static uint32_t wpsn_mask(const struct sim_target *t)
{
    uint32_t bits = sectors_per_bank(t) / model(t)->wps_per_bit;
    return bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1u;
}

static bool sector_protected(const struct sim_target *t, unsigned bank, uint32_t n)
{
    return !((t->h7f.wpsn_cur[bank] >> (n / model(t)->wps_per_bit)) & 1u);
}

/* RM0433 §4.5.3: under level 1 with the debugger connected (or a boot from system memory), the
 * flash can be neither read, programmed nor erased. */
static bool level1_blocks(const struct sim_target *t)
{
    return t->h7f.rdp_level >= 1 && ((t->core.dhcsr_ctrl & DHCSR_C_DEBUGEN) || t->cfg.boot0);
}

/* Program and erase times by parallelism (PSIZE; the H7A3 has one figure, kept at index 3). */
static unsigned psize_index(const struct sim_target *t, unsigned bank)
{
    return model(t)->psize ? (t->h7f.bank[bank].cr >> CR_PSIZE_SHIFT) & 3u : 3u;
}

/* ---- time ---- */

static void h7_update(struct sim_target *t)
{
    for (unsigned b = 0; b < 2; b++) {
        struct h7_bank *k = &t->h7f.bank[b];
        if (k->busy && t->now >= k->busy_until) {
            k->busy = false;
            k->sr |= SR_EOP; /* RM0433 §4.9.5: set when an operation completes */
            k->cr &= ~model(t)->cr_start;
        }
    }
}

static void start_busy(struct sim_target *t, unsigned bank, sim_ps duration)
{
    struct h7_bank *k = &t->h7f.bank[bank];
    k->busy_until = sim_flash_queue(t, k->busy, k->busy_until, duration);
    k->busy = true;
    if (t->stats)
        t->stats->flash_work_ps += duration;
}

/* The debugger's access to a busy bank is answered later (the probe retries); the core's stalls
 * until the bank is idle. */
static bool wait_not_busy(struct sim_target *t, unsigned bank, enum sim_initiator who)
{
    struct h7_bank *k = &t->h7f.bank[bank];
    h7_update(t);
    if (!k->busy)
        return true;
    return sim_flash_stall(t, who, k->busy_until, h7_update);
}

/* ---- option bytes ---- */

#define NV_SWAPPED 1u /* optnv[0]: the array's halves exchanged */

static unsigned swapped(const struct sim_target *t)
{
    return t->optnv[0] & NV_SWAPPED;
}

/* Where the physical bank b lies in the array. */
static uint32_t bank_off(const struct sim_target *t, unsigned b)
{
    return (b ^ swapped(t)) * bank_size(t);
}

/* SWAP_BANK at reset: the banks change places in the memory map when it differs from the
 * arrangement of the array. */
static void apply_swap(struct sim_target *t)
{
    unsigned want = (t->h7f.optsr_cur & OPTSR_SWAP_BANK_OPT) ? 1u : 0u;
    if (want == swapped(t))
        return;
    uint32_t half = bank_size(t);
    for (uint32_t i = 0; i < half; i++) {
        uint8_t v = t->flash[i];
        t->flash[i] = t->flash[half + i];
        t->flash[half + i] = v;
    }
    t->optnv[0] ^= NV_SWAPPED;
    sim_target_code_changed(t, t->family->flash_base, t->flash_size);
}

static void load_option_bytes(struct sim_target *t)
{
    struct h7_flash *f = &t->h7f;
    f->optsr_cur = f->optsr_prg = t->optnv[0] & OPTSR_WRITABLE;
    for (unsigned b = 0; b < 2; b++)
        f->wpsn_cur[b] = f->wpsn_prg[b] = t->optnv[1 + b] & wpsn_mask(t);
    f->boot_cur = f->boot_prg = t->optnv[3];
    f->rdp_level = level_of((uint8_t)(f->optsr_cur >> OPTSR_RDP_SHIFT));
}

static void h7_optbytes_default(struct sim_target *t, int rdp_level)
{
    uint8_t rdp = rdp_level == 0 ? RDP_LEVEL0 : rdp_level == 2 ? RDP_LEVEL2 : 0x55;
    memset(t->optnv, 0, sizeof t->optnv);
    t->optnv[0] = (OPTSR_DEFAULT & ~(0xFFu << OPTSR_RDP_SHIFT)) | (uint32_t)rdp << OPTSR_RDP_SHIFT;
    t->optnv[1] = t->optnv[2] = 0xFFFFFFFFu;
    t->optnv[3] = BOOT_DEFAULT;
}

/* The option bytes are registers only: nothing to lay out in system memory. */
static void h7_optbytes_sync(struct sim_target *t)
{
    (void)t;
}

static void erase_bank(struct sim_target *t, unsigned b)
{
    memset(&t->flash[bank_off(t, b)], 0xFF, bank_size(t));
    sim_target_code_changed(t, t->family->flash_base + bank_off(t, b), bank_size(t));
}

/* OPTSTART (RM0433 §4.4.3): the _PRG values are programmed and show in the _CUR registers at
 * once. Level 2 is final (OPTCHANGEERR); leaving level 1 for level 0 erases both banks first
 * (§4.5.3 "RDP level regression"). The option programming time is not in the datasheet: ten
 * flash-word program times stand in for it. */
static void option_start(struct sim_target *t)
{
    struct h7_flash *f = &t->h7f;
    int old = level_of((uint8_t)(f->optsr_cur >> OPTSR_RDP_SHIFT));
    int want = level_of((uint8_t)(f->optsr_prg >> OPTSR_RDP_SHIFT));
    if (old == 2) {
        f->optsr_cur |= OPTSR_OPTCHANGEERR;
        return;
    }
    sim_ps duration = 10u * model(t)->tprog_ps[3];
    if (old == 1 && want == 0) {
        erase_bank(t, 0);
        erase_bank(t, 1);
        duration += model(t)->bank_erase_ps[3];
        if (t->stats)
            t->stats->mass_erases++;
    }
    t->optnv[0] = (f->optsr_prg & OPTSR_WRITABLE) | swapped(t);
    t->optnv[1] = f->wpsn_prg[0] & wpsn_mask(t);
    t->optnv[2] = f->wpsn_prg[1] & wpsn_mask(t);
    t->optnv[3] = f->boot_prg;
    f->optsr_cur = (f->optsr_cur & OPTSR_OPTCHANGEERR) | (t->optnv[0] & OPTSR_WRITABLE);
    f->wpsn_cur[0] = t->optnv[1];
    f->wpsn_cur[1] = t->optnv[2];
    f->boot_cur = t->optnv[3];
    f->opt_busy_until = t->now + duration;
    if (t->stats) {
        t->stats->flash_work_ps += duration;
        t->stats->option_erases++;
    }
}

/* ---- erase ---- */

static void sector_erase(struct sim_target *t, unsigned b)
{
    struct h7_bank *k = &t->h7f.bank[b];
    uint32_t n = (k->cr >> model(t)->snb_shift) & ((1u << model(t)->snb_bits) - 1u);
    if (n >= sectors_per_bank(t)) {
        k->sr |= SR_PGSERR; /* a sector the bank does not have */
        return;
    }
    if (level1_blocks(t) || sector_protected(t, b, n)) {
        k->sr |= SR_WRPERR;
        return;
    }
    uint32_t off = bank_off(t, b) + n * model(t)->sector_size;
    memset(&t->flash[off], 0xFF, model(t)->sector_size);
    sim_target_code_changed(t, t->family->flash_base + off, model(t)->sector_size);
    start_busy(t, b, model(t)->sector_erase_ps[psize_index(t, b)]);
    if (t->stats)
        t->stats->sectors_erased++;
}

/* A bank erase is refused whole when a sector of the bank is write protected (RM0433 §4.3.10). */
static bool bank_erase(struct sim_target *t, unsigned b)
{
    if (level1_blocks(t) || (t->h7f.wpsn_cur[b] & wpsn_mask(t)) != wpsn_mask(t)) {
        t->h7f.bank[b].sr |= SR_WRPERR;
        return false;
    }
    erase_bank(t, b);
    start_busy(t, b, model(t)->bank_erase_ps[psize_index(t, b)]);
    return true;
}

/* ---- registers ---- */

static void h7_reset(struct sim_target *t)
{
    memset(&t->h7f, 0, sizeof t->h7f);
    for (unsigned b = 0; b < 2; b++)
        t->h7f.bank[b].cr = CR_LOCK | (model(t)->psize ? 3u << CR_PSIZE_SHIFT : 0u);
    load_option_bytes(t);
    apply_swap(t);
    t->h7f.optcr = OPTCR_OPTLOCK | (t->h7f.optsr_cur & OPTSR_SWAP_BANK_OPT);
}

static uint32_t sr_value(struct sim_target *t, unsigned b)
{
    const struct h7_bank *k = &t->h7f.bank[b];
    return k->sr | (k->wb_mask ? SR_WBNE : 0u) | (k->busy ? SR_BSY | SR_QW : 0u);
}

enum sim_bus_result h7_flash_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct h7_flash *f = &t->h7f;
    unsigned b = off >= 0x100u ? 1u : 0u;
    uint32_t r = off & 0xFFu;
    h7_update(t);
    switch (r) {
    case R_ACR:
        *val = f->acr;
        break;
    case R_CR:
        *val = f->bank[b].cr;
        break;
    case R_SR:
        *val = sr_value(t, b);
        break;
    case R_OPTCR:
        *val = f->optcr;
        break;
    case R_OPTSR_CUR:
        *val = f->optsr_cur | (t->now < f->opt_busy_until ? OPTSR_OPT_BUSY : 0u);
        break;
    case R_OPTSR_PRG:
        *val = f->optsr_prg;
        break;
    case R_WPSN_CUR:
        *val = f->wpsn_cur[b];
        break;
    case R_WPSN_PRG:
        *val = f->wpsn_prg[b];
        break;
    case R_BOOT_CUR:
        *val = f->boot_cur;
        break;
    case R_BOOT_PRG:
        *val = f->boot_prg;
        break;
    default:
        *val = 0;
        break; /* KEYR, OPTKEYR, CCR, OPTCCR are write-only; others not modelled */
    }
    return SIM_BUS_OK;
}

static uint32_t cr_writable(const struct sim_target *t)
{
    const struct sim_h7_model *m = model(t);
    uint32_t fw = m->psize ? 1u << 6 : 1u << 4;
    return CR_PG | CR_SER | CR_BER | (m->psize ? 3u << CR_PSIZE_SHIFT : 0u) | fw | m->cr_start |
           ((1u << m->snb_bits) - 1u) << m->snb_shift | CR_CRC_EN | CR_IE_MASK;
}

/* Programs the flash word in the write buffer (full, or padded with 0xFF by FW): bits only go
 * from 1 to 0. */
static void program_word(struct sim_target *t, unsigned b, enum sim_initiator who)
{
    struct h7_bank *k = &t->h7f.bank[b];
    unsigned w = model(t)->word_bytes;
    uint32_t off = k->wb_addr - t->family->flash_base;
    uint32_t n = (off % bank_size(t)) / model(t)->sector_size;
    k->wb_mask = 0;
    if (level1_blocks(t) || sector_protected(t, b, n)) {
        k->sr |= SR_WRPERR;
        return;
    }
    for (unsigned i = 0; i < w; i++)
        t->flash[off + i] &= k->wb[i];
    start_busy(t, b, model(t)->tprog_ps[psize_index(t, b)]);
    if (t->stats) {
        t->stats->program_ops++;
        t->stats->bytes_programmed += w;
    }
    if (who == SIM_BY_DEBUG) {
        sim_target_code_changed(t, k->wb_addr, w);
    } else if (t->dirty_hi <= t->dirty_lo) { /* dropped from Unicorn's cache after the run */
        t->dirty_lo = k->wb_addr;
        t->dirty_hi = k->wb_addr + w;
    } else {
        t->dirty_lo = k->wb_addr < t->dirty_lo ? k->wb_addr : t->dirty_lo;
        t->dirty_hi = k->wb_addr + w > t->dirty_hi ? k->wb_addr + w : t->dirty_hi;
    }
}

static enum sim_bus_result cr_write(struct sim_target *t, unsigned b, uint32_t val,
                                    enum sim_initiator who)
{
    struct h7_bank *k = &t->h7f.bank[b];
    if (k->cr & CR_LOCK)
        return SIM_BUS_OK; /* locked: writes have no effect */
    if (!wait_not_busy(t, b, who))
        return SIM_BUS_STALL;
    uint32_t fw = model(t)->psize ? 1u << 6 : 1u << 4;
    k->cr = (k->cr & ~cr_writable(t)) | (val & cr_writable(t));
    if (val & CR_LOCK) {
        k->cr |= CR_LOCK;
        return SIM_BUS_OK;
    }
    if ((val & fw) && k->wb_mask) { /* force write: the partial flash word, padded */
        for (unsigned i = 0; i < model(t)->word_bytes; i++)
            if (!(k->wb_mask & (1u << i)))
                k->wb[i] = 0xFF;
        program_word(t, b, who);
    }
    k->cr &= ~fw;
    if (!(val & model(t)->cr_start))
        return SIM_BUS_OK;
    bool ser = k->cr & CR_SER, ber = k->cr & CR_BER;
    if (ser && ber)
        k->sr |= SR_PGSERR; /* RM0433 §4.3.10: neither erase is performed */
    else if (ser)
        sector_erase(t, b);
    else if (ber && bank_erase(t, b) && t->stats)
        t->stats->mass_erases++;
    if (!k->busy)
        k->cr &= ~model(t)->cr_start;
    return SIM_BUS_OK;
}

static enum sim_bus_result optcr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct h7_flash *f = &t->h7f;
    if (f->optcr & OPTCR_OPTLOCK)
        return SIM_BUS_OK;
    if (t->now < f->opt_busy_until && who == SIM_BY_DEBUG)
        return SIM_BUS_STALL;
    f->optcr = val & (OPTCR_OPTLOCK | OPTCR_SWAP_BANK | (1u << 30)); /* OPTCHANGEERRIE */
    if (val & OPTCR_OPTLOCK)
        return SIM_BUS_OK;
    if (val & OPTCR_MER) {
        /* Mass erase (RM0433 §4.3.10): both banks, with both FLASH_CR unlocked. */
        if ((f->bank[0].cr | f->bank[1].cr) & CR_LOCK) {
            f->bank[0].sr |= SR_PGSERR;
        } else {
            bool ok0 = bank_erase(t, 0), ok1 = ok0 && bank_erase(t, 1);
            if (ok1 && t->stats)
                t->stats->mass_erases++;
        }
    }
    if (val & OPTCR_OPTSTART)
        option_start(t);
    return SIM_BUS_OK;
}

enum sim_bus_result h7_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who)
{
    struct h7_flash *f = &t->h7f;
    unsigned b = off >= 0x100u ? 1u : 0u;
    uint32_t r = off & 0xFFu;
    bool unlock;
    enum sim_bus_result res;
    h7_update(t);
    switch (r) {
    case R_ACR:
        f->acr = val & 0x3Fu; /* LATENCY [3:0], WRHIGHFREQ [5:4] (RM0433 §4.9.1) */
        return SIM_BUS_OK;
    case R_KEYR:
        if (!(f->bank[b].cr & CR_LOCK))
            return SIM_BUS_OK;
        res = sim_flash_key_write(&f->bank[b].key_stage, &f->bank[b].locked_up, val, KEY1, KEY2,
                                  &unlock);
        if (unlock)
            f->bank[b].cr &= ~CR_LOCK;
        return res;
    case R_OPTKEYR:
        if (!(f->optcr & OPTCR_OPTLOCK))
            return SIM_BUS_OK;
        res = sim_flash_key_write(&f->optkey_stage, &f->opt_locked_up, val, OPTKEY1, OPTKEY2,
                                  &unlock);
        if (unlock)
            f->optcr &= ~OPTCR_OPTLOCK;
        return res;
    case R_CCR:
        f->bank[b].sr &= ~(val & SR_FLAGS);
        return SIM_BUS_OK;
    case R_CR:
        return cr_write(t, b, val, who);
    case R_OPTCR:
        return optcr_write(t, val, who);
    case R_OPTCCR:
        if (val & OPTSR_OPTCHANGEERR)
            f->optsr_cur &= ~OPTSR_OPTCHANGEERR;
        return SIM_BUS_OK;
    case R_OPTSR_PRG:
        if (!(f->optcr & OPTCR_OPTLOCK))
            f->optsr_prg = val & OPTSR_WRITABLE;
        return SIM_BUS_OK;
    case R_WPSN_PRG:
        if (!(f->optcr & OPTCR_OPTLOCK))
            f->wpsn_prg[b] = val & wpsn_mask(t);
        return SIM_BUS_OK;
    case R_BOOT_PRG:
        if (!(f->optcr & OPTCR_OPTLOCK))
            f->boot_prg = val;
        return SIM_BUS_OK;
    default:
        return SIM_BUS_OK;
    }
}

/* ---- the array ---- */

/* RM0433 §4.3.9: with PG set in the bank's FLASH_CR, writes of any width fill the write buffer
 * of the flash word they fall in; when it is full the flash word is programmed. A write without
 * PG is a sequence error (PGSERR); one into another flash word while the buffer holds part of
 * one is an inconsistency (INCERR) and the buffer is dropped. */
static enum sim_bus_result h7_array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    uint32_t off = addr - t->family->flash_base;
    unsigned b = (off >= bank_size(t) ? 1u : 0u) ^ swapped(t), w = model(t)->word_bytes;
    struct h7_bank *k = &t->h7f.bank[b];
    if (!wait_not_busy(t, b, who))
        return SIM_BUS_STALL;
    if (!(k->cr & CR_PG) || (k->cr & CR_LOCK)) {
        k->sr |= SR_PGSERR;
        return SIM_BUS_OK;
    }
    uint32_t word = addr & ~(uint32_t)(w - 1u);
    if (k->wb_mask && word != k->wb_addr) {
        k->sr |= SR_INCERR;
        k->wb_mask = 0;
        return SIM_BUS_OK;
    }
    if (!k->wb_mask)
        memset(k->wb, 0xFF, sizeof k->wb);
    k->wb_addr = word;
    for (unsigned i = 0; i < size && (addr - word) + i < w; i++) {
        k->wb[addr - word + i] = (uint8_t)(val >> (8 * i));
        k->wb_mask |= 1u << (addr - word + i);
    }
    uint32_t full = w >= 32 ? 0xFFFFFFFFu : (1u << w) - 1u;
    if (k->wb_mask == full)
        program_word(t, b, who);
    return SIM_BUS_OK;
}

/* The option bytes change through the option registers only. */
static enum sim_bus_result h7_optbytes_write(struct sim_target *t, uint32_t addr, unsigned size,
                                             uint32_t val, enum sim_initiator who)
{
    return SIM_BUS_OK;
}

static int h7_rdp_level(const struct sim_target *t)
{
    return t->h7f.rdp_level;
}

static sim_ps h7_busy_until(const struct sim_target *t)
{
    sim_ps until = 0;
    for (unsigned b = 0; b < 2; b++)
        if (t->h7f.bank[b].busy && t->h7f.bank[b].busy_until > until)
            until = t->h7f.bank[b].busy_until;
    return until;
}

static sim_ps h7_floor(const struct sim_target *t, const struct sim_stats *s)
{
    return s->flash_work_ps;
}

#define STATE_WORDS 4u

static void state_get(const struct sim_target *t, uint8_t *out)
{
    for (unsigned i = 0; i < STATE_WORDS; i++)
        le32_put(&out[4 * i], t->optnv[i]);
}

static void state_put(struct sim_target *t, const uint8_t *in)
{
    for (unsigned i = 0; i < STATE_WORDS; i++)
        t->optnv[i] = le32_get(&in[4 * i]);
}

const struct sim_flash_ops sim_h7_flash_ops = {
    .reset = h7_reset,
    .update = h7_update,
    .array_write = h7_array_write,
    .optbytes_write = h7_optbytes_write,
    .rdp_level = h7_rdp_level,
    .optbytes_default = h7_optbytes_default,
    .busy_until = h7_busy_until,
    .floor = h7_floor,
    .optbytes_sync = h7_optbytes_sync,
    .state_section = "h7opt",
    .state_len = 4u * STATE_WORDS,
    .state_get = state_get,
    .state_put = state_put,
};
