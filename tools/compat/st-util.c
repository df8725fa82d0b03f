/*
 * stflash-st-util: the st-util command of stlink-tools 1.7.0 (its options and log lines) serving
 * gdb with stflash's GDB server (tools/stflash/gdb_*.c). The probe is the one of $STFLASH_PROBE
 * (any stflash selector) or --serial, else the only ST-LINK on USB.
 *
 * Differences, on purpose: it listens on 127.0.0.1 only (st-util listens on every interface,
 * and the protocol has no authentication); an unknown option is an error (st-util ignores it);
 * -V prints the version as --version does (st-util 1.7.0 lists -V but refuses it); with
 * --semihosting the program's files are confined to the working directory (names relative to
 * it; absolute names, ".." and symbolic links refused: include/stflash/semihost.h), and its
 * console goes to stflash-st-util's stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "compat.h"
#include "gdb.h"

#define FP_CTRL 0xE0002000u

/* st-util exits with 1 when it cannot serve. */
#define ST_UTIL_EXIT_FAIL 1

static const char usage_text[] =
    "st-util - usage:\n"
    "\n"
    "  -h, --help\t\tPrint this help\n"
    "  -V, --version\t\tPrint the version\n"
    "  -vXX, --verbose=XX\tSpecify a specific verbosity level (0..99)\n"
    "  -v, --verbose\t\tSpecify generally verbose logging\n"
    "  -p 4242, --listen_port=1234\n"
    "\t\t\tSet the gdb server listen port. (default port: 4242)\n"
    "  -m, --multi\n"
    "\t\t\tSet gdb server to extended mode.\n"
    "\t\t\tst-util will continue listening for connections after disconnect.\n"
    "  -n, --no-reset, --hot-plug\n"
    "\t\t\tDo not reset board on connection.\n"
    "  -u, --connect-under-reset\n"
    "\t\t\tConnect to the board before executing any instructions.\n"
    "  -F 1800K, --freq=1M\n"
    "\t\t\tSet the frequency of the SWD/JTAG interface.\n"
    "  --semihosting\n"
    "\t\t\tEnable semihosting support.\n"
    "  --serial <serial>\n"
    "\t\t\tUse a specific serial number.\n"
    "\n"
    "The STLINK device to use can be specified in the environment\n"
    "variable STLINK_DEVICE on the format <USB_BUS>:<USB_ADDR>.\n"
    "\n";

struct options {
    unsigned port;
    bool reset; /* reset the target when gdb connects (not with -n) */
    bool debug; /* -v */
    bool semihosting;
    enum stflash_connect connect;
    uint32_t khz;
    const char *serial;
};

enum { OPT_SEMIHOSTING = 0x100, OPT_SERIAL };

/* 0 to go on, else the exit status + 1 (so that 0 means "go on"). */
static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"verbose", optional_argument, NULL, 'v'},
        {"listen_port", required_argument, NULL, 'p'},
        {"multi", no_argument, NULL, 'm'},
        {"no-reset", no_argument, NULL, 'n'},
        {"hot-plug", no_argument, NULL, 'n'},
        {"connect-under-reset", no_argument, NULL, 'u'},
        {"freq", required_argument, NULL, 'F'},
        {"semihosting", no_argument, NULL, OPT_SEMIHOSTING},
        {"serial", required_argument, NULL, OPT_SERIAL},
        {NULL, 0, NULL, 0},
    };
    *o = (struct options){.port = 4242, .reset = true, .connect = STFLASH_CONNECT_NORMAL};
    int ch;
    while ((ch = getopt_long(argc, argv, "hVv::p:mnuF:", longs, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(usage_text, stdout);
            return 1;
        case 'V':
            printf("v%s\n", COMPAT_ST_VERSION);
            return 1;
        case 'v':
            o->debug = !optarg || atoi(optarg) >= 50; /* st-util: 50 and above is debug */
            break;
        case 'p': {
            char *end;
            errno = 0;
            unsigned long p = strtoul(optarg, &end, 10);
            if (!*optarg || *end || errno || p == 0 || p > 65535) {
                compat_log(CL_ERROR, "stflash",
                           "invalid port '%s': give a TCP port from 1 to 65535, e.g. -p 4242",
                           optarg);
                return 1 + 1;
            }
            o->port = (unsigned)p;
            break;
        }
        case 'm':
            break; /* a new gdb is always served after the last one leaves */
        case 'n':
            o->reset = false;
            o->connect = STFLASH_CONNECT_HOT_PLUG;
            break;
        case 'u':
            o->connect = STFLASH_CONNECT_UNDER_RESET;
            break;
        case 'F':
            if (compat_parse_freq(optarg, &o->khz) != 0) {
                compat_log(CL_ERROR, "stflash",
                           "invalid --freq '%s': give kHz, or a value with a k or M suffix "
                           "(1800k, 4M)",
                           optarg);
                return 1 + 1;
            }
            break;
        case OPT_SEMIHOSTING:
            o->semihosting = true;
            break;
        case OPT_SERIAL:
            o->serial = optarg;
            break;
        default: /* getopt said which option */
            compat_log(CL_ERROR, "stflash", "unknown option: 'st-util --help' lists them");
            return 1 + 1;
        }
    }
    if (optind < argc) {
        compat_log(CL_ERROR, "stflash",
                   "unexpected argument '%s': 'st-util --help' lists the options", argv[optind]);
        return 1 + 1;
    }
    return 0;
}

static volatile int stop_requested;
static volatile int stop_signal;

static void on_signal(int sig)
{
    stop_requested = 1;
    stop_signal = sig;
}

static int listen_loopback(unsigned port)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void chip_line(const struct compat_target *t)
{
    const struct stflash_target_info *ti = &t->info;
    const char *name = t->descr ? t->descr : (ti->chip ? ti->chip->name : "unknown device");
    if (t->page_size >= 1024)
        compat_log(CL_INFO, "common.c", "%s: %u KiB SRAM, %u KiB flash in at least %u KiB pages.",
                   name, t->sram_size / 1024u, t->flash_size / 1024u, t->page_size / 1024u);
    else
        compat_log(CL_INFO, "common.c", "%s: %u KiB SRAM, %u KiB flash in at least %u byte pages.",
                   name, t->sram_size / 1024u, t->flash_size / 1024u, t->page_size);
}

/* One gdb after another until SIGINT or SIGTERM. */
static int serve_clients(struct compat *c, struct gdb_server *s, struct stflash_dev *dev,
                         const struct compat_target *t, const struct options *o, int lfd)
{
    while (!stop_requested) {
        compat_log(CL_INFO, "gdb-server.c", "Listening at 127.0.0.1:%u...", o->port);
        int fd = -1;
        while (!stop_requested && fd < 0) {
            struct pollfd p = {.fd = lfd, .events = POLLIN};
            if (poll(&p, 1, s->refused_count ? 200 : -1) < 0 && errno != EINTR)
                return ST_UTIL_EXIT_FAIL;
            s->listen_fd = -1;
            gdb_busy_poll(s);
            s->listen_fd = lfd;
            fd = accept(lfd, NULL, NULL);
        }
        if (fd < 0)
            break;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        chip_line(t);
        uint32_t fp_ctrl = 0;
        if (stflash_read32(dev, FP_CTRL, &fp_ctrl) == 0)
            compat_log(CL_INFO, "gdb-server.c", "Found %u hw breakpoint registers",
                       stflash_fpb_code_count(fp_ctrl));
        compat_log(CL_INFO, "gdb-server.c", "GDB connected.");
        int rc = gdb_serve(s, fd);
        close(fd);
        if (rc) {
            compat_log_failure(c, rc);
            gdb_busy_close_all(s);
            return ST_UTIL_EXIT_FAIL;
        }
        compat_log(CL_INFO, "gdb-server.c", "GDB disconnected.");
    }
    gdb_busy_close_all(s);
    return 0;
}

/* Serves gdb; semihosting is ready in every session, served with --semihosting. */
static int serve(struct compat *c, struct stflash_dev *dev, const struct compat_target *t,
                 const struct options *o, int lfd)
{
    struct gdb_server s;
    memset(&s, 0, sizeof s);
    s.dev = dev;
    s.ctx = c->ctx;
    s.stop = &stop_requested;
    s.listen_fd = lfd;
    s.reset_on_connect = o->reset;
    s.log = stderr;
    s.info = t->info;
    s.semihost_to_stdout = true;
    if (gdb_semihost_setup(&s, c->ctx, ".", NULL, o->semihosting) != 0) {
        compat_log_failure(c, STFLASH_ERR_NOT_FOUND);
        return ST_UTIL_EXIT_FAIL;
    }
    int status = serve_clients(c, &s, dev, t, o, lfd);
    stflash_semihost_free(s.semihost);
    return status;
}

int main(int argc, char **argv)
{
    struct options o;
    int status = parse(argc, argv, &o);
    if (status)
        return status - 1;
    printf("st-util\n");
    fflush(stdout);

    struct compat c;
    if (compat_init(&c, "st-util", o.serial, o.debug) != 0)
        return ST_UTIL_EXIT_FAIL;
    int lfd = listen_loopback(o.port);
    if (lfd < 0) {
        compat_log(CL_ERROR, "gdb-server.c", "Cannot bind to 127.0.0.1:%u: %s", o.port,
                   strerror(errno));
        compat_done(&c);
        return ST_UTIL_EXIT_FAIL;
    }
    struct stflash_dev *dev = NULL;
    int rc = compat_open(&c, o.connect, o.khz, 0, o.connect != STFLASH_CONNECT_HOT_PLUG, &dev);
    if (rc != 0) {
        close(lfd);
        compat_done(&c);
        return ST_UTIL_EXIT_FAIL;
    }
    struct compat_target t;
    compat_describe(dev, &t);
    chip_line(&t);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll returns */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    status = serve(&c, dev, &t, &o, lfd);
    if (stop_requested) {
        printf("Receive signal %d. Exiting...\n", stop_signal);
        fflush(stdout);
    }
    close(lfd);
    stflash_close(dev);
    compat_done(&c);
    return status;
}
