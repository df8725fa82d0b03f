/* Probe selectors (see stflash.h): parsed once, matched against enumerated probes. Internal. */
#ifndef STFLASH_API_SELECTOR_H
#define STFLASH_API_SELECTOR_H

#include <stdbool.h>

#include "core/ctx.h"

enum selector_kind {
    SELECT_USB, /* "", "SERIAL", "usb:[SERIAL]" */
    SELECT_TCP, /* "tcp:[HOST][:PORT][/SERIAL]" */
    SELECT_SIM, /* "sim[:CHIP][,OPTION...]" */
};

struct selector {
    enum selector_kind kind;
    char serial[64]; /* prefix to match, "" = any */
    char host[128];
    int port;
    char sim_spec[256]; /* what follows "sim" */
};

/* Errors: STFLASH_ERR_INVALID_ARG with a message showing the accepted forms. */
int selector_parse(struct stflash_ctx *ctx, const char *text, struct selector *out);

/* True when the probe's serial starts with the selector's (case-insensitive). */
bool selector_matches(const struct selector *sel, const struct stflash_probe_info *info);

#endif
