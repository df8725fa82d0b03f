/*
 * The control endpoint: the standard requests of USB 2.0 chapter 9 that a probe answers
 * (descriptors, status, configuration, interface, endpoint halt). The ST-LINK debug interface
 * has no class or vendor requests, so anything else stalls, as on a real probe; the V1's
 * mass-storage interface answers the bulk-only reset.
 */
#include <string.h>

#include "usb_sim.h"

#define RECIPIENT(rt) ((rt)&0x1Fu)
#define TYPE(rt) ((rt)&0x60u)

static int reply(uint8_t *data, uint16_t length, const uint8_t *src, size_t n)
{
    size_t k = n < length ? n : length;
    memcpy(data, src, k);
    return (int)k;
}

static int standard_in(libusb_device_handle *h, uint8_t rt, uint8_t request, uint16_t value,
                       uint16_t index, uint8_t *data, uint16_t length)
{
    static const uint8_t zero_status[2] = {0, 0}; /* bus powered, no wakeup, not halted */
    switch (request) {
    case LIBUSB_REQUEST_GET_DESCRIPTOR: {
        if (RECIPIENT(rt) != LIBUSB_RECIPIENT_DEVICE)
            return LIBUSB_ERROR_PIPE;
        /* The string language id (index) is not checked: English is the only language. */
        int n = probe_usb_descriptor(&h->dev->probe, h->dev->usb, (uint8_t)(value >> 8),
                                     (uint8_t)value, data, length);
        return n < 0 ? LIBUSB_ERROR_PIPE : (n < length ? n : length);
    }
    case LIBUSB_REQUEST_GET_STATUS:
        if (RECIPIENT(rt) == LIBUSB_RECIPIENT_ENDPOINT &&
            libusb_get_max_packet_size(h->dev, (uint8_t)index) < 0)
            return LIBUSB_ERROR_PIPE;
        return reply(data, length, zero_status, sizeof zero_status);
    case LIBUSB_REQUEST_GET_CONFIGURATION: {
        uint8_t c = (uint8_t)h->configuration;
        return reply(data, length, &c, 1);
    }
    case LIBUSB_REQUEST_GET_INTERFACE: {
        static const uint8_t alt = 0;
        if (index != PROBE_INTERFACE)
            return LIBUSB_ERROR_PIPE;
        return reply(data, length, &alt, 1);
    }
    default:
        return LIBUSB_ERROR_PIPE;
    }
}

static int standard_out(libusb_device_handle *h, uint8_t rt, uint8_t request, uint16_t value,
                        uint16_t index)
{
    switch (request) {
    case LIBUSB_REQUEST_SET_CONFIGURATION:
        if (value != 0 && value != PROBE_CONFIG_VALUE)
            return LIBUSB_ERROR_PIPE;
        h->configuration = value;
        return 0;
    case LIBUSB_REQUEST_SET_INTERFACE:
        return index == PROBE_INTERFACE && value == 0 ? 0 : LIBUSB_ERROR_PIPE;
    case LIBUSB_REQUEST_CLEAR_FEATURE:
        if (RECIPIENT(rt) == LIBUSB_RECIPIENT_ENDPOINT)
            return libusb_get_max_packet_size(h->dev, (uint8_t)index) > 0 ? 0 : LIBUSB_ERROR_PIPE;
        return 0;
    default:
        return LIBUSB_ERROR_PIPE;
    }
}

int usbsim_control(libusb_device_handle *h, uint8_t request_type, uint8_t request, uint16_t value,
                   uint16_t index, uint8_t *data, uint16_t length)
{
    if (h->dev->usb->ver_major == 1 &&
        request_type ==
            (LIBUSB_ENDPOINT_OUT | LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE) &&
        request == STLINK_V1_BOMS_RESET && index == PROBE_INTERFACE && value == 0 && length == 0) {
        /* ST-LINK/V1: the bulk-only mass storage reset (BOT 3.1) readies it for a CBW. */
        v1_msc_reset(&h->v1);
        return 0;
    }
    if (TYPE(request_type) != LIBUSB_REQUEST_TYPE_STANDARD)
        return LIBUSB_ERROR_PIPE;
    if (request_type & LIBUSB_ENDPOINT_IN)
        return standard_in(h, request_type, request, value, index, data, length);
    return standard_out(h, request_type, request, value, index);
}

int LIBUSB_CALL libusb_get_string_descriptor_ascii(libusb_device_handle *dev_handle,
                                                   uint8_t desc_index, unsigned char *data,
                                                   int length)
{
    if (desc_index == 0 || length <= 0)
        return LIBUSB_ERROR_INVALID_PARAM; /* index 0 is the language table, not a string */
    uint8_t langs[4], d[256];
    int n = libusb_get_string_descriptor(dev_handle, 0, 0, langs, sizeof langs);
    if (n < 0)
        return n;
    if (n < 4)
        return LIBUSB_ERROR_IO;
    uint16_t lang = (uint16_t)(langs[2] | langs[3] << 8);
    n = libusb_get_string_descriptor(dev_handle, desc_index, lang, d, sizeof d);
    if (n < 0)
        return n;
    if (n < 2 || d[1] != LIBUSB_DT_STRING || d[0] > n)
        return LIBUSB_ERROR_IO;
    /* UTF-16LE to ASCII: characters outside ASCII become '?'. */
    int out = 0;
    for (int i = 2; i + 1 < d[0] && out < length - 1; i += 2)
        data[out++] = (d[i + 1] || d[i] > 0x7F) ? '?' : d[i];
    data[out] = '\0';
    return out;
}
