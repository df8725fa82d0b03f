/*
 * What USB itself does to a simulated probe, which the stlink-server protocol between the
 * stand-in libusb and the daemon cannot carry: the stand-in sends these as command blocks whose
 * byte 0 no ST-LINK firmware uses, and the probe model (sim/probe.c) acts on them.
 */
#ifndef STFLASH_USB_SIM_USB_EVENTS_H
#define STFLASH_USB_SIM_USB_EVENTS_H

enum sim_probe_usb_cmd {
    /* A USB bus reset of the device (libusb_reset_device): the firmware restarts. No reply. */
    SIM_PROBE_USB_RESET = 0xE0,
    /* A bulk IN read with no command pending: the reply is a count byte, then that many bytes
     * the IN endpoint still held (0: nothing, the read times out). */
    SIM_PROBE_USB_READ_IN = 0xE1,
    /* ST-LINK/V1: the status of the last command's wrapper (one byte, 0 passed, 1 failed) and
     * the length of its reply (u16): the daemon's protocol carries replies padded to what the
     * client asked, not the mass-storage status nor what the firmware sent. */
    SIM_PROBE_USB_V1_STATUS = 0xE2,
};

/* Length of the reply of SIM_PROBE_USB_V1_STATUS. */
#define SIM_PROBE_USB_V1_STATUS_LEN 3u

/* Room for the reply of SIM_PROBE_USB_READ_IN. */
#define SIM_PROBE_USB_READ_IN_LEN 64u

#endif
