/*
 * Output files that never cost the user a path: a regular file is written to a temporary file
 * beside it and renamed over it only when complete; anything else (a device such as /dev/stdout,
 * a FIFO) is written in place. The only path ever unlinked is the temporary file's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "out_file.h"

static mode_t default_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* The directory part of path, in a new string. */
static char *dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *dir = strdup(dirname(copy));
    free(copy);
    return dir;
}

int out_file_open(struct out_file *o, const char *path)
{
    memset(o, 0, sizeof o[0]);
    o->path = path;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->is_stdout = true;
        return EXIT_OK;
    }
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        out_error("cannot write '%s': it is a directory; name a file", path);
        return EXIT_USAGE;
    }
    struct stat lst;
    bool dangling = !exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if ((exists && !S_ISREG(st.st_mode)) || dangling) {
        /* A device, FIFO or socket (or a link to where a file is yet to be): written in
         * place, as the user named it. */
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
            out_error("cannot open '%s' for writing: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }
    /* A regular file, or none yet: a temporary file in the directory of the final one (of the
     * link's target when path is a symbolic link, which stays as it is). */
    o->final = exists ? realpath(path, NULL) : strdup(path);
    char *dir = o->final ? dir_of(o->final) : NULL;
    size_t cap = dir ? strlen(dir) + 32 : 0;
    o->tmp = dir ? malloc(cap) : NULL;
    if (!o->tmp) {
        out_error("cannot write '%s': %s", path, strerror(errno ? errno : ENOMEM));
        free(dir);
        out_file_abort(o);
        return EXIT_FAILED;
    }
    snprintf(o->tmp, cap, "%s/.stflash-read.XXXXXX", dir);
    free(dir);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        out_error("cannot create '%s': %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        out_file_abort(o);
        return EXIT_FAILED;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    /* mkstemp makes the file private: give it the mode a new file (or the old one) has. */
    if (fchmod(fd, exists ? (st.st_mode & 07777) : default_mode()) != 0 ||
        !(o->f = fdopen(fd, "wb"))) {
        out_error("cannot create '%s': %s", path, strerror(errno));
        close(fd);
        out_file_abort(o);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

int out_file_commit(struct out_file *o, int write_errno)
{
    int e = write_errno;
    if (e == 0 && fflush(o->f) != 0)
        e = errno ? errno : EIO;
    if (e == 0 && o->tmp && fsync(fileno(o->f)) != 0)
        e = errno;
    if (!o->is_stdout) {
        if (fclose(o->f) != 0 && e == 0)
            e = errno ? errno : EIO;
        o->f = NULL;
    }
    if (e == 0 && o->tmp && rename(o->tmp, o->final) != 0)
        e = errno;
    if (e != 0) {
        out_error("cannot write '%s': %s%s", o->path, strerror(e),
                  o->tmp ? " (the file was left as it was)" : "");
        out_file_abort(o);
        return EXIT_FAILED;
    }
    free(o->tmp);
    o->tmp = NULL;
    free(o->final);
    o->final = NULL;
    return EXIT_OK;
}

void out_file_abort(struct out_file *o)
{
    if (o->f && !o->is_stdout)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp)
        unlink(o->tmp); /* ours, never the user's */
    free(o->tmp);
    o->tmp = NULL;
    free(o->final);
    o->final = NULL;
}
