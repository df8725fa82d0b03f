/* What the TrustZone flash controller models share (sim/flash_common.h). */
#include <string.h>

#include "flash_common.h"
#include "flash_ctl.h"

sim_ps sim_flash_tprog(const struct sim_target *t)
{
    return t->chip->tprog_ps ? t->chip->tprog_ps : t->family->tprog_ps;
}

sim_ps sim_flash_terase(const struct sim_target *t)
{
    return t->chip->erase_ps ? t->chip->erase_ps : t->family->erase_ps;
}

void sim_flash_erase_bytes(struct sim_target *t, uint32_t off, uint32_t len)
{
    memset(&t->flash[off], 0xFF, len);
    sim_target_code_changed(t, t->family->flash_base + off, len);
}

void sim_flash_note_store(struct sim_target *t, uint32_t addr, unsigned size,
                          enum sim_initiator who)
{
    if (who == SIM_BY_DEBUG) {
        sim_target_code_changed(t, addr, size);
    } else if (t->dirty_hi <= t->dirty_lo) {
        t->dirty_lo = addr;
        t->dirty_hi = addr + size;
    } else {
        t->dirty_lo = addr < t->dirty_lo ? addr : t->dirty_lo;
        t->dirty_hi = addr + size > t->dirty_hi ? addr + size : t->dirty_hi;
    }
}

void sim_flash_start_busy(struct sim_target *t, uint32_t *sr, uint32_t bsy, sim_ps *until,
                          sim_ps duration)
{
    *until = sim_flash_queue(t, (*sr & bsy) != 0, *until, duration);
    *sr |= bsy;
}

bool sim_flash_wait_idle(struct sim_target *t, enum sim_initiator who, const uint32_t *sr,
                         uint32_t bsy, const sim_ps *until, void (*update)(struct sim_target *t))
{
    update(t);
    if (!(*sr & bsy))
        return true;
    return sim_flash_stall(t, who, *until, update);
}

enum sim_bus_result sim_flash_no_optbytes(struct sim_target *t, uint32_t addr, unsigned size,
                                          uint32_t val, enum sim_initiator who)
{
    (void)t, (void)addr, (void)size, (void)val, (void)who;
    return SIM_BUS_OK;
}
