/*
 * Opened devices. Opening a probe opens a session on the daemon (its own TCP connection), so a
 * probe another client holds answers LIBUSB_ERROR_BUSY here, where a real one would answer it at
 * libusb_claim_interface.
 */
#include <stdlib.h>
#include <string.h>

#include "usb_events.h"
#include "usb_sim.h"

/* A probe whose device node the user may not open: STFLASH_SIM_DENY lists serials (comma
 * separated) that answer LIBUSB_ERROR_ACCESS, as on Linux without the udev rules. */
static bool access_denied(const char *serial)
{
    const char *list = getenv("STFLASH_SIM_DENY");
    size_t n = strlen(serial);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, serial, n) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* STFLASH_SIM_USB_STORAGE=1: the kernel's usb-storage driver holds every ST-LINK/V1, as on a
 * Linux system without the usb-storage quirk: libusb_kernel_driver_active says so, claiming the
 * interface is refused unless the driver is detached first (or automatically). */
static bool storage_env(void)
{
    const char *v = getenv("STFLASH_SIM_USB_STORAGE");
    return v && strcmp(v, "1") == 0;
}

/* The probe session opens when the interface is claimed, or at the first transfer (Linux's usbfs
 * claims an unclaimed interface then), not at libusb_open: as on a real system, a probe that
 * another program has claimed can still be opened and its descriptors (the serial) read;
 * claiming it is what fails, with LIBUSB_ERROR_BUSY. A session once lost is not opened again:
 * the device is gone. */
int usbsim_session(libusb_device_handle *h)
{
    if (h->link.fd >= 0)
        return LIBUSB_SUCCESS;
    if (h->session_opened)
        return LIBUSB_ERROR_NO_DEVICE;
    int rc = daemon_open(&h->link, h->dev->probe.device_id);
    if (rc != LIBUSB_SUCCESS) {
        usbsim_log(h->dev->ctx, LIBUSB_LOG_LEVEL_INFO, "cannot open probe %s: %s",
                   h->dev->probe.serial, libusb_error_name(rc));
        return rc;
    }
    h->session_opened = true;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_open(libusb_device *dev, libusb_device_handle **dev_handle)
{
    if (access_denied(dev->probe.serial))
        return LIBUSB_ERROR_ACCESS;
    libusb_device_handle *h = calloc(1, sizeof *h);
    if (!h)
        return LIBUSB_ERROR_NO_MEM;
    h->link.fd = -1; /* the session opens at claim time (usbsim_session) */
    libusb_ref_device(dev);
    h->dev = dev;
    h->configuration = PROBE_CONFIG_VALUE; /* the kernel configures a device it enumerates */
    stlink_pipe_reset(&h->pipe, dev->usb->ver_major);
    v1_msc_reset(&h->v1);
    h->storage_driver = dev->usb->ver_major == 1 && storage_env();
    *dev_handle = h;
    return LIBUSB_SUCCESS;
}

libusb_device_handle *LIBUSB_CALL libusb_open_device_with_vid_pid(libusb_context *ctx,
                                                                  uint16_t vendor_id,
                                                                  uint16_t product_id)
{
    libusb_device **list;
    libusb_device_handle *h = NULL;
    if (libusb_get_device_list(ctx, &list) < 0)
        return NULL;
    for (libusb_device **d = list; *d && !h; d++)
        if ((*d)->probe.vid == vendor_id && (*d)->probe.pid == product_id &&
            libusb_open(*d, &h) != LIBUSB_SUCCESS)
            h = NULL;
    libusb_free_device_list(list, 1);
    return h;
}

void LIBUSB_CALL libusb_close(libusb_device_handle *dev_handle)
{
    if (!dev_handle)
        return;
    usbsim_lock();
    usbsim_orphan_transfers(dev_handle);
    daemon_close(&dev_handle->link);
    usbsim_unlock();
    libusb_unref_device(dev_handle->dev);
    free(dev_handle);
}

libusb_device *LIBUSB_CALL libusb_get_device(libusb_device_handle *dev_handle)
{
    return dev_handle->dev;
}

int LIBUSB_CALL libusb_wrap_sys_device(libusb_context *ctx, intptr_t sys_dev,
                                       libusb_device_handle **dev_handle)
{
    return LIBUSB_ERROR_NOT_SUPPORTED; /* there are no system devices to wrap */
}

int LIBUSB_CALL libusb_get_configuration(libusb_device_handle *dev_handle, int *config)
{
    *config = dev_handle->configuration;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_set_configuration(libusb_device_handle *dev_handle, int configuration)
{
    if (configuration != PROBE_CONFIG_VALUE && configuration != 0 && configuration != -1)
        return LIBUSB_ERROR_NOT_FOUND;
    if (dev_handle->claimed && configuration != dev_handle->configuration)
        return LIBUSB_ERROR_BUSY;
    /* Linux refuses to configure a device whose interface another program has claimed. */
    int rc = usbsim_session(dev_handle);
    if (rc != LIBUSB_SUCCESS)
        return rc;
    dev_handle->configuration = configuration < 0 ? 0 : configuration;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_claim_interface(libusb_device_handle *dev_handle, int interface_number)
{
    if (interface_number != PROBE_INTERFACE || dev_handle->configuration != PROBE_CONFIG_VALUE)
        return LIBUSB_ERROR_NOT_FOUND;
    if (dev_handle->storage_driver && !dev_handle->auto_detach)
        return LIBUSB_ERROR_BUSY;        /* the kernel driver has the interface */
    int rc = usbsim_session(dev_handle); /* this handle's own state: no lock needed */
    if (rc != LIBUSB_SUCCESS)
        return rc;
    if (dev_handle->storage_driver) {
        dev_handle->storage_driver = false;
        dev_handle->reattach = true;
    }
    dev_handle->claimed |= 1u << interface_number;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_release_interface(libusb_device_handle *dev_handle, int interface_number)
{
    if (interface_number < 0 || interface_number > 31 ||
        !(dev_handle->claimed & (1u << interface_number)))
        return LIBUSB_ERROR_NOT_FOUND;
    dev_handle->claimed &= ~(1u << interface_number);
    if (dev_handle->reattach) {
        dev_handle->reattach = false;
        dev_handle->storage_driver = true;
    }
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_set_interface_alt_setting(libusb_device_handle *dev_handle,
                                                 int interface_number, int alternate_setting)
{
    if (interface_number != PROBE_INTERFACE || !(dev_handle->claimed & 1u))
        return LIBUSB_ERROR_NOT_FOUND;
    return alternate_setting == 0 ? LIBUSB_SUCCESS : LIBUSB_ERROR_NOT_FOUND;
}

int LIBUSB_CALL libusb_clear_halt(libusb_device_handle *dev_handle, unsigned char endpoint)
{
    /* Endpoints never halt here; clearing resets only the USB data toggle, not the firmware. */
    return libusb_get_max_packet_size(dev_handle->dev, endpoint) > 0 ? LIBUSB_SUCCESS
                                                                     : LIBUSB_ERROR_NOT_FOUND;
}

int LIBUSB_CALL libusb_reset_device(libusb_device_handle *dev_handle)
{
    /* A port reset loses whatever was in transit on the bulk endpoints and restarts the probe
     * firmware (out of debug mode; a hung V3 answers again); the device re-enumerates with the
     * same descriptors, so the handle stays valid. */
    usbsim_lock();
    stlink_pipe_reset(&dev_handle->pipe, dev_handle->dev->usb->ver_major);
    v1_msc_reset(&dev_handle->v1);
    const uint8_t cmd[16] = {SIM_PROBE_USB_RESET};
    int rc = usbsim_session(dev_handle);
    if (rc == LIBUSB_SUCCESS)
        rc = daemon_usb_cmd(&dev_handle->link, cmd, STLINK_SERVER_DIR_OUT, NULL, 0, NULL, 0);
    usbsim_unlock();
    return rc == LIBUSB_SUCCESS ? LIBUSB_SUCCESS : LIBUSB_ERROR_NOT_FOUND;
}

/* No kernel driver binds to the simulated probes, except usb-storage to a V1 when
 * STFLASH_SIM_USB_STORAGE=1 (storage_env). */
int LIBUSB_CALL libusb_kernel_driver_active(libusb_device_handle *dev_handle, int interface_number)
{
    if (interface_number != PROBE_INTERFACE)
        return LIBUSB_ERROR_NOT_FOUND;
    return dev_handle->storage_driver ? 1 : 0;
}

int LIBUSB_CALL libusb_detach_kernel_driver(libusb_device_handle *dev_handle, int interface_number)
{
    if (interface_number != PROBE_INTERFACE || !dev_handle->storage_driver)
        return LIBUSB_ERROR_NOT_FOUND;
    dev_handle->storage_driver = false;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_attach_kernel_driver(libusb_device_handle *dev_handle, int interface_number)
{
    if (interface_number != PROBE_INTERFACE || dev_handle->dev->usb->ver_major != 1 ||
        !storage_env())
        return LIBUSB_ERROR_NOT_FOUND;
    if (dev_handle->claimed & 1u)
        return LIBUSB_ERROR_BUSY;
    dev_handle->storage_driver = true;
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_set_auto_detach_kernel_driver(libusb_device_handle *dev_handle, int enable)
{
    dev_handle->auto_detach = enable != 0;
    return LIBUSB_SUCCESS;
}

/* Bulk streams are a USB 3 feature; device memory needs a kernel driver. */
int LIBUSB_CALL libusb_alloc_streams(libusb_device_handle *dev_handle, uint32_t num_streams,
                                     unsigned char *endpoints, int num_endpoints)
{
    return LIBUSB_ERROR_NOT_SUPPORTED;
}

int LIBUSB_CALL libusb_free_streams(libusb_device_handle *dev_handle, unsigned char *endpoints,
                                    int num_endpoints)
{
    return LIBUSB_ERROR_NOT_SUPPORTED;
}

unsigned char *LIBUSB_CALL libusb_dev_mem_alloc(libusb_device_handle *dev_handle, size_t length)
{
    return NULL;
}

int LIBUSB_CALL libusb_dev_mem_free(libusb_device_handle *dev_handle, unsigned char *buffer,
                                    size_t length)
{
    return LIBUSB_ERROR_NOT_SUPPORTED;
}
