/*
 * A second gdb while one is served: it is told at once that the server is busy, with an error
 * reply it shows ("Remote failure reply: E.busy: ..."), instead of waiting in silence. The
 * refusal is sent unasked, preceded by the acknowledgement of the qSupported packet gdb sends
 * first; the connection is then half-closed and kept until gdb has read it (or 2 s), so that
 * closing it early cannot discard the refusal on the way.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb.h"

static const char busy_text[] =
    "E.busy: another gdb is connected to this stflash gdbserver; detach or quit it first";

static void send_refusal(int fd)
{
    char frame[sizeof busy_text + 8];
    uint8_t sum = 0;
    for (size_t i = 0; busy_text[i]; i++)
        sum = (uint8_t)(sum + (uint8_t)busy_text[i]);
    int n = snprintf(frame, sizeof frame, "+$%s#%02x", busy_text, sum);
    /* A fresh socket's buffer holds this at once; a client that cannot take it loses it. */
    if (n > 0)
        (void)send(fd, frame, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
    shutdown(fd, SHUT_WR);
}

static bool finished(int fd)
{
    char junk[512];
    for (;;) {
        ssize_t n = recv(fd, junk, sizeof junk, MSG_DONTWAIT);
        if (n > 0)
            continue;
        if (n == 0)
            return true; /* the client closed its side: it has read everything */
        return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    }
}

void gdb_busy_poll(struct gdb_server *s)
{
    uint64_t now = now_ms();
    for (size_t i = 0; i < s->refused_count;) {
        if (now >= s->refused[i].until || finished(s->refused[i].fd)) {
            close(s->refused[i].fd);
            s->refused[i] = s->refused[--s->refused_count];
        } else {
            i++;
        }
    }
    if (s->listen_fd < 0)
        return;
    struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
    while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd < 0)
            return;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        send_refusal(fd);
        if (s->log) {
            fprintf(s->log, "stflash: another gdb tried to connect: told it the server is busy\n");
            fflush(s->log);
        }
        if (s->refused_count < GDB_REFUSED_MAX)
            s->refused[s->refused_count++] = (struct gdb_refused){fd, now + 2000};
        else
            close(fd);
    }
}

void gdb_busy_close_all(struct gdb_server *s)
{
    for (size_t i = 0; i < s->refused_count; i++)
        close(s->refused[i].fd);
    s->refused_count = 0;
}
