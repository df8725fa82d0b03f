/* Library contexts, options, logging and version of the stand-in libusb. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb_sim.h"

static pthread_mutex_t lib_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lib_wake;
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static libusb_context *default_ctx;
/* Options set on the default context before libusb_init creates it. */
static int default_log_level = -1;

void usbsim_lock(void)
{
    pthread_mutex_lock(&lib_lock);
}

void usbsim_unlock(void)
{
    pthread_mutex_unlock(&lib_lock);
}

/* Deadlines are monotonic: the wall clock may jump. */
static void init_wake(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&lib_wake, &attr);
    pthread_condattr_destroy(&attr);
}

bool usbsim_wait_until(const struct timespec *deadline)
{
    pthread_once(&wake_once, init_wake);
    if (!deadline)
        return pthread_cond_wait(&lib_wake, &lib_lock) == 0;
    return pthread_cond_timedwait(&lib_wake, &lib_lock, deadline) == 0;
}

void usbsim_wake(void)
{
    pthread_once(&wake_once, init_wake);
    pthread_cond_broadcast(&lib_wake);
}

libusb_context *usbsim_ctx(libusb_context *ctx)
{
    return ctx ? ctx : default_ctx;
}

static int env_log_level(void)
{
    const char *env = getenv("LIBUSB_DEBUG");
    if (!env)
        return LIBUSB_LOG_LEVEL_NONE;
    int v = atoi(env);
    return v < LIBUSB_LOG_LEVEL_NONE    ? LIBUSB_LOG_LEVEL_NONE
           : v > LIBUSB_LOG_LEVEL_DEBUG ? LIBUSB_LOG_LEVEL_DEBUG
                                        : v;
}

void usbsim_log(libusb_context *ctx, enum libusb_log_level level, const char *fmt, ...)
{
    ctx = usbsim_ctx(ctx);
    int want = ctx ? ctx->log_level : env_log_level();
    if ((int)level > want || level == LIBUSB_LOG_LEVEL_NONE)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx && ctx->log_cb) {
        char line[540];
        snprintf(line, sizeof line, "libusb (stflash-sim): %s\n", msg);
        ctx->log_cb(ctx, level, line);
        return;
    }
    fprintf(stderr, "libusb (stflash-sim): %s\n", msg);
}

int LIBUSB_CALL libusb_init(libusb_context **ctx)
{
    usbsim_lock();
    if (!ctx && default_ctx) {
        default_ctx->refs++;
        usbsim_unlock();
        return LIBUSB_SUCCESS;
    }
    libusb_context *c = calloc(1, sizeof *c);
    if (!c) {
        usbsim_unlock();
        return LIBUSB_ERROR_NO_MEM;
    }
    c->refs = 1;
    c->log_level = env_log_level();
    if (ctx) {
        *ctx = c;
    } else {
        if (default_log_level >= 0)
            c->log_level = default_log_level;
        default_ctx = c;
    }
    usbsim_unlock();
    usbsim_log(c, LIBUSB_LOG_LEVEL_INFO, "probes of the stflash-sim daemon at %s",
               getenv("STFLASH_SIM_ADDR") ? getenv("STFLASH_SIM_ADDR") : "127.0.0.1:7184");
    return LIBUSB_SUCCESS;
}

void LIBUSB_CALL libusb_exit(libusb_context *ctx)
{
    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    if (!c || (!ctx && --c->refs > 0)) {
        usbsim_unlock();
        return;
    }
    if (!ctx)
        default_ctx = NULL;
    /* Devices still referenced by the application keep working without their context. */
    for (libusb_device *d = c->devices; d; d = d->next)
        d->ctx = NULL;
    if (c->in_flight)
        usbsim_log(NULL, LIBUSB_LOG_LEVEL_WARNING, "libusb_exit with transfers still pending");
    free(c);
    usbsim_unlock();
}

static void set_log_level(libusb_context *ctx, int level)
{
    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    if (c)
        c->log_level = level;
    else
        default_log_level = level;
    usbsim_unlock();
}

void LIBUSB_CALL libusb_set_debug(libusb_context *ctx, int level)
{
    set_log_level(ctx, level);
}

void LIBUSB_CALL libusb_set_log_cb(libusb_context *ctx, libusb_log_cb cb, int mode)
{
    usbsim_lock();
    libusb_context *c = usbsim_ctx(ctx);
    if (c && (mode & LIBUSB_LOG_CB_CONTEXT))
        c->log_cb = cb;
    usbsim_unlock();
}

int LIBUSB_CALL libusb_set_option(libusb_context *ctx, enum libusb_option option, ...)
{
    int rc = LIBUSB_SUCCESS;
    va_list ap;
    va_start(ap, option);
    switch (option) {
    case LIBUSB_OPTION_LOG_LEVEL: {
        int level = va_arg(ap, int);
        if (level < LIBUSB_LOG_LEVEL_NONE || level > LIBUSB_LOG_LEVEL_DEBUG)
            rc = LIBUSB_ERROR_INVALID_PARAM;
        else
            set_log_level(ctx, level);
        break;
    }
    case LIBUSB_OPTION_USE_USBDK:
        rc = LIBUSB_ERROR_NOT_SUPPORTED;
        break; /* Windows only */
    case LIBUSB_OPTION_NO_DEVICE_DISCOVERY:
        break; /* devices are listed on request anyway */
    default:
        rc = LIBUSB_ERROR_INVALID_PARAM;
        break;
    }
    va_end(ap);
    return rc;
}

const struct libusb_version *LIBUSB_CALL libusb_get_version(void)
{
    /* The API level of the header the clients were built against (1.0.26). */
    static const struct libusb_version version = {1, 0, 26, 0, "", "stflash-sim stand-in libusb"};
    return &version;
}

int LIBUSB_CALL libusb_has_capability(uint32_t capability)
{
    switch (capability) {
    case LIBUSB_CAP_HAS_CAPABILITY:
        return 1;
    case LIBUSB_CAP_SUPPORTS_DETACH_KERNEL_DRIVER:
        return 1; /* trivially: no kernel drivers */
    default:
        return 0; /* no hotplug, no HID access */
    }
}

int LIBUSB_CALL libusb_setlocale(const char *locale)
{
    /* Messages exist in English only. */
    if (!locale || strlen(locale) < 2)
        return LIBUSB_ERROR_INVALID_PARAM;
    return (locale[0] == 'e' || locale[0] == 'E') && (locale[1] == 'n' || locale[1] == 'N')
               ? LIBUSB_SUCCESS
               : LIBUSB_ERROR_NOT_FOUND;
}

struct timespec usbsim_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

struct timespec usbsim_after_ms(unsigned ms)
{
    struct timespec t = usbsim_now();
    t.tv_sec += ms / 1000u;
    t.tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

bool usbsim_time_passed(const struct timespec *deadline, const struct timespec *now)
{
    return now->tv_sec > deadline->tv_sec ||
           (now->tv_sec == deadline->tv_sec && now->tv_nsec >= deadline->tv_nsec);
}
