/*
 * The F0/F1/F3 flash program/erase controller (FPEC): RM0008 §3.3.3 "Embedded Flash memory" and
 * the STM32F10xxx flash programming manual PM0075: §2.3 "Flash program and erase operations"
 * (unlock, main Flash memory programming, page and mass erase), §2.4 protections, §2.5 option
 * bytes, §3 registers. F1 XL-density parts have a second register block for bank 2 at +0x40
 * (KEYR2, SR2, CR2, AR2: PM0075 §3, register map), used here for every address in bank 2.
 *
 * Erase is driven from the host register by register, one unit of the erase map at a time (the
 * GD32 XL's bank 2 has 4 KiB pages: STFLASH_CLONE_BANK2_4K_PAGES gives it 4 KiB units in the
 * map). Programming goes through a loader in target SRAM (loaders/f1_program.S) run by the shared
 * loader runner (flash/loader.h), started once per job (a range of one bank) with the data
 * streaming through a ring buffer. The loader polls BSY after every half-word, which also serves
 * clones that need it
 * (STFLASH_CLONE_POLL_BSY_EACH_HALFWORD, the APM32F103). Clones that program a 32-bit word in
 * one program time (STFLASH_CLONE_PROGRAM_32BIT, the GD32) get a word loader instead
 * (loaders/f1_program32.S, same control block and answers) for jobs of whole words: on the
 * simulated GD32F103 it halves the programming time. While the erase of a write keeps the flash
 * busy, the loader and the start of the data go into SRAM (f1_stage), so that programming starts
 * as soon as the erase ends. SRAM content is not preserved.
 *
 * The family descriptor (flash_family_fpec, at the end) ties this driver to the option bytes
 * (flash/fpec_options.c) and lists the clone quirks handled here.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "f1_program32_loader.h"
#include "f1_program_loader.h"
#include "flash/f1.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/loader.h"
#include "flash/loaders/loader_abi.h"

/* tPROG 40-70 us per half-word (DS5319 "Flash memory characteristics"). */
#define TPROG_MAX_US 70u

/* Room for either loader. */
#define LOADER_MAX_LEN                                                                             \
    (F1_PROGRAM_LOADER_LEN > F1_PROGRAM32_LOADER_LEN ? F1_PROGRAM_LOADER_LEN                       \
                                                     : F1_PROGRAM32_LOADER_LEN)

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The register block of the bank holding addr (bank 2 of XL parts at +0x40). */
static uint32_t bank_regs(const struct flash_dev *f, uint32_t addr)
{
    int b = flash_map_bank_of(&f->map, addr);
    return f->map.bank[b > 0 ? b : 0].regs;
}

/* Banks with a register block of their own (one on all but XL parts). */
static unsigned bank_count(const struct flash_dev *f)
{
    return f->map.banks > 1 && f->map.bank[1].regs != f->map.bank[0].regs ? 2u : 1u;
}

static uint32_t bank_regs_at(const struct flash_dev *f, unsigned bank)
{
    return f->map.bank[bank].regs;
}

/* A failed read of FLASH_SR: a probe that does not answer (STFLASH_ERR_TIMEOUT from the transport)
 * must not read as a controller still busy. */
static int sr_read_failed(int rc)
{
    return rc == STFLASH_ERR_TIMEOUT ? STFLASH_ERR_IO : rc;
}

/* Polls FLASH_SR until BSY clears. *sr gets the last value read. STFLASH_ERR_TIMEOUT without a
 * message: the caller names the operation. While an erase of a write keeps the flash busy, the
 * probe's link puts the loader and the first data into SRAM between two looks
 * (flash_stage_step). */
int fpec_wait_idle(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr)
{
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int rc = dbg_read32(f->dbg, regs + FPEC_SR, sr);
        if (rc != STFLASH_OK)
            return sr_read_failed(rc);
        if (!(*sr & SR_BSY))
            return STFLASH_OK;
        rc = flash_stage_step(f);
        if (rc != STFLASH_OK)
            return rc;
        if (now_ms() > deadline) {
            /* One last look: the host may have been descheduled past the deadline. */
            rc = dbg_read32(f->dbg, regs + FPEC_SR, sr);
            if (rc != STFLASH_OK)
                return sr_read_failed(rc);
            return (*sr & SR_BSY) ? STFLASH_ERR_TIMEOUT : STFLASH_OK;
        }
    }
}

int fpec_idle_or_fail(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr,
                      const char *what, uint32_t addr)
{
    int rc = fpec_wait_idle(f, regs, timeout_ms, sr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: flash controller still busy after %u ms",
                        what, addr, timeout_ms);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr,
                        f->ctx ? f->ctx->last_error : "");
    return STFLASH_OK;
}

int fpec_write_reg(struct flash_dev *f, uint32_t regs, uint32_t off, uint32_t val)
{
    return dbg_write32(f->dbg, regs + off, val);
}

/* ---- unlock / lock ---- */

int fpec_unlock_bank(struct flash_dev *f, uint32_t regs)
{
    uint32_t cr, sr;
    int rc =
        fpec_idle_or_fail(f, regs, IDLE_TIMEOUT_MS, &sr, "unlock the flash controller at", regs);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_read32(f->dbg, regs + FPEC_CR, &cr);
    if (rc == STFLASH_OK && (cr & CR_LOCK)) {
        /* PM0075 §2.3.1: KEY1 then KEY2 into FLASH_KEYR; any other sequence locks the FPEC
         * until the next reset (and the write is answered with a bus error). Only written while
         * LOCK is set. */
        int krc = fpec_write_reg(f, regs, FPEC_KEYR, FPEC_KEY1);
        if (krc == STFLASH_OK)
            krc = fpec_write_reg(f, regs, FPEC_KEYR, FPEC_KEY2);
        rc = dbg_read32(f->dbg, regs + FPEC_CR, &cr);
        if (rc == STFLASH_OK && (cr & CR_LOCK))
            return ctx_fail(
                f->ctx, STFLASH_ERR_TARGET,
                "flash controller stays locked (FLASH_CR 0x%08x at 0x%08x)%s", cr, regs + FPEC_CR,
                krc != STFLASH_OK ? ": the key sequence was refused, as after a wrong key (locked "
                                    "until reset)"
                                  : "");
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the flash controller at 0x%08x: %s", regs,
                        f->ctx ? f->ctx->last_error : "");
    /* Leftovers of an interrupted job: no operation bit set, no stale flag. Both registers were
     * just read (FLASH_CR above, FLASH_SR by the wait): only what is set needs clearing. */
    if (cr != 0)
        rc = fpec_write_reg(f, regs, FPEC_CR, 0);
    if (rc == STFLASH_OK && (sr & SR_STICKY))
        rc = fpec_write_reg(f, regs, FPEC_SR, SR_STICKY);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot prepare the flash controller at 0x%08x: %s", regs,
                        f->ctx ? f->ctx->last_error : "");
    return STFLASH_OK;
}

static int f1_unlock(struct flash_dev *f)
{
    for (unsigned b = 0; b < bank_count(f); b++) {
        int rc = fpec_unlock_bank(f, bank_regs_at(f, b));
        if (rc != STFLASH_OK)
            return rc;
    }
    return STFLASH_OK; /* the loader's SRAM is laid out when a job programs */
}

int fpec_lock(struct flash_dev *f)
{
    /* After a program job that the loader finished, the controller is idle: the loader waits
     * for BSY to clear after each unit (loaders/f1_program.S). So it is when nothing was
     * started since the unlock (f->idle_known). */
    bool idle = flash_loader_done(f) || f->idle_known;
    /* A job that failed while the loader ran: stopped before the controller is touched. */
    int rc = flash_loader_end(f);
    for (unsigned b = 0; b < bank_count(f); b++) {
        uint32_t regs = bank_regs_at(f, b), sr, cr = 0;
        /* An operation still under way ends within tPROG or an erase time. */
        int brc = idle ? STFLASH_OK : fpec_wait_idle(f, regs, ERASE_TIMEOUT_MS, &sr);
        if (brc == STFLASH_OK)
            brc = fpec_write_reg(f, regs, FPEC_CR, CR_LOCK);
        if (brc == STFLASH_OK)
            brc = dbg_read32(f->dbg, regs + FPEC_CR, &cr);
        if (brc == STFLASH_OK && !(cr & CR_LOCK))
            brc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                           "flash controller does not lock (FLASH_CR 0x%08x at 0x%08x)", cr,
                           regs + FPEC_CR);
        else if (brc == STFLASH_ERR_TIMEOUT)
            brc = ctx_fail(f->ctx, brc,
                           "cannot lock the flash controller at 0x%08x: still busy after %u ms",
                           regs, ERASE_TIMEOUT_MS);
        else if (brc != STFLASH_OK)
            brc = ctx_fail(f->ctx, brc, "cannot lock the flash controller at 0x%08x: %s", regs,
                           f->ctx ? f->ctx->last_error : "");
        if (rc == STFLASH_OK)
            rc = brc;
    }
    return rc;
}

/* ---- erase ---- */

static int erase_error(struct flash_dev *f, uint32_t regs, uint32_t sr, const char *what,
                       uint32_t addr)
{
    (void)fpec_write_reg(f, regs, FPEC_CR, 0);
    (void)fpec_write_reg(f, regs, FPEC_SR, SR_STICKY);
    if (sr & SR_WRPRTERR)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot %s 0x%08x: write protected (WRPRTERR)", what, addr);
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot %s 0x%08x: FLASH_SR 0x%08x (PGERR)", what,
                    addr, sr);
}

/*
 * PM0075 §2.3 "Page Erase": PER, the page address in FLASH_AR, STRT, wait for BSY. The engine
 * erases after the unlock, which waits for the controller to be idle, or after another erase,
 * which waits for its end: no wait before. After the erase FLASH_CR keeps PER and FLASH_SR EOP:
 * whatever comes next writes FLASH_CR whole (the next erase, the loader's PG, the lock), and EOP
 * stops nothing (the loader checks PGERR and WRPRTERR, the unlock clears the flags).
 */
static int f1_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    uint32_t addr = u->addr, regs = bank_regs(f, addr), sr;
    int rc = fpec_write_reg(f, regs, FPEC_CR, CR_PER);
    if (rc == STFLASH_OK)
        rc = fpec_write_reg(f, regs, FPEC_AR, addr);
    if (rc == STFLASH_OK)
        rc = fpec_write_reg(f, regs, FPEC_CR, CR_PER | CR_STRT);
    if (rc != STFLASH_OK) {
        (void)fpec_write_reg(f, regs, FPEC_CR, 0);
        return ctx_fail(f->ctx, rc, "cannot erase page 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    }
    rc = fpec_idle_or_fail(f, regs, ERASE_TIMEOUT_MS, &sr, "erase page", addr);
    if (rc != STFLASH_OK) {
        (void)fpec_write_reg(f, regs, FPEC_CR, 0);
        return rc;
    }
    if (sr & (SR_WRPRTERR | SR_PGERR))
        return erase_error(f, regs, sr, "erase page", addr);
    return STFLASH_OK;
}

/* PM0075 §2.3 "Mass Erase": MER, STRT, wait for BSY; each bank of an XL part. As for a page
 * (f1_erase_unit): no wait before, MER and EOP left. */
static int f1_mass_erase(struct flash_dev *f)
{
    for (unsigned b = 0; b < bank_count(f); b++) {
        uint32_t regs = bank_regs_at(f, b), sr;
        uint32_t first = f->map.bank[b].base;
        int rc = fpec_write_reg(f, regs, FPEC_CR, CR_MER);
        if (rc == STFLASH_OK)
            rc = fpec_write_reg(f, regs, FPEC_CR, CR_MER | CR_STRT);
        if (rc != STFLASH_OK) {
            (void)fpec_write_reg(f, regs, FPEC_CR, 0);
            return ctx_fail(f->ctx, rc, "cannot mass erase the bank at 0x%08x: %s", first,
                            f->ctx ? f->ctx->last_error : "");
        }
        rc =
            fpec_idle_or_fail(f, regs, MASS_ERASE_TIMEOUT_MS, &sr, "mass erase the bank at", first);
        if (rc != STFLASH_OK) {
            (void)fpec_write_reg(f, regs, FPEC_CR, 0);
            return rc;
        }
        if (sr & (SR_WRPRTERR | SR_PGERR))
            return erase_error(f, regs, sr, "mass erase the bank at", first);
    }
    return STFLASH_OK;
}

/* FLASH_WRPR (PM0075 §2.4.2, §3.8): one bit per 4 KiB of main flash (4 pages of 1 KiB or 2 of
 * 2 KiB), bit 31 covering everything above 124 KiB where the flash is larger; a cleared bit
 * means protected. With read protection active the first 4 KiB are write protected too
 * (PM0075 §2.4.1). */
#define WRP_GROUP 4096u

static int f1_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    uint32_t wrpr, obr, base = flash_map_base(&f->map), regs = f->map.bank[0].regs;
    int rc = dbg_read32(f->dbg, regs + FPEC_WRPR, &wrpr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + FPEC_OBR, &obr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the write protection of 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    if (len == 0 || addr < base)
        return STFLASH_OK;
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end; a = (a - base) / WRP_GROUP * WRP_GROUP + WRP_GROUP + base) {
        uint32_t group = (uint32_t)((a - base) / WRP_GROUP);
        if (group > 31)
            group = 31;
        if (!(wrpr & (1u << group)))
            return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write 0x%08x: write protected by the option bytes "
                            "(FLASH_WRPR 0x%08x, bit %u)",
                            (uint32_t)a, wrpr, group);
        if (fpec_obr_read_protected(f, obr) && a - base < WRP_GROUP)
            return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write 0x%08x: write protected while read protection is "
                            "active",
                            (uint32_t)a);
    }
    return STFLASH_OK;
}

/* ---- program ---- */

/* The loader stopped with a failure while programming from data (the job's bytes from addr):
 * names the failing unit and the cause (status codes: loaders/loader_abi.h). */
static int loader_failure(struct flash_dev *f, bool words, uint32_t addr, uint32_t len,
                          const uint8_t *data, const struct flash_loader_stop *st)
{
    /* The word loader reports a word: its address and the 32 bits read back there. */
    int digits = words ? 8 : 4;
    uint32_t mask = words ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t where = st->addr, got = st->value, r0 = st->status;
    (void)fpec_write_reg(f, bank_regs(f, addr), FPEC_SR, SR_STICKY);
    uint32_t want = words && len - (where - addr) >= 4u ? le32_get(data + (where - addr))
                                                        : le16_get(data + (where - addr));
    if ((r0 & LDR_ERR_STATUS) && (r0 & SR_WRPRTERR))
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot program 0x%08x: write protected (WRPRTERR)", where);
    if ((r0 & LDR_ERR_STATUS) && (r0 & SR_PGERR))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: not erased, holds 0x%0*x (PGERR)", where, digits,
                        got & mask);
    if (r0 & LDR_ERR_STATUS)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: flash controller error (FLASH_SR 0x%02x)", where,
                        r0 & 0xFFu);
    if (r0 == LDR_ERR_READBACK)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "cannot program 0x%08x: reads back 0x%0*x instead of 0x%0*x", where, digits,
                        got & mask, digits, want);
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                    "cannot program 0x%08x: the loader reports status 0x%x", where, r0);
}

/* Word programming where the clone accepts it and the range is made of whole words (the engine
 * hands over whole pages); half-words otherwise. */
static bool program_words(const struct flash_dev *f, uint32_t addr, size_t len)
{
    return (f->quirks & STFLASH_CLONE_PROGRAM_32BIT) && !((addr | len) & 3u);
}

/* During an erase (flash_stage_step): the loader of the first run and its first data into SRAM. */
static int f1_stage(struct flash_dev *f, bool *more)
{
    if (program_words(f, f->stage.addr, f->stage.len))
        return flash_loader_stage(f, LOADER_MAX_LEN, f1_program32_loader, F1_PROGRAM32_LOADER_LEN,
                                  more);
    return flash_loader_stage(f, LOADER_MAX_LEN, f1_program_loader, F1_PROGRAM_LOADER_LEN, more);
}

static int f1_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    if (len == 0)
        return STFLASH_OK;
    if ((addr | len) & 1u || !flash_map_covers(&f->map, addr, len, NULL))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot program 0x%08x (%zu bytes): not half-word aligned or outside the "
                        "flash",
                        addr, len);
    struct flash_loader *l = NULL;
    bool words = program_words(f, addr, len);
    int rc = words ? flash_loader_begin(f, LOADER_MAX_LEN, f1_program32_loader,
                                        F1_PROGRAM32_LOADER_LEN, addr, &l)
                   : flash_loader_begin(f, LOADER_MAX_LEN, f1_program_loader, F1_PROGRAM_LOADER_LEN,
                                        addr, &l);
    if (rc != STFLASH_OK)
        return rc;

    /* One job per bank: the loader knows one FPEC register block. */
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end && rc == STFLASH_OK;) {
        uint64_t stop = end;
        int b = flash_map_bank_of(&f->map, (uint32_t)a);
        if (b >= 0) {
            uint64_t bank_end = (uint64_t)f->map.bank[b].base + f->map.bank[b].size;
            if (stop > bank_end)
                stop = bank_end;
        }
        struct flash_loader_job job = {
            .regs = bank_regs(f, (uint32_t)a),
            .addr = (uint32_t)a,
            .len = (uint32_t)(stop - a),
            .data = data + (a - addr),
            .erased = flash_map_erased_pattern(&f->map, words ? 4u : 2u),
            .unit_us = TPROG_MAX_US * (words ? 2u : 1u),
            .unit = words ? 4u : 2u,
            .crc = true,
        };
        struct flash_loader_stop st;
        rc = flash_loader_run(f, l, &job, &st);
        if (rc == STFLASH_OK && st.status)
            rc = loader_failure(f, words, job.addr, job.len, job.data, &st);
        a = stop;
    }
    return rc;
}

static const struct flash_driver flash_driver_f1 = {
    .name = "stm32f0/f1/f3 fpec",
    .unlock = f1_unlock,
    .lock = fpec_lock,
    .erase_unit = f1_erase_unit,
    .mass_erase = f1_mass_erase,
    .mass_erase_quick = true, /* DS5319 "Flash memory characteristics": tME = tERASE, 20-40 ms */
    .program = f1_program,
    .check_writable = f1_check_writable,
    .stage = f1_stage,
};

/*
 * The F0/F1/F3 family. Clone quirks handled: the flash-size fallbacks and the SRAM size in the
 * flash-size word (api/detect.c), word programming (the word loader), BSY polled after every
 * half-word (the loader always does), 4 KiB pages above 512 KiB (the erase map), F0-style option
 * bits in FLASH_OBR (the F0/F3 decode, flash/fpec_options.c), and CH32's fast page mode (an extra
 * mode: the standard FPEC procedure works on those parts as it is). Option-byte changes are
 * refused on the parts whose option writes need 32-bit stores or whose option layout beyond OBR
 * is not documented (F0-style GD32 lines): see fpec_options.c.
 */
const struct flash_family flash_family_fpec = {
    .name = "F0/F1/F3 FPEC",
    .ctrl = STFLASH_CTRL_F0_F1_F3,
    .driver = &flash_driver_f1,
    .quirks = STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO | STFLASH_CLONE_PROGRAM_32BIT |
              STFLASH_CLONE_POLL_BSY_EACH_HALFWORD | STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM |
              STFLASH_CLONE_FAST_PAGE_MODE | STFLASH_CLONE_F0_STYLE_OPTIONS |
              STFLASH_CLONE_OPTION_WRITE_32BIT | STFLASH_CLONE_BANK2_4K_PAGES,
    .option_quirks = STFLASH_CLONE_FLASH_SIZE_MAY_BE_ZERO | STFLASH_CLONE_PROGRAM_32BIT |
                     STFLASH_CLONE_POLL_BSY_EACH_HALFWORD | STFLASH_CLONE_FLASH_SIZE_REG_HAS_SRAM |
                     STFLASH_CLONE_FAST_PAGE_MODE | STFLASH_CLONE_BANK2_4K_PAGES,
    .clock_recipes = flash_clock_fpec,
    .protection = fpec_protection,
    .options_read = fpec_options_read,
    .options_write = fpec_options_write,
    .options_load = fpec_options_load,
    .options_rdp_byte = fpec_rdp_byte,
};
