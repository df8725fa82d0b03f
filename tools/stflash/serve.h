/*
 * stflash serve: this machine's probes shared over the stlink-server TCP protocol
 * (src/transport/stlink_server_proto.h), one thread per client. A client that opens a probe has
 * it to itself until it closes it or goes away (a second client is answered "busy"), and every
 * command reaches the probe whole before the next one is read, so no two clients' commands ever
 * interleave on a probe and a client cut off mid-command leaves nothing half done.
 */
#ifndef STFLASH_TOOLS_SERVE_H
#define STFLASH_TOOLS_SERVE_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/raw.h"

#define SERVE_MAX_PROBES 64

struct serve_probe {
    char selector[320];
    char serial[64];
    uint16_t pid;
    pthread_mutex_t lock; /* held for each command, and while opening or closing */
    int owner;            /* client id holding it open, -1 when free */
    uint32_t connect_id;
    struct stflash_ctx *ctx; /* the open probe's context */
    struct stflash_raw_probe *raw;
};

struct serve {
    struct serve_probe probes[SERVE_MAX_PROBES];
    size_t nprobes;
    int listen_fd;
    const char *secret; /* NULL: none demanded */
    size_t secret_len;
    bool quiet;
    volatile sig_atomic_t *stop;
    pthread_mutex_t lock; /* client count, connect ids, the log */
    int clients;
    int next_client;
    uint32_t next_connect_id;
};

/* Serves until *stop becomes non-zero; returns 0. */
int serve_run(struct serve *s);

#endif
