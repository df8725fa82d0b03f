/*
 * The ST-LINK/V1's bulk endpoints: USB mass-storage bulk-only transport around the ST-LINK
 * commands (src/stlink/stlink_v1.h). A 31-byte command block wrapper on OUT 0x02 carries the
 * command; the data phase it announces follows; a 13-byte status wrapper on IN 0x81 ends it. The
 * daemon runs the command (the CBW gives its direction and length), and says with
 * SIM_PROBE_USB_V1_STATUS whether it failed. A CBW that is not valid stalls both endpoints until
 * the bulk-only reset (BOT 6.6.1, 5.3.4). The SCSI REQUEST SENSE after a failure is answered here.
 */
#ifndef STFLASH_USB_SIM_V1_MSC_H
#define STFLASH_USB_SIM_V1_MSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon_link.h"
#include "stlink/stlink_v1.h"

enum v1_msc_state {
    V1_MSC_WAIT_CBW, /* ready for a command block wrapper */
    V1_MSC_DATA_OUT, /* gathering the data phase of a write */
    V1_MSC_DATA_IN,  /* the reply waits for the client's IN transfers */
    V1_MSC_STATUS,   /* the status wrapper waits */
};

struct v1_msc {
    enum v1_msc_state state;
    bool stalled; /* an invalid CBW: both endpoints stall until the bulk-only reset */
    bool failed;  /* the last command failed: REQUEST SENSE reports it */
    struct stlink_v1_cbw cbw;
    uint8_t csw_status;
    size_t data_need, data_have;
    size_t reply_len, reply_pos;
    uint8_t data[STLINK_SERVER_MAX_OUT];
    uint8_t reply[STLINK_SERVER_MAX_MSG];
};

/* Back to "waiting for a CBW" (open, USB reset, the bulk-only reset). */
void v1_msc_reset(struct v1_msc *m);

/* Bytes the client sent on the OUT endpoint: LIBUSB_SUCCESS or a libusb error. */
int v1_msc_out(struct v1_msc *m, struct daemon_link *l, const uint8_t *buf, size_t len);

/* An IN transfer of up to `cap` bytes: the bytes given, or a libusb error (TIMEOUT: nothing to
 * send; PIPE: the endpoint is stalled; OVERFLOW: the status wrapper does not fit). */
int v1_msc_in(struct v1_msc *m, uint8_t *buf, size_t cap);

#endif
