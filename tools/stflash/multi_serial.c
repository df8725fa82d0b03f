/*
 * Per-board data (--serial-at ADDR): a value written with the image at ADDR, different on every
 * board. From a counter (--serial-start N: the next value no board in the log holds; a board the
 * log already knows by its unique ID gets its value again) or from a CSV of chip unique IDs
 * (--serial-csv FILE, lines "UID,VALUE"). As a 32-bit little-endian word (u32) or as text with a
 * terminating NUL (ascii). A value the log gives another chip is refused.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multi.h"

static bool is_uid(const char *s)
{
    if (strlen(s) != 24)
        return false;
    for (const char *p = s; *p; p++)
        if (!isxdigit((unsigned char)*p))
            return false;
    return true;
}

static int parse_u32_value(const char *text, uint32_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (!*text || *end || text[0] == '-' || v > 0xffffffffull)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int read_csv(struct multi_serial *s, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        out_error("cannot read the serial CSV '%s': check the path", path);
        return EXIT_USAGE;
    }
    char line[256];
    unsigned long no = 0;
    size_t cap = 0;
    int rc = EXIT_OK;
    while (rc == EXIT_OK && fgets(line, sizeof line, f)) {
        no++;
        line[strcspn(line, "\r\n")] = '\0';
        char *comma = strchr(line, ',');
        if (!line[0] || line[0] == '#')
            continue;
        if (!comma) {
            out_error("%s:%lu: expected UID,VALUE", path, no);
            rc = EXIT_USAGE;
            break;
        }
        *comma = '\0';
        const char *value = comma + 1;
        if (!is_uid(line)) {
            if (no == 1)
                continue; /* a header line */
            out_error("%s:%lu: '%s' is not a unique ID: give its 24 hex digits", path, no, line);
            rc = EXIT_USAGE;
            break;
        }
        uint32_t v = 0;
        if (!*value || strlen(value) >= sizeof s->csv[0].value ||
            (s->format == SERIAL_U32 && parse_u32_value(value, &v) != 0)) {
            out_error("%s:%lu: bad value '%s' for --serial-format %s", path, no, value,
                      s->format == SERIAL_U32 ? "u32 (a number up to 0xffffffff)"
                                              : "ascii (up to 47 characters)");
            rc = EXIT_USAGE;
            break;
        }
        if (s->ncsv == cap) {
            cap = cap ? cap * 2 : 64;
            struct multi_log_seen *m = realloc(s->csv, cap * sizeof *m);
            if (!m) {
                rc = EXIT_FAILED;
                break;
            }
            s->csv = m;
        }
        struct multi_log_seen *row = &s->csv[s->ncsv++];
        memset(row, 0, sizeof *row);
        for (size_t i = 0; i < 24; i++)
            row->uid[i] = (char)toupper((unsigned char)line[i]);
        /* Numbers in one spelling, so that 0x10 and 16 are seen as the same value. */
        if (s->format == SERIAL_U32)
            snprintf(row->value, sizeof row->value, "%u", v);
        else
            snprintf(row->value, sizeof row->value, "%s", value);
    }
    fclose(f);
    if (rc == EXIT_OK && s->ncsv == 0) {
        out_error("no UID,VALUE lines in '%s'", path);
        rc = EXIT_USAGE;
    }
    return rc;
}

int multi_serial_setup(struct multi_serial *s, const struct cmdline *cl, const char *log_path)
{
    memset(s, 0, sizeof *s);
    const char *at = cmd_opt_value(cl, MOPT_SERIAL_AT);
    const char *fmt = cmd_opt_value(cl, MOPT_SERIAL_FORMAT);
    const char *start = cmd_opt_value(cl, MOPT_SERIAL_START);
    const char *csv = cmd_opt_value(cl, MOPT_SERIAL_CSV);
    if (!at) {
        if (fmt || start || csv) {
            out_error("--serial-format, --serial-start and --serial-csv need --serial-at ADDR "
                      "(where the value goes)");
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (parse_address(at, "--serial-at address", &s->addr))
        return EXIT_USAGE;
    if (!fmt || strcmp(fmt, "u32") == 0) {
        s->format = SERIAL_U32;
    } else if (strcmp(fmt, "ascii") == 0) {
        s->format = SERIAL_ASCII;
    } else {
        out_error("unknown --serial-format '%s': give u32 (little-endian word) or ascii", fmt);
        return EXIT_USAGE;
    }
    if (s->format == SERIAL_U32 && s->addr % 4) {
        out_error("--serial-at 0x%08x is not word-aligned: a u32 value goes at a multiple of 4",
                  s->addr);
        return EXIT_USAGE;
    }
    if (!start == !csv) {
        out_error("--serial-at needs the values: --serial-start N (a counter) or --serial-csv "
                  "FILE (UID,VALUE lines), one of them");
        return EXIT_USAGE;
    }
    if (start && !log_path) {
        out_error("--serial-start needs --log FILE: the log is where the values already given "
                  "are remembered, so no two boards get the same one");
        return EXIT_USAGE;
    }
    if (start) {
        uint32_t v;
        if (parse_u32_value(start, &v) != 0) {
            out_error("bad --serial-start '%s': give a number from 0 to 0xffffffff", start);
            return EXIT_USAGE;
        }
        s->next = v;
    } else {
        s->from_csv = true;
        int rc = read_csv(s, csv);
        if (rc)
            return rc;
    }
    if (log_path && multi_log_read_seen(log_path, &s->seen, &s->nseen) != 0)
        return EXIT_FAILED;
    s->enabled = true;
    return EXIT_OK;
}

void multi_serial_free(struct multi_serial *s)
{
    free(s->csv);
    free(s->seen);
    free(s->given);
    memset(s, 0, sizeof *s);
}

/* The chip that holds `value` already (log or this run), other than uid; NULL when none. */
static const char *holder(const struct multi_serial *s, const char *value, const char *uid)
{
    for (size_t i = 0; i < s->nseen; i++)
        if (strcmp(s->seen[i].value, value) == 0 && strcmp(s->seen[i].uid, uid) != 0)
            return s->seen[i].uid;
    for (size_t i = 0; i < s->ngiven; i++)
        if (strcmp(s->given[i].value, value) == 0 && strcmp(s->given[i].uid, uid) != 0)
            return s->given[i].uid;
    return NULL;
}

static int remember(struct multi_serial *s, const char *uid, const char *value)
{
    if (s->ngiven == s->given_cap) {
        size_t cap = s->given_cap ? s->given_cap * 2 : 16;
        struct multi_log_seen *m = realloc(s->given, cap * sizeof *m);
        if (!m)
            return -1;
        s->given = m;
        s->given_cap = cap;
    }
    struct multi_log_seen *g = &s->given[s->ngiven++];
    memset(g, 0, sizeof *g);
    snprintf(g->uid, sizeof g->uid, "%s", uid);
    snprintf(g->value, sizeof g->value, "%s", value);
    return 0;
}

int multi_serial_assign(struct multi_serial *s, struct multi_board *b, char *err, size_t cap)
{
    if (!b->have_uid) {
        snprintf(err, cap,
                 "the chip's unique ID cannot be read (unknown part or its address "
                 "is not in the chip table): no per-board value without it");
        return -1;
    }
    char uid[25];
    for (size_t i = 0; i < 12; i++)
        snprintf(uid + 2 * i, 3, "%02X", b->uid[i]);
    char value[48] = "";
    if (s->from_csv) {
        for (size_t i = 0; i < s->ncsv && !value[0]; i++)
            if (strcmp(s->csv[i].uid, uid) == 0)
                snprintf(value, sizeof value, "%s", s->csv[i].value);
        if (!value[0]) {
            snprintf(err, cap, "unique ID %s is not in the serial CSV: add a line for it", uid);
            return -1;
        }
    } else {
        /* The log knows this chip: it keeps its value. */
        for (size_t i = 0; i < s->nseen && !value[0]; i++)
            if (strcmp(s->seen[i].uid, uid) == 0)
                snprintf(value, sizeof value, "%s", s->seen[i].value);
        for (size_t i = 0; i < s->ngiven && !value[0]; i++)
            if (strcmp(s->given[i].uid, uid) == 0)
                snprintf(value, sizeof value, "%s", s->given[i].value);
        while (!value[0]) {
            if (s->next > 0xffffffffull) {
                snprintf(err, cap, "the counter passed 0xffffffff: no value left");
                return -1;
            }
            char v[48];
            snprintf(v, sizeof v, "%llu", (unsigned long long)s->next++);
            if (!holder(s, v, ""))
                snprintf(value, sizeof value, "%s", v);
        }
    }
    const char *other = holder(s, value, uid);
    if (other) {
        snprintf(err, cap,
                 "value %s was already given to the chip with unique ID %s (see the "
                 "log): each board needs its own",
                 value, other);
        return -1;
    }
    if (remember(s, uid, value) != 0) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    b->have_data = true;
    b->data_addr = s->addr;
    snprintf(b->data_text, sizeof b->data_text, "%s", value);
    if (s->format == SERIAL_U32) {
        uint32_t v = (uint32_t)strtoull(value, NULL, 0);
        for (int i = 0; i < 4; i++)
            b->data[i] = (uint8_t)(v >> (8 * i));
        b->data_len = 4;
    } else {
        size_t n = strlen(value);
        memcpy(b->data, value, n);
        b->data[n] = 0;
        b->data_len = n + 1;
    }
    return 0;
}

/* Intel HEX without its end-of-file record, appended to f. */
static int hex_records(FILE *f, uint32_t addr, const uint8_t *data, size_t len)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m)
        return -1;
    int rc = stflash_image_write_ihex(addr, data, len, 0, m);
    fclose(m);
    if (rc == 0) {
        char *eof = strstr(text, ":00000001FF");
        fwrite(text, 1, eof ? (size_t)(eof - text) : n, f);
    }
    free(text);
    return rc;
}

int multi_serial_image(const struct stflash_image *img, const struct multi_board *b,
                       struct stflash_image **out, char *err, size_t cap)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    if (!f) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    int rc = 0;
    bool placed[sizeof b->data] = {false};
    for (size_t i = 0; rc == 0 && i < stflash_image_segment_count(img); i++) {
        const struct stflash_segment *s = stflash_image_segment(img, i);
        uint8_t *copy = malloc(s->len);
        if (!copy) {
            rc = -1;
            break;
        }
        memcpy(copy, s->data, s->len);
        for (size_t k = 0; k < b->data_len; k++) {
            uint64_t a = (uint64_t)b->data_addr + k;
            if (a >= s->addr && a < (uint64_t)s->addr + s->len) {
                copy[a - s->addr] = b->data[k];
                placed[k] = true;
            }
        }
        rc = hex_records(f, s->addr, copy, s->len);
        free(copy);
    }
    for (size_t k = 0; rc == 0 && k < b->data_len; k++)
        if (!placed[k])
            rc = hex_records(f, b->data_addr + (uint32_t)k, &b->data[k], 1);
    fputs(":00000001FF\n", f);
    fclose(f);
    struct stflash_image_error ie;
    memset(&ie, 0, sizeof ie);
    if (rc == 0)
        rc = stflash_image_parse_buffer((const uint8_t *)text, n, STFLASH_IMAGE_IHEX, 0, out, &ie);
    free(text);
    if (rc != 0)
        snprintf(err, cap, "cannot lay the board's value over the image: %s",
                 ie.msg[0] ? ie.msg : "out of memory");
    return rc;
}
