/*
 * Internals of the stand-in libusb: the objects behind libusb's opaque handles and the helpers
 * the API files share. Every exported function takes the one library lock; transfer callbacks
 * run with it released, since they may submit new transfers.
 */
#ifndef STFLASH_USB_SIM_H
#define STFLASH_USB_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The public ABI is the system header itself: the clients were compiled against it. Its
 * declarations are the only symbols the library exports (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)
#include <libusb.h>
#pragma GCC visibility pop

#include "daemon_link.h"
#include "probe_usb.h"
#include "stlink_pipe.h"
#include "v1_msc.h"

/* What libusb keeps about a transfer, allocated just before the public struct. */
struct usbsim_transfer {
    struct usbsim_transfer *next; /* in ctx->in_flight, or in a list of finished ones */
    libusb_context *ctx;
    bool in_flight;
    bool cancelled;
    bool orphaned; /* its handle was closed: it ends with LIBUSB_TRANSFER_NO_DEVICE */
    bool has_deadline;
    struct timespec deadline;
    uint32_t stream_id;
};

struct libusb_transfer *usbsim_public(struct usbsim_transfer *t);

struct libusb_context {
    int refs;      /* libusb_init calls on the default context */
    int log_level; /* enum libusb_log_level */
    libusb_log_cb log_cb;
    libusb_device *devices;            /* known devices, reused across enumerations */
    struct usbsim_transfer *in_flight; /* submitted transfers, in submission order */
    unsigned interrupts;               /* libusb_interrupt_event_handler calls */
};

struct libusb_device {
    libusb_context *ctx;
    libusb_device *next; /* in ctx->devices */
    int refs;
    struct daemon_probe probe;   /* what the daemon's GET_DEV_INFO said */
    const struct probe_usb *usb; /* endpoints and speed for the probe's PID */
    uint8_t port;                /* 1-based position in the daemon's probe list */
};

struct libusb_device_handle {
    libusb_device *dev;
    struct daemon_link link; /* one connection and probe session per opened device */
    bool session_opened;     /* link had a session: once lost, the device is gone */
    struct stlink_pipe pipe;
    struct v1_msc v1;    /* ST-LINK/V1 (0483:3744): its mass-storage wrapping */
    bool storage_driver; /* the kernel's usb-storage holds the V1 (STFLASH_SIM_USB_STORAGE) */
    bool auto_detach;
    bool reattach; /* claiming detached it: releasing attaches it again */
    int configuration;
    uint32_t claimed; /* one bit per interface */
};

/* The handle's probe session with the daemon, opened on first need (usbsim_session in
 * handle.c): LIBUSB_SUCCESS, LIBUSB_ERROR_BUSY (another client has the probe) or
 * LIBUSB_ERROR_NO_DEVICE. */
int usbsim_session(libusb_device_handle *h);

void usbsim_lock(void);
void usbsim_unlock(void);
/* With the lock held: sleeps until `deadline` (CLOCK_MONOTONIC; NULL: no limit) or a wake-up.
 * Returns false when the deadline passed. */
bool usbsim_wait_until(const struct timespec *deadline);
/* Wakes the threads waiting in usbsim_wait_until (a transfer was submitted or cancelled, one
 * completed, or the application interrupts event handling). */
void usbsim_wake(void);

/* The context a call means: the given one, or the default context (NULL). */
libusb_context *usbsim_ctx(libusb_context *ctx);

void usbsim_log(libusb_context *ctx, enum libusb_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One standard control request. Returns the number of data bytes moved or a libusb error
 * (LIBUSB_ERROR_PIPE: the device stalls the request, as a real one does for what it lacks). */
int usbsim_control(libusb_device_handle *h, uint8_t request_type, uint8_t request, uint16_t value,
                   uint16_t index, uint8_t *data, uint16_t length);

/* One bulk transfer. OUT: all bytes are taken. IN: returns LIBUSB_ERROR_TIMEOUT while the probe
 * has nothing to send (nothing can arrive later on its own: the probe only answers commands). */
int usbsim_bulk(libusb_device_handle *h, uint8_t endpoint, uint8_t *data, int length,
                int *transferred);

/* Transfers of a closing handle complete with LIBUSB_TRANSFER_NO_DEVICE. */
void usbsim_orphan_transfers(libusb_device_handle *h);

/* Carries out what the in-flight transfers of ctx can do now, in submission order, and moves the
 * ones that ended (status set) to *finished, in order. Returns how many ended. */
int usbsim_progress(libusb_context *ctx, struct usbsim_transfer **finished);

/* The earliest deadline of an in-flight transfer; false when none has one. */
bool usbsim_next_deadline(libusb_context *ctx, struct timespec *deadline);

/* Monotonic time helpers for transfer deadlines. */
struct timespec usbsim_now(void);
struct timespec usbsim_after_ms(unsigned ms);
bool usbsim_time_passed(const struct timespec *deadline, const struct timespec *now);

#endif
