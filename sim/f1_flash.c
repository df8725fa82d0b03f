/*
 * The flash program/erase controller (FPEC) and option bytes of the F1, after RM0008 §3.3.3 and
 * the STM32F10xxx flash programming manual PM0075 (§2.3 unlock, §2.3.3 programming, §2.3.4-5
 * erase, §2.4 protections, §2.5 option bytes, §3 registers), and of the F0 and F3, which keep
 * its registers and differ where the family's sim_fpec_model says (RM0091 §3 and RM0316 §4:
 * RDP levels 0xAA / other / 0xCC, FLASH_OBR layout, OBL_LAUNCH, mass erase when RDP goes back to
 * level 0). Busy periods follow the virtual clock: tPROG per half-word and tERASE per erase (the
 * family's datasheet figures). Clones of the F103 add their own behaviour (enum
 * sim_chip_quirk): word programming (GD32), a write lost while BSY is set (APM32), FLOCK and
 * FLASH_MODEKEYR (CH32), their own timings.
 */
#include <string.h>

#include "f1_map.h"
#include "flash_ctl.h"
#include "target.h"

/* PM0075 §2.4.1: with read protection on, the first 4 KiB of main flash are write protected. */
#define F1_RDP_PROTECTED_BYTES 4096u

/* F0/F3 FLASH_CR bit 13 (RM0091 §3.5.5, RM0316 §4.5.5): reload the option bytes with a reset. */
#define FLASH_CR_OBL_LAUNCH (1u << 13)

static uint8_t opt_byte(const struct sim_target *t, unsigned i, bool *error)
{
    uint16_t hw = t->optbytes[i];
    uint8_t v = (uint8_t)hw, comp = (uint8_t)(hw >> 8);
    if ((v ^ comp) != 0xFFu) {
        *error = true;
        return 0xFF; /* PM0075 §3.6: a mismatching pair loads as 0xFF */
    }
    return v;
}

/* The protection level an RDP byte stands for; a pair that does not match its complement loads
 * as 0xFF, level 1. */
static int rdp_level_of(const struct sim_target *t, uint8_t rdp)
{
    const struct sim_fpec_model *m = &t->family->fpec;
    if (rdp == m->rdp_level0)
        return 0;
    return m->rdp_level2 && rdp == m->rdp_level2 ? 2 : 1;
}

/* Option bytes are loaded into OBR and WRPR at every reset on the F1 and F3 (PM0075 §2.5,
 * RM0316 §4), at a power-on reset or OBL_LAUNCH on the F0 (RM0091 §4). */
static void load_option_bytes(struct sim_target *t)
{
    bool err = false;
    /* Level 2 holds even when only the RDP byte, not its complement, reads 0xCC (RM0091 §4.1.1). */
    uint8_t rdp_raw = (uint8_t)t->optbytes[0];
    uint8_t rdp = opt_byte(t, 0, &err);
    uint8_t user = opt_byte(t, 1, &err);
    uint8_t data0 = opt_byte(t, 2, &err);
    uint8_t data1 = opt_byte(t, 3, &err);
    uint32_t wrp = 0;
    for (unsigned i = 0; i < 4; i++)
        wrp |= (uint32_t)opt_byte(t, 4 + i, &err) << (8 * i);
    /* An erased option area (0xFFFF) is the normal state of unused bytes: no error for those. */
    err = false;
    for (unsigned i = 0; i < 8; i++)
        if (t->optbytes[i] != 0xFFFF && ((t->optbytes[i] ^ (t->optbytes[i] >> 8)) & 0xFFu) != 0xFFu)
            err = true;
    int level = rdp_level_of(t, rdp);
    if (t->family->fpec.rdp_level2 && rdp_raw == t->family->fpec.rdp_level2)
        level = 2;
    t->fpec.rdp_level = level;
    if (t->family->fpec.f0_obr) /* RM0091 §3.5.7: RDPRT 00 level 0, 01 level 1, 11 level 2 */
        t->fpec.obr = (err ? FLASH_OBR_OPTERR : 0) | (uint32_t)(level == 2 ? 3 : level) << 1 |
                      (uint32_t)user << 8 | (uint32_t)data0 << 16 | (uint32_t)data1 << 24;
    else
        t->fpec.obr = (err ? FLASH_OBR_OPTERR : 0) | (level ? FLASH_OBR_RDPRT : 0) |
                      (uint32_t)user << 2 | (uint32_t)data0 << 10 | (uint32_t)data1 << 18;
    t->fpec.wrpr = wrp;
}

/* Option bytes as shipped (PM0075 §2.5, RM0091 §4.1): RDP level 0, everything else erased; or
 * the RDP byte of the level asked for. */
static void optbytes_default(struct sim_target *t, int rdp_level)
{
    const struct sim_fpec_model *m = &t->family->fpec;
    for (unsigned i = 0; i < 8; i++)
        t->optbytes[i] = 0x00FF; /* USER: WDG_SW, nRST_STOP, nRST_STDBY (and F0 nBOOT1...) set */
    uint8_t rdp = rdp_level == 0 ? m->rdp_level0 : rdp_level == 2 ? m->rdp_level2 : 0xFF;
    t->optbytes[0] = (uint16_t)(rdp | (uint16_t)(uint8_t)~rdp << 8);
}

/* A clone's own flash timings, else the family's. */
static sim_ps tprog(const struct sim_target *t)
{
    return t->chip->tprog_ps ? t->chip->tprog_ps : t->family->tprog_ps;
}

static sim_ps terase(const struct sim_target *t)
{
    return t->chip->erase_ps ? t->chip->erase_ps : t->family->erase_ps;
}

static bool is_ch32(const struct sim_target *t)
{
    return t->chip->quirks & SIM_CHIP_CH32_FLOCK;
}

static void fpec_reset(struct sim_target *t)
{
    struct f1_fpec kept = t->fpec;
    memset(&t->fpec, 0, sizeof t->fpec);
    t->fpec.acr = 0x30;
    /* The CH32's fast page mode is locked at reset too (FLOCK, bit 15). */
    t->fpec.cr = FLASH_CR_LOCK | (is_ch32(t) ? FLASH_CR_FLOCK : 0);
    if (t->faults)
        sim_faults_fpec_reset(t->faults);
    if (t->reset_loads_options || !t->family->fpec.load_on_por_only) {
        load_option_bytes(t);
    } else {
        /* RM0091 §4: a system reset keeps what the last option-byte load put in force. */
        t->fpec.obr = kept.obr;
        t->fpec.wrpr = kept.wrpr;
        t->fpec.rdp_level = kept.rdp_level;
    }
    f1_fpec_check_timing(t);
}

/* FLASH_ACR LATENCY against SYSCLK: zero wait states up to 24 MHz, one up to 48 MHz, two up to
 * 72 MHz (RM0008 §3.3.3; RM0091 §3.5.1 and RM0316 §4.5.1 the same). With fewer, the flash's
 * data is not ready when the core samples it: the core reads it wrong (docs/virtual-board.md). */
void f1_fpec_check_timing(struct sim_target *t)
{
    uint64_t latency = t->fpec.acr & 7u;
    sim_target_set_flash_misread(t, t->sysclk_hz > 24000000ull * (latency + 1u));
}

static int rdp_level(const struct sim_target *t)
{
    return t->fpec.rdp_level;
}

static bool read_protected(const struct sim_target *t)
{
    return t->fpec.rdp_level > 0;
}

static void fpec_update(struct sim_target *t)
{
    struct f1_fpec *f = &t->fpec;
    if (t->faults && t->faults->bsy_stuck) /* injected: BSY never clears until a reset */
        return;
    if ((f->sr & FLASH_SR_BSY) && t->now >= f->busy_until) {
        f->sr &= ~FLASH_SR_BSY;
        f->cr &= ~FLASH_CR_STRT;
        if (f->eop_pending)
            f->sr |= FLASH_SR_EOP;
        f->eop_pending = false;
    }
}

static void start_busy(struct sim_target *t, sim_ps duration)
{
    struct f1_fpec *f = &t->fpec;
    f->busy_until = sim_flash_queue(t, f->sr & FLASH_SR_BSY, f->busy_until, duration);
    f->sr |= FLASH_SR_BSY;
    f->eop_pending = true;
}

/* A debugger access to a busy controller is answered later (the probe retries); the core's
 * access stalls the bus until BSY clears. */
static bool wait_not_busy(struct sim_target *t, enum sim_initiator who)
{
    fpec_update(t);
    if (!(t->fpec.sr & FLASH_SR_BSY))
        return true;
    return sim_flash_stall(t, who, t->fpec.busy_until, fpec_update);
}

static bool page_write_protected(const struct sim_target *t, uint32_t offset)
{
    /* WRPR: one bit per 4 KiB group on 1 KiB-page parts (bits 0-30), bit 31 covers the rest
     * (PM0075 §2.4.2); a cleared bit means protected. */
    uint32_t group = offset / 4096u;
    if (group > 31)
        group = 31;
    if (!(t->fpec.wrpr & (1u << group)))
        return true;
    return read_protected(t) && offset < F1_RDP_PROTECTED_BYTES;
}

static void page_erase(struct sim_target *t)
{
    uint32_t page = t->chip->page_size, base = t->family->flash_base;
    uint32_t addr = t->fpec.ar;
    if (addr < base || addr - base >= t->flash_size) {
        start_busy(t, terase(t)); /* outside the array: nothing happens, time passes */
        return;
    }
    uint32_t off = (addr - base) & ~(page - 1u);
    if (page_write_protected(t, off)) {
        t->fpec.sr |= FLASH_SR_WRPRTERR;
        t->fpec.cr &= ~FLASH_CR_STRT;
        return;
    }
    memset(&t->flash[off], 0xFF, page);
    sim_target_code_changed(t, base + off, page);
    start_busy(t, terase(t));
    if (t->stats)
        t->stats->pages_erased++;
}

static void mass_erase(struct sim_target *t)
{
    memset(t->flash, 0xFF, t->flash_size);
    sim_target_code_changed(t, t->family->flash_base, t->flash_size);
    start_busy(t, terase(t));
    if (t->stats)
        t->stats->mass_erases++;
}

static void option_erase(struct sim_target *t)
{
    /* PM0075 §2.4.1: removing read protection erases the main flash first; on the F1 the erase
     * of the option bytes under level 1 is that removal's first step (the F0/F3 erase it when RDP
     * is programmed back to level 0: optbytes_write). */
    if (!t->family->fpec.unlock_on_program && read_protected(t))
        mass_erase(t);
    for (unsigned i = 0; i < 8; i++)
        t->optbytes[i] = 0xFFFF;
    sim_target_optbytes_changed(t);
    start_busy(t, terase(t));
    if (t->stats)
        t->stats->option_erases++;
}

enum sim_bus_result f1_fpec_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct f1_fpec *f = &t->fpec;
    fpec_update(t);
    switch (off) {
    case FLASH_ACR:
        *val = (f->acr & 0x1Fu) | ((f->acr & 0x10u) << 1);
        break;
    case FLASH_SR:
        if ((f->sr & FLASH_SR_BSY) && !(t->faults && t->faults->bsy_stuck)) {
            sim_target_poll_busy(t, f->busy_until); /* a loader's wait for BSY to clear */
            fpec_update(t);
        }
        *val = f->sr;
        break;
    case FLASH_CR:
        *val = f->cr;
        break;
    case FLASH_AR:
        *val = f->ar;
        break;
    case FLASH_OBR:
        *val = f->obr;
        break;
    case FLASH_WRPR:
        *val = f->wrpr;
        break;
    default:
        *val = 0;
        break; /* KEYR, OPTKEYR are write-only; the rest is reserved */
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result key_write(struct sim_target *t, int *stage, uint32_t val,
                                     void (*on_unlock)(struct sim_target *))
{
    struct f1_fpec *f = &t->fpec;
    bool unlock;
    enum sim_bus_result r =
        sim_flash_key_write(stage, &f->key_locked_up, val, FLASH_KEY1, FLASH_KEY2, &unlock);
    if (unlock)
        on_unlock(t);
    else if (r == SIM_BUS_FAULT)
        f->cr |= FLASH_CR_LOCK; /* PM0075 §2.3.1: locked until the next reset */
    return r;
}

static void unlock_fpec(struct sim_target *t)
{
    t->fpec.cr &= ~FLASH_CR_LOCK;
}

static void unlock_options(struct sim_target *t)
{
    if (!(t->fpec.cr & FLASH_CR_LOCK))
        t->fpec.cr |= FLASH_CR_OPTWRE;
}

/* PM0075 §2.3 (and RM0091 §3.2.2): the HSI oscillator must be on for program and erase; the
 * FPEC is clocked by it. With RCC_CR HSION and HSIRDY both 0 (the firmware switched to HSE and
 * turned the HSI off) the operation is refused here with PGERR, the silicon's behaviour being
 * undefined. RCC_CR is the first RCC register on the F0, F1 and F3 alike. */
static bool hsi_off(const struct sim_target *t)
{
    return !(t->per.rcc[0] & 0x3u);
}

static enum sim_bus_result cr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct f1_fpec *f = &t->fpec;
    if (f->cr & FLASH_CR_LOCK)
        return SIM_BUS_OK; /* locked: writes have no effect */
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    uint32_t writable = FLASH_CR_PG | FLASH_CR_PER | FLASH_CR_MER | FLASH_CR_OPTPG |
                        FLASH_CR_OPTER | FLASH_CR_ERRIE | FLASH_CR_EOPIE;
    if (t->family->fpec.obl_launch && (val & FLASH_CR_OBL_LAUNCH)) {
        sim_flash_obl_launch(t, who); /* RM0091 §3.5.5 */
        return SIM_BUS_OK;
    }
    uint32_t next = (f->cr & ~writable & ~FLASH_CR_STRT) | (val & writable);
    if (!(val & FLASH_CR_OPTWRE))
        next &= ~FLASH_CR_OPTWRE; /* OPTWRE can only be cleared by software */
    if (val & FLASH_CR_LOCK)
        next |= FLASH_CR_LOCK;
    if (is_ch32(t) && (val & FLASH_CR_FLOCK))
        next |= FLASH_CR_FLOCK; /* set-only, like LOCK; FLASH_MODEKEYR clears it */
    f->cr = next;
    if ((val & FLASH_CR_STRT) && hsi_off(t)) {
        f->sr |= FLASH_SR_PGERR;
    } else if (val & FLASH_CR_STRT) {
        f->cr |= FLASH_CR_STRT;
        if (next & FLASH_CR_MER)
            mass_erase(t);
        else if (next & FLASH_CR_PER)
            page_erase(t);
        else if ((next & FLASH_CR_OPTER) && (next & FLASH_CR_OPTWRE))
            option_erase(t);
        else
            f->cr &= ~FLASH_CR_STRT;
    }
    return SIM_BUS_OK;
}

enum sim_bus_result f1_fpec_write(struct sim_target *t, uint32_t off, uint32_t val,
                                  enum sim_initiator who)
{
    struct f1_fpec *f = &t->fpec;
    fpec_update(t);
    switch (off) {
    case FLASH_ACR:
        f->acr = val & 0x1Fu;
        f1_fpec_check_timing(t);
        return SIM_BUS_OK;
    case FLASH_KEYR:
        if (!(f->cr & FLASH_CR_LOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->key_stage, val, unlock_fpec);
    case FLASH_OPTKEYR:
        return key_write(t, &f->optkey_stage, val, unlock_options);
    case FLASH_SR:
        f->sr &= ~(val & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR | FLASH_SR_EOP));
        return SIM_BUS_OK;
    case FLASH_CR:
        return cr_write(t, val, who);
    case FLASH_AR:
        f->ar = val;
        return SIM_BUS_OK;
    case FLASH_MODEKEYR:
        /* CH32: KEY1 then KEY2, with the FPEC unlocked, clears FLOCK. A wrong key restarts the
         * sequence (whether the CH32 locks up as the FPEC does is not known). Reserved, so
         * ignored, on the F1. */
        if (!is_ch32(t) || (f->cr & FLASH_CR_LOCK))
            return SIM_BUS_OK;
        if (f->modekey_stage == 0 && val == FLASH_KEY1) {
            f->modekey_stage = 1;
        } else {
            if (f->modekey_stage == 1 && val == FLASH_KEY2)
                f->cr &= ~FLASH_CR_FLOCK;
            f->modekey_stage = 0;
        }
        return SIM_BUS_OK;
    default:
        return SIM_BUS_OK;
    }
}

/* An injected fault (sim/faults.h) on the half-word about to be programmed: false when nothing
 * is to be programmed (the error flag, if any, is set); *hw may come back with bits left at 1. */
static bool fault_allows(struct sim_target *t, uint32_t addr, uint16_t *hw)
{
    if (!t->faults)
        return true;
    switch (sim_faults_program(t->faults, addr, hw)) {
    case SIM_FAULT_PROGRAM_OK:
        return true;
    case SIM_FAULT_PROGRAM_PGERR:
        t->fpec.sr |= FLASH_SR_PGERR;
        return false;
    case SIM_FAULT_PROGRAM_WRPRTERR:
        t->fpec.sr |= FLASH_SR_WRPRTERR;
        return false;
    default:
        return false;
    }
}

static void program_halfword(struct sim_target *t, uint32_t addr, uint16_t hw)
{
    struct f1_fpec *f = &t->fpec;
    uint32_t off = addr - t->family->flash_base;
    uint16_t cur = (uint16_t)(t->flash[off] | t->flash[off + 1] << 8);
    if (page_write_protected(t, off)) {
        f->sr |= FLASH_SR_WRPRTERR;
        return;
    }
    /* PM0075 §2.3.3: programming a non-erased half-word fails, except writing zero. */
    if (cur != 0xFFFF && hw != 0x0000) {
        f->sr |= FLASH_SR_PGERR;
        return;
    }
    if (!fault_allows(t, addr, &hw))
        return;
    t->flash[off] = (uint8_t)hw;
    t->flash[off + 1] = (uint8_t)(hw >> 8);
    start_busy(t, tprog(t));
    if (t->stats)
        t->stats->halfwords_programmed++;
}

/* GD32: a word-aligned 32-bit store programs both half-words in one tPROG. The same rules as for
 * a half-word apply to each half; nothing is written when one of them breaks them. */
static void program_word(struct sim_target *t, uint32_t addr, uint32_t w)
{
    struct f1_fpec *f = &t->fpec;
    uint32_t off = addr - t->family->flash_base;
    if (page_write_protected(t, off)) {
        f->sr |= FLASH_SR_WRPRTERR;
        return;
    }
    for (unsigned i = 0; i < 2; i++) {
        uint16_t cur = (uint16_t)(t->flash[off + 2 * i] | t->flash[off + 2 * i + 1] << 8);
        if (cur != 0xFFFF && (uint16_t)(w >> (16 * i)) != 0x0000) {
            f->sr |= FLASH_SR_PGERR;
            return;
        }
    }
    uint16_t lo = (uint16_t)w, hi = (uint16_t)(w >> 16);
    if (!fault_allows(t, addr, &lo) || !fault_allows(t, addr + 2, &hi))
        return;
    w = (uint32_t)lo | (uint32_t)hi << 16;
    for (unsigned i = 0; i < 4; i++)
        t->flash[off + i] = (uint8_t)(w >> (8 * i));
    start_busy(t, tprog(t));
    if (t->stats)
        t->stats->halfwords_programmed += 2;
}

/* APM32: a write arriving while BSY is still set is dropped, with no stall and no error flag. */
static bool lost_while_busy(struct sim_target *t)
{
    if (!(t->chip->quirks & SIM_CHIP_DROP_WHILE_BUSY))
        return false;
    fpec_update(t);
    return t->fpec.sr & FLASH_SR_BSY;
}

static enum sim_bus_result array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who)
{
    struct f1_fpec *f = &t->fpec;
    if (!(f->cr & FLASH_CR_PG))
        return SIM_BUS_OK; /* not programming: the array ignores the write */
    if (lost_while_busy(t))
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (size == 1 || (addr & 1u) || hsi_off(t)) {
        f->sr |= FLASH_SR_PGERR; /* half-words only, and with the HSI on */
        return SIM_BUS_OK;
    }
    if (size == 4 && !(addr & 3u) && (t->chip->quirks & SIM_CHIP_WORD_PROGRAM)) {
        program_word(t, addr, val);
    } else {
        program_halfword(t, addr, (uint16_t)val);
        /* The bus splits a word into two half-words: the second waits for the first on ST
         * parts, and arrives while BSY is set, so is lost, on the APM32. */
        if (size == 4 && !lost_while_busy(t))
            program_halfword(t, addr + 2, (uint16_t)(val >> 16));
    }
    if (who == SIM_BY_DEBUG)
        sim_target_code_changed(t, addr, size);
    else if (t->dirty_hi <= t->dirty_lo) { /* dropped from Unicorn's cache when the run returns */
        t->dirty_lo = addr;
        t->dirty_hi = addr + size;
    } else {
        t->dirty_lo = addr < t->dirty_lo ? addr : t->dirty_lo;
        t->dirty_hi = addr + size > t->dirty_hi ? addr + size : t->dirty_hi;
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result optbytes_write(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    struct f1_fpec *f = &t->fpec;
    if (!(f->cr & FLASH_CR_OPTPG) || !(f->cr & FLASH_CR_OPTWRE))
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (size == 1 || (addr & 1u)) {
        f->sr |= FLASH_SR_PGERR;
        return SIM_BUS_OK;
    }
    unsigned i = (addr - t->family->optbytes_base) / 2u;
    if (t->optbytes[i] != 0xFFFF) {
        f->sr |= FLASH_SR_PGERR;
        return SIM_BUS_OK;
    }
    /* The controller writes the data byte and computes its complement (PM0075 §2.5). */
    uint8_t v = (uint8_t)val;
    /* RM0091 §3.3.1: going back from level 1 to level 0 (RDP programmed to 0xAA) mass-erases
     * the main flash. */
    if (i == 0 && t->family->fpec.unlock_on_program && v == t->family->fpec.rdp_level0 &&
        read_protected(t))
        mass_erase(t);
    t->optbytes[i] = (uint16_t)(v | (uint16_t)(uint8_t)~v << 8);
    sim_target_optbytes_changed(t);
    start_busy(t, tprog(t));
    return SIM_BUS_OK;
}

static sim_ps busy_until(const struct sim_target *t)
{
    return t->fpec.busy_until;
}

/* Half-words at the family's tPROG, page and mass erases at its tERASE. */
static sim_ps work_floor(const struct sim_target *t, const struct sim_stats *s)
{
    return s->halfwords_programmed * t->family->tprog_ps +
           (s->pages_erased + s->mass_erases) * t->family->erase_ps;
}

const struct sim_flash_ops sim_fpec_ops = {
    .reset = fpec_reset,
    .update = fpec_update,
    .array_write = array_write,
    .optbytes_write = optbytes_write,
    .rdp_level = rdp_level,
    .optbytes_default = optbytes_default,
    .busy_until = busy_until,
    .floor = work_floor,
};
