/*
 * rtt: the firmware's RTT output on the console or in a file, and console input to it, while
 * the core runs (include/stflash/rtt.h). The target is attached without a halt or a reset.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "stflash/rtt.h"

enum { OPT_CHANNEL = 1, OPT_ELF, OPT_ADDRESS, OPT_OUTPUT, OPT_DURATION };

#define FIND_SECONDS 3.0 /* how long a block not there yet is waited for (at most --duration) */
#define IDLE_POLL_NS 5000000L /* 5 ms between polls when nothing moved */
#define CHUNK 4096u

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void nap(void)
{
    struct timespec ts = {0, IDLE_POLL_NS};
    nanosleep(&ts, NULL);
}

struct rtt_args {
    unsigned channel;
    const char *elf;
    bool have_addr;
    uint32_t addr;
    const char *output;
    double duration; /* 0: until Ctrl-C */
};

static int parse_args(const struct cmdline *cl, struct rtt_args *a)
{
    memset(a, 0, sizeof *a);
    const char *v = cmd_opt_value(cl, OPT_CHANNEL);
    if (v) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (!*v || *end || n >= STFLASH_RTT_CHANNELS_MAX) {
            out_error("bad channel '%s': give an up channel number, 0 to %d", v,
                      STFLASH_RTT_CHANNELS_MAX - 1);
            return EXIT_USAGE;
        }
        a->channel = (unsigned)n;
    }
    a->elf = cmd_opt_value(cl, OPT_ELF);
    v = cmd_opt_value(cl, OPT_ADDRESS);
    if (v) {
        if (parse_address(v, "RTT control block address", &a->addr))
            return EXIT_USAGE;
        a->have_addr = true;
    }
    if (a->elf && a->have_addr) {
        out_error("give --elf or --address, not both: both say where the control block is");
        return EXIT_USAGE;
    }
    a->output = cmd_opt_value(cl, OPT_OUTPUT);
    if (a->output && !*a->output) {
        out_error("--output needs a file name");
        return EXIT_USAGE;
    }
    v = cmd_opt_value(cl, OPT_DURATION);
    if (v) {
        char *end;
        errno = 0;
        a->duration = strtod(v, &end);
        if (!*v || *end || errno || !(a->duration > 0) || a->duration > 1e6) {
            out_error("bad duration '%s': give seconds, e.g. 2 or 0.5", v);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* Finds the control block, waiting a little for firmware that has not set it up yet. */
static int find_block(struct cli *cli, struct stflash_dev *dev, const struct rtt_args *a,
                      struct stflash_rtt *rtt)
{
    uint32_t addr = a->addr;
    bool at = a->have_addr;
    if (a->elf) {
        int lrc = stflash_elf_symbol(cli->ctx, a->elf, "_SEGGER_RTT", &addr);
        if (lrc)
            return fail_lib(cli, lrc, false);
        at = true;
    }
    double wait = a->duration > 0 && a->duration < FIND_SECONDS ? a->duration : FIND_SECONDS;
    double deadline = now_seconds() + wait;
    for (;;) {
        int lrc = at ? stflash_rtt_at(dev, addr, rtt) : stflash_rtt_scan(dev, 0, 0, rtt);
        if (lrc == 0)
            break;
        if (lrc != STFLASH_ERR_NOT_FOUND || now_seconds() > deadline || stop_signal)
            return fail_lib(cli, lrc, false);
        nap();
    }
    out_note(cli, "RTT control block at 0x%08x (%s), %u up and %u down channel%s", rtt->addr,
             a->elf ? "symbol _SEGGER_RTT"
             : at   ? "--address"
                    : "found in RAM",
             rtt->up_count, rtt->down_count, rtt->down_count == 1 ? "" : "s");
    return EXIT_OK;
}

/* Moves what stdin has into down channel 0, keeping what does not fit for the next round. */
struct input {
    bool open;
    uint8_t buf[CHUNK];
    size_t len;
};

static int feed_input(struct cli *cli, struct stflash_dev *dev, const struct stflash_rtt *rtt,
                      struct input *in)
{
    if (in->open && in->len < sizeof in->buf) {
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (poll(&p, 1, 0) > 0) {
            ssize_t n = read(STDIN_FILENO, in->buf + in->len, sizeof in->buf - in->len);
            if (n > 0)
                in->len += (size_t)n;
            else if (n == 0 || errno != EINTR)
                in->open = false; /* end of input: the output goes on */
        }
    }
    if (in->len == 0)
        return EXIT_OK;
    int put = stflash_rtt_write(dev, rtt, 0, in->buf, in->len);
    if (put < 0)
        return fail_lib(cli, put, false);
    memmove(in->buf, in->buf + put, in->len - (size_t)put);
    in->len -= (size_t)put;
    return EXIT_OK;
}

static int stream(struct cli *cli, struct stflash_dev *dev, const struct stflash_rtt *rtt,
                  const struct rtt_args *a, FILE *out)
{
    struct input in = {.open = rtt->down_count > 0 && rtt->down[0].size > 0};
    double end = a->duration > 0 ? now_seconds() + a->duration : 0;
    uint8_t buf[CHUNK];
    while (!stop_signal && (end == 0 || now_seconds() < end)) {
        int n = stflash_rtt_read(dev, rtt, a->channel, buf, sizeof buf);
        if (n < 0)
            return fail_lib(cli, n, false);
        if (n > 0 && (fwrite(buf, 1, (size_t)n, out) != (size_t)n || fflush(out) != 0)) {
            out_error("cannot write %s: %s", a->output ? a->output : "standard output",
                      strerror(errno));
            return EXIT_FAILED;
        }
        int rc = feed_input(cli, dev, rtt, &in);
        if (rc)
            return rc;
        if (n == 0)
            nap();
    }
    return EXIT_OK;
}

int cmd_rtt(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"channel", 'c', OPT_REQUIRED, OPT_CHANNEL}, {"elf", 0, OPT_REQUIRED, OPT_ELF},
        {"address", 0, OPT_REQUIRED, OPT_ADDRESS},   {"output", 'o', OPT_REQUIRED, OPT_OUTPUT},
        {"duration", 0, OPT_REQUIRED, OPT_DURATION}, {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "rtt", spec, argc, argv, first, &cl, 0, 0,
                       "[--channel N] [--elf FILE | --address ADDR] [--output FILE] "
                       "[--duration S]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct rtt_args a;
    rc = parse_args(&cl, &a);
    if (rc) {
        session_done(cli);
        return rc;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    struct stflash_dev *dev = NULL;
    FILE *out = stdout;
    struct stflash_rtt rtt;
    rc = session_open(cli, STFLASH_CONNECT_HOT_PLUG, false, &dev);
    if (rc == EXIT_OK)
        rc = find_block(cli, dev, &a, &rtt);
    if (rc == EXIT_OK && a.channel >= rtt.up_count) {
        out_error("up channel %u does not exist: the firmware declares %u (--channel 0 to %u)",
                  a.channel, rtt.up_count, rtt.up_count ? rtt.up_count - 1u : 0u);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK) {
        const struct stflash_rtt_channel *ch = &rtt.up[a.channel];
        out_note(cli, "up channel %u '%s', %u-byte buffer%s", a.channel, ch->name, ch->size,
                 strncmp(ch->name, "defmt", 5) == 0
                     ? ": defmt-encoded, passed through raw (decode with defmt-print)"
                     : "");
        if (a.output && !(out = fopen(a.output, "wb"))) {
            out_error("cannot create %s: %s", a.output, strerror(errno));
            out = stdout;
            rc = EXIT_FAILED;
        }
    }
    if (rc == EXIT_OK)
        rc = stream(cli, dev, &rtt, &a, out);
    if (out != stdout && fclose(out) != 0 && rc == EXIT_OK) {
        out_error("cannot write %s: %s", a.output, strerror(errno));
        rc = EXIT_FAILED;
    }
    stflash_close(dev);
    session_done(cli);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
