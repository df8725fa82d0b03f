/*
 * The diagnosis ladder: probe found, opened, its firmware, target voltage, SWD link, core, chip,
 * clone, read and write protection, flash size. One verdict per step, with the fix for each
 * warning and failure. Nothing is written or erased.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/dev.h"
#include "api/selector.h"
#include "arm/cortexm.h"
#include "stlink/stlink_proto.h"
#include "transport/transport.h"

#define UDEV_FIX                                                                                   \
    "install the udev rules: sudo cp <prefix>/lib/udev/rules.d/49-stflash.rules "                  \
    "/etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger, then replug "    \
    "the probe"

/* ST-LINK/V1: the modprobe file that keeps the kernel's usb-storage driver off it
 * (udev/stflash-stlinkv1.conf, installed with the udev rules). */
#define V1_QUIRK_FIX                                                                               \
    "install the usb-storage quirk: sudo cp <prefix>/lib/modprobe.d/stflash-stlinkv1.conf "        \
    "/etc/modprobe.d/ (it holds 'options usb-storage quirks=483:3744:i'), then sudo modprobe -r "  \
    "usb-storage && sudo modprobe usb-storage (or reboot), and replug the probe"

struct ladder {
    stflash_check_fn fn;
    void *user;
    int failures;
    bool stopped; /* a failure ended the walk: the remaining steps are skipped */
};

static const char *const steps[] = {
    "probe found", "probe opened", "probe firmware",  "target voltage",   "SWD link",   "core",
    "chip",        "clone",        "read protection", "write protection", "flash size",
};

static void report(struct ladder *l, const char *step, enum stflash_verdict verdict,
                   const char *fix, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(struct ladder *l, const char *step, enum stflash_verdict verdict,
                   const char *fix, const char *fmt, ...)
{
    struct stflash_check c;
    memset(&c, 0, sizeof c);
    c.step = step;
    c.verdict = verdict;
    /* The detail whole, however long (it often carries an error message). */
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *detail = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (detail)
        vsnprintf(detail, (size_t)n + 1, fmt, again);
    va_end(again);
    va_end(ap);
    c.detail = detail ? detail : "(out of memory for the detail)";
    c.fix = fix ? fix : "";
    if (verdict == STFLASH_CHECK_FAIL)
        l->failures++;
    l->fn(l->user, &c);
    free(detail);
}

/* Reports every step after `from` as skipped. */
static void skip_rest(struct ladder *l, const char *from)
{
    size_t n = sizeof steps / sizeof steps[0], i = 0;
    while (i < n && strcmp(steps[i], from) != 0)
        i++;
    for (i++; i < n; i++)
        report(l, steps[i], STFLASH_CHECK_SKIPPED, NULL, "not checked");
    l->stopped = true;
}

static void fail_and_stop(struct ladder *l, const char *step, const char *fix, const char *detail)
{
    report(l, step, STFLASH_CHECK_FAIL, fix, "%s", detail);
    skip_rest(l, step);
}

static bool check_found(struct ladder *l, struct stflash_ctx *ctx, const struct selector *sel,
                        const char *text, struct stflash_probe_info *probe)
{
    /* A probe that cannot be opened is still found: the error then carries its status. */
    int rc = dev_choose_probe(ctx, sel, text, probe);
    if (rc == STFLASH_ERR_NOT_FOUND) {
        const char *fix =
            sel->kind == SELECT_TCP
                ? "start the stlink-server (or stflash-sim) at that address, or check the port"
                : "plug the ST-LINK in and check that the system sees it (lsusb lists 0483:3748 "
                  "for a V2, 0483:374b for a V2-1, 0483:374f for a V3, 0483:3744 for a V1); "
                  "some USB cables are charge-only";
        fail_and_stop(l, "probe found", fix, stflash_last_error(ctx));
        return false;
    }
    if (rc == STFLASH_ERR_INVALID_ARG) {
        fail_and_stop(l, "probe found", "name one probe with --probe SERIAL (or its start)",
                      stflash_last_error(ctx));
        return false;
    }
    if (rc != STFLASH_OK && probe->serial[0] == '\0') {
        fail_and_stop(l, "probe found", "see the message", stflash_last_error(ctx));
        return false;
    }
    report(l, "probe found", STFLASH_CHECK_OK, NULL, "%s serial %s (%s %04x:%04x)", probe->name,
           probe->serial, probe->transport, probe->vid, probe->pid);
    if (rc != STFLASH_OK) {
        const char *fix = rc == STFLASH_ERR_ACCESS ? UDEV_FIX
                          : rc == STFLASH_ERR_BUSY
                              ? "close the program that uses it (OpenOCD, st-util, "
                                "STM32CubeProgrammer, another stflash), or pick another probe"
                              : "unplug and replug the probe";
        fail_and_stop(l, "probe opened", fix, probe->status_text);
        return false;
    }
    return true;
}

static bool check_firmware(struct ladder *l, struct stflash_dev *dev)
{
    struct stlink *sl = &dev->sl;
    char ver[32];
    stlink_version_string(sl, ver, sizeof ver);
    const char *was = sl->initial_mode == STLINK_MODE_DFU    ? " (it was in DFU mode: left it)"
                      : sl->initial_mode == STLINK_MODE_SWIM ? " (it was in SWIM mode: left it)"
                                                             : "";
    if (sl->hw == 2 && sl->jtag < 28)
        report(l, "probe firmware", STFLASH_CHECK_WARN,
               "update the probe's firmware with ST's ST-LINK upgrade tool (STSW-LINK007) or "
               "STM32CubeProgrammer",
               "%s, API v%u%s: older than J28, so %s", ver, sl->api, was,
               sl->jtag < 22   ? "the SWD clock cannot be set and reads lack status checks"
               : sl->jtag < 26 ? "16-bit memory access is missing"
                               : "access ports other than 0 are unreachable");
    else
        report(l, "probe firmware", STFLASH_CHECK_OK, NULL, "%s, API v%u%s", ver, sl->api, was);
    return true;
}

static bool check_voltage(struct ladder *l, struct stflash_dev *dev)
{
    dev->volts_known = true;
    if (stlink_target_voltage(&dev->sl, &dev->volts) != STFLASH_OK) {
        dev->volts = -1.0;
        report(l, "target voltage", STFLASH_CHECK_SKIPPED, NULL,
               "this probe cannot measure the target voltage");
        return true;
    }
    if (dev->volts < MIN_TARGET_VOLTS) {
        char detail[128];
        snprintf(detail, sizeof detail, "%.2f V: the target is not powered", dev->volts);
        fail_and_stop(l, "target voltage",
                      "connect the board's 3.3V and GND to the probe's 3.3V (VAPP) and GND pins, "
                      "or power the board from USB or its own supply",
                      detail);
        return false;
    }
    report(l, "target voltage", STFLASH_CHECK_OK, NULL, "%.2f V", dev->volts);
    return true;
}

static bool check_link(struct ladder *l, struct stflash_dev *dev)
{
    (void)stlink_set_swd_khz(&dev->sl, dev->sl.hw >= 3 ? 1000u : 1800u, &dev->sl.swd_khz);
    uint32_t idcode = 0;
    int rc = stlink_enter_swd(&dev->sl);
    if (rc == STFLASH_OK)
        rc = stlink_read_idcode(&dev->sl, &idcode);
    if (rc == STFLASH_OK) {
        if (dev->sl.swd_khz)
            report(l, "SWD link", STFLASH_CHECK_OK, NULL, "DP IDCODE 0x%08x at %u kHz", idcode,
                   dev->sl.swd_khz);
        else /* an ST-LINK/V1: its firmware picks the clock */
            report(l, "SWD link", STFLASH_CHECK_OK, NULL, "DP IDCODE 0x%08x", idcode);
        return true;
    }
    if (dev_connect_under_reset(dev) == STFLASH_OK && stlink_read_idcode(&dev->sl, &idcode) == 0) {
        dev->opts.connect = STFLASH_CONNECT_UNDER_RESET;
        report(l, "SWD link", STFLASH_CHECK_WARN,
               "stflash connects under reset by itself when this happens; to get rid of it, "
               "erase the firmware ('stflash erase') or keep the SWD pins enabled in it (on an "
               "F1: AFIO_MAPR SWJ_CFG 000 or 010, no early low-power mode)",
               "DP IDCODE 0x%08x, but only while NRST is held low: the firmware disables or "
               "remaps the SWD pins, or sleeps (the core is now halted at its reset vector)",
               idcode);
        return true;
    }
    fail_and_stop(
        l, "SWD link",
        "check the SWDIO, SWCLK and GND wires; if the firmware disables SWD, " BOOT0_PROCEDURE,
        "the target does not answer on SWD, not even with NRST held low");
    return false;
}

static void check_core(struct ladder *l, struct stflash_dev *dev)
{
    uint32_t cpuid = 0, dhcsr = 0;
    if (dbg_read32(dev_dbg(dev), CM_CPUID, &cpuid) || dbg_read32(dev_dbg(dev), CM_DHCSR, &dhcsr)) {
        fail_and_stop(l, "core", "power-cycle the board; if it persists, connect under reset",
                      stflash_last_error(dev->ctx));
        return;
    }
    const char *state = (dhcsr & CM_DHCSR_S_LOCKUP) ? "locked up"
                        : (dhcsr & CM_DHCSR_S_HALT) ? "halted"
                        : (dhcsr & (1u << 18))      ? "sleeping"
                                                    : "running";
    const char *core = stflash_core_name(stflash_core_from_cpuid(cpuid));
    uint32_t dfsr = 0;
    /* Halted by the reset vector catch before this run of doctor (a connect under reset, or
     * reset --halt): the firmware has not run since, so whatever it does to SWD is not seen now.
     * DFSR.VCATCH: ARMv7-M C1.6.1. */
    if ((dhcsr & CM_DHCSR_S_HALT) && dev->opts.connect != STFLASH_CONNECT_UNDER_RESET &&
        dbg_read32(dev_dbg(dev), CM_DFSR, &dfsr) == 0 && (dfsr & (1u << 3)))
        report(l, "core", STFLASH_CHECK_WARN,
               "run 'stflash reset' and then doctor again to see what the firmware does when it "
               "runs (e.g. disables the SWD pins)",
               "%s (CPUID 0x%08x), halted at its reset vector by a vector catch (a connect "
               "under reset or reset --halt before): its firmware has not run since",
               core, cpuid);
    else if (dhcsr & CM_DHCSR_S_LOCKUP)
        report(l, "core", STFLASH_CHECK_WARN,
               "write a firmware with a valid vector table, or check the one there: a fault "
               "inside a fault handler locks the core up (erased flash does it too)",
               "%s (CPUID 0x%08x), %s", core, cpuid, state);
    else
        report(l, "core", STFLASH_CHECK_OK, NULL, "%s r%up%u (CPUID 0x%08x), %s", core,
               (cpuid >> 20) & 0xFu, cpuid & 0xFu, cpuid, state);
}

static void check_target(struct ladder *l, struct stflash_dev *dev)
{
    if (detect_target(dev) != STFLASH_OK) {
        fail_and_stop(l, "chip", "see the message", stflash_last_error(dev->ctx));
        return;
    }
    const struct stflash_target_info *t = &dev->target;
    if (!t->chip) {
        report(l, "chip", STFLASH_CHECK_WARN,
               "memory, registers and reset work; flash programming needs a known part",
               "unknown DEV_ID 0x%03x (DBGMCU_IDCODE 0x%08x)", t->dev_id, t->dbgmcu_idcode);
        skip_rest(l, "chip");
        return;
    }
    report(l, "chip", STFLASH_CHECK_OK, NULL, "%s, DEV_ID 0x%03x, REV_ID 0x%04x", t->chip->name,
           t->dev_id, t->rev_id);
    if (dev->clone)
        report(l, "clone", STFLASH_CHECK_OK, NULL, "%s %s, answering as %s (%s)",
               dev->clone->vendor, dev->clone->name, t->chip->name, dev->clone->source);
    else
        report(l, "clone", STFLASH_CHECK_OK, NULL, "none: a genuine ST part");

    if (t->rdp_level < 0)
        report(l, "read protection", STFLASH_CHECK_SKIPPED, NULL,
               "not read for this flash controller");
    else if (t->rdp_level > 0)
        report(l, "read protection", STFLASH_CHECK_FAIL,
               "'stflash unlock' removes it: the chip then erases its whole flash",
               "level %d: the flash cannot be read, and written only after an unlock",
               t->rdp_level);
    else
        report(l, "read protection", STFLASH_CHECK_OK, NULL, "level 0 (none)");

    if (t->rdp_level < 0)
        report(l, "write protection", STFLASH_CHECK_SKIPPED, NULL,
               "not read for this flash controller");
    else if (t->wrp_mask)
        report(l, "write protection", STFLASH_CHECK_WARN,
               "'stflash options' shows the protected pages; 'stflash options --wrp none' "
               "removes the protection",
               "pages protected (groups 0x%08x, %u bytes each)", t->wrp_mask, t->wrp_group_size);
    else
        report(l, "write protection", STFLASH_CHECK_OK, NULL, "none");

    if (t->flash_size_assumed && t->flash_size_unreadable && t->rdp_level > 0)
        report(l, "flash size", STFLASH_CHECK_WARN,
               "'stflash unlock' removes the read protection (and erases the flash)",
               "the flash-size register is hidden by read protection; assuming %u KiB",
               t->flash_size / 1024u);
    else if (t->flash_size_assumed)
        report(l, "flash size", STFLASH_CHECK_WARN,
               "if the chip has another size, give it with --flash-size SIZE; verification "
               "catches a write beyond the real flash",
               "the flash-size register %s 0x%04x%s; assuming %u KiB",
               t->flash_size_unreadable ? "cannot be read, taken as" : "reads",
               t->flash_size_reg_raw,
               t->clone_name ? ", as it does on this clone" : ", which is not a plausible size",
               t->flash_size / 1024u);
    else
        report(l, "flash size", STFLASH_CHECK_OK, NULL, "%u KiB from the flash-size register",
               t->flash_size / 1024u);
}

/* An ST-LINK/V1 on USB: is the kernel's usb-storage driver kept off it? Its SCSI commands,
 * which the V1 answers badly, can hang the probe's firmware; opening the probe detaches the
 * driver, but the quirk keeps it from binding at all. */
static void check_v1_storage(struct ladder *l, struct stflash_ctx *ctx,
                             const struct stflash_probe_info *probe)
{
    bool claimed = false;
    if (usb_v1_storage_claimed(ctx, probe->serial, &claimed) != STFLASH_OK) {
        report(l, "usb-storage", STFLASH_CHECK_SKIPPED, NULL, "cannot tell: %s",
               stflash_last_error(ctx));
        return;
    }
    int quirk = usb_v1_quirk_state();
    if (claimed)
        report(l, "usb-storage", STFLASH_CHECK_WARN, V1_QUIRK_FIX,
               "the kernel's usb-storage driver holds the ST-LINK/V1 as a disk: stflash detaches "
               "it while it uses the probe, but the kernel's SCSI commands can hang the probe's "
               "firmware");
    else if (quirk == 0)
        report(l, "usb-storage", STFLASH_CHECK_WARN, V1_QUIRK_FIX,
               "usb-storage is loaded without the quirk 483:3744:i: it takes the ST-LINK/V1 as "
               "a disk when it is plugged in again");
    else
        report(l, "usb-storage", STFLASH_CHECK_OK, NULL, "not held by usb-storage%s",
               quirk == 1 ? " (quirk 483:3744:i set)" : " (the driver is not loaded)");
}

int stflash_doctor(struct stflash_ctx *ctx, const char *selector, stflash_check_fn fn, void *user)
{
    struct ladder l = {.fn = fn, .user = user};
    struct selector sel;
    int rc = selector_parse(ctx, selector, &sel);
    if (rc != STFLASH_OK)
        return rc;
    struct stflash_probe_info probe;
    memset(&probe, 0, sizeof probe);
    if (!check_found(&l, ctx, &sel, selector, &probe))
        return l.failures;
    if (probe.pid == STLINK_PID_V1 && strcmp(probe.transport, "usb") == 0)
        check_v1_storage(&l, ctx, &probe);

    struct stflash_dev *dev = calloc(1, sizeof *dev);
    if (!dev)
        return STFLASH_ERR_NO_MEMORY;
    dev->ctx = ctx;
    rc = dev_open_transport(ctx, &sel, &probe, &dev->tr);
    if (rc != STFLASH_OK) {
        fail_and_stop(&l, "probe opened",
                      rc == STFLASH_ERR_ACCESS ? UDEV_FIX
                                               : "close other programs using the probe, or "
                                                 "unplug and replug it",
                      stflash_last_error(ctx));
        free(dev);
        return l.failures;
    }
    report(&l, "probe opened", STFLASH_CHECK_OK, NULL, "%s", dev->tr->info.location);
    rc = stlink_init(&dev->sl, dev->tr);
    if (rc != STFLASH_OK) {
        fail_and_stop(&l, "probe firmware", "unplug and replug the probe; update its firmware",
                      stflash_last_error(ctx));
    } else {
        dbg_stlink_init(&dev->dbg, &dev->sl);
        if (check_firmware(&l, dev) && check_voltage(&l, dev) && check_link(&l, dev)) {
            check_core(&l, dev);
            if (!l.stopped)
                check_target(&l, dev);
        }
    }
    stflash_close(dev);
    return l.failures;
}
