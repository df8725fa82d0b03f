/* Decoding of stlink-server replies (the record layout: transport/stlink_server_proto.h). */
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "stlink/stlink_proto.h"
#include "transport/tcp_reply.h"
#include "transport/transport.h"

void tcp_decode_dev_info(const uint8_t *resp, const char *host, int port, struct tcp_found *f)
{
    memset(f, 0, sizeof *f);
    struct stflash_probe_info *info = &f->info;
    f->device_id = le32_get(&resp[STLINK_SERVER_INFO_DEVICE_ID]);
    f->in_use = resp[STLINK_SERVER_INFO_IN_USE] != 0;
    snprintf(info->transport, sizeof info->transport, "tcp");
    const uint8_t *serial = &resp[STLINK_SERVER_INFO_SERIAL];
    size_t slen = strnlen((const char *)serial, STLINK_SERVER_SERIAL_LEN);
    memcpy(info->serial_raw, serial, slen);
    info->serial_raw_len = slen;
    memcpy(info->serial, serial, slen);
    info->serial[slen] = '\0';
    info->vid = le16_get(&resp[STLINK_SERVER_INFO_VID]);
    info->pid = le16_get(&resp[STLINK_SERVER_INFO_PID]);
    const char *name = info->vid == STLINK_VID ? transport_probe_name(info->pid) : NULL;
    snprintf(info->name, sizeof info->name, "%s", name ? name : "unknown probe");
    snprintf(info->location, sizeof info->location, "%s:%d", host, port);
    if (info->vid != STLINK_VID) {
        info->status = STFLASH_ERR_UNSUPPORTED;
        snprintf(info->status_text, sizeof info->status_text, "%04x:%04x is not an ST-LINK",
                 info->vid, info->pid);
    } else {
        info->status = transport_pid_status(info->pid, info->status_text, sizeof info->status_text);
    }
    if (info->status == STFLASH_OK && f->in_use) {
        info->status = STFLASH_ERR_BUSY;
        snprintf(info->status_text, sizeof info->status_text,
                 "in use by another client of the stlink-server");
    }
}
