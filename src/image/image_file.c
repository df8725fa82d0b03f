/* Image files: reading one safely (regular files of bounded size, or standard input), and the
 * format its name promises. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_internal.h"
#include "stflash/error.h"

static int errno_code(int e)
{
    return (e == EACCES || e == EPERM) ? STFLASH_ERR_ACCESS : STFLASH_ERR_IO;
}

static int errno_error(struct stflash_image_error *err, const char *what, const char *path, int e)
{
    char text[128];
    if (strerror_r(e, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", e);
    img_set_error(err, "cannot %s '%s': %s", what, path, text);
    errno = e;
    return errno_code(e);
}

static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

/*
 * Opens path for reading: a regular file, or standard input for "-". The open does not wait
 * for a FIFO's writer (O_NONBLOCK), and anything but a regular file is refused, so that loading
 * never blocks on a pipe nobody writes to nor reads a device without end. *size is the file's
 * size (0 for standard input, whose size is not known before reading).
 */
static int open_image(const char *path, int *fd_out, uint64_t *size,
                      struct stflash_image_error *err)
{
    if (strcmp(path, "-") == 0) {
        *fd_out = STDIN_FILENO;
        *size = 0;
        return STFLASH_OK;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return errno_error(err, "open", path, errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return errno_error(err, "read", path, e);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        img_set_error(err,
                      "cannot read '%s': it is %s, not a regular file (give an image file, "
                      "or '-' for standard input)",
                      path, file_kind(st.st_mode));
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return STFLASH_ERR_IO;
    }
    if ((uint64_t)st.st_size > STFLASH_IMAGE_MAX_FILE_BYTES) {
        close(fd);
        img_set_error(err, "'%s' is too large for a firmware image (%llu bytes, at most %u MiB)",
                      path, (unsigned long long)st.st_size,
                      STFLASH_IMAGE_MAX_FILE_BYTES / (1024u * 1024u));
        return STFLASH_ERR_FORMAT;
    }
    /* A regular file never blocks: back to ordinary reads. */
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        return errno_error(err, "read", path, e);
    }
    *fd_out = fd;
    *size = (uint64_t)st.st_size;
    return STFLASH_OK;
}

/* Reads the whole of fd, at most STFLASH_IMAGE_MAX_FILE_BYTES (one byte more is read to tell a
 * file of exactly the limit from a larger one, e.g. one that grew since its size was taken). */
static int read_all(int fd, const char *path, uint64_t size_hint, uint8_t **data, size_t *len,
                    struct stflash_image_error *err)
{
    const size_t limit = (size_t)STFLASH_IMAGE_MAX_FILE_BYTES + 1;
    size_t cap = size_hint > 0 ? (size_t)size_hint + 1 : 65536;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        img_set_error(err, "out of memory reading '%s'", path);
        return STFLASH_ERR_NO_MEMORY;
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= limit)
                break;
            size_t ncap = cap * 2 < limit ? cap * 2 : limit;
            uint8_t *nb = realloc(buf, ncap);
            if (nb == NULL) {
                free(buf);
                img_set_error(err, "out of memory reading '%s'", path);
                return STFLASH_ERR_NO_MEMORY;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return errno_error(err, "read", path, e);
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > STFLASH_IMAGE_MAX_FILE_BYTES) {
        free(buf);
        img_set_error(err, "'%s' is too large for a firmware image (more than %u MiB)", path,
                      STFLASH_IMAGE_MAX_FILE_BYTES / (1024u * 1024u));
        return STFLASH_ERR_FORMAT;
    }
    *data = buf;
    *len = n;
    return STFLASH_OK;
}

enum stflash_image_format stflash_image_format_from_path(const char *path)
{
    static const struct {
        const char *ext;
        enum stflash_image_format fmt;
    } exts[] = {
        {".bin", STFLASH_IMAGE_BIN},  {".hex", STFLASH_IMAGE_IHEX},  {".ihex", STFLASH_IMAGE_IHEX},
        {".ihx", STFLASH_IMAGE_IHEX}, {".srec", STFLASH_IMAGE_SREC}, {".s19", STFLASH_IMAGE_SREC},
        {".s28", STFLASH_IMAGE_SREC}, {".s37", STFLASH_IMAGE_SREC},  {".mot", STFLASH_IMAGE_SREC},
        {".elf", STFLASH_IMAGE_ELF},  {".axf", STFLASH_IMAGE_ELF},
    };
    if (path == NULL)
        return STFLASH_IMAGE_AUTO;
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t m = strlen(exts[i].ext);
        if (n > m && strcasecmp(path + n - m, exts[i].ext) == 0 && path[n - m - 1] != '/')
            return exts[i].fmt;
    }
    return STFLASH_IMAGE_AUTO;
}

int stflash_image_load(const char *path, enum stflash_image_format fmt, uint32_t bin_base,
                       struct stflash_image **out, struct stflash_image_error *err)
{
    img_clear_error(err);
    if (path == NULL || out == NULL) {
        img_set_error(err, "invalid argument");
        return STFLASH_ERR_INVALID_ARG;
    }
    int fd = -1;
    uint64_t size = 0;
    int rc = open_image(path, &fd, &size, err);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t *buf = NULL;
    size_t len = 0;
    rc = read_all(fd, path, size, &buf, &len, err);
    int e = errno;
    if (fd != STDIN_FILENO)
        close(fd);
    errno = e;
    if (rc != STFLASH_OK)
        return rc;
    if (len == 0) {
        free(buf);
        img_set_error(err, "'%s' is empty", path);
        return STFLASH_ERR_FORMAT;
    }

    /* A name that promises a format is held to it: a damaged .hex is an error, never raw
     * bytes to flash. */
    enum stflash_image_format named = STFLASH_IMAGE_AUTO;
    if (fmt == STFLASH_IMAGE_AUTO)
        fmt = named = stflash_image_format_from_path(path);
    rc = stflash_image_parse_buffer(buf, len, fmt, bin_base, out, err);
    bool utf16 = img_is_utf16(buf, len); /* its message stands alone */
    free(buf);
    if (rc != STFLASH_OK && named != STFLASH_IMAGE_AUTO && named != STFLASH_IMAGE_BIN && err &&
        !utf16 && (rc == STFLASH_ERR_FORMAT || rc == STFLASH_ERR_UNSUPPORTED)) {
        char detail[STFLASH_IMAGE_MSG_SIZE];
        memcpy(detail, err->msg, sizeof detail);
        unsigned long line = err->line;
        img_set_error(err, "not a valid %s file (the format its name gives): %s",
                      stflash_image_format_name(named), detail);
        err->line = line;
    }
    return rc;
}
