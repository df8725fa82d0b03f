/* The virtual-board daemon's network side: stlink-server TCP protocol and control port. */
#ifndef STFLASH_SIM_SERVER_H
#define STFLASH_SIM_SERVER_H

#include <stdio.h>

#include "board.h"

struct sim_server_config {
    struct sim_board **boards;
    size_t nboards;
    const char *bind_addr; /* 127.0.0.1 unless the user asks otherwise */
    int port;              /* stlink-server protocol, 7184 by default */
    int control_port;      /* line-based control; 0 = any free port, negative = none */
    FILE *log;             /* session log, or NULL */
};

struct sim_server;

struct sim_server *sim_server_create(const struct sim_server_config *cfg, char *err, size_t errlen);
void sim_server_free(struct sim_server *s);

/* The ports actually listened on (a configured 0 means "any free port"). */
int sim_server_port(const struct sim_server *s);
int sim_server_control_port(const struct sim_server *s);

/* Serves until a control client says "quit" or *stop_flag becomes non-zero. */
int sim_server_run(struct sim_server *s, volatile int *stop_flag);

#endif
