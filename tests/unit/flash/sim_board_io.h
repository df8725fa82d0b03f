/*
 * Register accesses straight on a simulated board's bus for the cmocka tests of its models
 * (include after cmocka.h): no virtual time passes in them, and a bus error fails the test.
 */
#ifndef STFLASH_TEST_SIM_BOARD_IO_H
#define STFLASH_TEST_SIM_BOARD_IO_H

#include "sim_dbg.h"

static inline uint32_t rd(struct sim_board *fx, uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(sim_bus_read(&fx->sd.t, addr, 4, &v, SIM_BY_DEBUG), SIM_BUS_OK);
    return v;
}

static inline void wr(struct sim_board *fx, uint32_t addr, uint32_t v)
{
    assert_int_equal(sim_bus_write(&fx->sd.t, addr, 4, v, SIM_BY_DEBUG), SIM_BUS_OK);
}

#endif
