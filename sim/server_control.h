/*
 * The daemon's control port protocol (docs/virtual-board.md, "Control port"): one command per
 * line, one reply per command. Kept apart from the sockets so that the same code is what the
 * daemon serves and what tests/fuzz/harness/fuzz_control.c feeds hostile bytes to.
 */
#ifndef STFLASH_SIM_SERVER_CONTROL_H
#define STFLASH_SIM_SERVER_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"

/* The longest control line; a longer one is no command and closes the connection. */
#define SIM_CONTROL_LINE_MAX 256

struct sim_control {
    struct sim_board **boards;
    size_t nboards;
    unsigned advance_max_ms; /* the most one `advance` may run (it costs real time) */
    bool quit;               /* set by "quit" */
};

/*
 * Answers the whole lines at the start of buf[0..*len), writing the replies to `out` and
 * removing the lines answered from buf (a partial line stays for later). Stops after "quit".
 * Returns false when the connection must be closed: a line that is not this protocol (binary
 * data, an unknown verb such as an HTTP request line; its error reply is written first) or a
 * line longer than SIM_CONTROL_LINE_MAX.
 */
bool sim_control_take_lines(struct sim_control *ctl, uint8_t *buf, size_t *len, FILE *out);

#endif
