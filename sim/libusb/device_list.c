/*
 * Devices: the daemon's probes at the time of libusb_get_device_list, one bus, one port each.
 * A probe seen again (same device id and serial) is the same libusb_device while referenced.
 */
#include <stdlib.h>
#include <string.h>

#include "usb_sim.h"

#define SIM_BUS 1

static libusb_device *find_known(libusb_context *ctx, const struct daemon_probe *p)
{
    for (libusb_device *d = ctx->devices; d; d = d->next)
        if (d->probe.device_id == p->device_id && strcmp(d->probe.serial, p->serial) == 0 &&
            d->probe.pid == p->pid)
            return d;
    return NULL;
}

ssize_t LIBUSB_CALL libusb_get_device_list(libusb_context *ctx, libusb_device ***list)
{
    struct daemon_probe probes[DAEMON_MAX_PROBES];
    /* Outside the lock: the daemon may take a moment, and it has no shared state. */
    int n = daemon_list_probes(probes, DAEMON_MAX_PROBES);
    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    libusb_device **out = calloc((size_t)n + 1, sizeof *out);
    if (!c || !out) {
        free(out);
        usbsim_unlock();
        return c ? LIBUSB_ERROR_NO_MEM : LIBUSB_ERROR_INVALID_PARAM;
    }
    for (int i = 0; i < n; i++) {
        libusb_device *d = find_known(c, &probes[i]);
        if (d) {
            d->refs++;
        } else {
            d = calloc(1, sizeof *d);
            if (!d) {
                usbsim_unlock();
                libusb_free_device_list(out, 1);
                return LIBUSB_ERROR_NO_MEM;
            }
            d->ctx = c;
            d->refs = 1;
            d->next = c->devices;
            c->devices = d;
        }
        d->probe = probes[i];
        d->usb = probe_usb_for_pid(probes[i].pid);
        d->port = (uint8_t)(i + 1);
        out[i] = d;
        usbsim_log(c, LIBUSB_LOG_LEVEL_DEBUG, "device %d: %04x:%04x serial %s%s", i + 1,
                   probes[i].vid, probes[i].pid, probes[i].serial,
                   probes[i].in_use ? " (in use)" : "");
    }
    usbsim_unlock();
    *list = out;
    return n;
}

void LIBUSB_CALL libusb_free_device_list(libusb_device **list, int unref_devices)
{
    if (!list)
        return;
    if (unref_devices)
        for (libusb_device **d = list; *d; d++)
            libusb_unref_device(*d);
    free(list);
}

libusb_device *LIBUSB_CALL libusb_ref_device(libusb_device *dev)
{
    usbsim_lock();
    dev->refs++;
    usbsim_unlock();
    return dev;
}

void LIBUSB_CALL libusb_unref_device(libusb_device *dev)
{
    if (!dev)
        return;
    usbsim_lock();
    if (--dev->refs == 0) {
        if (dev->ctx)
            for (libusb_device **p = &dev->ctx->devices; *p; p = &(*p)->next)
                if (*p == dev) {
                    *p = dev->next;
                    break;
                }
        free(dev);
    }
    usbsim_unlock();
}

uint8_t LIBUSB_CALL libusb_get_bus_number(libusb_device *dev)
{
    return SIM_BUS;
}

uint8_t LIBUSB_CALL libusb_get_port_number(libusb_device *dev)
{
    return dev->port;
}

int LIBUSB_CALL libusb_get_port_numbers(libusb_device *dev, uint8_t *port_numbers,
                                        int port_numbers_len)
{
    if (port_numbers_len <= 0)
        return LIBUSB_ERROR_INVALID_PARAM;
    port_numbers[0] = dev->port;
    return 1;
}

int LIBUSB_CALL libusb_get_port_path(libusb_context *ctx, libusb_device *dev, uint8_t *path,
                                     uint8_t path_length)
{
    return libusb_get_port_numbers(dev, path, path_length);
}

libusb_device *LIBUSB_CALL libusb_get_parent(libusb_device *dev)
{
    return NULL; /* the root hub is not presented */
}

uint8_t LIBUSB_CALL libusb_get_device_address(libusb_device *dev)
{
    return (uint8_t)(dev->port + 1); /* address 1 is the root hub's */
}

int LIBUSB_CALL libusb_get_device_speed(libusb_device *dev)
{
    return dev->usb->speed;
}

int LIBUSB_CALL libusb_get_device_descriptor(libusb_device *dev,
                                             struct libusb_device_descriptor *desc)
{
    uint8_t d[LIBUSB_DT_DEVICE_SIZE];
    probe_usb_descriptor(&dev->probe, dev->usb, LIBUSB_DT_DEVICE, 0, d, sizeof d);
    desc->bLength = d[0];
    desc->bDescriptorType = d[1];
    desc->bcdUSB = (uint16_t)(d[2] | d[3] << 8);
    desc->bDeviceClass = d[4];
    desc->bDeviceSubClass = d[5];
    desc->bDeviceProtocol = d[6];
    desc->bMaxPacketSize0 = d[7];
    desc->idVendor = (uint16_t)(d[8] | d[9] << 8);
    desc->idProduct = (uint16_t)(d[10] | d[11] << 8);
    desc->bcdDevice = (uint16_t)(d[12] | d[13] << 8);
    desc->iManufacturer = d[14];
    desc->iProduct = d[15];
    desc->iSerialNumber = d[16];
    desc->bNumConfigurations = d[17];
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_get_max_packet_size(libusb_device *dev, unsigned char endpoint)
{
    uint8_t eps[3];
    int n = probe_usb_endpoints(dev->usb, eps);
    for (int i = 0; i < n; i++)
        if (eps[i] == endpoint)
            return dev->usb->max_packet;
    return LIBUSB_ERROR_NOT_FOUND;
}

int LIBUSB_CALL libusb_get_max_iso_packet_size(libusb_device *dev, unsigned char endpoint)
{
    /* For a bulk endpoint this is its packet size, as for real devices. */
    return libusb_get_max_packet_size(dev, endpoint);
}
