/*
 * Semihosting in the GDB server: a halt on BKPT 0xAB while gdb continues is served here
 * (include/stflash/semihost.h) and the core runs on, unseen by gdb. The program's console goes
 * to gdb's console as O packets, which are allowed only while a continue is in flight (the
 * remote protocol's stop-reply rule), or to the server's stdout when the server is set so
 * (st-util does that). The program's exit ends the continue with a W (exited) reply.
 */
#include <stdio.h>
#include <string.h>

#include "gdb.h"

/* Console bytes per O packet. */
#define O_CHUNK 1024u

static void console_write(void *user, int stream, const char *data, size_t len)
{
    struct gdb_server *s = user;
    if (s->semihost_to_stdout || !s->semihost_conn) {
        FILE *f = stream == 2 ? stderr : stdout;
        fwrite(data, 1, len, f);
        fflush(f);
        return;
    }
    static char packet[1 + 2 * O_CHUNK + 1];
    while (len && !s->semihost_conn_lost) {
        size_t n = len < O_CHUNK ? len : O_CHUNK;
        packet[0] = 'O';
        gdb_hex_encode(packet + 1, (const uint8_t *)data, n);
        if (gdb_send_str(s->semihost_conn, packet))
            s->semihost_conn_lost = true;
        data += n;
        len -= n;
    }
}

int gdb_semihost_setup(struct gdb_server *s, struct stflash_ctx *ctx, const char *dir,
                       const char *dir_hint, bool on)
{
    struct stflash_semihost_config cfg = {
        .dir = dir,
        .dir_hint = dir_hint,
        .console_write = console_write,
        .user = s,
    };
    int rc = stflash_semihost_new(ctx, &cfg, &s->semihost);
    if (rc == 0)
        s->semihosting = on;
    return rc;
}

int gdb_semihost_halted(struct gdb_server *s, struct gdb_conn *c, bool resume, int *exit_status)
{
    if (!s->semihosting || !s->semihost)
        return GDB_SEMIHOST_STOP;
    struct stflash_semihost_result res;
    s->semihost_conn = c;
    s->semihost_conn_lost = false;
    int rc = stflash_semihost_serve(s->dev, s->semihost, &res);
    s->semihost_conn = NULL;
    if (s->semihost_conn_lost)
        return GDB_SEMIHOST_LOST;
    if (rc) {
        /* A parameter block the target cannot read (a bad pointer in the program): gdb sees
         * the core stopped on the call, and the log says why it was not served. */
        const char *why = s->ctx ? stflash_last_error(s->ctx) : NULL;
        if (s->log) {
            fprintf(s->log, "stflash: semihosting call not served: %s\n",
                    why && *why ? why : stflash_strerror(rc));
            fflush(s->log);
        }
        return GDB_SEMIHOST_STOP;
    }
    if (res.outcome == STFLASH_SEMIHOST_EXITED) {
        *exit_status = res.exit_status;
        return GDB_SEMIHOST_EXITED;
    }
    if (res.outcome == STFLASH_SEMIHOST_NOT_A_CALL)
        return GDB_SEMIHOST_STOP;
    if (!resume)
        return GDB_SEMIHOST_STOP; /* a step: the call was its instruction */
    return stflash_run(s->dev) ? GDB_SEMIHOST_ERROR : GDB_SEMIHOST_RESUMED;
}
