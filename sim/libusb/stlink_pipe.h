/*
 * The ST-LINK's bulk endpoints as a state machine over the daemon link. The probe firmware sees a
 * 16-byte command OUT, then, for write commands, a data OUT whose length the command gives, then
 * answers on the IN endpoint; stlink_cmd_phase() (src/stlink/stlink_proto.h) says which. The
 * daemon takes a command with its data in one request, so OUT bytes are gathered until the
 * command is complete, and a reply is held until the client's IN transfers have taken it.
 */
#ifndef STFLASH_USB_SIM_STLINK_PIPE_H
#define STFLASH_USB_SIM_STLINK_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon_link.h"

struct stlink_pipe {
    int ver_major;   /* 2 or 3: a few reply sizes differ */
    bool collecting; /* a write command is waiting for its data OUT phase */
    uint8_t cmd[16];
    size_t data_need, data_have;
    size_t reply_len, reply_pos;
    uint32_t rw_misc_items; /* of the last RW_MISC_OUT: sizes the RW_MISC_IN reply */
    uint8_t data[STLINK_SERVER_MAX_OUT];
    uint8_t reply[STLINK_SERVER_MAX_MSG];
};

/* Back to "waiting for a command", nothing pending (open, USB reset). */
void stlink_pipe_reset(struct stlink_pipe *p, int ver_major);

/* Bytes the client sent on the OUT endpoint. Returns a libusb error code. */
int stlink_pipe_out(struct stlink_pipe *p, struct daemon_link *l, const uint8_t *buf, size_t len);

/* Copies up to `cap` bytes of the pending reply; with none, whatever the probe's IN endpoint
 * still holds from before (a reply its earlier client never read). The bytes count, or
 * LIBUSB_ERROR_TIMEOUT when the probe has nothing to send. */
int stlink_pipe_in(struct stlink_pipe *p, struct daemon_link *l, uint8_t *buf, size_t cap);

#endif
