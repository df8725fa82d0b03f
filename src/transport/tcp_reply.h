/* Decoding of stlink-server replies, apart from the sockets (tcp_reply.c). */
#ifndef STFLASH_TRANSPORT_TCP_REPLY_H
#define STFLASH_TRANSPORT_TCP_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "stflash/stflash.h"
#include "transport/stlink_server_proto.h"

/* A probe the server reports. */
struct tcp_found {
    struct stflash_probe_info info;
    uint32_t device_id;
    bool in_use;
};

/* Fills *f from a GET_DEV_INFO reply of STLINK_SERVER_DEV_INFO_RESP bytes, whatever they hold
 * (the serial is cut at its field's end; a vendor other than ST's, an unknown product or a
 * probe in use give a status saying so). host:port names where it was found. */
void tcp_decode_dev_info(const uint8_t *resp, const char *host, int port, struct tcp_found *f);

#endif
