/* ST-LINK command phases over the daemon link (see stlink_pipe.h). */
#include <string.h>

#include "core/le.h"
#include "stlink/stlink_proto.h"
#include "usb_events.h"
#include "usb_sim.h"

void stlink_pipe_reset(struct stlink_pipe *p, int ver_major)
{
    p->ver_major = ver_major;
    p->collecting = false;
    p->data_need = p->data_have = 0;
    p->reply_len = p->reply_pos = 0;
    p->rw_misc_items = 0;
}

/* Sends the gathered write command and its data. */
static int flush_write(struct stlink_pipe *p, struct daemon_link *l)
{
    p->collecting = false;
    size_t len = p->data_have < sizeof p->data ? p->data_have : sizeof p->data;
    return daemon_usb_cmd(l, p->cmd, STLINK_SERVER_DIR_OUT, p->data, len, NULL, 0);
}

/* A new command block: run it now, as the probe firmware does when it arrives. */
static int start_command(struct stlink_pipe *p, struct daemon_link *l)
{
    struct stlink_phase ph;
    /* A command the client never reads the reply of is gone once the next one arrives. */
    p->reply_len = p->reply_pos = 0;
    if (stlink_cmd_phase(p->cmd, p->ver_major, &ph) != 0) {
        /* Unknown to the wire definition: pass it on without data; nothing answers it. */
        return daemon_usb_cmd(l, p->cmd, STLINK_SERVER_DIR_OUT, NULL, 0, NULL, 0);
    }
    if (ph.len_from_rw_misc_out)
        ph.len = stlink_rw_misc_in_len(p->rw_misc_items);
    if (p->cmd[0] == STLINK_CMD_DEBUG && p->cmd[1] == STLINK_DEBUG_APIV2_RW_MISC_OUT)
        p->rw_misc_items = le32_get(&p->cmd[2]);
    switch (ph.dir) {
    case STLINK_PHASE_OUT:
        p->data_need = ph.len;
        p->data_have = 0;
        p->collecting = true;
        return ph.len == 0 ? flush_write(p, l) : LIBUSB_SUCCESS;
    case STLINK_PHASE_IN: {
        if (ph.len > sizeof p->reply)
            return LIBUSB_ERROR_IO;
        int rc = daemon_usb_cmd(l, p->cmd, STLINK_SERVER_DIR_IN, NULL, 0, p->reply, ph.len);
        if (rc == LIBUSB_SUCCESS)
            p->reply_len = ph.len;
        return rc;
    }
    case STLINK_PHASE_NONE:
    default:
        return daemon_usb_cmd(l, p->cmd, STLINK_SERVER_DIR_OUT, NULL, 0, NULL, 0);
    }
}

int stlink_pipe_out(struct stlink_pipe *p, struct daemon_link *l, const uint8_t *buf, size_t len)
{
    while (len) {
        if (p->collecting) {
            size_t n = p->data_need - p->data_have;
            n = n < len ? n : len;
            /* Data beyond what the daemon can carry is consumed and dropped: the probe model
             * refuses such a length anyway. */
            if (p->data_have < sizeof p->data) {
                size_t room = sizeof p->data - p->data_have;
                memcpy(p->data + p->data_have, buf, n < room ? n : room);
            }
            p->data_have += n;
            buf += n;
            len -= n;
            if (p->data_have == p->data_need) {
                int rc = flush_write(p, l);
                if (rc != LIBUSB_SUCCESS)
                    return rc;
            }
            continue;
        }
        /* Each OUT transfer in the command state is one command block; a short one is padded
         * (unused bytes are zero), bytes past the block start the data phase. */
        size_t n = len < sizeof p->cmd ? len : sizeof p->cmd;
        memset(p->cmd, 0, sizeof p->cmd);
        memcpy(p->cmd, buf, n);
        buf += n;
        len -= n;
        int rc = start_command(p, l);
        if (rc != LIBUSB_SUCCESS)
            return rc;
    }
    return LIBUSB_SUCCESS;
}

/* How long the daemon may take to say what the IN endpoint holds. The query is answered at once
 * whatever the probe holds, so its round trip is host time, not the probe's: a transfer's own
 * timeout (10 ms when a client drains the endpoint at open, src/transport/usb.c) is shorter than
 * a loaded host may take to schedule the daemon, and missing it closes the link, which makes a
 * probe that is there look unplugged. "Nothing there" is the daemon's answer, not a timeout. */
#define READ_IN_DEADLINE_MS 10000u

/* Asks the probe for the bytes its IN endpoint holds without a command pending. */
static int stale_in(struct daemon_link *l, uint8_t *buf, size_t cap)
{
    const uint8_t cmd[16] = {SIM_PROBE_USB_READ_IN};
    uint8_t rep[SIM_PROBE_USB_READ_IN_LEN];
    unsigned transfer_timeout = l->reply_timeout_ms;
    if (l->reply_timeout_ms < READ_IN_DEADLINE_MS)
        l->reply_timeout_ms = READ_IN_DEADLINE_MS;
    int rc = daemon_usb_cmd(l, cmd, STLINK_SERVER_DIR_IN, NULL, 0, rep, sizeof rep);
    l->reply_timeout_ms = transfer_timeout;
    if (rc != LIBUSB_SUCCESS)
        return rc;
    size_t n = rep[0] < sizeof rep - 1 ? rep[0] : sizeof rep - 1;
    if (n == 0)
        return LIBUSB_ERROR_TIMEOUT;
    n = n < cap ? n : cap; /* a real short read would overflow; the rest is dropped */
    memcpy(buf, rep + 1, n);
    return (int)n;
}

int stlink_pipe_in(struct stlink_pipe *p, struct daemon_link *l, uint8_t *buf, size_t cap)
{
    size_t left = p->reply_len - p->reply_pos;
    if (left == 0)
        return p->collecting ? LIBUSB_ERROR_TIMEOUT : stale_in(l, buf, cap);
    size_t n = left < cap ? left : cap;
    memcpy(buf, p->reply + p->reply_pos, n);
    p->reply_pos += n;
    if (p->reply_pos == p->reply_len)
        p->reply_len = p->reply_pos = 0;
    return (int)n;
}
