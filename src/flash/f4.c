/*
 * The F2/F4/F7 flash interface: RM0033 §2.3 (F2), RM0090 §3.5-§3.6 (F4: unlocking, program and
 * erase parallelism, sector and mass erase, programming), RM0410 §3.3 (F7, single and dual bank).
 *
 * One register block serves every bank. Sectors are erased from the host, one unit of the erase
 * map at a time, by SER and the sector number (SNB, with SNB[4] set for bank 2: RM0090 §3.9.8);
 * a mass erase sets MER, and MER1 too on a two-bank layout. Programming goes through a loader in
 * target SRAM (loaders/f4_program.S, one build per width) run by the shared loader runner
 * (flash/loader.h). The width (PSIZE) follows the supply voltage the probe measured (RM0090
 * Table 6): x32 at 2.7-3.6 V, x16 from 2.1 V, x8 from 1.8 V; x64 needs an external VPP and is never
 * chosen. The access width of every store matches PSIZE, or the controller sets PGPERR.
 *
 * The layout of the F42x/F43x (DB1M) and the F76x/F77x (nDBANK) depends on FLASH_OPTCR: the probe
 * slot reads it and rebuilds the erase map. After a job the ART caches are reset (FLASH_ACR
 * ICRST/DCRST, or ARTRST on the F7, written while the cache is disabled, RM0090 §3.9.1), so that
 * no line fetched before an erase or program is served afterwards.
 *
 * The family descriptors (flash_family_f2_f4, flash_family_f7, at the end) tie this driver to
 * the option bytes (flash/f4_options.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "f4_program16_loader.h"
#include "f4_program8_loader.h"
#include "f4_program_loader.h"
#include "flash/f4.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/keyed_ctrl.h"
#include "flash/loader.h"
#include "flash/loaders/loader_abi.h"

/* tPROG at most 100 us per unit, any width (DS8626 "Flash memory programming"). */
#define TPROG_MAX_US 100u

#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define LOADER_MAX_LEN                                                                             \
    MAX2(F4_PROGRAM_LOADER_LEN, MAX2(F4_PROGRAM16_LOADER_LEN, F4_PROGRAM8_LOADER_LEN))

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

static uint32_t regs_of(const struct flash_dev *f)
{
    return f->map.bank[0].regs;
}

/* ---- the pure parts ---- */

enum f4_psize f4_psize_for_volts(double volts)
{
    if (volts <= 0.0 || volts >= 2.7)
        return F4_PSIZE_X32;
    if (volts >= 2.1)
        return F4_PSIZE_X16;
    return F4_PSIZE_X8;
}

uint32_t f4_sector_erase_cr(unsigned bank, unsigned index_in_bank, enum f4_psize psize)
{
    uint32_t snb = (bank ? 0x10u : 0u) | (index_in_bank & 0xFu);
    return F4_CR_SER | snb << F4_CR_SNB_SHIFT | (uint32_t)psize << F4_CR_PSIZE_SHIFT;
}

uint32_t f4_mass_erase_cr(unsigned banks, enum f4_psize psize)
{
    return F4_CR_MER | (banks > 1 ? F4_CR_MER1 : 0u) | (uint32_t)psize << F4_CR_PSIZE_SHIFT;
}

/* F42x/F43x and F469/F479: two banks at 2 MiB, DB1M at 1 MiB (RM0090 §3.3 Tables 5-7). */
static bool is_f42x_style(const struct stflash_chip_info *chip)
{
    return chip->flash_ctrl == STFLASH_CTRL_F2_F4 && chip->geom.banks > 1;
}

bool f4_has_optcr1_wrp(const struct stflash_chip_info *chip)
{
    return is_f42x_style(chip);
}

int f4_map_layout(struct flash_map *m, const struct stflash_chip_info *chip, uint32_t flash_size,
                  uint32_t optcr, enum f4_psize psize, char *why, size_t why_len)
{
    struct flash_map_params p = {.flash_size = flash_size};
    struct stflash_chip_info one = *chip;
    const struct stflash_chip_info *row = chip;
    if (is_f42x_style(chip)) {
        bool dual = flash_size == chip->flash_size_max ||
                    (flash_size == chip->flash_size_max / 2 && (optcr & F4_OPTCR_DB1M));
        if (!dual) {
            /* One bank: the row's sector list of one bank, cut to the size. */
            one.geom.banks = 1;
            one.bank2_base = 0;
            row = &one;
        }
    } else if (chip->dual_geom.banks) {
        p.dual_bank = !(optcr & F7_OPTCR_NDBANK); /* RM0410 §3.3.1: nDBANK = 0 is dual bank */
    }
    int rc = flash_map_from_chip(m, row, &p, why, why_len);
    if (rc != STFLASH_OK)
        return rc;
    m->program_unit = 1u << psize;
    return flash_map_check(m, why, why_len);
}

unsigned f4_wrp_bit(const struct stflash_chip_info *chip, const struct flash_map *m,
                    const struct flash_unit *u)
{
    if (chip->flash_ctrl == STFLASH_CTRL_F7 && m->banks > 1)
        return (unsigned)(u->index / 2u); /* dual-bank F76x: one bit per two sectors */
    if (u->bank > 0)
        return 12u + (unsigned)u->index_in_bank; /* FLASH_OPTCR1 */
    if (chip->dev_id == 0x463 && u->index_in_bank > 14)
        return 14u; /* F413/F423: sectors 14 and 15 share nWRP14 (RM0430 §3.6) */
    return (unsigned)u->index_in_bank;
}

/* ---- registers ---- */

/* The one register block of every bank, for flash/keyed_ctrl.h. */
static struct keyed_ctrl keyed_of(const struct flash_dev *f)
{
    return (struct keyed_ctrl){.regs = regs_of(f),
                               .keyr = F4_KEYR,
                               .cr = F4_CR,
                               .sr = F4_SR,
                               .lock = F4_CR_LOCK,
                               .busy = F4_SR_BSY};
}

int f4_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr)
{
    struct keyed_ctrl c = keyed_of(f);
    return keyed_wait_idle(f, &c, timeout_ms, sr);
}

static int idle_or_fail(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                        uint32_t addr)
{
    int rc = f4_wait_idle(f, timeout_ms, sr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: flash controller still busy after %u ms",
                        what, addr, timeout_ms);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
    return STFLASH_OK;
}

static int write_reg(struct flash_dev *f, uint32_t off, uint32_t val)
{
    return dbg_write32(f->dbg, regs_of(f) + off, val);
}

/* The error flags of FLASH_SR, by name: "WRPERR, PGSERR". */
static const char *sr_flags(uint32_t sr, char *buf, size_t cap)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {F4_SR_OPERR, "OPERR"},   {F4_SR_WRPERR, "WRPERR"}, {F4_SR_PGAERR, "PGAERR"},
        {F4_SR_PGPERR, "PGPERR"}, {F4_SR_PGSERR, "PGSERR"}, {F4_SR_RDERR, "RDERR"},
    };
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (sr & names[i].bit && n < cap) {
            int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", names[i].name);
            if (w > 0)
                n += (size_t)w;
        }
    return buf;
}

/* What an error flag means, for messages. */
static const char *sr_cause(uint32_t sr)
{
    if (sr & F4_SR_WRPERR)
        return "write protected";
    if (sr & F4_SR_PGPERR)
        return "the access width does not match the program width (PSIZE)";
    if (sr & F4_SR_PGAERR)
        return "the access crosses a 128-bit row";
    if (sr & F4_SR_PGSERR)
        return "programming sequence error";
    if (sr & F4_SR_RDERR)
        return "read of a proprietary-code-protected sector";
    return "operation error";
}

/* Clears the operation bits and the flags after an error: the next operation starts clean. */
static void clear_after_error(struct flash_dev *f)
{
    (void)write_reg(f, F4_CR, 0);
    (void)write_reg(f, F4_SR, F4_SR_EOP | F4_SR_ERRORS);
}

static int status_error(struct flash_dev *f, uint32_t sr, const char *what, uint32_t addr)
{
    char flags[64];
    clear_after_error(f);
    return ctx_fail(f->ctx, (sr & F4_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                    "cannot %s 0x%08x: %s (FLASH_SR 0x%08x: %s)", what, addr, sr_cause(sr), sr,
                    sr_flags(sr, flags, sizeof flags));
}

/* ---- probe, unlock, lock ---- */

static int f4_probe(struct flash_dev *f)
{
    uint32_t optcr = 0;
    if (f->chip->flags & STFLASH_CHIP_DUAL_BANK_OPTION) {
        int rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR, &optcr);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc,
                            "cannot read the bank configuration in FLASH_OPTCR "
                            "(0x%08x): %s",
                            regs_of(f) + F4_OPTCR, last_error(f));
    }
    char why[160];
    uint32_t size = (uint32_t)flash_map_bytes(&f->map);
    if (f4_map_layout(&f->map, f->chip, size, optcr, f4_psize_for_volts(f->volts), why,
                      sizeof why) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "cannot lay out the flash of %s (%u KiB, FLASH_OPTCR 0x%08x): %s",
                        f->chip->name, size / 1024u, optcr, why);
    return STFLASH_OK;
}

static int f4_unlock(struct flash_dev *f)
{
    uint32_t sr;
    int rc = idle_or_fail(f, F4_IDLE_TIMEOUT_MS, &sr, "unlock the flash controller at", regs_of(f));
    if (rc != STFLASH_OK)
        return rc;
    /* KEY1 then KEY2 while FLASH_CR.LOCK is set (RM0090 §3.5.1) */
    struct keyed_ctrl c = keyed_of(f);
    rc = keyed_unlock(f, &c);
    if (rc != STFLASH_OK)
        return rc;
    /* Leftovers of an interrupted job: no operation bit set, no stale flag (a stale PGSERR or
     * PGPERR would stop the next program operation, RM0090 §3.9.4). */
    rc = write_reg(f, F4_CR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_SR, F4_SR_EOP | F4_SR_ERRORS);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot prepare the flash controller at 0x%08x: %s", regs_of(f),
                        last_error(f));
    return STFLASH_OK;
}

/*
 * Resets the ART caches (RM0090 §3.9.1 FLASH_ACR: ICRST/DCRST "can be written only when the
 * cache is disabled"; RM0410 §3.7.1: ARTRST likewise for ARTEN): disable, reset, then the
 * enables as they were. Lines fetched before an erase or program are gone afterwards.
 */
static int reset_caches(struct flash_dev *f)
{
    bool f7 = f->chip->flash_ctrl == STFLASH_CTRL_F7;
    uint32_t en = f7 ? F4_ACR_ICEN : F4_ACR_ICEN | F4_ACR_DCEN;
    uint32_t rst = f7 ? F4_ACR_ICRST : F4_ACR_ICRST | F4_ACR_DCRST;
    uint32_t acr;
    int rc = dbg_read32(f->dbg, regs_of(f) + F4_ACR, &acr);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_ACR, acr & ~(en | rst));
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_ACR, (acr & ~(en | rst)) | rst);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_ACR, acr & ~rst);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot reset the flash caches (FLASH_ACR at 0x%08x): %s",
                        regs_of(f) + F4_ACR, last_error(f));
    return STFLASH_OK;
}

int f4_lock(struct flash_dev *f)
{
    /* A job that failed while the loader ran: stopped before the controller is touched. */
    int rc = flash_loader_end(f);
    /* An operation still under way ends within a sector erase time. */
    struct keyed_ctrl c = keyed_of(f);
    int brc = keyed_lock(f, &c, F4_MASS_ERASE_TIMEOUT_MS);
    if (brc == STFLASH_OK)
        brc = reset_caches(f);
    return rc != STFLASH_OK ? rc : brc;
}

/* ---- erase ---- */

/* Longest sector erase: 4 s for 128 KiB at x8 (DS8626 tERASE128KB max), scaled by size, plus a
 * margin for the probe. */
static unsigned erase_timeout_ms(uint32_t size)
{
    return 1000u + size / 1024u * 40u;
}

static enum f4_psize psize_of(const struct flash_dev *f)
{
    return f4_psize_for_volts(f->volts);
}

/* RM0090 §3.6.3 "Sector Erase": BSY clear, SER and SNB (and PSIZE) in FLASH_CR, STRT, wait. */
static int f4_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    uint32_t sr, cr = f4_sector_erase_cr(u->bank, (unsigned)u->index_in_bank, psize_of(f));
    int rc = idle_or_fail(f, F4_IDLE_TIMEOUT_MS, &sr, "erase the sector at", u->addr);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, F4_CR, cr);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_CR, cr | F4_CR_STRT);
    if (rc != STFLASH_OK) {
        clear_after_error(f);
        return ctx_fail(f->ctx, rc, "cannot erase the sector at 0x%08x: %s", u->addr,
                        last_error(f));
    }
    rc = idle_or_fail(f, erase_timeout_ms(u->size), &sr, "erase the sector at", u->addr);
    if (rc != STFLASH_OK) {
        clear_after_error(f);
        return rc;
    }
    if (sr & F4_SR_ERRORS)
        return status_error(f, sr, "erase the sector at", u->addr);
    rc = write_reg(f, F4_CR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_SR, F4_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish erasing the sector at 0x%08x: %s", u->addr,
                        last_error(f));
    return STFLASH_OK;
}

/* RM0090 §3.6.4 "Mass Erase": MER (and MER1 for bank 2 of a two-bank layout), STRT, wait. */
static int f4_mass_erase(struct flash_dev *f)
{
    uint32_t sr, base = flash_map_base(&f->map);
    uint32_t cr = f4_mass_erase_cr((unsigned)f->map.banks, psize_of(f));
    int rc = idle_or_fail(f, F4_IDLE_TIMEOUT_MS, &sr, "mass erase the flash at", base);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, F4_CR, cr);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_CR, cr | F4_CR_STRT);
    if (rc != STFLASH_OK) {
        clear_after_error(f);
        return ctx_fail(f->ctx, rc, "cannot mass erase the flash at 0x%08x: %s", base,
                        last_error(f));
    }
    rc = idle_or_fail(f, F4_MASS_ERASE_TIMEOUT_MS, &sr, "mass erase the flash at", base);
    if (rc != STFLASH_OK) {
        clear_after_error(f);
        return rc;
    }
    if (sr & F4_SR_ERRORS)
        return status_error(f, sr, "mass erase the flash at", base);
    rc = write_reg(f, F4_CR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, F4_SR, F4_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish the mass erase at 0x%08x: %s", base,
                        last_error(f));
    return STFLASH_OK;
}

/*
 * Refuses ranges the option bytes protect: read protection (level 1 keeps the debugger away from
 * the flash, RM0090 §3.7.3), and sectors whose nWRP bit is clear (or set, as PCROP, when SPRMOD
 * is set on the parts that have it, RM0090 §3.7.4).
 */
static int f4_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    uint32_t optcr, optcr1 = 0xFFFFFFFFu;
    bool has1 = f4_has_optcr1_wrp(f->chip);
    int rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR, &optcr);
    if (rc == STFLASH_OK && has1)
        rc = dbg_read32(f->dbg, regs_of(f) + F4_OPTCR1, &optcr1);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the write protection in FLASH_OPTCR: %s",
                        last_error(f));
    uint8_t rdp = (uint8_t)(optcr >> F4_OPTCR_RDP_SHIFT);
    if (f4_rdp_level_of(rdp) != 0)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot write 0x%08x: the flash is read protected (level %d, RDP 0x%02x); "
                        "'stflash unlock' removes the protection and erases the flash",
                        addr, f4_rdp_level_of(rdp), rdp);
    bool pcrop = f->chip->flash_ctrl == STFLASH_CTRL_F2_F4 && (optcr & F4_OPTCR_SPRMOD);
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end;) {
        struct flash_unit u;
        if (!flash_map_unit_at(&f->map, (uint32_t)a, &u))
            break; /* not flash: the engine names it */
        unsigned bit = f4_wrp_bit(f->chip, &f->map, &u);
        bool in1 = bit >= 12 && f->chip->dev_id != 0x463; /* the F413 has 15 bits in OPTCR */
        uint32_t reg = in1 ? optcr1 : optcr;
        unsigned pos = in1 ? bit - 12 : bit;
        bool set = (reg >> (F4_OPTCR_NWRP_SHIFT + pos)) & 1u;
        if (pcrop ? set : !set)
            return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write 0x%08x: sector %u is %s by the option bytes (%s 0x%08x, "
                            "nWRP bit %u)",
                            (uint32_t)a, (unsigned)u.index,
                            pcrop ? "read/write protected (PCROP)" : "write protected",
                            in1 ? "FLASH_OPTCR1" : "FLASH_OPTCR", reg, pos);
        a = (uint64_t)u.addr + u.size;
    }
    return STFLASH_OK;
}

/* ---- program ---- */

/* The loader stopped with a failure: names the failing unit and the cause (status codes:
 * loaders/loader_abi.h; r0 carries FLASH_SR with LDR_ERR_STATUS). */
static int loader_failure(struct flash_dev *f, unsigned unit, const struct flash_loader_job *job,
                          const struct flash_loader_stop *st)
{
    clear_after_error(f);
    if (st->status & LDR_ERR_STATUS) {
        char flags[64];
        uint32_t sr = st->status & ~(uint32_t)LDR_ERR_STATUS;
        return ctx_fail(f->ctx, (sr & F4_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: %s (FLASH_SR 0x%08x: %s)", st->addr, sr_cause(sr),
                        sr, sr_flags(sr, flags, sizeof flags));
    }
    return flash_loader_unit_error(f, job, st, unit);
}

/* The loader for the program width, its length in *len. */
static const uint8_t *loader_code(enum f4_psize psize, uint32_t *len)
{
    *len = psize == F4_PSIZE_X32   ? F4_PROGRAM_LOADER_LEN
           : psize == F4_PSIZE_X16 ? F4_PROGRAM16_LOADER_LEN
                                   : F4_PROGRAM8_LOADER_LEN;
    return psize == F4_PSIZE_X32   ? f4_program_loader
           : psize == F4_PSIZE_X16 ? f4_program16_loader
                                   : f4_program8_loader;
}

/* The program width, said once per job (before its loader session exists). */
static void say_width(struct flash_dev *f, enum f4_psize psize)
{
    unsigned unit = 1u << psize;
    if (!f->drv_state && f->volts > 0.0)
        ctx_log(f->ctx, STFLASH_LOG_INFO, "programming x%u (PSIZE %u) for a %.2f V supply",
                8u * unit, (unsigned)psize, f->volts);
    else if (!f->drv_state)
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "programming x%u (PSIZE %u): the supply voltage is not known, 2.7-3.6 V assumed",
                8u * unit, (unsigned)psize);
}

/* During an erase (flash_stage_step): the loader and the first data into SRAM. */
static int f4_stage(struct flash_dev *f, bool *more)
{
    enum f4_psize psize = psize_of(f);
    uint32_t len;
    const uint8_t *code = loader_code(psize, &len);
    say_width(f, psize);
    return flash_loader_stage(f, LOADER_MAX_LEN, code, len, more);
}

static int f4_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    if (len == 0)
        return STFLASH_OK;
    enum f4_psize psize = psize_of(f);
    unsigned unit = 1u << psize;
    if ((addr | len) & (unit - 1u) || !flash_map_covers(&f->map, addr, len, NULL))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot program 0x%08x (%zu bytes): not aligned to the %u-byte program "
                        "width or outside the flash",
                        addr, len, unit);
    uint32_t code_len;
    const uint8_t *code = loader_code(psize, &code_len);
    say_width(f, psize);
    struct flash_loader *l = NULL;
    int rc = flash_loader_begin(f, LOADER_MAX_LEN, code, code_len, addr, &l);
    if (rc != STFLASH_OK)
        return rc;
    /* One register block for every bank: one job covers the whole range. */
    struct flash_loader_job job = {
        .regs = regs_of(f),
        .addr = addr,
        .len = (uint32_t)len,
        .data = data,
        .erased = flash_map_erased_pattern(&f->map, unit),
        .arg = F4_CR_PG | (uint32_t)psize << F4_CR_PSIZE_SHIFT,
        .unit_us = TPROG_MAX_US,
        .unit = unit,
        .crc = true,
    };
    struct flash_loader_stop st;
    rc = flash_loader_run(f, l, &job, &st);
    if (rc == STFLASH_OK && st.status)
        rc = loader_failure(f, unit, &job, &st);
    return rc;
}

static const struct flash_driver flash_driver_f4 = {
    .name = "stm32f2/f4/f7 flash interface",
    .probe = f4_probe,
    .unlock = f4_unlock,
    .lock = f4_lock,
    .erase_unit = f4_erase_unit,
    .mass_erase = f4_mass_erase,
    .program = f4_program,
    .check_writable = f4_check_writable,
    .stage = f4_stage,
};

/* The F2/F4 and the F7: the same driver and option bytes; no clone quirks. */
const struct flash_family flash_family_f2_f4 = {
    .name = "F2/F4 flash interface",
    .ctrl = STFLASH_CTRL_F2_F4,
    .driver = &flash_driver_f4,
    .clock_recipes = flash_clock_f2_f4_f7,
    .uses_volts = true, /* PSIZE */
    .protection = f4_protection,
    .options_read = f4_options_read,
    .options_write = f4_options_write,
    .options_load = f4_options_load,
    .options_rdp_byte = f4_rdp_byte,
};

const struct flash_family flash_family_f7 = {
    .name = "F7 flash interface",
    .ctrl = STFLASH_CTRL_F7,
    .driver = &flash_driver_f4,
    .clock_recipes = flash_clock_f2_f4_f7,
    .uses_volts = true, /* PSIZE */
    .protection = f4_protection,
    .options_read = f4_options_read,
    .options_write = f4_options_write,
    .options_load = f4_options_load,
    .options_rdp_byte = f4_rdp_byte,
};
