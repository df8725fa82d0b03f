/* Synchronous transfers, and the bulk endpoint routing they share with asynchronous ones. */
#include "stlink/stlink_proto.h"
#include "usb_faults.h"
#include "usb_sim.h"

/* The trace endpoint: what the probe's SWO receiver holds (sim/swo.h), at most `cap` bytes,
 * through the stlink-server protocol's trace direction. Nothing there: the transfer times out,
 * as on the probe. */
static int trace_in(libusb_device_handle *h, uint8_t *data, size_t cap, int *transferred)
{
    uint8_t cmd[16] = {STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_GET_TRACE_NB};
    uint8_t count[2];
    int rc = daemon_usb_cmd(&h->link, cmd, STLINK_SERVER_DIR_IN, NULL, 0, count, sizeof count);
    if (rc != LIBUSB_SUCCESS)
        return rc;
    size_t n = (size_t)count[0] | (size_t)count[1] << 8;
    if (n > cap)
        n = cap;
    if (n == 0)
        return LIBUSB_ERROR_TIMEOUT;
    uint8_t none[16] = {0};
    rc = daemon_usb_cmd(&h->link, none, STLINK_SERVER_DIR_TRACE, NULL, 0, data, n);
    if (rc == LIBUSB_SUCCESS)
        *transferred = (int)n;
    return rc;
}

int usbsim_bulk(libusb_device_handle *h, uint8_t endpoint, uint8_t *data, int length,
                int *transferred)
{
    const struct probe_usb *u = h->dev->usb;
    *transferred = 0;
    if (length < 0)
        return LIBUSB_ERROR_INVALID_PARAM;
    int session = usbsim_session(h);
    if (session != LIBUSB_SUCCESS)
        return session;
    if (u->ver_major == 1 && (endpoint == u->ep_out || endpoint == u->ep_in)) {
        /* ST-LINK/V1: bulk-only mass-storage transport (v1_msc.c) */
        int n = endpoint == u->ep_out ? v1_msc_out(&h->v1, &h->link, data, (size_t)length)
                                      : v1_msc_in(&h->v1, data, (size_t)length);
        if (n < 0)
            return n;
        *transferred = endpoint == u->ep_out ? length : n;
        return LIBUSB_SUCCESS;
    }
    if (endpoint == u->ep_out) {
        int rc = stlink_pipe_out(&h->pipe, &h->link, data, (size_t)length);
        if (rc == LIBUSB_SUCCESS)
            *transferred = length;
        return rc;
    }
    if (endpoint == u->ep_in) {
        enum usb_fault fault = usb_fault_next_in();
        if (fault == USB_FAULT_STALL) {
            h->pipe.reply_len = h->pipe.reply_pos = 0; /* the reply is lost with the packet */
            return LIBUSB_ERROR_PIPE;
        }
        int n = stlink_pipe_in(&h->pipe, &h->link, data, (size_t)length);
        if (n < 0)
            return n;
        if (fault == USB_FAULT_SHORT && n > 1) {
            n /= 2; /* half arrives; the rest of the reply is lost */
            h->pipe.reply_len = h->pipe.reply_pos = 0;
        }
        *transferred = n;
        return LIBUSB_SUCCESS;
    }
    if (u->ep_trace && endpoint == u->ep_trace)
        return trace_in(h, data, (size_t)length, transferred);
    /* No such endpoint: the kernel refuses the request, which libusb reports as an I/O error. */
    return LIBUSB_ERROR_IO;
}

int LIBUSB_CALL libusb_bulk_transfer(libusb_device_handle *dev_handle, unsigned char endpoint,
                                     unsigned char *data, int length, int *actual_length,
                                     unsigned int timeout)
{
    int done = 0;
    usbsim_lock();
    dev_handle->link.reply_timeout_ms = timeout;
    int rc = usbsim_bulk(dev_handle, endpoint, data, length, &done);
    usbsim_unlock();
    if (actual_length)
        *actual_length = done;
    if (rc == LIBUSB_ERROR_TIMEOUT)
        usbsim_log(dev_handle->dev->ctx, LIBUSB_LOG_LEVEL_DEBUG,
                   "bulk IN 0x%02x: the probe has nothing to send", endpoint);
    return rc;
}

int LIBUSB_CALL libusb_interrupt_transfer(libusb_device_handle *dev_handle, unsigned char endpoint,
                                          unsigned char *data, int length, int *actual_length,
                                          unsigned int timeout)
{
    /* The probe's endpoints are all bulk: the kernel refuses interrupt requests on them. */
    if (actual_length)
        *actual_length = 0;
    return LIBUSB_ERROR_INVALID_PARAM;
}

int LIBUSB_CALL libusb_control_transfer(libusb_device_handle *dev_handle, uint8_t request_type,
                                        uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
                                        unsigned char *data, uint16_t wLength, unsigned int timeout)
{
    usbsim_lock();
    int rc = usbsim_control(dev_handle, request_type, bRequest, wValue, wIndex, data, wLength);
    usbsim_unlock();
    return rc;
}
