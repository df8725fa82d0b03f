/*
 * A virtual board: one simulated ST-LINK wired to one simulated STM32, with the statistics of
 * the client session using it and its persistent state (flash, option bytes) in a file.
 */
#ifndef STFLASH_SIM_BOARD_H
#define STFLASH_SIM_BOARD_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "probe.h"
#include "target.h"

struct sim_board_config {
    struct sim_target_config target;
    struct sim_probe_config probe;
    const char *state_path;    /* load at start if it exists, save on request and at exit */
    const char *firmware_path; /* raw binary preloaded into flash, or NULL */
    uint32_t firmware_addr;
    struct sim_fault_plan fault; /* injected at start (sim/faults.h) */
    bool rdp_given; /* rdp= was given (a state file's option bytes win over it: b->note) */
};

struct sim_board {
    struct sim_target target;
    struct sim_probe probe;
    char *state_path;
    bool in_session;
    bool have_last_cmd;
    struct timespec last_cmd_end;
    bool unsaved; /* commands ran since the state file was last written */
    /* The daemon's boards share one probe-serving thread: real time it spent executing other
     * boards' commands is not this board's host's (each board's probe and host run alongside
     * the others on real hardware), so it is left out of the host gap. NULL: a board alone. */
    sim_ps *busy_clock;            /* real time spent in commands by every board of the daemon */
    sim_ps busy_mark;              /* its value when this board's last command ended */
    struct sim_stats session;      /* the session in progress */
    struct sim_stats last_session; /* the last one that ended */
    unsigned sessions;
    struct sim_faults faults;
    unsigned wait_burst; /* the configured one, restored when a wait fault is replaced */
    char note[512];      /* after init: a board option the state file overrode, or "" */
};

/* Builds the board; on failure returns -1 with a message in err. */
int sim_board_init(struct sim_board *b, const struct sim_board_config *cfg, char *err,
                   size_t errlen);
void sim_board_release(struct sim_board *b);

void sim_board_session_begin(struct sim_board *b);
void sim_board_session_end(struct sim_board *b);

/* One probe command, charging the host's real time since the previous command first. */
size_t sim_board_command(struct sim_board *b, const uint8_t cmd[16], const uint8_t *out,
                         size_t out_len, uint8_t *reply, size_t cap);

/* Arms an injected fault (sim/faults.h), replacing the one before. */
void sim_board_arm_fault(struct sim_board *b, const struct sim_fault_plan *plan);

int sim_board_save(struct sim_board *b, const char *path, char *err, size_t errlen);

/* Writes the state file when commands ran since it was last written and the board has been
 * idle for idle_ms (0: at once), so that a daemon that is killed keeps what it acknowledged up
 * to its last pause. 0 when nothing needed saving or the save worked; -1 with err otherwise. */
int sim_board_autosave(struct sim_board *b, unsigned idle_ms, char *err, size_t errlen);
int sim_board_load(struct sim_board *b, const char *path, char *err, size_t errlen);

/* Machine-readable reports for the control port and benchmarks. */
void sim_board_write_stats_json(const struct sim_board *b, FILE *out);
void sim_board_write_status_json(struct sim_board *b, FILE *out);

#endif
