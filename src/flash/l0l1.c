/*
 * The L0/L1 flash controller (flash/l0l1.h): the PEKEYR and PRGKEYR unlock sequences (RM0377
 * §3.3.4, RM0038 §3.3.4), page erase by a word written with ERASE and PROG set (RM0377 §3.3.5
 * "Page erase"), words and half-pages programmed through a loader in target SRAM (§3.3.6;
 * loaders/l0l1_program.S, run by the shared loader runner flash/loader.h), the write-protected
 * sectors refused before anything is touched, and the data EEPROM at 0x08080000 written word by
 * word by the debugger (RM0377 §3.3.5 "Data EEPROM erase and programming": a word is erased with
 * ERASE and DATA, programmed with FIX so that every write takes the same time). The program
 * memory has no mass erase of its own: the engine erases page by page.
 *
 * The family descriptor (flash_family_l0l1, at the end) ties the driver to the option bytes
 * (flash/l0l1_options.c).
 */
#include <stdlib.h>
#include <string.h>

#include "arm/cortexm.h"
#include "core/le.h"
#include "flash/drvutil.h"
#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l0l1.h"
#include "flash/loader.h"
#include "flash/loaders/loader_abi.h"
#include "l0l1_program_loader.h"

#define last_error drv_last_error

/* ---- facts of the rows ---- */

uint32_t lx_eeprom_size(const struct stflash_chip_info *chip)
{
    /* The largest part of each DEV_ID: RM0377 §3.3.1 (L0 categories 1 and 2: 512 bytes, 1 KiB),
     * RM0367 §3.3.1 (category 3: 2 KiB, category 5: 6 KiB), RM0038 §3.3.1 (L1 categories 1 and
     * 2: 4 KiB, 3: 8 KiB, 4: 12 KiB, 5 and 6: 16 KiB). */
    static const struct {
        uint16_t dev_id;
        uint32_t bytes;
    } sizes[] = {
        {0x457, 512u},       {0x425, 1024u},       {0x417, 2048u},
        {0x447, 6u * 1024u}, {0x416, 4u * 1024u},  {0x429, 4u * 1024u},
        {0x427, 8u * 1024u}, {0x436, 12u * 1024u}, {0x437, 16u * 1024u},
    };
    if (!chip || chip->flash_ctrl != STFLASH_CTRL_L0_L1 ||
        !(chip->flags & STFLASH_CHIP_DATA_EEPROM))
        return 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (sizes[i].dev_id == chip->dev_id)
            return sizes[i].bytes;
    return 0;
}

uint32_t lx_half_page(const struct stflash_chip_info *chip)
{
    return chip->family == STFLASH_FAMILY_L1 ? 128u : 64u; /* RM0038 §3.3.2, RM0377 §3.3.6 */
}

unsigned lx_wrp_regs(const struct stflash_chip_info *chip)
{
    uint32_t sectors = chip->flash_size_max / LX_WRP_SECTOR;
    unsigned n = (unsigned)((sectors + 31u) / 32u);
    return n < 1 ? 1 : n > 4 ? 4 : n;
}

const char *lx_sr_error_name(uint32_t sr)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {LX_SR_WRPERR, "WRPERR: write protected"},
        {LX_SR_NOTZEROERR, "NOTZEROERR: not erased"},
        {LX_SR_PGAERR, "PGAERR: misaligned or outside the half-page"},
        {LX_SR_SIZERR, "SIZERR: wrong access size"},
        {LX_SR_FWWERR, "FWWERR: fetch from the flash during a half-page write"},
        {LX_SR_OPTVERR, "OPTVERR: option validity"},
        {LX_SR_OPTVERRUSR, "OPTVERRUSR: user option validity"},
        {LX_SR_RDERR, "RDERR: read protected sector"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (sr & names[i].bit)
            return names[i].name;
    return "unknown error";
}

/* ---- registers ---- */

uint32_t lx_regs(const struct flash_dev *f)
{
    return f->map.bank[0].regs;
}

static int write_reg(struct flash_dev *f, uint32_t off, uint32_t val)
{
    return dbg_write32(f->dbg, lx_regs(f) + off, val);
}

int lx_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                 uint32_t addr)
{
    return drv_wait_clear(f, lx_regs(f) + LX_SR, LX_SR_BSY, "FLASH_SR", timeout_ms, sr, what, addr);
}

/* One key sequence into `keyr` while `bit` of FLASH_PECR is set; a wrong sequence locks the
 * controller until the next reset (RM0377 §3.3.4). */
static int unlock_bit(struct flash_dev *f, uint32_t bit, uint32_t keyr, uint32_t k1, uint32_t k2,
                      const char *name)
{
    uint32_t regs = lx_regs(f), pecr;
    int rc = dbg_read32(f->dbg, regs + LX_PECR, &pecr);
    if (rc == STFLASH_OK && (pecr & bit)) {
        int krc = write_reg(f, keyr, k1);
        if (krc == STFLASH_OK)
            krc = write_reg(f, keyr, k2);
        rc = dbg_read32(f->dbg, regs + LX_PECR, &pecr);
        if (rc == STFLASH_OK && (pecr & bit))
            return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                            "the flash controller stays locked: %s still set (FLASH_PECR 0x%08x at "
                            "0x%08x)%s",
                            name, pecr, regs + LX_PECR,
                            krc != STFLASH_OK ? ": the key sequence was refused, as after a wrong "
                                                "key (locked until reset)"
                                              : "");
    }
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the flash controller at 0x%08x: %s", regs,
                        last_error(f));
    return STFLASH_OK;
}

int lx_unlock_pe(struct flash_dev *f)
{
    uint32_t sr;
    int rc = lx_wait_idle(f, LX_IDLE_TIMEOUT_MS, &sr, "unlock the flash controller at", lx_regs(f));
    if (rc == STFLASH_OK)
        rc = unlock_bit(f, LX_PECR_PELOCK, LX_PEKEYR, LX_PEKEY1, LX_PEKEY2, "PELOCK");
    if (rc == STFLASH_OK)
        rc = write_reg(f, LX_SR, LX_SR_ERRORS | LX_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot unlock the flash controller at 0x%08x: %s", lx_regs(f),
                        last_error(f));
    return STFLASH_OK;
}

/* PELOCK, then PRGLOCK: the program memory accepts erase and program operations. */
static int lx_unlock(struct flash_dev *f)
{
    int rc = lx_unlock_pe(f);
    if (rc == STFLASH_OK)
        rc = unlock_bit(f, LX_PECR_PRGLOCK, LX_PRGKEYR, LX_PRGKEY1, LX_PRGKEY2, "PRGLOCK");
    if (rc == STFLASH_OK && write_reg(f, LX_PECR, 0) != STFLASH_OK)
        rc = ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot clear FLASH_PECR at 0x%08x: %s",
                      lx_regs(f) + LX_PECR, last_error(f));
    return rc;
}

/* Setting PELOCK locks PRGLOCK and OPTLOCK with it (RM0377 §3.7.2). */
int lx_lock(struct flash_dev *f)
{
    int rc = flash_loader_end(f);
    uint32_t regs = lx_regs(f), sr, pecr = 0;
    int lrc = lx_wait_idle(f, LX_OP_TIMEOUT_MS, &sr, "lock the flash controller at", regs);
    if (lrc == STFLASH_OK)
        lrc = write_reg(f, LX_PECR, LX_PECR_PELOCK);
    if (lrc == STFLASH_OK)
        lrc = dbg_read32(f->dbg, regs + LX_PECR, &pecr);
    if (lrc == STFLASH_OK && !(pecr & LX_PECR_PELOCK))
        lrc = ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                       "flash controller does not lock (FLASH_PECR 0x%08x at 0x%08x)", pecr,
                       regs + LX_PECR);
    else if (lrc != STFLASH_OK && lrc != STFLASH_ERR_TIMEOUT)
        lrc = ctx_fail(f->ctx, lrc, "cannot lock the flash controller at 0x%08x: %s", regs,
                       last_error(f));
    return rc != STFLASH_OK ? rc : lrc;
}

static int op_error(struct flash_dev *f, uint32_t sr, const char *what, uint32_t addr)
{
    (void)write_reg(f, LX_PECR, 0);
    (void)write_reg(f, LX_SR, LX_SR_ERRORS | LX_SR_EOP);
    return ctx_fail(f->ctx, (sr & LX_SR_WRPERR) ? STFLASH_ERR_PROTECTED : STFLASH_ERR_TARGET,
                    "cannot %s 0x%08x: FLASH_SR 0x%08x (%s)", what, addr, sr, lx_sr_error_name(sr));
}

/* One word written with `pecr` set in FLASH_PECR, waited for, checked; PECR cleared again. */
static int word_op(struct flash_dev *f, uint32_t pecr, uint32_t addr, uint32_t val,
                   unsigned timeout_ms, const char *what)
{
    uint32_t sr;
    int rc = lx_wait_idle(f, LX_IDLE_TIMEOUT_MS, &sr, what, addr);
    if (rc != STFLASH_OK)
        return rc;
    rc = write_reg(f, LX_PECR, pecr);
    if (rc == STFLASH_OK)
        rc = dbg_write32(f->dbg, addr, val);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, LX_PECR, 0);
        return ctx_fail(f->ctx, rc, "cannot %s 0x%08x: %s", what, addr, last_error(f));
    }
    rc = lx_wait_idle(f, timeout_ms, &sr, what, addr);
    if (rc != STFLASH_OK) {
        (void)write_reg(f, LX_PECR, 0);
        return rc;
    }
    if (sr & LX_SR_ERRORS)
        return op_error(f, sr, what, addr);
    rc = write_reg(f, LX_PECR, 0);
    if (rc == STFLASH_OK)
        rc = write_reg(f, LX_SR, LX_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot finish: %s 0x%08x: %s", what, addr, last_error(f));
    return STFLASH_OK;
}

/* RM0377 §3.3.5 "Page erase": ERASE and PROG, then a word of 0 anywhere in the page. */
static int lx_erase_unit(struct flash_dev *f, const struct flash_unit *u)
{
    return word_op(f, LX_PECR_ERASE | LX_PECR_PROG, u->addr, 0, LX_OP_TIMEOUT_MS, "erase page");
}

/* The WRP sector bits (RM0377 §3.7.10, RM0038 §3.9.10): a set bit protects its 4 KiB sector. */
static int lx_check_writable(struct flash_dev *f, uint32_t addr, uint32_t len)
{
    static const uint32_t offs[4] = {LX_WRPR1, LX_WRPR2, LX_WRPR3, LX_WRPR4};
    uint32_t base = flash_map_base(&f->map), regs = lx_regs(f);
    unsigned n = lx_wrp_regs(f->chip);
    for (unsigned i = 0; i < n; i++) {
        uint32_t v;
        int rc = dbg_read32(f->dbg, regs + offs[i], &v);
        if (rc != STFLASH_OK)
            return ctx_fail(f->ctx, rc, "cannot read the write protection at 0x%08x: %s",
                            regs + offs[i], last_error(f));
        for (unsigned b = 0; v && b < 32; b++) {
            if (!(v & (1u << b)))
                continue;
            uint64_t lo = base + (uint64_t)(32u * i + b) * LX_WRP_SECTOR, hi = lo + LX_WRP_SECTOR;
            if (addr < hi && (uint64_t)addr + len > lo)
                return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                                "cannot write 0x%08x: write protected by the option bytes "
                                "(sector %u, 0x%08x..0x%08x, FLASH_WRPR%u 0x%08x)",
                                addr > lo ? addr : (uint32_t)lo, 32u * i + b, (uint32_t)lo,
                                (uint32_t)hi, i + 1, v);
        }
    }
    return STFLASH_OK;
}

/* ---- program ---- */

/* The loader's status: LDR_ERR_STATUS | FLASH_SR[17:8] << 16, or LDR_ERR_READBACK. */
static int loader_failure(struct flash_dev *f, const struct flash_loader_stop *st,
                          const uint8_t *data, uint32_t job_addr)
{
    uint32_t sr = (st->status >> 16) << 8, where = st->addr;
    (void)write_reg(f, LX_PECR, 0);
    (void)write_reg(f, LX_SR, LX_SR_ERRORS | LX_SR_EOP);
    if ((st->status & LDR_ERR_STATUS) && (sr & LX_SR_WRPERR))
        return ctx_fail(f->ctx, STFLASH_ERR_PROTECTED,
                        "cannot program 0x%08x: write protected (FLASH_SR 0x%05x, WRPERR)", where,
                        sr);
    if ((st->status & LDR_ERR_STATUS) && (sr & LX_SR_NOTZEROERR))
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET,
                        "cannot program 0x%08x: not erased, holds 0x%08x (FLASH_SR 0x%05x, "
                        "NOTZEROERR)",
                        where, st->value, sr);
    if (st->status & LDR_ERR_STATUS)
        return ctx_fail(f->ctx, STFLASH_ERR_TARGET, "cannot program 0x%08x: FLASH_SR 0x%05x (%s)",
                        where, sr, lx_sr_error_name(sr));
    return drv_loader_other_failure(f, st, data, job_addr);
}

/* One job per bank: a half-page never spans the bank boundary. */
static int lx_program(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    struct drv_program prog = {
        .code = l0l1_program_loader,
        .code_len = L0L1_PROGRAM_LOADER_LEN,
        .code_max = L0L1_PROGRAM_LOADER_LEN,
        .unit = 4,
        .unit_us = LX_TPROG_MAX_US,
        .arg = lx_half_page(f->chip),
        .failure = loader_failure,
    };
    return drv_program_banks(f, &prog, addr, data, len);
}

/* ---- the data EEPROM ---- */

static void lx_eeprom_range(const struct stflash_chip_info *chip, uint32_t *base, uint32_t *size)
{
    *base = LX_EEPROM_BASE;
    *size = lx_eeprom_size(chip);
}

/*
 * Words of the data EEPROM that differ from `data` are written: a word becoming 0 is erased
 * (ERASE | DATA, a word of 0), any other value is programmed with FIX, which erases and programs
 * it in one fixed-time operation (RM0377 §3.3.5, RM0038 §3.3.5 "Data EEPROM word write" with
 * FTDW). Bytes of a partly covered word keep their value. PELOCK is set again at the end.
 */
static int lx_eeprom_write(struct flash_dev *f, uint32_t addr, const uint8_t *data, size_t len)
{
    uint32_t base, size;
    lx_eeprom_range(f->chip, &base, &size);
    if (len == 0)
        return STFLASH_OK;
    if (addr < base || addr - base > size || len > size - (addr - base))
        return ctx_fail(f->ctx, STFLASH_ERR_RANGE,
                        "cannot write 0x%08x..0x%08x: the data EEPROM of the %s is "
                        "0x%08x..0x%08x",
                        addr, addr + (uint32_t)len, f->chip->name, base, base + size);
    uint32_t lo = addr & ~3u, hi = (uint32_t)((addr + len + 3u) & ~(uint64_t)3u);
    uint8_t *cur = malloc(hi - lo);
    if (!cur)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory for the data EEPROM");
    int rc = dbg_read(f->dbg, lo, cur, hi - lo);
    if (rc != STFLASH_OK) {
        free(cur);
        return ctx_fail(f->ctx, rc, "cannot read the data EEPROM at 0x%08x: %s", lo, last_error(f));
    }
    rc = lx_unlock_pe(f);
    for (uint32_t w = lo; w < hi && rc == STFLASH_OK; w += 4) {
        uint8_t want[4];
        memcpy(want, cur + (w - lo), 4);
        for (unsigned k = 0; k < 4; k++)
            if (w + k >= addr && w + k < addr + len)
                want[k] = data[w + k - addr];
        if (memcmp(want, cur + (w - lo), 4) == 0)
            continue;
        uint32_t v = le32_get(want);
        if (v == 0)
            rc = word_op(f, LX_PECR_ERASE | LX_PECR_DATA, w, 0, LX_OP_TIMEOUT_MS,
                         "erase the data EEPROM word at");
        else
            rc = word_op(f, LX_PECR_FIX, w, v, LX_OP_TIMEOUT_MS, "write the data EEPROM word at");
        uint32_t back = 0;
        if (rc == STFLASH_OK)
            rc = dbg_read32(f->dbg, w, &back);
        if (rc == STFLASH_OK && back != v)
            rc = ctx_fail(f->ctx, STFLASH_ERR_VERIFY,
                          "the data EEPROM word at 0x%08x reads back 0x%08x instead of 0x%08x", w,
                          back, v);
        if (rc == STFLASH_OK)
            flash_program_progress(f, w, 4);
    }
    free(cur);
    int lrc = lx_lock(f);
    return rc != STFLASH_OK ? rc : lrc;
}

static const struct flash_driver flash_driver_l0l1 = {
    .name = "stm32 l0/l1",
    .unlock = lx_unlock,
    .lock = lx_lock,
    .erase_unit = lx_erase_unit,
    .program = lx_program,
    .check_writable = lx_check_writable,
};

/* The L0/L1 family: no clone quirks. */
const struct flash_family flash_family_l0l1 = {
    .name = "L0/L1",
    .ctrl = STFLASH_CTRL_L0_L1,
    .driver = &flash_driver_l0l1,
    .protection = lx_protection,
    .options_read = lx_options_read,
    .options_write = lx_options_write,
    .options_load = lx_options_load,
    .options_rdp_byte = lx_rdp_byte,
    .eeprom_range = lx_eeprom_range,
    .eeprom_write = lx_eeprom_write,
};
