/*
 * run: flash a firmware (as write does: only what differs), reset it, let it run and serve its
 * semihosting calls (include/stflash/semihost.h) until it exits; the tool exits with the
 * firmware's status. Its console goes to the tool's stdout (its stderr stream to stderr), with
 * RTT up channel 0 under --rtt (run_rtt.c), the tool's own messages to stderr, so that the
 * firmware's output can be compared or piped.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "run_rtt.h"
#include "stflash/semihost.h"

enum { OPT_TIMEOUT = 1, OPT_SEMIHOSTING_DIR, OPT_NO_FLASH, OPT_FORMAT, OPT_RTT };

/* System control registers (ARMv7-M ARM B3.2, C1.6). */
#define DEMCR 0xE000EDFCu
#define DEMCR_VC_HARDERR (1u << 10)
#define DFSR 0xE000ED30u
#define DFSR_VCATCH (1u << 3)
#define HFSR 0xE000ED2Cu
#define CFSR 0xE000ED28u

/* Exit status when --timeout ran out, as timeout(1) has it. */
#define EXIT_RUN_TIMEOUT 124

/* Between two looks at a running core: short right after a call (a program printing line by
 * line makes the next call at once), longer when it computes. */
#define POLL_MIN_US 200
#define POLL_MAX_US 20000

static volatile sig_atomic_t run_signal;
static struct stflash_ctx *volatile run_ctx;

static void on_signal(int sig)
{
    run_signal = sig;
    if (run_ctx)
        stflash_cancel(run_ctx); /* stops a write under way at its next safe point */
    signal(sig, SIG_DFL);        /* a second signal ends the process at once */
}

static void console_write(void *user, int stream, const char *data, size_t len)
{
    (void)user;
    FILE *f = stream == 2 ? stderr : stdout;
    progress_break();
    fwrite(data, 1, len, f);
    fflush(f);
}

static long console_read(void *user, char *buf, size_t len)
{
    (void)user;
    fflush(stdout);
    ssize_t n = read(STDIN_FILENO, buf, len);
    return n < 0 ? -1 : (long)n;
}

static void sleep_us(long us)
{
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static uint32_t pc_of(struct stflash_dev *dev)
{
    uint32_t pc = 0;
    (void)stflash_reg_read(dev, 15, &pc);
    return pc;
}

/* A crash caught by the HardFault vector catch: the core halted on the handler's first
 * instruction with the exception frame on the stack it came from (EXC_RETURN in LR, bit 2:
 * process stack; B1.5.6, B1.5.8), whose seventh word is the PC that faulted. */
static void report_crash(struct stflash_dev *dev)
{
    uint32_t lr = 0, sp = 0, pc = 0, hfsr = 0, cfsr = 0;
    (void)stflash_reg_read(dev, 14, &lr);
    (void)stflash_reg_read(dev, (lr & 4u) ? 18u : 17u, &sp); /* PSP, MSP */
    bool have_pc = stflash_read32(dev, sp + 24u, &pc) == 0;
    (void)stflash_read32(dev, HFSR, &hfsr);
    (void)stflash_read32(dev, CFSR, &cfsr); /* reads as zero on ARMv6-M */
    if (have_pc)
        out_error("the firmware crashed: HardFault (HFSR 0x%08x, CFSR 0x%08x) at 0x%08x", hfsr,
                  cfsr, pc);
    else
        out_error("the firmware crashed: HardFault (HFSR 0x%08x, CFSR 0x%08x)", hfsr, cfsr);
}

/* Halts the target for good before the tool ends early. */
static void stop_target(struct stflash_dev *dev)
{
    bool halted = false;
    if (stflash_is_halted(dev, &halted) != 0 || !halted)
        (void)stflash_halt(dev);
}

static int interrupted_status(void)
{
    return EXIT_INTERRUPTED + (run_signal == SIGTERM ? SIGTERM : SIGINT);
}

/* Lets the firmware run, serving its calls. Returns the tool's exit status. */
static int serve(struct cli *cli, struct stflash_dev *dev, struct stflash_semihost *sh,
                 struct run_rtt *rtt, double timeout_s)
{
    double t0 = now_seconds();
    long wait_us = POLL_MIN_US;
    /* A crash halts the core (HardFault vector catch, C1.6.5) instead of spinning in the
     * firmware's fault handler until --timeout. */
    uint32_t demcr = 0;
    int rc = stflash_read32(dev, DEMCR, &demcr);
    if (rc == 0)
        rc = stflash_write32(dev, DEMCR, demcr | DEMCR_VC_HARDERR);
    if (rc == 0)
        rc = stflash_run(dev);
    if (rc)
        return fail_lib(cli, rc, false);
    for (;;) {
        if ((rc = run_rtt_pump(cli, dev, rtt))) {
            stop_target(dev);
            return rc;
        }
        if (run_signal) {
            stop_target(dev);
            out_error("interrupted: the firmware is halted at 0x%08x", pc_of(dev));
            return interrupted_status();
        }
        if (timeout_s > 0 && now_seconds() - t0 >= timeout_s) {
            stop_target(dev);
            out_error("the firmware did not exit within --timeout %g s: halted at 0x%08x",
                      timeout_s, pc_of(dev));
            return EXIT_RUN_TIMEOUT;
        }
        bool halted = false;
        if ((rc = stflash_is_halted(dev, &halted)))
            return fail_lib(cli, rc, false);
        if (!halted) {
            sleep_us(wait_us);
            wait_us = wait_us < POLL_MIN_US       ? POLL_MIN_US
                      : wait_us * 2 > POLL_MAX_US ? POLL_MAX_US
                                                  : wait_us * 2;
            continue;
        }
        struct stflash_semihost_result res;
        if ((rc = stflash_semihost_serve(dev, sh, &res)))
            return fail_lib(cli, rc, false);
        if (res.outcome == STFLASH_SEMIHOST_EXITED) {
            /* What the firmware logged through RTT before it exited. */
            if ((rc = run_rtt_drain(cli, dev, rtt)))
                return rc;
            if (res.exit_reason != STFLASH_SEMIHOST_ADP_APPLICATION_EXIT)
                out_error("the firmware stopped with reason 0x%05x (not "
                          "ADP_Stopped_ApplicationExit): status %d",
                          (unsigned)res.exit_reason, res.exit_status);
            else if (res.exit_status != 0)
                out_note(cli, "the firmware exited with code %u", (unsigned)res.exit_code);
            return res.exit_status;
        }
        if (res.outcome == STFLASH_SEMIHOST_NOT_A_CALL) {
            uint32_t dfsr = 0;
            if (stflash_read32(dev, DFSR, &dfsr) == 0 && (dfsr & DFSR_VCATCH)) {
                report_crash(dev);
                return EXIT_FAILED;
            }
            uint32_t pc = pc_of(dev);
            uint16_t insn = 0;
            uint8_t b[2];
            if (stflash_mem_read(dev, pc & ~1u, b, 2) == 0)
                insn = (uint16_t)(b[0] | b[1] << 8);
            if ((insn & 0xFF00u) == 0xBE00u)
                out_error("the firmware stopped on BKPT #%u at 0x%08x (only BKPT #0xab, "
                          "semihosting, is served)",
                          insn & 0xFFu, pc);
            else
                out_error("the firmware halted at 0x%08x without a semihosting call", pc);
            return EXIT_FAILED;
        }
        if ((rc = stflash_run(dev)))
            return fail_lib(cli, rc, false);
        wait_us = 0; /* the next call may follow at once: look again without a pause */
    }
}

static int parse_timeout(const char *v, double *out)
{
    char *end;
    errno = 0;
    double t = strtod(v, &end);
    if (!*v || *end || errno || !(t > 0) || t > 86400 * 365) {
        out_error("invalid --timeout '%s': give seconds, more than 0 (e.g. --timeout 30 or 0.5)",
                  v);
        return EXIT_USAGE;
    }
    *out = t;
    return EXIT_OK;
}

/* The program's command line (SYS_GET_CMDLINE): the firmware's name, then the arguments. */
static char *command_line(const struct cmdline *cl)
{
    size_t n = 1;
    for (size_t i = 0; i < cl->nargs; i++)
        n += strlen(cl->args[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < cl->nargs; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, cl->args[i]);
    }
    return s;
}

int cmd_run(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"timeout", 0, OPT_REQUIRED, OPT_TIMEOUT},
        {"semihosting-dir", 0, OPT_REQUIRED, OPT_SEMIHOSTING_DIR},
        {"no-flash", 0, OPT_NONE, OPT_NO_FLASH},
        {"format", 0, OPT_REQUIRED, OPT_FORMAT},
        {"rtt", 0, OPT_NONE, OPT_RTT},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc =
        cmd_begin(cli, "run", spec, argc, argv, first, &cl, 1, CLI_MAX_ARGS, "FIRMWARE [ARG...]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    double timeout_s = 0;
    enum stflash_image_format fmt = STFLASH_IMAGE_AUTO;
    const char *v;
    if (((v = cmd_opt_value(&cl, OPT_TIMEOUT)) && parse_timeout(v, &timeout_s)) ||
        ((v = cmd_opt_value(&cl, OPT_FORMAT)) && parse_image_format(v, &fmt))) {
        session_done(cli);
        return EXIT_USAGE;
    }
    bool flash = !cmd_has_opt(&cl, OPT_NO_FLASH);
    /* The firmware's output is what matters here: the flash progress only with -v. */
    if (!cli->verbose)
        stflash_ctx_set_progress(cli->ctx, NULL, NULL);

    struct stflash_image *img = NULL;
    rc = session_load_image(cli, cl.args[0], fmt, false, 0, &img);
    if (rc) {
        session_done(cli);
        return rc;
    }
    struct run_rtt rtt = {.on = cmd_has_opt(&cl, OPT_RTT)};
    if ((rc = run_rtt_begin(cli, &rtt, cl.args[0]))) {
        stflash_image_free(img);
        session_done(cli);
        return rc;
    }
    char *cmdline = command_line(&cl);
    struct stflash_semihost_config cfg = {
        .dir = cmd_opt_value(&cl, OPT_SEMIHOSTING_DIR),
        .cmdline = cmdline,
        .dir_hint = "give 'stflash run --semihosting-dir DIR' to let it use files in DIR",
        .console_write = console_write,
        .console_read = console_read,
    };
    struct stflash_semihost *sh = NULL;
    int lrc = cmdline ? stflash_semihost_new(cli->ctx, &cfg, &sh) : STFLASH_ERR_NO_MEMORY;
    free(cmdline);
    if (lrc) {
        rc = fail_lib(cli, lrc, false);
        stflash_image_free(img);
        session_done(cli);
        return lrc == STFLASH_ERR_NOT_FOUND ? EXIT_USAGE : rc;
    }

    struct stflash_dev *dev = NULL;
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, true, &dev);
    struct sigaction sa, old[2];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a console read returns */
    sigemptyset(&sa.sa_mask);
    run_signal = 0;
    run_ctx = cli->ctx;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
    if (rc == EXIT_OK) {
        /* Reset and halted first, as write does (cmd_flash.c); halted again at the reset
         * vector after, so that the firmware starts from its first instruction with halting
         * debug on: a BKPT halts it instead of raising a HardFault (ARMv7-M ARM C1.6). */
        lrc = stflash_reset(dev, STFLASH_RESET_AUTO, true);
        if (lrc == 0 && flash) {
            double t0 = now_seconds();
            struct stflash_write_options wo = {0};
            lrc = stflash_write_image(dev, img, &wo);
            if (lrc == 0)
                out_note(cli, "flashed %s in %.2f s", cl.args[0], now_seconds() - t0);
        }
        if (lrc == 0 && flash)
            lrc = stflash_reset(dev, STFLASH_RESET_AUTO, true);
        if (lrc == STFLASH_ERR_CANCELLED || (lrc == 0 && run_signal)) {
            if (lrc)
                (void)fail_lib(cli, lrc, false);
            else
                out_error("interrupted before the firmware started");
            rc = interrupted_status();
        } else if (lrc) {
            rc = fail_lib(cli, lrc, false);
        } else {
            rc = serve(cli, dev, sh, &rtt, timeout_s);
        }
    }
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    run_ctx = NULL;
    stflash_close(dev);
    stflash_semihost_free(sh);
    stflash_image_free(img);
    session_done(cli);
    return rc;
}
