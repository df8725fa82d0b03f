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

/* Longest file name taken from the program. */
#define NAME_MAX_LEN 1024

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

/* Opens the relative name under dir_fd, one component at a time, following no link. */
static int open_beneath(int dir_fd, char *name, int flags)
{
    int cur = dir_fd;
    char *p = name;
    for (;;) {
        while (*p == '/')
            p++;
        char *slash = strchr(p, '/');
        while (slash && slash[1] == '/')
            slash++;
        bool last = !slash || slash[1] == '\0';
        if (slash)
            *slash = '\0';
        int fd;
        if (last)
            /* O_NONBLOCK: a FIFO must not block the open; it is refused right after. */
            fd = openat(cur, p, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0666);
        else
            fd = openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        if (cur != dir_fd)
            close(cur);
        if (fd < 0) {
            errno = e;
            return -1;
        }
        if (last)
            return fd;
        cur = fd;
        p = slash + 1;
    }
}

int32_t semihost_open(struct stflash_semihost *sh, const char *raw, size_t len, uint32_t mode)
{
    char name[NAME_MAX_LEN + 1];
    if (len > NAME_MAX_LEN) {
        sh->last_errno = ENAMETOOLONG;
        ctx_log(sh->ctx, STFLASH_LOG_WARN,
                "semihosting: SYS_OPEN of a %zu-byte name refused (at most %d bytes)", len,
                NAME_MAX_LEN);
        return -1;
    }
    memcpy(name, raw, len);
    name[len] = '\0';
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
    if (strlen(name) != len)
        return refuse(sh, name, EINVAL, "the name holds a NUL byte");
    if (sh->dir_fd < 0) {
        sh->last_errno = EACCES;
        ctx_log(sh->ctx, STFLASH_LOG_WARN,
                "semihosting: the program's file \"%s\" is refused: no directory for its files "
                "was given%s%s",
                name, sh->dir_hint ? "; " : "", sh->dir_hint ? sh->dir_hint : "");
        return -1;
    }
    if (name[0] == '\0')
        return refuse(sh, name, ENOENT, "the name is empty");
    if (name[0] == '/')
        return refuse(sh, name, EACCES, "an absolute name: names are relative to the directory");
    /* No ".." component anywhere. */
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return refuse(sh, name, EACCES, "a \"..\" component would leave the directory");
        p += n;
        while (*p == '/')
            p++;
    }
    int flags = reading ? (plus ? O_RDWR : O_RDONLY)
                        : (plus ? O_RDWR : O_WRONLY) | O_CREAT | (appending ? O_APPEND : O_TRUNC);
    char walk[sizeof name];
    memcpy(walk, name, sizeof walk);
    int fd = open_beneath(sh->dir_fd, walk, flags);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            return refuse(sh, name, EACCES,
                          "a symbolic link (links are not followed: the file must lie in the "
                          "directory)");
        if (e == ENOTDIR)
            return refuse(sh, name, EACCES,
                          "a component is not a directory (symbolic links are not followed)");
        sh->last_errno = e;
        ctx_log(sh->ctx, STFLASH_LOG_INFO, "semihosting: cannot open \"%s\" in %s: %s", name,
                sh->dir, strerror(e));
        return -1;
    }
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
