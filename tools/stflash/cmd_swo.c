/*
 * swo: what the firmware writes to its ITM stimulus ports, received through SWO by the probe
 * (include/stflash/swo.h). The target is attached without a halt or a reset; the core runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "stflash/swo.h"

enum { OPT_CLOCK = 1, OPT_BAUD, OPT_PORT, OPT_DURATION };

#define PORT_ALL (-1)
#define IDLE_POLL_NS 5000000L /* 5 ms between polls when nothing came */
#define CHUNK 4096u

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

struct swo_args {
    uint32_t clock_hz, baud;
    int port; /* PORT_ALL, or 0-31 */
    double duration;
};

/* Hz as a number, or with a k/K or M suffix (8M, 72000000, 2000k). */
static int parse_hz(const char *text, const char *what, uint32_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double scale = *end == 'k' || *end == 'K' ? 1e3 : *end == 'M' ? 1e6 : 1.0;
    if (scale != 1.0)
        end++;
    if (!*text || *end || errno || !(v > 0) || v * scale > 4e9) {
        out_error("bad %s '%s': give Hz, e.g. 8000000 or 8M", what, text);
        return EXIT_USAGE;
    }
    *out = (uint32_t)(v * scale + 0.5);
    return EXIT_OK;
}

static int parse_args(const struct cmdline *cl, struct swo_args *a)
{
    memset(a, 0, sizeof *a);
    const char *v = cmd_opt_value(cl, OPT_CLOCK);
    if (!v) {
        out_error("give the core clock with --clock HZ (e.g. --clock 8M for an STM32F1 running "
                  "from its HSI after reset): the SWO baud rate is divided from it");
        return EXIT_USAGE;
    }
    if (parse_hz(v, "core clock", &a->clock_hz))
        return EXIT_USAGE;
    v = cmd_opt_value(cl, OPT_BAUD);
    if (v && parse_hz(v, "baud rate", &a->baud))
        return EXIT_USAGE;
    v = cmd_opt_value(cl, OPT_PORT);
    if (v && strcmp(v, "all") == 0) {
        a->port = PORT_ALL;
    } else if (v) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (!*v || *end || n > 31) {
            out_error("bad port '%s': give a stimulus port, 0 to 31, or all", v);
            return EXIT_USAGE;
        }
        a->port = (int)n;
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

struct tally {
    uint64_t bytes, packets, overflows, reserved;
};

/* One port: its payload bytes as they are (text, usually). All ports: a line per packet. */
static void show(const struct swo_args *a, const struct stflash_itm_packet *p, struct tally *t)
{
    t->packets++;
    if (p->kind == STFLASH_ITM_OVERFLOW)
        t->overflows++;
    if (p->kind == STFLASH_ITM_RESERVED)
        t->reserved++;
    if (p->kind != STFLASH_ITM_STIMULUS)
        return;
    if (a->port == PORT_ALL) {
        printf("port %u: 0x%0*x\n", p->source, (int)p->size * 2, p->value);
        return;
    }
    if ((int)p->source != a->port)
        return;
    for (unsigned i = 0; i < p->size; i++)
        putchar((int)((p->value >> (8u * i)) & 0xFFu));
}

static int stream(struct cli *cli, struct stflash_dev *dev, const struct swo_args *a,
                  struct tally *t)
{
    struct stflash_itm_decoder dec;
    stflash_itm_init(&dec);
    double end = a->duration > 0 ? now_seconds() + a->duration : 0;
    uint8_t buf[CHUNK];
    while (!stop_signal && (end == 0 || now_seconds() < end)) {
        int n = stflash_swo_read(dev, buf, sizeof buf);
        if (n < 0)
            return fail_lib(cli, n, false);
        t->bytes += (uint64_t)n;
        struct stflash_itm_packet p;
        for (int i = 0; i < n; i++)
            if (stflash_itm_feed(&dec, buf[i], &p))
                show(a, &p, t);
        if (n > 0 && fflush(stdout) != 0) {
            out_error("cannot write standard output: %s", strerror(errno));
            return EXIT_FAILED;
        }
        if (n == 0) {
            struct timespec ts = {0, IDLE_POLL_NS};
            nanosleep(&ts, NULL);
        }
    }
    return EXIT_OK;
}

static void report(struct cli *cli, const struct swo_args *a, const struct tally *t)
{
    if (t->bytes == 0)
        out_warn("no SWO data came: check that --clock is the core clock the firmware runs at "
                 "(%u Hz given), and that the firmware writes to its ITM stimulus ports",
                 a->clock_hz);
    else
        out_note(cli, "%llu bytes, %llu ITM packets received", (unsigned long long)t->bytes,
                 (unsigned long long)t->packets);
    if (t->overflows)
        out_warn("%llu overflow packets: the ITM dropped data (a lower output rate or a higher "
                 "--baud helps)",
                 (unsigned long long)t->overflows);
    if (t->reserved)
        out_warn("%llu bytes were not ITM packets: the baud rate or --clock is probably wrong",
                 (unsigned long long)t->reserved);
}

int cmd_swo(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"clock", 0, OPT_REQUIRED, OPT_CLOCK},
        {"baud", 0, OPT_REQUIRED, OPT_BAUD},
        {"port", 0, OPT_REQUIRED, OPT_PORT},
        {"duration", 0, OPT_REQUIRED, OPT_DURATION},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "swo", spec, argc, argv, first, &cl, 0, 0,
                       "--clock HZ [--baud HZ] [--port N|all] [--duration S]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct swo_args a;
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
    struct tally t = {0};
    rc = session_open(cli, STFLASH_CONNECT_HOT_PLUG, false, &dev);
    if (rc == EXIT_OK) {
        /* One port shown: only that one enabled, so the others cost no SWO bandwidth. */
        struct stflash_swo_config cfg = {a.clock_hz, a.baud,
                                         a.port == PORT_ALL ? 0u : 1u << a.port};
        uint32_t baud = 0;
        int lrc = stflash_swo_start(dev, &cfg, &baud);
        if (lrc)
            rc = fail_lib(cli, lrc, false);
        else if (a.port == PORT_ALL)
            out_note(cli, "SWO at %u baud from a %u Hz core clock, all stimulus ports", baud,
                     a.clock_hz);
        else
            out_note(cli, "SWO at %u baud from a %u Hz core clock, stimulus port %d", baud,
                     a.clock_hz, a.port);
    }
    if (rc == EXIT_OK) {
        rc = stream(cli, dev, &a, &t);
        int lrc = stflash_swo_stop(dev);
        if (lrc && rc == EXIT_OK)
            rc = fail_lib(cli, lrc, false);
        if (rc == EXIT_OK)
            report(cli, &a, &t);
    }
    stflash_close(dev);
    session_done(cli);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
