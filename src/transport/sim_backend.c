/*
 * The virtual board in this process, as a transport: the library holds only the slot a program
 * fills with stflash_register_sim_backend (stflash/backend.h). The board itself lives in
 * libstflash-sim (sim/simlocal.c), so the library never links the CPU emulator.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "stflash/backend.h"
#include "transport/transport.h"

/* Written once at start, read by every context: an atomic pointer is all the locking it needs. */
static _Atomic(const struct stflash_backend *) registered;

/* What a "sim" selector says when no back-end is registered. */
#define SIM_MISSING                                                                                \
    "the virtual board is not part of this program (a program using the library links "            \
    "libstflash-sim and calls stflash_sim_register(); the stflash tools have it when built with "  \
    "STFLASH_BUILD_SIM on, the default)"

struct sim_transport {
    struct transport base;
    const struct stflash_backend *backend;
    void *link;
};

int stflash_register_sim_backend(const struct stflash_backend *backend)
{
    if (backend && (!backend->enumerate || !backend->open || !backend->xfer || !backend->close))
        return STFLASH_ERR_INVALID_ARG;
    atomic_store(&registered, backend);
    return STFLASH_OK;
}

int sim_backend_check(struct stflash_ctx *ctx)
{
    if (!atomic_load(&registered))
        return ctx_fail(ctx, STFLASH_ERR_UNSUPPORTED, SIM_MISSING);
    return STFLASH_OK;
}

static void name_probe(struct stflash_probe_info *info)
{
    const char *name = transport_probe_name(info->pid);
    if (!info->name[0] && name)
        snprintf(info->name, sizeof info->name, "%s", name);
}

struct found_relay {
    transport_found_fn fn;
    void *user;
};

static void relay_found(void *user, const struct stflash_probe_info *info)
{
    struct found_relay *r = user;
    struct stflash_probe_info named = *info;
    name_probe(&named);
    r->fn(r->user, &named);
}

int sim_backend_enumerate(struct stflash_ctx *ctx, const char *spec, transport_found_fn fn,
                          void *user)
{
    const struct stflash_backend *b = atomic_load(&registered);
    if (!b)
        return ctx_fail(ctx, STFLASH_ERR_UNSUPPORTED, SIM_MISSING);
    struct found_relay r = {fn, user};
    return b->enumerate(ctx, spec ? spec : "", relay_found, &r);
}

static int sim_xfer(struct transport *tr, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                    uint8_t *in, size_t in_len)
{
    struct sim_transport *t = (struct sim_transport *)tr;
    return t->backend->xfer(t->link, cmd, out, out_len, in, in_len);
}

static void sim_close(struct transport *tr)
{
    struct sim_transport *t = (struct sim_transport *)tr;
    t->backend->close(t->link);
    free(t);
}

static const struct transport_ops sim_ops = {sim_xfer, sim_close};

static int sim_trace_read(struct transport *tr, uint8_t *buf, size_t len)
{
    struct sim_transport *t = (struct sim_transport *)tr;
    return t->backend->trace_read(t->link, buf, len);
}

int sim_backend_open(struct stflash_ctx *ctx, const char *spec, struct transport **out)
{
    const struct stflash_backend *b = atomic_load(&registered);
    if (!b)
        return ctx_fail(ctx, STFLASH_ERR_UNSUPPORTED, SIM_MISSING);
    struct sim_transport *t = calloc(1, sizeof *t);
    if (!t)
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "cannot open the virtual board: out of memory");
    int rc = b->open(ctx, spec ? spec : "", &t->link, &t->base.info);
    if (rc != STFLASH_OK) {
        free(t);
        return rc;
    }
    name_probe(&t->base.info);
    t->base.ops = &sim_ops;
    if (b->trace_read)
        t->base.trace_read = sim_trace_read;
    t->base.ctx = ctx;
    t->backend = b;
    *out = &t->base;
    return STFLASH_OK;
}
