/*
 * The production log (--log FILE): one JSON object per board and line, appended with a single
 * write(2) to a file opened O_APPEND (so runs on one machine never interleave lines) and
 * fsync'd before the board counts as done, so a crash or power cut loses no finished board.
 * docs/production.md describes the fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static void json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02X", p[i]);
}

static void range(FILE *f, bool *first, uint64_t lo, uint64_t end)
{
    fprintf(f, "%s{\"start\":\"0x%08llx\",\"end\":\"0x%08llx\"}", *first ? "" : ",",
            (unsigned long long)lo, (unsigned long long)(end - 1));
    *first = false;
}

/* The address ranges the job covered: the image's segments, and the board's data where it lies
 * outside them. */
static void ranges(FILE *f, const struct multi_board *b, const struct stflash_image *img)
{
    bool first = true;
    fputc('[', f);
    bool data_inside = false;
    for (size_t i = 0; img && i < stflash_image_segment_count(img); i++) {
        const struct stflash_segment *s = stflash_image_segment(img, i);
        range(f, &first, s->addr, (uint64_t)s->addr + s->len);
        data_inside |= b->have_data && b->data_addr >= s->addr &&
                       (uint64_t)b->data_addr + b->data_len <= (uint64_t)s->addr + s->len;
    }
    if (b->have_data && !data_inside)
        range(f, &first, b->data_addr, (uint64_t)b->data_addr + b->data_len);
    if (b->erased_end > b->erased_lo)
        range(f, &first, b->erased_lo, b->erased_end);
    fputc(']', f);
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
    char when[40];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(f, "{\"time\":\"%s.%03ldZ\",\"command\":", when, ts.tv_nsec / 1000000L);
    json_string(f, command);
    fputs(",\"probe\":", f);
    json_string(f, b->selector);
    fputs(",\"probe_serial\":", f);
    json_string(f, b->probe_serial[0] ? b->probe_serial : NULL);
    fputs(",\"chip\":", f);
    json_string(f, b->chip[0] ? b->chip : NULL);
    if (b->dev_id)
        fprintf(f, ",\"dev_id\":\"0x%03x\"", b->dev_id);
    else
        fputs(",\"dev_id\":null", f);
    char uid[25];
    hex(uid, b->uid, sizeof b->uid);
    fputs(",\"uid\":", f);
    json_string(f, b->have_uid ? uid : NULL);
    fputs(",\"image\":", f);
    json_string(f, image_path);
    fputs(",\"image_sha256\":", f);
    json_string(f, image_sha256);
    fputs(",\"ranges\":", f);
    ranges(f, b, img);
    if (b->have_data) {
        char bytes[2 * sizeof b->data + 1];
        hex(bytes, b->data, b->data_len);
        fprintf(f, ",\"data\":{\"addr\":\"0x%08x\",\"bytes\":\"%s\",\"value\":", b->data_addr,
                bytes);
        json_string(f, b->data_text);
        fputc('}', f);
    } else {
        fputs(",\"data\":null", f);
    }
    fputs(",\"phases\":[", f);
    for (size_t i = 0; i < b->nphases; i++)
        fprintf(f, "%s{\"name\":\"%s\",\"seconds\":%.3f}", i ? "," : "", b->phases[i].name,
                b->phases[i].seconds);
    fprintf(f, "],\"seconds\":%.3f,\"result\":\"%s\",\"error\":", b->seconds,
            b->state == BOARD_OK ? "ok" : "failed");
    json_string(f, b->state == BOARD_OK ? NULL : b->error ? b->error : "failed");
    fputs("}\n", f);
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

/* The quoted value after "key":" in line, copied into out; false when absent. */
static bool field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[40];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    if (!p)
        return false;
    p += strlen(pat);
    size_t n = 0;
    while (p[n] && p[n] != '"')
        n++;
    if (p[n] != '"' || n >= cap)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
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
        if (!strstr(line, "\"result\":\"ok\"") || !strstr(line, "\"data\":{"))
            continue;
        struct multi_log_seen s;
        memset(&s, 0, sizeof s);
        const char *data = strstr(line, "\"data\":{");
        if (!field(line, "uid", s.uid, sizeof s.uid) ||
            !field(data, "value", s.value, sizeof s.value))
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
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 ? 0 : -1;
    uint8_t buf[16384];
    size_t n;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0)
        rc = EVP_DigestUpdate(md, buf, n) == 1 ? 0 : -1;
    if (ferror(f))
        rc = -1;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (rc == 0 && (EVP_DigestFinal_ex(md, digest, &dlen) != 1 || dlen != 32))
        rc = -1;
    EVP_MD_CTX_free(md);
    fclose(f);
    if (rc == 0)
        for (unsigned i = 0; i < 32; i++)
            snprintf(out + 2 * i, 3, "%02x", digest[i]);
    return rc;
}
