/* gdbserver: a GDB remote server for the probe's target, one client at a time. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "gdb.h"

enum { OPT_PORT = 1, OPT_BIND };

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
        out_error("invalid --bind address '%s': give an IPv4 address such as 127.0.0.1",
                  bind_addr);
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
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        out_error("cannot listen on %s:%u: %s", bind_addr, port, strerror(errno));
        close(fd);
        return -EXIT_FAILED;
    }
    *bound = ntohs(sa.sin_port);
    return fd;
}

static int serve(struct cli *cli, struct stflash_dev *dev, int lfd)
{
    struct gdb_server s;
    memset(&s, 0, sizeof s);
    s.dev = dev;
    s.stop = &stop_requested;
    int rc = stflash_target_info(dev, &s.info);
    if (rc)
        return fail_lib(cli, rc, false);
    while (!stop_requested) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            out_error("cannot accept a connection: %s", strerror(errno));
            return EXIT_FAILED;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        out_note(cli, "gdb connected");
        rc = gdb_serve(&s, fd);
        close(fd);
        if (rc)
            return fail_lib(cli, rc, false);
        out_note(cli, "gdb disconnected");
    }
    return EXIT_OK;
}

int cmd_gdbserver(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"port", 'p', OPT_REQUIRED, OPT_PORT},
        {"bind", 0, OPT_REQUIRED, OPT_BIND},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "gdbserver", spec, argc, argv, first, &cl, 0, 0,
                       "[--port N] [--bind ADDR]");
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
    const char *bind_addr = cmd_opt_value(&cl, OPT_BIND);
    if (!bind_addr)
        bind_addr = "127.0.0.1";

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
        printf("listening for gdb on %s:%u (target remote %s:%u)\n", bind_addr, bound,
               bind_addr, bound);
        fflush(stdout);
        rc = serve(cli, dev, lfd);
    }
    close(lfd);
    stflash_close(dev);
    session_done(cli);
    return rc;
}
