/* ST-LINK/V1 bulk-only transport over the daemon link (see v1_msc.h). */
#include "v1_msc.h"

#include <string.h>

#include "usb_events.h"
#include "usb_faults.h"
#include "usb_sim.h"

void v1_msc_reset(struct v1_msc *m)
{
    m->state = V1_MSC_WAIT_CBW;
    m->stalled = false;
    m->data_need = m->data_have = 0;
    m->reply_len = m->reply_pos = 0;
}

/* Asks the probe whether the command it just ran failed. */
static int command_status(struct v1_msc *m, struct daemon_link *l)
{
    const uint8_t cmd[16] = {SIM_PROBE_USB_V1_STATUS};
    uint8_t rep[SIM_PROBE_USB_V1_STATUS_LEN] = {0};
    int rc = daemon_usb_cmd(l, cmd, STLINK_SERVER_DIR_IN, NULL, 0, rep, sizeof rep);
    if (rc != LIBUSB_SUCCESS)
        return rc;
    m->failed = rep[0] != 0;
    size_t sent = (size_t)(rep[1] | rep[2] << 8);
    if (m->cbw.data_in && sent < m->reply_len)
        m->reply_len = sent; /* a shorter reply ends the data phase early (BOT 6.7.2, Hi > Di) */
    m->csw_status = m->failed ? STLINK_V1_CSW_FAILED : STLINK_V1_CSW_PASSED;
    return LIBUSB_SUCCESS;
}

/* SPC-3 4.5.3 fixed-format sense data: ILLEGAL REQUEST after a failed command, else none. */
static void request_sense(struct v1_msc *m)
{
    size_t n = m->cbw.data_len < STLINK_V1_SENSE_LEN ? m->cbw.data_len : STLINK_V1_SENSE_LEN;
    uint8_t sense[STLINK_V1_SENSE_LEN] = {0x70};
    sense[7] = STLINK_V1_SENSE_LEN - 8; /* additional length */
    if (m->failed)
        sense[2] = 0x05; /* ILLEGAL REQUEST */
    memcpy(m->reply, sense, n);
    memset(m->reply + n, 0, m->cbw.data_len - n);
    m->reply_len = m->cbw.data_len;
    m->reply_pos = 0;
    m->failed = false;
    m->csw_status = STLINK_V1_CSW_PASSED;
    m->state = m->reply_len ? V1_MSC_DATA_IN : V1_MSC_STATUS;
}

/* Runs the command of a complete CBW (and its data, for a write). The firmware goes by the
 * ST-LINK command, not by the wrapper: a reply is as long as the command's (the rest of what
 * the CBW announced is the residue), and a write takes the data its command gives. */
static int run(struct v1_msc *m, struct daemon_link *l)
{
    int rc;
    if (m->cbw.data_in) {
        rc = daemon_usb_cmd(l, m->cbw.cb, STLINK_SERVER_DIR_IN, NULL, 0, m->reply, m->cbw.data_len);
        m->reply_len = m->cbw.data_len;
        m->reply_pos = 0;
    } else {
        rc = daemon_usb_cmd(l, m->cbw.cb, STLINK_SERVER_DIR_OUT, m->data, m->data_have, NULL, 0);
    }
    if (rc == LIBUSB_SUCCESS)
        rc = command_status(m, l);
    if (rc != LIBUSB_SUCCESS)
        return rc;
    m->state = m->cbw.data_in && m->reply_len ? V1_MSC_DATA_IN : V1_MSC_STATUS;
    return LIBUSB_SUCCESS;
}

static int take_cbw(struct v1_msc *m, struct daemon_link *l, const uint8_t *buf, size_t len)
{
    if (stlink_v1_cbw_decode(buf, len, &m->cbw) != 0 || m->cbw.lun != 0 ||
        m->cbw.data_len > (m->cbw.data_in ? sizeof m->reply : sizeof m->data)) {
        m->stalled = true; /* BOT 6.6.1: not a valid or meaningful CBW */
        return LIBUSB_ERROR_PIPE;
    }
    if (m->cbw.cb[0] == STLINK_V1_SCSI_REQUEST_SENSE && m->cbw.data_in) {
        request_sense(m);
        return LIBUSB_SUCCESS;
    }
    struct stlink_phase ph;
    size_t out_len = m->cbw.data_in ? 0 : m->cbw.data_len;
    if (stlink_cmd_phase(m->cbw.cb, 2, &ph) == 0 && ph.dir == STLINK_PHASE_OUT)
        out_len = ph.len; /* memory writes: the same in API v1 and v2 */
    if (out_len > sizeof m->data) {
        m->stalled = true;
        return LIBUSB_ERROR_PIPE;
    }
    if (out_len) {
        m->data_need = out_len;
        m->data_have = 0;
        m->state = V1_MSC_DATA_OUT;
        return LIBUSB_SUCCESS;
    }
    m->data_have = 0;
    return run(m, l);
}

int v1_msc_out(struct v1_msc *m, struct daemon_link *l, const uint8_t *buf, size_t len)
{
    if (m->stalled)
        return LIBUSB_ERROR_PIPE;
    switch (m->state) {
    case V1_MSC_WAIT_CBW:
        return take_cbw(m, l, buf, len);
    case V1_MSC_DATA_OUT: {
        size_t n = m->data_need - m->data_have;
        if (len > n) {
            /* More than the CBW announced: the device stalls the rest (BOT 6.7.3). */
            m->stalled = true;
            return LIBUSB_ERROR_PIPE;
        }
        memcpy(m->data + m->data_have, buf, len);
        m->data_have += len;
        return m->data_have == m->data_need ? run(m, l) : LIBUSB_SUCCESS;
    }
    default:
        /* A CBW while the device still has data or a status to send: phase error. */
        m->stalled = true;
        return LIBUSB_ERROR_PIPE;
    }
}

int v1_msc_in(struct v1_msc *m, uint8_t *buf, size_t cap)
{
    if (m->stalled)
        return LIBUSB_ERROR_PIPE;
    if (m->state == V1_MSC_DATA_IN) {
        size_t n = m->reply_len - m->reply_pos;
        n = n < cap ? n : cap;
        memcpy(buf, m->reply + m->reply_pos, n);
        m->reply_pos += n;
        if (m->reply_pos == m->reply_len)
            m->state = V1_MSC_STATUS;
        return (int)n;
    }
    if (m->state != V1_MSC_STATUS)
        return LIBUSB_ERROR_TIMEOUT; /* nothing to send: the probe only answers commands */
    if (cap < STLINK_V1_CSW_SIZE)
        return LIBUSB_ERROR_OVERFLOW;
    /* BOT 5.2: the residue is what the CBW announced and the data phase did not move. */
    size_t moved = m->cbw.data_in ? m->reply_pos : m->data_have;
    struct stlink_v1_csw csw = {m->cbw.tag, 0, m->csw_status};
    if (m->cbw.data_len > moved)
        csw.residue = (uint32_t)(m->cbw.data_len - moved);
    stlink_v1_csw_encode(&csw, buf);
    m->state = V1_MSC_WAIT_CBW;
    /* STFLASH_SIM_USB_FAULT=csw-tag:N, csw-sig:N, csw-phase:N (usb_faults.h): the Nth status
     * wrapper is wrong or reports a phase error, for testing what a client makes of it. */
    enum usb_fault fault = usb_fault_next_csw();
    if (fault == USB_FAULT_CSW_TAG)
        buf[4] ^= 0x01u;
    else if (fault == USB_FAULT_CSW_SIGNATURE)
        buf[3] = 'C';
    else if (fault == USB_FAULT_CSW_PHASE)
        buf[12] = STLINK_V1_CSW_PHASE_ERROR;
    return STLINK_V1_CSW_SIZE;
}
