/*
 * Event handling: completes transfers and runs their callbacks. There are no file descriptors
 * behind the simulated devices, so an application that polls libusb's descriptors itself is told
 * (libusb_get_next_timeout) to come back at once while transfers are pending.
 */
#include <stdlib.h>
#include <sys/time.h>

#include "usb_sim.h"

/* What libusb_handle_events blocks for at most. */
#define BLOCKING_WAIT_S 60

static struct timespec deadline_after(const struct timeval *tv)
{
    struct timespec t = usbsim_now();
    t.tv_sec += tv->tv_sec;
    t.tv_nsec += (long)tv->tv_usec * 1000L;
    while (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static void run_callbacks(struct usbsim_transfer *done)
{
    while (done) {
        struct usbsim_transfer *next = done->next;
        struct libusb_transfer *x = usbsim_public(done);
        done->next = NULL;
        /* The callback may free or resubmit the transfer: read the flag first. */
        bool free_it = (x->flags & LIBUSB_TRANSFER_FREE_TRANSFER) != 0;
        if (x->callback)
            x->callback(x);
        if (free_it)
            libusb_free_transfer(x);
        done = next;
    }
}

static int handle_events(libusb_context *ctx, const struct timeval *tv, int *completed)
{
    static const struct timeval blocking = {BLOCKING_WAIT_S, 0};
    if (!tv)
        tv = &blocking;
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
        return LIBUSB_ERROR_INVALID_PARAM;
    struct timespec limit = deadline_after(tv);
    struct usbsim_transfer *done = NULL;

    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    if (!c) {
        usbsim_unlock();
        return LIBUSB_ERROR_INVALID_PARAM;
    }
    unsigned interrupts = c->interrupts;
    while (!(completed && *completed) && c->interrupts == interrupts) {
        if (usbsim_progress(c, &done) > 0)
            break;
        struct timespec now = usbsim_now(), until = limit;
        if (usbsim_time_passed(&limit, &now))
            break;
        struct timespec next;
        if (usbsim_next_deadline(c, &next) && !usbsim_time_passed(&limit, &next))
            until = next; /* wake up in time to time the transfer out */
        usbsim_wait_until(&until);
    }
    usbsim_unlock();
    if (done) {
        run_callbacks(done);
        usbsim_lock();
        usbsim_wake(); /* other threads may wait on a `completed` flag just set */
        usbsim_unlock();
    }
    return LIBUSB_SUCCESS;
}

int LIBUSB_CALL libusb_handle_events_timeout_completed(libusb_context *ctx, struct timeval *tv,
                                                       int *completed)
{
    return handle_events(ctx, tv, completed);
}

int LIBUSB_CALL libusb_handle_events_timeout(libusb_context *ctx, struct timeval *tv)
{
    return handle_events(ctx, tv, NULL);
}

int LIBUSB_CALL libusb_handle_events(libusb_context *ctx)
{
    return handle_events(ctx, NULL, NULL);
}

int LIBUSB_CALL libusb_handle_events_completed(libusb_context *ctx, int *completed)
{
    return handle_events(ctx, NULL, completed);
}

int LIBUSB_CALL libusb_handle_events_locked(libusb_context *ctx, struct timeval *tv)
{
    return handle_events(ctx, tv, NULL);
}

int LIBUSB_CALL libusb_get_next_timeout(libusb_context *ctx, struct timeval *tv)
{
    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    int pending = c && c->in_flight;
    usbsim_unlock();
    if (pending)
        *tv = (struct timeval){0, 0};
    return pending;
}

int LIBUSB_CALL libusb_pollfds_handle_timeouts(libusb_context *ctx)
{
    return 0; /* callers must ask libusb_get_next_timeout */
}

const struct libusb_pollfd **LIBUSB_CALL libusb_get_pollfds(libusb_context *ctx)
{
    return calloc(1, sizeof(struct libusb_pollfd *)); /* an empty, NULL-terminated list */
}

void LIBUSB_CALL libusb_free_pollfds(const struct libusb_pollfd **pollfds)
{
    free((void *)pollfds);
}

void LIBUSB_CALL libusb_set_pollfd_notifiers(libusb_context *ctx, libusb_pollfd_added_cb added_cb,
                                             libusb_pollfd_removed_cb removed_cb, void *user_data)
{
}

/* Event handling needs no separate lock here: the library lock serialises it. */
int LIBUSB_CALL libusb_try_lock_events(libusb_context *ctx)
{
    return 0;
}

void LIBUSB_CALL libusb_lock_events(libusb_context *ctx) {}

void LIBUSB_CALL libusb_unlock_events(libusb_context *ctx) {}

int LIBUSB_CALL libusb_event_handling_ok(libusb_context *ctx)
{
    return 1;
}

int LIBUSB_CALL libusb_event_handler_active(libusb_context *ctx)
{
    return 0;
}

void LIBUSB_CALL libusb_lock_event_waiters(libusb_context *ctx) {}

void LIBUSB_CALL libusb_unlock_event_waiters(libusb_context *ctx) {}

int LIBUSB_CALL libusb_wait_for_event(libusb_context *ctx, struct timeval *tv)
{
    struct timespec until;
    if (tv)
        until = deadline_after(tv);
    usbsim_lock();
    bool woken = usbsim_wait_until(tv ? &until : NULL);
    usbsim_unlock();
    return woken ? 0 : 1;
}

void LIBUSB_CALL libusb_interrupt_event_handler(libusb_context *ctx)
{
    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    if (c)
        c->interrupts++; /* the event handler returns at once */
    usbsim_wake();
    usbsim_unlock();
}
