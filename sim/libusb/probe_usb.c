/*
 * USB identity of the simulated probes. Only the debug interface (interface 0, vendor class) is
 * presented: the mass-storage and virtual COM port interfaces of V2-1 and V3 have no model.
 *
 * Serial numbers: the daemon's GET_DEV_INFO carries ASCII. A board started with --serial-hex has
 * a binary serial, which the daemon (like ST's stlink-server) shows as 24 uppercase hex digits;
 * real clone V2 probes would put the 12 raw bytes in the string descriptor instead. That text is
 * indistinguishable from a genuine 24-hex-digit ASCII serial (real ST probes have those, and so
 * does every board started without --serial), so the stand-in presents the text as it came.
 * Tools then see the probe as a genuine one with that serial.
 */
#include <string.h>

#include "stlink/stlink_proto.h"
#include "usb_sim.h"

static const char manufacturer[] = "STMicroelectronics";
static const char product[] = "STM32 STLink";

/* V1: OUT 0x02, IN 0x81, no trace; V2: OUT 0x02, IN 0x81, trace 0x83; V2-1 and V3: OUT 0x01, IN
 * 0x81, trace 0x82. V2 and V2-1 are full speed (64-byte bulk packets), V3 high speed (512). */
static const struct probe_usb v1 = {0x02, 0x81, 0x00, LIBUSB_SPEED_FULL, 64, 1};
static const struct probe_usb v2 = {0x02, 0x81, 0x83, LIBUSB_SPEED_FULL, 64, 2};
static const struct probe_usb v2_1 = {0x01, 0x81, 0x82, LIBUSB_SPEED_FULL, 64, 2};
static const struct probe_usb v3 = {0x01, 0x81, 0x82, LIBUSB_SPEED_HIGH, 512, 3};

const struct probe_usb *probe_usb_for_pid(uint16_t pid)
{
    switch (pid) {
    case STLINK_PID_V1:
        return &v1;
    case STLINK_PID_V2:
        return &v2;
    case STLINK_PID_V3E:
    case STLINK_PID_V3S:
    case STLINK_PID_V3_2VCP:
    case STLINK_PID_V3_NOMSD:
    case STLINK_PID_V3PWR:
        return &v3;
    default:
        return &v2_1;
    }
}

int probe_usb_endpoints(const struct probe_usb *u, uint8_t addr[3])
{
    /* The order a real V2 lists them in: reply IN, command OUT, trace IN. */
    addr[0] = u->ep_in;
    addr[1] = u->ep_out;
    addr[2] = u->ep_trace;
    return u->ep_trace ? 3 : 2;
}

static size_t device_descriptor(const struct daemon_probe *probe, uint8_t *d)
{
    d[0] = LIBUSB_DT_DEVICE_SIZE;
    d[1] = LIBUSB_DT_DEVICE;
    d[2] = 0x00; /* bcdUSB 2.00 */
    d[3] = 0x02;
    d[4] = d[5] = d[6] = 0; /* class per interface */
    d[7] = 64;              /* control endpoint packet size */
    d[8] = (uint8_t)probe->vid;
    d[9] = (uint8_t)(probe->vid >> 8);
    d[10] = (uint8_t)probe->pid;
    d[11] = (uint8_t)(probe->pid >> 8);
    d[12] = 0x00; /* bcdDevice 1.00 */
    d[13] = 0x01;
    d[14] = PROBE_STR_MANUFACTURER;
    d[15] = PROBE_STR_PRODUCT;
    d[16] = PROBE_STR_SERIAL;
    d[17] = 1; /* configurations */
    return LIBUSB_DT_DEVICE_SIZE;
}

static size_t config_descriptor(const struct probe_usb *u, uint8_t *d)
{
    uint8_t eps[3];
    int n = probe_usb_endpoints(u, eps);
    size_t total =
        LIBUSB_DT_CONFIG_SIZE + LIBUSB_DT_INTERFACE_SIZE + (size_t)n * LIBUSB_DT_ENDPOINT_SIZE;
    uint8_t *p = d;
    *p++ = LIBUSB_DT_CONFIG_SIZE;
    *p++ = LIBUSB_DT_CONFIG;
    *p++ = (uint8_t)total;
    *p++ = (uint8_t)(total >> 8);
    *p++ = 1; /* interfaces */
    *p++ = PROBE_CONFIG_VALUE;
    *p++ = 0;    /* no configuration string */
    *p++ = 0x80; /* bus powered */
    *p++ = 50;   /* 100 mA, in 2 mA units */

    *p++ = LIBUSB_DT_INTERFACE_SIZE;
    *p++ = LIBUSB_DT_INTERFACE;
    *p++ = PROBE_INTERFACE;
    *p++ = 0; /* alternate setting */
    *p++ = (uint8_t)n;
    if (u->ver_major == 1) {
        /* ST-LINK/V1: mass storage, SCSI transparent command set, bulk-only transport. */
        *p++ = LIBUSB_CLASS_MASS_STORAGE;
        *p++ = 0x06;
        *p++ = 0x50;
    } else {
        *p++ = LIBUSB_CLASS_VENDOR_SPEC;
        *p++ = 0xFF;
        *p++ = 0xFF;
    }
    *p++ = 0; /* no interface string */

    for (int i = 0; i < n; i++) {
        *p++ = LIBUSB_DT_ENDPOINT_SIZE;
        *p++ = LIBUSB_DT_ENDPOINT;
        *p++ = eps[i];
        *p++ = LIBUSB_TRANSFER_TYPE_BULK;
        *p++ = (uint8_t)u->max_packet;
        *p++ = (uint8_t)(u->max_packet >> 8);
        *p++ = 0; /* bInterval: unused for full-speed bulk, never NAKs at high speed */
    }
    return total;
}

/* A string descriptor: UTF-16LE code units, one per character. */
static size_t string_descriptor(const char *text, uint8_t *d)
{
    size_t n = strlen(text);
    if (n > 126)
        n = 126;
    d[0] = (uint8_t)(2 + 2 * n);
    d[1] = LIBUSB_DT_STRING;
    for (size_t i = 0; i < n; i++) {
        d[2 + 2 * i] = (uint8_t)text[i];
        d[3 + 2 * i] = 0;
    }
    return 2 + 2 * n;
}

int probe_usb_descriptor(const struct daemon_probe *probe, const struct probe_usb *u, uint8_t type,
                         uint8_t index, uint8_t *buf, size_t cap)
{
    uint8_t d[256];
    size_t len;
    if (type == LIBUSB_DT_DEVICE && index == 0) {
        len = device_descriptor(probe, d);
    } else if (type == LIBUSB_DT_CONFIG && index == 0) {
        len = config_descriptor(u, d);
    } else if (type == LIBUSB_DT_STRING && index == 0) {
        /* The language table: US English only. */
        static const uint8_t langs[] = {4, LIBUSB_DT_STRING, 0x09, 0x04};
        memcpy(d, langs, sizeof langs);
        len = sizeof langs;
    } else if (type == LIBUSB_DT_STRING && index == PROBE_STR_MANUFACTURER) {
        len = string_descriptor(manufacturer, d);
    } else if (type == LIBUSB_DT_STRING && index == PROBE_STR_PRODUCT) {
        len = string_descriptor(product, d);
    } else if (type == LIBUSB_DT_STRING && index == PROBE_STR_SERIAL) {
        len = string_descriptor(probe->serial, d);
    } else {
        return -1;
    }
    memcpy(buf, d, len < cap ? len : cap);
    return (int)len;
}
