/*
 * stflash-st-flash: the st-flash command of stlink-tools 1.7.0 (same arguments, same output), on
 * the stflash library. The probe is the one of $STFLASH_PROBE (any stflash selector) and
 * --serial, else the only ST-LINK on USB. The command line: st-flash-args.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "st-flash-args.h"

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
    int status = st_flash_parse(argc, argv, &o, &version);
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
