/*
 * The virtual board for "sim" selectors, loaded when first used.
 *
 * libstflash-sim carries the CPU emulator (Unicorn and the C++ runtime it needs): linked into the
 * tools, it made every run map and relocate them, about 7 MiB of resident memory and 30 ms of
 * start-up for a program that talks to a real probe. So the tools register a stand-in back-end
 * that opens libstflash-sim with dlopen() the first time a "sim" selector is enumerated or
 * opened, and hands every call to the back-end it exports (stflash_sim_backend, stflash/sim.h).
 * It is looked for beside the libstflash this program runs with (the build's lib directory, or
 * ../lib once installed), then the usual way: dlopen's own search cannot be relied on to use the
 * tools' RUNPATH (under a sanitizer the interposed dlopen is the caller, and it has none).
 */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sim_plugin.h"
#include "stflash/backend.h"

typedef const struct stflash_backend *(*backend_getter)(void);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const struct stflash_backend *loaded;
static char load_error[256];

/* Opens libstflash-sim from the folder of the libstflash in use, else by its name. */
static void *open_library(void)
{
    Dl_info info;
    if (dladdr((void *)stflash_register_sim_backend, &info) && info.dli_fname) {
        const char *slash = strrchr(info.dli_fname, '/');
        char path[4096];
        int n = slash ? snprintf(path, sizeof path, "%.*s/%s", (int)(slash - info.dli_fname),
                                 info.dli_fname, STFLASH_SIM_SONAME)
                      : -1;
        if (n > 0 && (size_t)n < sizeof path) {
            void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
            if (lib)
                return lib;
        }
    }
    return dlopen(STFLASH_SIM_SONAME, RTLD_NOW | RTLD_LOCAL);
}

static void load(void)
{
    /* Never unloaded: links to boards may outlive any one context. */
    void *lib = open_library();
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "%s", why ? why : "dlopen failed");
        return;
    }
    backend_getter get;
    *(void **)&get = dlsym(lib, "stflash_sim_backend");
    if (!get) {
        snprintf(load_error, sizeof load_error, "%s", "it has no stflash_sim_backend");
        return;
    }
    loaded = get();
    if (!loaded)
        snprintf(load_error, sizeof load_error, "%s", "its back-end is missing");
}

static const struct stflash_backend *backend(struct stflash_ctx *ctx)
{
    pthread_once(&load_once, load);
    if (!loaded)
        stflash_ctx_fail(ctx, STFLASH_ERR_UNSUPPORTED,
                         "the virtual board (" STFLASH_SIM_SONAME
                         ") cannot be loaded: %s; reinstall stflash with its libraries, or use a "
                         "probe on USB or tcp:",
                         load_error);
    return loaded;
}

static int enumerate(struct stflash_ctx *ctx, const char *spec, stflash_probe_found_fn fn,
                     void *user)
{
    const struct stflash_backend *b = backend(ctx);
    return b ? b->enumerate(ctx, spec, fn, user) : STFLASH_ERR_UNSUPPORTED;
}

static int open_link(struct stflash_ctx *ctx, const char *spec, void **link,
                     struct stflash_probe_info *info)
{
    const struct stflash_backend *b = backend(ctx);
    return b ? b->open(ctx, spec, link, info) : STFLASH_ERR_UNSUPPORTED;
}

/* A link exists only once open succeeded, so the back-end is loaded for the calls below. */
static int xfer(void *link, const uint8_t cmd[16], const uint8_t *out, size_t out_len, uint8_t *in,
                size_t in_len)
{
    return loaded->xfer(link, cmd, out, out_len, in, in_len);
}

static void close_link(void *link)
{
    loaded->close(link);
}

static int trace_read(void *link, uint8_t *buf, size_t len)
{
    return loaded->trace_read ? loaded->trace_read(link, buf, len) : STFLASH_ERR_UNSUPPORTED;
}

static const struct stflash_backend stand_in = {
    .enumerate = enumerate,
    .open = open_link,
    .xfer = xfer,
    .close = close_link,
    .trace_read = trace_read,
};

void tools_sim_register(void)
{
    stflash_register_sim_backend(&stand_in);
}
