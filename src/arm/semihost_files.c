/*
 * Semihosting files: the handle table, the console special file ":tt", the feature file
 * ":semihosting-features", and host files confined to one directory. A name is walked one
 * component at a time from the directory with O_NOFOLLOW, so that no absolute name, no ".."
 * and no symbolic link can lead outside it (semihosting v2.0 §6.1 SYS_OPEN: the modes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm/semihost.h"
#include "core/ctx.h"

int stflash_semihost_new(struct stflash_ctx *ctx, const struct stflash_semihost_config *cfg,
                         struct stflash_semihost **out)
{
    if (!cfg || !cfg->console_write)
        return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG, "semihosting needs a console output");
    struct stflash_semihost *sh = calloc(1, sizeof *sh);
    if (!sh)
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "out of memory");
    sh->ctx = ctx;
    sh->cfg = *cfg;
    sh->dir_fd = -1;
    sh->cmdline = strdup(cfg->cmdline ? cfg->cmdline : "");
    sh->dir_hint = cfg->dir_hint ? strdup(cfg->dir_hint) : NULL;
    sh->dir = cfg->dir ? strdup(cfg->dir) : NULL;
    if (!sh->cmdline || (cfg->dir_hint && !sh->dir_hint) || (cfg->dir && !sh->dir)) {
        stflash_semihost_free(sh);
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "out of memory");
    }
    sh->cfg.cmdline = sh->cmdline;
    sh->cfg.dir = sh->dir;
    sh->cfg.dir_hint = sh->dir_hint;
    if (cfg->dir) {
        sh->dir_fd = open(cfg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sh->dir_fd < 0) {
            int e = errno;
            stflash_semihost_free(sh);
            return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND,
                            "cannot open the semihosting directory '%s': %s (create it, or give "
                            "an existing directory)",
                            cfg->dir, strerror(e));
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &sh->start);
    *out = sh;
    return 0;
}

void stflash_semihost_free(struct stflash_semihost *sh)
{
    if (!sh)
        return;
    for (uint32_t i = 0; i < SEMIHOST_HANDLES; i++)
        if (sh->h[i].kind == SH_FILE)
            close(sh->h[i].fd);
    if (sh->dir_fd >= 0)
        close(sh->dir_fd);
    free(sh->cmdline);
    free(sh->dir_hint);
    free(sh->dir);
    free(sh);
}

struct semihost_handle *semihost_handle(struct stflash_semihost *sh, uint32_t handle)
{
    if (handle == 0 || handle > SEMIHOST_HANDLES || sh->h[handle - 1].kind == SH_FREE) {
        sh->last_errno = EBADF;
        return NULL;
    }
    return &sh->h[handle - 1];
}

static int32_t take_handle(struct stflash_semihost *sh, enum semihost_kind kind, int fd)
{
    for (uint32_t i = 0; i < SEMIHOST_HANDLES; i++)
        if (sh->h[i].kind == SH_FREE) {
            sh->h[i] = (struct semihost_handle){.kind = kind, .fd = fd};
            return (int32_t)(i + 1u);
        }
    if (fd >= 0)
        close(fd);
    sh->last_errno = EMFILE;
    ctx_log(sh->ctx, STFLASH_LOG_WARN,
            "semihosting: the program holds %d files open already: SYS_OPEN refused",
            SEMIHOST_HANDLES);
    return -1;
}

int32_t semihost_close(struct stflash_semihost *sh, uint32_t handle)
{
    struct semihost_handle *h = semihost_handle(sh, handle);
    if (!h)
        return -1;
    int rc = 0;
    if (h->kind == SH_FILE && close(h->fd) != 0) {
        sh->last_errno = errno;
        rc = -1;
    }
    *h = (struct semihost_handle){.kind = SH_FREE};
    return rc;
}

static int32_t refuse(struct stflash_semihost *sh, const char *name, int err, const char *why)
{
    sh->last_errno = err;
    ctx_log(sh->ctx, STFLASH_LOG_WARN, "semihosting: the program's file \"%s\" is refused: %s",
            name, why);
    return -1;
}

/* The directory holding the last component of the relative name, reached from dir_fd one
 * component at a time without following a link: its descriptor (dir_fd itself, or one to
 * close), and in *last the last component (a pointer into name, which is cut up). -1 and errno
 * on failure. */
static int parent_beneath(int dir_fd, char *name, char **last)
{
    int cur = dir_fd;
    char *p = name;
    for (;;) {
        while (*p == '/')
            p++;
        char *slash = strchr(p, '/');
        char *next = slash;
        while (next && *next == '/')
            next++;
        if (!slash || *next == '\0') { /* p is the last component */
            if (slash)
                *slash = '\0';
            *last = p;
            return cur;
        }
        *slash = '\0';
        int fd = openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        if (cur != dir_fd)
            close(cur);
        if (fd < 0) {
            errno = e;
            return -1;
        }
        cur = fd;
        p = next;
    }
}

/* Opens the relative name under dir_fd, following no link. */
static int open_beneath(int dir_fd, char *name, int flags)
{
    char *last;
    int parent = parent_beneath(dir_fd, name, &last);
    if (parent < 0)
        return -1;
    /* O_NONBLOCK: a FIFO must not block the open; it is refused right after. */
    int fd = openat(parent, last, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
    int e = errno;
    if (parent != dir_fd)
        close(parent);
    errno = e;
    return fd;
}

/* Whether the program's name may be looked up under the directory: relative, no ".." (the
 * refusal logged, last_errno set). */
static bool name_allowed(struct stflash_semihost *sh, const char *name)
{
    if (sh->dir_fd < 0) {
        sh->last_errno = EACCES;
        ctx_log(sh->ctx, STFLASH_LOG_WARN,
                "semihosting: the program's file \"%s\" is refused: no directory for its files "
                "was given%s%s",
                name, sh->dir_hint ? "; " : "", sh->dir_hint ? sh->dir_hint : "");
        return false;
    }
    const char *why = NULL;
    int err = EACCES;
    if (name[0] == '\0') {
        why = "the name is empty";
        err = ENOENT;
    } else if (name[0] == '/') {
        why = "an absolute name: names are relative to the directory";
    }
    for (const char *p = name; *p && !why;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            why = "a \"..\" component would leave the directory";
        p += n;
        while (*p == '/')
            p++;
    }
    if (why)
        refuse(sh, name, err, why);
    return !why;
}

/* A failed lookup under the directory: symbolic links and non-directories named as such. */
static int32_t lookup_failed(struct stflash_semihost *sh, const char *name, int e)
{
    if (e == ELOOP)
        return refuse(sh, name, EACCES,
                      "a symbolic link (links are not followed: the file must lie in the "
                      "directory)");
    if (e == ENOTDIR)
        return refuse(sh, name, EACCES,
                      "a component is not a directory (symbolic links are not followed)");
    sh->last_errno = e;
    ctx_log(sh->ctx, STFLASH_LOG_INFO, "semihosting: \"%s\" in %s: %s", name, sh->dir, strerror(e));
    return -1;
}

/* The program's name as a string in name (SEMIHOST_NAME_MAX + 1 bytes); false when too long. */
static bool take_name(struct stflash_semihost *sh, const char *raw, size_t len, char *name)
{
    if (len > SEMIHOST_NAME_MAX) {
        sh->last_errno = ENAMETOOLONG;
        ctx_log(sh->ctx, STFLASH_LOG_WARN,
                "semihosting: a %zu-byte file name refused (at most %u bytes)", len,
                SEMIHOST_NAME_MAX);
        return false;
    }
    memcpy(name, raw, len);
    name[len] = '\0';
    if (strlen(name) != len) {
        refuse(sh, name, EINVAL, "the name holds a NUL byte");
        return false;
    }
    return true;
}

int32_t semihost_open(struct stflash_semihost *sh, const char *raw, size_t len, uint32_t mode)
{
    char name[SEMIHOST_NAME_MAX + 1];
    if (!take_name(sh, raw, len, name))
        return -1;
    if (mode > 11) {
        sh->last_errno = EINVAL;
        ctx_log(sh->ctx, STFLASH_LOG_WARN,
                "semihosting: SYS_OPEN of \"%s\" with mode %u refused (modes are 0 to 11)", name,
                (unsigned)mode);
        return -1;
    }
    bool reading = mode < 4, appending = mode >= 8, plus = (mode & 2u) != 0;
    if (strcmp(name, ":tt") == 0)
        return take_handle(sh, reading ? SH_TT_IN : appending ? SH_TT_ERR : SH_TT_OUT, -1);
    if (strcmp(name, ":semihosting-features") == 0) {
        if (!reading || plus)
            return refuse(sh, name, EACCES, "the feature file can only be read");
        return take_handle(sh, SH_FEATURES, -1);
    }
    if (!name_allowed(sh, name))
        return -1;
    int flags = reading ? (plus ? O_RDWR : O_RDONLY)
                        : (plus ? O_RDWR : O_WRONLY) | O_CREAT | (appending ? O_APPEND : O_TRUNC);
    char walk[sizeof name];
    memcpy(walk, name, sizeof walk);
    int fd = open_beneath(sh->dir_fd, walk, flags);
    if (fd < 0)
        return lookup_failed(sh, name, errno);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return refuse(sh, name, EACCES, "not a regular file");
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        sh->last_errno = errno;
        close(fd);
        return -1;
    }
    return take_handle(sh, SH_FILE, fd);
}

int32_t semihost_remove(struct stflash_semihost *sh, const char *raw, size_t len)
{
    char name[SEMIHOST_NAME_MAX + 1], *last;
    if (!take_name(sh, raw, len, name) || !name_allowed(sh, name))
        return sh->last_errno;
    char walk[sizeof name];
    memcpy(walk, name, sizeof walk);
    int parent = parent_beneath(sh->dir_fd, walk, &last);
    /* unlinkat removes a link itself, never what it points to; directories stay (no
     * AT_REMOVEDIR). */
    int rc = parent < 0 ? -1 : unlinkat(parent, last, 0);
    int e = errno;
    if (parent >= 0 && parent != sh->dir_fd)
        close(parent);
    if (rc != 0) {
        lookup_failed(sh, name, e);
        return sh->last_errno;
    }
    return 0;
}

int32_t semihost_rename(struct stflash_semihost *sh, const char *raw_from, size_t from_len,
                        const char *raw_to, size_t to_len)
{
    char from[SEMIHOST_NAME_MAX + 1], to[SEMIHOST_NAME_MAX + 1], *from_last, *to_last;
    if (!take_name(sh, raw_from, from_len, from) || !name_allowed(sh, from) ||
        !take_name(sh, raw_to, to_len, to) || !name_allowed(sh, to))
        return sh->last_errno;
    char walk_from[sizeof from], walk_to[sizeof to];
    memcpy(walk_from, from, sizeof walk_from);
    memcpy(walk_to, to, sizeof walk_to);
    int pf = parent_beneath(sh->dir_fd, walk_from, &from_last);
    if (pf < 0) {
        lookup_failed(sh, from, errno);
        return sh->last_errno;
    }
    int pt = parent_beneath(sh->dir_fd, walk_to, &to_last);
    int rc = pt < 0 ? -1 : renameat(pf, from_last, pt, to_last);
    int e = errno;
    if (pf != sh->dir_fd)
        close(pf);
    if (pt >= 0 && pt != sh->dir_fd)
        close(pt);
    if (rc != 0) {
        lookup_failed(sh, pt < 0 ? to : from, e);
        return sh->last_errno;
    }
    return 0;
}
