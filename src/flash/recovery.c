/*
 * The recovery file of a write job (flash/recovery.h). Format: a text header line
 * "stflash-recovery 1 dev_id=0xNNN uid=HEX spans=N\n", then per span a line
 * "0xADDR LEN\n" followed by LEN raw bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flash/recovery.h"

#define UID_BYTES 12u
#define MAX_SPANS (1u << 20)

static const char *last_error(struct flash_dev *f)
{
    return f->ctx ? f->ctx->last_error : "";
}

/* The 96-bit unique ID: RM0008 §30.2 (F1, and the F103 clones at the same place), RM0091 §33.1
 * (F0), RM0316 §34.1 (F3). 0 for families whose place is not known here. */
static uint32_t uid_addr(const struct stflash_chip_info *chip)
{
    switch (chip->family) {
    case STFLASH_FAMILY_F1:
        return 0x1FFFF7E8u;
    case STFLASH_FAMILY_F0:
    case STFLASH_FAMILY_F3:
        return 0x1FFFF7ACu;
    default:
        return 0;
    }
}

/* mkdir -p of dir (0700: the file holds firmware bytes). */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(dir, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int state_dir(char *out, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(out, cap, "%s/stflash", xdg);
    else if (home && home[0])
        n = snprintf(out, cap, "%s/.local/state/stflash", home);
    else
        return -1;
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

void flash_recovery_free(struct flash_recovery *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->spans[i].data);
    free(r->spans);
    r->spans = NULL;
    r->count = 0;
}

static void header(const struct flash_dev *f, const uint8_t *uid, char *out, size_t cap)
{
    char hex[2 * UID_BYTES + 1];
    for (unsigned i = 0; i < UID_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", uid[i]);
    snprintf(out, cap, "stflash-recovery 1 dev_id=0x%03x uid=%s", f->chip->dev_id, hex);
}

/* Loads the spans of the file at r->path (which exists); false when it is damaged. */
static bool load(struct flash_dev *f, struct flash_recovery *r, const char *want)
{
    FILE *fp = fopen(r->path, "rb");
    if (!fp)
        return false;
    char line[160];
    unsigned count = 0;
    bool ok = fgets(line, sizeof line, fp) != NULL;
    if (ok) {
        char *sp = strstr(line, " spans=");
        ok = sp && (size_t)(sp - line) == strlen(want) && strncmp(line, want, strlen(want)) == 0 &&
             sscanf(sp, " spans=%u", &count) == 1 && count <= MAX_SPANS;
    }
    if (ok && count) {
        r->spans = calloc(count, sizeof *r->spans);
        ok = r->spans != NULL;
    }
    uint64_t end = flash_map_end(&f->map);
    for (unsigned i = 0; ok && i < count; i++) {
        unsigned addr = 0, len = 0;
        ok = fgets(line, sizeof line, fp) && sscanf(line, "0x%x %u", &addr, &len) == 2 && len &&
             (uint64_t)addr + len <= end;
        struct flash_recovery_span *s = &r->spans[i];
        if (ok) {
            s->data = malloc(len);
            ok = s->data && fread(s->data, 1, len, fp) == len;
            s->addr = addr;
            s->len = len;
            r->count = i + 1;
        }
    }
    fclose(fp);
    if (!ok)
        flash_recovery_free(r);
    return ok;
}

/* Whether the state folder holds a recovery file of a chip with this DEV_ID (of any UID). */
static bool any_file_of(const struct flash_dev *f, const char *dir)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "recovery-%03x-", f->chip->dev_id);
    DIR *dp = opendir(dir);
    bool found = false;
    for (struct dirent *e; dp && !found && (e = readdir(dp)) != NULL;)
        found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (dp)
        closedir(dp);
    return found;
}

/* The name of the chip's file (r->path), from its UID read from the target; the header line it
 * must start with into want. False, with a warning, when there can be no file. */
static bool name_file(struct flash_dev *f, struct flash_recovery *r, char *want, size_t cap)
{
    uint32_t at = uid_addr(f->chip);
    uint8_t uid[UID_BYTES];
    if (dbg_read(f->dbg, at, uid, sizeof uid) != STFLASH_OK) {
        ctx_log(f->ctx, STFLASH_LOG_WARN,
                "cannot read the unique ID at 0x%08x (%s): no recovery file for this job", at,
                last_error(f));
        return false;
    }
    char dir[sizeof r->path - 64];
    if (state_dir(dir, sizeof dir) != 0) {
        ctx_log(f->ctx, STFLASH_LOG_WARN,
                "neither XDG_STATE_HOME nor HOME is set: no recovery "
                "file for this job");
        return false;
    }
    header(f, uid, want, cap);
    snprintf(r->path, sizeof r->path, "%s/recovery-%03x-%s.bin", dir, f->chip->dev_id,
             strstr(want, "uid=") + 4);
    return true;
}

void flash_recovery_open(struct flash_dev *f, struct flash_recovery *r)
{
    memset(r, 0, sizeof *r);
    if (!f->chip || !uid_addr(f->chip))
        return; /* no UID known: no file (no family without one programs flash yet) */
    /* With no file of this DEV_ID there is nothing to load: the UID is read (a probe round trip)
     * only when the job has bytes to save (flash_recovery_save). */
    char dir[sizeof r->path - 64], want[96];
    if (state_dir(dir, sizeof dir) == 0 && !any_file_of(f, dir)) {
        r->unnamed = true;
        return;
    }
    if (!name_file(f, r, want, sizeof want) || access(r->path, F_OK) != 0)
        return;
    if (!load(f, r, want))
        ctx_log(f->ctx, STFLASH_LOG_WARN,
                "the recovery file %s is damaged or belongs to another chip: ignored (it is "
                "replaced when this job saves bytes)",
                r->path);
}

static int cmp_segment(const void *a, const void *b)
{
    const struct stflash_segment *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Whether img defines the byte at addr (segments sorted; *seg walks forward). */
static bool image_defines(const struct stflash_image *img, size_t *seg, uint32_t addr)
{
    while (*seg < img->segment_count &&
           (uint64_t)img->segments[*seg].addr + img->segments[*seg].len <= addr)
        (*seg)++;
    return *seg < img->segment_count && img->segments[*seg].addr <= addr;
}

int flash_recovery_merge(struct flash_dev *f, struct flash_recovery *r,
                         const struct stflash_image *img, struct stflash_image *merged,
                         uint64_t *restored)
{
    *merged = *img;
    *restored = 0;
    if (r->count == 0)
        return STFLASH_OK;
    /* Pieces to add: each span cut by the image's segments. */
    size_t cap = img->segment_count + r->count * (img->segment_count + 1);
    struct stflash_segment *segs = calloc(cap, sizeof *segs);
    if (!segs)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory reading the recovery file");
    memcpy(segs, img->segments, img->segment_count * sizeof *segs);
    size_t n = img->segment_count;
    uint8_t erased = f->map.erased;
    unsigned conflicts = 0;
    for (size_t i = 0; i < r->count; i++) {
        struct flash_recovery_span *s = &r->spans[i];
        if (!flash_map_covers(&f->map, s->addr, s->len, NULL))
            continue;
        uint8_t *now = malloc(s->len);
        if (!now) {
            free(segs);
            return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory reading the flash");
        }
        int rc = dbg_read(f->dbg, s->addr, now, s->len);
        if (rc != STFLASH_OK) {
            free(now);
            free(segs);
            return ctx_fail(f->ctx, rc,
                            "cannot read 0x%08x to restore the bytes of an "
                            "interrupted write: %s",
                            s->addr, last_error(f));
        }
        /* Another value than the saved one and than erased: written since by something else. */
        bool conflict = false;
        for (uint32_t k = 0; k < s->len && !conflict; k++)
            conflict = now[k] != s->data[k] && now[k] != erased;
        if (conflict) {
            conflicts++;
            free(now);
            continue;
        }
        /* Each stretch the image does not define (at most one more than its segments) goes in
         * whole when some of its bytes were lost. */
        size_t seg = 0;
        for (uint32_t k = 0; k < s->len;) {
            if (image_defines(img, &seg, s->addr + k)) {
                k++;
                continue;
            }
            uint32_t start = k, lost = 0;
            for (; k < s->len && !image_defines(img, &seg, s->addr + k); k++)
                lost += now[k] != s->data[k];
            if (lost && n < cap) {
                segs[n++] = (struct stflash_segment){s->addr + start, k - start, s->data + start};
                *restored += lost;
            }
        }
        free(now);
    }
    if (conflicts)
        ctx_log(f->ctx, STFLASH_LOG_WARN,
                "%u span(s) of the recovery file %s were not restored: the flash holds other "
                "data there now",
                conflicts, r->path);
    if (n == img->segment_count) {
        free(segs);
        return STFLASH_OK;
    }
    merged->total_bytes = img->total_bytes;
    for (size_t i = img->segment_count; i < n; i++)
        merged->total_bytes += segs[i].len;
    qsort(segs, n, sizeof *segs, cmp_segment);
    merged->segments = segs;
    merged->segment_count = n;
    return STFLASH_OK;
}

/* The stretches of the runs img does not define: *out (allocated), their count. */
static int kept_spans(const struct stflash_image *img, const struct flash_recovery_span *runs,
                      size_t nruns, struct flash_recovery_span **out, size_t *count)
{
    size_t n = 0, cap = 16, seg = 0;
    struct flash_recovery_span *s = malloc(cap * sizeof *s);
    if (!s)
        return STFLASH_ERR_NO_MEMORY;
    for (size_t i = 0; i < nruns; i++) {
        for (uint32_t k = 0; k < runs[i].len;) {
            if (image_defines(img, &seg, runs[i].addr + k)) {
                k++;
                continue;
            }
            uint32_t start = k;
            while (k < runs[i].len && !image_defines(img, &seg, runs[i].addr + k))
                k++;
            if (n == cap) {
                struct flash_recovery_span *more = realloc(s, 2 * cap * sizeof *s);
                if (!more) {
                    free(s);
                    return STFLASH_ERR_NO_MEMORY;
                }
                s = more;
                cap *= 2;
            }
            s[n++] =
                (struct flash_recovery_span){runs[i].addr + start, k - start, runs[i].data + start};
        }
    }
    *out = s;
    *count = n;
    return STFLASH_OK;
}

int flash_recovery_save(struct flash_dev *f, struct flash_recovery *r,
                        const struct stflash_image *img, const struct flash_recovery_span *runs,
                        size_t nruns)
{
    if (!r->path[0] && !r->unnamed)
        return STFLASH_OK;
    struct flash_recovery_span *spans = NULL;
    size_t count = 0;
    if (kept_spans(img, runs, nruns, &spans, &count) != STFLASH_OK)
        return ctx_fail(f->ctx, STFLASH_ERR_NO_MEMORY, "out of memory saving the recovery file");
    char want[96];
    if (count == 0 || count > MAX_SPANS || (!r->path[0] && !name_file(f, r, want, sizeof want))) {
        free(spans);
        if (count > MAX_SPANS)
            ctx_log(f->ctx, STFLASH_LOG_WARN, "too many gaps in the image for a recovery file");
        return STFLASH_OK;
    }
    char dir[sizeof r->path], tmp[sizeof r->path + 16];
    snprintf(dir, sizeof dir, "%s", r->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", r->path, (long)getpid());
    char head[96];
    uint8_t uid[UID_BYTES];
    /* The header repeats the UID of the name. */
    const char *u = strrchr(r->path, '-');
    for (unsigned i = 0; u && i < UID_BYTES; i++) {
        unsigned v = 0;
        sscanf(u + 1 + 2 * i, "%2x", &v);
        uid[i] = (uint8_t)v;
    }
    header(f, uid, head, sizeof head);
    FILE *fp = NULL;
    int fd = -1;
    if (make_dirs(dir) == 0 && (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0)
        fp = fdopen(fd, "wb");
    bool ok = fp != NULL && fprintf(fp, "%s spans=%zu\n", head, count) > 0;
    for (size_t i = 0; ok && i < count; i++)
        ok = fprintf(fp, "0x%08x %u\n", spans[i].addr, spans[i].len) > 0 &&
             fwrite(spans[i].data, 1, spans[i].len, fp) == spans[i].len;
    ok = ok && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    if (fp)
        ok = fclose(fp) == 0 && ok;
    else if (fd >= 0)
        close(fd);
    free(spans);
    if (ok && rename(tmp, r->path) == 0) {
        r->saved = true;
        return STFLASH_OK;
    }
    int err = errno;
    unlink(tmp);
    return ctx_fail(f->ctx, STFLASH_ERR_IO,
                    "cannot save the bytes the image leaves out to %s before erasing (%s): "
                    "nothing was erased; make the folder writable or set XDG_STATE_HOME",
                    r->path, strerror(err));
}

void flash_recovery_clear(struct flash_dev *f, struct flash_recovery *r)
{
    if (!r->path[0])
        return;
    if (unlink(r->path) != 0 && errno != ENOENT)
        ctx_log(f->ctx, STFLASH_LOG_WARN, "cannot remove the recovery file %s: %s", r->path,
                strerror(errno));
    r->saved = false;
}
