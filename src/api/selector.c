#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/selector.h"
#include "transport/stlink_server_proto.h"
#include "transport/transport.h"

#define SELECTOR_FORMS                                                                             \
    "give a serial (or its start), usb:[SERIAL], tcp:[HOST][:PORT][/SERIAL] or "                   \
    "sim[:CHIP][,OPTION...]"

static int copy_field(struct stflash_ctx *ctx, char *dst, size_t cap, const char *src, size_t n,
                      const char *what)
{
    if (n >= cap)
        return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG, "%s in the probe selector is too long", what);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return STFLASH_OK;
}

static int parse_tcp(struct stflash_ctx *ctx, const char *rest, struct selector *out)
{
    const char *slash = strchr(rest, '/');
    size_t hp_len = slash ? (size_t)(slash - rest) : strlen(rest);
    if (slash && copy_field(ctx, out->serial, sizeof out->serial, slash + 1, strlen(slash + 1),
                            "the serial") != 0)
        return STFLASH_ERR_INVALID_ARG;
    const char *colon = memchr(rest, ':', hp_len);
    size_t host_len = colon ? (size_t)(colon - rest) : hp_len;
    if (copy_field(ctx, out->host, sizeof out->host, rest, host_len, "the host") != 0)
        return STFLASH_ERR_INVALID_ARG;
    if (!out->host[0])
        strcpy(out->host, "127.0.0.1");
    out->port = STLINK_SERVER_DEFAULT_PORT;
    if (colon) {
        char port[16];
        size_t n = hp_len - host_len - 1;
        if (n == 0 || n >= sizeof port)
            return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG, "bad port in probe selector 'tcp:%s'",
                            rest);
        memcpy(port, colon + 1, n);
        port[n] = '\0';
        char *end;
        long p = strtol(port, &end, 10);
        if (*end || p < 1 || p > 65535)
            return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                            "bad port '%s' in probe selector: give 1 to 65535", port);
        out->port = (int)p;
    }
    return STFLASH_OK;
}

int selector_parse(struct stflash_ctx *ctx, const char *text, struct selector *out)
{
    struct selector sel;
    memset(&sel, 0, sizeof sel);
    sel.kind = SELECT_USB;
    if (!text)
        text = "";
    if (strncmp(text, "tcp", 3) == 0 && (text[3] == '\0' || text[3] == ':')) {
        sel.kind = SELECT_TCP;
        if (parse_tcp(ctx, text[3] ? text + 4 : "", &sel) != 0)
            return STFLASH_ERR_INVALID_ARG;
    } else if (strncmp(text, "sim", 3) == 0 &&
               (text[3] == '\0' || text[3] == ':' || text[3] == ',')) {
        sel.kind = SELECT_SIM;
        if (sim_backend_check(ctx) != STFLASH_OK) /* libstflash-sim not linked */
            return STFLASH_ERR_UNSUPPORTED;
        if (copy_field(ctx, sel.sim_spec, sizeof sel.sim_spec, text + 3, strlen(text + 3),
                       "the virtual-board specification") != 0)
            return STFLASH_ERR_INVALID_ARG;
    } else {
        const char *serial = text;
        if (strncmp(text, "usb", 3) == 0 && (text[3] == '\0' || text[3] == ':'))
            serial = text[3] ? text + 4 : "";
        for (const char *p = serial; *p; p++)
            if (!isprint((unsigned char)*p) || *p == ' ')
                return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                                "probe selector '%s' is not understood: " SELECTOR_FORMS, text);
        if (copy_field(ctx, sel.serial, sizeof sel.serial, serial, strlen(serial), "the serial") !=
            0)
            return STFLASH_ERR_INVALID_ARG;
    }
    *out = sel;
    return STFLASH_OK;
}

bool selector_matches(const struct selector *sel, const struct stflash_probe_info *info)
{
    size_t n = strlen(sel->serial);
    return n == 0 || strncasecmp(info->serial, sel->serial, n) == 0;
}
