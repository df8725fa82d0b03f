/*
 * libFuzzer harness of the GDB server's command dispatch (tools/stflash/gdb_server.c and
 * gdb_query.c), against the virtual board in this process: the input is what a client sends,
 * written into one end of a socket pair whose other end the server serves until the input
 * runs out. Replies are drained by a thread. Whatever the packets, the server must neither
 * crash nor hang (libFuzzer's -timeout catches a hang).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb.h"
#include "stflash/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct stflash_ctx *ctx;
static struct stflash_dev *dev;
static struct gdb_server server;
static volatile int stop;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char state[] = "/tmp/stflash-fuzz-gdb-XXXXXX";
    int fd = mkstemp(state);
    if (fd < 0)
        abort();
    close(fd);
    unlink(state); /* a fresh blank board; the file is written at close */
    char selector[128];
    snprintf(selector, sizeof selector, "sim:state=%s", state);
    struct stflash_open_options o;
    memset(&o, 0, sizeof o);
    o.selector = selector;
    o.halt = true;
    if (stflash_sim_register() != 0 || stflash_ctx_new(&ctx) != 0 ||
        stflash_open(ctx, &o, &dev) != 0) {
        fprintf(stderr, "fuzz_gdb_dispatch: cannot open the virtual board: %s\n",
                ctx ? stflash_last_error(ctx) : "no context");
        abort();
    }
    server.dev = dev;
    server.ctx = ctx;
    server.stop = &stop;
    server.listen_fd = -1;
    if (stflash_target_info(dev, &server.info) != 0)
        abort();
    return 0;
}

struct feed {
    int fd;
    const uint8_t *data;
    size_t size;
};

/* Sends the input, then reads (and drops) replies until the server closes its end. */
static void *client(void *arg)
{
    struct feed *f = arg;
    size_t off = 0;
    while (off < f->size) {
        ssize_t n = send(f->fd, f->data + off, f->size - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    shutdown(f->fd, SHUT_WR);
    char junk[4096];
    while (recv(f->fd, junk, sizeof junk, 0) > 0) {
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Large memory reads and flash loads make an input slow, not interesting. */
    if (size > 4096)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        abort();
    struct feed f = {sv[1], data, size};
    pthread_t t;
    if (pthread_create(&t, NULL, client, &f) != 0)
        abort();
    (void)gdb_serve(&server, sv[0]);
    close(sv[0]); /* the client's reads end */
    pthread_join(t, NULL);
    close(sv[1]);
    return 0;
}
