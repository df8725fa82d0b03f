/* Listing probes, opening one and connecting to its target. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/dev.h"
#include "api/selector.h"
#include "arm/cortexm.h"
#include "flash/sysregs.h"

struct probe_vec {
    struct stflash_probe_info *items;
    size_t count, cap;
    const struct selector *sel;
    bool oom;
};

static void collect(void *user, const struct stflash_probe_info *info)
{
    struct probe_vec *v = user;
    if (!selector_matches(v->sel, info))
        return;
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        struct stflash_probe_info *n = realloc(v->items, cap * sizeof *n);
        if (!n) {
            v->oom = true;
            return;
        }
        v->items = n;
        v->cap = cap;
    }
    v->items[v->count++] = *info;
}

static int enumerate(struct stflash_ctx *ctx, const struct selector *sel, struct probe_vec *v)
{
    memset(v, 0, sizeof *v);
    v->sel = sel;
    int rc;
    switch (sel->kind) {
    case SELECT_TCP:
        rc = tcp_enumerate(ctx, sel->host, sel->port, collect, v);
        break;
    case SELECT_SIM:
        rc = sim_backend_enumerate(ctx, sel->sim_spec, collect, v);
        break;
    default:
        rc = usb_enumerate(ctx, collect, v);
        break;
    }
    if (rc == 0 && v->oom)
        rc = STFLASH_ERR_NO_MEMORY;
    if (rc != 0) {
        free(v->items);
        v->items = NULL;
    }
    return rc;
}

int stflash_probe_list(struct stflash_ctx *ctx, const char *selector,
                       struct stflash_probe_info **out, size_t *count)
{
    struct selector sel;
    struct probe_vec v;
    int rc = selector_parse(ctx, selector, &sel);
    if (rc == 0)
        rc = enumerate(ctx, &sel, &v);
    if (rc != 0)
        return rc;
    *out = v.items;
    *count = v.count;
    return STFLASH_OK;
}

void stflash_probe_list_free(struct stflash_probe_info *list)
{
    free(list);
}

/* Chooses the one probe the selector names, or explains why there is none. */
int dev_choose_probe(struct stflash_ctx *ctx, const struct selector *sel, const char *text,
                     struct stflash_probe_info *chosen)
{
    struct probe_vec v;
    int rc = enumerate(ctx, sel, &v);
    if (rc != 0)
        return rc;
    if (v.count == 0) {
        free(v.items);
        if (sel->kind == SELECT_TCP)
            return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND,
                            "no probe%s%s on the stlink-server at %s:%d", sel->serial[0] ? " " : "",
                            sel->serial, sel->host, sel->port);
        if (sel->serial[0])
            return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND,
                            "no ST-LINK with a serial starting with '%s' (list them with "
                            "'stflash probe')",
                            sel->serial);
        return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND,
                        "no ST-LINK found on USB: check the cable (some are charge-only) and "
                        "that the probe's LED is lit");
    }
    if (v.count > 1) {
        char list[400] = "";
        for (size_t i = 0; i < v.count; i++) {
            size_t n = strlen(list);
            snprintf(list + n, sizeof list - n, "%s%s (%s%s%s)", i ? ", " : "", v.items[i].serial,
                     v.items[i].name, v.items[i].status ? ", " : "",
                     v.items[i].status ? stflash_strerror(v.items[i].status) : "");
        }
        free(v.items);
        /* Behind an stlink-server the serial goes after the address (selector.c). */
        char how[320];
        if (sel->kind == SELECT_TCP)
            snprintf(how, sizeof how, "--probe tcp:%s:%d/SERIAL", sel->host, sel->port);
        else
            snprintf(how, sizeof how, "--probe SERIAL");
        return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG,
                        "%d probes match%s%s%s: %s; choose one with %s", (int)v.count,
                        text && *text ? " '" : "", text ? text : "", text && *text ? "'" : "", list,
                        how);
    }
    *chosen = v.items[0];
    free(v.items);
    /* A probe listed as in use may be free by now: the listing of another thread or program
     * claims each probe for an instant. Opening it says whether it still is (the USB open
     * tries its claim again for a while). */
    if (chosen->status != STFLASH_OK && chosen->status != STFLASH_ERR_BUSY)
        return ctx_fail(ctx, chosen->status, "probe %s cannot be opened: %s", chosen->serial,
                        chosen->status_text);
    return STFLASH_OK;
}

int dev_open_transport(struct stflash_ctx *ctx, const struct selector *sel,
                       const struct stflash_probe_info *probe, struct transport **tr)
{
    switch (sel->kind) {
    case SELECT_TCP:
        return tcp_open(ctx, sel->host, sel->port, probe->serial, tr);
    case SELECT_SIM:
        return sim_backend_open(ctx, sel->sim_spec, tr);
    default:
        return usb_open(ctx, probe->serial, tr);
    }
}

double dev_volts(struct stflash_dev *dev)
{
    if (!dev->volts_known) {
        if (stlink_target_voltage(&dev->sl, &dev->volts) != 0)
            dev->volts = -1.0;
        dev->volts_known = true;
    }
    return dev->volts;
}

static void pause_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Connect under reset: NRST held low while SWD is entered and a halt at the reset vector is
 * armed, then released (the pins are SWD again while the chip is in reset). The first NRST drive
 * comes before SWD entry, where some probe firmware does not know the pin yet: its answer is
 * ignored, and NRST is driven low again once in SWD mode. On failure nothing is left to trap the
 * board: the reset vector catch is disarmed and the halt request withdrawn (DEMCR.VC_CORERESET
 * and DHCSR.C_HALT survive a system reset, ARMv7-M ARM C1.6.3, C1.6.5: left set, every later
 * reset would stop the core, a board that "looks bricked"), and NRST is let go. */
int dev_connect_under_reset(struct stflash_dev *dev)
{
    struct dbg *d = dev_dbg(dev);
    if (stlink_drive_nrst(&dev->sl, STLINK_NRST_LOW) != 0)
        ctx_log(dev->ctx, STFLASH_LOG_DEBUG, "NRST before SWD entry: %s",
                stflash_last_error(dev->ctx));
    pause_ms(2);
    int rc = stlink_enter_swd(&dev->sl);
    if (rc == 0)
        rc = stlink_drive_nrst(&dev->sl, STLINK_NRST_LOW);
    bool halt_asked = false;
    if (rc == 0) {
        rc = dbg_write32(d, CM_DHCSR, CM_DHCSR_DBGKEY | CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT);
        halt_asked = rc == 0;
    }
    uint32_t demcr = 0;
    bool armed = false;
    if (rc == 0)
        rc = dbg_read32(d, CM_DEMCR, &demcr);
    if (rc == 0) {
        rc = dbg_write32(d, CM_DEMCR, demcr | CM_DEMCR_VC_CORERESET);
        armed = rc == 0;
    }
    int rel = stlink_drive_nrst(&dev->sl, STLINK_NRST_HIGH);
    if (rc == 0)
        rc = rel;
    if (rc == 0)
        rc = cm_wait_halt(d, 500);
    if (rc == 0 || armed) {
        int disarm = dbg_write32(d, CM_DEMCR, demcr & ~CM_DEMCR_VC_CORERESET);
        if (rc == 0)
            rc = disarm;
    }
    if (rc != 0) {
        /* Best effort, the first error is the one reported. */
        char *saved = ctx_error_save(dev->ctx);
        if (halt_asked)
            (void)dbg_write32(d, CM_DHCSR, CM_DHCSR_DBGKEY); /* C_DEBUGEN, C_HALT cleared */
        if (rel != 0)
            (void)stlink_drive_nrst(&dev->sl, STLINK_NRST_HIGH);
        ctx_error_restore(dev->ctx, saved);
    }
    return rc;
}

/* The target does not answer on SWD: say which cause is likely, and retry under reset when that
 * may help (firmware that disabled the SWD pins cannot run while NRST is held low). */
static int silent_target(struct stflash_dev *dev)
{
    struct stflash_ctx *ctx = dev->ctx;
    double volts = dev_volts(dev);
    if (volts >= 0 && volts < MIN_TARGET_VOLTS)
        return ctx_fail(ctx, STFLASH_ERR_TARGET,
                        "the target is not powered: the probe measures %.2f V on its target "
                        "voltage pin (VAPP/3.3V); connect the board's 3.3V and GND to the probe, "
                        "or power the board (USB or its own supply)",
                        volts);
    if (dev->opts.connect == STFLASH_CONNECT_UNDER_RESET)
        return ctx_fail(ctx, STFLASH_ERR_TARGET,
                        "the target does not answer on SWD even with NRST held low: check the "
                        "SWDIO, SWCLK and GND wires, and whether the probe's RST pin reaches the "
                        "board's NRST; %s",
                        BOOT0_PROCEDURE);
    /* Hot plug is a promise to leave the target as it is (the look-only commands): no reset
     * unless asked for. */
    if (dev->opts.connect == STFLASH_CONNECT_HOT_PLUG)
        return ctx_fail(ctx, STFLASH_ERR_TARGET,
                        "the target does not answer on SWD: its firmware probably disabled or "
                        "remapped the SWD pins (e.g. AFIO SWJ_CFG on an F1) or sleeps in a "
                        "low-power mode, or the SWDIO, SWCLK and GND wires are not connected. It "
                        "was left as it is (no reset, no halt); to look at it, connect under reset "
                        "with --connect under-reset (it then stays halted at its reset vector)");
    ctx_log(ctx, STFLASH_LOG_WARN,
            "the target does not answer on SWD: its firmware probably disabled or remapped the "
            "SWD pins (e.g. AFIO SWJ_CFG on an F1) or sleeps in a low-power mode; retrying "
            "with NRST held low (connect under reset)");
    int rc = dev_connect_under_reset(dev);
    if (rc == 0) {
        ctx_log(ctx, STFLASH_LOG_WARN,
                "connected under reset: the target is halted at its reset vector; its firmware "
                "will disable SWD again when it runs");
        dev->opts.connect = STFLASH_CONNECT_UNDER_RESET;
        return STFLASH_OK;
    }
    return ctx_fail(ctx, STFLASH_ERR_TARGET,
                    "the target does not answer on SWD, and holding NRST low did not help, so the "
                    "probe's RST pin is probably not wired to the board (or SWDIO/SWCLK/GND are "
                    "not connected). If the firmware disables SWD, %s",
                    BOOT0_PROCEDURE);
}

int stflash_open(struct stflash_ctx *ctx, const struct stflash_open_options *opts,
                 struct stflash_dev **out)
{
    struct selector sel;
    struct stflash_probe_info probe;
    int rc = selector_parse(ctx, opts->selector, &sel);
    if (rc == 0)
        rc = dev_choose_probe(ctx, &sel, opts->selector, &probe);
    if (rc != 0)
        return rc;

    struct stflash_dev *dev = calloc(1, sizeof *dev);
    if (!dev)
        return STFLASH_ERR_NO_MEMORY;
    dev->ctx = ctx;
    dev->opts = *opts;
    rc = dev_open_transport(ctx, &sel, &probe, &dev->tr);
    if (rc == 0)
        rc = stlink_init(&dev->sl, dev->tr);
    if (rc != 0)
        goto fail;
    dbg_stlink_init(&dev->dbg, &dev->sl);
    uint32_t khz = opts->swd_khz ? opts->swd_khz : (dev->sl.hw >= 3 ? 1000u : 1800u);
    rc = stlink_set_swd_khz(&dev->sl, khz, &dev->sl.swd_khz);
    if (rc != 0 && rc != STFLASH_ERR_UNSUPPORTED)
        goto fail;

    if (opts->connect == STFLASH_CONNECT_UNDER_RESET)
        rc = dev_connect_under_reset(dev);
    else
        rc = stlink_enter_swd(&dev->sl);
    if (rc == STFLASH_ERR_TARGET)
        rc = silent_target(dev);
    if (rc != 0)
        goto fail;
    dev->attached = true;
    rc = detect_target(dev);
    /* Watchdogs stop while the core is halted from now on (flash/sysregs.h); the firmware does
     * not see the bits. A chip that refuses them is still usable: said, not fatal. */
    if (rc == 0 && watchdog_freeze(dev_dbg(dev), dev->target.chip) != 0)
        ctx_log(ctx, STFLASH_LOG_WARN,
                "cannot set the DBGMCU watchdog-freeze bits (%s): a running watchdog may reset "
                "the chip while it is halted",
                stflash_last_error(ctx));
    if (rc == 0 && opts->halt && opts->connect == STFLASH_CONNECT_NORMAL)
        rc = cm_halt(dev_dbg(dev));
    if (rc != 0)
        goto fail;
    *out = dev;
    return STFLASH_OK;
fail:
    stflash_close(dev);
    return rc;
}

void stflash_close(struct stflash_dev *dev)
{
    if (!dev)
        return;
    if (dev->tr) {
        /* Best effort: the probe may be gone; the first error of the session is kept. */
        char *saved = ctx_error_save(dev->ctx);
        if (dev->attached && cm_detach(dev_dbg(dev)) != 0)
            ctx_log(dev->ctx, STFLASH_LOG_DEBUG, "detach: %s", stflash_last_error(dev->ctx));
        /* Only the mode the probe is in is left: never DEBUG_EXIT outside debug mode. */
        if (dev->sl.tr && stlink_leave(&dev->sl) != 0)
            ctx_log(dev->ctx, STFLASH_LOG_DEBUG, "close: %s", stflash_last_error(dev->ctx));
        ctx_error_restore(dev->ctx, saved);
        transport_close(dev->tr);
    }
    free(dev);
}

int stflash_probe_details(struct stflash_dev *dev, struct stflash_probe_details *out)
{
    struct stflash_probe_details d;
    memset(&d, 0, sizeof d);
    d.info = dev->tr->info;
    d.hw_version = dev->sl.hw;
    d.jtag_version = dev->sl.jtag;
    d.swim_version = dev->sl.swim;
    d.msd_version = dev->sl.msd;
    d.api_version = dev->sl.api;
    d.swd_khz = dev->sl.swd_khz;
    d.target_volts = dev_volts(dev);
    *out = d;
    return STFLASH_OK;
}

int stflash_target_info(struct stflash_dev *dev, struct stflash_target_info *out)
{
    *out = dev->target;
    return STFLASH_OK;
}
