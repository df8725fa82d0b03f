/* gdbserver: a GDB remote server for the probe's target, one client at a time. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "gdb.h"

enum {
    OPT_PORT = 1,
    OPT_BIND,
    OPT_ALLOW_REMOTE,
    OPT_IDLE_TIMEOUT,
    OPT_SEMIHOSTING,
    OPT_SEMIHOSTING_DIR
};
enum { OPT_RTT_PORT = 50 };

static unsigned rtt_port; /* --rtt-port: where `monitor rtt start` serves RTT (0: any free) */

static volatile int stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int listen_on(const char *bind_addr, unsigned port, unsigned *bound)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) {
        out_error("invalid --bind address '%s': give an IPv4 address such as 127.0.0.1", bind_addr);
        return -EXIT_USAGE;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        out_error("cannot create a socket: %s", strerror(errno));
        return -EXIT_FAILED;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = sizeof sa;
    /* Non-blocking: a client gone between poll and accept must not stall the server. */
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        out_error("cannot listen on %s:%u: %s", bind_addr, port, strerror(errno));
        close(fd);
        return -EXIT_FAILED;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

/* A peer that vanished without closing (cable pulled, machine off) is found within about a
 * minute by TCP keepalive, even while gdb has nothing to say. */
static void set_client_options(int fd)
{
    int one = 1, idle = 30, interval = 10, count = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

/* One gdb after another until a signal. */
static int serve_clients(struct cli *cli, struct gdb_server *s, int lfd)
{
    int rc;
    while (!stop_requested) {
        struct pollfd p = {.fd = lfd, .events = POLLIN};
        if (poll(&p, 1, s->refused_count ? 200 : -1) < 0 && errno != EINTR) {
            out_error("cannot wait for a connection: %s", strerror(errno));
            return EXIT_FAILED;
        }
        s->listen_fd = -1; /* refused connections left from the last session drain here */
        gdb_busy_poll(s);
        s->listen_fd = lfd;
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            out_error("cannot accept a connection: %s", strerror(errno));
            return EXIT_FAILED;
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        set_client_options(fd);
        out_note(cli, "gdb connected");
        rc = gdb_serve(s, fd);
        close(fd);
        if (rc) {
            gdb_busy_close_all(s);
            return fail_lib(cli, rc, false);
        }
        out_note(cli, "gdb disconnected");
    }
    gdb_busy_close_all(s);
    return EXIT_OK;
}

static int serve(struct cli *cli, struct stflash_dev *dev, int lfd, unsigned idle_timeout_s,
                 const struct cmdline *cl)
{
    struct gdb_server s;
    memset(&s, 0, sizeof s);
    s.dev = dev;
    s.ctx = cli->ctx;
    s.stop = &stop_requested;
    s.listen_fd = lfd;
    s.idle_timeout_ms = idle_timeout_s * 1000u;
    s.log = cli->quiet ? NULL : stderr;
    s.rtt_port = rtt_port;
    int rc = stflash_target_info(dev, &s.info);
    if (rc)
        return fail_lib(cli, rc, false);
    /* Semihosting is ready in every session; served from the start with --semihosting or
     * --semihosting-dir, else after `monitor semihosting on`. */
    const char *sh_dir = cmd_opt_value(cl, OPT_SEMIHOSTING_DIR);
    rc = gdb_semihost_setup(&s, cli->ctx, sh_dir,
                            "give 'stflash gdbserver --semihosting-dir DIR' to let it use files "
                            "in DIR",
                            sh_dir || cmd_has_opt(cl, OPT_SEMIHOSTING));
    if (rc) {
        int code = fail_lib(cli, rc, false);
        return rc == STFLASH_ERR_NOT_FOUND ? EXIT_USAGE : code; /* a bad --semihosting-dir */
    }
    rc = serve_clients(cli, &s, lfd);
    gdb_rtt_release(&s);
    stflash_semihost_free(s.semihost);
    return rc;
}

/* 127.0.0.0/8: this machine only. */
static bool is_loopback(const char *addr)
{
    struct in_addr a;
    return inet_pton(AF_INET, addr, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int cmd_gdbserver(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"port", 'p', OPT_REQUIRED, OPT_PORT},
        {"bind", 0, OPT_REQUIRED, OPT_BIND},
        {"allow-remote", 0, OPT_NONE, OPT_ALLOW_REMOTE},
        {"idle-timeout", 0, OPT_REQUIRED, OPT_IDLE_TIMEOUT},
        {"semihosting", 0, OPT_NONE, OPT_SEMIHOSTING},
        {"semihosting-dir", 0, OPT_REQUIRED, OPT_SEMIHOSTING_DIR},
        {"rtt-port", 0, OPT_REQUIRED, OPT_RTT_PORT},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "gdbserver", spec, argc, argv, first, &cl, 0, 0,
                       "[--port N] [--bind ADDR [--allow-remote]] [--idle-timeout SEC]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    unsigned port = 4242;
    const char *v = cmd_opt_value(&cl, OPT_PORT);
    if (v) {
        char *end;
        errno = 0;
        unsigned long p = strtoul(v, &end, 10);
        if (!*v || *end || errno || p > 65535) {
            out_error("invalid --port '%s': give a TCP port from 0 (any free one) to 65535", v);
            session_done(cli);
            return EXIT_USAGE;
        }
        port = (unsigned)p;
    }
    unsigned idle_timeout = 0;
    if ((v = cmd_opt_value(&cl, OPT_IDLE_TIMEOUT))) {
        char *end;
        errno = 0;
        unsigned long t = strtoul(v, &end, 10);
        if (!*v || *v == '-' || *end || errno || t > 86400) {
            out_error("invalid --idle-timeout '%s': give seconds from 0 (never) to 86400", v);
            session_done(cli);
            return EXIT_USAGE;
        }
        idle_timeout = (unsigned)t;
    }
    if ((v = cmd_opt_value(&cl, OPT_RTT_PORT))) {
        char *end;
        errno = 0;
        unsigned long p = strtoul(v, &end, 10);
        if (!*v || *v == '-' || *end || errno || p > 65535) {
            out_error("invalid --rtt-port '%s': give a TCP port from 0 (any free one) to 65535", v);
            session_done(cli);
            return EXIT_USAGE;
        }
        rtt_port = (unsigned)p;
    }
    const char *bind_addr = cmd_opt_value(&cl, OPT_BIND);
    if (!bind_addr)
        bind_addr = "127.0.0.1";
    /* The protocol has no authentication: whoever connects reads and writes the target. */
    if (!is_loopback(bind_addr) && !cmd_has_opt(&cl, OPT_ALLOW_REMOTE)) {
        out_error("--bind %s lets other machines control the target: the GDB protocol has no "
                  "authentication; add --allow-remote if you mean it",
                  bind_addr);
        session_done(cli);
        return EXIT_USAGE;
    }

    unsigned bound = 0;
    int lfd = listen_on(bind_addr, port, &bound);
    if (lfd < 0) {
        session_done(cli);
        return -lfd;
    }
    struct stflash_dev *dev = NULL;
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, true, &dev);
    if (rc == EXIT_OK) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal; /* no SA_RESTART: accept and poll return */
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        printf("listening for gdb on %s:%u (target extended-remote %s:%u)\n", bind_addr, bound,
               bind_addr, bound);
        fflush(stdout);
        rc = serve(cli, dev, lfd, idle_timeout, &cl);
    }
    close(lfd);
    stflash_close(dev);
    session_done(cli);
    return rc;
}
