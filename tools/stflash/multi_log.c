/*
 * The production log (--log FILE): one JSON object per board and line, appended with a single
 * write(2) to a file opened O_APPEND (so runs on one machine never interleave lines) and
 * fsync'd before the board counts as done, so a crash or power cut loses no finished board.
 * docs/production.md describes the fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json_out.h"
#include "multi.h"

struct multi_log {
    int fd;
    char *path;
};

struct multi_log *multi_log_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        out_error("cannot open the log '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct multi_log *log = calloc(1, sizeof *log);
    if (log)
        log->path = strdup(path);
    if (!log || !log->path) {
        close(fd);
        free(log);
        out_error("out of memory");
        return NULL;
    }
    log->fd = fd;
    return log;
}

void multi_log_close(struct multi_log *log)
{
    if (!log)
        return;
    close(log->fd);
    free(log->path);
    free(log);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02X", p[i]);
}

static void range(struct json_object *arr, uint64_t lo, uint64_t end)
{
    char text[24];
    struct json_object *o = jout_arr_obj(arr);
    snprintf(text, sizeof text, "0x%08llx", (unsigned long long)lo);
    jout_str(o, "start", text);
    snprintf(text, sizeof text, "0x%08llx", (unsigned long long)(end - 1));
    jout_str(o, "end", text);
}

/* The address ranges the job covered: the image's segments, and the board's data where it lies
 * outside them. */
static void ranges(struct json_object *arr, const struct multi_board *b,
                   const struct stflash_image *img)
{
    bool data_inside = false;
    for (size_t i = 0; img && i < stflash_image_segment_count(img); i++) {
        const struct stflash_segment *s = stflash_image_segment(img, i);
        range(arr, s->addr, (uint64_t)s->addr + s->len);
        data_inside |= b->have_data && b->data_addr >= s->addr &&
                       (uint64_t)b->data_addr + b->data_len <= (uint64_t)s->addr + s->len;
    }
    if (b->have_data && !data_inside)
        range(arr, b->data_addr, (uint64_t)b->data_addr + b->data_len);
    if (b->erased_end > b->erased_lo)
        range(arr, b->erased_lo, b->erased_end);
}

bool multi_log_board(struct multi_log *log, const struct multi_board *b, const char *command,
                     const char *image_path, const char *image_sha256,
                     const struct stflash_image *img)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return false;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40], stamp[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof stamp, "%s.%03dZ", when, (int)(ts.tv_nsec / 1000000L));
    struct json_object *r = json_object_new_object();
    jout_str(r, "time", stamp);
    jout_str(r, "command", command);
    jout_str(r, "probe", b->selector);
    jout_str(r, "probe_serial", b->probe_serial[0] ? b->probe_serial : NULL);
    jout_str(r, "chip", b->chip[0] ? b->chip : NULL);
    if (b->dev_id)
        jout_hex(r, "dev_id", b->dev_id, 3);
    else
        jout_null(r, "dev_id");
    char uid[25];
    hex(uid, b->uid, sizeof b->uid);
    jout_str(r, "uid", b->have_uid ? uid : NULL);
    jout_str(r, "image", image_path);
    jout_str(r, "image_sha256", image_sha256);
    ranges(jout_arr(r, "ranges"), b, img);
    if (b->have_data) {
        char bytes[2 * sizeof b->data + 1];
        hex(bytes, b->data, b->data_len);
        struct json_object *d = jout_obj(r, "data");
        jout_hex(d, "addr", b->data_addr, 8);
        jout_str(d, "bytes", bytes);
        jout_str(d, "value", b->data_text);
    } else {
        jout_null(r, "data");
    }
    struct json_object *phases = jout_arr(r, "phases");
    for (size_t i = 0; i < b->nphases; i++) {
        struct json_object *p = jout_arr_obj(phases);
        jout_str(p, "name", b->phases[i].name);
        jout_fixed(p, "seconds", b->phases[i].seconds, 3);
    }
    jout_fixed(r, "seconds", b->seconds, 3);
    jout_str(r, "result", b->state == BOARD_OK ? "ok" : "failed");
    jout_str(r, "error", b->state == BOARD_OK ? NULL : b->error ? b->error : "failed");
    jout_line(f, r);
    if (fclose(f) != 0) {
        free(text);
        return false;
    }
    /* One write: O_APPEND places it whole at the end; then to the disk before going on. */
    bool ok = write(log->fd, text, len) == (ssize_t)len && fsync(log->fd) == 0;
    if (!ok)
        fprintf(stderr, "stflash: cannot write the log '%s': %s\n", log->path, strerror(errno));
    free(text);
    return ok;
}

/* The string member `key` of o copied into out; false when absent, not a string or too long. */
static bool field(struct json_object *o, const char *key, char *out, size_t cap)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return false;
    const char *text = json_object_get_string(v);
    if (strlen(text) >= cap)
        return false;
    strcpy(out, text);
    return true;
}

/* A record of a board that was given a value: its result "ok" and a "data" object. */
static bool seen_in(const char *line, struct multi_log_seen *s)
{
    struct json_object *r = json_tokener_parse(line), *data;
    char result[8];
    bool ok = r && field(r, "result", result, sizeof result) && strcmp(result, "ok") == 0 &&
              json_object_object_get_ex(r, "data", &data) &&
              json_object_is_type(data, json_type_object) &&
              field(r, "uid", s->uid, sizeof s->uid) &&
              field(data, "value", s->value, sizeof s->value);
    json_object_put(r);
    return ok;
}

int multi_log_read_seen(const char *path, struct multi_log_seen **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        out_error("cannot read the log '%s': %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, n = 0, alloc = 0;
    struct multi_log_seen *seen = NULL;
    while (getline(&line, &cap, f) > 0) {
        struct multi_log_seen s;
        memset(&s, 0, sizeof s);
        if (!seen_in(line, &s))
            continue;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            struct multi_log_seen *m = realloc(seen, alloc * sizeof *m);
            if (!m) {
                free(seen);
                free(line);
                fclose(f);
                out_error("out of memory reading the log '%s'", path);
                return -1;
            }
            seen = m;
        }
        seen[n++] = s;
    }
    free(line);
    fclose(f);
    *out = seen;
    *count = n;
    return 0;
}

int multi_file_sha256(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    SHA2_CTX md;
    SHA256Init(&md);
    uint8_t buf[16384];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        SHA256Update(&md, buf, n);
    int rc = ferror(f) ? -1 : 0;
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256Final(digest, &md);
    fclose(f);
    if (rc == 0)
        for (unsigned i = 0; i < 32; i++)
            snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return rc;
}
