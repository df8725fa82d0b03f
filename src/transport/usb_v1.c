/*
 * ST-LINK/V1 command exchanges: USB mass-storage bulk-only transport ("Universal Serial Bus Mass
 * Storage Class Bulk-Only Transport" rev. 1.0, BOT below) carrying ST-LINK command blocks as SCSI
 * CDBs (src/stlink/stlink_v1.h).
 */
#include "transport/usb_v1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stlink/stlink_v1.h"
#include "transport/transport.h"

#define V1_INTERFACE 0

/* BOT 5.3.4 reset recovery: the class reset, then both endpoints' halt cleared. Best effort:
 * the error that led here is the one reported. */
void usb_v1_reset_recovery(libusb_device_handle *h, unsigned timeout_ms)
{
    (void)libusb_control_transfer(
        h, LIBUSB_ENDPOINT_OUT | LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
        STLINK_V1_BOMS_RESET, 0, V1_INTERFACE, NULL, 0, timeout_ms);
    (void)libusb_clear_halt(h, STLINK_V1_EP_IN);
    (void)libusb_clear_halt(h, STLINK_V1_EP_OUT);
}

static void reset_recovery(const struct usb_v1_link *l)
{
    usb_v1_reset_recovery(l->handle, l->timeout_ms);
}

static int transfer_error(const struct usb_v1_link *l, int rc, const char *phase)
{
    if (rc == LIBUSB_ERROR_NO_DEVICE) {
        *l->gone = true;
        return ctx_fail(l->ctx, STFLASH_ERR_IO, "%s: probe disconnected", l->what);
    }
    if (rc == LIBUSB_ERROR_TIMEOUT) {
        reset_recovery(l);
        return ctx_fail(l->ctx, STFLASH_ERR_TIMEOUT, "%s: no answer within %u ms (%s)", l->what,
                        l->timeout_ms, phase);
    }
    reset_recovery(l);
    return ctx_fail(l->ctx, STFLASH_ERR_IO, "%s: USB transfer failed (%s): %s", l->what, phase,
                    libusb_strerror(rc));
}

/* Reads the CSW; a stalled IN endpoint is cleared and read once more (BOT 6.7.2, 6.7.3). */
static int read_csw(const struct usb_v1_link *l, uint8_t *buf, size_t cap, int *got)
{
    int rc = libusb_bulk_transfer(l->handle, STLINK_V1_EP_IN, buf, (int)cap, got, l->timeout_ms);
    if (rc == LIBUSB_ERROR_PIPE) {
        (void)libusb_clear_halt(l->handle, STLINK_V1_EP_IN);
        rc = libusb_bulk_transfer(l->handle, STLINK_V1_EP_IN, buf, (int)cap, got, l->timeout_ms);
    }
    return rc;
}

/* The data phase of the CBW. A stalled endpoint ends it early (cleared; the CSW still comes);
 * *moved gets the bytes that went through. */
static int data_phase(const struct usb_v1_link *l, const uint8_t *out, size_t out_len, uint8_t *in,
                      size_t in_len, size_t *moved)
{
    *moved = 0;
    if (!out_len && !in_len)
        return STFLASH_OK;
    int done = 0;
    uint8_t ep = in_len ? STLINK_V1_EP_IN : STLINK_V1_EP_OUT;
    uint8_t *data = in_len ? in : (uint8_t *)(uintptr_t)out;
    size_t len = in_len ? in_len : out_len;
    int rc = libusb_bulk_transfer(l->handle, ep, data, (int)len, &done, l->timeout_ms);
    *moved = done > 0 ? (size_t)done : 0;
    if (rc == LIBUSB_ERROR_PIPE) {
        (void)libusb_clear_halt(l->handle, ep);
        return STFLASH_OK; /* the device ended the phase; its CSW says how */
    }
    if (rc != 0)
        return transfer_error(l, rc, in_len ? "reply" : "data");
    return STFLASH_OK;
}

int usb_v1_xfer(const struct usb_v1_link *l, const uint8_t cmd[16], const uint8_t *out,
                size_t out_len, uint8_t *in, size_t in_len)
{
    if (*l->gone)
        return ctx_fail(l->ctx, STFLASH_ERR_IO, "%s: probe disconnected", l->what);
    if ((out_len && in_len) || out_len > UINT32_MAX / 2 || in_len > UINT32_MAX / 2)
        return ctx_fail(l->ctx, STFLASH_ERR_INVALID_ARG,
                        "%s: a command with %zu bytes out and %zu in cannot be wrapped", l->what,
                        out_len, in_len);
    struct stlink_v1_cbw cbw = {0};
    if (++*l->tag == 0)
        ++*l->tag; /* tag 0 is never used: a zeroed buffer never matches */
    cbw.tag = *l->tag;
    cbw.data_len = (uint32_t)(in_len ? in_len : out_len);
    cbw.data_in = in_len != 0;
    cbw.cb_len = STLINK_V1_CB_LEN;
    memcpy(cbw.cb, cmd, STLINK_V1_CDB_MAX);
    uint8_t wrapper[STLINK_V1_CBW_SIZE];
    stlink_v1_cbw_encode(&cbw, wrapper);

    int done = 0;
    int rc = libusb_bulk_transfer(l->handle, STLINK_V1_EP_OUT, wrapper, sizeof wrapper, &done,
                                  l->timeout_ms);
    if (rc == LIBUSB_ERROR_PIPE) {
        /* BOT 6.6.1: a CBW the device refuses: reset recovery before anything else. */
        reset_recovery(l);
        return ctx_fail(l->ctx, STFLASH_ERR_PROBE,
                        "%s: the probe refused the command wrapper of %02x %02x (endpoint "
                        "stalled); run the command again, or unplug and replug the probe",
                        l->what, cmd[0], cmd[1]);
    }
    if (rc != 0)
        return transfer_error(l, rc, "command");
    if (done != (int)sizeof wrapper)
        return ctx_fail(l->ctx, STFLASH_ERR_IO, "%s: short USB transfer (command): %d of %zu bytes",
                        l->what, done, sizeof wrapper);

    size_t moved = 0;
    rc = data_phase(l, out, out_len, in, in_len, &moved);
    if (rc != STFLASH_OK)
        return rc;

    /* Room for more than a CSW: a longer answer is malformed, not an overflow of this read. */
    uint8_t raw[64];
    int got = 0;
    rc = read_csw(l, raw, sizeof raw, &got);
    if (rc != 0)
        return transfer_error(l, rc, "status wrapper");
    struct stlink_v1_csw csw;
    enum stlink_v1_csw_check check = stlink_v1_csw_decode(raw, (size_t)got, cbw.tag, &csw);
    if (check != STLINK_V1_CSW_OK) {
        char got_text[64] = "";
        if (check == STLINK_V1_CSW_BAD_TAG)
            snprintf(got_text, sizeof got_text, ": tag 0x%08x, expected 0x%08x", csw.tag, cbw.tag);
        else if (check == STLINK_V1_CSW_BAD_LENGTH)
            snprintf(got_text, sizeof got_text, ": %d bytes", got);
        else if (check == STLINK_V1_CSW_BAD_SIGNATURE)
            snprintf(got_text, sizeof got_text, ": %02x %02x %02x %02x", raw[0], raw[1], raw[2],
                     raw[3]);
        else if (check == STLINK_V1_CSW_BAD_STATUS)
            snprintf(got_text, sizeof got_text, ": status %u", csw.status);
        reset_recovery(l);
        return ctx_fail(l->ctx, STFLASH_ERR_PROBE,
                        "%s: malformed answer to command %02x %02x: %s%s; the probe was reset "
                        "(bulk-only reset recovery): run the command again, or unplug and replug "
                        "the probe",
                        l->what, cmd[0], cmd[1], stlink_v1_csw_problem(check), got_text);
    }
    if (csw.status == STLINK_V1_CSW_PHASE_ERROR) {
        reset_recovery(l);
        return ctx_fail(l->ctx, STFLASH_ERR_PROBE,
                        "%s: the probe reports a phase error for command %02x %02x (%zu bytes "
                        "%s); the probe was reset (bulk-only reset recovery): run the command "
                        "again",
                        l->what, cmd[0], cmd[1], in_len ? in_len : out_len, in_len ? "in" : "out");
    }
    if (csw.status == STLINK_V1_CSW_FAILED)
        return ctx_fail(l->ctx, STFLASH_ERR_TARGET,
                        "%s: the probe reports that command %02x %02x failed", l->what, cmd[0],
                        cmd[1]);
    size_t want = in_len ? in_len : out_len;
    if (moved < want)
        return ctx_fail(l->ctx, STFLASH_ERR_IO,
                        "%s: short data phase of command %02x %02x: %zu of %zu bytes (the status "
                        "wrapper says %u were not transferred)",
                        l->what, cmd[0], cmd[1], moved, want, (unsigned)csw.residue);
    if (csw.residue != 0)
        ctx_log(l->ctx, STFLASH_LOG_DEBUG,
                "%s: command %02x %02x moved all %zu bytes, its status wrapper gives a residue "
                "of %u",
                l->what, cmd[0], cmd[1], want, (unsigned)csw.residue);
    return STFLASH_OK;
}

bool usb_v1_kernel_claimed(libusb_device_handle *h)
{
    return libusb_kernel_driver_active(h, V1_INTERFACE) == 1;
}

/* Whether the open device's serial string is `serial` (as printed: ASCII, any case). */
static bool serial_matches(libusb_device_handle *h, uint8_t index, const char *serial)
{
    if (!serial || !*serial)
        return true;
    unsigned char text[128];
    int n = libusb_get_string_descriptor_ascii(h, index, text, sizeof text);
    return n > 0 && strcasecmp((const char *)text, serial) == 0;
}

int usb_v1_storage_claimed(struct stflash_ctx *ctx, const char *serial, bool *claimed)
{
    *claimed = false;
    libusb_context *usb;
    int rc = libusb_init(&usb);
    if (rc != 0)
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot use USB: libusb initialisation failed: %s",
                        libusb_strerror(rc));
    libusb_device **list;
    ssize_t n = libusb_get_device_list(usb, &list);
    if (n < 0) {
        libusb_exit(usb);
        return ctx_fail(ctx, STFLASH_ERR_IO, "cannot list the USB devices: %s",
                        libusb_strerror((int)n));
    }
    for (ssize_t i = 0; i < n && !*claimed; i++) {
        struct libusb_device_descriptor desc;
        if (libusb_get_device_descriptor(list[i], &desc) != 0 || desc.idVendor != STLINK_VID ||
            desc.idProduct != STLINK_PID_V1)
            continue;
        libusb_device_handle *h;
        if (libusb_open(list[i], &h) != 0)
            continue;
        if (serial_matches(h, desc.iSerialNumber, serial))
            *claimed = usb_v1_kernel_claimed(h);
        libusb_close(h);
    }
    libusb_free_device_list(list, 1);
    libusb_exit(usb);
    return STFLASH_OK;
}

/* One entry of usb-storage's quirks parameter ("VID:PID:FLAGS", hex without leading zeros as
 * the kernel prints them, any case; Documentation/admin-guide/kernel-parameters.txt,
 * usb-storage.quirks): the V1's with the "ignore the device" flag. */
static bool is_v1_ignore_quirk(const char *entry)
{
    char *end;
    unsigned long vid = strtoul(entry, &end, 16);
    if (*end != ':' || vid != STLINK_VID)
        return false;
    unsigned long pid = strtoul(end + 1, &end, 16);
    if (*end != ':' || pid != STLINK_PID_V1)
        return false;
    return strchr(end + 1, 'i') != NULL;
}

int usb_v1_quirk_state(void)
{
    FILE *f = fopen("/sys/module/usb_storage/parameters/quirks", "r");
    if (!f)
        return -1;
    char line[512] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    for (char *entry = strtok(line, ",\n"); entry; entry = strtok(NULL, ",\n"))
        if (is_v1_ignore_quirk(entry))
            return 1;
    return 0;
}
