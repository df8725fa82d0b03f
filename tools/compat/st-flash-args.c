/* The command line of stflash-st-flash (st-flash-args.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "st-flash-args.h"

static void usage(void)
{
    puts("command line:   ./st-flash [--debug] [--reset] [--connect-under-reset] [--hot-plug] "
         "[--opt] [--serial <serial>] [--format <format>] [--flash=<fsize>] [--freq=<KHz>] "
         "[--area=<area>] {read|write} [path] [addr] [size]");
    puts("command line:   ./st-flash [--debug] [--connect-under-reset] [--hot-plug] "
         "[--freq=<KHz>] [--serial <serial>] erase");
    puts("command line:   ./st-flash [--debug] [--freq=<KHz>] [--serial <serial>] reset");
    puts("   <addr>, <serial> and <size>: Use hex format.");
    puts("   <fsize>: Use decimal, octal or hex (prefix 0xXXX) format, optionally followed by "
         "k=KB, or m=MB (eg. --flash=128k)");
    puts("   <format>: Can be 'binary' (default) or 'ihex', although <addr> must be specified "
         "for binary format only.");
    puts("   <area>: Can be 'main' (default), 'system', 'otp', 'optcr', 'optcr1', 'option' or "
         "'option_boot_add'");
    puts("print tool version info:   ./st-flash [--version]");
    puts("example read option byte: ./st-flash --area=option read [path] [size]");
    puts("example write option byte: ./st-flash --area=option write 0xXXXXXXXX");
    puts("On selected targets:");
    puts("example read boot_add option byte:  ./st-flash --area=option_boot_add read");
    puts("example write boot_add option byte: ./st-flash --area=option_boot_add write "
         "0xXXXXXXXX");
    puts("example read option control register byte:  ./st-flash --area=optcr read");
    puts("example write option control register1 byte:  ./st-flash --area=optcr write "
         "0xXXXXXXXX");
    puts("example read option control register1 byte:  ./st-flash --area=optcr1 read");
    puts("example write option control register1 byte:  ./st-flash --area=optcr1 write "
         "0xXXXXXXXX");
}

/* "invalid command line", the usage, and the reason on stderr when there is one. */
static int invalid(const char *why)
{
    if (why)
        fprintf(stderr, "*** Error: %s\n", why);
    puts("invalid command line");
    usage();
    return COMPAT_EXIT_FAIL;
}

/* A number as C writes it (0x hex, 0 octal, decimal), the whole string. */
static bool parse_u32(const char *text, uint32_t *out)
{
    if (!*text || *text == '-' || *text == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (*end || errno || v > 0xffffffffull)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_flash_size(const char *text, uint32_t *out)
{
    if (!*text || *text == '-' || *text == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 0);
    if (end == text || errno)
        return false;
    if (*end == 'k' || *end == 'K') {
        v *= 1024u;
        end++;
    } else if (*end == 'm' || *end == 'M') {
        v *= 1024u * 1024u;
        end++;
    }
    if (*end || v == 0 || v > 0xffffffffull)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_area(const char *text, enum area *out)
{
    static const struct {
        const char *name;
        enum area area;
    } areas[] = {{"main", AREA_MAIN},
                 {"system", AREA_SYSTEM},
                 {"otp", AREA_OTP},
                 {"option", AREA_OPTION},
                 {"optcr", AREA_OPTCR},
                 {"optcr1", AREA_OPTCR1},
                 {"option_boot_add", AREA_OPTION_BOOT_ADD}};
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (strcmp(text, areas[i].name) == 0) {
            *out = areas[i].area;
            return true;
        }
    return false;
}

/* An option's value: "--name=value" or "--name value". NULL when it is not this option. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

const struct area_text area_texts[] = {
    [AREA_OPTION] = {"Expected args for this command: option bytes read: [path] [size]",
                     "Expected args for this command: option byte write <value>",
                     "Option bytes read is currently not supported for connected chip",
                     "could not read option bytes (-1)",
                     "Option bytes writing is currently not supported for connected chip",
                     "stlink_write_option_bytes32() == -1"},
    [AREA_OPTION_BOOT_ADD] =
        {"Expected args for this command: option bytes boot_add read",
         "Expected args for this command: option bytes boot_add write <value>",
         "Option bytes boot address read is currently not supported for connected chip",
         "could not read option bytes boot address (-1)",
         "Option bytes boot address writing is currently not implemented for connected chip", NULL},
    [AREA_OPTCR] = {"Expected args for this command: option control register read",
                    "Expected args for this command: option control register write <value>",
                    "Option bytes read is currently not supported for connected chip",
                    "could not read option control register (-1)",
                    "Option control register writing is currently not implemented for connected "
                    "chip",
                    NULL},
    [AREA_OPTCR1] = {"Expected args for this command: option control register 1 read",
                     "Expected args for this command: option control register 1 write <value>",
                     "Option bytes read is currently not supported for connected chip",
                     "could not read option control register (-1)",
                     "Option control register 1 writing is currently not implemented for "
                     "connected chip",
                     NULL},
};

int st_flash_parse(int argc, char **argv, struct options *o, bool *version)
{
    memset(o, 0, sizeof *o);
    o->connect = STFLASH_CONNECT_NORMAL;
    const char *pos[8];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool missing = false;
        const char *v;
        if (strncmp(a, "--", 2) != 0) {
            if (o->cmd == CMD_NONE) {
                if (strcmp(a, "read") == 0)
                    o->cmd = CMD_READ;
                else if (strcmp(a, "write") == 0)
                    o->cmd = CMD_WRITE;
                else if (strcmp(a, "erase") == 0)
                    o->cmd = CMD_ERASE;
                else if (strcmp(a, "reset") == 0)
                    o->cmd = CMD_RESET;
                else
                    return invalid(NULL);
            } else {
                if (npos == (int)(sizeof pos / sizeof pos[0]))
                    return invalid(NULL);
                pos[npos++] = a;
            }
            continue;
        }
        if (strcmp(a, "--version") == 0) {
            *version = true;
            return 0;
        } else if (strcmp(a, "--debug") == 0) {
            o->debug = true;
        } else if (strcmp(a, "--reset") == 0) {
            o->reset = true;
        } else if (strcmp(a, "--opt") == 0) {
            o->opt = true;
        } else if (strcmp(a, "--connect-under-reset") == 0) {
            o->connect = STFLASH_CONNECT_UNDER_RESET;
        } else if (strcmp(a, "--hot-plug") == 0) {
            o->connect = STFLASH_CONNECT_HOT_PLUG;
        } else if ((v = option_value(argc, argv, &i, "--serial", &missing))) {
            o->serial = v;
        } else if ((v = option_value(argc, argv, &i, "--area", &missing))) {
            if (!parse_area(v, &o->area))
                return invalid(NULL);
            if (o->area == AREA_OTP)
                return invalid("Invalid value for TODO: otp not implemented yet");
        } else if ((v = option_value(argc, argv, &i, "--format", &missing))) {
            if (strcmp(v, "binary") == 0)
                o->ihex = false;
            else if (strcmp(v, "ihex") == 0)
                o->ihex = true;
            else
                return invalid("Invalid value for format");
        } else if ((v = option_value(argc, argv, &i, "--flash", &missing))) {
            if (!parse_flash_size(v, &o->flash_size))
                return invalid("Invalid value for --flash");
        } else if ((v = option_value(argc, argv, &i, "--freq", &missing))) {
            if (compat_parse_freq(v, &o->khz) != 0)
                return invalid(NULL);
        } else {
            return invalid(NULL);
        }
        if (missing)
            return invalid(NULL);
    }

    bool option_area = o->area == AREA_OPTION || o->area == AREA_OPTION_BOOT_ADD ||
                       o->area == AREA_OPTCR || o->area == AREA_OPTCR1;
    switch (o->cmd) {
    case CMD_NONE:
        return invalid(NULL);
    case CMD_ERASE:
    case CMD_RESET:
        if (npos)
            return invalid(NULL);
        return 0;
    case CMD_WRITE:
        if (option_area) {
            if (npos != 1)
                return invalid(area_texts[o->area].write_args);
            if (!parse_u32(pos[0], &o->value))
                return invalid("Invalid value for val");
            return 0;
        }
        if (o->ihex) {
            if (npos != 1)
                return invalid("Expected args for this command: write <path>");
            o->path = pos[0];
            return 0;
        }
        if (npos != 2)
            return invalid("Expected args for this command: write <path> <addr>");
        o->path = pos[0];
        if (!parse_u32(pos[1], &o->addr))
            return invalid("Invalid value for addr");
        return 0;
    case CMD_READ:
        if (option_area) {
            if (o->area != AREA_OPTION && npos > 0)
                return invalid(area_texts[o->area].read_args);
            if (npos > 2)
                return invalid(area_texts[o->area].read_args);
            o->path = npos > 0 ? pos[0] : NULL;
            if (npos > 1) {
                if (!parse_u32(pos[1], &o->size))
                    return invalid("Invalid value for size");
                o->have_size = true;
            }
            return 0;
        }
        if (npos != 3)
            return invalid("Expected args for this command: read <path> <addr> <size>");
        o->path = pos[0];
        if (!parse_u32(pos[1], &o->addr))
            return invalid("Invalid value for addr");
        if (!parse_u32(pos[2], &o->size))
            return invalid("Invalid value for size");
        o->have_size = true;
        return 0;
    }
    return invalid(NULL);
}
