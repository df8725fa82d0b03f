/* RTT up channel 0 streamed by `stflash run --rtt` while the firmware runs (run_rtt.c). */
#ifndef STFLASH_RUN_RTT_H
#define STFLASH_RUN_RTT_H

#include <stdbool.h>

#include "cli.h"
#include "stflash/rtt.h"

struct run_rtt {
    bool on;        /* --rtt given */
    bool found;     /* the control block is known */
    bool have_addr; /* where it is: the ELF symbol _SEGGER_RTT */
    uint32_t addr;
    double next_search; /* no search before this time (now_seconds) */
    struct stflash_rtt rtt;
};

/* Before the firmware starts: the address of _SEGGER_RTT when FIRMWARE is an ELF file with it
 * (else RAM is searched). Returns an exit status (EXIT_OK). */
int run_rtt_begin(struct cli *cli, struct run_rtt *r, const char *firmware);

/* Copies what up channel 0 holds to stdout, looking for the block first while it is not found.
 * Returns an exit status (EXIT_OK). */
int run_rtt_pump(struct cli *cli, struct stflash_dev *dev, struct run_rtt *r);

/* The same once the firmware has exited: the block is looked for even within the interval
 * between searches (a firmware that logs a little and exits may be gone before the first one
 * found it), and everything left in up channel 0 goes to stdout. */
int run_rtt_drain(struct cli *cli, struct stflash_dev *dev, struct run_rtt *r);

#endif
