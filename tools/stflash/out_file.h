/* An output file of `stflash read` (out_file.c). */
#ifndef STFLASH_TOOLS_OUT_FILE_H
#define STFLASH_TOOLS_OUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

struct out_file {
    FILE *f;          /* where to write */
    const char *path; /* as the user named it ("-": standard output) */
    char *final;      /* the regular file the temporary file becomes, NULL when in place */
    char *tmp;        /* the temporary file, NULL when writing in place */
    bool is_stdout;
};

/* Opens the output before anything is read from the target. EXIT_OK or an exit code (error
 * printed). */
int out_file_open(struct out_file *o, const char *path);
/* Finishes the output: write_errno is the errno of a failed write (0 when all went well). A
 * regular file then takes its new content at once (rename), or keeps its old one. EXIT_OK or
 * EXIT_FAILED (error printed). */
int out_file_commit(struct out_file *o, int write_errno);
/* Drops the output: removes the temporary file, nothing else. */
void out_file_abort(struct out_file *o);

#endif
