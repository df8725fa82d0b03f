/*
 * stflash-st-flash: the st-flash command of stlink-tools 1.7.0 (same arguments, same output), on
 * the stflash library. The probe is the one of $STFLASH_PROBE (any stflash selector) and
 * --serial, else the only ST-LINK on USB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

enum command { CMD_NONE, CMD_READ, CMD_WRITE, CMD_ERASE, CMD_RESET };
enum area {
    AREA_MAIN,
    AREA_SYSTEM,
    AREA_OTP,
    AREA_OPTION,
    AREA_OPTION_BOOT_ADD,
    AREA_OPTCR,
    AREA_OPTCR1
};

struct options {
    bool debug, reset, opt, ihex;
    const char *serial;
    uint32_t flash_size;
    uint32_t khz;
    enum stflash_connect connect;
    enum area area;
    enum command cmd;
    const char *path;
    uint32_t addr, size, value;
    bool have_size;
};

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

/* What stlink-tools says about the option areas on a chip it cannot handle. stlink-tools 1.7.0
 * does not handle them on F0/F1/F3, and those are the only parts whose option bytes stflash
 * reaches (stflash options): these answers are given for every chip. */
static const struct area_text {
    const char *read_args, *write_args;
    const char *read_error, *read_fail;
    const char *write_error; /* followed by "Flash option write failed!" unless write_fail */
    const char *write_fail;
} area_texts[] = {
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

/* Returns 0, or the exit status after printing the usage. `version` is set for --version. */
static int parse(int argc, char **argv, struct options *o, bool *version)
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

/* ---- the session ---- */

struct session {
    struct compat c;
    struct options *o;
    struct stflash_dev *dev;
    struct compat_target t;
    /* write progress */
    uint32_t addr, len, page;
    bool erase_reported, program_started, verify_started;
    uint32_t pages_shown;
    uint32_t fault_status[3]; /* DFSR, CFSR, HFSR before the write */
};

static const uint32_t fault_regs[3] = {0xE000ED30u, 0xE000ED28u, 0xE000ED2Cu};
static const char *const fault_names[3] = {"DFSR", "CFSR", "HFSR"};

/* The fault status registers are cleared before the loader runs (write one to clear). */
static void read_fault_status(struct session *s)
{
    for (int i = 0; i < 3; i++) {
        uint32_t v = 0;
        if (stflash_read32(s->dev, fault_regs[i], &v) != 0)
            v = 0;
        s->fault_status[i] = v;
        if (v)
            (void)stflash_write32(s->dev, fault_regs[i], v);
    }
}

static void report_erase(struct session *s)
{
    if (s->erase_reported)
        return;
    s->erase_reported = true;
    uint32_t first = s->addr - (s->addr - s->t.info.flash_base) % s->page;
    uint32_t pages = 0;
    for (uint64_t a = first; a < (uint64_t)s->addr + s->len; a += s->page, pages++)
        compat_log(CL_INFO, "common.c", "Flash page at addr: 0x%08x erased", (uint32_t)a);
    compat_log(CL_INFO, "common.c", "Finished erasing %u pages of %u (%#x) bytes", pages, s->page,
               s->page);
}

static const char *flash_kind(const struct stflash_target_info *t)
{
    switch (t->chip ? t->chip->flash_ctrl : STFLASH_CTRL_UNKNOWN) {
    case STFLASH_CTRL_F0_F1_F3:
        return "VL/F0/F3/F1_XL";
    case STFLASH_CTRL_L0_L1:
        return "L0/L1";
    case STFLASH_CTRL_F2_F4:
    case STFLASH_CTRL_F7:
    case STFLASH_CTRL_L4_STYLE:
        return "F2/F4/F7/L4";
    case STFLASH_CTRL_H7:
    case STFLASH_CTRL_H7AB:
    case STFLASH_CTRL_H7RS:
        return "H7";
    default:
        return "VL/F0/F3/F1_XL";
    }
}

static void on_progress(void *user, const struct stflash_progress *ev)
{
    struct session *s = user;
    uint32_t pages = (s->len + s->page - 1) / s->page;
    switch (ev->phase) {
    case STFLASH_PHASE_ERASE:
        if (ev->done == ev->total)
            report_erase(s);
        break;
    case STFLASH_PHASE_PROGRAM:
        report_erase(s);
        if (!s->program_started) {
            s->program_started = true;
            compat_log(CL_INFO, "common.c", "Starting Flash write for %s", flash_kind(&s->t.info));
            compat_log(CL_INFO, "flash_loader.c", "Successfully loaded flash loader in sram");
            for (int i = 0; i < 3; i++)
                if (s->fault_status[i])
                    compat_log(CL_INFO, "flash_loader.c", "Clear %s", fault_names[i]);
        }
        {
            uint32_t now = ev->done >= ev->total ? pages : (uint32_t)(ev->done / s->page);
            while (s->pages_shown < now) {
                s->pages_shown++;
                printf("\r%3u/%3u pages written", s->pages_shown, pages);
            }
            if (ev->done >= ev->total)
                putchar('\n');
            fflush(stdout);
        }
        break;
    case STFLASH_PHASE_VERIFY:
        if (!s->verify_started) {
            s->verify_started = true;
            compat_log(CL_INFO, "common.c", "Starting verification of write complete");
        }
        break;
    case STFLASH_PHASE_READ:
        break;
    }
}

static int read_file(const char *path, uint8_t **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        fprintf(stderr, "open(%s) == -1\n", path);
        compat_log(CL_ERROR, "common.c", "map_file() == -1");
        compat_log(CL_ERROR, "stflash", "cannot open '%s': %s", path, strerror(e));
        return -1;
    }
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap >= STFLASH_IMAGE_MAX_BYTES) {
                compat_log(CL_ERROR, "stflash", "'%s' is larger than %u MiB", path,
                           STFLASH_IMAGE_MAX_BYTES >> 20);
                free(buf);
                buf = NULL;
                break;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool err = ferror(f);
    fclose(f);
    if (!buf || err) {
        if (err)
            compat_log(CL_ERROR, "stflash", "cannot read '%s': %s", path, strerror(errno));
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* The line stlink-tools logs for a broken Intel HEX file, from the library's explanation. */
static const char *ihex_complaint(const char *msg)
{
    unsigned len = 0, present = 0;
    const char *r = strstr(msg, "record length ");
    if (strstr(msg, "expected ':'"))
        return "Wrong file format - no marker";
    if (strstr(msg, "end-of-file record"))
        return "No EoF recond";
    if (r &&
        sscanf(r, "record length 0x%x does not match the %u data bytes", &len, &present) == 2 &&
        present > len)
        return "Wrong file format - record length mismatch";
    if (r || strstr(msg, "checksum"))
        return "Wrong file format - checksum mismatch";
    return NULL;
}

/* Intel HEX files are written as one block from their lowest to their highest address, gaps
 * filled with the erased value, as stlink-tools does. */
static int load_ihex(struct session *s, uint8_t **data, size_t *len, uint32_t *addr)
{
    struct stflash_image *img = NULL;
    struct stflash_image_error err;
    int rc = stflash_image_load(s->o->path, STFLASH_IMAGE_IHEX, 0, &img, &err);
    if (rc != 0) {
        const char *complaint = ihex_complaint(err.msg);
        if (complaint)
            compat_log(CL_ERROR, "common.c", "%s", complaint);
        compat_log(CL_ERROR, "stflash", "%s: %s", s->o->path,
                   err.msg[0] ? err.msg : stflash_strerror(rc));
        printf("Cannot parse %s as Intel-HEX file\n", s->o->path);
        return -1;
    }
    uint32_t lo = 0, hi = 0;
    rc = stflash_image_lowest_address(img, &lo);
    if (rc == 0)
        rc = stflash_image_highest_address(img, &hi);
    size_t n = rc == 0 ? (size_t)(hi - lo) + 1 : 0;
    uint8_t *buf = rc == 0 && n <= STFLASH_IMAGE_MAX_BYTES ? malloc(n) : NULL;
    if (!buf) {
        compat_log(CL_ERROR, "stflash", "%s: %s", s->o->path,
                   rc ? "holds no data" : "spans too large a range");
        printf("Cannot parse %s as Intel-HEX file\n", s->o->path);
        stflash_image_free(img);
        return -1;
    }
    memset(buf, 0xff, n);
    for (size_t i = 0; i < stflash_image_segment_count(img); i++) {
        const struct stflash_segment *seg = stflash_image_segment(img, i);
        memcpy(buf + (seg->addr - lo), seg->data, seg->len);
    }
    stflash_image_free(img);
    *data = buf;
    *len = n;
    *addr = lo;
    return 0;
}

static bool in_region(uint32_t addr, uint32_t base, uint32_t size)
{
    return size && addr >= base && addr - base < size;
}

static int finish_target(struct session *s)
{
    int rc = s->o->reset ? stflash_reset(s->dev, STFLASH_RESET_AUTO, false) : stflash_run(s->dev);
    if (rc != 0) {
        compat_log_failure(&s->c, rc);
        if (s->o->reset)
            puts("Failed to reset device");
        return COMPAT_EXIT_FAIL;
    }
    return 0;
}

static int do_write_main(struct session *s)
{
    const struct stflash_target_info *ti = &s->t.info;
    uint8_t *data = NULL;
    size_t len = 0;
    uint32_t addr = s->o->addr;
    if (s->o->ihex && load_ihex(s, &data, &len, &addr) != 0)
        return COMPAT_EXIT_FAIL;
    bool flash = in_region(addr, ti->flash_base, ti->flash_size);
    bool sram = !flash && in_region(addr, ti->sram_base, ti->sram_size);
    if (!flash && !sram) {
        puts("Unknown memory region");
        compat_log(CL_ERROR, "stflash",
                   "0x%08x is neither in flash (0x%08x, %u bytes) nor in SRAM (0x%08x, %u bytes)",
                   addr, ti->flash_base, ti->flash_size, ti->sram_base, ti->sram_size);
        free(data);
        return COMPAT_EXIT_FAIL;
    }
    const char *failed = flash ? "stlink_fwrite_flash() == -1" : "stlink_fwrite_sram() == -1";
    if (!s->o->ihex) {
        if (read_file(s->o->path, &data, &len) != 0) {
            puts(failed);
            return COMPAT_EXIT_FAIL;
        }
        uint8_t md5[16];
        compat_md5(data, len, md5);
        uint32_t sum = 0;
        for (size_t i = 0; i < len; i++)
            sum += data[i];
        printf("file %s md5 checksum: ", s->o->path);
        for (int i = 0; i < 16; i++)
            printf("%x", md5[i]);
        printf(", stlink checksum: 0x%08x\n", sum);
    }
    int status = 0;
    if (len == 0) {
        compat_log(CL_ERROR, "stflash", "'%s' is empty: nothing to write", s->o->path);
        puts(failed);
        free(data);
        return COMPAT_EXIT_FAIL;
    }
    if (flash) {
        compat_log(CL_INFO, "common.c",
                   "Attempting to write %zu (%#zx) bytes to stm32 address: %u (%#x)", len, len,
                   addr, addr);
        s->page = s->t.page_size ? s->t.page_size : (ti->page_size ? ti->page_size : 1024u);
        if (addr & 1u) {
            compat_log(CL_ERROR, "common.c", "unaligned addr %#x", addr);
            status = COMPAT_EXIT_FAIL;
        } else if ((uint64_t)addr + len > (uint64_t)ti->flash_base + ti->flash_size) {
            compat_log(CL_ERROR, "common.c", "addr too high");
            compat_log(CL_ERROR, "stflash",
                       "%zu bytes at 0x%08x run past the end of the flash (0x%08x, %u bytes)", len,
                       addr, ti->flash_base, ti->flash_size);
            status = COMPAT_EXIT_FAIL;
        } else if ((addr - ti->flash_base) % s->page) {
            compat_log(CL_ERROR, "common.c",
                       "addr not a multiple of current pagesize (%u bytes), not supported, check "
                       "page start address and compare with flash module organisation in "
                       "related ST reference manual of your device.",
                       s->page);
            status = COMPAT_EXIT_FAIL;
        }
        if (status == 0 && (len & 1u)) {
            compat_log(CL_WARN, "common.c", "unaligned len %#zx -- padding with zero", len);
            uint8_t *nb = realloc(data, len + 1);
            if (!nb) {
                status = COMPAT_EXIT_FAIL;
            } else {
                data = nb;
                data[len++] = 0;
            }
        }
    }
    /* st-flash erases every page it writes to: the rest of the last page ends up erased. */
    size_t write_len = len;
    if (status == 0 && flash && len % s->page) {
        size_t padded = len + (s->page - len % s->page);
        uint8_t *nb = realloc(data, padded);
        if (!nb) {
            status = COMPAT_EXIT_FAIL;
        } else {
            data = nb;
            memset(data + len, 0xff, padded - len);
            write_len = padded;
        }
    }
    struct stflash_image *img = NULL;
    if (status == 0) {
        int rc = stflash_image_parse_buffer(data, write_len, STFLASH_IMAGE_BIN, addr, &img, NULL);
        if (rc != 0) {
            compat_log(CL_ERROR, "stflash", "%s", stflash_strerror(rc));
            status = COMPAT_EXIT_FAIL;
        }
    }
    if (status == 0) {
        s->addr = addr;
        s->len = (uint32_t)len;
        if (flash)
            read_fault_status(s);
        stflash_ctx_set_progress(s->c.ctx, flash ? on_progress : NULL, s);
        /* st-flash erases and programs every page it writes to, unchanged or not. */
        const struct stflash_write_options wo = {.full = true};
        int rc = stflash_write_image(s->dev, img, &wo);
        stflash_ctx_set_progress(s->c.ctx, NULL, NULL);
        if (rc != 0) {
            if (s->pages_shown)
                putchar('\n');
            compat_log_failure(&s->c, rc);
            status = COMPAT_EXIT_FAIL;
        } else if (flash) {
            compat_log(CL_INFO, "common.c", "Flash written and verified! jolly good!");
        }
    }
    if (status != 0)
        puts(failed);
    else
        status = finish_target(s);
    stflash_image_free(img);
    free(data);
    return status;
}

static int save_file(struct session *s, const char *path, uint32_t addr, const uint8_t *data,
                     size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        compat_log(CL_ERROR, "stflash", "cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    if (s->o->ihex) {
        /* st-flash ends Intel HEX lines with CR LF. */
        char *text = NULL;
        size_t text_len = 0;
        FILE *m = open_memstream(&text, &text_len);
        rc = m ? stflash_image_write_ihex(addr, data, len, 16, m) : STFLASH_ERR_NO_MEMORY;
        if (m && fclose(m) != 0 && rc == 0)
            rc = STFLASH_ERR_NO_MEMORY;
        for (size_t i = 0; rc == 0 && i < text_len; i++)
            if ((text[i] == '\n' && fputc('\r', f) == EOF) || fputc(text[i], f) == EOF)
                rc = STFLASH_ERR_IO;
        free(text);
    } else if (fwrite(data, 1, len, f) != len) {
        rc = STFLASH_ERR_IO;
    }
    if (fclose(f) != 0 && rc == 0)
        rc = STFLASH_ERR_IO;
    if (rc != 0) {
        compat_log(CL_ERROR, "stflash", "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int do_read(struct session *s, uint32_t addr, uint32_t size)
{
    compat_log(CL_INFO, "common.c", "read from address %#010x size %u", addr, size);
    if ((uint64_t)addr + size > 0x100000000ull || size > STFLASH_IMAGE_MAX_BYTES) {
        compat_log(CL_ERROR, "stflash", "cannot read %u bytes at 0x%08x: give a smaller size", size,
                   addr);
        printf("could not read main memory (%d)\n", -1);
        return COMPAT_EXIT_FAIL;
    }
    uint8_t *buf = malloc(size ? size : 1);
    int rc = buf ? stflash_mem_read(s->dev, addr, buf, size) : STFLASH_ERR_NO_MEMORY;
    if (rc != 0) {
        compat_log_failure(&s->c, rc);
        printf("could not read main memory (%d)\n", -1);
        free(buf);
        return COMPAT_EXIT_FAIL;
    }
    int status = save_file(s, s->o->path, addr, buf, size) == 0 ? 0 : COMPAT_EXIT_FAIL;
    free(buf);
    return status;
}

/* The option areas: answered as stlink-tools does for a chip it cannot handle (but always with a
 * failure status). */
static int do_option_area(struct session *s)
{
    const struct area_text *t = &area_texts[s->o->area];
    if (s->o->cmd == CMD_READ) {
        /* stlink-tools reads main memory at 0 when given a file: kept for compatibility. */
        if (s->o->area == AREA_OPTION && s->o->path)
            return do_read(s, 0, s->o->have_size ? s->o->size : 0);
        compat_log(CL_ERROR, "common.c", "%s", t->read_error);
        puts(t->read_fail);
        return COMPAT_EXIT_FAIL;
    }
    if (s->o->area == AREA_OPTION)
        compat_log(CL_WARN, "common.c", "About to write option byte %#10x to %#10x.", s->o->value,
                   0u);
    compat_log(CL_ERROR, "common.c", "%s", t->write_error);
    if (t->write_fail)
        puts(t->write_fail);
    else
        compat_log(CL_ERROR, "common.c", "Flash option write failed!");
    return COMPAT_EXIT_FAIL;
}

int main(int argc, char **argv)
{
    struct options o;
    bool version = false;
    int status = parse(argc, argv, &o, &version);
    if (status)
        return status;
    if (version) {
        printf("v%s\n", COMPAT_ST_VERSION);
        return 0;
    }
    printf("st-flash %s\n", COMPAT_ST_VERSION);
    fflush(stdout);

    struct session s;
    memset(&s, 0, sizeof s);
    s.o = &o;
    const char *slash = strrchr(argv[0], '/');
    if (compat_init(&s.c, slash ? slash + 1 : argv[0], o.serial, o.debug) != 0)
        return COMPAT_EXIT_FAIL;
    /* Reading needs no halt; everything else halts the core first, as st-flash does. */
    bool halt = o.cmd != CMD_READ;
    int rc = compat_open(&s.c, o.connect, o.khz, o.flash_size, halt, &s.dev);
    if (rc != 0) {
        if (rc == STFLASH_ERR_TARGET || rc == STFLASH_ERR_TIMEOUT)
            puts("Failed to connect to target");
        else if (rc == STFLASH_ERR_INVALID_ARG)
            compat_log(CL_ERROR, "stflash",
                       "choose the probe with --serial SERIAL or "
                       "STFLASH_PROBE (list them with 'st-info --probe')");
        compat_done(&s.c);
        return COMPAT_EXIT_FAIL;
    }
    compat_describe(s.dev, &s.t);
    const struct stflash_target_info *ti = &s.t.info;
    /* Sizes as read from the chip, before --flash applies. */
    uint32_t shown_flash = o.flash_size ? ti->flash_size_reg_raw * 1024u : s.t.flash_size;
    const char *name = s.t.descr ? s.t.descr : (ti->chip ? ti->chip->name : "unknown device");
    if (s.t.page_size >= 1024)
        compat_log(CL_INFO, "common.c", "%s: %u KiB SRAM, %u KiB flash in at least %u KiB pages.",
                   name, s.t.sram_size / 1024u, shown_flash / 1024u, s.t.page_size / 1024u);
    else
        compat_log(CL_INFO, "common.c", "%s: %u KiB SRAM, %u KiB flash in at least %u byte pages.",
                   name, s.t.sram_size / 1024u, shown_flash / 1024u, s.t.page_size);
    if (o.flash_size && o.flash_size != shown_flash)
        printf("Forcing flash size: --flash=0x%08X\n", o.flash_size);

    bool option_area = o.area != AREA_MAIN && o.area != AREA_SYSTEM;
    switch (o.cmd) {
    case CMD_WRITE:
        status = option_area ? do_option_area(&s) : do_write_main(&s);
        break;
    case CMD_READ:
        status = option_area ? do_option_area(&s) : do_read(&s, o.addr, o.size);
        break;
    case CMD_ERASE:
        puts("Mass erasing");
        fflush(stdout);
        rc = stflash_flash_mass_erase(s.dev);
        if (rc != 0) {
            compat_log_failure(&s.c, rc);
            puts("stlink_erase_flash_mass() == -1");
            status = COMPAT_EXIT_FAIL;
        }
        break;
    case CMD_RESET:
        rc = stflash_reset(s.dev, STFLASH_RESET_AUTO, false);
        if (rc != 0) {
            compat_log_failure(&s.c, rc);
            puts("Failed to reset device");
            status = COMPAT_EXIT_FAIL;
        }
        break;
    case CMD_NONE:
        break;
    }
    fflush(stdout);
    stflash_close(s.dev);
    compat_done(&s.c);
    return status;
}
