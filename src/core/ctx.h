/* The library context: log and progress callbacks, the last error message. Internal. */
#ifndef STFLASH_CORE_CTX_H
#define STFLASH_CORE_CTX_H

#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>

#include "stflash/stflash.h"

struct stflash_ctx {
    stflash_log_fn log_fn;
    void *log_user;
    enum stflash_log_level log_level;
    stflash_progress_fn progress_fn;
    void *progress_user;
    char last_error[512];
    volatile sig_atomic_t cancel; /* stflash_cancel() was called */
};

/* Whether stflash_cancel() asked the operation under way to stop. */
static inline bool ctx_cancelled(const struct stflash_ctx *ctx)
{
    return ctx && ctx->cancel;
}

/* Logs a message at a level (dropped above the context's level). */
void ctx_log(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the message of a failure (logged at DEBUG level; the caller decides what to show) and
 * returns err, so callers can write `return ctx_fail(ctx, err, "...")`. A later failure
 * replaces the message; callers adding context wrap it with ctx_fail(ctx, err, "...: %s",
 * stflash_last_error(ctx)). */
int ctx_fail(struct stflash_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Emits a progress event if a callback is set. */
void ctx_progress(struct stflash_ctx *ctx, enum stflash_phase phase, uint64_t done,
                  uint64_t total, uint32_t address);

#endif
