/*
 * The ST-LINK/V1 variant of the USB transport: each command exchange wrapped in USB mass-storage
 * bulk-only transport (src/stlink/stlink_v1.h), with tags, residues and phase errors checked,
 * and the kernel's usb-storage driver kept off the interface. Internal to transport/usb.c.
 */
#ifndef STFLASH_TRANSPORT_USB_V1_H
#define STFLASH_TRANSPORT_USB_V1_H

#include <libusb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

/* What usb_v1_xfer needs of an open USB probe. */
struct usb_v1_link {
    libusb_device_handle *handle;
    struct stflash_ctx *ctx;
    const char *what;    /* the probe, for messages */
    unsigned timeout_ms; /* per transfer */
    uint32_t *tag;       /* tag of the last command wrapper; the next one is one more */
    bool *gone;          /* set when the probe left the bus */
};

/*
 * One ST-LINK command through a V1: the command block as the CDB of a command block wrapper,
 * the data phase it announces (out_len bytes out, or in_len bytes in), then the status wrapper.
 * Returns STFLASH_OK; STFLASH_ERR_TARGET when the probe reports the command failed (its way of
 * saying the target did not answer or the access faulted); STFLASH_ERR_PROBE for a malformed
 * status wrapper, a wrong tag or a phase error (after the reset recovery of the bulk-only
 * transport); STFLASH_ERR_TIMEOUT, STFLASH_ERR_IO as the other transports.
 */
int usb_v1_xfer(const struct usb_v1_link *l, const uint8_t cmd[16], const uint8_t *out,
                size_t out_len, uint8_t *in, size_t in_len);

/* The bulk-only reset recovery (class reset, both endpoints' halt cleared): at open, it ends
 * whatever command a killed client left half done. Best effort. */
void usb_v1_reset_recovery(libusb_device_handle *h, unsigned timeout_ms);

/* Whether a kernel driver (usb-storage) holds interface 0 of the open device. */
bool usb_v1_kernel_claimed(libusb_device_handle *h);

#endif
