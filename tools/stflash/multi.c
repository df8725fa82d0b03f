/*
 * write, verify, erase and read on several probes at once: one thread per board, each with its
 * own library context (nothing in the library is shared between contexts: stflash.h), so a board
 * that fails or hangs until its deadline never holds up the others. The main thread draws the
 * table (a terminal) or prints one line per finished board, then the summary.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "multi.h"
#include "options_change.h"

#define DRAW_INTERVAL_NS 200000000L
#define READ_CHUNK 16384u

struct run {
    struct cli *cli;
    const char *command;
    pthread_mutex_t lock;
    struct multi_board boards[MULTI_MAX_BOARDS];
    size_t count;
    /* write, verify */
    struct stflash_image *img;
    const char *image_path;
    char sha256[65];
    struct stflash_write_options wo;
    bool reset_before, do_reset, halt;
    enum stflash_reset how;
    /* erase: a range, or the whole flash */
    bool erase_range;
    uint32_t addr;
    uint64_t size;
    /* read: FILE with {serial} */
    const char *read_path;
    enum stflash_image_format read_fmt;
    struct multi_log *log;
    struct multi_serial serial;
    /* options: the change to make on every board (none: show what each holds) */
    struct options_change ochange;
    struct stflash_ctx *ctxs[MULTI_MAX_BOARDS];
};

struct worker {
    struct run *run;
    struct multi_board *b;
};

/* Ctrl-C or SIGTERM: every board stops at its next safe point (stflash_cancel). */
static struct run *volatile signal_run;

static void on_signal(int sig)
{
    struct run *r = signal_run;
    if (r)
        for (size_t i = 0; i < r->count; i++)
            if (r->ctxs[i])
                stflash_cancel(r->ctxs[i]);
    signal(sig, SIG_DFL);
}

static const char *opt_by_name(const struct cmdline *cl, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < cl->nopts; i++)
        if (strcmp(cl->opts[i].name, name) == 0)
            v = cl->opts[i].value ? cl->opts[i].value : "";
    return v;
}

bool multi_wanted(const struct cli *cli, const char *command, const struct cmdline *cl)
{
    bool flash = strcmp(command, "write") == 0 || strcmp(command, "verify") == 0 ||
                 strcmp(command, "erase") == 0;
    if (flash && (cmd_has_opt(cl, MOPT_LOG) || cmd_has_opt(cl, MOPT_SERIAL_AT)))
        return true;
    return (flash || strcmp(command, "read") == 0 || strcmp(command, "options") == 0) &&
           multi_selector_is_multi(cli->selector);
}

/* ---- per-board progress ---- */

static double now(void)
{
    return now_seconds();
}

/* Ends the phase under way (if any) and starts `name` ("" to end only). Under the lock. */
static void phase_switch(struct multi_board *b, const char *name)
{
    double t = now();
    if (b->phase[0] && b->nphases < MULTI_MAX_PHASES) {
        struct multi_phase *p = &b->phases[b->nphases++];
        snprintf(p->name, sizeof p->name, "%s", b->phase);
        p->seconds = t - b->phase_start;
    }
    snprintf(b->phase, sizeof b->phase, "%s", name);
    b->phase_start = t;
    b->done = b->total = 0;
}

static void phase(struct run *r, struct multi_board *b, const char *name)
{
    pthread_mutex_lock(&r->lock);
    phase_switch(b, name);
    pthread_mutex_unlock(&r->lock);
}

static const char *lib_phase_name(enum stflash_phase p)
{
    switch (p) {
    case STFLASH_PHASE_ERASE:
        return "erase";
    case STFLASH_PHASE_PROGRAM:
        return "program";
    case STFLASH_PHASE_VERIFY:
        return "verify";
    case STFLASH_PHASE_READ:
        return "read";
    }
    return "work";
}

static void on_progress(void *user, const struct stflash_progress *ev)
{
    struct worker *w = user;
    pthread_mutex_lock(&w->run->lock);
    const char *name = lib_phase_name(ev->phase);
    if (strcmp(w->b->phase, name) != 0)
        phase_switch(w->b, name);
    w->b->done = ev->done;
    w->b->total = ev->total;
    pthread_mutex_unlock(&w->run->lock);
}

static void on_log(void *user, enum stflash_log_level level, const char *msg)
{
    struct worker *w = user;
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    fprintf(stderr, "stflash: [%s] %s%s\n",
            w->b->probe_serial[0] ? w->b->probe_serial : w->b->selector,
            prefix[level <= STFLASH_LOG_DEBUG ? level : 3], msg);
}

/* ---- one board ---- */

static int fail(struct run *r, struct multi_board *b, struct stflash_ctx *ctx, int rc, bool opening)
{
    pthread_mutex_lock(&r->lock);
    free(b->error);
    b->error = strdup(ctx ? stflash_last_error(ctx) : "out of memory");
    b->rc = rc;
    b->exit_code = exit_code_for(rc, opening);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

static void fail_text(struct run *r, struct multi_board *b, int exit_code, const char *msg)
{
    pthread_mutex_lock(&r->lock);
    free(b->error);
    b->error = strdup(msg);
    b->rc = STFLASH_ERR_INVALID_ARG;
    b->exit_code = exit_code;
    pthread_mutex_unlock(&r->lock);
}

/* Who the board is: probe serial, chip, DEV_ID, unique ID (0 when it cannot be read). */
static void identify(struct run *r, struct multi_board *b, struct stflash_dev *dev)
{
    struct stflash_probe_details d;
    struct stflash_target_info t;
    bool have_d = stflash_probe_details(dev, &d) == 0;
    bool have_t = stflash_target_info(dev, &t) == 0;
    uint8_t uid[12];
    uint32_t uid_addr = have_t ? stflash_chip_uid_address(t.chip) : 0;
    bool have_uid = uid_addr && stflash_mem_read(dev, uid_addr, uid, sizeof uid) == 0;
    pthread_mutex_lock(&r->lock);
    if (have_d)
        snprintf(b->probe_serial, sizeof b->probe_serial, "%s", d.info.serial);
    if (have_t) {
        b->dev_id = t.dev_id;
        b->flash_base = t.flash_base;
        b->flash_size = t.flash_size;
        snprintf(b->chip, sizeof b->chip, "%s", t.chip ? t.chip->descr : "unknown part");
    }
    if (have_uid) {
        memcpy(b->uid, uid, sizeof uid);
        b->have_uid = true;
    }
    pthread_mutex_unlock(&r->lock);
}

static int job_write(struct run *r, struct worker *w, struct stflash_ctx *ctx,
                     struct stflash_dev *dev)
{
    struct multi_board *b = w->b;
    const struct stflash_image *img = r->img;
    struct stflash_image *own = NULL;
    if (r->serial.enabled) {
        char err[256];
        pthread_mutex_lock(&r->lock);
        int src = multi_serial_assign(&r->serial, b, err, sizeof err);
        pthread_mutex_unlock(&r->lock);
        if (src == 0)
            src = multi_serial_image(r->img, b, &own, err, sizeof err);
        if (src != 0) {
            fail_text(r, b, EXIT_FAILED, err);
            return STFLASH_ERR_INVALID_ARG;
        }
        img = own;
    }
    int rc = 0;
    if (r->reset_before) {
        phase(r, b, "reset");
        rc = stflash_reset(dev, r->how, true);
    }
    if (rc == 0) {
        phase(r, b, "write"); /* the library's events name its phases from here on */
        rc = stflash_write_image(dev, img, &r->wo);
    }
    if (rc == 0 && r->do_reset) {
        phase(r, b, "reset");
        rc = stflash_reset(dev, r->how, r->halt);
    }
    if (rc != 0) {
        stflash_image_free(own);
        return fail(r, b, ctx, rc, false);
    }
    char sz[32];
    fmt_size(sz, sizeof sz, stflash_image_total_bytes(img));
    pthread_mutex_lock(&r->lock);
    snprintf(b->result, sizeof b->result, "wrote %s%s%s%s", sz, r->wo.no_verify ? "" : ", verified",
             b->have_data ? ", data " : "", b->have_data ? b->data_text : "");
    pthread_mutex_unlock(&r->lock);
    stflash_image_free(own);
    return 0;
}

static int job_verify(struct run *r, struct worker *w, struct stflash_ctx *ctx,
                      struct stflash_dev *dev)
{
    bool was_halted = true;
    if (stflash_is_halted(dev, &was_halted) != 0)
        was_halted = true;
    phase(r, w->b, "verify");
    int rc = stflash_verify_image(dev, r->img);
    bool halted_now = false;
    if (!was_halted && stflash_is_halted(dev, &halted_now) == 0 && halted_now)
        (void)stflash_run(dev);
    if (rc != 0)
        return fail(r, w->b, ctx, rc, false);
    pthread_mutex_lock(&r->lock);
    snprintf(w->b->result, sizeof w->b->result, "verified: identical");
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static int job_erase(struct run *r, struct worker *w, struct stflash_ctx *ctx,
                     struct stflash_dev *dev)
{
    phase(r, w->b, "erase");
    int rc = r->erase_range ? stflash_flash_erase(dev, r->addr, (uint32_t)r->size)
                            : stflash_flash_mass_erase(dev);
    if (rc != 0)
        return fail(r, w->b, ctx, rc, false);
    uint32_t lo = r->addr, unit = 0, last = 0, last_size = 0;
    bool units = r->erase_range && stflash_flash_unit(dev, r->addr, &lo, &unit) == 0 &&
                 stflash_flash_unit(dev, (uint32_t)(r->addr + r->size - 1), &last, &last_size) == 0;
    pthread_mutex_lock(&r->lock);
    /* The log names what was erased: whole units, or the whole flash. */
    w->b->erased_lo = r->erase_range ? (units ? lo : r->addr) : w->b->flash_base;
    w->b->erased_end = r->erase_range ? (units ? (uint64_t)last + last_size : r->addr + r->size)
                                      : (uint64_t)w->b->flash_base + w->b->flash_size;
    if (r->erase_range)
        snprintf(w->b->result, sizeof w->b->result, "erased the units holding 0x%08x..0x%08x",
                 r->addr, (uint32_t)(r->addr + r->size - 1));
    else
        snprintf(w->b->result, sizeof w->b->result, "erased the whole flash");
    pthread_mutex_unlock(&r->lock);
    return 0;
}

/* The read's file name: {serial} replaced by the probe's serial. */
static void read_path_for(const char *pattern, const char *serial, char *out, size_t cap)
{
    const char *at = strstr(pattern, "{serial}");
    if (!at)
        snprintf(out, cap, "%s", pattern);
    else
        snprintf(out, cap, "%.*s%s%s", (int)(at - pattern), pattern, serial, at + 8);
}

static int job_read(struct run *r, struct worker *w, struct stflash_ctx *ctx,
                    struct stflash_dev *dev)
{
    struct multi_board *b = w->b;
    uint8_t *buf = malloc((size_t)r->size);
    if (!buf) {
        fail_text(r, b, EXIT_FAILED, "out of memory for the data read");
        return STFLASH_ERR_NO_MEMORY;
    }
    phase(r, b, "read");
    int rc = 0;
    for (size_t done = 0; rc == 0 && done < r->size;) {
        size_t n = r->size - done < READ_CHUNK ? (size_t)(r->size - done) : READ_CHUNK;
        rc = stflash_mem_read(dev, r->addr + (uint32_t)done, buf + done, n);
        done += n;
        struct stflash_progress ev = {STFLASH_PHASE_READ, done, r->size, r->addr};
        on_progress(w, &ev);
    }
    if (rc != 0) {
        free(buf);
        return fail(r, b, ctx, rc, false);
    }
    char path[600];
    read_path_for(r->read_path, b->probe_serial, path, sizeof path);
    FILE *f = fopen(path, "wb");
    int wrc = f ? 0 : -1;
    if (f && r->read_fmt == STFLASH_IMAGE_IHEX)
        wrc = stflash_image_write_ihex(r->addr, buf, (size_t)r->size, 0, f);
    else if (f && fwrite(buf, 1, (size_t)r->size, f) != r->size)
        wrc = -1;
    if (f && fclose(f) != 0)
        wrc = -1;
    free(buf);
    if (wrc != 0) {
        char msg[700];
        snprintf(msg, sizeof msg, "cannot write '%s'", path);
        fail_text(r, b, EXIT_FAILED, msg);
        return STFLASH_ERR_IO;
    }
    pthread_mutex_lock(&r->lock);
    snprintf(b->result, sizeof b->result, "read %llu bytes into %.100s",
             (unsigned long long)r->size, path);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

/* options on several boards: the change on each (as `stflash options` makes it on one), then
 * what each holds. */
static int job_options(struct run *r, struct worker *w, struct stflash_ctx *ctx,
                       struct stflash_dev *dev)
{
    struct stflash_options o;
    phase(r, w->b, "options");
    int rc = stflash_options_read(dev, &o);
    if (rc != 0)
        return fail(r, w->b, ctx, rc, false);
    if (r->ochange.change) {
        struct stflash_target_info t;
        char why[256];
        if (stflash_target_info(dev, &t) == 0 &&
            !options_change_fits(&r->ochange, &o, t.chip ? t.chip->name : "target", why,
                                 sizeof why)) {
            fail_text(r, w->b, EXIT_USAGE, why);
            return STFLASH_ERR_INVALID_ARG;
        }
        struct stflash_options n = o;
        options_change_apply(&r->ochange, &n);
        phase(r, w->b, "option bytes");
        rc = stflash_options_write(dev, &n, r->ochange.permits);
        if (rc == 0 && n.rdp_level_stored == 2) {
            pthread_mutex_lock(&r->lock);
            snprintf(w->b->result, sizeof w->b->result,
                     "read protection level 2 set: the debug port is closed for good");
            pthread_mutex_unlock(&r->lock);
            return 0;
        }
        if (rc == 0)
            rc = stflash_options_read(dev, &o);
        if (rc != 0)
            return fail(r, w->b, ctx, rc, false);
    }
    pthread_mutex_lock(&r->lock);
    int n = snprintf(w->b->result, sizeof w->b->result, "%sread protection level %d",
                     r->ochange.change ? "option bytes written: " : "", o.rdp_level);
    if (o.rdp_level_stored != o.rdp_level && n > 0 && (size_t)n < sizeof w->b->result)
        n += snprintf(w->b->result + n, sizeof w->b->result - (size_t)n,
                      " (level %d from the next reset)", o.rdp_level_stored);
    if (n > 0 && (size_t)n < sizeof w->b->result)
        snprintf(w->b->result + n, sizeof w->b->result - (size_t)n,
                 ", WRP 0x%08x (a clear bit protects), watchdog %s", o.wrp,
                 o.wdg_sw ? "started by software" : "started at reset");
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static void *board_thread(void *arg)
{
    struct worker *w = arg;
    struct run *r = w->run;
    struct multi_board *b = w->b;
    struct stflash_ctx *ctx = NULL;
    pthread_mutex_lock(&r->lock);
    b->state = BOARD_RUNNING;
    b->start = now();
    phase_switch(b, "connect");
    pthread_mutex_unlock(&r->lock);
    int rc = stflash_ctx_new(&ctx);
    if (rc != 0) {
        fail(r, b, NULL, rc, false);
    } else {
        r->ctxs[b->index] = ctx;
        stflash_ctx_set_log(ctx,
                            r->cli->quiet          ? STFLASH_LOG_ERROR
                            : r->cli->verbose >= 2 ? STFLASH_LOG_DEBUG
                            : r->cli->verbose      ? STFLASH_LOG_INFO
                                                   : STFLASH_LOG_WARN,
                            on_log, w);
        stflash_ctx_set_progress(ctx, on_progress, w);
        bool look_only = strcmp(r->command, "read") == 0 || strcmp(r->command, "verify") == 0 ||
                         (strcmp(r->command, "options") == 0 && !r->ochange.change);
        struct stflash_open_options o = {
            .selector = b->selector,
            .swd_khz = r->cli->swd_khz,
            .connect = r->cli->connect_given                          ? r->cli->connect
                       : strcmp(r->command, "read") == 0 || look_only ? STFLASH_CONNECT_HOT_PLUG
                                                                      : STFLASH_CONNECT_NORMAL,
            .halt = !look_only,
            .flash_size_override = r->cli->flash_size,
            .chip_override = r->cli->chip,
            .clone_override = r->cli->clone,
            .allow_wireless_stack = r->cli->allow_wireless_stack,
        };
        struct stflash_dev *dev = NULL;
        rc = stflash_open(ctx, &o, &dev);
        if (rc != 0) {
            fail(r, b, ctx, rc, true);
        } else {
            identify(r, b, dev);
            if (strcmp(r->command, "write") == 0)
                rc = job_write(r, w, ctx, dev);
            else if (strcmp(r->command, "verify") == 0)
                rc = job_verify(r, w, ctx, dev);
            else if (strcmp(r->command, "erase") == 0)
                rc = job_erase(r, w, ctx, dev);
            else if (strcmp(r->command, "options") == 0)
                rc = job_options(r, w, ctx, dev);
            else
                rc = job_read(r, w, ctx, dev);
            stflash_close(dev);
        }
    }
    pthread_mutex_lock(&r->lock);
    phase_switch(b, "");
    b->seconds = now() - b->start;
    b->state = rc == 0 ? BOARD_OK : BOARD_FAILED;
    if (r->log &&
        !multi_log_board(r->log, b, r->command, r->image_path, r->img ? r->sha256 : NULL, r->img)) {
        /* A board without its record is not a finished board. */
        if (b->state == BOARD_OK) {
            b->state = BOARD_FAILED;
            b->exit_code = EXIT_FAILED;
            free(b->error);
            b->error = strdup("its line could not be written to the log");
        }
    }
    r->ctxs[b->index] = NULL;
    pthread_mutex_unlock(&r->lock);
    stflash_ctx_free(ctx);
    return NULL;
}

/* ---- setting the job up ---- */

static int setup_write(struct run *r, const struct cmdline *cl)
{
    const char *v = opt_by_name(cl, "format");
    enum stflash_image_format fmt = STFLASH_IMAGE_AUTO;
    uint32_t addr = 0;
    const char *reset_arg = opt_by_name(cl, "reset");
    r->do_reset = strcmp(r->command, "write") == 0 && !opt_by_name(cl, "no-reset");
    r->halt = opt_by_name(cl, "halt") != NULL;
    r->how = STFLASH_RESET_AUTO;
    r->reset_before = strcmp(r->command, "write") == 0 && !opt_by_name(cl, "no-reset-before") &&
                      !(r->cli->connect_given && r->cli->connect == STFLASH_CONNECT_HOT_PLUG);
    r->wo.mass_erase = opt_by_name(cl, "mass-erase") != NULL;
    r->wo.no_verify = opt_by_name(cl, "no-verify") != NULL;
    r->wo.full = opt_by_name(cl, "full") != NULL;
    if (strcmp(r->command, "write") == 0 && !r->do_reset && (reset_arg || r->halt)) {
        out_error("--no-reset contradicts %s: keep one of them", reset_arg ? "--reset" : "--halt");
        return EXIT_USAGE;
    }
    if ((v && parse_image_format(v, &fmt)) ||
        (cl->nargs == 2 && parse_address(cl->args[1], "address", &addr)) ||
        (reset_arg && *reset_arg && parse_reset_method(reset_arg, &r->how)) ||
        parse_verify_mode(opt_by_name(cl, "verify"), &r->wo))
        return EXIT_USAGE;
    int rc = session_load_image(r->cli, cl->args[0], fmt, cl->nargs == 2, addr, &r->img);
    if (rc)
        return rc;
    r->image_path = cl->args[0];
    if (multi_file_sha256(cl->args[0], r->sha256) != 0) {
        out_error("cannot compute the SHA-256 of '%s'", cl->args[0]);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

static int setup_erase(struct run *r, const struct cmdline *cl)
{
    if (cl->nargs == 1) {
        out_error("missing size after address '%s': stflash erase ADDR SIZE", cl->args[0]);
        return EXIT_USAGE;
    }
    if (cl->nargs == 2) {
        if (parse_address(cl->args[0], "address", &r->addr) ||
            parse_size(cl->args[1], "size", &r->size))
            return EXIT_USAGE;
        if (r->size > 0x100000000ull - r->addr) {
            out_error("bad range: 0x%08x + %llu bytes runs past the end of the address space",
                      r->addr, (unsigned long long)r->size);
            return EXIT_USAGE;
        }
        r->erase_range = true;
    }
    return EXIT_OK;
}

static int setup_read(struct run *r, const struct cmdline *cl)
{
    r->read_path = cl->args[0];
    const char *v = opt_by_name(cl, "format");
    size_t n = strlen(r->read_path);
    r->read_fmt =
        n > 4 && strcmp(r->read_path + n - 4, ".hex") == 0 ? STFLASH_IMAGE_IHEX : STFLASH_IMAGE_BIN;
    if (v && parse_image_format(v, &r->read_fmt))
        return EXIT_USAGE;
    if (parse_address(cl->args[1], "address", &r->addr) ||
        parse_size(cl->args[2], "size", &r->size))
        return EXIT_USAGE;
    if (r->size > STFLASH_IMAGE_MAX_BYTES || r->size > 0x100000000ull - r->addr) {
        out_error("bad range: 0x%08x + %llu bytes", r->addr, (unsigned long long)r->size);
        return EXIT_USAGE;
    }
    if (r->count > 1 && !strstr(r->read_path, "{serial}")) {
        out_error("'%s' would be written by every board: put {serial} in the file name "
                  "(e.g. dump-{serial}.bin)",
                  r->read_path);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* ---- the run ---- */

static bool all_done(struct run *r)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->boards[i].state == BOARD_WAITING || r->boards[i].state == BOARD_RUNNING)
            return false;
    return true;
}

static void watch(struct run *r)
{
    struct multi_view view = {&r->lock, r->boards, r->count,
                              !r->cli->quiet && isatty(STDERR_FILENO) == 1, 0};
    bool printed[MULTI_MAX_BOARDS] = {false};
    for (;;) {
        struct timespec ts = {0, DRAW_INTERVAL_NS};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&r->lock);
        bool done = all_done(r);
        if (view.tty) {
            multi_table_draw(&view);
        } else if (!r->cli->quiet) {
            for (size_t i = 0; i < r->count; i++)
                if (!printed[i] && r->boards[i].state >= BOARD_OK) {
                    multi_board_line(&r->boards[i], r->command);
                    printed[i] = true;
                }
        }
        pthread_mutex_unlock(&r->lock);
        if (done)
            return;
    }
}

int multi_run(struct cli *cli, const char *command, const struct cmdline *cl)
{
    struct run *r = calloc(1, sizeof *r);
    if (!r) {
        out_error("out of memory");
        return EXIT_FAILED;
    }
    r->cli = cli;
    r->command = command;
    pthread_mutex_init(&r->lock, NULL);
    int rc = EXIT_OK;
    const char *log_path = opt_by_name(cl, "log");
    if (log_path && !*log_path) {
        out_error("--log needs a file name");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && strcmp(command, "write") != 0 && opt_by_name(cl, "serial-at")) {
        out_error("--serial-at is for write: the value is written with the image");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && strcmp(command, "write") == 0)
        rc = multi_serial_setup(&r->serial, cl, log_path);
    if (rc == EXIT_OK) {
        const char *sel = cli->selector && *cli->selector ? cli->selector : "usb:";
        rc = multi_expand(cli, sel, r->boards, MULTI_MAX_BOARDS, &r->count);
    }
    if (rc == EXIT_OK) {
        if (strcmp(command, "write") == 0 || strcmp(command, "verify") == 0)
            rc = setup_write(r, cl);
        else if (strcmp(command, "erase") == 0)
            rc = setup_erase(r, cl);
        else if (strcmp(command, "options") == 0)
            rc = options_change_parse(cl, &r->ochange);
        else
            rc = setup_read(r, cl);
    }
    if (rc == EXIT_OK && log_path) {
        r->log = multi_log_open(log_path);
        if (!r->log)
            rc = EXIT_FAILED;
    }
    if (rc != EXIT_OK) {
        stflash_image_free(r->img);
        multi_serial_free(&r->serial);
        pthread_mutex_destroy(&r->lock);
        free(r);
        return rc;
    }

    struct worker workers[MULTI_MAX_BOARDS];
    pthread_t threads[MULTI_MAX_BOARDS];
    bool started[MULTI_MAX_BOARDS] = {false};
    struct sigaction sa, old[2];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    signal_run = r;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
    for (size_t i = 0; i < r->count; i++) {
        workers[i] = (struct worker){r, &r->boards[i]};
        started[i] = pthread_create(&threads[i], NULL, board_thread, &workers[i]) == 0;
        if (!started[i]) {
            r->boards[i].state = BOARD_FAILED;
            r->boards[i].exit_code = EXIT_FAILED;
            r->boards[i].error = strdup("cannot start a thread for this board");
        }
    }
    watch(r);
    for (size_t i = 0; i < r->count; i++)
        if (started[i])
            pthread_join(threads[i], NULL);
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    signal_run = NULL;

    multi_summary(r->boards, r->count, command, cli->quiet);
    int exit_code = EXIT_OK;
    for (size_t i = 0; i < r->count; i++) {
        const struct multi_board *b = &r->boards[i];
        if (b->state == BOARD_FAILED) {
            int code = b->exit_code ? b->exit_code : EXIT_FAILED;
            exit_code = exit_code == EXIT_OK || exit_code == code ? code : EXIT_FAILED;
        }
    }
    for (size_t i = 0; i < r->count; i++)
        free(r->boards[i].error);
    multi_log_close(r->log);
    stflash_image_free(r->img);
    multi_serial_free(&r->serial);
    pthread_mutex_destroy(&r->lock);
    free(r);
    return exit_code;
}
