/* The framing of stlink-server requests (see transport/stlink_server_proto.h). */
#include "server_request.h"

#include "core/le.h"
#include "transport/stlink_server_proto.h"

size_t sim_request_length(const uint8_t *rx, size_t have)
{
    switch (rx[0]) {
    case STLINK_SERVER_REFRESH_DEVICE_LIST:
        return STLINK_SERVER_REFRESH_REQ;
    case STLINK_SERVER_GET_NB_DEV:
        return STLINK_SERVER_GET_NB_DEV_REQ;
    case STLINK_SERVER_GET_DEV_INFO:
        return STLINK_SERVER_DEV_INFO_REQ;
    case STLINK_SERVER_OPEN_DEV:
        return STLINK_SERVER_OPEN_REQ;
    case STLINK_SERVER_CLOSE_DEV:
        return STLINK_SERVER_CLOSE_REQ;
    case STLINK_SERVER_GET_SERVER_VERSION:
        return STLINK_SERVER_VERSION_REQ;
    case STLINK_SERVER_GET_NB_OF_DEV_CLIENTS:
        return 8;
    case STLINK_SERVER_SEND_USB_CMD:
        if (have < STLINK_SERVER_USB_CMD_HDR)
            return STLINK_SERVER_USB_CMD_HDR;
        return (size_t)STLINK_SERVER_USB_CMD_HDR +
               (rx[STLINK_SERVER_USB_DIR] == STLINK_SERVER_DIR_OUT
                    ? (size_t)le32_get(&rx[STLINK_SERVER_USB_LEN])
                    : 0);
    case STLINK_SERVER_STFLASH_AUTH:
        if (have < STLINK_SERVER_AUTH_HDR)
            return STLINK_SERVER_AUTH_HDR;
        return (size_t)STLINK_SERVER_AUTH_HDR + (size_t)le32_get(&rx[4]);
    default:
        return 1;
    }
}
