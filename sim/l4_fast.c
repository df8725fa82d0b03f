/*
 * Fast programming of the L4-style flash controller (sim/l4_flash.c), FSTPG (RM0351 §3.3.7,
 * RM0444 §3.3.7), on the families whose sim_l4_model has fast_row_dw (the L4 and the G0; the
 * others answer a write with FSTPG with PGSERR): a row is
 * fast_row_dw double words (256 bytes, aligned to 256) of the main memory, each written as in
 * standard programming (32-bit words only: SIZERR). The board's reading of the RM:
 * - A bank may be fast-programmed only while its last erase was a mass erase (MER1 / MER2): a
 *   latch per bank, set by the mass erase, cleared by a page erase in the bank, a standard (PG)
 *   program in it, and every reset (option loading included); LOCK leaves it. The RM only says
 *   the mass erase must come first ("If not, PGSERR is set"); the board takes the strictest
 *   reading. A write without it: PGSERR, nothing programmed.
 * - The first double word after FSTPG is set (or after a row ended) is the first of its row,
 *   each next one the next double word: anything else is PGAERR ("not greater than the previous
 *   one", "not in the same row"). PGAERR, SIZERR, WRPERR and MISSERR come with FASTERR and end
 *   the row; the double words programmed before stay programmed.
 * - Timing: the row takes the family's tprog_row_fast_ps, each double word a fast_row_dw-th of
 *   it. The first double word starts when its second word is written (BSY from then until the
 *   row ends); double word k+1 starts when k ends if its second word was written by then. A
 *   second word written while k is still being programmed stalls the writer until k ends (the
 *   core's bus stalls, the debugger's access is answered later, as for BSY), then starts k+1.
 *   A second word arriving after k has ended is too late: MISSERR and FASTERR, the row ends
 *   ("the previous data programmation is finished and the next data to program is not written
 *   yet"). A row not finished 7 ms after its first double word gets FASTERR (the RM's time-out;
 *   with these row times the writer is stalled or late long before). EOP (with EOPIE) when the
 *   last double word is done.
 * - HCLK below 8 MHz at the first double word of a row: FASTERR, nothing programmed (the RM asks
 *   for 8 MHz without saying what happens below).
 * - A read of the bank being fast-programmed while a row is under way (the debugger's, or the
 *   core's data read; instruction fetches are not watched) ends the row without any flag: BSY
 *   clears, the double words not yet received stay erased ("the programming is aborted without
 *   any system notification").
 */
#include "core/le.h"
#include "flash_common.h"
#include "flash_ctl.h"
#include "l4_flash.h"

/* One double word of a fast-programming row. */
sim_ps l4_tprog_fast_dw(const struct sim_target *t)
{
    return t->family->tprog_row_fast_ps / l4_model(t)->fast_row_dw;
}

#define FAST_MIN_HCLK 8000000u                 /* RM0351 §3.3.7, RM0444 §3.3.7 */
#define FAST_TIMEOUT_PS (7ull * SIM_PS_PER_MS) /* FASTERR: FSTPG set for more than 7 ms */

/* The row under way ends (completed, failed with flags, or aborted by a read with none). */
static void fast_row_end(struct sim_target *t, uint32_t flags)
{
    struct l4_flash *f = &t->l4f;
    f->fast_active = false;
    f->half_written = false;
    f->eop_pending = false;
    f->sr = (f->sr & ~(SR_BUSY | SR_CFGBSY)) | flags;
    if (f->busy_until > t->now)
        f->busy_until = t->now;
    sim_target_watch_flash_reads(t, false);
}

/* Time has passed during a row: its end, or MISSERR when the next double word came too late,
 * or the time-out. */
void l4_fast_update(struct sim_target *t)
{
    struct l4_flash *f = &t->l4f;
    if (f->fast_next == l4_model(t)->fast_row_dw && t->now >= f->fast_dw_end) {
        if (t->stats)
            t->stats->fast_rows++;
        fast_row_end(t, (f->cr & CR_EOPIE) ? SR_EOP : 0);
    } else if (t->now > f->fast_dw_end) {
        fast_row_end(t, SR_MISERR | SR_FASTERR); /* the next double word came too late */
    } else if (t->now > f->fast_timeout) {
        fast_row_end(t, SR_FASTERR);
    }
}

/* An error in fast programming: the flags, the row (if any) ends. */
static enum sim_bus_result fast_fail(struct sim_target *t, uint32_t flags)
{
    struct l4_flash *f = &t->l4f;
    f->sr |= flags;
    if (f->fast_active)
        fast_row_end(t, 0);
    f->half_written = false;
    f->sr &= ~SR_CFGBSY;
    return SIM_BUS_OK;
}

/* The double word latched (half_addr, half_val) and hi start programming: now, which is when the
 * previous one ended if the writer was stalled for it. */
static void fast_doubleword(struct sim_target *t, uint32_t hi, enum sim_initiator who)
{
    struct l4_flash *f = &t->l4f;
    uint32_t off = f->half_addr - t->family->flash_base;
    if (!f->fast_active && t->core_hz < FAST_MIN_HCLK) {
        fast_fail(t, SR_FASTERR);
        return;
    }
    if (l4_write_protected(t, off) || l4_debug_blocked(t)) {
        fast_fail(t, SR_WRPERR | SR_FASTERR);
        return;
    }
    if (le32_get(&t->flash[off]) != 0xFFFFFFFFu || le32_get(&t->flash[off + 4]) != 0xFFFFFFFFu) {
        fast_fail(t, SR_PROGERR); /* RM0351 §3.3.7: the double word must read erased */
        return;
    }
    le32_put(&t->flash[off], f->half_val);
    le32_put(&t->flash[off + 4], hi);
    sim_flash_note_store(t, f->half_addr, 8, who);
    f->half_written = false;
    if (!f->fast_active) {
        f->fast_active = true;
        f->fast_row = off;
        f->fast_next = 0;
        f->fast_timeout = t->now + FAST_TIMEOUT_PS;
        f->sr |= l4_busy_bit(t, off) | (l4_model(t)->cfgbsy ? SR_CFGBSY : 0);
        sim_target_watch_flash_reads(t, true);
    }
    f->fast_next++;
    f->fast_dw_end = t->now + l4_tprog_fast_dw(t);
    f->busy_until = f->fast_dw_end;
    if (t->stats) {
        t->stats->halfwords_programmed += 4;
        t->stats->fast_doublewords++;
    }
}

/* A store into the array with FSTPG alone set. */
enum sim_bus_result l4_fast_write(struct sim_target *t, uint32_t addr, unsigned size, uint32_t val,
                                  enum sim_initiator who)
{
    struct l4_flash *f = &t->l4f;
    uint32_t off = addr - t->family->flash_base, row_bytes = 8u * l4_model(t)->fast_row_dw;
    l4_flash_update(t);
    if (!f->fast_active && !l4_wait_not_busy(t, who))
        return SIM_BUS_STALL; /* an erase still under way */
    if (!f->fast_active && ((f->sr & SR_PROG_ERRORS) || !f->mass_erased[off / l4_bank_size(t)]))
        return fast_fail(t, SR_PGSERR); /* errors not cleared, or no mass erase before */
    if (size != 4)
        return fast_fail(t, SR_SIZERR | SR_FASTERR);
    if (!f->half_written) {
        uint32_t want = f->fast_active ? f->fast_row + 8u * f->fast_next : off & ~(row_bytes - 1u);
        if (off != want || (f->fast_active && f->fast_next == l4_model(t)->fast_row_dw))
            return fast_fail(t, SR_PGAERR | SR_FASTERR); /* not the next double word */
        return l4_first_word(t, addr, val);
    }
    if (addr != f->half_addr + 4u)
        return fast_fail(t, SR_PGAERR | SR_FASTERR);
    /* The previous double word is still being programmed: the writer waits for its end. */
    if (f->fast_active && t->now < f->fast_dw_end &&
        !sim_flash_stall(t, who, f->fast_dw_end, l4_flash_update))
        return SIM_BUS_STALL;
    fast_doubleword(t, val, who);
    return SIM_BUS_OK;
}

/* A read of the flash: one of the bank under fast programming aborts the row silently (RM0351
 * §3.3.7: "the programming is aborted without any system notification"). */
void l4_fast_array_read(struct sim_target *t, uint32_t addr)
{
    struct l4_flash *f = &t->l4f;
    if (!f->fast_active)
        return;
    l4_flash_update(t);
    uint32_t bsize = l4_bank_size(t);
    if (f->fast_active && (addr - t->family->flash_base) / bsize == f->fast_row / bsize)
        fast_row_end(t, 0);
}
