/* Command-line parsing: global and subcommand options, numbers, sizes, clocks, selectors. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "multi.h"

const struct opt_spec cli_global_opts[] = {
    {"probe", 0, OPT_REQUIRED, GOPT_PROBE},
    {"freq", 0, OPT_REQUIRED, GOPT_FREQ},
    {"connect", 0, OPT_REQUIRED, GOPT_CONNECT},
    {"flash-size", 0, OPT_REQUIRED, GOPT_FLASH_SIZE},
    {"verbose", 'v', OPT_NONE, GOPT_VERBOSE},
    {"quiet", 'q', OPT_NONE, GOPT_QUIET},
    {"json", 0, OPT_NONE, GOPT_JSON},
    {"help", 'h', OPT_NONE, GOPT_HELP},
    {"version", 0, OPT_NONE, GOPT_VERSION},
    {"allow-wireless-stack", 0, OPT_NONE, GOPT_ALLOW_WIRELESS_STACK},
    {"chip", 0, OPT_REQUIRED, GOPT_CHIP},
    {NULL, 0, OPT_NONE, 0},
};

#define SELECTOR_FORMS "SERIAL, usb:SERIAL, tcp:[HOST][:PORT][/SERIAL] or sim[:CHIP][,OPTION...]"

static const struct opt_spec *find_short(const struct opt_spec *spec, char c)
{
    for (; spec && spec->name; spec++)
        if (spec->short_name && spec->short_name == c)
            return spec;
    return NULL;
}

static int see_help(const char *command)
{
    out_see_help(command);
    return EXIT_USAGE;
}

/* Records or applies one option. */
static int take(struct cli *cli, const char *command, const struct opt_spec *o, const char *name,
                const char *value, struct cmdline *out)
{
    if (o->id < 0) {
        if (o->id == GOPT_HELP) {
            out->help = true;
            return EXIT_OK;
        }
        if (o->id == GOPT_VERSION) {
            if (!command) {
                out->version = true;
                return EXIT_OK;
            }
            out_error("option '--version' goes before the command: use 'stflash --version'");
            return EXIT_USAGE;
        }
        int rc = cli_global_option(cli, o->id, name, value);
        return rc ? see_help(command) : EXIT_OK;
    }
    if (out->nopts == CLI_MAX_OPTS) {
        out_error("too many options");
        return EXIT_USAGE;
    }
    out->opts[out->nopts++] = (struct parsed_opt){o->id, name, value};
    return EXIT_OK;
}

/* getopt_long's view of a command's options: the command's own first (they win over a global
 * option of the same name or letter, as getopt takes the first match), then the global ones.
 * Long options return LONG_BASE + their index, so they never collide with a letter. */
#define LONG_BASE 0x100

struct getopt_view {
    struct option *longs;
    const struct opt_spec **specs; /* by index in longs */
    char *shorts;
};

static size_t spec_count(const struct opt_spec *spec)
{
    size_t n = 0;
    while (spec && spec[n].name)
        n++;
    return n;
}

static int view_build(struct getopt_view *v, const struct opt_spec *spec, bool before_command)
{
    size_t n = spec_count(spec) + spec_count(cli_global_opts);
    v->longs = calloc(n + 1, sizeof *v->longs);
    v->specs = calloc(n + 1, sizeof *v->specs);
    v->shorts = calloc(3 * n + 3, 1);
    if (!v->longs || !v->specs || !v->shorts)
        return -1;
    /* '+': stop at the command; '-': the command's arguments come back in order among the
     * options; ':': a missing value is told apart from an unknown option. */
    char *sp = v->shorts;
    *sp++ = before_command ? '+' : '-';
    *sp++ = ':';
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (const struct opt_spec *o = pass ? cli_global_opts : spec; o && o->name; o++, k++) {
            static const int has_arg[] = {[OPT_NONE] = no_argument,
                                          [OPT_REQUIRED] = required_argument,
                                          [OPT_OPTIONAL] = optional_argument};
            v->longs[k] = (struct option){o->name, has_arg[o->arg], NULL, LONG_BASE + (int)k};
            v->specs[k] = o;
            if (o->short_name) {
                *sp++ = o->short_name;
                if (o->arg != OPT_NONE)
                    *sp++ = ':';
                if (o->arg == OPT_OPTIONAL)
                    *sp++ = ':';
            }
        }
    return 0;
}

static void view_free(struct getopt_view *v)
{
    free(v->longs);
    free(v->specs);
    free(v->shorts);
}

static const struct opt_spec *by_short(const struct opt_spec *spec, int c)
{
    const struct opt_spec *o = find_short(spec, (char)c);
    return o ? o : find_short(cli_global_opts, (char)c);
}

/* getopt's error returns, in stflash's words. ELEMENT: the argument being parsed. */
static int parse_error(const struct getopt_view *v, const char *command, int rc,
                       const char *element)
{
    if (optopt >= LONG_BASE) {
        const struct opt_spec *o = v->specs[optopt - LONG_BASE];
        if (rc == ':')
            out_error("option '--%s' needs a value", o->name);
        else
            out_error("option '--%s' takes no value (got '%s')", o->name,
                      strchr(element, '=') ? strchr(element, '=') + 1 : "");
    } else if (optopt && rc == ':') {
        out_error("option '-%c' needs a value", optopt);
    } else if (optopt) {
        if (command)
            out_error("unknown option '-%c' for '%s'", optopt, command);
        else
            out_error("unknown option '-%c'", optopt);
    } else {
        int n = (int)strcspn(element, "=");
        /* getopt takes an unambiguous start of a long name: a start shared by several is named. */
        char matches[256] = "";
        size_t len = 0, count = 0;
        for (const struct option *l = v->longs; l->name && n > 2; l++)
            if (strncmp(l->name, element + 2, (size_t)n - 2) == 0 && len < sizeof matches - 64) {
                len += (size_t)snprintf(matches + len, sizeof matches - len, "%s--%s",
                                        count ? ", " : "", l->name);
                count++;
            }
        if (count > 1)
            out_error("option '%.*s' is ambiguous: %s", n, element, matches);
        else if (command)
            out_error("unknown option '%.*s' for '%s'", n, element, command);
        else
            out_error("unknown option '%.*s'", n, element);
    }
    return see_help(command);
}

/* A negative number ("-1") is a (bad) argument, not an option: the argument's parser names it.
 * getopt would take it for options, so it sees a stand-in that the argument is mapped back from. */
static const char negative_stand_in[] = "0";

static bool is_negative_number(const char *a)
{
    return a[0] == '-' && a[1] >= '0' && a[1] <= '9';
}

static const char *original(char **view_argv, char **argv, int n, const char *text)
{
    for (int j = 0; j < n; j++)
        if (view_argv[j] == text)
            return argv[j];
    return text;
}

static int add_arg(const char *command, const char *a, struct cmdline *out)
{
    if (out->nargs == CLI_MAX_ARGS) {
        out_error("too many arguments for '%s'", command);
        return see_help(command);
    }
    out->args[out->nargs++] = a;
    return EXIT_OK;
}

/* Commands whose first argument is a program: what follows it is the program's command line, not
 * stflash's options (`stflash run fw.elf -v` gives the firmware "-v", as Cargo's runner
 * invocation `RUNNER EXE ARGS...` expects); a "--" right after the program is dropped. */
static bool program_command(const char *command)
{
    return command && strcmp(command, "run") == 0;
}

int cli_parse(struct cli *cli, const char *command, const struct opt_spec *spec, int argc,
              char **argv, int first, struct cmdline *out)
{
    memset(out, 0, sizeof *out);
    out->command = command;
    out->next = argc;
    if (first >= argc)
        return EXIT_OK;
    /* getopt scans from element 1 of what it is given: element 0 stands for the program. */
    int n = argc - first + 1;
    char **args = &argv[first - 1];
    char **view_argv = calloc((size_t)n + 1, sizeof *view_argv);
    struct getopt_view v = {0};
    if (!view_argv || view_build(&v, spec, command == NULL)) {
        free(view_argv);
        view_free(&v);
        out_error("out of memory");
        return EXIT_FAILED;
    }
    for (int j = 0; j < n; j++)
        view_argv[j] =
            command && j > 0 && is_negative_number(args[j]) ? (char *)negative_stand_in : args[j];
    int rc = EXIT_OK;
    optind = 0; /* glibc: start afresh (the last parse's state is gone) */
    opterr = 0;
    for (;;) {
        int index = -1;
        int c = getopt_long(n, view_argv, v.shorts, v.longs, &index);
        if (c == -1)
            break;
        const char *value = optarg ? original(view_argv, args, n, optarg) : NULL;
        if (c == 1) { /* an argument of the command */
            rc = add_arg(command, value, out);
            if (rc == EXIT_OK && program_command(command)) {
                if (optind < n && strcmp(args[optind], "--") == 0)
                    optind++;
                break; /* the rest is the program's */
            }
        } else if (c == '?' || c == ':') {
            rc = parse_error(&v, command, c, args[optind - 1 < n ? optind - 1 : n - 1]);
        } else {
            const struct opt_spec *o = c >= LONG_BASE ? v.specs[c - LONG_BASE] : by_short(spec, c);
            rc = take(cli, command, o, o->name, value, out);
        }
        if (rc)
            break;
    }
    if (rc == EXIT_OK) {
        if (!command)
            out->next = first - 1 + optind; /* the command, or argc */
        else                                /* after "--": arguments only */
            for (int j = optind; j < n && rc == EXIT_OK; j++)
                rc = add_arg(command, args[j], out);
    }
    free(view_argv);
    view_free(&v);
    return rc;
}

int cli_global_option(struct cli *cli, int id, const char *name, const char *value)
{
    switch (id) {
    case GOPT_PROBE:
        if (check_selector(value))
            return EXIT_USAGE;
        cli->selector = value;
        cli->selector_from_env = false;
        return EXIT_OK;
    case GOPT_FREQ:
        return parse_freq(value, &cli->swd_khz);
    case GOPT_CONNECT:
        cli->connect_given = true;
        return parse_connect(value, &cli->connect);
    case GOPT_FLASH_SIZE: {
        uint64_t size;
        if (parse_size(value, "flash size", &size))
            return EXIT_USAGE;
        if (size > 0xffffffffu || size % 1024u) {
            out_error("bad flash size '%s': give a whole number of KiB, e.g. 128k", value);
            return EXIT_USAGE;
        }
        cli->flash_size = (uint32_t)size;
        return EXIT_OK;
    }
    case GOPT_CHIP:
        return parse_chip(value, cli);
    case GOPT_VERBOSE:
        cli->verbose++;
        return EXIT_OK;
    case GOPT_QUIET:
        cli->quiet = true;
        return EXIT_OK;
    case GOPT_JSON:
        cli->json = true;
        return EXIT_OK;
    case GOPT_ALLOW_WIRELESS_STACK:
        cli->allow_wireless_stack = true;
        return EXIT_OK;
    default:
        out_error("option '%s' is not allowed here", name);
        return EXIT_USAGE;
    }
}

/* Parses an unsigned number: decimal, or hexadecimal after 0x. *end gets the first unparsed
 * character. Returns false when there are no digits or the value exceeds 64 bits. */
static bool parse_number(const char *text, uint64_t *val, const char **end)
{
    const char *p = text;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    uint64_t v = 0;
    const char *digits = p;
    for (;; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (base == 16 && isxdigit((unsigned char)*p))
            d = tolower((unsigned char)*p) - 'a' + 10;
        else
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    if (p == digits)
        return false;
    *val = v;
    *end = p;
    return true;
}

int parse_address(const char *text, const char *what, uint32_t *out)
{
    uint64_t v;
    const char *end;
    if (!parse_number(text, &v, &end) || *end) {
        out_error("bad %s '%s': give a number, in hexadecimal with 0x (0x08000000) or decimal",
                  what, text);
        return EXIT_USAGE;
    }
    if (v > 0xffffffffu) {
        out_error("bad %s '%s': addresses are 32-bit (at most 0xffffffff)", what, text);
        return EXIT_USAGE;
    }
    *out = (uint32_t)v;
    return EXIT_OK;
}

int parse_size(const char *text, const char *what, uint64_t *out)
{
    uint64_t v;
    const char *end;
    uint64_t mult = 1;
    bool ok = parse_number(text, &v, &end);
    if (ok && *end) {
        if ((end[0] == 'k' || end[0] == 'K') && end[1] == '\0')
            mult = 1024;
        else if ((end[0] == 'm' || end[0] == 'M') && end[1] == '\0')
            mult = 1024 * 1024;
        else
            ok = false;
    }
    if (!ok) {
        out_error("bad %s '%s': give bytes in decimal or 0x hexadecimal, optionally with a "
                  "k or M suffix (64k, 0x400, 1M)",
                  what, text);
        return EXIT_USAGE;
    }
    if (v > (UINT64_C(1) << 32) / mult) {
        out_error("bad %s '%s': larger than the 4 GiB address space", what, text);
        return EXIT_USAGE;
    }
    if (v == 0) {
        out_error("bad %s '%s': must be at least 1 byte", what, text);
        return EXIT_USAGE;
    }
    *out = v * mult;
    return EXIT_OK;
}

int parse_freq(const char *text, uint32_t *khz)
{
    /* Integer and fractional parts, then the unit. */
    const char *p = text;
    uint64_t whole = 0, frac = 0, frac_div = 1;
    bool digits = false;
    while (isdigit((unsigned char)*p) && whole < 100000000u) {
        whole = whole * 10 + (uint64_t)(*p++ - '0');
        digits = true;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p) && frac_div < 1000000u) {
            frac = frac * 10 + (uint64_t)(*p++ - '0');
            frac_div *= 10;
            digits = true;
        }
    }
    uint64_t mult = 1; /* kHz */
    if (strcmp(p, "") == 0 || strcmp(p, "k") == 0 || strcmp(p, "K") == 0 || strcmp(p, "kHz") == 0 ||
        strcmp(p, "khz") == 0 || strcmp(p, "KHz") == 0)
        mult = 1;
    else if (strcmp(p, "M") == 0 || strcmp(p, "m") == 0 || strcmp(p, "MHz") == 0 ||
             strcmp(p, "mhz") == 0)
        mult = 1000;
    else
        digits = false;
    if (!digits) {
        out_error("bad SWD clock '%s': give kHz (4000), or use a k or M suffix (1800k, 4M)", text);
        return EXIT_USAGE;
    }
    uint64_t v = whole * mult + (frac * mult) / frac_div;
    if (v == 0 || v > 100000u) {
        out_error("bad SWD clock '%s': give 1 kHz to 100 MHz (the value is in kHz unless it "
                  "ends with M)",
                  text);
        return EXIT_USAGE;
    }
    *khz = (uint32_t)v;
    return EXIT_OK;
}

int parse_connect(const char *text, enum stflash_connect *out)
{
    if (strcmp(text, "normal") == 0)
        *out = STFLASH_CONNECT_NORMAL;
    else if (strcmp(text, "under-reset") == 0 || strcmp(text, "under_reset") == 0)
        *out = STFLASH_CONNECT_UNDER_RESET;
    else if (strcmp(text, "hot-plug") == 0 || strcmp(text, "hot_plug") == 0 ||
             strcmp(text, "hotplug") == 0)
        *out = STFLASH_CONNECT_HOT_PLUG;
    else {
        out_error("bad connect mode '%s': give normal, under-reset or hot-plug", text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int bad_selector(const char *text, const char *why)
{
    out_error("bad probe selector '%s': %s (forms: " SELECTOR_FORMS ")", text, why);
    return EXIT_USAGE;
}

int check_selector(const char *text)
{
    if (!text || !*text)
        return EXIT_OK;
    if (multi_selector_is_multi(text)) /* several probes: each element checked (multi_select.c) */
        return multi_check_selector(text);
    if (strncmp(text, "sim", 3) == 0 && (text[3] == '\0' || text[3] == ':' || text[3] == ','))
        return EXIT_OK; /* chip names and options are the library's to check */
    if (strncmp(text, "tcp", 3) == 0 && (text[3] == '\0' || text[3] == ':')) {
        const char *rest = text[3] ? text + 4 : "";
        const char *slash = strchr(rest, '/');
        size_t hp = slash ? (size_t)(slash - rest) : strlen(rest);
        const char *colon = memchr(rest, ':', hp);
        if (colon) {
            size_t n = hp - (size_t)(colon - rest) - 1;
            unsigned long port = 0;
            bool ok = n > 0 && n <= 5;
            for (size_t i = 0; ok && i < n; i++) {
                if (!isdigit((unsigned char)colon[1 + i]))
                    ok = false;
                else
                    port = port * 10 + (unsigned long)(colon[1 + i] - '0');
            }
            if (!ok || port < 1 || port > 65535)
                return bad_selector(text, "the port must be a number from 1 to 65535");
        }
        if (slash && !slash[1])
            return bad_selector(text, "nothing after '/': give the probe's serial or drop '/'");
        return EXIT_OK;
    }
    const char *serial = text;
    if (strncmp(text, "usb", 3) == 0 && (text[3] == '\0' || text[3] == ':'))
        serial = text[3] ? text + 4 : "";
    else if (strchr(text, ':'))
        return bad_selector(text, "unknown kind before ':'");
    for (const char *p = serial; *p; p++)
        if (!isgraph((unsigned char)*p))
            return bad_selector(text, "a serial has no spaces or control characters");
    return EXIT_OK;
}
