/*
 * Fast programming on the L4-style controller (flash/l4.h): rows of 32 double words programmed
 * with the high voltage kept on, in a bank mass-erased just before (RM0351 §3.3.7, RM0444 §3.3.7
 * "Fast programming": without the mass erase the controller answers PGSERR). The L4 and the G0
 * only: the L4+ and the G4's dual-bank categories have rows of 64 double words (RM0432 §3.3.7,
 * RM0440 §3.3.7), the WB/WL/C0 are left to standard programming.
 *
 * The engine mass-erases a flash that reads erased outside the image when the driver says that
 * pays (l4_fast_worth); l4_mass_erase marks the banks fresh (f->fresh_banks). A program call over
 * fresh banks then runs the loader in its fast mode (loaders/l4_program.S, LDR_CB_ARG = 1) over
 * the rows the image fills, and standard programming afterwards over the rows it fills only in
 * part: a double word the image leaves erased is not programmed (the erased value written would
 * set its 8 ECC bits, RM0351 §3.3.2, and other data programmed there later would not match
 * them), and a fast row writes all 32. The manuals do not say which later operations end the state
 * the mass erase leaves, so the rows that need standard programming come after every fast row of
 * the call, and a row the controller refuses (PGSERR, nothing programmed) is programmed the
 * standard way with all that follows.
 */
#include <string.h>

#include "core/le.h"
#include "flash/drvutil.h"
#include "flash/flash.h"
#include "flash/l4.h"
#include "flash/loaders/loader_abi.h"

#define ROW 256u /* 32 double words */

/* Typical times (datasheets, "Flash memory characteristics": DS10198 for the L47x/L48x,
 * DS12232 for the G071; the fast row figures were not checked against them): a double word in
 * standard programming, a row in fast programming, a mass erase. */
struct fast_times {
    uint32_t dword_ns;
    uint32_t row_fast_us;
    uint32_t mass_erase_us;
};

static const struct fast_times *fast_times_of(const struct flash_dev *f)
{
    static const struct fast_times l4 = {81690, 1910, 22130}, g0 = {85000, 1700, 22100};
    switch (f->chip->family) {
    case STFLASH_FAMILY_L4:
        return &l4;
    case STFLASH_FAMILY_G0:
        return &g0;
    default:
        return NULL;
    }
}

/* HCLK must be 8 MHz or more (RM0351 §3.3.7): the L4 resets to the 4 MHz MSI, so only with the
 * job's clock recipe in force (flash/clock.h), which runs both families at 48 MHz or more. */
static bool clock_fast_enough(const struct flash_dev *f)
{
    return f->clock.recipe && f->clock.done > 0;
}

bool l4_fast_worth(struct flash_dev *f, uint64_t bytes)
{
    const struct fast_times *t = fast_times_of(f);
    if (!t || !clock_fast_enough(f) || f->secure_start)
        return false;
    uint64_t rows = bytes / ROW;
    uint64_t standard_row_us = 32u * (uint64_t)t->dword_ns / 1000u;
    if (standard_row_us <= t->row_fast_us)
        return false;
    uint64_t gain_us = rows * (standard_row_us - t->row_fast_us);
    /* The cost: the mass erase, and the check that the rest reads erased (the CRC routine reads
     * about 32 bytes a microsecond at 48 MHz, flash/crc.c). */
    uint64_t flash = flash_map_bytes(&f->map);
    uint64_t cost_us = t->mass_erase_us + (flash > bytes ? flash - bytes : 0) / 32u;
    return gain_us > cost_us;
}

/* The map banks [addr, addr+len) touches, as bits. */
static uint32_t banks_of(const struct flash_dev *f, uint32_t addr, size_t len)
{
    uint32_t mask = 0;
    for (unsigned b = 0; b < f->map.banks && b < 32; b++) {
        uint64_t lo = f->map.bank[b].base, hi = lo + f->map.bank[b].size;
        if ((uint64_t)addr < hi && (uint64_t)addr + len > lo)
            mask |= 1u << b;
    }
    return mask;
}

enum row_kind { ROW_ERASED, ROW_FULL, ROW_PARTIAL };

static enum row_kind row_kind(const uint8_t *row, uint32_t erased)
{
    unsigned blank = 0;
    for (unsigned i = 0; i < ROW; i += 8)
        blank += le32_get(row + i) == erased && le32_get(row + i + 4) == erased;
    return blank == ROW / 8 ? ROW_ERASED : blank ? ROW_PARTIAL : ROW_FULL;
}

/* The controller refused the row at st->addr before programming any of it: PGSERR (with
 * FASTERR at most), the state the mass erase left being gone. */
static bool fast_refused(const struct flash_loader_stop *st)
{
    uint32_t sr = st->status >> 16;
    return (st->status & 0xFFFFu) == LDR_ERR_STATUS && (sr & L4_SR_PGSERR) &&
           !(sr & ~(L4_SR_PGSERR | L4_SR_FASTERR | L4_SR_OPERR | L4_SR_EOP));
}

/* One run of rows [addr, addr+len) in fast mode; *fast is cleared when the controller refuses,
 * and the rest of the run is then programmed the standard way. */
static int fast_rows(struct flash_dev *f, const struct drv_program *p, uint32_t addr,
                     const uint8_t *data, uint32_t len, bool *fast)
{
    if (!*fast)
        return drv_program_banks(f, p, addr, data, len);
    struct flash_loader_stop st = {0};
    int rc = drv_program_banks_arg(f, p, 1, addr, data, len, &st);
    if (rc != STFLASH_OK || !st.status)
        return rc;
    if (!fast_refused(&st) || st.addr < addr || st.addr >= addr + len || st.addr % ROW)
        return p->failure(f, &st, data + (st.job_addr - addr), st.job_addr);
    ctx_log(f->ctx, STFLASH_LOG_INFO,
            "the flash controller refused fast programming at 0x%08x (FLASH_SR 0x%04x): "
            "standard programming from there",
            st.addr, st.status >> 16);
    *fast = false;
    f->fresh_banks = 0;
    rc = dbg_write32(f->dbg, l4_regs(f) + L4_SR, L4_SR_ERRORS | L4_SR_EOP);
    if (rc != STFLASH_OK)
        return ctx_fail(f->ctx, rc, "cannot clear FLASH_SR: %s", drv_last_error(f));
    return drv_program_banks(f, p, st.addr, data + (st.addr - addr), addr + len - st.addr);
}

int l4_fast_program(struct flash_dev *f, const struct drv_program *p, uint32_t addr,
                    const uint8_t *data, size_t len)
{
    uint32_t banks = banks_of(f, addr, len);
    uint32_t erased = flash_map_erased_pattern(&f->map, 4);
    uint64_t end = (uint64_t)addr + len;
    uint64_t first = ((uint64_t)addr + ROW - 1u) / ROW * ROW, last = end / ROW * ROW;
    if (!banks || (f->fresh_banks & banks) != banks || !fast_times_of(f) || !clock_fast_enough(f) ||
        first >= last) {
        f->fresh_banks &= ~banks;
        return drv_program_banks(f, p, addr, data, len);
    }
    /* The rows the image fills or leaves erased, in runs, in fast mode. */
    int rc = STFLASH_OK;
    bool fast = true;
    for (uint64_t r = first; r < last && rc == STFLASH_OK;) {
        while (r < last && row_kind(data + (r - addr), erased) == ROW_PARTIAL)
            r += ROW;
        uint64_t run = r;
        bool any = false;
        for (enum row_kind k; r < last && (k = row_kind(data + (r - addr), erased)) != ROW_PARTIAL;
             r += ROW)
            any = any || k == ROW_FULL;
        if (any)
            rc = fast_rows(f, p, (uint32_t)run, data + (run - addr), (uint32_t)(r - run), &fast);
    }
    f->fresh_banks &= ~banks;
    /* Then the rows it fills in part, and the pieces of rows at either end. */
    if (rc == STFLASH_OK && first > addr)
        rc = drv_program_banks(f, p, addr, data, (size_t)(first - addr));
    for (uint64_t r = first; r < last && rc == STFLASH_OK;) {
        while (r < last && row_kind(data + (r - addr), erased) != ROW_PARTIAL)
            r += ROW;
        uint64_t run = r;
        while (r < last && row_kind(data + (r - addr), erased) == ROW_PARTIAL)
            r += ROW;
        if (r > run)
            rc = drv_program_banks(f, p, (uint32_t)run, data + (run - addr), (size_t)(r - run));
    }
    if (rc == STFLASH_OK && end > last)
        rc = drv_program_banks(f, p, (uint32_t)last, data + (last - addr), (size_t)(end - last));
    return rc;
}
