/* Messages, errors and their exit codes, number formatting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

static void vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void out_error_line(const char *text)
{
    progress_break();
    fprintf(stderr, "stflash: %s\n", text);
    fflush(stderr);
}

static void vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    progress_break();
    fputs("stflash: ", f);
    fputs(prefix, f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
}

/* Under --json the error and its hint also go into the error object (json_out.c). */
/* The formatted text in a new buffer (NULL when out of memory). */
static char *vtext(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vtext(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text)
        vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    return text;
}

/* Under --json the error and its hint also go into the error object (json_out.c). */
void out_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vtext(fmt, ap);
    va_end(ap);
    jout_error_text(text ? text : "out of memory");
    out_error_line(text ? text : "out of memory");
    free(text);
}

void out_hint(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vtext(fmt, ap);
    va_end(ap);
    if (!text)
        return;
    jout_hint_text(text);
    progress_break();
    fprintf(stderr, "stflash: hint: %s\n", text);
    fflush(stderr);
    free(text);
}

void out_see_help(const char *command)
{
    char text[96];
    snprintf(text, sizeof text, "see 'stflash %s%s--help'", command ? command : "",
             command ? " " : "");
    jout_hint_text(text);
    progress_break();
    fprintf(stderr, "stflash: %s\n", text);
}

void out_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, "warning: ", fmt, ap);
    va_end(ap);
}

void out_note(const struct cli *cli, const char *fmt, ...)
{
    if (cli->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vline(stderr, "note: ", fmt, ap);
    va_end(ap);
}

void out_result(const struct cli *cli, const char *fmt, ...)
{
    if (cli->quiet)
        return;
    progress_break();
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

int exit_code_for(int rc, bool opening)
{
    switch (rc) {
    case STFLASH_OK:
        return EXIT_OK;
    case STFLASH_ERR_CHIP_MISMATCH: /* a --chip that does not fit the target (src/api/detect.c) */
        return EXIT_USAGE;
    case STFLASH_ERR_PROTECTED:
        return EXIT_PROTECTED;
    case STFLASH_ERR_VERIFY:
        return EXIT_VERIFY;
    case STFLASH_ERR_TARGET:
        return EXIT_TARGET;
    case STFLASH_ERR_TIMEOUT:
        return opening ? EXIT_TARGET : EXIT_FAILED;
    case STFLASH_ERR_NOT_FOUND:
    case STFLASH_ERR_ACCESS:
    case STFLASH_ERR_BUSY:
    case STFLASH_ERR_PROBE:
    case STFLASH_ERR_INVALID_ARG: /* an ambiguous selector */
    case STFLASH_ERR_IO:
        return opening ? EXIT_NO_PROBE : EXIT_FAILED;
    default:
        return EXIT_FAILED;
    }
}

static bool mentions(const char *msg, const char *a, const char *b)
{
    return strstr(msg, a) || (b && strstr(msg, b));
}

/* A hint line for the usual causes, unless the library's message already gives the fix. */
static void hint_for(int rc, bool opening, const char *msg)
{
    switch (rc) {
    case STFLASH_ERR_ACCESS:
        if (opening && !mentions(msg, "udev", "secret"))
            out_hint("install the udev rules (49-stflash.rules, in lib/udev/rules.d), replug the "
                     "probe and log in again, or run as a member of the plugdev group");
        break;
    case STFLASH_ERR_BUSY:
        if (!mentions(msg, "close", "another"))
            out_hint("another program (OpenOCD, st-util, STM32CubeProgrammer...) is using the "
                     "probe: close it and retry");
        break;
    case STFLASH_ERR_NOT_FOUND:
        if (opening && mentions(msg, "stlink-server", NULL))
            out_hint("list the server's probes with 'stflash --probe tcp:HOST:PORT probe'; "
                     "choose one with --probe tcp:HOST:PORT/SERIAL");
        else if (opening && !mentions(msg, "stflash probe", "virtual board"))
            out_hint("list the probes with 'stflash probe'; choose one with --probe SERIAL");
        break;
    case STFLASH_ERR_TARGET:
    case STFLASH_ERR_TIMEOUT:
        if (opening && mentions(msg, "probe version", NULL))
            out_hint("the probe itself does not answer: unplug it and plug it in again (its "
                     "firmware may hang after a command another program sent)");
        else if (opening && !mentions(msg, "wiring", "power"))
            out_hint("check the SWD wiring (SWDIO, SWCLK, GND) and the target's power; if its "
                     "firmware disables SWD or sleeps, retry with --connect under-reset (needs "
                     "the NRST wire)");
        break;
    case STFLASH_ERR_PROTECTED:
        if (mentions(msg, "--allow", "unlock") || mentions(msg, "erases the whole flash", NULL))
            break;
        if (mentions(msg, "option bytes", "WRP"))
            out_hint("'stflash options' shows the write-protected groups; 'stflash options --wrp "
                     "none' removes the protection");
        else
            out_hint("the chip's read or write protection forbids this: 'stflash options' shows "
                     "it; 'stflash unlock' removes read protection (and erases the flash)");
        break;
    case STFLASH_ERR_VERIFY:
        out_hint("the flash does not hold what was expected: write the image again (with "
                 "--mass-erase if pages were written by something else)");
        break;
    default:
        break;
    }
}

int fail_lib(struct cli *cli, int rc, bool opening)
{
    const char *msg = cli->ctx ? stflash_last_error(cli->ctx) : "";
    if (!msg || !*msg)
        msg = stflash_strerror(rc);
    jout_error_code(rc);
    out_error("%s", msg);
    hint_for(rc, opening, msg);
    return exit_code_for(rc, opening);
}

void fmt_size(char *buf, size_t cap, uint64_t bytes)
{
    if (bytes >= 1024u * 1024u && bytes % (1024u * 1024u) == 0)
        snprintf(buf, cap, "%llu MiB", (unsigned long long)(bytes / (1024u * 1024u)));
    else if (bytes >= 1024u && bytes % 1024u == 0)
        snprintf(buf, cap, "%llu KiB", (unsigned long long)(bytes / 1024u));
    else if (bytes >= 1024u * 1024u)
        snprintf(buf, cap, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024u)
        snprintf(buf, cap, "%.1f KiB", (double)bytes / 1024.0);
    else
        snprintf(buf, cap, "%llu byte%s", (unsigned long long)bytes, bytes == 1 ? "" : "s");
}

const char *flash_unit_noun(const struct stflash_target_info *t)
{
    const struct stflash_chip_info *c = t->chip;
    return c && c->geom.page_size == 0 && c->geom.sectors[0].count ? "sector" : "page";
}

void fmt_firmware(char *buf, size_t cap, const struct stflash_probe_details *d)
{
    /* ST's naming: V2J37S7 (V2, SWIM), V2J37M26 (V2-1, mass storage), V3J7M3S1 (V3). */
    int n = snprintf(buf, cap, "V%uJ%u", d->hw_version, d->jtag_version);
    if (n < 0 || (size_t)n >= cap)
        return;
    if (d->msd_version)
        n += snprintf(buf + n, cap - (size_t)n, "M%u", d->msd_version);
    if (n >= 0 && (size_t)n < cap && d->swim_version)
        snprintf(buf + n, cap - (size_t)n, "S%u", d->swim_version);
}
