/*
 * The F0/F1/F3 flash program/erase controller (FPEC): RM0008 §3.3.3 "Embedded Flash memory" and
 * the STM32F10xxx flash programming manual PM0075: §2.3 "Flash program and erase operations"
 * (unlock, main Flash memory programming, page and mass erase), §2.4 protections, §2.5 option
 * bytes, §3 registers. F1 XL-density parts have a second register block for bank 2 at +0x40
 * (KEYR2, SR2, CR2, AR2: PM0075 §3, register map), used here for every address in bank 2.
 *
 * Erase is driven from the host register by register. Programming goes through a loader in
 * target SRAM (loaders/f1_program.S), started once per job (a range of one bank): the data stream
 * through a ring buffer in SRAM. The host writes a chunk into the ring and then the count of
 * bytes written (wp) into the control block; the loader programs what has arrived and publishes
 * the count of bytes programmed (rp); the host refills the ring as rp advances, polling it when
 * the ring is full. The first chunk is small so that programming starts at once; the flash then
 * never waits for the probe, and no restart costs probe round trips in the middle of a job.
 * SRAM layout from sram_base:
 *
 *   loader code | stack (64 bytes, for an exception frame only) | control block (32) | ring
 *
 * The ring is the largest power of two that fits the SRAM, up to 8 KiB (256 bytes at the least),
 * so a 1 KiB part works too. The loader polls BSY after every half-word, which also serves
 * clones that need it
 * (STFLASH_CLONE_POLL_BSY_EACH_HALFWORD, the APM32F103). Clones that program a 32-bit word in
 * one program time (STFLASH_CLONE_PROGRAM_32BIT, the GD32) get a word loader instead
 * (loaders/f1_program32.S, same control block and answers) for jobs of whole words: on the
 * simulated GD32F103 it halves the programming time. SRAM content is not preserved.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "f1_program32_loader.h"
#include "f1_program_loader.h"
#include "flash/f1.h"
#include "flash/flash.h"

/* FPEC register offsets from a bank's register block (PM0075 §3.1-§3.8; bank 2 of XL parts at
 * +0x40 repeats KEYR, SR, CR and AR at the same offsets). */
#define FPEC_KEYR 0x04u    /* PM0075 §3.2 FLASH_KEYR */
#define FPEC_OPTKEYR 0x08u /* PM0075 §3.3 FLASH_OPTKEYR */
#define FPEC_SR 0x0Cu      /* PM0075 §3.4 FLASH_SR */
#define FPEC_CR 0x10u      /* PM0075 §3.5 FLASH_CR */
#define FPEC_AR 0x14u      /* PM0075 §3.6 FLASH_AR */
#define FPEC_OBR 0x1Cu     /* PM0075 §3.7 FLASH_OBR */
#define FPEC_WRPR 0x20u    /* PM0075 §3.8 FLASH_WRPR */

/* Unlock keys for KEYR and OPTKEYR (PM0075 §2.3.1 "Unlocking the Flash memory", §3.2, §3.3). */
#define FPEC_KEY1 0x45670123u
#define FPEC_KEY2 0xCDEF89ABu

/* FLASH_SR bits (PM0075 §3.4); the error and EOP bits are cleared by writing 1. */
#define SR_BSY (1u << 0)
#define SR_PGERR (1u << 2)
#define SR_WRPRTERR (1u << 4)
#define SR_EOP (1u << 5)
#define SR_STICKY (SR_PGERR | SR_WRPRTERR | SR_EOP)

/* FLASH_CR bits (PM0075 §3.5). LOCK can only be set by software; writing 0 leaves it alone. */
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER (1u << 2)
#define CR_OPTPG (1u << 4)
#define CR_OPTER (1u << 5)
#define CR_STRT (1u << 6)
#define CR_LOCK (1u << 7)
#define CR_OPTWRE (1u << 9)

/* Option bytes (PM0075 §2.5, RM0008 §3.3.3 Table "Information block"): eight half-words, each a
 * byte and its complement. */
#define F1_OB_BASE 0x1FFFF800u
#define F1_OB_COUNT 8u

/* Deadlines. Page erase 20-40 ms and tPROG 40-70 us per half-word (DS5319 "Flash memory
 * characteristics"); mass erase of a bank about as long as a page erase. */
#define ERASE_TIMEOUT_MS 100u
#define MASS_ERASE_TIMEOUT_MS 1000u
#define IDLE_TIMEOUT_MS 100u
#define TPROG_MAX_US 70u
#define LOADER_MARGIN_MS 1000u

/* Loader status codes (loaders/f1_program.S): 0x200 | FLASH_SR, or a read-back mismatch. */
#define LOADER_ERR_READBACK 0x100u
#define LOADER_ERR_SR 0x200u

/* SRAM layout. */
#define LOADER_STACK 64u
#define CTRL_SIZE 32u
#define RING_MAX 8192u
#define RING_MIN 256u
/* The first chunk written into the ring, then the others (at most half the ring). */
#define FIRST_CHUNK 256u
#define CHUNK_MAX 2048u

/* The loader's control block (loaders/f1_program.S). */
#define CB_FPEC 0u
#define CB_ADDR 4u
#define CB_LEN 8u
#define CB_RING 12u
#define CB_SIZE 16u
#define CB_WP 20u
#define CB_RP 24u
#define CB_STATE 28u

/* Room for either loader. */
#define LOADER_MAX_LEN                                                                             \
    (F1_PROGRAM_LOADER_LEN > F1_PROGRAM32_LOADER_LEN ? F1_PROGRAM_LOADER_LEN                       \
                                                     : F1_PROGRAM32_LOADER_LEN)

struct f1_state {
    bool loader_written;
    bool loader_words;   /* the loader in SRAM is the word loader (f1_program32) */
    bool loader_running; /* started and not yet waited for */
    uint32_t code;       /* loader entry */
    uint32_t sp;
    uint32_t ctrl;      /* control block */
    uint32_t ring;      /* ring buffer */
    uint32_t ring_size; /* bytes, a power of two */
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool in_bank2(const struct flash_dev *f, uint32_t addr)
{
    return f->regs_bank2 && f->bank2_base && addr >= f->bank2_base;
}

static uint32_t bank_regs(const struct flash_dev *f, uint32_t addr)
{
    return in_bank2(f, addr) ? f->regs_bank2 : f->regs;
}

static unsigned bank_count(const struct flash_dev *f)
{
    return f->regs_bank2 && f->bank2_base ? 2u : 1u;
}

static uint32_t bank_regs_at(const struct flash_dev *f, unsigned bank)
{
    return bank ? f->regs_bank2 : f->regs;
}

/* Polls FLASH_SR until BSY clears. *sr gets the last value read. STFLASH_ERR_TIMEOUT without a
 * message: the caller names the operation. */
static int wait_idle(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr)
{
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int rc = dbg_read32(f->dbg, regs + FPEC_SR, sr);
        if (rc != STFLASH_OK)
            return rc;
        if (!(*sr & SR_BSY))
            return STFLASH_OK;
        if (now_ms() > deadline) {
            /* One last look: the host may have been descheduled past the deadline. */
            rc = dbg_read32(f->dbg, regs + FPEC_SR, sr);
            if (rc != STFLASH_OK)
                return rc;
            return (*sr & SR_BSY) ? STFLASH_ERR_TIMEOUT : STFLASH_OK;
        }
    }
}

static int idle_or_fail(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr,
                        const char *what, uint32_t addr)
{
    int rc = wait_idle(f, regs, timeout_ms, sr);
    if (rc == STFLASH_ERR_TIMEOUT)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: flash controller still busy after %u ms",
                        what, addr, timeout_ms);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr,
                        f->ctx ? f->ctx->last_error : "");
    return STFLASH_OK;
}

static int write_reg(struct flash_dev *f, uint32_t regs, uint32_t off, uint32_t val)
{
    return dbg_write32(f->dbg, regs + off, val);
}

/* ---- unlock / lock ---- */

static int unlock_bank(struct flash_dev *f, uint32_t regs)
{
    uint32_t cr, sr;
    int rc = idle_or_fail(f, regs, IDLE_TIMEOUT_MS, &sr, "unlock the flash controller at", regs);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_read32(f->dbg, regs + FPEC_CR, &cr);
    if (rc == STFLASH_OK && (cr & CR_LOCK)) {
        /* PM0075 §2.3.1: KEY1 then KEY2 into FLASH_KEYR; any other sequence locks the FPEC
         * until the next reset (and the write is answered with a bus error). Only written while
         * LOCK is set. */
        int krc = write_reg(f, regs, FPEC_KEYR, FPEC_KEY1);
        if (krc == STFLASH_OK)
            krc = write_reg(f, regs, FPEC_KEYR, FPEC_KEY2);
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
    /* Leftovers of an interrupted job: no operation bit set, no stale flag. */
    rc = write_reg(f, regs, FPEC_CR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, regs, FPEC_SR, SR_STICKY);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot prepare the flash controller at 0x%08x: %s", regs,
                        f->ctx ? f->ctx->last_error : "");
    return STFLASH_OK;
}

static void state_free(struct flash_dev *f)
{
    free(f->drv_state);
    f->drv_state = NULL;
}

/* Places the loader, its stack, the control block and the ring in SRAM. */
static int state_get(struct flash_dev *f, struct f1_state **out)
{
    if (f->drv_state) {
        *out = f->drv_state;
        return STFLASH_OK;
    }
    uint32_t code_size = (LOADER_MAX_LEN + 15u) & ~15u;
    uint32_t fixed = code_size + LOADER_STACK + CTRL_SIZE;
    uint32_t ring = 0;
    if (f->sram_size >= fixed + RING_MIN)
        for (ring = RING_MAX; ring > f->sram_size - fixed;)
            ring >>= 1;
    if (ring < RING_MIN)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "not enough SRAM for the flash loader: %u bytes at 0x%08x, %u needed",
                        f->sram_size, f->sram_base, fixed + RING_MIN);
    struct f1_state *s = calloc(1, sizeof *s);
    if (!s)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the flash loader");
    s->code = f->sram_base;
    s->sp =
        f->sram_base + code_size + LOADER_STACK; /* 8-byte aligned: code_size is a multiple of 16 */
    s->ctrl = s->sp;
    s->ring = s->ctrl + CTRL_SIZE;
    s->ring_size = ring;
    f->drv_state = s;
    *out = s;
    return STFLASH_OK;
}

static int f1_unlock(struct flash_dev *f)
{
    for (unsigned b = 0; b < bank_count(f); b++) {
        int rc = unlock_bank(f, bank_regs_at(f, b));
        if (rc != STFLASH_OK)
            return rc;
    }
    return STFLASH_OK; /* the loader's SRAM is laid out when a job programs */
}

static int f1_lock(struct flash_dev *f)
{
    int rc = STFLASH_OK;
    struct f1_state *s = f->drv_state;
    if (s && s->loader_running) {
        /* A job that failed while the loader ran: stop it before touching the controller. */
        rc = cm_halt(f->dbg);
        s->loader_running = false;
    }
    state_free(f);
    for (unsigned b = 0; b < bank_count(f); b++) {
        uint32_t regs = bank_regs_at(f, b), sr, cr = 0;
        /* An operation still under way ends within tPROG or an erase time. */
        int brc = wait_idle(f, regs, ERASE_TIMEOUT_MS, &sr);
        if (brc == STFLASH_OK)
            brc = write_reg(f, regs, FPEC_CR, CR_LOCK);
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
    (void)write_reg(f, regs, FPEC_CR, 0);
    (void)write_reg(f, regs, FPEC_SR, SR_STICKY);
    if (sr & SR_WRPRTERR)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot %s 0x%08x: write protected (WRPRTERR)", what, addr);
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot %s 0x%08x: FLASH_SR 0x%08x (PGERR)", what,
                    addr, sr);
}

/* PM0075 §2.3 "Page Erase": PER, the page address in FLASH_AR, STRT, wait for BSY, PER off. */
static int f1_erase_page(struct flash_dev *f, uint32_t addr)
{
    uint32_t regs = bank_regs(f, addr), sr;
    int rc = idle_or_fail(f, regs, IDLE_TIMEOUT_MS, &sr, "erase page", addr);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, regs, FPEC_CR, CR_PER);
    if (rc == STFLASH_OK)
        rc = write_reg(f, regs, FPEC_AR, addr);
    if (rc == STFLASH_OK)
        rc = write_reg(f, regs, FPEC_CR, CR_PER | CR_STRT);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, regs, FPEC_CR, 0);
        return ctx_fail(f->ctx, rc, "cannot erase page 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    }
    rc = idle_or_fail(f, regs, ERASE_TIMEOUT_MS, &sr, "erase page", addr);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, regs, FPEC_CR, 0);
        return rc;
    }
    if (sr & (SR_WRPRTERR | SR_PGERR))
        return erase_error(f, regs, sr, "erase page", addr);
    rc = write_reg(f, regs, FPEC_CR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, regs, FPEC_SR, SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish erasing page 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    return STFLASH_OK;
}

/* PM0075 §2.3 "Mass Erase": MER, STRT, wait for BSY, MER off; each bank of an XL part. */
static int f1_mass_erase(struct flash_dev *f)
{
    for (unsigned b = 0; b < bank_count(f); b++) {
        uint32_t regs = bank_regs_at(f, b), sr;
        uint32_t first = b ? f->bank2_base : f->base;
        int rc = idle_or_fail(f, regs, IDLE_TIMEOUT_MS, &sr, "mass erase the bank at", first);
        if (rc != STFLASH_OK)
            return rc;
        rc = write_reg(f, regs, FPEC_CR, CR_MER);
        if (rc == STFLASH_OK)
            rc = write_reg(f, regs, FPEC_CR, CR_MER | CR_STRT);
        if (rc != STFLASH_OK) {
            (void)write_reg(f, regs, FPEC_CR, 0);
            return ctx_fail(f->ctx, rc, "cannot mass erase the bank at 0x%08x: %s", first,
                            f->ctx ? f->ctx->last_error : "");
        }
        rc = idle_or_fail(f, regs, MASS_ERASE_TIMEOUT_MS, &sr, "mass erase the bank at", first);
        if (rc != STFLASH_OK) {
            (void)write_reg(f, regs, FPEC_CR, 0);
            return rc;
        }
        if (sr & (SR_WRPRTERR | SR_PGERR))
            return erase_error(f, regs, sr, "mass erase the bank at", first);
        rc = write_reg(f, regs, FPEC_CR, 0);
        if (rc == STFLASH_OK)
            rc = write_reg(f, regs, FPEC_SR, SR_EOP);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot finish the mass erase at 0x%08x: %s", first,
                            f->ctx ? f->ctx->last_error : "");
    }
    return STFLASH_OK;
}

/* FLASH_WRPR (PM0075 §2.4.2, §3.8): one bit per 4 KiB of main flash (4 pages of 1 KiB or 2 of
 * 2 KiB), bit 31 covering everything above 124 KiB where the flash is larger; a cleared bit
 * means protected. With read protection active the first 4 KiB are write protected too
 * (PM0075 §2.4.1). */
#define WRP_GROUP 4096u
#define OBR_RDPRT (1u << 1) /* FLASH_OBR.RDPRT (PM0075 §3.7) */

static int f1_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    uint32_t wrpr, obr;
    int rc = dbg_read32(f->dbg, f->regs + FPEC_WRPR, &wrpr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, f->regs + FPEC_OBR, &obr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the write protection of 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    if (len == 0 || addr < f->base)
        return STFLASH_OK;
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end;
         a = (a - f->base) / WRP_GROUP * WRP_GROUP + WRP_GROUP + f->base) {
        uint32_t group = (uint32_t)((a - f->base) / WRP_GROUP);
        if (group > 31)
            group = 31;
        if (!(wrpr & (1u << group)))
            return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write 0x%08x: write protected by the option bytes "
                            "(FLASH_WRPR 0x%08x, bit %u)",
                            (uint32_t)a, wrpr, group);
        if ((obr & OBR_RDPRT) && a - f->base < WRP_GROUP)
            return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                            "cannot write 0x%08x: write protected while read protection is "
                            "active",
                            (uint32_t)a);
    }
    return STFLASH_OK;
}

/* ---- program ---- */

static unsigned loader_timeout_ms(uint32_t len)
{
    uint64_t nominal_ms = (uint64_t)(len / 2u) * TPROG_MAX_US / 1000u;
    return (unsigned)(2u * nominal_ms + LOADER_MARGIN_MS);
}

static int stop_loader(struct flash_dev *f, struct f1_state *s, int rc)
{
    if (s->loader_running) {
        char saved[sizeof f->ctx->last_error];
        if (f->ctx)
            memcpy(saved, f->ctx->last_error, sizeof saved);
        if (cm_halt(f->dbg) == STFLASH_OK)
            s->loader_running = false;
        if (f->ctx)
            memcpy(f->ctx->last_error, saved, sizeof saved);
    }
    return rc;
}

/* The loader stopped with status r0 != 0 while programming [addr, addr+len) from data: names
 * the failing unit and the cause. */
static int loader_failure(struct flash_dev *f, struct f1_state *s, uint32_t addr, uint32_t len,
                          const uint8_t *data, uint32_t r0)
{
    uint32_t where = 0, got = 0;
    /* The word loader reports a word: its address and the 32 bits read back there. */
    bool words = s->loader_words;
    int digits = words ? 8 : 4;
    uint32_t mask = words ? 0xFFFFFFFFu : 0xFFFFu;
    int rc = f->dbg->ops->read_reg(f->dbg, 1, &where);
    if (rc == STFLASH_OK)
        rc = f->dbg->ops->read_reg(f->dbg, 2, &got);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc,
                        "cannot program 0x%08x-0x%08x: the loader failed (status 0x%x) and its "
                        "registers cannot be read: %s",
                        addr, addr + len - 1u, r0, f->ctx ? f->ctx->last_error : "");
    (void)write_reg(f, bank_regs(f, addr), FPEC_SR, SR_STICKY);
    if (where < addr || where - addr >= len)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x-0x%08x: the loader failed (status 0x%x) at "
                        "0x%08x, outside its range",
                        addr, addr + len - 1u, r0, where);
    uint32_t want = words && len - (where - addr) >= 4u ? le32_get(data + (where - addr))
                                                        : le16_get(data + (where - addr));
    if ((r0 & LOADER_ERR_SR) && (r0 & SR_WRPRTERR))
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot program 0x%08x: write protected (WRPRTERR)", where);
    if ((r0 & LOADER_ERR_SR) && (r0 & SR_PGERR))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: not erased, holds 0x%0*x (PGERR)", where, digits,
                        got & mask);
    if (r0 & LOADER_ERR_SR)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: flash controller error (FLASH_SR 0x%02x)", where,
                        r0 & 0xFFu);
    if (r0 == LOADER_ERR_READBACK)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "cannot program 0x%08x: reads back 0x%0*x instead of 0x%0*x", where, digits,
                        got & mask, digits, want);
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                    "cannot program 0x%08x: the loader reports status 0x%x", where, r0);
}

/*
 * One job: [addr, addr+len) in one bank, through the ring. The loader is started on an empty
 * ring and programs each chunk as it arrives; the host polls rp (and the loader's state) only
 * when the ring is full, and gives up when rp stays still longer than a ring takes to program.
 */
static int program_job(struct flash_dev *f, struct f1_state *s, uint32_t addr, const uint8_t *data,
                       uint32_t len)
{
    uint8_t cb[CTRL_SIZE];
    memset(cb, 0, sizeof cb);
    le32_put(cb + CB_FPEC, bank_regs(f, addr));
    le32_put(cb + CB_ADDR, addr);
    le32_put(cb + CB_LEN, len);
    le32_put(cb + CB_RING, s->ring);
    le32_put(cb + CB_SIZE, s->ring_size);
    int rc = dbg_write(f->dbg, s->ctrl, cb, sizeof cb);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot load the job for 0x%08x into SRAM at 0x%08x: %s", addr,
                        s->ctrl, f->ctx ? f->ctx->last_error : "");
    uint32_t arg = s->ctrl;
    rc = cm_start_routine(f->dbg, s->code | 1u, s->sp, &arg, 1);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot start the flash loader for 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    s->loader_running = true;

    uint32_t written = 0, programmed = 0, state = 0;
    uint32_t chunk_max = s->ring_size / 2u < CHUNK_MAX ? s->ring_size / 2u : CHUNK_MAX;
    uint32_t chunk = FIRST_CHUNK < chunk_max ? FIRST_CHUNK : chunk_max;
    unsigned stall_ms = loader_timeout_ms(s->ring_size);
    uint64_t moved = now_ms();
    while (written < len && state == 0) {
        uint32_t at = written & (s->ring_size - 1u);
        uint32_t n = len - written;
        if (n > chunk)
            n = chunk;
        if (n > s->ring_size - at)
            n = s->ring_size - at;
        if (written + n - programmed > s->ring_size) {
            /* The ring is full: wait for the loader to take some. */
            uint8_t st[8];
            rc = dbg_read(f->dbg, s->ctrl + CB_RP, st, sizeof st);
            if (rc != STFLASH_OK)
                return stop_loader(f, s,
                                   ctx_fail(f->ctx, rc, "cannot program 0x%08x-0x%08x: %s", addr,
                                            addr + len - 1u, f->ctx ? f->ctx->last_error : ""));
            uint32_t rp = le32_get(st);
            state = le32_get(st + 4);
            if (rp > programmed && rp <= written) {
                flash_program_progress(f, addr + programmed, rp - programmed);
                programmed = rp;
                moved = now_ms();
            } else if (state == 0 && now_ms() - moved > stall_ms) {
                return stop_loader(
                    f, s,
                    ctx_fail(f->ctx, STFLASH_ERR_TIMEOUT,
                             "cannot program 0x%08x-0x%08x: the flash loader stopped at 0x%08x "
                             "(nothing programmed for %u ms)",
                             addr, addr + len - 1u, addr + programmed, stall_ms));
            }
            continue;
        }
        rc = dbg_write(f->dbg, s->ring + at, data + written, n);
        if (rc == STFLASH_OK)
            rc = dbg_write32(f->dbg, s->ctrl + CB_WP, written + n);
        if (rc != STFLASH_OK)
            return stop_loader(
                f, s,
                ctx_fail(f->ctx, rc, "cannot load the data for 0x%08x into SRAM at 0x%08x: %s",
                         addr + written, s->ring + at, f->ctx ? f->ctx->last_error : ""));
        written += n;
        chunk = chunk_max;
    }

    uint32_t r0 = 0;
    rc = cm_wait_routine(f->dbg, loader_timeout_ms(len - programmed), &r0);
    s->loader_running = false;
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot program 0x%08x-0x%08x: %s", addr, addr + len - 1u,
                        f->ctx ? f->ctx->last_error : "");
    if (r0 != 0)
        return loader_failure(f, s, addr, len, data, r0);
    if (programmed < len)
        flash_program_progress(f, addr + programmed, len - programmed);
    return STFLASH_OK;
}

static int f1_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    if (len == 0)
        return STFLASH_OK;
    if ((addr | len) & 1u || addr < f->base || (uint64_t)addr + len > (uint64_t)f->base + f->size)
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot program 0x%08x (%zu bytes): not half-word aligned or outside the "
                        "flash",
                        addr, len);
    struct f1_state *s = NULL;
    int rc = state_get(f, &s);
    if (rc != STFLASH_OK)
        return rc;
    rc = cm_halt(f->dbg);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot halt the core to program 0x%08x: %s", addr,
                        f->ctx ? f->ctx->last_error : "");
    /* Word programming where the clone accepts it and the job is made of whole words (the
     * engine hands over whole pages); half-words otherwise. */
    bool words = (f->quirks & STFLASH_CLONE_PROGRAM_32BIT) && !((addr | len) & 3u);
    if (!s->loader_written || s->loader_words != words) {
        rc = words ? dbg_write(f->dbg, s->code, f1_program32_loader, F1_PROGRAM32_LOADER_LEN)
                   : dbg_write(f->dbg, s->code, f1_program_loader, F1_PROGRAM_LOADER_LEN);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot load the flash loader into SRAM at 0x%08x: %s",
                            s->code, f->ctx ? f->ctx->last_error : "");
        s->loader_written = true;
        s->loader_words = words;
    }

    /* One job per bank: the loader knows one FPEC register block. */
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end && rc == STFLASH_OK;) {
        uint64_t stop = end;
        if (f->regs_bank2 && f->bank2_base && a < f->bank2_base && stop > f->bank2_base)
            stop = f->bank2_base;
        rc = program_job(f, s, (uint32_t)a, data + (a - addr), (uint32_t)(stop - a));
        a = stop;
    }
    return rc;
}

const struct flash_driver flash_driver_f1 = {
    .name = "stm32f0/f1/f3 fpec",
    .unlock = f1_unlock,
    .lock = f1_lock,
    .erase_page = f1_erase_page,
    .mass_erase = f1_mass_erase,
    .program = f1_program,
    .check_writable = f1_check_writable,
};

/* ---- option bytes ---- */

int f1_option_read(struct flash_dev *f, struct f1_option_state *out)
{
    struct f1_option_state st;
    uint8_t raw[2 * F1_OB_COUNT];
    memset(&st, 0, sizeof st);
    int rc = dbg_read32(f->dbg, f->regs + FPEC_OBR, &st.obr);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, f->regs + FPEC_WRPR, &st.wrpr);
    if (rc == STFLASH_OK)
        rc = dbg_read(f->dbg, F1_OB_BASE, raw, sizeof raw);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read the option bytes: %s",
                        f->ctx ? f->ctx->last_error : "");
    for (unsigned i = 0; i < F1_OB_COUNT; i++)
        st.raw[i] = le16_get(raw + 2 * i);
    st.option_error = st.obr & 1u;          /* OBR.OPTERR, bit 0 (PM0075 §3.7) */
    st.read_protected = (st.obr >> 1) & 1u; /* OBR.RDPRT, bit 1 (PM0075 §3.7) */
    st.stored.rdp = (uint8_t)st.raw[0];
    st.stored.user = (uint8_t)st.raw[1];
    st.stored.data[0] = (uint8_t)st.raw[2];
    st.stored.data[1] = (uint8_t)st.raw[3];
    for (unsigned i = 0; i < 4; i++)
        st.stored.wrp[i] = (uint8_t)st.raw[4 + i];
    *out = st;
    return STFLASH_OK;
}

static int option_fail(struct flash_dev *f, int rc, const char *what, uint32_t addr)
{
    return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr,
                    f->ctx ? f->ctx->last_error : "");
}

/* Checks FLASH_SR after an option-byte operation at addr. */
static int option_status(struct flash_dev *f, uint32_t sr, const char *what, uint32_t addr)
{
    if (sr & SR_WRPRTERR)
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot %s 0x%08x: write protected (WRPRTERR)", what, addr);
    if (sr & SR_PGERR)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot %s 0x%08x: not erased (PGERR)", what,
                        addr);
    return STFLASH_OK;
}

/* PM0075 §2.5: OPTWRE is set by the OPTKEYR sequence and cleared by writing 0 to it, so every
 * FLASH_CR write of the sequence keeps it set. */
static int option_job(struct flash_dev *f, const struct f1_option_bytes *ob)
{
    uint32_t regs = f->regs, cr = 0, sr;
    int rc = unlock_bank(f, regs);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, regs, FPEC_OPTKEYR, FPEC_KEY1);
    if (rc == STFLASH_OK)
        rc = write_reg(f, regs, FPEC_OPTKEYR, FPEC_KEY2);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, regs + FPEC_CR, &cr);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "unlock the option bytes at", F1_OB_BASE);
    if (!(cr & CR_OPTWRE))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot unlock the option bytes at 0x%08x: OPTWRE stays clear (FLASH_CR "
                        "0x%08x)",
                        F1_OB_BASE, cr);

    /* Erase (PM0075 §2.5 "Erase procedure"): OPTER, then OPTER | STRT, wait for BSY. */
    rc = write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OPTER);
    if (rc == STFLASH_OK)
        rc = write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OPTER | CR_STRT);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "erase the option bytes at", F1_OB_BASE);
    /* Under read protection the erase includes a mass erase of the main flash. */
    rc = idle_or_fail(f, regs, MASS_ERASE_TIMEOUT_MS, &sr, "erase the option bytes at", F1_OB_BASE);
    if (rc == STFLASH_OK)
        rc = option_status(f, sr, "erase the option bytes at", F1_OB_BASE);
    if (rc != STFLASH_OK)
        return rc;

    /* Program (PM0075 §2.5 "Programming procedure"): OPTPG, then one half-word write per option
     * byte; the controller stores the complement in the upper byte itself. */
    rc = write_reg(f, regs, FPEC_CR, CR_OPTWRE | CR_OPTPG);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "program the option bytes at", F1_OB_BASE);
    const uint8_t values[F1_OB_COUNT] = {ob->rdp,    ob->user,   ob->data[0], ob->data[1],
                                         ob->wrp[0], ob->wrp[1], ob->wrp[2],  ob->wrp[3]};
    for (unsigned i = 0; i < F1_OB_COUNT; i++) {
        uint32_t addr = F1_OB_BASE + 2u * i;
        rc = dbg_write16(f->dbg, addr, values[i]);
        if (rc != STFLASH_OK)
            return option_fail(f, rc, "program the option byte at", addr);
        rc = idle_or_fail(f, regs, IDLE_TIMEOUT_MS, &sr, "program the option byte at", addr);
        if (rc == STFLASH_OK)
            rc = option_status(f, sr, "program the option byte at", addr);
        if (rc != STFLASH_OK)
            return rc;
    }
    /* Read back what the controller stored: value and complement. */
    uint8_t raw[2 * F1_OB_COUNT];
    rc = dbg_read(f->dbg, F1_OB_BASE, raw, sizeof raw);
    if (rc != STFLASH_OK)
        return option_fail(f, rc, "verify the option bytes at", F1_OB_BASE);
    for (unsigned i = 0; i < F1_OB_COUNT; i++) {
        uint16_t want = (uint16_t)(values[i] | (uint16_t)(uint8_t)~values[i] << 8);
        uint16_t got = le16_get(raw + 2 * i);
        if (got != want)
            return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                            "option byte at 0x%08x reads back 0x%04x instead of 0x%04x",
                            F1_OB_BASE + 2u * i, got, want);
    }
    return STFLASH_OK;
}

int f1_option_write(struct flash_dev *f, const struct f1_option_bytes *ob)
{
    if (!f || !f->dbg || !ob)
        return STFLASH_ERR_INVALID_ARG;
    int rc = option_job(f, ob);
    char saved[sizeof f->ctx->last_error];
    if (rc != STFLASH_OK && f->ctx)
        memcpy(saved, f->ctx->last_error, sizeof saved);
    /* Writing 0 to FLASH_CR ends OPTPG and clears OPTWRE, then the lock. */
    (void)write_reg(f, f->regs, FPEC_CR, 0);
    int lrc = f1_lock(f);
    if (rc != STFLASH_OK) {
        if (f->ctx)
            memcpy(f->ctx->last_error, saved, sizeof saved);
        return rc;
    }
    return lrc;
}
