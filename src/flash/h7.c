/*
 * The H7 flash interface: RM0433 §4.3 (H742/H743/H750/H753: unlocking, programming, sector,
 * bank and mass erase), RM0455 §4.3 (H7A3/H7B3/H7B0).
 *
 * Each bank has its own register block (bank 1 at 0x52002000, bank 2 at 0x52002100) with its own
 * KEYR, CR, SR and CCR: both are unlocked for a job, and each unit is erased and each range
 * programmed through the registers of its bank. Sectors are erased from the host (SER, SNB,
 * START); a mass erase starts a bank erase (BER) in both banks at once, which run in parallel.
 * Programming goes through a loader in target SRAM (loaders/h7_program.S, one build per flash
 * word: 32 bytes on the H743, 16 on the H7A3) run by the shared loader runner, one job per bank.
 * The loader runs in the DTCM at 0x20000000 (the chip row's SRAM): the debugger reaches it
 * through the core's AHBS port and the core executes from it (RM0433 §2.1 Figure 1), and it is
 * there on every H7 whatever the option bytes give to the AXI SRAM. On the H743 PSIZE is x64,
 * the reset value of FLASH_CR.
 *
 * The family descriptors (flash_family_h7, flash_family_h7ab, at the end) tie this driver to the
 * option bytes (flash/h7_options.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/h7.h"
#include "flash/keyed_ctrl.h"
#include "flash/loader.h"
#include "flash/loaders/loader_abi.h"
#include "h7_program16_loader.h"
#include "h7_program_loader.h"

/* tPROG at most 580 us per flash word at x8 (DS12110 "Flash memory programming"). */
#define TPROG_MAX_US 600u

#define LOADER_MAX_LEN                                                                             \
    (H7_PROGRAM_LOADER_LEN > H7_PROGRAM16_LOADER_LEN ? H7_PROGRAM_LOADER_LEN                       \
                                                     : H7_PROGRAM16_LOADER_LEN)

static const struct h7_layout layout_h743 = {
    .cr_start = H7_CR_START,
    .snb_shift = H7_CR_SNB_SHIFT,
    .snb_mask = 0x7u,
    .psize = true,
    .wps_per_bit = 1,
    .wps_bits = 8,
};

static const struct h7_layout layout_h7ab = {
    .cr_start = H7AB_CR_START,
    .snb_shift = H7AB_CR_SNB_SHIFT,
    .snb_mask = 0x7Fu,
    .psize = false,
    .wps_per_bit = 4,
    .wps_bits = 32,
};

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

/* ---- the pure parts ---- */

const struct h7_layout *h7_layout_of(enum stflash_flash_ctrl ctrl)
{
    return ctrl == STFLASH_CTRL_H7AB ? &layout_h7ab : &layout_h743;
}

static uint32_t psize_bits(const struct h7_layout *l)
{
    return l->psize ? H7_PSIZE_X64 << H7_CR_PSIZE_SHIFT : 0u;
}

uint32_t h7_sector_erase_cr(const struct h7_layout *l, unsigned index_in_bank)
{
    return H7_CR_SER | (index_in_bank & l->snb_mask) << l->snb_shift | psize_bits(l);
}

uint32_t h7_bank_erase_cr(const struct h7_layout *l)
{
    return H7_CR_BER | psize_bits(l);
}

uint32_t h7_program_cr(const struct h7_layout *l)
{
    return H7_CR_PG | psize_bits(l);
}

static const struct {
    uint32_t bit;
    const char *name;
    const char *cause;
} sr_names[] = {
    {H7_SR_WRPERR, "WRPERR", "write protected"},
    {H7_SR_PGSERR, "PGSERR", "programming sequence error"},
    {H7_SR_STRBERR, "STRBERR", "the flash word was written again before it was programmed"},
    {H7_SR_INCERR, "INCERR", "inconsistent addresses within one flash word"},
    {H7_SR_OPERR, "OPERR", "the flash reported a write/erase operation error"},
    {H7_SR_RDPERR, "RDPERR", "read of a PCROP-protected area"},
    {H7_SR_RDSERR, "RDSERR", "read of a secure-only area"},
    {H7_SR_SNECCERR, "SNECCERR", "a single ECC error was corrected on read"},
    {H7_SR_DBECCERR, "DBECCERR", "a double ECC error was detected on read"},
    {H7_SR_CRCRDERR, "CRCRDERR", "read error during a CRC computation"},
};

const char *h7_sr_flags(uint32_t sr, char *buf, size_t cap)
{
    size_t n = 0;
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof sr_names / sizeof sr_names[0]; i++)
        if (sr & sr_names[i].bit && n < cap) {
            int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", sr_names[i].name);
            if (w > 0)
                n += (size_t)w;
        }
    return buf;
}

const char *h7_sr_cause(uint32_t sr)
{
    for (size_t i = 0; i < sizeof sr_names / sizeof sr_names[0]; i++)
        if (sr & sr_names[i].bit)
            return sr_names[i].cause;
    return "operation error";
}

/* ---- registers ---- */

static const struct h7_layout *layout(const struct flash_dev *f)
{
    return h7_layout_of(f->chip->flash_ctrl);
}

static uint32_t bank_regs(const struct flash_dev *f, unsigned bank)
{
    return f->map.bank[bank < f->map.banks ? bank : 0].regs;
}

/* The registers at regs (one bank's), for flash/keyed_ctrl.h; bank 0 when they are not a
 * bank's. */
static struct keyed_ctrl keyed_of(uint32_t regs, unsigned bank)
{
    return (struct keyed_ctrl){.regs = regs,
                               .keyr = H7_KEYR,
                               .cr = H7_CR,
                               .sr = H7_SR,
                               .lock = H7_CR_LOCK,
                               .busy = H7_SR_BUSY,
                               .bank = bank};
}

int h7_wait_idle(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr)
{
    struct keyed_ctrl c = keyed_of(regs, 0);
    return keyed_wait_idle(f, &c, timeout_ms, sr);
}

static int idle_or_fail(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr,
                        const char *what, uint32_t addr)
{
    int rc = h7_wait_idle(f, regs, timeout_ms, sr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc,
                        "cannot %s 0x%08x: flash controller at 0x%08x still busy after %u ms "
                        "(FLASH_SR 0x%08x)",
                        what, addr, regs, timeout_ms, *sr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
    return STFLASH_OK;
}

static void clear_after_error(struct flash_dev *f, uint32_t regs)
{
    (void)dbg_write32(f->dbg, regs + H7_CR, 0);
    (void)dbg_write32(f->dbg, regs + H7_CCR, H7_SR_EOP | H7_SR_ERRORS | H7_SR_CRCEND);
}

/* An operation ended with error flags: names them, the cause and the address; an ECC error
 * names the flash word FLASH_ECC_FAxR points at. */
static int status_error(struct flash_dev *f, unsigned bank, uint32_t sr, const char *what,
                        uint32_t addr)
{
    char flags[128], ecc[80] = "";
    uint32_t regs = bank_regs(f, bank), fa;
    if ((sr & (H7_SR_SNECCERR | H7_SR_DBECCERR)) &&
        dbg_read32(f->dbg, regs + H7_ECC_FA, &fa) == STFLASH_OK)
        snprintf(ecc, sizeof ecc, "; ECC error at 0x%08x",
                 f->map.bank[bank].base + (fa & 0x7FFFu) * f->map.program_unit);
    clear_after_error(f, regs);
    return ctx_fail(f->ctx, (sr & H7_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                    "cannot %s 0x%08x: %s (FLASH_SR%u 0x%08x: %s%s)", what, addr, h7_sr_cause(sr),
                    bank + 1, sr, h7_sr_flags(sr, flags, sizeof flags), ecc);
}

static int unlock_bank(struct flash_dev *f, unsigned bank)
{
    uint32_t regs = bank_regs(f, bank), sr;
    int rc = idle_or_fail(f, regs, H7_IDLE_TIMEOUT_MS, &sr, "unlock the flash controller at", regs);
    if (rc != STFLASH_OK)
        return rc;
    /* KEY1 then KEY2 into the bank's KEYR while its FLASH_CR.LOCK is set (RM0433 §4.5.1) */
    struct keyed_ctrl c = keyed_of(regs, bank + 1);
    rc = keyed_unlock(f, &c);
    if (rc != STFLASH_OK)
        return rc;
    /* Leftovers of an interrupted job: no operation bit set, no stale flag (RM0433 §4.9.5: a
     * stale PGSERR or INCERR stops the next program operation). */
    rc = dbg_write32(f->dbg, regs + H7_CR, 0);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H7_CCR, H7_SR_EOP | H7_SR_ERRORS | H7_SR_CRCEND);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock flash bank %u (registers at 0x%08x): %s",
                        bank + 1, regs, last_error(f));
    return STFLASH_OK;
}

static int h7_unlock(struct flash_dev *f)
{
    for (unsigned b = 0; b < f->map.banks; b++) {
        int rc = unlock_bank(f, b);
        if (rc != STFLASH_OK)
            return rc;
    }
    return STFLASH_OK;
}

static int h7_lock(struct flash_dev *f)
{
    /* A job that failed while the loader ran: stopped before the controller is touched. */
    int rc = flash_loader_end(f);
    for (unsigned b = 0; b < f->map.banks; b++) {
        /* An operation still under way ends within a bank erase time. */
        struct keyed_ctrl c = keyed_of(bank_regs(f, b), b + 1);
        int brc = keyed_lock(f, &c, H7_MASS_ERASE_TIMEOUT_MS);
        if (rc == STFLASH_OK)
            rc = brc;
    }
    return rc;
}

/* ---- erase ---- */

/* Starts an erase (cr: SER+SNB or BER) in one bank: the operation bits, then START with them
 * (RM0433 §4.3.10 "Flash sector erase sequence", "Flash bank erase sequence"). */
static int start_erase(struct flash_dev *f, unsigned bank, uint32_t cr, const char *what,
                       uint32_t addr)
{
    uint32_t regs = bank_regs(f, bank), sr;
    int rc = idle_or_fail(f, regs, H7_IDLE_TIMEOUT_MS, &sr, what, addr);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_write32(f->dbg, regs + H7_CR, cr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H7_CR, cr | layout(f)->cr_start);
    if (rc != STFLASH_OK) {
        clear_after_error(f, regs);
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
    }
    return STFLASH_OK;
}

static int finish_erase(struct flash_dev *f, unsigned bank, unsigned timeout_ms, const char *what,
                        uint32_t addr)
{
    uint32_t regs = bank_regs(f, bank), sr;
    int rc = idle_or_fail(f, regs, timeout_ms, &sr, what, addr);
    if (rc != STFLASH_OK) {
        clear_after_error(f, regs);
        return rc;
    }
    if (sr & H7_SR_ERRORS)
        return status_error(f, bank, sr, what, addr);
    rc = dbg_write32(f->dbg, regs + H7_CR, 0);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, regs + H7_CCR, H7_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish the erase at 0x%08x: %s", addr, last_error(f));
    return STFLASH_OK;
}

static int h7_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    uint32_t cr = h7_sector_erase_cr(layout(f), (unsigned)u->index_in_bank);
    int rc = start_erase(f, u->bank, cr, "erase the sector at", u->addr);
    if (rc == STFLASH_OK)
        rc = finish_erase(f, u->bank, H7_SECTOR_TIMEOUT_MS, "erase the sector at", u->addr);
    return rc;
}

static int h7_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len);

/* Both banks erased at once: a bank erase (BER) started in each, then both waited for. A
 * protected sector refuses its bank's erase (RM0433 §4.3.10): the protection is checked first,
 * so that one bank is not erased while the other refuses. */
static int h7_mass_erase(struct flash_dev *f)
{
    uint32_t cr = h7_bank_erase_cr(layout(f));
    uint32_t base = flash_map_base(&f->map);
    int rc = h7_check_writable(f, base, (uint32_t)(flash_map_end(&f->map) - base));
    for (unsigned b = 0; b < f->map.banks && rc == STFLASH_OK; b++)
        rc = start_erase(f, b, cr, "erase the bank at", f->map.bank[b].base);
    for (unsigned b = 0; b < f->map.banks; b++) {
        int brc =
            finish_erase(f, b, H7_MASS_ERASE_TIMEOUT_MS, "erase the bank at", f->map.bank[b].base);
        if (rc == STFLASH_OK)
            rc = brc;
    }
    return rc;
}

/*
 * Refuses ranges the option bytes protect: read protection (level 1 keeps the debugger away from
 * the flash, RM0433 §4.5.3) and sectors whose WPSN bit is clear (RM0433 §4.5.5).
 */
static int h7_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    uint32_t optsr, wpsn[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};
    int rc = dbg_read32(f->dbg, bank_regs(f, 0) + H7_OPTSR_CUR, &optsr);
    for (unsigned b = 0; b < f->map.banks && rc == STFLASH_OK; b++)
        rc = dbg_read32(f->dbg, bank_regs(f, b) + H7_WPSN_CUR, &wpsn[b]);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the protection in FLASH_OPTSR_CUR/WPSN_CUR: %s",
                        last_error(f));
    uint8_t rdp = (uint8_t)(optsr >> H7_OPTSR_RDP_SHIFT);
    if (h7_rdp_level_of(rdp) != 0)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot write 0x%08x: the flash is read protected (level %d, RDP 0x%02x); "
                        "'stflash unlock' removes the protection and erases the flash",
                        addr, h7_rdp_level_of(rdp), rdp);
    const struct h7_layout *l = layout(f);
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end;) {
        struct flash_unit u;
        if (!flash_map_unit_at(&f->map, (uint32_t)a, &u))
            break; /* not flash: the engine names it */
        unsigned bit = (unsigned)u.index_in_bank / l->wps_per_bit;
        if (!((wpsn[u.bank] >> bit) & 1u))
            return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write 0x%08x: sector %u of bank %u is write protected by the "
                            "option bytes (FLASH_WPSN_CUR%uR 0x%08x, bit %u)",
                            (uint32_t)a, (unsigned)u.index_in_bank, u.bank + 1, u.bank + 1,
                            wpsn[u.bank], bit);
        a = (uint64_t)u.addr + u.size;
    }
    return STFLASH_OK;
}

/* ---- program ---- */

/* The loader stopped with a failure: names the failing word and the cause (status codes:
 * loaders/loader_abi.h; r0 carries FLASH_SR[31:16] with LDR_ERR_STATUS). */
static int loader_failure(struct flash_dev *f, unsigned bank, const struct flash_loader_job *job,
                          const struct flash_loader_stop *st)
{
    if (st->status & LDR_ERR_STATUS)
        return status_error(f, bank, st->status & 0xFFFF0000u, "program", st->addr);
    clear_after_error(f, bank_regs(f, bank));
    return flash_loader_unit_error(f, job, st, 4);
}

static int program_bank(struct flash_dev *f, struct flash_loader *l, unsigned bank, uint32_t addr,
                        const uint8_t *data, uint32_t len)
{
    struct flash_loader_job job = {
        .regs = bank_regs(f, bank),
        .addr = addr,
        .len = len,
        .data = data,
        .erased = flash_map_erased_pattern(&f->map, 4),
        .arg = h7_program_cr(layout(f)),
        .unit_us = TPROG_MAX_US,
        .unit = f->map.program_unit,
        .crc = true,
    };
    struct flash_loader_stop st;
    int rc = flash_loader_run(f, l, &job, &st);
    if (rc == STFLASH_OK && st.status)
        rc = loader_failure(f, bank, &job, &st);
    return rc;
}

static int h7_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    if (len == 0)
        return STFLASH_OK;
    unsigned unit = f->map.program_unit;
    if ((addr | len) & (unit - 1u) || !flash_map_covers(&f->map, addr, len, NULL))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot program 0x%08x (%zu bytes): not aligned to the %u-byte flash "
                        "word or outside the flash",
                        addr, len, unit);
    struct flash_loader *l = NULL;
    int rc = unit == 16 ? flash_loader_begin(f, LOADER_MAX_LEN, h7_program16_loader,
                                             H7_PROGRAM16_LOADER_LEN, addr, &l)
                        : flash_loader_begin(f, LOADER_MAX_LEN, h7_program_loader,
                                             H7_PROGRAM_LOADER_LEN, addr, &l);
    if (rc != STFLASH_OK)
        return rc;
    /* One job per bank: each bank is programmed through its own registers. */
    uint64_t end = (uint64_t)addr + len;
    while (addr < end && rc == STFLASH_OK) {
        int b = flash_map_bank_of(&f->map, addr);
        if (b < 0)
            break; /* flash_map_covers said otherwise: cannot happen */
        uint64_t bank_end = (uint64_t)f->map.bank[b].base + f->map.bank[b].size;
        uint32_t n = (uint32_t)((end < bank_end ? end : bank_end) - addr);
        rc = program_bank(f, l, (unsigned)b, addr, data, n);
        addr += n;
        data += n;
    }
    return rc;
}

/* During sector erases: the loader and the first data into SRAM (flash/flash.h). */
static int h7_stage(struct flash_dev *f, bool *more)
{
    return f->map.program_unit == 16 ? flash_loader_stage(f, LOADER_MAX_LEN, h7_program16_loader,
                                                          H7_PROGRAM16_LOADER_LEN, more)
                                     : flash_loader_stage(f, LOADER_MAX_LEN, h7_program_loader,
                                                          H7_PROGRAM_LOADER_LEN, more);
}

/* FLASH_OPTCR.SWAP_BANK in force (RM0433 §4.3.13 "Flash bank swapping": loaded from
 * SWAP_BANK_OPT at reset): bank 2 at the flash base. Each register block controls its physical
 * bank, so the map's banks take each other's blocks; the option registers are shared (the bank-2
 * offsets are aliases). */
static int h7_probe(struct flash_dev *f)
{
    uint32_t optcr, regs = f->map.bank[0].regs;
    int rc = dbg_read32(f->dbg, regs + H7_OPTCR, &optcr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTCR at 0x%08x: %s", regs + H7_OPTCR,
                        last_error(f));
    if (f->map.banks == 2 && (optcr & H7_OPTCR_SWAP_BANK)) {
        f->map.bank[0].regs = f->map.bank[1].regs;
        f->map.bank[1].regs = regs;
        f->banks_swapped = true;
    }
    return STFLASH_OK;
}

static const struct flash_driver flash_driver_h7 = {
    .name = "stm32h7 flash interface",
    .probe = h7_probe,
    .unlock = h7_unlock,
    .lock = h7_lock,
    .erase_unit = h7_erase_unit,
    .mass_erase = h7_mass_erase,
    .program = h7_program,
    .stage = h7_stage,
    .check_writable = h7_check_writable,
};

/* The H74x/H75x/H72x/H73x and the H7A3/H7B3/H7B0: the same driver and option bytes, the
 * differences in struct h7_layout; no clone quirks. */
const struct flash_family flash_family_h7 = {
    .name = "H7 flash interface",
    .ctrl = STFLASH_CTRL_H7,
    .driver = &flash_driver_h7,
    .protection = h7_protection,
    .options_read = h7_options_read,
    .options_write = h7_options_write,
    .options_load = h7_options_load,
    .options_rdp_byte = h7_rdp_byte,
};

const struct flash_family flash_family_h7ab = {
    .name = "H7A/B flash interface",
    .ctrl = STFLASH_CTRL_H7AB,
    .driver = &flash_driver_h7,
    .protection = h7_protection,
    .options_read = h7_options_read,
    .options_write = h7_options_write,
    .options_load = h7_options_load,
    .options_rdp_byte = h7_rdp_byte,
};
