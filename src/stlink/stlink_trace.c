/* The ST-LINK's SWO trace receiver (stlink_trace.h). */
#include "stlink/stlink_trace.h"

#include "core/ctx.h"
#include "core/le.h"
#include "stlink/stlink_proto.h"

static int trace_supported(struct stlink *sl)
{
    if (sl->hw == 2 && sl->jtag < 13)
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the probe's firmware (V2J%u) has no SWO trace receiver (from V2J13): "
                        "update it with ST's STLinkUpgrade",
                        sl->jtag);
    if (!sl->tr->trace_read)
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "this probe connection carries no SWO trace (its trace endpoint is not "
                        "reachable through it)");
    return STFLASH_OK;
}

/* A trace command with a status byte reply. */
static int status_command(struct stlink *sl, uint8_t op, uint16_t size, uint32_t baud,
                          const char *what)
{
    uint8_t cmd[STLINK_CMD_SIZE] = {STLINK_CMD_DEBUG, op};
    le16_put(&cmd[2], size);
    le32_put(&cmd[4], baud);
    uint8_t rep[2];
    int rc = transport_xfer(sl->tr, cmd, NULL, 0, rep, sizeof rep);
    if (rc)
        return ctx_fail(sl->ctx, rc, "%s: %s", what, stflash_last_error(sl->ctx));
    if (rep[0] != STLINK_OK)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE, "%s: the probe answered %s (0x%02x)", what,
                        stlink_status_name(rep[0]), rep[0]);
    return STFLASH_OK;
}

int stlink_trace_start(struct stlink *sl, uint32_t baud)
{
    int rc = trace_supported(sl);
    if (rc)
        return rc;
    if (sl->hw == 2 && baud > STLINK_TRACE_MAX_BAUD_V2)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                        "SWO at %u baud: the ST-LINK/V2 receives at most %u", baud,
                        STLINK_TRACE_MAX_BAUD_V2);
    return status_command(sl, STLINK_DEBUG_APIV2_START_TRACE_RX, STLINK_TRACE_BUFFER, baud,
                          "starting the SWO receiver");
}

int stlink_trace_stop(struct stlink *sl)
{
    return status_command(sl, STLINK_DEBUG_APIV2_STOP_TRACE_RX, 0, 0, "stopping the SWO receiver");
}

int stlink_trace_read(struct stlink *sl, uint8_t *buf, size_t cap)
{
    uint8_t cmd[STLINK_CMD_SIZE] = {STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_GET_TRACE_NB};
    uint8_t rep[2];
    int rc = transport_xfer(sl->tr, cmd, NULL, 0, rep, sizeof rep);
    if (rc)
        return ctx_fail(sl->ctx, rc, "reading the SWO byte count: %s", stflash_last_error(sl->ctx));
    size_t n = le16_get(rep);
    if (n > cap)
        n = cap;
    if (n == 0)
        return 0;
    rc = sl->tr->trace_read(sl->tr, buf, n);
    if (rc)
        return ctx_fail(sl->ctx, rc, "reading the SWO trace: %s", stflash_last_error(sl->ctx));
    return (int)n;
}
