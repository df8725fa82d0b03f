/*
 * The USB transport: ST-LINK probes through libusb-1.0 (the only file of the library that
 * includes libusb.h). Each enumeration and each open probe has its own libusb context.
 */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/net.h"
#include "stlink/stlink_proto.h"
#include "transport/transport.h"
#include "transport/usb_v1.h"

#ifndef STFLASH_INSTALL_PREFIX
#define STFLASH_INSTALL_PREFIX "/usr/local"
#endif

/* How to let a user open the probes: the one place that names the udev rules file. */
#define USB_UDEV_RULES_FILE "/etc/udev/rules.d/49-stflash.rules"
#define USB_UDEV_INSTALL_CMD                                                                       \
    "sudo cp " STFLASH_INSTALL_PREFIX "/lib/udev/rules.d/49-stflash.rules /etc/udev/rules.d/ && "  \
    "sudo udevadm control --reload && sudo udevadm trigger"
#define USB_ACCESS_LONG                                                                            \
    "permission denied: install the udev rules file " USB_UDEV_RULES_FILE                          \
    " with: " USB_UDEV_INSTALL_CMD ", then replug the probe"
#define USB_ACCESS_SHORT "no permission: " USB_UDEV_INSTALL_CMD
#define USB_ACCESS_MIN "no permission: install the udev rules file " USB_UDEV_RULES_FILE
/* What keeps the kernel off an ST-LINK/V1: the one place that names the modprobe file. */
#define USB_V1_QUIRK_HINT                                                                          \
    "the usb-storage quirk in /etc/modprobe.d/stflash-stlinkv1.conf keeps it off: stflash "        \
    "doctor says how"

#define USB_INTERFACE 0
#define USB_CONFIGURATION 1
#define USB_TIMEOUT_MS 3000u
/* Draining the IN endpoint at open: each read waits this long for a stale reply, and at most
 * this many are read (a killed client leaves at most one reply, of up to one memory block). */
#define USB_DRAIN_TIMEOUT_MS 10u
#define USB_DRAIN_MAX_READS 4
#define USB_EP_IN 0x81u
#define USB_EP_OUT_V2 0x02u
#define USB_EP_OUT 0x01u
/* The trace (SWO) IN endpoint: 0x83 on the ST-LINK/V2, 0x82 on the others. */
#define USB_EP_TRACE_V2 0x83u
#define USB_EP_TRACE 0x82u

static const uint16_t stlink_pids[] = {
    STLINK_PID_V1,         STLINK_PID_V2,       STLINK_PID_V2_AUDIO, STLINK_PID_V2_1,
    STLINK_PID_V2_1_NOMSD, STLINK_PID_V3_DFU,   STLINK_PID_V3E,      STLINK_PID_V3S,
    STLINK_PID_V3_2VCP,    STLINK_PID_V3_NOMSD, STLINK_PID_V3PWR,
};

struct usb_transport {
    struct transport base;
    libusb_context *usb;
    libusb_device_handle *handle;
    uint8_t ep_out, ep_in;
    char what[200];  /* the probe, for messages */
    bool gone;       /* disconnected: every later exchange fails at once */
    uint32_t v1_tag; /* ST-LINK/V1: tag of the last command wrapper (usb_v1.c) */
};

/* A probe found by a scan, with its device kept referenced. */
struct usb_found {
    libusb_device *dev;
    struct stflash_probe_info info;
};

static bool is_stlink_pid(uint16_t pid)
{
    for (size_t i = 0; i < sizeof stlink_pids / sizeof stlink_pids[0]; i++)
        if (stlink_pids[i] == pid)
            return true;
    return false;
}

/* The access-denied text: the longest form that fits (a probe's status text is short). */
static void access_text(char *out, size_t cap)
{
    static const char *const forms[] = {USB_ACCESS_LONG, USB_ACCESS_SHORT, USB_ACCESS_MIN};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        size_t len = strlen(forms[i]);
        if (len < cap) {
            memcpy(out, forms[i], len + 1);
            return;
        }
    }
    if (cap)
        out[0] = '\0';
}

static void location_text(libusb_device *dev, char *out, size_t cap)
{
    uint8_t ports[8];
    int n = libusb_get_port_numbers(dev, ports, (int)sizeof ports);
    size_t used = (size_t)snprintf(out, cap, "%u", libusb_get_bus_number(dev));
    for (int i = 0; i < n && used + 5 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%c%u", i ? '.' : '-', ports[i]);
    if (n <= 0 && used + 5 < cap)
        snprintf(out + used, cap - used, ":%u", libusb_get_device_address(dev));
}

/*
 * Reads the serial string descriptor as raw bytes: one byte per UTF-16 code unit, '?' for a
 * unit above 0xFF (clone V2 probes report 12 binary bytes this way).
 */
static int read_serial(libusb_device_handle *h, uint8_t index, uint8_t *raw, size_t cap,
                       size_t *len)
{
    uint8_t buf[255];
    uint16_t langid = 0x0409;
    if (index == 0)
        return LIBUSB_ERROR_NOT_FOUND;
    int n = libusb_get_string_descriptor(h, 0, 0, buf, sizeof buf);
    if (n >= 4 && buf[1] == LIBUSB_DT_STRING)
        langid = (uint16_t)(buf[2] | buf[3] << 8);
    n = libusb_get_string_descriptor(h, index, langid, buf, sizeof buf);
    if (n < 0)
        return n;
    if (n < 2 || buf[1] != LIBUSB_DT_STRING || buf[0] > n)
        return LIBUSB_ERROR_IO;
    size_t units = (size_t)(buf[0] - 2) / 2;
    size_t k = 0;
    for (size_t i = 0; i < units && k < cap; i++)
        raw[k++] = buf[3 + 2 * i] ? '?' : buf[2 + 2 * i];
    *len = k;
    return 0;
}

/* Fills the info of one ST-LINK: serial (opening the device), whether it can be used. */
/* CHECK_BUSY: claim interface 0 for an instant to tell a probe another program holds. Only a
 * listing does: a claim, however short, makes another thread's or program's claim of that probe
 * fail meanwhile, so opening one probe by its serial never claims the others. */
static void probe_info(libusb_device *dev, const struct libusb_device_descriptor *desc,
                       bool check_busy, struct stflash_probe_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->transport, sizeof info->transport, "usb");
    info->vid = desc->idVendor;
    info->pid = desc->idProduct;
    snprintf(info->name, sizeof info->name, "%s", transport_probe_name(desc->idProduct));
    location_text(dev, info->location, sizeof info->location);
    info->status =
        transport_pid_status(desc->idProduct, info->status_text, sizeof info->status_text);

    libusb_device_handle *h = NULL;
    int rc = libusb_open(dev, &h);
    if (rc != 0) {
        if (info->status != STFLASH_OK)
            return; /* the PID's reason comes first */
        if (rc == LIBUSB_ERROR_ACCESS) {
            info->status = STFLASH_ERR_ACCESS;
            access_text(info->status_text, sizeof info->status_text);
        } else if (rc == LIBUSB_ERROR_BUSY) {
            info->status = STFLASH_ERR_BUSY;
            snprintf(info->status_text, sizeof info->status_text, "in use by another program");
        } else {
            info->status = STFLASH_ERR_IO;
            snprintf(info->status_text, sizeof info->status_text, "cannot open it: %s",
                     libusb_strerror(rc));
        }
        return;
    }
    if (read_serial(h, desc->iSerialNumber, info->serial_raw, sizeof info->serial_raw,
                    &info->serial_raw_len) == 0)
        transport_serial_text(info->serial_raw, info->serial_raw_len, info->serial,
                              sizeof info->serial);
    if (info->status == STFLASH_OK && desc->idProduct == STLINK_PID_V1 &&
        usb_v1_kernel_claimed(h)) {
        /* Claiming it here would detach the kernel's usb-storage driver and re-attach it on
         * release, which makes the kernel probe the "disk" again; opening detaches it. */
        snprintf(info->status_text, sizeof info->status_text,
                 "ok; held by the kernel's usb-storage driver until opened (" USB_V1_QUIRK_HINT
                 ")");
    } else if (info->status == STFLASH_OK && check_busy) {
        /* Another program holding interface 0 makes the probe busy. */
        rc = libusb_claim_interface(h, USB_INTERFACE);
        if (rc == 0) {
            libusb_release_interface(h, USB_INTERFACE);
        } else if (rc == LIBUSB_ERROR_BUSY) {
            info->status = STFLASH_ERR_BUSY;
            snprintf(info->status_text, sizeof info->status_text, "in use by another program");
        } else if (rc == LIBUSB_ERROR_ACCESS) {
            info->status = STFLASH_ERR_ACCESS;
            access_text(info->status_text, sizeof info->status_text);
        }
    }
    libusb_close(h);
}

static int usb_context(struct stflash_ctx *ctx, libusb_context **out)
{
    int rc = libusb_init(out);
    if (rc != 0)
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot use USB: libusb initialisation failed: %s",
                        libusb_strerror(rc));
    return STFLASH_OK;
}

static void free_found(struct usb_found *found, size_t count)
{
    for (size_t i = 0; i < count; i++)
        libusb_unref_device(found[i].dev);
    free(found);
}

/* Every ST-LINK on the bus, usable or not. */
static int scan(struct stflash_ctx *ctx, libusb_context *usb, bool check_busy,
                struct usb_found **out, size_t *count)
{
    libusb_device **list;
    ssize_t n = libusb_get_device_list(usb, &list);
    if (n < 0)
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot list the USB devices: %s",
                        libusb_strerror((int)n));
    struct usb_found *found = calloc((size_t)n + 1, sizeof *found);
    if (!found) {
        libusb_free_device_list(list, 1);
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "cannot list the USB devices: out of memory");
    }
    size_t k = 0;
    for (ssize_t i = 0; i < n; i++) {
        struct libusb_device_descriptor desc;
        if (libusb_get_device_descriptor(list[i], &desc) != 0)
            continue;
        if (desc.idVendor != STLINK_VID || !is_stlink_pid(desc.idProduct))
            continue;
        probe_info(list[i], &desc, check_busy, &found[k].info);
        found[k].dev = libusb_ref_device(list[i]);
        k++;
    }
    libusb_free_device_list(list, 1);
    *out = found;
    *count = k;
    return STFLASH_OK;
}

int usb_enumerate(struct stflash_ctx *ctx, transport_found_fn fn, void *user)
{
    libusb_context *usb;
    int rc = usb_context(ctx, &usb);
    if (rc != STFLASH_OK)
        return rc;
    struct usb_found *found;
    size_t count;
    rc = scan(ctx, usb, true, &found, &count);
    if (rc == STFLASH_OK) {
        for (size_t i = 0; i < count; i++)
            fn(user, &found[i].info);
        free_found(found, count);
    }
    libusb_exit(usb);
    return rc;
}

/* ---- one open probe ---- */

static int usb_error(struct usb_transport *t, int rc, const char *phase)
{
    struct stflash_ctx *ctx = t->base.ctx;
    if (rc == LIBUSB_ERROR_NO_DEVICE) {
        t->gone = true;
        return ctx_fail(ctx, STFLASH_ERR_IO, "%s: probe disconnected", t->what);
    }
    if (rc == LIBUSB_ERROR_TIMEOUT)
        return ctx_fail(ctx, STFLASH_ERR_TIMEOUT, "%s: no answer within %u ms (%s)", t->what,
                        USB_TIMEOUT_MS, phase);
    if (rc == LIBUSB_ERROR_PIPE)
        libusb_clear_halt(t->handle, strcmp(phase, "reply") == 0 ? t->ep_in : t->ep_out);
    return ctx_fail(ctx, STFLASH_ERR_IO, "%s: USB transfer failed (%s): %s", t->what, phase,
                    libusb_strerror(rc));
}

static int bulk(struct usb_transport *t, uint8_t ep, uint8_t *data, size_t len, const char *phase)
{
    int done = 0;
    if (len > (size_t)INT32_MAX)
        return ctx_fail(t->base.ctx, STFLASH_ERR_INVALID_ARG, "%s: transfer of %zu bytes", t->what,
                        len);
    int rc = libusb_bulk_transfer(t->handle, ep, data, (int)len, &done, USB_TIMEOUT_MS);
    if (rc != 0)
        return usb_error(t, rc, phase);
    if ((size_t)done != len)
        return ctx_fail(t->base.ctx, STFLASH_ERR_IO, "%s: short USB transfer (%s): %d of %zu bytes",
                        t->what, phase, done, len);
    return STFLASH_OK;
}

static int usb_xfer(struct transport *tr, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                    uint8_t *in, size_t in_len)
{
    struct usb_transport *t = (struct usb_transport *)tr;
    if (t->base.info.pid == STLINK_PID_V1) {
        const struct usb_v1_link link = {t->handle,      tr->ctx,    t->what,
                                         USB_TIMEOUT_MS, &t->v1_tag, &t->gone};
        return usb_v1_xfer(&link, cmd, out, out_len, in, in_len);
    }
    if (t->gone)
        return ctx_fail(tr->ctx, STFLASH_ERR_IO, "%s: probe disconnected", t->what);
    uint8_t block[STLINK_CMD_SIZE];
    memcpy(block, cmd, sizeof block);
    int rc = bulk(t, t->ep_out, block, sizeof block, "command");
    if (rc == STFLASH_OK && out_len)
        rc = bulk(t, t->ep_out, (uint8_t *)(uintptr_t)out, out_len, "data");
    if (rc == STFLASH_OK && in_len)
        rc = bulk(t, t->ep_in, in, in_len, "reply");
    return rc;
}

static void usb_close(struct transport *tr)
{
    struct usb_transport *t = (struct usb_transport *)tr;
    if (t->handle) {
        libusb_release_interface(t->handle, USB_INTERFACE);
        libusb_close(t->handle);
    }
    libusb_exit(t->usb);
    free(t);
}

static const struct transport_ops usb_ops = {usb_xfer, usb_close};

static int usb_trace_read(struct transport *tr, uint8_t *buf, size_t len)
{
    struct usb_transport *t = (struct usb_transport *)tr;
    uint8_t ep = t->base.info.pid == STLINK_PID_V2 ? USB_EP_TRACE_V2 : USB_EP_TRACE;
    return len ? bulk(t, ep, buf, len, "trace") : STFLASH_OK;
}

/*
 * Reads and drops what the IN endpoint still holds: a client killed between a command and its
 * reply (Ctrl-C) leaves that reply there, and the next client would take it for the answer to
 * its own first command.
 */
static void drain_in(struct usb_transport *t)
{
    const size_t cap = STLINK_MAX_RW32 + 64; /* a whole memory reply fits: no overflow */
    uint8_t *junk = malloc(cap);
    if (!junk)
        return;
    for (int i = 0; i < USB_DRAIN_MAX_READS; i++) {
        int done = 0;
        int rc =
            libusb_bulk_transfer(t->handle, t->ep_in, junk, (int)cap, &done, USB_DRAIN_TIMEOUT_MS);
        if (rc != 0 && rc != LIBUSB_ERROR_OVERFLOW)
            break; /* nothing (more) waiting */
        ctx_log(t->base.ctx, STFLASH_LOG_INFO,
                "%s: dropped %d bytes of an old reply left in the probe", t->what, done);
    }
    free(junk);
}

/* transport.reset: a USB port reset restarts the probe firmware and flushes its endpoints. */
static int usb_reset(struct transport *tr)
{
    struct usb_transport *t = (struct usb_transport *)tr;
    int rc = libusb_reset_device(t->handle);
    if (rc == LIBUSB_ERROR_NOT_FOUND || rc == LIBUSB_ERROR_NO_DEVICE) {
        t->gone = true;
        return ctx_fail(tr->ctx, STFLASH_ERR_IO,
                        "%s: the probe left the bus after a USB reset; run the command again "
                        "(or unplug and replug the probe)",
                        t->what);
    }
    if (rc != 0)
        return ctx_fail(tr->ctx, STFLASH_ERR_IO, "%s: USB reset failed: %s", t->what,
                        libusb_strerror(rc));
    drain_in(t);
    return STFLASH_OK;
}

/* Claims interface 0. A program listing the probes claims each for an instant to tell whether it
 * is in use (probe_info), so a claim refused as busy is tried again for a short while before
 * the probe counts as held by another program. */
#define USB_CLAIM_RETRY_MS 500
static int claim(libusb_device_handle *h)
{
    int64_t deadline = net_now_ms() + USB_CLAIM_RETRY_MS;
    for (;;) {
        int rc = libusb_claim_interface(h, USB_INTERFACE);
        if (rc != LIBUSB_ERROR_BUSY || net_now_ms() >= deadline)
            return rc;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Opens and claims a found probe. */
static int open_found(struct stflash_ctx *ctx, libusb_context *usb, const struct usb_found *f,
                      struct usb_transport **out)
{
    char what[200];
    transport_describe(&f->info, what, sizeof what);
    if (f->info.status != STFLASH_OK && f->info.status != STFLASH_ERR_BUSY &&
        f->info.status != STFLASH_ERR_ACCESS)
        return ctx_fail(ctx, f->info.status, "cannot use %s: %s", what, f->info.status_text);

    libusb_device_handle *h;
    int rc = libusb_open(f->dev, &h);
    if (rc == LIBUSB_ERROR_ACCESS)
        return ctx_fail(ctx, STFLASH_ERR_ACCESS, "cannot open %s: " USB_ACCESS_LONG, what);
    if (rc != 0)
        return ctx_fail(
            ctx, rc == LIBUSB_ERROR_BUSY ? STFLASH_ERR_BUSY : STFLASH_ERR_IO, "cannot open %s: %s",
            what, rc == LIBUSB_ERROR_BUSY ? "in use by another program" : libusb_strerror(rc));
    int config = 0;
    if (libusb_get_configuration(h, &config) == 0 && config != USB_CONFIGURATION)
        libusb_set_configuration(h, USB_CONFIGURATION);
    if (f->info.pid == STLINK_PID_V1) {
        /* The V1 is a mass-storage device to the kernel: its usb-storage driver is detached
         * while the interface is claimed and attached again when it is released (close). */
        if (usb_v1_kernel_claimed(h))
            ctx_log(ctx, STFLASH_LOG_INFO,
                    "%s: detaching the kernel's usb-storage driver while it is in use "
                    "(" USB_V1_QUIRK_HINT ")",
                    what);
        libusb_set_auto_detach_kernel_driver(h, 1);
    }
    rc = claim(h);
    if (rc != 0) {
        libusb_close(h);
        if (rc == LIBUSB_ERROR_BUSY)
            return ctx_fail(ctx, STFLASH_ERR_BUSY, "cannot open %s: in use by another program",
                            what);
        if (rc == LIBUSB_ERROR_ACCESS)
            return ctx_fail(ctx, STFLASH_ERR_ACCESS, "cannot open %s: " USB_ACCESS_LONG, what);
        if (rc == LIBUSB_ERROR_NO_DEVICE)
            return ctx_fail(ctx, STFLASH_ERR_IO, "cannot open %s: probe disconnected", what);
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot claim interface 0 of %s: %s", what,
                        libusb_strerror(rc));
    }
    struct usb_transport *t = calloc(1, sizeof *t);
    if (!t) {
        libusb_release_interface(h, USB_INTERFACE);
        libusb_close(h);
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "cannot open %s: out of memory", what);
    }
    t->base.ops = &usb_ops;
    t->base.ctx = ctx;
    t->base.info = f->info;
    t->base.info.status = STFLASH_OK;
    snprintf(t->base.info.status_text, sizeof t->base.info.status_text, "ok");
    t->usb = usb;
    t->handle = h;
    t->ep_in = USB_EP_IN;
    t->ep_out =
        f->info.pid == STLINK_PID_V2 || f->info.pid == STLINK_PID_V1 ? USB_EP_OUT_V2 : USB_EP_OUT;
    t->base.reset = usb_reset;
    t->base.trace_read = usb_trace_read;
    snprintf(t->what, sizeof t->what, "%s", what);
    if (f->info.pid == STLINK_PID_V1)
        usb_v1_reset_recovery(h, USB_TIMEOUT_MS); /* a command a killed client left half done */
    drain_in(t);
    *out = t;
    return STFLASH_OK;
}

int usb_open(struct stflash_ctx *ctx, const char *serial, struct transport **out)
{
    libusb_context *usb;
    int rc = usb_context(ctx, &usb);
    if (rc != STFLASH_OK)
        return rc;
    struct usb_found *found;
    size_t count;
    rc = scan(ctx, usb, false, &found, &count);
    if (rc != STFLASH_OK) {
        libusb_exit(usb);
        return rc;
    }
    struct stflash_probe_info *infos = calloc(count + 1, sizeof *infos);
    if (!infos) {
        free_found(found, count);
        libusb_exit(usb);
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "cannot open a USB probe: out of memory");
    }
    for (size_t i = 0; i < count; i++)
        infos[i] = found[i].info;
    size_t index = 0;
    rc = transport_pick(ctx, infos, count, serial, "on USB", &index);
    free(infos);
    struct usb_transport *t = NULL;
    if (rc == STFLASH_OK)
        rc = open_found(ctx, usb, &found[index], &t);
    free_found(found, count);
    if (rc != STFLASH_OK) {
        libusb_exit(usb);
        return rc;
    }
    *out = &t->base;
    return STFLASH_OK;
}
