/*
 * How each ST-LINK model looks on USB: endpoints, speed, descriptors
 * (docs/stlink.md, "USB identity").
 */
#ifndef STFLASH_USB_SIM_PROBE_USB_H
#define STFLASH_USB_SIM_PROBE_USB_H

#include <stddef.h>
#include <stdint.h>

#include "daemon_link.h"

struct probe_usb {
    uint8_t ep_out, ep_in, ep_trace; /* ep_trace 0: the model has no trace endpoint */
    int speed;                       /* enum libusb_speed */
    uint16_t max_packet;             /* bulk wMaxPacketSize */
    int ver_major;                   /* ST-LINK major version, for stlink_cmd_phase() */
};

/* String descriptor indexes. */
enum { PROBE_STR_MANUFACTURER = 1, PROBE_STR_PRODUCT = 2, PROBE_STR_SERIAL = 3 };

#define PROBE_CONFIG_VALUE 1
#define PROBE_INTERFACE 0

const struct probe_usb *probe_usb_for_pid(uint16_t pid);

/* Number of endpoints of the debug interface, and the i-th endpoint's address. */
int probe_usb_endpoints(const struct probe_usb *u, uint8_t addr[3]);

/* A descriptor as the device answers GET_DESCRIPTOR(type, index): its length (the whole
 * descriptor, possibly more than `cap`, of which `cap` bytes are copied), or -1 when the device
 * has no such descriptor (it stalls). */
int probe_usb_descriptor(const struct daemon_probe *probe, const struct probe_usb *u, uint8_t type,
                         uint8_t index, uint8_t *buf, size_t cap);

#endif
