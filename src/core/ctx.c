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

const char *stflash_last_error(const struct stflash_ctx *ctx)
{
    return ctx->last_error;
}

static void vlog(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt,
                 va_list ap) __attribute__((format(printf, 3, 0)));

static void vlog(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt,
                 va_list ap)
{
    if (!ctx || !ctx->log_fn || level > ctx->log_level)
        return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    ctx->log_fn(ctx->log_user, level, msg);
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
    char msg[sizeof ctx->last_error];
    vsnprintf(msg, sizeof msg, fmt, ap);
    memcpy(ctx->last_error, msg, sizeof msg);
    ctx_log(ctx, STFLASH_LOG_DEBUG, "error: %s", msg);
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

void ctx_progress(struct stflash_ctx *ctx, enum stflash_phase phase, uint64_t done,
                  uint64_t total, uint32_t address)
{
    if (!ctx || !ctx->progress_fn)
        return;
    struct stflash_progress ev = {phase, done, total, address};
    ctx->progress_fn(ctx->progress_user, &ev);
}
