/*
 * The stand-in libusb's side of the stlink-server protocol (src/transport/stlink_server_proto.h):
 * list the daemon's probes, open one, carry ST-LINK commands, close it. The daemon is found at
 * STFLASH_SIM_ADDR (host:port), 127.0.0.1:7184 by default. Functions return libusb error codes.
 */
#ifndef STFLASH_USB_SIM_DAEMON_LINK_H
#define STFLASH_USB_SIM_DAEMON_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/stlink_server_proto.h"

#define DAEMON_MAX_PROBES 32

struct daemon_probe {
    uint32_t device_id;
    char serial[STLINK_SERVER_SERIAL_LEN + 1]; /* NUL-terminated ASCII */
    uint16_t vid, pid;
    bool in_use;
};

struct daemon_link {
    int fd; /* -1 when closed */
    uint32_t connect_id;
    size_t max_msg; /* largest request or response the server accepts */
    /* How long a command waits for its answer: the client's transfer timeout (0: 60 s). */
    unsigned reply_timeout_ms;
};

/* The daemon's probe list; 0 probes when no daemon answers. */
int daemon_list_probes(struct daemon_probe *out, int max);

/* LIBUSB_SUCCESS, LIBUSB_ERROR_BUSY (another client has it), LIBUSB_ERROR_NO_DEVICE (gone or no
 * daemon), LIBUSB_ERROR_IO (protocol failure). */
int daemon_open(struct daemon_link *l, uint32_t device_id);
void daemon_close(struct daemon_link *l);

/* One ST-LINK command with its data phase: dir is enum stlink_server_usb_dir; `out` is sent for
 * STLINK_SERVER_DIR_OUT, `in` receives in_len bytes for STLINK_SERVER_DIR_IN. A broken
 * connection reads as LIBUSB_ERROR_NO_DEVICE (the probe is gone), a refusal as LIBUSB_ERROR_IO,
 * no answer within reply_timeout_ms as LIBUSB_ERROR_TIMEOUT (the link is then closed: a late
 * answer would be taken for the next command's). */
int daemon_usb_cmd(struct daemon_link *l, const uint8_t cmd[16], uint8_t dir, const uint8_t *out,
                   size_t out_len, uint8_t *in, size_t in_len);

#endif
