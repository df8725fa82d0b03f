/*
 * Probe back-ends that live outside the library.
 *
 * libstflash reaches probes over USB and through an stlink-server by itself. The virtual board
 * in this process ("sim[...]" selectors: a simulated ST-LINK and STM32 on a CPU emulator) is an
 * optional part, libstflash-sim, so that programs driving real probes do not carry the emulator.
 * A program that wants it links libstflash-sim and calls stflash_sim_register() (stflash/sim.h)
 * once at start; that function hands the back-end below to stflash_register_sim_backend(). Until
 * then a "sim" selector fails with STFLASH_ERR_UNSUPPORTED, saying what to link.
 *
 * Programs that only use probes never include this header; it is for writers of back-ends.
 */
#ifndef STFLASH_BACKEND_H
#define STFLASH_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default)

/* Called once per probe found; the info is valid during the call only. */
typedef void (*stflash_probe_found_fn)(void *user, const struct stflash_probe_info *info);

/*
 * A back-end of "sim[...]" selectors. `spec` is what follows "sim" in the selector ("" or
 * ":CHIP[,OPTION...]"). Failures are reported with stflash_ctx_fail() on the context given and
 * returned as STFLASH_ERR_* codes. The library fills in info->name from the PID when the
 * back-end leaves it empty.
 */
struct stflash_backend {
    /* Reports the probes `spec` names through fn (the ones that cannot be opened included,
     * with their status). */
    int (*enumerate)(struct stflash_ctx *ctx, const char *spec, stflash_probe_found_fn fn,
                     void *user);
    /* Opens the probe `spec` names: *link is the back-end's connection to it, passed to xfer and
     * close; *info describes it. */
    int (*open)(struct stflash_ctx *ctx, const char *spec, void **link,
                struct stflash_probe_info *info);
    /* One ST-LINK command exchange: sends the 16-byte command block, then `out_len` bytes of
     * `out`, then receives exactly `in_len` bytes into `in`. Every wait has a deadline. */
    int (*xfer)(void *link, const uint8_t cmd[16], const uint8_t *out, size_t out_len, uint8_t *in,
                size_t in_len);
    /* Releases the probe and frees the link. */
    void (*close)(void *link);
    /* Optional (NULL: no SWO capture): reads `len` bytes from the probe's trace endpoint, at
     * most the count its GET_TRACE_NB answered. */
    int (*trace_read)(void *link, uint8_t *buf, size_t len);
};

/*
 * Makes `backend` the one "sim[...]" selectors use, in every context of the process (NULL
 * removes it). Call it at start, before any context uses such a selector; the structure must
 * stay valid while it is registered. Errors: STFLASH_ERR_INVALID_ARG (a member is NULL).
 */
int stflash_register_sim_backend(const struct stflash_backend *backend);

/* For back-ends: records the message of a failure in the context, as the library's own failures
 * are (stflash_last_error() returns it), and returns err. */
int stflash_ctx_fail(struct stflash_ctx *ctx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For back-ends: passes a message to the context's log callback (dropped above its level). */
void stflash_ctx_log(struct stflash_ctx *ctx, enum stflash_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
