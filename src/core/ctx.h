/* The library context: log and progress callbacks, the last error message. Internal. */
#ifndef STFLASH_CORE_CTX_H
#define STFLASH_CORE_CTX_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "stflash/stflash.h"

/* Length of the fixed copy of the last error kept in last_error (see below). */
#define CTX_LEGACY_ERROR_LEN 512

struct stflash_ctx {
    stflash_log_fn log_fn;
    void *log_user;
    enum stflash_log_level log_level;
    stflash_progress_fn progress_fn;
    void *progress_user;
    /* The last error, whole: any length (heap; NULL before the first failure). */
    char *error;
    /* A copy of its first CTX_LEGACY_ERROR_LEN - 1 bytes for code that still saves, restores or
     * prints the array directly (src/flash); stflash_last_error() returns this copy instead of
     * `error` when such code put a different message back. New code uses stflash_last_error(),
     * ctx_error_save() and ctx_error_restore(). */
    char last_error[CTX_LEGACY_ERROR_LEN];
    volatile sig_atomic_t cancel; /* stflash_cancel() was called */
};

/* Whether stflash_cancel() asked the operation under way to stop. */
static inline bool ctx_cancelled(const struct stflash_ctx *ctx)
{
    return ctx && ctx->cancel;
}

/* Logs a message of any length at a level (dropped above the context's level). */
void ctx_log(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the message of a failure, whole (logged at DEBUG level; the caller decides what to
 * show) and returns err, so callers can write `return ctx_fail(ctx, err, "...")`. A later
 * failure replaces the message; callers adding context wrap it with ctx_fail(ctx, err, "...: %s",
 * stflash_last_error(ctx)) (the arguments may point into the current message). */
int ctx_fail(struct stflash_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Keeps the current message across clean-up steps that may fail and overwrite it:
 * `char *saved = ctx_error_save(ctx); ...; ctx_error_restore(ctx, saved);` puts it back and
 * frees the copy (NULL when there was none, or no memory: then nothing is put back). */
char *ctx_error_save(const struct stflash_ctx *ctx);
void ctx_error_restore(struct stflash_ctx *ctx, char *saved);

/* Emits a progress event if a callback is set. */
void ctx_progress(struct stflash_ctx *ctx, enum stflash_phase phase, uint64_t done, uint64_t total,
                  uint32_t address);

#endif
