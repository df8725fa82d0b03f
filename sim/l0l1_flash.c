/*
 * The L0/L1 flash controller (the "NVM interface") and its option bytes, as the L0 (RM0367 and
 * RM0377 §3) and the L1 (RM0038 §3) have it. Registers: ACR +0x00, PECR +0x04, PDKEYR +0x08,
 * PEKEYR +0x0C, PRGKEYR +0x10, OPTKEYR +0x14, SR +0x18, OBR +0x1C, WRPR1 +0x20, WRPR2..4
 * +0x80..+0x88.
 *
 * Locks (RM0377 §3.3.4): FLASH_PECR starts with PELOCK, PRGLOCK and OPTLOCK set. PEKEY1/PEKEY2
 * into PEKEYR clear PELOCK (FLASH_PECR and the data EEPROM become writable); then PRGKEY1/PRGKEY2
 * into PRGKEYR clear PRGLOCK (program memory) and OPTKEY1/OPTKEY2 into OPTKEYR clear OPTLOCK
 * (option bytes). A wrong key locks everything until the next reset and answers with a bus
 * error. Setting PELOCK sets the other two as well and clears the operation bits.
 *
 * Program memory (erased value 0x00, RM0377 §3.3.1), 32-bit stores only (SIZERR otherwise):
 *  - page erase: PECR = ERASE | PROG, a word written anywhere in the page;
 *  - word: PECR without PROG, ERASE, FPRG; the L0 refuses a non-zero word over a word that is not
 *    0 with NOTZEROERR (RM0377 §3.7.8), the L1 erases it first (RM0038 §3.3.4);
 *  - half-page (RM0377 §3.3.6, RM0038 §3.3.4): PECR = FPRG | PROG, the words of one half-page
 *    (16 on the L0, 32 on the L1) written in order from its first address; the last one starts
 *    the operation. A first word that is not at a half-page boundary, or a word that is not the
 *    next one, is refused with PGAERR and drops the half-page; FPRG without PROG, or ERASE with
 *    FPRG, makes the store fail with PGAERR too. A core fetch from the flash while a half-page
 *    is latched would abort it with FWWERR on the L0: the loaders run from SRAM, and the model
 *    does not check instruction fetches.
 * Sectors of 4 KiB whose FLASH_WRPRn bit is set, and everything under level 1 with a debugger
 * attached, are refused with WRPERR. BSY is set for tPROG (the datasheets' one figure for a
 * word, a half-page, a page erase, a data EEPROM word and an option word).
 *
 * Data EEPROM (0x08080000, erased 0x00): with PELOCK clear, byte, half-word and word stores
 * program it (each is an erase and a write: tPROG); PECR = ERASE | DATA with a word of 0 erases
 * the word. Option bytes (0x1FF80000): with OPTLOCK clear, 32-bit stores of a half-word and its
 * complement; storing RDP 0xAA while level 1 is in force or stored erases the whole flash and
 * data EEPROM first (RM0377 §3.4.1); nothing changes under level 2. They load at power-on and on
 * OBL_LAUNCH (PECR bit 18, a system reset), not at other resets; a word whose halves are not
 * complements sets OPTVERR and loads as level 1 / no user bits changed.
 */
#include <string.h>

#include "core/le.h"
#include "flash_ctl.h"
#include "target.h"

#define REG_ACR 0x00u
#define REG_PECR 0x04u
#define REG_PDKEYR 0x08u
#define REG_PEKEYR 0x0Cu
#define REG_PRGKEYR 0x10u
#define REG_OPTKEYR 0x14u
#define REG_SR 0x18u
#define REG_OBR 0x1Cu
#define REG_WRPR1 0x20u
#define REG_WRPR2 0x80u

#define PEKEY1 0x89ABCDEFu
#define PEKEY2 0x02030405u
#define PRGKEY1 0x8C9DAEBFu
#define PRGKEY2 0x13141516u
#define OPTKEY1 0xFBEAD9C8u
#define OPTKEY2 0x24252627u

#define PECR_PELOCK (1u << 0)
#define PECR_PRGLOCK (1u << 1)
#define PECR_OPTLOCK (1u << 2)
#define PECR_PROG (1u << 3)
#define PECR_DATA (1u << 4)
#define PECR_FIX (1u << 8)
#define PECR_ERASE (1u << 9)
#define PECR_FPRG (1u << 10)
#define PECR_EOPIE (1u << 16)
#define PECR_ERRIE (1u << 17)
#define PECR_OBL_LAUNCH (1u << 18)
#define PECR_LOCKS (PECR_PELOCK | PECR_PRGLOCK | PECR_OPTLOCK)
#define PECR_WRITABLE                                                                              \
    (PECR_PROG | PECR_DATA | PECR_FIX | PECR_ERASE | PECR_FPRG | PECR_EOPIE | PECR_ERRIE)

#define SR_BSY (1u << 0)
#define SR_EOP (1u << 1)
#define SR_ENDHV (1u << 2)
#define SR_READY (1u << 3)
#define SR_WRPERR (1u << 8)
#define SR_PGAERR (1u << 9)
#define SR_SIZERR (1u << 10)
#define SR_OPTVERR (1u << 11)
#define SR_NOTZEROERR (1u << 16)
#define SR_CLEARABLE 0x00033F02u

#define RDP_LEVEL0 0xAAu
#define RDP_LEVEL2 0xCCu
#define WRP_SECTOR 4096u

/* Option words by index: +0x00 RDP, +0x04 USER, +0x08 .. +0x1C WRPR1..3 low/high, +0x80/+0x84
 * WRPR4 low/high. */
enum { OB_RDP = 0, OB_USER = 1, OB_WRP1 = 2 };

static bool is_l0(const struct sim_target *t)
{
    return t->family == &sim_family_l0;
}

static sim_ps tprog(const struct sim_target *t)
{
    return t->chip->tprog_ps ? t->chip->tprog_ps : t->family->tprog_ps;
}

static uint32_t ob_addr(const struct sim_target *t, unsigned i)
{
    return t->family->optbytes_base + (i < 8 ? 4u * i : 0x80u + 4u * (i - 8));
}

static int ob_index(const struct sim_target *t, uint32_t addr)
{
    for (unsigned i = 0; i < SIM_LX_OB_WORDS; i++)
        if (ob_addr(t, i) == addr)
            return (int)i;
    return -1;
}

static uint32_t ob_word(uint16_t v)
{
    return (uint32_t)v | (uint32_t)(uint16_t)~v << 16;
}

static bool ob_valid(uint32_t w)
{
    return (uint16_t)(w >> 16) == (uint16_t)~w;
}

static int rdp_level_of(uint8_t rdp)
{
    return rdp == RDP_LEVEL0 ? 0 : rdp == RDP_LEVEL2 ? 2 : 1;
}

/* Shipped (RM0377 §3.4.1, RM0038 §3.5.1): level 0, the user bits of the family (watchdog by
 * software, no reset on Stop or Standby entry, BOR as the family ships it), no WRP sector. */
static void optbytes_default(struct sim_target *t, int rdp_level)
{
    uint8_t rdp = rdp_level == 0 ? RDP_LEVEL0 : rdp_level == 2 ? RDP_LEVEL2 : 0xBB;
    t->lxob[OB_RDP] = ob_word(rdp);
    t->lxob[OB_USER] = ob_word(is_l0(t) ? 0x8070u : 0x0078u);
    for (unsigned i = OB_WRP1; i < SIM_LX_OB_WORDS; i++)
        t->lxob[i] = ob_word(0);
}

/* The option-byte loader: FLASH_OBR and FLASH_WRPRn from the stored words. */
static void load_options(struct sim_target *t)
{
    struct l0l1_flash *f = &t->lxf;
    uint32_t rdp = t->lxob[OB_RDP], user = t->lxob[OB_USER];
    bool bad = !ob_valid(rdp) || !ob_valid(user);
    uint8_t rdp_byte = ob_valid(rdp) ? (uint8_t)rdp : 0x00; /* an invalid RDP loads as level 1 */
    uint16_t user_half = ob_valid(user) ? (uint16_t)user : (is_l0(t) ? 0x8070u : 0x0078u);
    f->obr = rdp_byte | (is_l0(t) ? (rdp & 0x100u) : 0) | (uint32_t)(user_half & 0xFFu) << 16 |
             (uint32_t)(user_half >> 15) << 31;
    for (unsigned r = 0; r < 4; r++) {
        unsigned lo = OB_WRP1 + 2 * r, hi = lo + 1;
        f->wrpr[r] = 0;
        if (!ob_valid(t->lxob[lo]) || !ob_valid(t->lxob[hi])) {
            bad = true;
            continue;
        }
        f->wrpr[r] = (t->lxob[lo] & 0xFFFFu) | (t->lxob[hi] & 0xFFFFu) << 16;
    }
    f->rdp_level = rdp_level_of(rdp_byte);
    if (bad)
        f->sr |= SR_OPTVERR;
}

/* The option words as the core reads them at 0x1FF80000. */
static void optbytes_sync(struct sim_target *t)
{
    for (unsigned i = 0; i < SIM_LX_OB_WORDS; i++) {
        uint32_t a = ob_addr(t, i);
        if (a >= t->family->sysmem_base && a - t->family->sysmem_base + 4u <= t->sysmem_size)
            le32_put(&t->sysmem[a - t->family->sysmem_base], t->lxob[i]);
    }
}

static void state_get(const struct sim_target *t, uint8_t *out)
{
    for (unsigned i = 0; i < SIM_LX_OB_WORDS; i++)
        le32_put(&out[4 * i], t->lxob[i]);
}

static void state_put(struct sim_target *t, const uint8_t *in)
{
    for (unsigned i = 0; i < SIM_LX_OB_WORDS; i++)
        t->lxob[i] = le32_get(&in[4 * i]);
}

/* ---- protection ---- */

static bool write_protected(const struct sim_target *t, uint32_t off)
{
    uint32_t s = off / WRP_SECTOR;
    return s < 128u && (t->lxf.wrpr[s / 32u] >> (s % 32u)) & 1u;
}

/* RM0377 §3.4.1, RM0038 §3.5.1: under level 1 with the debugger attached, the flash and the data
 * EEPROM can be neither read nor written. */
static bool debug_blocked(const struct sim_target *t)
{
    return t->lxf.rdp_level > 0 && (t->core.dhcsr_ctrl & 1u);
}

/* ---- time ---- */

static void flash_update(struct sim_target *t)
{
    struct l0l1_flash *f = &t->lxf;
    if ((f->sr & SR_BSY) && t->now >= f->busy_until) {
        f->sr = (f->sr & ~SR_BSY) | SR_READY | SR_ENDHV;
        if (f->eop_pending)
            f->sr |= SR_EOP;
        f->eop_pending = false;
    }
}

static sim_ps busy_until(const struct sim_target *t)
{
    return t->lxf.busy_until;
}

static sim_ps work_floor(const struct sim_target *t, const struct sim_stats *s)
{
    (void)t;
    return s->flash_work_ps;
}

static void start_busy(struct sim_target *t, sim_ps duration)
{
    struct l0l1_flash *f = &t->lxf;
    f->busy_until = sim_flash_queue(t, f->sr & SR_BSY, f->busy_until, duration);
    f->sr |= SR_BSY;
    f->eop_pending = true;
    if (t->stats)
        t->stats->flash_work_ps += duration;
}

static bool wait_not_busy(struct sim_target *t, enum sim_initiator who)
{
    flash_update(t);
    if (!(t->lxf.sr & SR_BSY))
        return true;
    return sim_flash_stall(t, who, t->lxf.busy_until, flash_update);
}

static void flash_reset(struct sim_target *t)
{
    struct l0l1_flash keep = t->lxf;
    memset(&t->lxf, 0, sizeof t->lxf);
    t->lxf.pecr = PECR_LOCKS;
    t->lxf.sr = SR_READY | SR_ENDHV;
    if (t->power_on || keep.obl_pending) {
        load_options(t);
    } else {
        t->lxf.obr = keep.obr;
        memcpy(t->lxf.wrpr, keep.wrpr, sizeof keep.wrpr);
        t->lxf.rdp_level = keep.rdp_level;
        t->lxf.sr |= keep.sr & SR_OPTVERR;
    }
}

static int rdp_level(const struct sim_target *t)
{
    return t->lxf.rdp_level;
}

/* ---- registers ---- */

enum sim_bus_result l0l1_flash_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct l0l1_flash *f = &t->lxf;
    flash_update(t);
    switch (off) {
    case REG_ACR:
        *val = f->acr;
        break;
    case REG_PECR:
        *val = f->pecr;
        break;
    case REG_SR:
        *val = f->sr;
        break;
    case REG_OBR:
        *val = f->obr;
        break;
    case REG_WRPR1:
        *val = f->wrpr[0];
        break;
    case REG_WRPR2:
    case REG_WRPR2 + 4:
    case REG_WRPR2 + 8:
        *val = f->wrpr[1 + (off - REG_WRPR2) / 4u];
        break;
    default:
        *val = 0;
        break; /* key registers are write-only */
    }
    return SIM_BUS_OK;
}

/* A key register: the right pair clears `clears`; anything else locks the controller until the
 * next reset and answers with a bus error (RM0377 §3.3.4). */
static enum sim_bus_result key_write(struct sim_target *t, int *stage, uint32_t k1, uint32_t k2,
                                     uint32_t val, uint32_t clears)
{
    struct l0l1_flash *f = &t->lxf;
    bool unlock;
    enum sim_bus_result r = sim_flash_key_write(stage, &f->key_locked_up, val, k1, k2, &unlock);
    if (unlock)
        f->pecr &= ~clears;
    else if (r == SIM_BUS_FAULT)
        f->pecr |= PECR_LOCKS;
    return r;
}

static void obl_launch(struct sim_target *t, enum sim_initiator who)
{
    /* RM0377 §3.7.2 OBL_LAUNCH */
    t->lxf.obl_pending = true;
    sim_flash_obl_launch(t, who);
}

static enum sim_bus_result pecr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    if (f->pecr & PECR_PELOCK)
        return SIM_BUS_OK; /* PECR is write protected while PELOCK is set */
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if ((val & PECR_OBL_LAUNCH) && !(f->pecr & PECR_OPTLOCK)) {
        obl_launch(t, who);
        return SIM_BUS_OK;
    }
    if (val & PECR_PELOCK) {
        /* Locking returns FLASH_PECR to its reset value 0x00000007 (RM0377 §3.7.2): the
         * operation bits clear with it, so a word written after the next unlock is a word
         * program, not one more word of a half-page. */
        f->pecr = PECR_LOCKS;
        f->hp_count = 0;
        return SIM_BUS_OK;
    }
    uint32_t locks = (f->pecr & PECR_LOCKS) | (val & (PECR_PRGLOCK | PECR_OPTLOCK)); /* set-only */
    f->pecr = locks | (val & PECR_WRITABLE);
    if (!(f->pecr & PECR_FPRG))
        f->hp_count = 0; /* leaving half-page mode drops what was latched */
    return SIM_BUS_OK;
}

enum sim_bus_result l0l1_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                     enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    flash_update(t);
    switch (off) {
    case REG_ACR:
        f->acr = val & 0x7Fu;
        return SIM_BUS_OK;
    case REG_PECR:
        return pecr_write(t, val, who);
    case REG_PEKEYR:
        if (!(f->pecr & PECR_PELOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->pekey_stage, PEKEY1, PEKEY2, val, PECR_PELOCK);
    case REG_PRGKEYR:
        if (f->pecr & PECR_PELOCK || !(f->pecr & PECR_PRGLOCK))
            return SIM_BUS_OK; /* only with PELOCK clear */
        return key_write(t, &f->prgkey_stage, PRGKEY1, PRGKEY2, val, PECR_PRGLOCK);
    case REG_OPTKEYR:
        if (f->pecr & PECR_PELOCK || !(f->pecr & PECR_OPTLOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->optkey_stage, OPTKEY1, OPTKEY2, val, PECR_OPTLOCK);
    case REG_SR:
        f->sr &= ~(val & SR_CLEARABLE);
        return SIM_BUS_OK;
    default:
        return SIM_BUS_OK; /* PDKEYR (power-down keys), OBR and WRPR read-only */
    }
}

/* ---- the arrays ---- */

static void note_code_change(struct sim_target *t, uint32_t addr, unsigned size,
                             enum sim_initiator who)
{
    if (who == SIM_BY_DEBUG) {
        sim_target_code_changed(t, addr, size);
    } else if (t->dirty_hi <= t->dirty_lo) { /* dropped from Unicorn's cache when the run returns */
        t->dirty_lo = addr;
        t->dirty_hi = addr + size;
    } else {
        t->dirty_lo = addr < t->dirty_lo ? addr : t->dirty_lo;
        t->dirty_hi = addr + size > t->dirty_hi ? addr + size : t->dirty_hi;
    }
}

static void count_program(struct sim_target *t, uint32_t bytes)
{
    if (t->stats) {
        t->stats->program_ops++;
        t->stats->bytes_programmed += bytes;
        t->stats->halfwords_programmed += bytes / 2u;
    }
}

static void page_erase(struct sim_target *t, uint32_t off, enum sim_initiator who)
{
    uint32_t page = t->chip->page_size;
    off -= off % page;
    if (write_protected(t, off) || debug_blocked(t)) {
        t->lxf.sr |= SR_WRPERR;
        return;
    }
    memset(&t->flash[off], 0, page);
    note_code_change(t, t->family->flash_base + off, page, who);
    start_busy(t, tprog(t));
    if (t->stats)
        t->stats->pages_erased++;
}

static void program_word(struct sim_target *t, uint32_t off, uint32_t val, enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    if (write_protected(t, off) || debug_blocked(t)) {
        f->sr |= SR_WRPERR;
        return;
    }
    if (is_l0(t) && le32_get(&t->flash[off]) != 0 && val != 0) {
        f->sr |= SR_NOTZEROERR; /* RM0377 §3.7.8: nothing is written */
        return;
    }
    le32_put(&t->flash[off], val);
    note_code_change(t, t->family->flash_base + off, 4, who);
    start_busy(t, tprog(t));
    count_program(t, 4);
}

/* One word of a half-page: latched; the last one programs the half-page. */
static void half_page_word(struct sim_target *t, uint32_t off, uint32_t val, enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    uint32_t hp = t->chip->page_size / 2u, words = hp / 4u;
    if (f->hp_count == 0) {
        if (off % hp) {
            f->sr |= SR_PGAERR; /* a half-page starts at its first word */
            return;
        }
        f->hp_base = off;
    } else if (off != f->hp_base + 4u * f->hp_count) {
        f->sr |= SR_PGAERR; /* not the next word of the half-page: it is dropped */
        f->hp_count = 0;
        return;
    }
    f->hp_words[f->hp_count++] = val;
    if (f->hp_count < words)
        return;
    f->hp_count = 0;
    if (write_protected(t, f->hp_base) || debug_blocked(t)) {
        f->sr |= SR_WRPERR;
        return;
    }
    for (unsigned i = 0; is_l0(t) && i < words; i++)
        if (le32_get(&t->flash[f->hp_base + 4u * i]) != 0 && f->hp_words[i] != 0) {
            f->sr |= SR_NOTZEROERR;
            return;
        }
    for (unsigned i = 0; i < words; i++)
        le32_put(&t->flash[f->hp_base + 4u * i], f->hp_words[i]);
    note_code_change(t, t->family->flash_base + f->hp_base, hp, who);
    start_busy(t, tprog(t));
    count_program(t, hp);
}

static enum sim_bus_result program_memory_write(struct sim_target *t, uint32_t addr, unsigned size,
                                                uint32_t val, enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    uint32_t off = addr - t->family->flash_base;
    if (f->pecr & (PECR_PELOCK | PECR_PRGLOCK))
        return SIM_BUS_OK; /* locked: the store has no effect */
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    uint32_t op = f->pecr & (PECR_PROG | PECR_ERASE | PECR_FPRG | PECR_DATA);
    if (size != 4 || (off & 3u)) {
        f->sr |= size != 4 ? SR_SIZERR : SR_PGAERR;
        f->hp_count = 0;
        return SIM_BUS_OK;
    }
    if (op == (PECR_ERASE | PECR_PROG))
        page_erase(t, off, who);
    else if (op == (PECR_FPRG | PECR_PROG))
        half_page_word(t, off, val, who);
    else if (op == 0)
        program_word(t, off, val, who);
    else
        f->sr |= SR_PGAERR; /* an operation of the data EEPROM, or FPRG/ERASE without PROG */
    return SIM_BUS_OK;
}

static enum sim_bus_result eeprom_write(struct sim_target *t, uint32_t addr, unsigned size,
                                        uint32_t val, enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    uint32_t off = addr - t->family->eeprom_base;
    if (f->pecr & PECR_PELOCK)
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (off % size || off + size > t->eeprom_size) {
        f->sr |= SR_PGAERR;
        return SIM_BUS_OK;
    }
    if (debug_blocked(t)) {
        f->sr |= SR_WRPERR;
        return SIM_BUS_OK;
    }
    uint32_t op = f->pecr & (PECR_PROG | PECR_ERASE | PECR_FPRG | PECR_DATA);
    if (op == (PECR_ERASE | PECR_DATA)) {
        if (size != 4) {
            f->sr |= SR_SIZERR;
            return SIM_BUS_OK;
        }
        le32_put(&t->eeprom[off], 0);
    } else if (op == 0 || op == PECR_DATA) {
        for (unsigned i = 0; i < size; i++)
            t->eeprom[off + i] = (uint8_t)(val >> (8 * i));
    } else {
        f->sr |= SR_PGAERR; /* a program-memory operation set up */
        return SIM_BUS_OK;
    }
    note_code_change(t, addr, size, who);
    start_busy(t, tprog(t));
    count_program(t, size);
    return SIM_BUS_OK;
}

static enum sim_bus_result array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who)
{
    if (t->eeprom && addr >= t->family->eeprom_base &&
        addr - t->family->eeprom_base < t->eeprom_size)
        return eeprom_write(t, addr, size, val, who);
    return program_memory_write(t, addr, size, val, who);
}

/* A stored option word (OPTLOCK clear, 32-bit stores). RDP back to 0xAA from level 1 erases the
 * flash and the data EEPROM first; level 2 can never be left. */
static enum sim_bus_result optbytes_write(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    struct l0l1_flash *f = &t->lxf;
    int i = ob_index(t, addr & ~3u);
    if (f->pecr & (PECR_PELOCK | PECR_OPTLOCK) || i < 0)
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if (size != 4) {
        f->sr |= SR_SIZERR;
        return SIM_BUS_OK;
    }
    int stored = ob_valid(t->lxob[OB_RDP]) ? rdp_level_of((uint8_t)t->lxob[OB_RDP]) : 1;
    if (stored == 2 || f->rdp_level == 2) {
        f->sr |= SR_WRPERR;
        return SIM_BUS_OK;
    }
    sim_ps dt = tprog(t);
    if (i == OB_RDP && ob_valid(val) && (uint8_t)val == RDP_LEVEL0 &&
        (stored > 0 || f->rdp_level > 0)) {
        memset(t->flash, 0, t->flash_size);
        sim_target_code_changed(t, t->family->flash_base, t->flash_size);
        if (t->eeprom)
            memset(t->eeprom, 0, t->eeprom_size);
        dt += tprog(t);
        if (t->stats)
            t->stats->mass_erases++;
    }
    t->lxob[i] = val;
    sim_target_optbytes_changed(t);
    start_busy(t, dt);
    if (t->stats)
        t->stats->option_erases++;
    return SIM_BUS_OK;
}

const struct sim_flash_ops sim_l0l1_flash_ops = {
    .reset = flash_reset,
    .update = flash_update,
    .array_write = array_write,
    .optbytes_write = optbytes_write,
    .rdp_level = rdp_level,
    .optbytes_default = optbytes_default,
    .busy_until = busy_until,
    .floor = work_floor,
    .optbytes_sync = optbytes_sync,
    .state_section = "l0l1-options",
    .state_len = 4u * SIM_LX_OB_WORDS,
    .state_get = state_get,
    .state_put = state_put,
};
