/* write, verify and erase: the flash operations. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "multi.h"

enum {
    OPT_FORMAT = 1,
    OPT_MASS_ERASE,
    OPT_NO_VERIFY,
    OPT_RESET,
    OPT_HALT,
    OPT_NO_RESET,
    OPT_FULL,
    OPT_NO_RESET_BEFORE,
    OPT_VERIFY
};

/* Ctrl-C (SIGINT) or SIGTERM during a write: the library stops at its next safe point (between
 * erase units), locks the flash controller and says what was written; a second signal ends the
 * process at once. */
static struct stflash_ctx *volatile interrupt_ctx;
static volatile sig_atomic_t interrupt_signal;

static void on_interrupt(int sig)
{
    interrupt_signal = sig;
    if (interrupt_ctx)
        stflash_cancel(interrupt_ctx);
    signal(sig, SIG_DFL);
}

static void catch_interrupts(struct stflash_ctx *ctx, struct sigaction old[2])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    interrupt_ctx = ctx;
    interrupt_signal = 0;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

static void release_interrupts(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    interrupt_ctx = NULL;
}

int parse_image_format(const char *text, enum stflash_image_format *fmt)
{
    if (stflash_image_format_from_name(text, fmt) != 0) {
        out_error("unknown image format '%s': give bin, ihex, srec or elf", text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int parse_reset_method(const char *text, enum stflash_reset *how)
{
    if (strcmp(text, "auto") == 0)
        *how = STFLASH_RESET_AUTO;
    else if (strcmp(text, "hard") == 0 || strcmp(text, "nrst") == 0)
        *how = STFLASH_RESET_HARD;
    else if (strcmp(text, "system") == 0 || strcmp(text, "soft") == 0)
        *how = STFLASH_RESET_SYSTEM;
    else {
        out_error("unknown reset method '%s': give auto, hard (the NRST pin) or system "
                  "(SYSRESETREQ)",
                  text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int parse_verify_mode(const char *text, struct stflash_write_options *wo)
{
    if (!text)
        return EXIT_OK;
    if (strcmp(text, "readback") != 0) {
        out_error("unknown verification '%s': give --verify=readback (read the flash back over "
                  "the probe as well), or --no-verify",
                  text);
        return EXIT_USAGE;
    }
    if (wo->no_verify) {
        out_error("--no-verify contradicts --verify=readback: keep one of them");
        return EXIT_USAGE;
    }
    wo->verify_readback = true;
    return EXIT_OK;
}

static void describe_image(const struct stflash_image *img, char *buf, size_t cap)
{
    uint32_t lo = 0, hi = 0;
    (void)stflash_image_lowest_address(img, &lo);
    (void)stflash_image_highest_address(img, &hi);
    size_t nseg = stflash_image_segment_count(img);
    snprintf(buf, cap, "%zu byte%s at 0x%08x..0x%08x%s", stflash_image_total_bytes(img),
             stflash_image_total_bytes(img) == 1 ? "" : "s", lo, hi, nseg > 1 ? " in " : "");
    if (nseg > 1) {
        size_t n = strlen(buf);
        snprintf(buf + n, cap - n, "%zu segments", nseg);
    }
}

/* --json: the image a command wrote or compared. */
static void image_json(const char *path, const struct stflash_image *img)
{
    struct json_object *o = jout_obj(jout_root(), "image");
    uint32_t lo = 0, hi = 0;
    (void)stflash_image_lowest_address(img, &lo);
    (void)stflash_image_highest_address(img, &hi);
    jout_str(o, "path", path);
    jout_int(o, "bytes", (int64_t)stflash_image_total_bytes(img));
    jout_hex(o, "start", lo, 8);
    jout_hex(o, "end", hi, 8);
    jout_int(o, "segments", (int64_t)stflash_image_segment_count(img));
}

static void rate_text(char *buf, size_t cap, size_t bytes, double secs)
{
    if (secs < 0.0005)
        snprintf(buf, cap, "in %.2f s", secs);
    else
        snprintf(buf, cap, "in %.2f s (%.1f KiB/s)", secs, (double)bytes / 1024.0 / secs);
}

/* ---- write ---- */

/* Every byte in SRAM: the SRAM region of the Cortex-M memory map, 0x20000000-0x3FFFFFFF
 * (ARMv7-M ARM §B3.1, Table B3-1), or the F3/F4/G4 core-coupled RAM at 0x10000000 (RM0090
 * §2.3.1: 64 KiB). */
static bool image_in_sram(const struct stflash_image *img)
{
    for (size_t i = 0; i < img->segment_count; i++) {
        uint64_t lo = img->segments[i].addr, hi = lo + img->segments[i].len;
        bool sram = lo >= 0x20000000u && hi <= 0x40000000u;
        bool ccm = lo >= 0x10000000u && hi <= 0x10010000u;
        if (!sram && !ccm)
            return false;
    }
    return img->segment_count > 0;
}

int cmd_write(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"format", 0, OPT_REQUIRED, OPT_FORMAT},
        {"mass-erase", 0, OPT_NONE, OPT_MASS_ERASE},
        {"no-verify", 0, OPT_NONE, OPT_NO_VERIFY},
        {"verify", 0, OPT_REQUIRED, OPT_VERIFY},
        {"reset", 0, OPT_OPTIONAL, OPT_RESET},
        {"halt", 0, OPT_NONE, OPT_HALT},
        {"no-reset", 0, OPT_NONE, OPT_NO_RESET},
        {"full", 0, OPT_NONE, OPT_FULL},
        {"no-reset-before", 0, OPT_NONE, OPT_NO_RESET_BEFORE},
        {"log", 0, OPT_REQUIRED, MOPT_LOG},
        {"serial-at", 0, OPT_REQUIRED, MOPT_SERIAL_AT},
        {"serial-format", 0, OPT_REQUIRED, MOPT_SERIAL_FORMAT},
        {"serial-start", 0, OPT_REQUIRED, MOPT_SERIAL_START},
        {"serial-csv", 0, OPT_REQUIRED, MOPT_SERIAL_CSV},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "write", spec, argc, argv, first, &cl, 1, 2, "FILE [ADDR]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;

    enum stflash_image_format fmt = STFLASH_IMAGE_AUTO;
    const char *v = cmd_opt_value(&cl, OPT_FORMAT);
    uint32_t addr = 0;
    /* After a write the target is reset so the new firmware starts cleanly (the loader has
     * used the SRAM, so the old program cannot simply go on): running, or halted at the reset
     * vector with --halt; --no-reset leaves the core halted where the write left it. */
    bool do_reset = !cmd_has_opt(&cl, OPT_NO_RESET);
    /* Before the write the target is reset and halted at its reset vector (as OpenOCD's
     * 'reset init' and pyOCD's 'load' do): the running firmware may have turned the HSI off,
     * which the F1 flash controller needs (PM0075 §2.3), may run DMA into the SRAM the loader
     * uses, and leaves its clocks and interrupts in force. --no-reset-before, or a hot-plug
     * connect, writes into the target as it is (only halted). */
    bool reset_before = !cmd_has_opt(&cl, OPT_NO_RESET_BEFORE) &&
                        !(cli->connect_given && cli->connect == STFLASH_CONNECT_HOT_PLUG);
    enum stflash_reset how = STFLASH_RESET_AUTO;
    const char *reset_arg = cmd_opt_value(&cl, OPT_RESET);
    bool halt = cmd_has_opt(&cl, OPT_HALT);
    struct stflash_write_report report = {0};
    struct stflash_write_options wo = {
        .report = &report,
        .mass_erase = cmd_has_opt(&cl, OPT_MASS_ERASE),
        .no_verify = cmd_has_opt(&cl, OPT_NO_VERIFY),
        .full = cmd_has_opt(&cl, OPT_FULL),
    };
    /* Asked for a reset and for none: say so rather than pick one. */
    if (!do_reset && (reset_arg || halt)) {
        out_error("--no-reset contradicts %s: the write ends with no reset, so there is no "
                  "reset to choose or to halt after; keep one of them",
                  reset_arg ? "--reset" : "--halt");
        session_done(cli);
        return EXIT_USAGE;
    }
    if ((v && parse_image_format(v, &fmt)) ||
        (cl.nargs == 2 && parse_address(cl.args[1], "address", &addr)) ||
        (reset_arg && *reset_arg && parse_reset_method(reset_arg, &how)) ||
        parse_verify_mode(cmd_opt_value(&cl, OPT_VERIFY), &wo)) {
        session_done(cli);
        return EXIT_USAGE;
    }

    struct stflash_image *img = NULL;
    rc = session_load_image(cli, cl.args[0], fmt, cl.nargs == 2, addr, &img);
    if (rc) {
        session_done(cli);
        return rc;
    }
    char what[128];
    describe_image(img, what, sizeof what);
    /* An image wholly in SRAM is there to be run or inspected: a reset would start the
     * flash's firmware over it, so none is made unless asked for. */
    bool ram_only = image_in_sram(img) && !reset_arg && !halt;
    if (ram_only)
        do_reset = false;

    struct stflash_dev *dev = NULL;
    /* The reset before the write halts the core itself: no halt of its own at the connect. */
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, !reset_before, &dev);
    if (rc == EXIT_OK) {
        double t0 = now_seconds();
        struct sigaction old[2];
        catch_interrupts(cli->ctx, old);
        int lrc = reset_before ? stflash_reset(dev, how, true) : 0;
        if (lrc == 0)
            lrc = stflash_write_image(dev, img, &wo);
        release_interrupts(old);
        double secs = now_seconds() - t0;
        if (lrc == STFLASH_ERR_CANCELLED) {
            /* 128 + the signal, as a shell reports a command a signal ended. */
            (void)fail_lib(cli, lrc, false);
            rc = EXIT_INTERRUPTED + (interrupt_signal == SIGTERM ? SIGTERM : SIGINT);
        } else if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else {
            char rate[64];
            rate_text(rate, sizeof rate, stflash_image_total_bytes(img), secs);
            out_result(cli, "wrote %s %s%s", what, rate, wo.no_verify ? "" : ", verified");
            struct json_object *r = jout_root();
            image_json(cl.args[0], img);
            jout_int(r, "erased_bytes", (int64_t)progress_phase_bytes(STFLASH_PHASE_ERASE));
            jout_int(r, "programmed_bytes", (int64_t)progress_phase_bytes(STFLASH_PHASE_PROGRAM));
            jout_int(r, "units_touched", report.units_touched);
            jout_int(r, "units_unchanged", report.units_unchanged);
            jout_int(r, "unchanged_bytes", (int64_t)report.bytes_unchanged);
            jout_bool(r, "mass_erase", wo.mass_erase);
            jout_bool(r, "verified", !wo.no_verify);
            jout_fixed(r, "seconds", secs, 3);
            jout_str(r, "reset", !do_reset ? "none" : halt ? "halted" : "running");
            if (do_reset)
                lrc = stflash_reset(dev, how, halt);
            if (lrc != 0)
                rc = fail_lib(cli, lrc, false);
            else if (do_reset)
                out_result(cli, "reset%s", halt ? ", halted at the reset vector" : ", running");
            else if (ram_only)
                out_result(cli, "left halted (no reset: the image is in SRAM, and a reset would "
                                "start the flash's firmware; --reset resets anyway)");
            else
                out_result(cli, "left halted (no reset)");
        }
    }
    stflash_close(dev);
    stflash_image_free(img);
    session_done(cli);
    return rc;
}

/* ---- verify ---- */

int cmd_verify(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"format", 0, OPT_REQUIRED, OPT_FORMAT},
        {"log", 0, OPT_REQUIRED, MOPT_LOG},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "verify", spec, argc, argv, first, &cl, 1, 2, "FILE [ADDR]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    enum stflash_image_format fmt = STFLASH_IMAGE_AUTO;
    const char *v = cmd_opt_value(&cl, OPT_FORMAT);
    uint32_t addr = 0;
    if ((v && parse_image_format(v, &fmt)) ||
        (cl.nargs == 2 && parse_address(cl.args[1], "address", &addr))) {
        session_done(cli);
        return EXIT_USAGE;
    }
    struct stflash_image *img = NULL;
    rc = session_load_image(cli, cl.args[0], fmt, cl.nargs == 2, addr, &img);
    if (rc) {
        session_done(cli);
        return rc;
    }
    char what[128];
    describe_image(img, what, sizeof what);

    struct stflash_dev *dev = NULL;
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, false, &dev);
    if (rc == EXIT_OK) {
        /* Reading flash back may need the core halted: let it run again if it was running. */
        bool was_halted = true;
        if (stflash_is_halted(dev, &was_halted) != 0)
            was_halted = true;
        double t0 = now_seconds();
        int lrc = stflash_verify_image(dev, img);
        double secs = now_seconds() - t0;
        bool halted_now = false;
        if (!was_halted && stflash_is_halted(dev, &halted_now) == 0 && halted_now)
            (void)stflash_run(dev);
        if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else {
            char rate[64];
            rate_text(rate, sizeof rate, stflash_image_total_bytes(img), secs);
            out_result(cli, "verified %s %s: identical", what, rate);
            image_json(cl.args[0], img);
            jout_bool(jout_root(), "identical", true);
            jout_fixed(jout_root(), "seconds", secs, 3);
        }
    }
    stflash_close(dev);
    stflash_image_free(img);
    session_done(cli);
    return rc;
}

/* ---- erase ---- */

int cmd_erase(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{"log", 0, OPT_REQUIRED, MOPT_LOG},
                                           {NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "erase", spec, argc, argv, first, &cl, 0, 2, "[ADDR SIZE]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    uint32_t addr = 0;
    uint64_t size = 0;
    if (cl.nargs == 1) {
        out_error("missing size after address '%s': stflash erase ADDR SIZE (or no arguments to "
                  "erase the whole flash)",
                  cl.args[0]);
        session_done(cli);
        return EXIT_USAGE;
    }
    if (cl.nargs == 2 &&
        (parse_address(cl.args[0], "address", &addr) || parse_size(cl.args[1], "size", &size))) {
        session_done(cli);
        return EXIT_USAGE;
    }
    if (cl.nargs == 2 && (size > 0xffffffffull || size > 0x100000000ull - addr)) {
        out_error("bad range: 0x%08x + %llu bytes runs past the end of the address space", addr,
                  (unsigned long long)size);
        session_done(cli);
        return EXIT_USAGE;
    }

    struct stflash_dev *dev = NULL;
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, true, &dev);
    struct stflash_target_info t;
    if (rc == EXIT_OK) {
        int lrc = stflash_target_info(dev, &t);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
    }
    if (rc == EXIT_OK && cl.nargs == 0) {
        double t0 = now_seconds();
        int lrc = stflash_flash_mass_erase(dev);
        if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else {
            uint32_t end = t.secure_flash_start && !cli->allow_wireless_stack
                               ? t.secure_flash_start
                               : t.flash_base + t.flash_size;
            struct json_object *r = jout_root();
            jout_bool(r, "mass_erase", true);
            jout_hex(r, "start", t.flash_base, 8);
            jout_hex(r, "end", end - 1u, 8);
            jout_fixed(r, "seconds", now_seconds() - t0, 3);
            char sz[32];
            fmt_size(sz, sizeof sz, t.flash_size);
            if (t.secure_flash_start && !cli->allow_wireless_stack)
                out_result(cli,
                           "erased the flash below the wireless stack (0x%08x..0x%08x; "
                           "from 0x%08x up it is kept) in %.2f s",
                           t.flash_base, t.secure_flash_start - 1u, t.secure_flash_start,
                           now_seconds() - t0);
            else
                out_result(cli, "erased the whole flash (%s at 0x%08x) in %.2f s", sz, t.flash_base,
                           now_seconds() - t0);
        }
    } else if (rc == EXIT_OK) {
        uint64_t lo = addr, hi = (uint64_t)addr + size; /* [lo, hi) */
        /* Rounded out to the erase units (pages or sectors) the range touches. */
        uint32_t ulo = 0, usz = 0, uhi = 0, hsz = 0;
        unsigned long long units = 0;
        bool rounded = stflash_flash_unit(dev, (uint32_t)lo, &ulo, &usz) == 0 &&
                       stflash_flash_unit(dev, (uint32_t)(hi - 1), &uhi, &hsz) == 0;
        if (rounded) {
            for (uint64_t a = ulo; a < (uint64_t)uhi + hsz; units++) {
                uint32_t ua, us;
                if (stflash_flash_unit(dev, (uint32_t)a, &ua, &us) != 0) {
                    rounded = false; /* a hole: the erase names it */
                    break;
                }
                a = (uint64_t)ua + us;
            }
        }
        if (rounded) {
            uint64_t plo = ulo, phi = (uint64_t)uhi + hsz;
            if (plo != lo || phi != hi) {
                if (usz == hsz)
                    out_note(cli,
                             "erasing whole %ss: 0x%08llx..0x%08llx (%llu-byte %ss) covers "
                             "0x%08llx..0x%08llx",
                             flash_unit_noun(&t), (unsigned long long)plo,
                             (unsigned long long)(phi - 1), (unsigned long long)usz,
                             flash_unit_noun(&t), (unsigned long long)lo,
                             (unsigned long long)(hi - 1));
                else
                    out_note(cli,
                             "erasing whole %ss: 0x%08llx..0x%08llx (%ss of %llu to %llu "
                             "bytes) covers 0x%08llx..0x%08llx",
                             flash_unit_noun(&t), (unsigned long long)plo,
                             (unsigned long long)(phi - 1), flash_unit_noun(&t),
                             (unsigned long long)(usz < hsz ? usz : hsz),
                             (unsigned long long)(usz < hsz ? hsz : usz), (unsigned long long)lo,
                             (unsigned long long)(hi - 1));
            }
            lo = plo;
            hi = phi;
        }
        double t0 = now_seconds();
        int lrc = stflash_flash_erase(dev, addr, (uint32_t)size);
        if (lrc == 0) {
            struct json_object *r = jout_root();
            jout_bool(r, "mass_erase", false);
            jout_hex(r, "start", (uint32_t)lo, 8);
            jout_hex(r, "end", (uint32_t)(hi - 1), 8);
            if (rounded)
                jout_int(r, "units", (int64_t)units);
            jout_fixed(r, "seconds", now_seconds() - t0, 3);
        }
        if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else if (rounded) {
            out_result(cli, "erased 0x%08llx..0x%08llx (%llu %s%s) in %.2f s",
                       (unsigned long long)lo, (unsigned long long)(hi - 1), units,
                       flash_unit_noun(&t), units == 1 ? "" : "s", now_seconds() - t0);
        } else {
            out_result(cli, "erased the units holding 0x%08llx..0x%08llx in %.2f s",
                       (unsigned long long)lo, (unsigned long long)(hi - 1), now_seconds() - t0);
        }
    }
    stflash_close(dev);
    session_done(cli);
    return rc;
}
