#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arm/cortexm.h"
#include "sim_dbg.h"
#include "stflash/stflash.h"

/* Full-speed USB probe: 0.3 ms per command and 1 us per byte (docs/virtual-clock.md); an
 * ST-LINK/V2 moves at most 6144 bytes per memory command. */
#define CMD_PS (300ull * SIM_PS_PER_US)
#define BYTE_PS (1ull * SIM_PS_PER_US)
#define MAX_BLOCK 6144u
/* How long the probe keeps retrying a stalled access before giving up. */
#define WAIT_BUDGET_PS (200ull * SIM_PS_PER_MS)

static struct sim_dbg *of(struct dbg *d)
{
    return (struct sim_dbg *)d;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void command(struct sim_dbg *s, size_t bytes)
{
    uint64_t now = now_ns();
    sim_ps gap = s->last_end_ns && now > s->last_end_ns
                     ? (sim_ps)(now - s->last_end_ns) * (SIM_PS_PER_US / 1000u)
                     : 0;
    s->commands++;
    sim_target_advance(&s->t, gap + s->command_ps + bytes * s->byte_ps);
    s->last_end_ns = now_ns();
}

/* One bus access as the debugger, retrying while the target stalls (flash controller busy). */
static int bus_access(struct sim_dbg *s, uint32_t addr, unsigned size, uint32_t *rd, uint32_t wr)
{
    sim_ps waited = 0;
    for (;;) {
        enum sim_bus_result r = rd ? sim_bus_read(&s->t, addr, size, rd, SIM_BY_DEBUG)
                                   : sim_bus_write(&s->t, addr, size, wr, SIM_BY_DEBUG);
        if (r == SIM_BUS_OK)
            return STFLASH_OK;
        if (r == SIM_BUS_FAULT)
            return ctx_fail(s->dbg.ctx, STFLASH_ERR_TARGET, "bus fault at 0x%08x", addr);
        sim_ps wait =
            s->t.fpec.busy_until > s->t.now ? s->t.fpec.busy_until - s->t.now : SIM_PS_PER_US;
        if (waited + wait > WAIT_BUDGET_PS)
            return ctx_fail(s->dbg.ctx, STFLASH_ERR_TARGET,
                            "the target keeps answering WAIT at 0x%08x", addr);
        sim_target_advance(&s->t, wait);
        waited += wait;
    }
}

static unsigned access_size(uint32_t addr, size_t left)
{
    if (!(addr & 3u) && left >= 4)
        return 4;
    if (!(addr & 1u) && left >= 2)
        return 2;
    return 1;
}

static int transfer(struct dbg *d, uint32_t addr, uint8_t *rd, const uint8_t *wr, size_t len)
{
    struct sim_dbg *s = of(d);
    size_t done = 0;
    while (done < len) {
        size_t block = len - done < s->max_block ? len - done : s->max_block;
        command(s, block);
        for (size_t end = done + block; done < end;) {
            uint32_t a = addr + (uint32_t)done;
            unsigned size = access_size(a, end - done);
            uint32_t v = 0;
            if (wr)
                for (unsigned i = 0; i < size; i++)
                    v |= (uint32_t)wr[done + i] << (8 * i);
            int rc = bus_access(s, a, size, rd ? &v : NULL, v);
            if (rc != STFLASH_OK)
                return rc;
            if (rd)
                for (unsigned i = 0; i < size; i++)
                    rd[done + i] = (uint8_t)(v >> (8 * i));
            done += size;
        }
    }
    return STFLASH_OK;
}

static int read_mem(struct dbg *d, uint32_t addr, uint8_t *buf, size_t len)
{
    return transfer(d, addr, buf, NULL, len);
}

static int write_mem(struct dbg *d, uint32_t addr, const uint8_t *buf, size_t len)
{
    return transfer(d, addr, NULL, buf, len);
}

static int read_reg(struct dbg *d, unsigned regsel, uint32_t *val)
{
    struct sim_dbg *s = of(d);
    command(s, 4);
    if (!s->t.core.halted)
        return ctx_fail(d->ctx, STFLASH_ERR_TARGET, "core register %u read while running", regsel);
    return cortexm_read_core_reg(&s->t, regsel, val) == 0
               ? STFLASH_OK
               : ctx_fail(d->ctx, STFLASH_ERR_TARGET, "no core register %u", regsel);
}

static int write_reg(struct dbg *d, unsigned regsel, uint32_t val)
{
    struct sim_dbg *s = of(d);
    command(s, 4);
    if (!s->t.core.halted)
        return ctx_fail(d->ctx, STFLASH_ERR_TARGET, "core register %u written while running",
                        regsel);
    return cortexm_write_core_reg(&s->t, regsel, val) == 0
               ? STFLASH_OK
               : ctx_fail(d->ctx, STFLASH_ERR_TARGET, "no core register %u", regsel);
}

static int set_nrst(struct dbg *d, int asserted)
{
    struct sim_dbg *s = of(d);
    command(s, 0);
    sim_target_set_nrst(&s->t, asserted != 0);
    return STFLASH_OK;
}

static const struct dbg_ops sim_dbg_ops = {
    .read_mem = read_mem,
    .write_mem = write_mem,
    .read_reg = read_reg,
    .write_reg = write_reg,
    .set_nrst = set_nrst,
};

int sim_dbg_open(struct sim_dbg *s, const char *chip, struct stflash_ctx *ctx,
                 const uint16_t *optbytes)
{
    memset(s, 0, sizeof *s);
    const struct sim_chip *c = sim_chip_find(chip);
    if (!c)
        return -1;
    struct sim_target_config cfg = {
        .chip = c,
        .flash_kib = 0,
        .flash_size_reg = UINT32_MAX,
        .rdp_level = 0,
        .nrst_wired = true,
        .boot0 = false,
        .voltage_mv = 3300,
    };
    if (sim_target_init(&s->t, &cfg) != 0)
        return -1;
    s->dbg.ops = &sim_dbg_ops;
    s->dbg.ctx = ctx;
    s->command_ps = CMD_PS;
    s->byte_ps = BYTE_PS;
    s->max_block = MAX_BLOCK;
    /* Connect under reset: halt requested before the core executes anything (the blank flash
     * would lock it up). */
    sim_bus_write(&s->t, CM_DHCSR, 4, CM_DHCSR_DBGKEY | CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT,
                  SIM_BY_DEBUG);
    if (optbytes) {
        memcpy(s->t.optbytes, optbytes, sizeof s->t.optbytes);
        sim_target_optbytes_changed(&s->t);
        sim_target_system_reset(&s->t); /* options load at reset; the halt request survives */
    }
    return 0;
}

void sim_dbg_close(struct sim_dbg *s)
{
    sim_target_release(&s->t);
}

double sim_dbg_seconds(const struct sim_dbg *s)
{
    return (double)s->t.now / (double)SIM_PS_PER_S;
}

int sim_board_open(void **state, const char *chip)
{
    struct sim_board *b = calloc(1, sizeof *b);
    if (!b)
        return -1;
    if (stflash_ctx_new(&b->ctx) != STFLASH_OK || sim_dbg_open(&b->sd, chip, b->ctx, NULL) != 0) {
        stflash_ctx_free(b->ctx);
        free(b);
        return -1;
    }
    *state = b;
    return 0;
}

int sim_board_close(void **state)
{
    struct sim_board *b = *state;
    sim_dbg_close(&b->sd);
    stflash_ctx_free(b->ctx);
    free(b);
    return 0;
}
