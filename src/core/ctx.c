#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "stflash/backend.h"

int stflash_ctx_new(struct stflash_ctx **out)
{
    struct stflash_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return STFLASH_ERR_NO_MEMORY;
    ctx->log_level = STFLASH_LOG_WARN;
    *out = ctx;
    return STFLASH_OK;
}

void stflash_ctx_free(struct stflash_ctx *ctx)
{
    if (ctx)
        free(ctx->error);
    free(ctx);
}

void stflash_ctx_set_log(struct stflash_ctx *ctx, enum stflash_log_level max_level,
                         stflash_log_fn fn, void *user)
{
    ctx->log_level = max_level;
    ctx->log_fn = fn;
    ctx->log_user = user;
}

void stflash_ctx_set_progress(struct stflash_ctx *ctx, stflash_progress_fn fn, void *user)
{
    ctx->progress_fn = fn;
    ctx->progress_user = user;
}

void stflash_cancel(struct stflash_ctx *ctx)
{
    if (ctx)
        ctx->cancel = 1;
}

/* Whether the fixed copy still mirrors the whole message (it is its prefix). */
static bool legacy_copy_current(const struct stflash_ctx *ctx)
{
    return ctx->error && strncmp(ctx->error, ctx->last_error, sizeof ctx->last_error - 1) == 0;
}

const char *stflash_last_error(const struct stflash_ctx *ctx)
{
    return legacy_copy_current(ctx) ? ctx->error : ctx->last_error;
}

/* Formats into a new heap string of whatever length the message has; NULL without memory. */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

/* Makes msg (heap, owned from now on) the last error. */
static void set_error(struct stflash_ctx *ctx, char *msg)
{
    free(ctx->error);
    ctx->error = msg;
    snprintf(ctx->last_error, sizeof ctx->last_error, "%s", msg);
}

static void vlog(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void vlog(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, va_list ap)
{
    if (!ctx || !ctx->log_fn || level > ctx->log_level)
        return;
    char *msg = vformat(fmt, ap);
    ctx->log_fn(ctx->log_user, level, msg ? msg : "(out of memory for a log message)");
    free(msg);
}

void ctx_log(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(ctx, level, fmt, ap);
    va_end(ap);
}

static int vfail(struct stflash_ctx *ctx, int err, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int vfail(struct stflash_ctx *ctx, int err, const char *fmt, va_list ap)
{
    if (!ctx)
        return err;
    va_list again;
    va_copy(again, ap);
    /* Formatted before the old message is freed: the arguments may point into it. */
    char *msg = vformat(fmt, ap);
    if (!msg) {
        char fallback[sizeof ctx->last_error];
        vsnprintf(fallback, sizeof fallback, fmt, again);
        msg = strdup(fallback);
        if (!msg) {
            free(ctx->error);
            ctx->error = NULL;
            memcpy(ctx->last_error, fallback, sizeof fallback);
        }
    }
    va_end(again);
    if (msg) {
        set_error(ctx, msg);
        ctx_log(ctx, STFLASH_LOG_DEBUG, "error: %s", ctx->error);
    }
    return err;
}

int ctx_fail(struct stflash_ctx *ctx, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err = vfail(ctx, err, fmt, ap);
    va_end(ap);
    return err;
}

/* The same two for back-ends outside the library (stflash/backend.h). */
int stflash_ctx_fail(struct stflash_ctx *ctx, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err = vfail(ctx, err, fmt, ap);
    va_end(ap);
    return err;
}

void stflash_ctx_log(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(ctx, level, fmt, ap);
    va_end(ap);
}

char *ctx_error_save(const struct stflash_ctx *ctx)
{
    if (!ctx)
        return NULL;
    return strdup(stflash_last_error(ctx));
}

void ctx_error_restore(struct stflash_ctx *ctx, char *saved)
{
    if (!ctx || !saved) {
        free(saved);
        return;
    }
    set_error(ctx, saved);
}

void ctx_progress(struct stflash_ctx *ctx, enum stflash_phase phase, uint64_t done, uint64_t total,
                  uint32_t address)
{
    if (!ctx || !ctx->progress_fn)
        return;
    struct stflash_progress ev = {phase, done, total, address};
    ctx->progress_fn(ctx->progress_user, &ev);
}
