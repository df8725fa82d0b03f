/* What the simulated flash controllers do alike (flash_ctl.h). */
#include "flash_ctl.h"

enum sim_bus_result sim_flash_key_write(int *stage, bool *locked_up, uint32_t val, uint32_t k1,
                                        uint32_t k2, bool *unlock)
{
    *unlock = false;
    if (*locked_up)
        return SIM_BUS_FAULT;
    if (*stage == 0 && val == k1) {
        *stage = 1;
    } else if (*stage == 1 && val == k2) {
        *stage = 0;
        *unlock = true;
    } else {
        *stage = 0;
        *locked_up = true;
        return SIM_BUS_FAULT;
    }
    return SIM_BUS_OK;
}

bool sim_flash_stall(struct sim_target *t, enum sim_initiator who, sim_ps until,
                     void (*update)(struct sim_target *))
{
    if (who == SIM_BY_DEBUG)
        return false;
    if (t->stats)
        t->stats->cost_ps[SIM_COST_BSY_WAIT] += until - t->now;
    t->now = until;
    update(t);
    return true;
}

sim_ps sim_flash_queue(const struct sim_target *t, bool busy, sim_ps until, sim_ps duration)
{
    return (busy && until > t->now ? until : t->now) + duration;
}

void sim_flash_obl_launch(struct sim_target *t, enum sim_initiator who)
{
    t->reset_request = SIM_RESET_OPTION_LOAD;
    if (who == SIM_BY_CPU) {
        t->stop = SIM_STOP_EXCEPTION;
        uc_emu_stop(t->uc);
    } else {
        sim_target_do_reset_request(t);
    }
}
