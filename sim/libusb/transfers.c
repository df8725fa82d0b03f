/*
 * Asynchronous transfers. A submitted transfer waits in its context's queue; the event handling
 * functions (events.c) carry the queue out in submission order and run the callbacks, so a
 * client that submits a command OUT and the reply IN together (OpenOCD) sees them in order.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "usb_sim.h"

/* The private part sits before the public struct, padded to keep that one aligned. */
#define PRIV_SIZE                                                                                  \
    ((sizeof(struct usbsim_transfer) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static struct usbsim_transfer *priv_of(struct libusb_transfer *x)
{
    return (struct usbsim_transfer *)(void *)((unsigned char *)x - PRIV_SIZE);
}

struct libusb_transfer *usbsim_public(struct usbsim_transfer *t)
{
    return (struct libusb_transfer *)(void *)((unsigned char *)t + PRIV_SIZE);
}

struct libusb_transfer *LIBUSB_CALL libusb_alloc_transfer(int iso_packets)
{
    if (iso_packets < 0)
        return NULL;
    size_t size = PRIV_SIZE + sizeof(struct libusb_transfer) +
                  (size_t)iso_packets * sizeof(struct libusb_iso_packet_descriptor);
    unsigned char *block = calloc(1, size);
    if (!block)
        return NULL;
    struct libusb_transfer *x = usbsim_public((struct usbsim_transfer *)(void *)block);
    x->num_iso_packets = iso_packets;
    return x;
}

static void unlink_in_flight(struct usbsim_transfer *t)
{
    if (!t->ctx)
        return;
    for (struct usbsim_transfer **p = &t->ctx->in_flight; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    t->next = NULL;
    t->in_flight = false;
}

void LIBUSB_CALL libusb_free_transfer(struct libusb_transfer *transfer)
{
    if (!transfer)
        return;
    struct usbsim_transfer *t = priv_of(transfer);
    usbsim_lock();
    if (t->in_flight)
        unlink_in_flight(t); /* freeing a pending transfer is a client bug; stay safe */
    usbsim_unlock();
    if ((transfer->flags & LIBUSB_TRANSFER_FREE_BUFFER) && transfer->buffer)
        free(transfer->buffer);
    free(t);
}

static int check_transfer(const struct libusb_transfer *x)
{
    if (!x->dev_handle || x->length < 0 || (x->length && !x->buffer))
        return LIBUSB_ERROR_INVALID_PARAM;
    switch (x->type) {
    case LIBUSB_TRANSFER_TYPE_CONTROL:
        if (x->length < (int)LIBUSB_CONTROL_SETUP_SIZE ||
            le16_get(x->buffer + 6) > x->length - (int)LIBUSB_CONTROL_SETUP_SIZE)
            return LIBUSB_ERROR_INVALID_PARAM;
        return LIBUSB_SUCCESS;
    case LIBUSB_TRANSFER_TYPE_BULK:
        return LIBUSB_SUCCESS;
    case LIBUSB_TRANSFER_TYPE_INTERRUPT:
        return LIBUSB_ERROR_INVALID_PARAM; /* all endpoints are bulk, see sync_io.c */
    default:
        return LIBUSB_ERROR_NOT_SUPPORTED; /* isochronous, bulk streams */
    }
}

int LIBUSB_CALL libusb_submit_transfer(struct libusb_transfer *transfer)
{
    struct usbsim_transfer *t = priv_of(transfer);
    int rc = check_transfer(transfer);
    if (rc != LIBUSB_SUCCESS)
        return rc;
    usbsim_lock();
    libusb_context *ctx = usbsim_ctx(transfer->dev_handle->dev->ctx);
    if (t->in_flight) {
        usbsim_unlock();
        return LIBUSB_ERROR_BUSY;
    }
    if (!ctx || usbsim_session(transfer->dev_handle) != LIBUSB_SUCCESS) {
        usbsim_unlock();
        return LIBUSB_ERROR_NO_DEVICE;
    }
    t->ctx = ctx;
    t->in_flight = true;
    t->cancelled = t->orphaned = false;
    t->has_deadline = transfer->timeout != 0;
    if (t->has_deadline)
        t->deadline = usbsim_after_ms(transfer->timeout);
    transfer->actual_length = 0;
    t->next = NULL;
    struct usbsim_transfer **tail = &ctx->in_flight;
    while (*tail)
        tail = &(*tail)->next;
    *tail = t;
    usbsim_wake();
    usbsim_unlock();
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_cancel_transfer(struct libusb_transfer *transfer)
{
    struct usbsim_transfer *t = priv_of(transfer);
    usbsim_lock();
    int rc = LIBUSB_ERROR_NOT_FOUND;
    if (t->in_flight && !t->cancelled) {
        t->cancelled = true; /* it ends with LIBUSB_TRANSFER_CANCELLED at the next event round */
        rc = LIBUSB_SUCCESS;
        usbsim_wake();
    }
    usbsim_unlock();
    return rc;
}

void LIBUSB_CALL libusb_transfer_set_stream_id(struct libusb_transfer *transfer, uint32_t stream_id)
{
    priv_of(transfer)->stream_id = stream_id;
}

uint32_t LIBUSB_CALL libusb_transfer_get_stream_id(struct libusb_transfer *transfer)
{
    return priv_of(transfer)->stream_id;
}

void usbsim_orphan_transfers(libusb_device_handle *h)
{
    libusb_context *ctx = usbsim_ctx(h->dev->ctx);
    if (!ctx)
        return;
    for (struct usbsim_transfer *t = ctx->in_flight; t; t = t->next)
        if (usbsim_public(t)->dev_handle == h)
            t->orphaned = true;
}

static enum libusb_transfer_status status_of(int rc)
{
    switch (rc) {
    case LIBUSB_ERROR_PIPE:
        return LIBUSB_TRANSFER_STALL;
    case LIBUSB_ERROR_NO_DEVICE:
        return LIBUSB_TRANSFER_NO_DEVICE;
    case LIBUSB_ERROR_OVERFLOW:
        return LIBUSB_TRANSFER_OVERFLOW;
    default:
        return LIBUSB_TRANSFER_ERROR;
    }
}

/* Does what the transfer can do now; true when it ended (its status is set). */
static bool try_finish(struct usbsim_transfer *t, const struct timespec *now)
{
    struct libusb_transfer *x = usbsim_public(t);
    if (t->cancelled) {
        x->status = LIBUSB_TRANSFER_CANCELLED;
        return true;
    }
    if (t->orphaned) {
        x->status = LIBUSB_TRANSFER_NO_DEVICE;
        return true;
    }
    bool is_in;
    int rc;
    if (x->type == LIBUSB_TRANSFER_TYPE_CONTROL) {
        const uint8_t *s = x->buffer;
        is_in = (s[0] & LIBUSB_ENDPOINT_IN) != 0;
        uint16_t wlength = le16_get(s + 6);
        rc = usbsim_control(x->dev_handle, s[0], s[1], le16_get(s + 2), le16_get(s + 4),
                            x->buffer + LIBUSB_CONTROL_SETUP_SIZE, wlength);
        if (rc >= 0) {
            x->actual_length = rc;
            rc = LIBUSB_SUCCESS;
        }
    } else {
        is_in = (x->endpoint & LIBUSB_ENDPOINT_IN) != 0;
        int done = 0;
        x->dev_handle->link.reply_timeout_ms = x->timeout;
        rc = usbsim_bulk(x->dev_handle, x->endpoint, x->buffer, x->length, &done);
        if (rc == LIBUSB_ERROR_TIMEOUT) {
            if (!t->has_deadline || !usbsim_time_passed(&t->deadline, now))
                return false; /* an IN waits until the probe has something to send */
            x->status = LIBUSB_TRANSFER_TIMED_OUT;
            return true;
        }
        x->actual_length = done;
    }
    if (rc != LIBUSB_SUCCESS) {
        x->status = status_of(rc);
        return true;
    }
    int wanted = x->type == LIBUSB_TRANSFER_TYPE_CONTROL ? le16_get(x->buffer + 6) : x->length;
    bool short_in = is_in && x->actual_length < wanted;
    x->status = short_in && (x->flags & LIBUSB_TRANSFER_SHORT_NOT_OK) ? LIBUSB_TRANSFER_ERROR
                                                                      : LIBUSB_TRANSFER_COMPLETED;
    return true;
}

int usbsim_progress(libusb_context *ctx, struct usbsim_transfer **finished)
{
    struct usbsim_transfer **tail = finished;
    while (*tail)
        tail = &(*tail)->next;
    struct timespec now = usbsim_now();
    int ended = 0;
    bool moved;
    /* An IN queued before the OUT that produces its reply is served on the next pass. */
    do {
        moved = false;
        for (struct usbsim_transfer **p = &ctx->in_flight; *p;) {
            struct usbsim_transfer *t = *p;
            if (!try_finish(t, &now)) {
                p = &t->next;
                continue;
            }
            *p = t->next;
            t->next = NULL;
            t->in_flight = false;
            *tail = t;
            tail = &t->next;
            ended++;
            moved = true;
        }
    } while (moved && ctx->in_flight);
    return ended;
}

bool usbsim_next_deadline(libusb_context *ctx, struct timespec *deadline)
{
    bool any = false;
    for (struct usbsim_transfer *t = ctx->in_flight; t; t = t->next) {
        if (!t->has_deadline)
            continue;
        if (!any || usbsim_time_passed(&t->deadline, deadline)) /* earlier than the best */
            *deadline = t->deadline;
        any = true;
    }
    return any;
}
