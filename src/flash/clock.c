/* The core clock for the routines in target SRAM (flash/clock.h). */
#include <time.h>

#include "arm/dbg.h"
#include "flash/clock.h"
#include "flash/family.h"

/* The slowest step is a PLL lock: at most 200 µs on the F1 (DS5319 Table 36 tLOCK), 40 µs on the
 * L4/G0/G4 (DS10198, DS12232, DS12288 "PLL characteristics" tLOCK). The deadline covers probe
 * round trips and a loaded host. */
#define CLOCK_DEADLINE_MS 50u

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const struct flash_clock_recipe *recipe_for(const struct flash_dev *f)
{
    if (!f->fam || !f->fam->clock_recipes || !f->chip)
        return NULL;
    for (const struct flash_clock_recipe *r = f->fam->clock_recipes;
         r->family != STFLASH_FAMILY_UNKNOWN; r++)
        if (r->family == f->chip->family && (!r->dev_id || r->dev_id == f->chip->dev_id))
            return r;
    return NULL;
}

/* The flash wait states the recipe sets: FLASH_ACR LATENCY, bits [3:0] on every family. */
static uint32_t recipe_latency(const struct flash_clock_recipe *r)
{
    for (unsigned i = 0; i < CLOCK_MAX_STEPS && r->steps[i].reg; i++)
        if (r->steps[i].reg == CLOCK_REG_ACR)
            return r->steps[i].bits & r->steps[i].mask & 0xFu;
    return 0;
}

static uint32_t reg_addr(const struct flash_dev *f, uint32_t reg)
{
    return reg == CLOCK_REG_ACR ? f->chip->flash_regs : reg;
}

/* The slot of a register of the recipe (clock_load put them all in). */
static unsigned slot(const struct flash_clock *c, uint32_t reg)
{
    unsigned i = 0;
    while (i < c->n && c->reg[i] != reg)
        i++;
    return i;
}

/* Reads every register the recipe's guards and steps name, once, into saved and now. */
static int clock_load(struct flash_dev *f, const struct flash_clock_recipe *r)
{
    struct flash_clock *c = &f->clock;
    uint32_t regs[CLOCK_MAX_GUARDS + 2 * CLOCK_MAX_STEPS];
    unsigned nr = 0;
    for (unsigned i = 0; i < CLOCK_MAX_GUARDS && r->guards[i].reg; i++)
        regs[nr++] = r->guards[i].reg;
    for (unsigned i = 0; i < CLOCK_MAX_STEPS && r->steps[i].reg; i++) {
        regs[nr++] = r->steps[i].reg;
        if (r->steps[i].wait_mask)
            regs[nr++] = r->steps[i].wait_reg;
    }
    c->n = 0;
    for (unsigned i = 0; i < nr; i++) {
        if (slot(c, regs[i]) < c->n)
            continue;
        if (c->n == FLASH_CLOCK_REGS)
            return STFLASH_ERR_UNSUPPORTED; /* a recipe too large: flash/clock_recipes.c */
        uint32_t v = 0;
        int rc = dbg_read32(f->dbg, reg_addr(f, regs[i]), &v);
        if (rc != STFLASH_OK)
            return rc;
        c->reg[c->n] = regs[i];
        c->saved[c->n] = v;
        c->now[c->n] = v;
        c->n++;
    }
    return STFLASH_OK;
}

/* The regulator's range allows the new clock: 1 yes, 0 no, or the probe's error. */
static int vos_allows(struct flash_dev *f, const struct flash_clock_vos *v)
{
    if (!v->reg)
        return 1;
    uint32_t enr = 0, vos = 0;
    int rc = v->enr ? dbg_read32(f->dbg, v->enr, &enr) : STFLASH_OK;
    bool enable = v->enr && !(enr & v->enr_bit);
    if (rc == STFLASH_OK && enable)
        rc = dbg_write32(f->dbg, v->enr, enr | v->enr_bit);
    if (rc == STFLASH_OK)
        rc = dbg_read32(f->dbg, v->reg, &vos);
    if (enable) {
        int wrc = dbg_write32(f->dbg, v->enr, enr);
        if (rc == STFLASH_OK)
            rc = wrc;
    }
    if (rc != STFLASH_OK)
        return rc;
    return (vos & v->mask) == v->want;
}

/* Polls reg until (value & mask) == want or the deadline passes: 1 when it came, 0 when not, or
 * the probe's error. */
static int wait_bits(struct flash_dev *f, uint32_t reg, uint32_t mask, uint32_t want)
{
    uint64_t deadline = now_ms() + CLOCK_DEADLINE_MS;
    for (;;) {
        uint32_t v = 0;
        int rc = dbg_read32(f->dbg, reg_addr(f, reg), &v);
        if (rc != STFLASH_OK)
            return rc;
        if ((v & mask) == want)
            return 1;
        if (now_ms() > deadline)
            return 0;
    }
}

/* reg = (now & ~mask) | (bits & mask), when that changes it. */
static int write_bits(struct flash_dev *f, uint32_t reg, uint32_t mask, uint32_t bits)
{
    struct flash_clock *c = &f->clock;
    unsigned i = slot(c, reg);
    uint32_t v = (c->now[i] & ~mask) | (bits & mask);
    if (v == c->now[i])
        return STFLASH_OK;
    int rc = dbg_write32(f->dbg, reg_addr(f, reg), v);
    if (rc == STFLASH_OK)
        c->now[i] = v;
    return rc;
}

/* Puts back the steps written, the last first. */
static int put_back(struct flash_dev *f)
{
    struct flash_clock *c = &f->clock;
    const struct flash_clock_recipe *r = c->recipe;
    int rc = STFLASH_OK;
    while (rc == STFLASH_OK && c->done > 0) {
        const struct flash_clock_step *s = &r->steps[c->done - 1u];
        rc = write_bits(f, s->reg, s->mask, c->saved[slot(c, s->reg)]);
        if (rc == STFLASH_OK && s->wait_mask && s->wait_back) {
            uint32_t want = c->saved[slot(c, s->wait_reg)] & s->wait_mask;
            int got = wait_bits(f, s->wait_reg, s->wait_mask, want);
            rc = got == 1   ? STFLASH_OK
                 : got == 0 ? ctx_fail(f->ctx, STFLASH_ERR_TIMEOUT,
                                       "the core clock did not go back to its reset source "
                                       "within %u ms (register 0x%08x)",
                                       CLOCK_DEADLINE_MS, reg_addr(f, s->wait_reg))
                            : got;
        }
        if (rc == STFLASH_OK)
            c->done--;
    }
    return rc;
}

int flash_clock_raise(struct flash_dev *f)
{
    struct flash_clock *c = &f->clock;
    if (c->tried)
        return STFLASH_OK;
    c->tried = true;
    c->done = 0;
    const struct flash_clock_recipe *r = recipe_for(f);
    c->recipe = r;
    if (!r)
        return STFLASH_OK;
    int rc = clock_load(f, r);
    if (rc != STFLASH_OK)
        return rc;
    for (unsigned i = 0; i < CLOCK_MAX_GUARDS && r->guards[i].reg; i++) {
        const struct flash_clock_guard *g = &r->guards[i];
        uint32_t v = c->saved[slot(c, g->reg)];
        if ((v & g->mask) != g->want) {
            ctx_log(f->ctx, STFLASH_LOG_INFO,
                    "the core clock is not the reset clock (0x%08x reads 0x%08x): the routines "
                    "in SRAM run at the firmware's clock",
                    reg_addr(f, g->reg), v);
            return STFLASH_OK;
        }
    }
    int vos = vos_allows(f, &r->vos);
    if (vos < 0)
        return vos;
    if (vos == 0) {
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "the regulator is not in the range %u MHz needs: the routines in SRAM run at the "
                "reset clock",
                r->hz / 1000000u);
        return STFLASH_OK;
    }
    int got = 1;
    for (unsigned i = 0; got == 1 && i < CLOCK_MAX_STEPS && r->steps[i].reg; i++) {
        const struct flash_clock_step *s = &r->steps[i];
        rc = write_bits(f, s->reg, s->mask, s->bits);
        if (rc != STFLASH_OK)
            return rc; /* the probe failed: the job ends and its end tries to put things back */
        c->done = i + 1u;
        if (s->wait_mask)
            got = wait_bits(f, s->wait_reg, s->wait_mask, s->wait_want);
    }
    if (got == 1) {
        ctx_log(f->ctx, STFLASH_LOG_INFO,
                "core clock %u MHz (%s, %u flash wait states) for the routines in SRAM",
                r->hz / 1000000u, r->source, recipe_latency(r));
        return STFLASH_OK;
    }
    if (got < 0)
        return got;
    ctx_log(f->ctx, STFLASH_LOG_INFO,
            "the clock (%s) was not ready within %u ms: the routines in SRAM run at the reset "
            "clock",
            r->source, CLOCK_DEADLINE_MS);
    return put_back(f);
}

int flash_clock_restore(struct flash_dev *f)
{
    struct flash_clock *c = &f->clock;
    c->tried = false;
    if (!c->done || !c->recipe)
        return STFLASH_OK;
    return put_back(f);
}
