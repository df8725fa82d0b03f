/*
 * The stlink-server TCP protocol (ST's probe-sharing daemon, default port 7184): one definition
 * shared by the simulator's server, the client transport and the stand-in libusb. One request,
 * then one response; all fields little-endian.
 */
#ifndef STFLASH_TRANSPORT_STLINK_SERVER_PROTO_H
#define STFLASH_TRANSPORT_STLINK_SERVER_PROTO_H

#include <stdint.h>

#define STLINK_SERVER_DEFAULT_PORT 7184
/* OpenOCD sizes its socket buffers at 10240 bytes: a request or response must fit. */
#define STLINK_SERVER_MAX_MSG 10240u
/* The virtual board's daemon also takes a memory write's whole data phase in one request (up to
 * STLINK_MAX_WRITE32, src/stlink/stlink_proto.h), so clients that send large writes through the
 * stand-in libusb reach the probe as they would over USB. */
#define STLINK_SERVER_MAX_OUT 32768u

enum stlink_server_cmd {
    STLINK_SERVER_REFRESH_DEVICE_LIST = 0x00,
    STLINK_SERVER_GET_NB_DEV = 0x01,
    STLINK_SERVER_GET_DEV_INFO = 0x02,
    STLINK_SERVER_OPEN_DEV = 0x03,
    STLINK_SERVER_CLOSE_DEV = 0x04,
    STLINK_SERVER_SEND_USB_CMD = 0x05,
    STLINK_SERVER_GET_SERVER_VERSION = 0x06,
    STLINK_SERVER_GET_NB_OF_DEV_CLIENTS = 0x07,
    /* stflash serve's extension: the shared secret, first request of a client when the server
     * demands one (--secret). Byte 0 the command, bytes 4-7 the secret's length (at most
     * STLINK_SERVER_MAX_SECRET), then the secret; the answer is a status word. */
    STLINK_SERVER_STFLASH_AUTH = 0x80,
};

#define STLINK_SERVER_AUTH_HDR 8
#define STLINK_SERVER_MAX_SECRET 256u

enum stlink_server_status {
    STLINK_SERVER_OK = 0x00000001,
    STLINK_SERVER_ERR_MEMORY = 0x1000,
    STLINK_SERVER_ERR_TIMEOUT = 0x1001,
    STLINK_SERVER_ERR_BAD_PARAM = 0x1002,
    STLINK_SERVER_ERR_OPEN = 0x1003,
    STLINK_SERVER_ERR_TRUNCATED = 0x1052,
    STLINK_SERVER_ERR_NOT_AVAILABLE = 0x1053,
    STLINK_SERVER_ERR_TCP = 0x2001,
    STLINK_SERVER_ERR_CONNECT = 0x2002,
    STLINK_SERVER_ERR_CLOSE = 0x2003,
    STLINK_SERVER_ERR_BUSY = 0x2004,
    STLINK_SERVER_ERR_HOST = 0x10000,
};

/* Request sizes (bytes before any payload) and response sizes. */
#define STLINK_SERVER_VERSION_REQ 4
#define STLINK_SERVER_VERSION_RESP 16
#define STLINK_SERVER_REFRESH_REQ 2
#define STLINK_SERVER_GET_NB_DEV_REQ 1
#define STLINK_SERVER_DEV_INFO_REQ 8
#define STLINK_SERVER_DEV_INFO_RECORD 41
#define STLINK_SERVER_DEV_INFO_RESP 45
#define STLINK_SERVER_OPEN_REQ 8
#define STLINK_SERVER_OPEN_RESP 8
#define STLINK_SERVER_CLOSE_REQ 8
#define STLINK_SERVER_USB_CMD_HDR 32
#define STLINK_SERVER_SERIAL_LEN 32

/* Offsets inside GET_DEV_INFO's response. */
#define STLINK_SERVER_INFO_DEVICE_ID 4
#define STLINK_SERVER_INFO_SERIAL 8
#define STLINK_SERVER_INFO_VID 40
#define STLINK_SERVER_INFO_PID 42
#define STLINK_SERVER_INFO_IN_USE 44

/* Offsets inside SEND_USB_CMD's header. */
#define STLINK_SERVER_USB_CONNECT_ID 4
#define STLINK_SERVER_USB_CMD 8
#define STLINK_SERVER_USB_DIR 24
#define STLINK_SERVER_USB_LEN 28

enum stlink_server_usb_dir {
    STLINK_SERVER_DIR_OUT = 0,
    STLINK_SERVER_DIR_IN = 1,
    STLINK_SERVER_DIR_TRACE = 3,
};

#endif
