/*
 * One exchange with the ST-LINK and the checks of its status byte (stlink_exchange.h). Every
 * exchange is sized by stlink_cmd_phase() (the one wire-format definition) and logged at DEBUG
 * level.
 */
#include "stlink/stlink_exchange.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stlink/stlink_proto.h"

/* Largest back-off between retries of a WAIT answer: it doubles from STLINK_BACKOFF_FIRST_MS. */
#define STLINK_BACKOFF_MAX_MS 32u

/* ---- time ---- */

uint64_t stlink_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

bool stlink_back_off(uint64_t deadline, unsigned *backoff_ms)
{
    uint64_t now = stlink_now_ms();
    if (now >= deadline)
        return false;
    uint64_t wait = *backoff_ms;
    if (wait > deadline - now)
        wait = deadline - now;
    sleep_ms(wait);
    if (*backoff_ms < STLINK_BACKOFF_MAX_MS)
        *backoff_ms *= 2;
    return true;
}

/* ---- one exchange ---- */

void stlink_cmd_init(uint8_t cmd[STLINK_CMD_SIZE], uint8_t b0, uint8_t b1)
{
    memset(cmd, 0, STLINK_CMD_SIZE);
    cmd[0] = b0;
    cmd[1] = b1;
}

static bool debug_logging(const struct stlink *sl)
{
    return sl->ctx && sl->ctx->log_fn && sl->ctx->log_level >= STFLASH_LOG_DEBUG;
}

static void hex_bytes(char *out, size_t cap, const uint8_t *p, size_t n, size_t max)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && i < max && used + 4 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%02x", i ? " " : "", p[i]);
    if (n > max && used + 5 < cap)
        snprintf(out + used, cap - used, " ...");
}

int stlink_exchange(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], const uint8_t *out,
                    size_t out_len, uint8_t *in, size_t in_cap)
{
    struct stlink_phase ph;
    size_t in_len = 0;
    /* The wire generation: 1 for debug API v1 (ST-LINK/V1 before J11), else the hardware's. */
    int gen = sl->api == 1 ? 1 : sl->hw >= 3 ? 3 : 2;
    if (stlink_cmd_phase(cmd, gen, &ph) != 0)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                        "internal error: command %02x %02x has no known data phase", cmd[0],
                        cmd[1]);
    if (ph.dir == STLINK_PHASE_IN) {
        in_len = ph.len;
        if (in_len > in_cap || out_len)
            return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                            "internal error: command %02x %02x answers %zu bytes, room for %zu",
                            cmd[0], cmd[1], in_len, in_cap);
    } else if (ph.dir == STLINK_PHASE_OUT ? out_len != ph.len : out_len != 0) {
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                        "internal error: command %02x %02x takes %zu data bytes, not %zu", cmd[0],
                        cmd[1], ph.len, out_len);
    }

    bool logging = debug_logging(sl);
    char hex[64];
    if (logging) {
        hex_bytes(hex, sizeof hex, cmd, STLINK_CMD_SIZE, 10);
        ctx_log(sl->ctx, STFLASH_LOG_DEBUG, "stlink: > %s (out %zu, in %zu)", hex, out_len, in_len);
    }
    int rc = transport_xfer(sl->tr, cmd, out, out_len, in, in_len);
    if (logging) {
        if (rc != STFLASH_OK) {
            ctx_log(sl->ctx, STFLASH_LOG_DEBUG, "stlink: < %s", stflash_error_name(rc));
        } else if (in_len) {
            hex_bytes(hex, sizeof hex, in, in_len, 12);
            ctx_log(sl->ctx, STFLASH_LOG_DEBUG, "stlink: < %s", hex);
        }
    }
    return rc;
}

int stlink_wrap_fail(struct stlink *sl, int err, const char *what)
{
    return ctx_fail(sl->ctx, err, "%s: %s", what, stflash_last_error(sl->ctx));
}

/* ---- status bytes ---- */

bool stlink_status_is_link(uint8_t st)
{
    return st == STLINK_SWD_DP_ERROR || st == STLINK_SWD_DP_PARITY_ERROR;
}

int stlink_status_error(uint8_t st)
{
    switch (st) {
    case STLINK_SWD_AP_WAIT:
    case STLINK_SWD_DP_WAIT:
        return STFLASH_ERR_TIMEOUT;
    case STLINK_FALSE:
    case STLINK_SWD_AP_FAULT:
    case STLINK_SWD_AP_ERROR:
    case STLINK_SWD_AP_PARITY_ERROR:
    case STLINK_SWD_DP_FAULT:
    case STLINK_SWD_DP_ERROR:
    case STLINK_SWD_DP_PARITY_ERROR:
    case STLINK_SWD_AP_WDATA_ERROR:
    case STLINK_SWD_AP_STICKY_ERROR:
    case STLINK_SWD_AP_STICKYORUN_ERROR:
    case STLINK_BAD_AP_ERROR:
        return STFLASH_ERR_TARGET;
    default:
        return STFLASH_ERR_PROBE;
    }
}

int stlink_fail_status(struct stlink *sl, uint8_t st, const char *what)
{
    const char *ident = stlink_status_ident(st);
    if (stlink_status_is_wait(st))
        return ctx_fail(sl->ctx, STFLASH_ERR_TIMEOUT,
                        "%s: the target kept answering wait for %u ms (%s)", what,
                        (unsigned)sl->wait_timeout_ms, ident);
    if (stlink_status_is_link(st))
        return ctx_fail(sl->ctx, STFLASH_ERR_TARGET, "%s: the target does not answer on SWD (%s)",
                        what, ident);
    if (st == STLINK_FALSE || st == STLINK_SWD_AP_FAULT || st == STLINK_SWD_DP_FAULT)
        return ctx_fail(sl->ctx, STFLASH_ERR_TARGET, "%s: fault (%s)", what, ident);
    if (st == STLINK_JTAG_UNKNOWN_CMD)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE,
                        "%s: the probe firmware does not know the command (%s)", what, ident);
    if (strcmp(ident, "UNKNOWN") == 0)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE, "%s: unexpected probe status 0x%02x", what, st);
    return ctx_fail(sl->ctx, stlink_status_error(st), "%s: %s (%s)", what, stlink_status_name(st),
                    ident);
}

int stlink_status_cmd(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], uint8_t *rep,
                      size_t rep_cap, uint8_t *status)
{
    uint64_t deadline = stlink_now_ms() + sl->wait_timeout_ms;
    unsigned backoff = STLINK_BACKOFF_FIRST_MS;
    for (;;) {
        int rc = stlink_exchange(sl, cmd, NULL, 0, rep, rep_cap);
        if (rc != STFLASH_OK)
            return rc;
        if (!stlink_status_is_wait(rep[0]) || !stlink_back_off(deadline, &backoff)) {
            *status = rep[0];
            return STFLASH_OK;
        }
    }
}

int stlink_checked_cmd(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], uint8_t *rep,
                       size_t rep_cap, const char *what)
{
    uint8_t st;
    int rc = stlink_status_cmd(sl, cmd, rep, rep_cap, &st);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, what);
    if (st != STLINK_OK)
        return stlink_fail_status(sl, st, what);
    return STFLASH_OK;
}
