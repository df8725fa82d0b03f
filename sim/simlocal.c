/*
 * The virtual board in this process: a simulated ST-LINK wired to a simulated STM32 (sim/), with
 * its flash and option bytes kept in a state file so that consecutive commands see the same chip.
 * It reaches the library as the back-end of "sim" selectors (stflash/backend.h), registered by
 * stflash_sim_register (stflash/sim.h); the library itself never links the simulator.
 *
 * Selector spec: "" or ":CHIP[,OPTION...]" (CHIP may be left out: ":rdp=1"). Options:
 *   rdp=0|1|2           read protection at power-up (level 2 on the F0/F3)
 *   flash-size-reg=N    value of the flash-size register in KiB (0 and 0xFFFF model clones)
 *   dev-id=N            DEV_ID the DBGMCU_IDCODE register reports (another part's, or unknown)
 *   flash-kib=N         physical flash size in KiB
 *   secure-page=N       WB, WL: CPU2's secure area from flash page N (FLASH_SFR.SFSA)
 *   voltage=V           target supply in volts (0: unpowered)
 *   no-nrst             the probe's NRST wire does not reach the chip
 *   boot0               BOOT0 high: the chip boots its system memory
 *   wdg-hw              option bit WDG_SW = 0: the watchdog runs from every reset
 *   no-hse              F0/F1/F3: no HSE clock (no crystal): HSERDY never sets
 *   pll-no-lock         F0/F1/F3: the PLL never locks (PLLRDY never sets)
 *   probe=v2|v2-1|v3|v1 probe model (v1: the ST-LINK/V1, 0483:3744)
 *   mode=dfu|mass|debug probe mode at power-up
 *   serial=TEXT         probe serial (ASCII); serial-hex=HEX for raw bytes
 *   fault=SPEC          an injected fault (sim/faults.h), e.g. disconnect:40, power:random/7
 *   state=FILE          the state file (else STFLASH_SIM_STATE, else
 *                       $XDG_CACHE_HOME/stflash/sim-CHIP.state or ~/.cache/stflash/...)
 * The state file carries the flash and the option bytes, read protection included: it is loaded
 * at open when it exists and saved at close, so rdp= only matters while the file does not exist
 * yet (remove the file to start from a blank chip). The other options apply at every open.
 * One open board holds a lock next to its state file: a second open of the same board is
 * STFLASH_ERR_BUSY.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "board_options.h"
#include "stflash/sim.h"
#include "stlink/stlink_proto.h"

#define SIM_STATE_ENV "STFLASH_SIM_STATE"
#define SIM_PATH_MAX 4096

struct sim_spec {
    struct sim_board_config cfg;
    char state_path[SIM_PATH_MAX];
};

struct simlocal {
    struct stflash_ctx *ctx;
    struct sim_board board;
    char serial[64];
    char state_path[SIM_PATH_MAX];
    int lock_fd;
};

/* ---- the spec ---- */

static int bad_option(struct stflash_ctx *ctx, const char *opt, const char *hint)
{
    return stflash_ctx_fail(ctx, STFLASH_ERR_INVALID_ARG, "virtual board option '%s': %s", opt,
                            hint);
}

/* One NAME=VALUE or flag option after the chip. */
static int parse_option(struct stflash_ctx *ctx, char *opt, struct sim_spec *s)
{
    char *val = strchr(opt, '=');
    if (val)
        *val++ = '\0';
    if (!val) {
        if (!sim_board_flag(&s->cfg, opt))
            return bad_option(
                ctx, opt,
                "unknown (rdp=, flash-size-reg=, dev-id=, flash-kib=, secure-page=, voltage=, "
                "no-nrst, boot0, wdg-hw, no-hse, pll-no-lock, probe=, mode=, serial=, serial-hex=, "
                "fault=, "
                "state=)");
        return STFLASH_OK;
    }
    if (strcmp(opt, "state") == 0) {
        if (!*val || strlen(val) >= sizeof s->state_path)
            return bad_option(ctx, opt, "give a file name");
        snprintf(s->state_path, sizeof s->state_path, "%s", val);
        return STFLASH_OK;
    }
    /* The selector says mode= for the daemon's --probe-mode; its other keys are the daemon's. */
    const char *name = opt;
    if (strcmp(opt, "mode") == 0)
        name = "probe-mode";
    else if (strcmp(opt, "probe-mode") == 0)
        name = ""; /* not a key of the selector */
    char hint[256];
    int rc = sim_board_option(&s->cfg, name, val, hint, sizeof hint);
    if (rc > 0)
        return bad_option(ctx, opt, "unknown option");
    if (rc < 0)
        return bad_option(ctx, opt, hint);
    return STFLASH_OK;
}

/* The default state file: STFLASH_SIM_STATE, else the user's cache folder. */
static int default_state_path(struct stflash_ctx *ctx, const struct sim_spec *s, char *out,
                              size_t cap)
{
    const char *env = getenv(SIM_STATE_ENV);
    if (env && *env) {
        if (strlen(env) >= cap)
            return stflash_ctx_fail(ctx, STFLASH_ERR_INVALID_ARG, "%s is too long", SIM_STATE_ENV);
        snprintf(out, cap, "%s", env);
        return STFLASH_OK;
    }
    char name[64];
    const struct sim_target_config *t = &s->cfg.target;
    if (t->flash_kib && t->flash_kib != t->chip->flash_kib)
        snprintf(name, sizeof name, "sim-%s-%uk.state", t->chip->name, (unsigned)t->flash_kib);
    else
        snprintf(name, sizeof name, "sim-%s.state", t->chip->name);
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(out, cap, "%s/stflash/%s", xdg, name);
    else if (home && *home)
        n = snprintf(out, cap, "%s/.cache/stflash/%s", home, name);
    else
        return stflash_ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                                "cannot place the virtual board's state file: set %s or HOME",
                                SIM_STATE_ENV);
    if (n < 0 || (size_t)n >= cap)
        return stflash_ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                                "cannot place the virtual board's state file: path too long");
    return STFLASH_OK;
}

/* The chip named first in the spec, in any letter case. */
static int pick_chip(struct stflash_ctx *ctx, const char *tok, struct sim_board_config *b)
{
    char lower[32];
    size_t n = strlen(tok);
    for (size_t i = 0; i < n && i + 1 < sizeof lower; i++)
        lower[i] = (char)(tok[i] >= 'A' && tok[i] <= 'Z' ? tok[i] - 'A' + 'a' : tok[i]);
    lower[n < sizeof lower ? n : sizeof lower - 1] = '\0';
    b->target.chip = n < sizeof lower ? sim_chip_find(lower) : NULL;
    if (b->target.chip)
        return STFLASH_OK;
    char known[128] = "";
    for (size_t i = 0; sim_chip_at(i); i++) {
        size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", sim_chip_at(i)->name);
    }
    return stflash_ctx_fail(ctx, STFLASH_ERR_NOT_FOUND,
                            "the virtual board has no chip '%s' (it has %s)", tok, known);
}

static int parse_spec(struct stflash_ctx *ctx, const char *spec, struct sim_spec *s)
{
    memset(s, 0, sizeof *s);
    struct sim_board_config *b = &s->cfg;
    sim_board_defaults(b, 0);

    if (!spec)
        spec = "";
    if (*spec && *spec != ':' && *spec != ',')
        return stflash_ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                                "virtual board '%s': write sim, sim:CHIP, sim:CHIP,OPTION... or "
                                "sim,OPTION...",
                                spec);
    /* "sim,OPTION": the default chip with options; "sim:CHIP[,OPTION]". */
    bool chip_named = *spec == ':';
    if (*spec)
        spec++;
    char *copy = strdup(spec);
    if (!copy)
        return stflash_ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "out of memory");
    int rc = STFLASH_OK;
    bool first = true;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == STFLASH_OK;
         tok = strtok_r(NULL, ",", &save), first = false) {
        if (first && chip_named && !strchr(tok, '=')) {
            if (!sim_board_flag(b, tok))
                rc = pick_chip(ctx, tok, b);
            continue;
        }
        rc = parse_option(ctx, tok, s);
    }
    free(copy);
    if (rc == STFLASH_OK && !s->state_path[0])
        rc = default_state_path(ctx, s, s->state_path, sizeof s->state_path);
    return rc;
}

static void spec_info(const struct sim_spec *s, struct stflash_probe_info *info)
{
    struct sim_probe probe;
    sim_probe_init(&probe, &s->cfg.probe, NULL);
    memset(info, 0, sizeof *info);
    snprintf(info->transport, sizeof info->transport, "sim");
    sim_probe_serial_text(&probe, info->serial, sizeof info->serial);
    memcpy(info->serial_raw, s->cfg.probe.serial, s->cfg.probe.serial_len);
    info->serial_raw_len = s->cfg.probe.serial_len;
    info->vid = STLINK_VID;
    info->pid = sim_probe_pid(&probe);
    /* info->name: the library names the probe from its PID. */
    /* The state file, or its end when the whole path does not fit. */
    size_t len = strlen(s->state_path), cap = sizeof info->location;
    if (len < cap) {
        memcpy(info->location, s->state_path, len + 1);
    } else {
        memcpy(info->location, "...", 3);
        memcpy(info->location + 3, s->state_path + len - (cap - 4), cap - 3);
    }
    info->status = STFLASH_OK;
    snprintf(info->status_text, sizeof info->status_text, "ok");
}

/* ---- the state file's folder and lock ---- */

static int make_parent_dirs(struct stflash_ctx *ctx, const char *path)
{
    char dir[SIM_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return STFLASH_OK;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            char keep = *p;
            *p = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST)
                return stflash_ctx_fail(
                    ctx, STFLASH_ERR_IO,
                    "cannot create the folder '%s' for the virtual board's state: %s", dir,
                    strerror(errno));
            *p = keep;
        }
        if (end)
            break;
    }
    return STFLASH_OK;
}

/* Takes the board's lock (`create`: make the lock file). -1 with *busy when another holds it. */
static int take_lock(const char *state, bool create, bool *busy)
{
    char path[SIM_PATH_MAX + 8];
    snprintf(path, sizeof path, "%s.lock", state);
    *busy = false;
    int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *busy = errno == EWOULDBLOCK;
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- the transport ---- */

static int sim_xfer(void *link, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                    uint8_t *in, size_t in_len)
{
    struct simlocal *t = link;
    uint8_t scratch[16] = {0};
    size_t n = sim_board_command(&t->board, cmd, out_len ? out : scratch, out_len,
                                 in_len ? in : scratch, in_len);
    if (t->board.faults.gone)
        return stflash_ctx_fail(t->ctx, STFLASH_ERR_IO,
                                "virtual probe %s: the probe is gone (disconnected)", t->serial);
    if (t->board.faults.reply_dropped)
        return stflash_ctx_fail(t->ctx, STFLASH_ERR_TIMEOUT,
                                "virtual probe %s: command %02x %02x was never answered", t->serial,
                                cmd[0], cmd[1]);
    if (t->board.probe.v1_failed)
        /* What the ST-LINK/V1's status wrapper says on USB (src/transport/usb_v1.c). */
        return stflash_ctx_fail(t->ctx, STFLASH_ERR_TARGET,
                                "virtual probe %s: the probe reports that command %02x %02x "
                                "failed",
                                t->serial, cmd[0], cmd[1]);
    if (n < in_len)
        return stflash_ctx_fail(t->ctx, STFLASH_ERR_IO,
                                "virtual probe %s: command %02x %02x answered %zu bytes, %zu "
                                "expected",
                                t->serial, cmd[0], cmd[1], n, in_len);
    return STFLASH_OK;
}

static void sim_close(void *link)
{
    struct simlocal *t = link;
    char err[512];
    sim_board_session_end(&t->board);
    if (sim_board_save(&t->board, t->state_path, err, sizeof err) != 0)
        stflash_ctx_log(t->ctx, STFLASH_LOG_WARN, "virtual board: %s", err);
    sim_board_release(&t->board);
    if (t->lock_fd >= 0)
        close(t->lock_fd);
    free(t);
}

static int sim_enumerate(struct stflash_ctx *ctx, const char *spec, stflash_probe_found_fn fn,
                         void *user)
{
    struct sim_spec *s = malloc(sizeof *s);
    if (!s)
        return stflash_ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "out of memory");
    int rc = parse_spec(ctx, spec, s);
    if (rc == STFLASH_OK) {
        struct stflash_probe_info info;
        spec_info(s, &info);
        bool busy;
        int fd = take_lock(s->state_path, false, &busy);
        if (fd >= 0)
            close(fd);
        if (busy) {
            info.status = STFLASH_ERR_BUSY;
            snprintf(info.status_text, sizeof info.status_text,
                     "in use by another program (its state file is open)");
        }
        fn(user, &info);
    }
    free(s);
    return rc;
}

static int sim_open(struct stflash_ctx *ctx, const char *spec, void **link,
                    struct stflash_probe_info *info)
{
    struct sim_spec *s = malloc(sizeof *s);
    struct simlocal *t = calloc(1, sizeof *t);
    int rc = STFLASH_OK;
    if (!s || !t) {
        rc = stflash_ctx_fail(ctx, STFLASH_ERR_NO_MEMORY,
                              "cannot open the virtual board: out of memory");
        goto fail;
    }
    t->lock_fd = -1;
    rc = parse_spec(ctx, spec, s);
    if (rc != STFLASH_OK)
        goto fail;
    rc = make_parent_dirs(ctx, s->state_path);
    if (rc != STFLASH_OK)
        goto fail;
    bool busy;
    t->lock_fd = take_lock(s->state_path, true, &busy);
    if (t->lock_fd < 0) {
        rc = busy ? stflash_ctx_fail(ctx, STFLASH_ERR_BUSY,
                                     "cannot open the virtual board with state file '%s': in use "
                                     "by another program",
                                     s->state_path)
                  : stflash_ctx_fail(ctx, STFLASH_ERR_IO,
                                     "cannot open the virtual board: cannot lock '%s.lock': %s",
                                     s->state_path, strerror(errno));
        goto fail;
    }
    snprintf(t->state_path, sizeof t->state_path, "%s", s->state_path);
    s->cfg.state_path = t->state_path;
    char err[512];
    if (sim_board_init(&t->board, &s->cfg, err, sizeof err) != 0) {
        rc = stflash_ctx_fail(ctx, STFLASH_ERR_IO, "cannot open the virtual board: %s", err);
        goto fail;
    }
    if (t->board.note[0])
        stflash_ctx_log(ctx, STFLASH_LOG_WARN, "virtual board: %s", t->board.note);
    sim_board_session_begin(&t->board);
    t->ctx = ctx;
    spec_info(s, info);
    snprintf(t->serial, sizeof t->serial, "%s", info->serial);
    free(s);
    *link = t;
    return STFLASH_OK;
fail:
    if (t && t->lock_fd >= 0)
        close(t->lock_fd);
    free(t);
    free(s);
    return rc;
}

/* The trace endpoint: what the probe's SWO receiver holds (sim/swo.h). */
static int sim_trace_read(void *link, uint8_t *buf, size_t len)
{
    struct simlocal *t = link;
    size_t n = sim_swo_rx_take(&t->board.target.swo, buf, len);
    if (n < len)
        return stflash_ctx_fail(t->ctx, STFLASH_ERR_IO,
                                "virtual probe %s: the trace endpoint held %zu bytes, %zu asked",
                                t->serial, n, len);
    return STFLASH_OK;
}

static const struct stflash_backend sim_backend = {sim_enumerate, sim_open, sim_xfer, sim_close,
                                                   sim_trace_read};

const struct stflash_backend *stflash_sim_backend(void)
{
    return &sim_backend;
}

int stflash_sim_register(void)
{
    return stflash_register_sim_backend(&sim_backend);
}
