/* Bus access outcomes and initiators, shared by the target and its families. */
#ifndef STFLASH_SIM_BUS_H
#define STFLASH_SIM_BUS_H

/* Access outcome on the bus. */
enum sim_bus_result {
    SIM_BUS_OK = 0,
    SIM_BUS_FAULT, /* the access is answered with an AHB error */
    SIM_BUS_STALL, /* the slave stalls (caller decides how to wait) */
};

/* Who is on the bus: some rules differ for the core and the debugger. */
enum sim_initiator {
    SIM_BY_CPU,
    SIM_BY_DEBUG,
};

#endif
