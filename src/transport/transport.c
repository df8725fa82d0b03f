/* What the transports share: probe names by PID, serial formatting, selection by serial. */
#include "transport/transport.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "stlink/stlink_proto.h"

const char *transport_probe_name(uint16_t pid)
{
    switch (pid) {
    case STLINK_PID_V1:
        return "ST-LINK/V1";
    case STLINK_PID_V2:
        return "ST-LINK/V2";
    case STLINK_PID_V2_AUDIO:
    case STLINK_PID_V2_1:
    case STLINK_PID_V2_1_NOMSD:
        return "ST-LINK/V2-1";
    case STLINK_PID_V3_DFU:
        return "STLINK-V3 (loader)";
    case STLINK_PID_V3E:
    case STLINK_PID_V3S:
    case STLINK_PID_V3_2VCP:
    case STLINK_PID_V3_NOMSD:
        return "STLINK-V3";
    case STLINK_PID_V3PWR:
        return "STLINK-V3PWR";
    default:
        return NULL;
    }
}

int transport_pid_status(uint16_t pid, char *text, size_t cap)
{
    if (pid == STLINK_PID_V3_DFU) {
        snprintf(text, cap,
                 "in its USB bootloader (DFU): unplug and replug it, or update its "
                 "firmware with STM32CubeProgrammer");
        return STFLASH_ERR_PROBE;
    }
    if (!transport_probe_name(pid)) {
        snprintf(text, cap, "0483:%04x is not an ST-LINK this program knows", pid);
        return STFLASH_ERR_UNSUPPORTED;
    }
    snprintf(text, cap, "ok");
    return STFLASH_OK;
}

void transport_serial_text(const uint8_t *raw, size_t len, char *out, size_t cap)
{
    /* A 12-byte serial (a 26-byte string descriptor) is the binary form ST-LINK/V2 probes
     * carry: hex even when its bytes happen to be printable, so the same probe always prints
     * the same way (and the way other tools print it). */
    bool printable = len > 0 && len != TRANSPORT_BINARY_SERIAL_LEN;
    for (size_t i = 0; i < len; i++)
        if (raw[i] < 0x20 || raw[i] > 0x7E)
            printable = false;
    if (cap == 0)
        return;
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < len; i++) {
        size_t need = printable ? 1 : 2;
        if (used + need >= cap)
            break;
        if (printable)
            out[used++] = (char)raw[i];
        else
            used += (size_t)snprintf(out + used, cap - used, "%02X", raw[i]);
        out[used] = '\0';
    }
}

void transport_describe(const struct stflash_probe_info *info, char *out, size_t cap)
{
    snprintf(out, cap, "%s serial %s (%s %s)", info->name[0] ? info->name : "ST-LINK",
             info->serial[0] ? info->serial : "unknown", info->transport, info->location);
}

static bool prefix_of(const char *prefix, const char *s)
{
    return strncasecmp(prefix, s, strlen(prefix)) == 0;
}

static int ambiguous(struct stflash_ctx *ctx, const struct stflash_probe_info *found, size_t count,
                     const char *serial, const char *where)
{
    char list[400] = "";
    size_t used = 0;
    for (size_t i = 0; i < count && used + 2 < sizeof list; i++) {
        if (serial && *serial && !prefix_of(serial, found[i].serial))
            continue;
        int n = snprintf(list + used, sizeof list - used, "%s%s %s", used ? ", " : "",
                         found[i].name, found[i].serial[0] ? found[i].serial : "(no serial)");
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (used >= sizeof list)
        used = sizeof list - 1;
    if (serial && *serial)
        return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                        "serial '%s' matches several probes %s: %s; give more of it", serial, where,
                        list);
    return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                    "several probes found %s: %s; choose one by its serial", where, list);
}

int transport_pick(struct stflash_ctx *ctx, const struct stflash_probe_info *found, size_t count,
                   const char *serial, const char *where, size_t *index)
{
    if (count == 0)
        return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND, "no ST-LINK found %s", where);
    if (!serial || !*serial) {
        if (count > 1)
            return ambiguous(ctx, found, count, NULL, where);
        *index = 0;
        return STFLASH_OK;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcasecmp(found[i].serial, serial) == 0) {
            *index = i;
            return STFLASH_OK;
        }
    }
    size_t matches = 0, pick = 0;
    for (size_t i = 0; i < count; i++) {
        if (prefix_of(serial, found[i].serial)) {
            matches++;
            pick = i;
        }
    }
    if (matches > 1)
        return ambiguous(ctx, found, count, serial, where);
    if (matches == 0)
        return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND, "no ST-LINK with serial '%s' %s", serial,
                        where);
    *index = pick;
    return STFLASH_OK;
}
