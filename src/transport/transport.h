/*
 * Transports carry ST-LINK command blocks to a probe: USB (libusb; the only file that includes
 * libusb.h), an stlink-server over TCP, or the virtual board in this process. Internal.
 */
#ifndef STFLASH_TRANSPORT_TRANSPORT_H
#define STFLASH_TRANSPORT_TRANSPORT_H

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
};

/* Called once per probe found; the info is valid during the call only. */
typedef void (*transport_found_fn)(void *user, const struct stflash_probe_info *info);

/* USB (transport/usb.c). Enumeration reports probes that cannot be opened too, with the reason
 * (permission: the udev rules file and how to install it; busy). */
int usb_enumerate(struct stflash_ctx *ctx, transport_found_fn fn, void *user);
/* Opens the USB probe whose serial (as printed) equals `serial`; NULL: the only one. */
int usb_open(struct stflash_ctx *ctx, const char *serial, struct transport **out);

/* stlink-server over TCP (transport/tcp.c). */
int tcp_enumerate(struct stflash_ctx *ctx, const char *host, int port, transport_found_fn fn,
                  void *user);
int tcp_open(struct stflash_ctx *ctx, const char *host, int port, const char *serial,
             struct transport **out);

/* The virtual board in this process (transport/simlocal.c). `spec` is what follows "sim" in the
 * selector: "" or ":CHIP[,OPTION...]". The board's flash and option bytes persist in a state
 * file between opens. */
int simlocal_enumerate(struct stflash_ctx *ctx, const char *spec, transport_found_fn fn,
                       void *user);
int simlocal_open(struct stflash_ctx *ctx, const char *spec, struct transport **out);

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
