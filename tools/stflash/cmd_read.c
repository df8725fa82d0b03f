/* read: target memory into a raw binary or Intel HEX file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "json_out.h"
#include "out_file.h"

enum { OPT_FORMAT = 1 };

/* Between two progress reports: 16 of the probe's 1 KiB read commands (docs/stlink.md,
 * "Transfers"). */
#define READ_CHUNK 16384u

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The output format from --format or the file name. */
static int output_format(const char *path, const char *given, enum stflash_image_format *fmt)
{
    if (given) {
        if (parse_image_format(given, fmt))
            return EXIT_USAGE;
        if (*fmt != STFLASH_IMAGE_BIN && *fmt != STFLASH_IMAGE_IHEX) {
            out_error("read cannot write %s files: give --format bin or --format ihex",
                      stflash_image_format_name(*fmt));
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    static const char *const other[] = {".srec", ".s19", ".s28", ".s37", ".mot", ".elf", ".axf"};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (ends_with(path, other[i])) {
            out_error("read writes raw binary or Intel HEX, not '%s': name the file .bin or "
                      ".hex, or give --format bin to write raw bytes under this name",
                      path);
            return EXIT_USAGE;
        }
    *fmt = ends_with(path, ".hex") || ends_with(path, ".ihex") ? STFLASH_IMAGE_IHEX
                                                               : STFLASH_IMAGE_BIN;
    return EXIT_OK;
}

/* Writes the data read into the output; the file is replaced only when all of it is written. */
static int save(struct out_file *o, enum stflash_image_format fmt, uint32_t addr,
                const uint8_t *data, size_t len)
{
    int rc = 0;
    errno = 0;
    if (fmt == STFLASH_IMAGE_IHEX)
        rc = stflash_image_write_ihex(addr, data, len, 0, o->f);
    else if (fwrite(data, 1, len, o->f) != len)
        rc = STFLASH_ERR_IO;
    return out_file_commit(o, rc == 0 ? 0 : errno ? errno : EIO);
}

int cmd_read(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"format", 0, OPT_REQUIRED, OPT_FORMAT},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "read", spec, argc, argv, first, &cl, 3, 3, "FILE ADDR SIZE");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    const char *path = cl.args[0];
    enum stflash_image_format fmt;
    uint32_t addr;
    uint64_t size;
    if (output_format(path, cmd_opt_value(&cl, OPT_FORMAT), &fmt) ||
        parse_address(cl.args[1], "address", &addr) || parse_size(cl.args[2], "size", &size)) {
        session_done(cli);
        return EXIT_USAGE;
    }
    if (cli->json && strcmp(path, "-") == 0) {
        out_error("option '--json' does not go with 'read -': the data goes to stdout; read into "
                  "a FILE with --json, or drop --json");
        session_done(cli);
        return EXIT_USAGE;
    }
    if (size > 0x100000000ull - addr) {
        out_error("bad range: 0x%08x + %llu bytes runs past the end of the address space", addr,
                  (unsigned long long)size);
        session_done(cli);
        return EXIT_USAGE;
    }
    if (size > STFLASH_IMAGE_MAX_BYTES) {
        out_error("bad size '%s': read at most %u MiB at a time", cl.args[2],
                  STFLASH_IMAGE_MAX_BYTES / (1024u * 1024u));
        session_done(cli);
        return EXIT_USAGE;
    }
    uint8_t *buf = malloc((size_t)size);
    if (!buf) {
        out_error("out of memory for %llu bytes", (unsigned long long)size);
        session_done(cli);
        return EXIT_FAILED;
    }
    /* Before the probe: a path that cannot be written is known at once. */
    struct out_file out;
    rc = out_file_open(&out, path);
    if (rc != EXIT_OK) {
        free(buf);
        session_done(cli);
        return rc;
    }

    struct stflash_dev *dev = NULL;
    /* Only looked at: hot-plug unless another mode was asked for, never halted or reset. */
    rc = session_open(cli, STFLASH_CONNECT_HOT_PLUG, false, &dev);
    if (rc == EXIT_OK) {
        double t0 = now_seconds();
        size_t done = 0;
        int lrc = 0;
        progress_report(STFLASH_PHASE_READ, 0, size, addr);
        while (lrc == 0 && done < size) {
            size_t n = size - done < READ_CHUNK ? (size_t)(size - done) : READ_CHUNK;
            lrc = stflash_mem_read(dev, addr + (uint32_t)done, buf + done, n);
            if (lrc == 0) {
                done += n;
                progress_report(STFLASH_PHASE_READ, done, size, addr + (uint32_t)done);
            }
        }
        double secs = now_seconds() - t0;
        if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else {
            rc = save(&out, fmt, addr, buf, (size_t)size);
            struct json_object *r = jout_root();
            jout_str(r, "file", path);
            jout_str(r, "format", fmt == STFLASH_IMAGE_IHEX ? "ihex" : "binary");
            jout_hex(r, "start", addr, 8);
            jout_hex(r, "end", (uint32_t)(addr + size - 1), 8);
            jout_int(r, "bytes", (int64_t)size);
            jout_fixed(r, "seconds", secs, 3);
            if (rc == EXIT_OK && strcmp(path, "-") != 0)
                out_result(cli, "read %llu byte%s at 0x%08x..0x%08x into %s (%s) in %.2f s",
                           (unsigned long long)size, size == 1 ? "" : "s", addr,
                           (uint32_t)(addr + size - 1), path,
                           fmt == STFLASH_IMAGE_IHEX ? "intel hex" : "binary", secs);
        }
    }
    out_file_abort(&out); /* after a commit, nothing left to drop */
    stflash_close(dev);
    free(buf);
    session_done(cli);
    return rc;
}
