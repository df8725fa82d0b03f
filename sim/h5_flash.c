/*
 * The H5 flash controller (RM0481 §7), as the non-secure side sees it with TrustZone off.
 * Registers (RM0481 §7.11): ACR +0x00, NSKEYR +0x04, OPTKEYR +0x0C, OPTCR +0x1C, NSSR +0x20,
 * NSCR +0x28, NSCCR +0x30, OPTSR_CUR/PRG +0x50/+0x54, OPTSR2_CUR/PRG +0x70/+0x74, WRP1R_CUR/PRG
 * +0xE8/+0xEC, ECCDETR +0x104, WRP2R_CUR/PRG +0x1E8/+0x1EC. The secure registers, the OBK keys,
 * the OTP area and the watermarks are not modelled: they read as zero.
 *
 * Programming (RM0481 §7.3): with NSCR.PG set, the four words of a quad word are written in order
 * from a 16-byte aligned address (the write buffer: WBNE while words are missing); the last one
 * starts the operation (BSY for tPROG). A word written out of that order sets INCERR, a write to a
 * write-protected group or with the debugger at a closed product state WRPERR, a store without
 * PG PGSERR; the buffer is dropped. A quad word is programmed once between erases: programming it
 * again clears bits the way the cells do (old AND new) and leaves its ECC wrong, which this model
 * reports at once as a double error in FLASH_ECCDETR (ECCD, the bank, the quad word's index in
 * the bank), as the next read of it would (RM0481 §7.3 "Error correction code").
 *
 * Erase: SER with SNB and BKSEL (the physical bank, SWAP_BANK ignored), BER with BKSEL, MER; then
 * STRT. The flags clear by writing 1 to FLASH_NSCCR. Options (RM0481 §7.4): OPTKEYR clears
 * OPTCR.OPTLOCK; the _PRG registers are written and OPTCR.OPTSTRT stores them; they are in force
 * at once, SWAP_BANK at the next reset, which exchanges the banks in the memory map (kept here by
 * exchanging the two halves of the array). PRODUCT_STATE (RM0481 §7.6.11): open 0xED,
 * provisioning 0x17, iROT-provisioned 0x2E, TZ-closed 0xC6, closed 0x72, locked 0x5C; nothing
 * leaves locked (OPTCHANGEERR), a value not in the list is refused, going back to open erases the
 * whole flash. The closed states close the debugger out of the flash (read protection level 1
 * here), locked for good (level 2).
 */
#include <string.h>

#include "core/le.h"
#include "flash_common.h"
#include "target.h"

#define REG_ACR 0x00u
#define REG_NSKEYR 0x04u
#define REG_OPTKEYR 0x0Cu
#define REG_OPTCR 0x1Cu
#define REG_NSSR 0x20u
#define REG_NSCR 0x28u
#define REG_NSCCR 0x30u
#define REG_ECCDETR 0x104u

enum { OPT_OPTSR, OPT_OPTSR2, OPT_WRP1R, OPT_WRP2R };
static const uint32_t cur_offs[SIM_H5_OPT_WORDS] = {0x50u, 0x70u, 0xE8u, 0x1E8u};

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define OPTKEY1 0x08192A3Bu
#define OPTKEY2 0x4C5D6E7Fu

#define SR_BSY (1u << 0)
#define SR_WBNE (1u << 1)
#define SR_EOP (1u << 16)
#define SR_WRPERR (1u << 17)
#define SR_PGSERR (1u << 18)
#define SR_STRBERR (1u << 19)
#define SR_INCERR (1u << 20)
#define SR_OPTCHANGEERR (1u << 23)
#define SR_CLEARABLE 0x00FF0000u
#define SR_PROG_ERRORS (SR_WRPERR | SR_PGSERR | SR_STRBERR | SR_INCERR)

#define CR_LOCK (1u << 0)
#define CR_PG (1u << 1)
#define CR_SER (1u << 2)
#define CR_BER (1u << 3)
#define CR_FW (1u << 4)
#define CR_STRT (1u << 5)
#define CR_SNB_SHIFT 6u
#define CR_SNB_MASK (0x7Fu << 6)
#define CR_MER (1u << 15)
#define CR_BKSEL (1u << 31)

#define OPTCR_OPTLOCK (1u << 0)
#define OPTCR_OPTSTRT (1u << 1)
#define OPTCR_SWAP_BANK (1u << 31)

#define OPTSR_PS_SHIFT 8u
#define OPTSR_SWAP_BANK (1u << 31)
#define PS_OPEN 0xEDu
#define PS_LOCKED 0x5Cu
#define TZEN_OFF 0xC3u

#define SECTOR 8192u
#define ECCD (1u << 31)
#define ECC_BK (1u << 22)

/* As shipped in this model: IWDG_SW, WWDG_SW, nRST_STOP, nRST_STDBY, product state open,
 * IWDG_STOP/STDBY, BOOT_UBE 0xB4, no swap; TrustZone off; no write-protected group. */
static const uint32_t opt_shipped[SIM_H5_OPT_WORDS] = {0x2D30EDD8u, 0xC3000000u, 0xFFFFFFFFu,
                                                       0xFFFFFFFFu};

static uint8_t product_state(uint32_t optsr)
{
    return (uint8_t)(optsr >> OPTSR_PS_SHIFT);
}

static bool known_state(uint8_t ps)
{
    static const uint8_t states[] = {0xED, 0x17, 0x2E, 0xC6, 0x72, 0x5C};
    for (size_t i = 0; i < sizeof states; i++)
        if (states[i] == ps)
            return true;
    return false;
}

/* Open, provisioning and iROT-provisioned leave the flash to the debugger; the closed states do
 * not; locked never again. */
static int level_of(uint8_t ps)
{
    switch (ps) {
    case PS_OPEN:
    case 0x17:
    case 0x2E:
        return 0;
    case PS_LOCKED:
        return 2;
    default:
        return 1;
    }
}

static uint32_t bank_size(const struct sim_target *t)
{
    return t->flash_size / 2u;
}

/* Where the physical bank `pb` lies in the array: the halves are exchanged while SWAP_BANK is in
 * force. */
static uint32_t bank_off(const struct sim_target *t, unsigned pb)
{
    return (pb ^ (t->optnv[4] & 1u)) * bank_size(t);
}

/* The physical bank of array offset off, and the offset in that bank. */
static unsigned phys_bank(const struct sim_target *t, uint32_t off, uint32_t *in_bank)
{
    unsigned half = off / bank_size(t);
    *in_bank = off % bank_size(t);
    return half ^ (t->optnv[4] & 1u);
}

/* Write-protected sector groups (WRPxR_CUR bit clear: four sectors) or a closed product state
 * with a debugger attached, or TrustZone on (the flash is secure). */
static bool refused(const struct sim_target *t, uint32_t off)
{
    const struct h5_flash *f = &t->h5f;
    uint32_t in;
    unsigned pb = phys_bank(t, off, &in);
    uint32_t wrp = f->cur[pb ? OPT_WRP2R : OPT_WRP1R];
    if (!(wrp & (1u << (in / SECTOR / 4u))))
        return true;
    if ((f->cur[OPT_OPTSR2] >> 24) != TZEN_OFF)
        return true;
    return f->rdp_level > 0 && (t->core.dhcsr_ctrl & 1u);
}

/* ---- options ---- */

static void load_options(struct sim_target *t)
{
    struct h5_flash *f = &t->h5f;
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS; i++)
        f->cur[i] = f->prg[i] = t->optnv[i];
    f->rdp_level = level_of(product_state(f->cur[OPT_OPTSR]));
    bool swap = f->cur[OPT_OPTSR] & OPTSR_SWAP_BANK;
    if (swap != (bool)(t->optnv[4] & 1u)) { /* the banks change places in the memory map */
        uint32_t half = bank_size(t);
        for (uint32_t i = 0; i < half; i++) {
            uint8_t b = t->flash[i];
            t->flash[i] = t->flash[half + i];
            t->flash[half + i] = b;
        }
        t->optnv[4] = swap;
        sim_target_code_changed(t, t->family->flash_base, t->flash_size);
    }
    f->optcr = OPTCR_OPTLOCK | (swap ? OPTCR_SWAP_BANK : 0);
}

static void optbytes_default(struct sim_target *t, int rdp_level)
{
    memcpy(t->optnv, opt_shipped, sizeof opt_shipped);
    uint8_t ps = rdp_level == 0 ? PS_OPEN : rdp_level == 2 ? PS_LOCKED : 0x72u;
    t->optnv[OPT_OPTSR] = (t->optnv[OPT_OPTSR] & ~0xFF00u) | (uint32_t)ps << OPTSR_PS_SHIFT;
    t->optnv[4] = 0;
}

static void optbytes_sync(struct sim_target *t)
{
    (void)t; /* in registers only */
}

static void state_get(const struct sim_target *t, uint8_t *out)
{
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS + 1u; i++)
        le32_put(&out[4 * i], t->optnv[i]);
}

static void state_put(struct sim_target *t, const uint8_t *in)
{
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS + 1u; i++)
        t->optnv[i] = le32_get(&in[4 * i]);
}

/* ---- time ---- */

static void flash_update(struct sim_target *t)
{
    struct h5_flash *f = &t->h5f;
    if ((f->sr & SR_BSY) && t->now >= f->busy_until) {
        f->sr = (f->sr & ~SR_BSY) | SR_EOP;
        f->cr &= ~CR_STRT;
        f->optcr &= ~OPTCR_OPTSTRT;
    }
}

static sim_ps busy_until(const struct sim_target *t)
{
    return t->h5f.busy_until;
}

static sim_ps work_floor(const struct sim_target *t, const struct sim_stats *s)
{
    return s->halfwords_programmed / 8u * t->family->tprog_ps +
           (s->pages_erased + s->mass_erases) * t->family->erase_ps;
}

static void start_busy(struct sim_target *t, sim_ps duration)
{
    sim_flash_start_busy(t, &t->h5f.sr, SR_BSY, &t->h5f.busy_until, duration);
}

static bool wait_not_busy(struct sim_target *t, enum sim_initiator who)
{
    return sim_flash_wait_idle(t, who, &t->h5f.sr, SR_BSY, &t->h5f.busy_until, flash_update);
}

/* The options load at every reset (RM0481 §7.4). */
static void flash_reset(struct sim_target *t)
{
    memset(&t->h5f, 0, sizeof t->h5f);
    t->h5f.cr = CR_LOCK;
    load_options(t);
}

static int rdp_level(const struct sim_target *t)
{
    return t->h5f.rdp_level;
}

static bool trustzone(const struct sim_target *t)
{
    return (t->h5f.cur[OPT_OPTSR2] >> 24) != TZEN_OFF;
}

/* ---- erase ---- */

/* Erases sectors [first, first + n) of the physical bank pb, unless one is refused. */
static void erase_sectors(struct sim_target *t, unsigned pb, uint32_t first, uint32_t n)
{
    struct h5_flash *f = &t->h5f;
    uint32_t base = bank_off(t, pb);
    if ((uint64_t)(first + n) * SECTOR > bank_size(t)) {
        f->sr |= SR_PGSERR;
        f->cr &= ~CR_STRT;
        return;
    }
    for (uint32_t s = first; s < first + n; s++)
        if (refused(t, base + s * SECTOR)) {
            f->sr |= SR_WRPERR;
            f->cr &= ~CR_STRT;
            return;
        }
    sim_flash_erase_bytes(t, base + first * SECTOR, n * SECTOR);
}

static void start_erase(struct sim_target *t, uint32_t ops)
{
    struct h5_flash *f = &t->h5f;
    unsigned pb = (ops & CR_BKSEL) ? 1u : 0u;
    uint32_t sectors = bank_size(t) / SECTOR;
    if (ops & CR_MER) {
        erase_sectors(t, 0, 0, sectors);
        if (!(f->sr & SR_PROG_ERRORS))
            erase_sectors(t, 1, 0, sectors);
        if (t->stats)
            t->stats->mass_erases++;
    } else if (ops & CR_BER) {
        erase_sectors(t, pb, 0, sectors);
        if (t->stats)
            t->stats->mass_erases++;
    } else {
        erase_sectors(t, pb, (ops & CR_SNB_MASK) >> CR_SNB_SHIFT, 1);
        if (t->stats)
            t->stats->pages_erased++;
    }
    if (!(f->sr & SR_PROG_ERRORS))
        start_busy(t, sim_flash_terase(t));
}

/* OPTSTRT: the _PRG registers become the stored options, within the product-state rules of the
 * header comment. */
static void option_program(struct sim_target *t)
{
    struct h5_flash *f = &t->h5f;
    uint8_t now = product_state(f->cur[OPT_OPTSR]), want = product_state(f->prg[OPT_OPTSR]);
    if (now == PS_LOCKED || !known_state(want)) {
        f->sr |= SR_OPTCHANGEERR;
        return;
    }
    sim_ps dt = sim_flash_terase(t);
    if (want == PS_OPEN && now != PS_OPEN) { /* the regression erases the flash */
        sim_flash_erase_bytes(t, 0, t->flash_size);
        dt += sim_flash_terase(t);
        if (t->stats)
            t->stats->mass_erases++;
    }
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS; i++)
        t->optnv[i] = f->prg[i];
    /* In force at once, but for SWAP_BANK: the banks change places at the next reset. */
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS; i++)
        f->cur[i] = i == OPT_OPTSR ? (f->prg[i] & ~OPTSR_SWAP_BANK) | (f->cur[i] & OPTSR_SWAP_BANK)
                                   : f->prg[i];
    f->rdp_level = level_of(want);
    sim_target_optbytes_changed(t);
    f->optcr |= OPTCR_OPTSTRT;
    start_busy(t, dt);
    if (t->stats)
        t->stats->option_erases++;
}

/* ---- registers ---- */

enum sim_bus_result h5_flash_read(struct sim_target *t, uint32_t off, uint32_t *val)
{
    struct h5_flash *f = &t->h5f;
    flash_update(t);
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS; i++) {
        if (off == cur_offs[i]) {
            *val = f->cur[i];
            return SIM_BUS_OK;
        }
        if (off == cur_offs[i] + 4u) {
            *val = f->prg[i];
            return SIM_BUS_OK;
        }
    }
    switch (off) {
    case REG_ACR:
        *val = f->acr;
        break;
    case REG_OPTCR:
        *val = f->optcr;
        break;
    case REG_NSSR:
        *val = f->sr | (f->nbuf ? SR_WBNE : 0);
        break;
    case REG_NSCR:
        *val = f->cr;
        break;
    case REG_ECCDETR:
        *val = f->eccdetr;
        break;
    default:
        *val = 0;
        break; /* key and clear registers are write-only */
    }
    return SIM_BUS_OK;
}

/* A wrong key locks the register until the next reset, with a bus error (RM0481 §7.3). */
static enum sim_bus_result key_write(struct sim_target *t, int *stage, uint32_t k1, uint32_t k2,
                                     uint32_t val, uint32_t *reg, uint32_t lock)
{
    struct h5_flash *f = &t->h5f;
    if (f->key_locked_up)
        return SIM_BUS_FAULT;
    if (*stage == 0 && val == k1) {
        *stage = 1;
    } else if (*stage == 1 && val == k2) {
        *stage = 0;
        *reg &= ~lock;
    } else {
        *stage = 0;
        f->key_locked_up = true;
        f->cr |= CR_LOCK;
        f->optcr |= OPTCR_OPTLOCK;
        return SIM_BUS_FAULT;
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result cr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct h5_flash *f = &t->h5f;
    if (f->cr & CR_LOCK)
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    uint32_t writable = CR_PG | CR_SER | CR_BER | CR_SNB_MASK | CR_MER | CR_BKSEL | 0x00FF0000u;
    uint32_t next = (val & writable) | (val & CR_LOCK);
    if (!(next & CR_PG))
        f->nbuf = 0;
    f->cr = next;
    if (!(val & CR_STRT))
        return SIM_BUS_OK;
    uint32_t ops = next & (CR_SER | CR_BER | CR_MER);
    if ((f->sr & SR_PROG_ERRORS) || (next & CR_PG) || !ops || (ops & (ops - 1u))) {
        f->sr |= SR_PGSERR;
        return SIM_BUS_OK;
    }
    f->cr |= CR_STRT;
    start_erase(t, next);
    return SIM_BUS_OK;
}

static enum sim_bus_result optcr_write(struct sim_target *t, uint32_t val, enum sim_initiator who)
{
    struct h5_flash *f = &t->h5f;
    if (f->optcr & OPTCR_OPTLOCK)
        return SIM_BUS_OK;
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    f->optcr =
        (f->optcr & ~(OPTCR_SWAP_BANK | OPTCR_OPTLOCK)) | (val & (OPTCR_SWAP_BANK | OPTCR_OPTLOCK));
    if ((val & OPTCR_OPTSTRT) && !(f->sr & SR_OPTCHANGEERR))
        option_program(t);
    return SIM_BUS_OK;
}

enum sim_bus_result h5_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who)
{
    struct h5_flash *f = &t->h5f;
    flash_update(t);
    for (unsigned i = 0; i < SIM_H5_OPT_WORDS; i++)
        if (off == cur_offs[i] + 4u) {
            if (!(f->optcr & OPTCR_OPTLOCK))
                f->prg[i] = val;
            return SIM_BUS_OK;
        }
    switch (off) {
    case REG_ACR:
        f->acr = val & 0x3FFu;
        return SIM_BUS_OK;
    case REG_NSKEYR:
        if (!(f->cr & CR_LOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->key_stage, KEY1, KEY2, val, &f->cr, CR_LOCK);
    case REG_OPTKEYR:
        if (!(f->optcr & OPTCR_OPTLOCK))
            return SIM_BUS_OK;
        return key_write(t, &f->optkey_stage, OPTKEY1, OPTKEY2, val, &f->optcr, OPTCR_OPTLOCK);
    case REG_OPTCR:
        return optcr_write(t, val, who);
    case REG_NSCCR:
        f->sr &= ~(val & SR_CLEARABLE);
        return SIM_BUS_OK;
    case REG_NSCR:
        return cr_write(t, val, who);
    case REG_ECCDETR:
        if (val & ECCD)
            f->eccdetr = 0;
        return SIM_BUS_OK;
    default:
        return SIM_BUS_OK;
    }
}

/* ---- the array ---- */

static void program_quad_word(struct sim_target *t)
{
    struct h5_flash *f = &t->h5f;
    uint32_t off = f->buf_addr - t->family->flash_base, in;
    if (refused(t, off)) {
        f->sr |= SR_WRPERR;
        return;
    }
    bool erased = true;
    for (unsigned i = 0; i < 4; i++)
        erased = erased && le32_get(&t->flash[off + 4 * i]) == 0xFFFFFFFFu;
    for (unsigned i = 0; i < 4; i++)
        le32_put(&t->flash[off + 4 * i], le32_get(&t->flash[off + 4 * i]) & f->buf[i]);
    if (!erased && !(f->eccdetr & ECCD)) /* the first double error is the one kept */
        f->eccdetr = ECCD | (phys_bank(t, off, &in) ? ECC_BK : 0) | ((in / 16u) & 0xFFFFu);
    start_busy(t, sim_flash_tprog(t));
    if (t->stats)
        t->stats->halfwords_programmed += 8u;
}

static enum sim_bus_result array_write(struct sim_target *t, uint32_t addr, unsigned size,
                                       uint32_t val, enum sim_initiator who)
{
    struct h5_flash *f = &t->h5f;
    if (f->cr & CR_LOCK)
        return SIM_BUS_OK;
    if (!(f->cr & CR_PG)) {
        f->sr |= SR_PGSERR;
        return SIM_BUS_OK;
    }
    if (!wait_not_busy(t, who))
        return SIM_BUS_STALL;
    if ((f->sr & SR_PROG_ERRORS) || (f->cr & (CR_SER | CR_BER | CR_MER))) {
        f->sr |= SR_PGSERR;
        f->nbuf = 0;
        return SIM_BUS_OK;
    }
    if (size != 4 || (f->nbuf == 0 ? (addr & 15u) != 0 : addr != f->buf_addr + 4u * f->nbuf)) {
        f->sr |= SR_INCERR;
        f->nbuf = 0;
        return SIM_BUS_OK;
    }
    if (f->nbuf == 0)
        f->buf_addr = addr;
    f->buf[f->nbuf++] = val;
    if (f->nbuf < 4u)
        return SIM_BUS_OK;
    f->nbuf = 0;
    program_quad_word(t);
    sim_flash_note_store(t, f->buf_addr, 16u, who);
    return SIM_BUS_OK;
}

const struct sim_flash_ops sim_h5_flash_ops = {
    .reset = flash_reset,
    .update = flash_update,
    .array_write = array_write,
    .optbytes_write = sim_flash_no_optbytes,
    .rdp_level = rdp_level,
    .optbytes_default = optbytes_default,
    .busy_until = busy_until,
    .floor = work_floor,
    .optbytes_sync = optbytes_sync,
    .trustzone = trustzone,
    .state_section = "h5opt",
    .state_len = 4u * (SIM_H5_OPT_WORDS + 1u),
    .state_get = state_get,
    .state_put = state_put,
};
