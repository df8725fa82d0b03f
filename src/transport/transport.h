/*
 * Transports carry ST-LINK command blocks to a probe: USB (libusb; usb.c and usb_v1.c, its
 * ST-LINK/V1 variant, are the only files that include libusb.h), an stlink-server over TCP, or
 * the virtual board in this process when a program registered it (stflash/backend.h). Internal.
 */
#ifndef STFLASH_TRANSPORT_TRANSPORT_H
#define STFLASH_TRANSPORT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

struct transport;

struct transport_ops {
    /*
     * One command exchange: sends the 16-byte block, then `out_len` bytes of `out` (0 for none),
     * then receives exactly `in_len` bytes into `in` (0 when the command has no reply). Every
     * wait has a deadline. Returns STFLASH_OK, STFLASH_ERR_TIMEOUT, or STFLASH_ERR_IO when the
     * probe went away (the message says so); the ST-LINK status inside the reply is the
     * caller's to check.
     */
    int (*xfer)(struct transport *t, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                uint8_t *in, size_t in_len);
    /* Releases the probe and frees the transport. */
    void (*close)(struct transport *t);
};

struct transport {
    const struct transport_ops *ops;
    struct stflash_ctx *ctx;
    struct stflash_probe_info info; /* what was opened */
    /* Resets the probe's USB device (its firmware restarts, its endpoints are flushed) and keeps
     * the transport usable; set by the USB transport only (the others allocate the struct
     * zeroed: NULL, they cannot). */
    int (*reset)(struct transport *t);
    /* Reads `len` bytes from the probe's trace (SWO) endpoint: the count GET_TRACE_NB gave at
     * most. STFLASH_OK or an error; NULL when the transport cannot (a back-end without it). */
    int (*trace_read)(struct transport *t, uint8_t *buf, size_t len);
    /* The largest data phase one command may carry on this transport, when it is below the
     * probe's own limits (an stlink-server of API 1 carries 1 KiB); 0: no limit of its own. */
    size_t max_data;
};

/* Called once per probe found; the info is valid during the call only. */
typedef void (*transport_found_fn)(void *user, const struct stflash_probe_info *info);

/* USB (transport/usb.c). Enumeration reports probes that cannot be opened too, with the reason
 * (permission: the udev rules file and how to install it; busy; V3 in its DFU loader).
 * STFLASH_ERR_IO when libusb cannot be initialised (no USB subsystem). */
int usb_enumerate(struct stflash_ctx *ctx, transport_found_fn fn, void *user);
/* Opens the USB probe whose serial (as printed) equals `serial` (case-insensitive; else the only
 * one it is a prefix of); NULL: the only one. Errors: see transport_pick, STFLASH_ERR_ACCESS,
 * STFLASH_ERR_BUSY, STFLASH_ERR_IO. */
int usb_open(struct stflash_ctx *ctx, const char *serial, struct transport **out);

/* ST-LINK/V1 and the kernel (transport/usb_v1.c). Whether the kernel's usb-storage driver holds
 * the V1 whose serial (as printed) is `serial` (NULL or "": any V1): STFLASH_OK with *claimed,
 * or the error when USB cannot be used. */
int usb_v1_storage_claimed(struct stflash_ctx *ctx, const char *serial, bool *claimed);
/* Whether the running kernel's usb-storage has the quirk that ignores the V1 (483:3744:i):
 * 1 yes, 0 no, -1 usb-storage is not loaded (nothing to tell). */
int usb_v1_quirk_state(void);

/* stlink-server over TCP (transport/tcp.c). host NULL or "": 127.0.0.1; port <= 0: 7184. The
 * serial is as the server lists it; a probe the server reports in use is STFLASH_ERR_BUSY. */
int tcp_enumerate(struct stflash_ctx *ctx, const char *host, int port, transport_found_fn fn,
                  void *user);
int tcp_open(struct stflash_ctx *ctx, const char *host, int port, const char *serial,
             struct transport **out);

/* The virtual board in this process, through the back-end a program registered with
 * stflash_register_sim_backend (transport/sim_backend.c; libstflash-sim provides one). `spec` is
 * what follows "sim" in the selector. Each fails with STFLASH_ERR_UNSUPPORTED, naming what to
 * link, when no back-end is registered (sim_backend_check: only that). */
int sim_backend_check(struct stflash_ctx *ctx);
int sim_backend_enumerate(struct stflash_ctx *ctx, const char *spec, transport_found_fn fn,
                          void *user);
int sim_backend_open(struct stflash_ctx *ctx, const char *spec, struct transport **out);

/* ---- helpers shared by the transports (transport/transport.c) ---- */

/* "ST-LINK/V1", "ST-LINK/V2", "ST-LINK/V2-1", "STLINK-V3", ... for an ST-LINK PID; NULL for
 * another PID. */
const char *transport_probe_name(uint16_t pid);

/* Whether a probe with this PID can be used: STFLASH_OK, or the error with a status text
 * (STLINK-V3 in its USB bootloader: how to get it out). */
int transport_pid_status(uint16_t pid, char *text, size_t cap);

/* Length of the binary serial of ST-LINK/V2 probes (12 bytes, shown as 24 hex digits). */
#define TRANSPORT_BINARY_SERIAL_LEN 12u

/* The serial as printed: uppercase hex digits for a 12-byte (binary) serial or one with a byte
 * that is not printable, else ASCII. */
void transport_serial_text(const uint8_t *raw, size_t len, char *out, size_t cap);

/* "ST-LINK/V2 serial 5354534D0000000000000001 (usb 1-1.2)", for messages. */
void transport_describe(const struct stflash_probe_info *info, char *out, size_t cap);

/*
 * Picks the probe a serial selects among `count` found ones: the one whose serial equals it
 * (case-insensitive), else the only one it is a prefix of; NULL or "": the only probe. Errors:
 * STFLASH_ERR_NOT_FOUND (none found or none matches; `where` names the place searched, e.g.
 * "on USB"), STFLASH_ERR_INVALID_ARG (several match: the message lists them).
 */
int transport_pick(struct stflash_ctx *ctx, const struct stflash_probe_info *found, size_t count,
                   const char *serial, const char *where, size_t *index);

static inline int transport_xfer(struct transport *t, const uint8_t cmd[16], const uint8_t *out,
                                 size_t out_len, uint8_t *in, size_t in_len)
{
    return t->ops->xfer(t, cmd, out, out_len, in, in_len);
}

static inline void transport_close(struct transport *t)
{
    if (t)
        t->ops->close(t);
}

#endif
