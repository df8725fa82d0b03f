/*
 * RTT in the GDB server: `monitor rtt start [ADDR]` finds the firmware's RTT control block
 * (include/stflash/rtt.h) and serves up channel 0 on a TCP port of 127.0.0.1 (--rtt-port,
 * default any free one): what the firmware writes goes to the connected client, what the client
 * sends goes to down channel 0. The rings are pumped whenever the server polls (every 10 ms while
 * the target runs), through memory accesses that do not halt the core. One client at a time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb.h"
#include "stflash/rtt.h"

#define SEARCH_EVERY_MS 500u /* how often, at most, a block not found yet is searched again */
#define CHUNK 2048u

struct gdb_rtt {
    bool armed; /* monitor rtt start given */
    bool found;
    bool have_addr;
    uint32_t addr;
    struct stflash_rtt rtt;
    int listen_fd, client_fd;
    unsigned port;
    uint64_t next_search;
    uint8_t to_target[CHUNK]; /* from the client, not yet taken by the down channel */
    size_t to_target_len;
};

static void log_line(struct gdb_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void log_line(struct gdb_server *s, const char *fmt, ...)
{
    if (!s->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("stflash: ", s->log);
    vfprintf(s->log, fmt, ap);
    fputc('\n', s->log);
    fflush(s->log);
    va_end(ap);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Listens on 127.0.0.1:port (0: any free one); the port bound, or -1 with errno. */
static int open_listener(unsigned port, unsigned *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

/* Finds the block; false when it is not there yet (searched again later) or corrupt (said). */
static bool search(struct gdb_server *s, struct gdb_rtt *r, char *text, size_t cap)
{
    uint64_t t0 = now_ms();
    int rc = r->have_addr ? stflash_rtt_at(s->dev, r->addr, &r->rtt)
                          : stflash_rtt_scan(s->dev, 0, 0, &r->rtt);
    /* A scan of a large SRAM takes long over USB: searching again no sooner than four times
     * its duration leaves the probe to gdb most of the time. */
    uint64_t took = now_ms() - t0;
    r->next_search = now_ms() + (4u * took > SEARCH_EVERY_MS ? 4u * took : SEARCH_EVERY_MS);
    if (rc == 0) {
        r->found = true;
        snprintf(text, cap, "RTT control block at 0x%08x, %u up and %u down channels", r->rtt.addr,
                 r->rtt.up_count, r->rtt.down_count);
        return true;
    }
    const char *why = s->ctx ? stflash_last_error(s->ctx) : "";
    snprintf(text, cap, "%s", why && *why ? why : stflash_strerror(rc));
    return false;
}

static void stop(struct gdb_rtt *r)
{
    close_fd(&r->client_fd);
    close_fd(&r->listen_fd);
    r->armed = r->found = false;
    r->to_target_len = 0;
}

static int start(struct gdb_server *s, const char *addr_text, char *text, size_t cap)
{
    struct gdb_rtt *r = s->rtt;
    uint32_t addr = 0;
    const char *next;
    if (addr_text) {
        const char *hex = strncmp(addr_text, "0x", 2) == 0 ? addr_text + 2 : addr_text;
        if (!gdb_parse_hex(hex, "", &addr, &next) || (addr & 3u)) {
            snprintf(text, cap,
                     "bad RTT control block address '%s': give a hex address, a "
                     "multiple of 4 (the value of _SEGGER_RTT)\n",
                     addr_text);
            return -1;
        }
    }
    stop(r);
    r->have_addr = addr_text != NULL;
    r->addr = addr;
    unsigned bound = 0;
    r->listen_fd = open_listener(s->rtt_port, &bound);
    if (r->listen_fd < 0) {
        snprintf(text, cap, "cannot listen on 127.0.0.1:%u for RTT: %s\n", s->rtt_port,
                 strerror(errno));
        return -1;
    }
    r->port = bound;
    r->armed = true;
    char found[512];
    if (search(s, r, found, sizeof found)) {
        snprintf(text, cap, "%s; up channel 0 on 127.0.0.1:%u\n", found, bound);
    } else if (strstr(found, "no RTT control block")) {
        snprintf(text, cap,
                 "RTT control block not found yet (searched again while the target "
                 "runs); up channel 0 on 127.0.0.1:%u\n",
                 bound);
    } else {
        stop(r); /* a corrupt block, or a wrong address */
        snprintf(text, cap, "%s\n", found);
        return -1;
    }
    log_line(s, "RTT up channel 0 served on 127.0.0.1:%u", bound);
    return 0;
}

static void channels(const struct gdb_rtt *r, char *text, size_t cap)
{
    if (!r->found) {
        snprintf(text, cap,
                 r->armed ? "RTT control block not found yet\n"
                          : "RTT is not started: 'monitor rtt start [ADDR]'\n");
        return;
    }
    size_t n = (size_t)snprintf(text, cap,
                                "RTT control block at 0x%08x, served on "
                                "127.0.0.1:%u\n",
                                r->rtt.addr, r->port);
    for (unsigned d = 0; d < 2; d++) {
        unsigned count = d ? r->rtt.down_count : r->rtt.up_count;
        for (unsigned i = 0; i < count && n < cap; i++) {
            const struct stflash_rtt_channel *ch = d ? &r->rtt.down[i] : &r->rtt.up[i];
            n += (size_t)snprintf(text + n, cap - n, "%-4s %u '%s': %u bytes at 0x%08x\n",
                                  d ? "down" : "up", i, ch->name, ch->size, ch->buffer);
        }
    }
}

int gdb_rtt_command(struct gdb_server *s, const char *action, const char *arg, char *text,
                    size_t cap)
{
    if (!s->rtt) {
        s->rtt = calloc(1, sizeof *s->rtt);
        if (!s->rtt) {
            snprintf(text, cap, "out of memory\n");
            return -1;
        }
        s->rtt->listen_fd = s->rtt->client_fd = -1;
    }
    if (strcmp(action, "start") == 0)
        return start(s, arg, text, cap);
    if (strcmp(action, "stop") == 0 && !arg) {
        bool was = s->rtt->armed;
        stop(s->rtt);
        snprintf(text, cap, was ? "RTT stopped\n" : "RTT was not started\n");
        return 0;
    }
    if (strcmp(action, "channels") == 0 && !arg) {
        channels(s->rtt, text, cap);
        return 0;
    }
    snprintf(text, cap, "usage: monitor rtt start [ADDR] | stop | channels\n");
    return -1;
}

/* A waiting client, taken when none is served (another one is closed at once). */
static void accept_client(struct gdb_server *s, struct gdb_rtt *r)
{
    int fd = accept(r->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (r->client_fd >= 0) {
        close(fd);
        return;
    }
    r->client_fd = fd;
    log_line(s, "RTT client connected");
}

static void drop_client(struct gdb_server *s, struct gdb_rtt *r)
{
    close_fd(&r->client_fd);
    r->to_target_len = 0;
    log_line(s, "RTT client disconnected");
}

/* Sends all of buf (the client is local: a short wait is enough); false when it is gone. */
static bool send_all(int fd, const uint8_t *buf, size_t len)
{
    uint64_t deadline = now_ms() + 1000u;
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && now_ms() < deadline) {
            usleep(1000);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return false;
        }
    }
    return true;
}

void gdb_rtt_poll(struct gdb_server *s)
{
    struct gdb_rtt *r = s->rtt;
    if (!r || !r->armed)
        return;
    accept_client(s, r);
    if (!r->found) {
        char text[512];
        if (now_ms() >= r->next_search && search(s, r, text, sizeof text))
            log_line(s, "%s", text);
        if (!r->found)
            return;
    }
    if (r->client_fd < 0)
        return; /* the data waits in the target's ring for a client */
    uint8_t buf[CHUNK];
    int n = stflash_rtt_read(s->dev, &r->rtt, 0, buf, sizeof buf);
    if (n < 0) {
        log_line(s, "RTT: %s (searching the block again)", stflash_last_error(s->ctx));
        r->found = false;
        return;
    }
    if (n > 0 && !send_all(r->client_fd, buf, (size_t)n)) {
        drop_client(s, r);
        return;
    }
    if (r->to_target_len < sizeof r->to_target) {
        ssize_t got = recv(r->client_fd, r->to_target + r->to_target_len,
                           sizeof r->to_target - r->to_target_len, 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            drop_client(s, r);
            return;
        }
        if (got > 0)
            r->to_target_len += (size_t)got;
    }
    if (r->to_target_len && r->rtt.down_count && r->rtt.down[0].size) {
        int put = stflash_rtt_write(s->dev, &r->rtt, 0, r->to_target, r->to_target_len);
        if (put > 0) {
            memmove(r->to_target, r->to_target + put, r->to_target_len - (size_t)put);
            r->to_target_len -= (size_t)put;
        }
    }
}

void gdb_rtt_release(struct gdb_server *s)
{
    if (!s->rtt)
        return;
    stop(s->rtt);
    free(s->rtt);
    s->rtt = NULL;
}
