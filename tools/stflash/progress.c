/*
 * Progress of erase, program, verify and read. On a terminal: one line per phase redrawn in place
 * (at most 10 times a second) with a bar, percentage, bytes, rate and time left. Elsewhere:
 * append-only lines, one every few seconds for long phases and one when a phase ends
 * ("erase: 100% 65536 bytes in 0.45 s").
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

#define REDRAW_INTERVAL 0.1 /* s, on a terminal */
#define PLAIN_INTERVAL 2.0  /* s, between plain lines */
#define BAR_WIDTH 20

static struct {
    bool enabled;
    bool tty;
    bool active;    /* a phase is under way */
    bool line_open; /* the terminal line holds a bar without a newline */
    enum stflash_phase phase;
    uint64_t total;
    uint64_t last_done;
    double start;
    double last_draw;
} P;

static const char *phase_name(enum stflash_phase phase)
{
    switch (phase) {
    case STFLASH_PHASE_ERASE:
        return "erase";
    case STFLASH_PHASE_PROGRAM:
        return "program";
    case STFLASH_PHASE_VERIFY:
        return "verify";
    case STFLASH_PHASE_READ:
        return "read";
    }
    return "progress";
}

void progress_setup(struct cli *cli)
{
    memset(&P, 0, sizeof P);
    P.enabled = !cli->quiet;
    P.tty = isatty(STDERR_FILENO) == 1;
}

static void fmt_rate(char *buf, size_t cap, double bytes_per_s)
{
    if (bytes_per_s >= 1024.0 * 1024.0)
        snprintf(buf, cap, "%.1f MiB/s", bytes_per_s / (1024.0 * 1024.0));
    else if (bytes_per_s >= 1024.0)
        snprintf(buf, cap, "%.1f KiB/s", bytes_per_s / 1024.0);
    else
        snprintf(buf, cap, "%.0f B/s", bytes_per_s);
}

static unsigned percent(uint64_t done, uint64_t total)
{
    if (total == 0)
        return 100;
    return (unsigned)(done * 100u / total);
}

static int term_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 80;
}

/* The in-progress description: "45% 29440/65536 bytes, 12.3 KiB/s, 1.2 s left". */
static void describe(char *buf, size_t cap, uint64_t done, double now)
{
    double elapsed = now - P.start;
    char rate[32] = "";
    char left[32] = "";
    if (elapsed > 0.05 && done > 0) {
        double bps = (double)done / elapsed;
        fmt_rate(rate, sizeof rate, bps);
        if (done < P.total)
            snprintf(left, sizeof left, "%.1f s left", (double)(P.total - done) / bps);
    }
    snprintf(buf, cap, "%3u%% %llu/%llu bytes%s%s%s%s", percent(done, P.total),
             (unsigned long long)done, (unsigned long long)P.total, rate[0] ? ", " : "", rate,
             left[0] ? ", " : "", left);
}

static void draw_bar(uint64_t done, double now)
{
    char desc[128];
    describe(desc, sizeof desc, done, now);
    char bar[BAR_WIDTH + 1];
    unsigned filled = (unsigned)(P.total ? done * BAR_WIDTH / P.total : BAR_WIDTH);
    for (unsigned i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    char line[256];
    int width = term_width() - 1;
    /* The bar goes first when the terminal is narrow; the numbers stay. */
    int n = snprintf(line, sizeof line, "%-7s [%s] %s", phase_name(P.phase), bar, desc);
    if (n > width)
        n = snprintf(line, sizeof line, "%s: %s", phase_name(P.phase), desc);
    if (n > width && width > 0 && width < (int)sizeof line)
        line[width] = '\0';
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    P.line_open = true;
    P.last_draw = now;
}

static void finish(uint64_t done, double now)
{
    double elapsed = now - P.start;
    char rate[32] = "";
    if (elapsed > 0.0005)
        fmt_rate(rate, sizeof rate, (double)done / elapsed);
    if (P.tty)
        fputc('\r', stderr);
    fprintf(stderr, "%s: %u%% %llu bytes in %.2f s%s%s%s%s\n", phase_name(P.phase),
            percent(done, P.total), (unsigned long long)done, elapsed, rate[0] ? " (" : "", rate,
            rate[0] ? ")" : "", P.tty ? "\033[K" : "");
    fflush(stderr);
    P.line_open = false;
    P.active = false;
}

void progress_report(enum stflash_phase phase, uint64_t done, uint64_t total, uint32_t addr)
{
    (void)addr;
    if (!P.enabled)
        return;
    double now = now_seconds();
    bool restart = !P.active || phase != P.phase || total != P.total || done < P.last_done;
    if (restart) {
        progress_break();
        P.active = true;
        P.phase = phase;
        P.total = total;
        P.start = now;
        P.last_draw = now;
        P.last_done = 0;
    }
    P.last_done = done;
    if (done >= total) {
        finish(done, now);
        return;
    }
    if (P.tty) {
        if (restart || now - P.last_draw >= REDRAW_INTERVAL)
            draw_bar(done, now);
    } else if (now - P.last_draw >= PLAIN_INTERVAL) {
        char desc[128];
        describe(desc, sizeof desc, done, now);
        fprintf(stderr, "%s: %s\n", phase_name(P.phase), desc);
        fflush(stderr);
        P.last_draw = now;
    }
}

/* Bytes of each phase that ran to its end: what --json reports (erased, programmed, verified). */
static uint64_t phase_bytes[STFLASH_PHASE_READ + 1];

uint64_t progress_phase_bytes(enum stflash_phase phase)
{
    return phase <= STFLASH_PHASE_READ ? phase_bytes[phase] : 0;
}

void progress_event(void *user, const struct stflash_progress *ev)
{
    (void)user;
    if (ev->phase <= STFLASH_PHASE_READ && ev->done == ev->total)
        phase_bytes[ev->phase] += ev->total;
    progress_report(ev->phase, ev->done, ev->total, ev->address);
}

void progress_break(void)
{
    if (P.line_open) {
        fputc('\n', stderr);
        fflush(stderr);
        P.line_open = false;
    }
}
