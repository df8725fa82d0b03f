/* The library context, opening the probe, loading image files. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_to_stderr(void *user, enum stflash_log_level level, const char *msg)
{
    (void)user;
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    progress_break();
    fprintf(stderr, "stflash: %s%s\n", prefix[level <= STFLASH_LOG_DEBUG ? level : 3], msg);
    fflush(stderr);
}

int session_init(struct cli *cli)
{
    if (cli->selector_from_env && check_selector(cli->selector)) {
        out_error("the selector comes from the environment variable STFLASH_PROBE: fix it, unset "
                  "it, or give --probe");
        return EXIT_USAGE;
    }
    int rc = stflash_ctx_new(&cli->ctx);
    if (rc != 0) {
        out_error("cannot start: %s", stflash_strerror(rc));
        return EXIT_FAILED;
    }
    enum stflash_log_level level = STFLASH_LOG_WARN;
    if (cli->quiet)
        level = STFLASH_LOG_ERROR;
    else if (cli->verbose == 1)
        level = STFLASH_LOG_INFO;
    else if (cli->verbose >= 2)
        level = STFLASH_LOG_DEBUG;
    stflash_ctx_set_log(cli->ctx, level, log_to_stderr, cli);
    progress_setup(cli);
    stflash_ctx_set_progress(cli->ctx, progress_event, cli);
    return EXIT_OK;
}

void session_done(struct cli *cli)
{
    progress_break();
    stflash_ctx_free(cli->ctx);
    cli->ctx = NULL;
}

int session_open(struct cli *cli, enum stflash_connect default_connect, bool halt,
                 struct stflash_dev **out)
{
    struct stflash_open_options o;
    memset(&o, 0, sizeof o);
    o.selector = cli->selector;
    o.swd_khz = cli->swd_khz;
    o.connect = cli->connect_given ? cli->connect : default_connect;
    o.halt = halt;
    o.flash_size_override = cli->flash_size;
    o.chip_override = cli->chip;
    o.clone_override = cli->clone;
    o.allow_wireless_stack = cli->allow_wireless_stack;
    int rc = stflash_open(cli->ctx, &o, out);
    if (rc != 0) {
        return fail_lib(cli, rc, true);
    }
    return EXIT_OK;
}

int session_load_image(struct cli *cli, const char *path, enum stflash_image_format fmt,
                       bool have_addr, uint32_t addr, struct stflash_image **out)
{
    struct stflash_image_error err;
    memset(&err, 0, sizeof err);
    struct stflash_image *img = NULL;
    /* The library takes the format from the name (.bin, .hex, .srec, .elf ...) when it names
     * one, and from the content otherwise. */
    enum stflash_image_format named =
        fmt == STFLASH_IMAGE_AUTO ? stflash_image_format_from_path(path) : STFLASH_IMAGE_AUTO;
    errno = 0;
    int rc = stflash_image_load(path, fmt, have_addr ? addr : 0x08000000u, &img, &err);
    if (rc != 0) {
        int saved = errno;
        const char *why = err.msg[0] ? err.msg : stflash_strerror(rc);
        if ((rc == STFLASH_ERR_IO || rc == STFLASH_ERR_ACCESS) && saved && !err.msg[0])
            why = strerror(saved);
        if (strstr(why, path))
            out_error("%s", why);
        else
            out_error("cannot load '%s': %s", path, why);
        if (strstr(why, "UTF-16"))
            ; /* the message gives the fix; raw bytes of text are never what is wanted */
        else if (rc == STFLASH_ERR_FORMAT && fmt == STFLASH_IMAGE_AUTO &&
                 named != STFLASH_IMAGE_AUTO)
            out_hint("the format comes from the file name: regenerate the file, or give --format "
                     "if it holds another format");
        else if (rc == STFLASH_ERR_FORMAT && fmt == STFLASH_IMAGE_AUTO)
            out_hint("the format was detected from the content; to write the file as raw bytes, "
                     "add --format bin");
        else if (rc == STFLASH_ERR_UNSUPPORTED)
            out_hint("convert it to a binary or Intel HEX file (arm-none-eabi-objcopy -O ihex)");
        return EXIT_FAILED;
    }
    if (img->format != STFLASH_IMAGE_BIN && have_addr) {
        out_error("unexpected address for '%s': it is an %s file that carries its own "
                  "addresses; drop the address, or add --format bin to write the file's bytes as "
                  "they are",
                  path, stflash_image_format_name(img->format));
        stflash_image_free(img);
        return EXIT_USAGE;
    }
    /* The name said raw binary, the bytes say otherwise: written as named, but not silently. */
    enum stflash_image_format looks =
        named == STFLASH_IMAGE_BIN && img->segment_count == 1
            ? stflash_image_detect_format(img->segments[0].data, img->segments[0].len)
            : STFLASH_IMAGE_AUTO;
    if (looks != STFLASH_IMAGE_AUTO && looks != STFLASH_IMAGE_BIN) {
        bool hex = looks == STFLASH_IMAGE_IHEX, srec = looks == STFLASH_IMAGE_SREC;
        out_warn("'%s' is named as a raw binary but holds %s: its bytes are used as they are; "
                 "give --format %s to read it as %s instead",
                 path,
                 hex    ? "Intel HEX text"
                 : srec ? "S-record text"
                        : "an ELF file",
                 hex    ? "ihex"
                 : srec ? "srec"
                        : "elf",
                 hex    ? "Intel HEX"
                 : srec ? "S-records"
                        : "ELF");
    }
    if (img->format == STFLASH_IMAGE_BIN && !have_addr)
        out_note(cli,
                 "'%s' is a raw binary: placing it at 0x08000000 (the start of flash); give "
                 "an address to place it elsewhere",
                 path);
    if (img->segment_count == 0) {
        out_error("no data in '%s'", path);
        stflash_image_free(img);
        return EXIT_FAILED;
    }
    *out = img;
    return EXIT_OK;
}
