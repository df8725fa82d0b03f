/* Raw probe access (stflash/raw.h): the transport of one probe, without a target session. */
#include <stdlib.h>

#include "api/dev.h"
#include "api/selector.h"
#include "stflash/raw.h"

struct stflash_raw_probe {
    struct stflash_ctx *ctx;
    struct transport *tr;
};

int stflash_raw_open(struct stflash_ctx *ctx, const char *selector, struct stflash_raw_probe **out)
{
    struct selector sel;
    struct stflash_probe_info chosen;
    int rc = selector_parse(ctx, selector, &sel);
    if (rc == STFLASH_OK)
        rc = dev_choose_probe(ctx, &sel, selector, &chosen);
    if (rc != STFLASH_OK)
        return rc;
    struct stflash_raw_probe *p = calloc(1, sizeof *p);
    if (!p)
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "cannot open probe %s: out of memory",
                        chosen.serial);
    rc = dev_open_transport(ctx, &sel, &chosen, &p->tr);
    if (rc != STFLASH_OK) {
        free(p);
        return rc;
    }
    p->ctx = ctx;
    *out = p;
    return STFLASH_OK;
}

const struct stflash_probe_info *stflash_raw_info(const struct stflash_raw_probe *p)
{
    return &p->tr->info;
}

int stflash_raw_xfer(struct stflash_raw_probe *p, const uint8_t cmd[16], const uint8_t *out,
                     size_t out_len, uint8_t *in, size_t in_len)
{
    if (out_len && in_len)
        return ctx_fail(p->ctx, STFLASH_ERR_INVALID_ARG,
                        "a probe command either sends or receives data, not both");
    return transport_xfer(p->tr, cmd, out, out_len, in, in_len);
}

void stflash_raw_close(struct stflash_raw_probe *p)
{
    if (!p)
        return;
    transport_close(p->tr);
    free(p);
}
