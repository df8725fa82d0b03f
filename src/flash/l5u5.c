/*
 * The TrustZone flash controller of the L5 and U5 through its non-secure registers (flash/l5u5.h):
 * unlock (RM0438 §6.3.5, RM0456 §7.3.5), page erase by number with BKER and bank erase with
 * MER1/MER2 (§6.3.6, §7.3.6), programming through a loader in target SRAM (double words on the
 * L5, quad words on the U5: §6.3.7, §7.3.7; loaders/l5u5_program.S), the bank layout read from
 * FLASH_OPTR at probe time (L5 DBANK: two banks of 2 KiB pages or one of 4 KiB, RM0438 §6.3.1;
 * U5: two banks of 8 KiB pages, DUALBANK on the parts below the largest size, RM0456 §7.3.1), and
 * the ranges this driver cannot write refused before anything is touched: WRP areas, and with
 * TrustZone on (FLASH_OPTR.TZEN) the secure pages of the watermarks SECWM1R1/SECWM2R1
 * (RM0438 §6.5.1, RM0456 §7.5.1), which only the secure registers may program.
 *
 * The family descriptor (flash_family_l5u5, at the end) ties the driver to the option bytes
 * (flash/l5u5_options.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l5u5.h"
#include "flash/loader.h"
#include "flash/loaders/loader_abi.h"
#include "l5u5_program8_loader.h"
#include "l5u5_program_loader.h"

/* tPROG of a unit at most: 128-bit 118 us typical on the U5 (DS13737), 64-bit 81.7 us on the L5
 * (DS12736); the loader runner takes this as the pace of one unit. */
#define TPROG_MAX_US 150u

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- pure functions ---- */

int l5u5_rdp_level_of(uint8_t rdp, bool tzen, bool *half)
{
    *half = rdp == L5U5_RDP_LEVEL05 && tzen;
    if (rdp == L5U5_RDP_LEVEL0 || *half)
        return 0;
    return rdp == L5U5_RDP_LEVEL2 ? 2 : 1;
}

bool l5u5_secure_overlap(uint32_t secwm, uint32_t bank_base, uint32_t page, uint32_t addr,
                         uint32_t len, uint32_t *first)
{
    uint32_t strt = secwm & L5U5_WM_FIELD, end = (secwm >> 16) & L5U5_WM_FIELD;
    if (strt > end || len == 0)
        return false;
    uint64_t lo = (uint64_t)bank_base + (uint64_t)strt * page;
    uint64_t hi = (uint64_t)bank_base + (uint64_t)(end + 1u) * page;
    if ((uint64_t)addr >= hi || (uint64_t)addr + len <= lo)
        return false;
    *first = addr > lo ? addr : (uint32_t)lo;
    return true;
}

/* ---- registers ---- */

uint32_t l5u5_regs(const struct flash_dev *f)
{
    return f->map.bank[0].regs;
}

static int write_reg(struct flash_dev *f, uint32_t off, uint32_t val)
{
    return dbg_write32(f->dbg, l5u5_regs(f) + off, val);
}

int l5u5_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                   uint32_t addr)
{
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int rc = dbg_read32(f->dbg, l5u5_regs(f) + L5U5_NSSR, sr);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
        if (!(*sr & L5U5_SR_BSY))
            return STFLASH_OK;
        if (now_ms() > deadline) {
            rc = dbg_read32(f->dbg, l5u5_regs(f) + L5U5_NSSR, sr); /* one last look */
            if (rc == STFLASH_OK && !(*sr & L5U5_SR_BSY))
                return STFLASH_OK;
            return ctx_fail(f->ctx, STFLASH_ERR_TIMEOUT,
                            "cannot %s 0x%08x: flash controller still busy after %u ms "
                            "(FLASH_NSSR 0x%08x)",
                            what, addr, timeout_ms, *sr);
        }
    }
}

/* ---- bank layout ---- */

static int l5u5_probe(struct flash_dev *f)
{
    const struct stflash_chip_info *c = f->chip;
    if (c->family != STFLASH_FAMILY_L5 && c->family != STFLASH_FAMILY_U5)
        return ctx_fail(f->ctx, STFLASH_ERR_UNSUPPORTED,
                        "flash writes on the %s are not supported yet (the driver of this "
                        "controller knows the L5 and U5 only)",
                        c->name);
    uint32_t optr, regs = l5u5_regs(f);
    int rc = dbg_read32(f->dbg, regs + L5U5_OPTR, &optr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTR at 0x%08x: %s", regs + L5U5_OPTR,
                        last_error(f));
    uint32_t size = (uint32_t)flash_map_bytes(&f->map);
    bool dual = c->family == STFLASH_FAMILY_L5
                    ? (optr & L5_OPTR_DBANK) != 0
                    : size == c->flash_size_max || (optr & U5_OPTR_DUALBANK);
    struct flash_map m;
    struct flash_map_params p = {.flash_size = size, .dual_bank = dual && c->dual_geom.banks};
    char why[128];
    rc = flash_map_from_chip(&m, c, &p, why, sizeof why);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "no %s-bank layout of %u KiB for the %s (FLASH_OPTR 0x%08x): %s",
                        dual ? "dual" : "single", size / 1024u, c->name, optr, why);
    if (!dual && m.banks > 1) {
        /* U5 below the largest size with DUALBANK clear: one bank of the same pages. */
        struct flash_map one = m;
        one.regions = 0;
        one.banks = 0;
        rc = flash_map_add(&one, flash_map_base(&m), size, m.region[0].unit, 0);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot lay out a single bank of %u KiB", size / 1024u);
        one.bank[0].regs = m.bank[0].regs;
        m = one;
    }
    f->map = m;
    return STFLASH_OK;
}

/* ---- unlock / lock ---- */

static void state_free(struct flash_dev *f)
{
    free(f->drv_state);
    f->drv_state = NULL;
}

static const uint8_t *loader_code(const struct flash_dev *f, size_t *len)
{
    if (f->chip->program_unit == 8) {
        *len = L5U5_PROGRAM8_LOADER_LEN;
        return l5u5_program8_loader;
    }
    *len = L5U5_PROGRAM_LOADER_LEN;
    return l5u5_program_loader;
}

static int state_get(struct flash_dev *f, struct flash_loader **out)
{
    size_t len;
    (void)loader_code(f, &len);
    return flash_loader_session(f, len, out);
}

/* RM0438 §6.3.5, RM0456 §7.3.5: KEY1 then KEY2 into FLASH_NSKEYR while NSCR.LOCK is set; a
 * wrong sequence locks the controller until the next reset. Then no operation bit, no stale
 * flag. */
int l5u5_unlock_ctrl(struct flash_dev *f)
{
    uint32_t regs = l5u5_regs(f), cr, sr;
    int rc = l5u5_wait_idle(f, L5U5_IDLE_TIMEOUT_MS, &sr, "unlock the flash controller at", regs);
    if (rc != STFLASH_OK)
        return rc;
    rc = dbg_read32(f->dbg, regs + L5U5_NSCR, &cr);
    if (rc == STFLASH_OK && (cr & L5U5_CR_LOCK)) {
        int krc = write_reg(f, L5U5_NSKEYR, L5U5_KEY1);
        if (krc == STFLASH_OK)
            krc = write_reg(f, L5U5_NSKEYR, L5U5_KEY2);
        rc = dbg_read32(f->dbg, regs + L5U5_NSCR, &cr);
        if (rc == STFLASH_OK && (cr & L5U5_CR_LOCK))
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                            "flash controller stays locked (FLASH_NSCR 0x%08x at 0x%08x)%s", cr,
                            regs + L5U5_NSCR,
                            krc != STFLASH_OK ? ": the key sequence was refused, as after a "
                                                "wrong key (locked until reset)"
                                              : "");
    }
    if (rc == STFLASH_OK)
        rc = write_reg(f, L5U5_NSCR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, L5U5_NSSR, L5U5_SR_ERRORS | L5U5_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the flash controller at 0x%08x: %s", regs,
                        last_error(f));
    return STFLASH_OK;
}

int l5u5_lock(struct flash_dev *f)
{
    int rc = STFLASH_OK;
    struct flash_loader *s = f->drv_state;
    if (s && s->running) {
        rc = cm_halt(f->dbg); /* a job that failed while the loader ran */
        s->running = false;
    }
    state_free(f);
    uint32_t regs = l5u5_regs(f), sr, cr = 0;
    int lrc = l5u5_wait_idle(f, L5U5_ERASE_TIMEOUT_MS, &sr, "lock the flash controller at", regs);
    if (lrc == STFLASH_OK)
        lrc = write_reg(f, L5U5_NSCR, L5U5_CR_LOCK | L5U5_CR_OPTLOCK);
    if (lrc == STFLASH_OK)
        lrc = dbg_read32(f->dbg, regs + L5U5_NSCR, &cr);
    if (lrc == STFLASH_OK && !(cr & L5U5_CR_LOCK))
        lrc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                       "flash controller does not lock (FLASH_NSCR 0x%08x at 0x%08x)", cr,
                       regs + L5U5_NSCR);
    else if (lrc != STFLASH_OK && lrc != STFLASH_ERR_TIMEOUT)
        lrc = ctx_fail(f->ctx, lrc, "cannot lock the flash controller at 0x%08x: %s", regs,
                       last_error(f));
    return rc != STFLASH_OK ? rc : lrc;
}

/* ---- erase ---- */

static const char *sr_error_name(uint32_t sr)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {L5U5_SR_WRPERR, "WRPERR: write protected or secure"},
        {L5U5_SR_PROGERR, "PROGERR: not erased"},
        {L5U5_SR_PGAERR, "PGAERR: misaligned"},
        {L5U5_SR_SIZERR, "SIZERR: wrong access size"},
        {L5U5_SR_PGSERR, "PGSERR: wrong sequence"},
        {L5U5_SR_OPERR, "OPERR: operation error"},
        {L5U5_SR_OPTWERR, "OPTWERR: option change refused"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (sr & names[i].bit)
            return names[i].name;
    return "unknown error";
}

static int run_op(struct flash_dev *f, uint32_t bits, unsigned timeout_ms, const char *what,
                  uint32_t addr)
{
    uint32_t sr;
    int rc = l5u5_wait_idle(f, L5U5_IDLE_TIMEOUT_MS, &sr, what, addr);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, L5U5_NSCR, bits);
    if (rc == STFLASH_OK)
        rc = write_reg(f, L5U5_NSCR, bits | L5U5_CR_STRT);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, L5U5_NSCR, 0);
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
    }
    rc = l5u5_wait_idle(f, timeout_ms, &sr, what, addr);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, L5U5_NSCR, 0);
        return rc;
    }
    if (sr & L5U5_SR_ERRORS) {
        (void)write_reg(f, L5U5_NSCR, 0);
        (void)write_reg(f, L5U5_NSSR, L5U5_SR_ERRORS | L5U5_SR_EOP);
        return ctx_fail(f->ctx,
                        (sr & L5U5_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                        "cannot %s 0x%08x: FLASH_NSSR 0x%08x (%s)", what, addr, sr,
                        sr_error_name(sr));
    }
    rc = write_reg(f, L5U5_NSCR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, L5U5_NSSR, L5U5_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish: %s 0x%08x: %s", what, addr, last_error(f));
    return STFLASH_OK;
}

static int l5u5_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    uint32_t bits = L5U5_CR_PER | (uint32_t)u->index_in_bank << L5U5_CR_PNB_SHIFT |
                    (u->bank ? L5U5_CR_BKER : 0);
    return run_op(f, bits, L5U5_ERASE_TIMEOUT_MS, "erase page", u->addr);
}

static int l5u5_mass_erase(struct flash_dev *f)
{
    uint32_t bits = L5U5_CR_MER1 | (f->map.banks > 1 ? L5U5_CR_MER2 : 0);
    return run_op(f, bits, L5U5_MASS_ERASE_TIMEOUT_MS, "mass erase the flash at",
                  flash_map_base(&f->map));
}

/* The TrustZone refusal: the fix is a secure-aware flow, or TrustZone off through the RDP
 * regression (RM0438 §6.6.2, RM0456 §7.6.2: TZEN clears only while RDP goes back to level 0). */
static int secure_refusal(struct flash_dev *f, uint32_t first, unsigned bank, uint32_t secwm)
{
    return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                    "cannot write 0x%08x: TrustZone is on (FLASH_OPTR.TZEN 1) and the page is "
                    "secure (watermark of bank %u, FLASH_SECWM%uR1 0x%08x); stflash programs "
                    "through the non-secure registers only. Program the secure flash with a "
                    "secure-aware tool, or turn TrustZone off, which erases the whole flash: "
                    "'stflash lock --allow-read-protect' (read protection level 1), then "
                    "'stflash unlock --yes' (back to level 0 with TZEN cleared)",
                    first, bank + 1u, bank + 1u, secwm);
}

static int l5u5_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    static const uint32_t wrp_offs[4] = {L5U5_WRP1AR, L5U5_WRP1BR, L5U5_WRP2AR, L5U5_WRP2BR};
    static const uint32_t wm_offs[2] = {L5U5_SECWM1R1, L5U5_SECWM2R1};
    uint32_t regs = l5u5_regs(f), optr, v, first;
    int rc = dbg_read32(f->dbg, regs + L5U5_OPTR, &optr);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot read FLASH_OPTR at 0x%08x: %s", regs + L5U5_OPTR,
                        last_error(f));
    for (unsigned b = 0; b < f->map.banks; b++) {
        const struct flash_bank *bank = &f->map.bank[b];
        struct flash_unit u;
        if (!flash_map_unit_at(&f->map, bank->base, &u))
            continue;
        if (optr & L5U5_OPTR_TZEN) {
            rc = dbg_read32(f->dbg, regs + wm_offs[b], &v);
            if (rc != STFLASH_OK)
                return ctx_fail(f->ctx, rc, "cannot read the secure watermark at 0x%08x: %s",
                                regs + wm_offs[b], last_error(f));
            if (l5u5_secure_overlap(v, bank->base, u.size, addr, len, &first))
                return secure_refusal(f, first, b, v);
        }
        for (unsigned i = 0; i < 2; i++) {
            uint32_t off = wrp_offs[2 * b + i];
            rc = dbg_read32(f->dbg, regs + off, &v);
            if (rc != STFLASH_OK)
                return ctx_fail(f->ctx, rc, "cannot read the write protection at 0x%08x: %s",
                                regs + off, last_error(f));
            if (l5u5_secure_overlap(v, bank->base, u.size, addr, len, &first))
                return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                                "cannot write 0x%08x: write protected by the option bytes (pages "
                                "%u to %u of bank %u, FLASH_WRP%u%cR 0x%08x)",
                                first, v & L5U5_WM_FIELD, (v >> 16) & L5U5_WM_FIELD, b + 1u,
                                b + 1u, i ? 'B' : 'A', v);
        }
    }
    return STFLASH_OK;
}

/* ---- program ---- */

static int loader_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                          const uint8_t *data, uint32_t job_addr)
{
    uint32_t sr = st->status >> 16, where = st->addr;
    (void)write_reg(f, L5U5_NSSR, L5U5_SR_ERRORS | L5U5_SR_EOP);
    if ((st->status & LDR_ERR_STATUS) && (sr & L5U5_SR_WRPERR))
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot program 0x%08x: write protected or secure (FLASH_NSSR 0x%04x, "
                        "WRPERR)",
                        where, sr);
    if ((st->status & LDR_ERR_STATUS) && (sr & L5U5_SR_PROGERR))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: not erased, holds 0x%08x (FLASH_NSSR 0x%04x, "
                        "PROGERR)",
                        where, st->value, sr);
    if (st->status & LDR_ERR_STATUS)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot program 0x%08x: FLASH_NSSR 0x%04x (%s)",
                        where, sr, sr_error_name(sr));
    if (st->status == LDR_ERR_READBACK)
        return ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                        "cannot program 0x%08x: reads back 0x%08x instead of 0x%08x", where,
                        st->value, le32_get(data + (where - job_addr)));
    return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                    "cannot program 0x%08x: the loader reports status 0x%x", where, st->status);
}

static int l5u5_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    uint32_t unit = f->chip->program_unit;
    if (len == 0)
        return STFLASH_OK;
    if ((addr | len) & (unit - 1u) || !flash_map_covers(&f->map, addr, len, NULL))
        return ctx_fail(f->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot program 0x%08x (%zu bytes): not aligned to the %u-byte program "
                        "unit or outside the flash",
                        addr, len, unit);
    struct flash_loader *l = NULL;
    int rc = state_get(f, &l);
    if (rc != STFLASH_OK)
        return rc;
    rc = cm_halt(f->dbg);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot halt the core to program 0x%08x: %s", addr,
                        last_error(f));
    size_t code_len;
    const uint8_t *code = loader_code(f, &code_len);
    rc = flash_loader_load(f, l, code, code_len);
    uint64_t end = (uint64_t)addr + len;
    for (uint64_t a = addr; a < end && rc == STFLASH_OK;) {
        uint64_t stop = end;
        int b = flash_map_bank_of(&f->map, (uint32_t)a);
        if (b >= 0 && (uint64_t)f->map.bank[b].base + f->map.bank[b].size < stop)
            stop = (uint64_t)f->map.bank[b].base + f->map.bank[b].size;
        struct flash_loader_job job = {
            .regs = l5u5_regs(f),
            .addr = (uint32_t)a,
            .len = (uint32_t)(stop - a),
            .data = data + (a - addr),
            .erased = flash_map_erased_pattern(&f->map, 4),
            .unit_us = TPROG_MAX_US,
            .unit = unit,
        };
        struct flash_loader_stop st;
        rc = flash_loader_run(f, l, &job, &st);
        if (rc == STFLASH_OK && st.status)
            rc = loader_failure(f, &st, job.data, job.addr);
        a = stop;
    }
    return rc;
}

static const struct flash_driver flash_driver_l5u5 = {
    .name = "stm32 l5/u5",
    .probe = l5u5_probe,
    .unlock = l5u5_unlock_ctrl,
    .lock = l5u5_lock,
    .erase_unit = l5u5_erase_unit,
    .mass_erase = l5u5_mass_erase,
    .program = l5u5_program,
    .check_writable = l5u5_check_writable,
};

const struct flash_family flash_family_l5u5 = {
    .name = "L5/U5",
    .ctrl = STFLASH_CTRL_L5_U5,
    .driver = &flash_driver_l5u5,
    .protection = l5u5_protection,
    .options_read = l5u5_options_read,
    .options_write = l5u5_options_write,
    .options_load = l5u5_options_load,
    .options_rdp_byte = l5u5_rdp_byte,
};
