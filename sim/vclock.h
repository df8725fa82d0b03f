/*
 * The virtual clock: what every action on the virtual board costs, in picoseconds. One table,
 * documented in docs/virtual-clock.md; the figures are the project's common cost model so that
 * times measured for different tools on the same board compare.
 */
#ifndef STFLASH_SIM_VCLOCK_H
#define STFLASH_SIM_VCLOCK_H

#include <stdint.h>

typedef uint64_t sim_ps; /* virtual time, picoseconds */

#define SIM_PS_PER_US 1000000ull
#define SIM_PS_PER_MS 1000000000ull
#define SIM_PS_PER_S 1000000000000ull

/* USB full speed (ST-LINK/V2, V2-1): per command round trip, and per byte moved either way. */
#define SIM_USB_FS_CMD_PS (300ull * SIM_PS_PER_US)
#define SIM_USB_FS_BYTE_PS (1ull * SIM_PS_PER_US)
/* USB high speed (ST-LINK/V3): 0.15 ms per command, 30 MB/s. */
#define SIM_USB_HS_CMD_PS (150ull * SIM_PS_PER_US)
#define SIM_USB_HS_BYTE_PS (SIM_PS_PER_US / 30ull)

/* SWD: one 32-bit transfer is 46 clock cycles (8 request, turnaround, 3 ack, turnaround, 32 data,
 * parity); 8-bit memory accesses cost one transfer per byte. */
#define SIM_SWD_CYCLES_PER_TRANSFER 46u
#define SIM_SWD_DEFAULT_KHZ 1800u

/* Target CPU after reset: HSI at 8 MHz, one instruction per cycle (RM0008 §7.2: HSI 8 MHz). */
#define SIM_CPU_RESET_HZ 8000000u

/* F1 flash (DS5319 Table "Flash memory characteristics"): typical tPROG per half-word, page,
 * mass and option-byte erase. */
#define SIM_F1_TPROG_PS (52500ull * 1000ull)
#define SIM_F1_ERASE_PS (20ull * SIM_PS_PER_MS)

/* Where the time of a client session went. */
enum sim_cost {
    SIM_COST_HOST_GAP, /* real time the client spent between two commands */
    SIM_COST_USB_LATENCY,
    SIM_COST_USB_DATA,
    SIM_COST_SWD,
    SIM_COST_BSY_WAIT, /* bus stalls on a busy flash controller */
    SIM_COST_COUNT
};

struct sim_stats {
    sim_ps start_ps;                /* board time when the session began */
    sim_ps cost_ps[SIM_COST_COUNT]; /* time per cost kind */
    uint64_t commands;              /* probe commands */
    uint64_t commands_by_code[256]; /* by byte 1 for DEBUG commands, byte 0 otherwise */
    uint64_t bytes_out;             /* host to probe, command blocks included */
    uint64_t bytes_in;              /* probe to host */
    uint64_t halfwords_programmed;  /* fast-programmed double words included, four each */
    uint64_t pages_erased;
    uint64_t mass_erases;
    uint64_t option_erases;
    /* The F2/F4 controller: program operations (one access of the PSIZE width each), the bytes
     * they wrote, sectors erased, and the typical time of all its operations. */
    uint64_t program_ops;
    uint64_t bytes_programmed;
    uint64_t sectors_erased;
    sim_ps flash_work_ps;
    /* The L4-style controller's fast programming (FSTPG): rows completed, double words
     * programmed (finished rows or not). */
    uint64_t fast_rows;
    uint64_t fast_doublewords;
    uint32_t core_hz_max; /* the fastest core clock instructions ran at (0: none ran) */
};

#endif
