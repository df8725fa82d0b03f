/* Injected USB faults (usb_faults.h), read from the environment at the first bulk IN. */
#include "usb_faults.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parsed;
static enum usb_fault kind;
static unsigned long at, seen, csw_seen;

static void parse(void)
{
    parsed = true;
    const char *env = getenv("STFLASH_SIM_USB_FAULT");
    if (!env || !*env)
        return;
    const char *colon = strchr(env, ':');
    char *end = NULL;
    unsigned long n = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || end == colon + 1 || *end || n == 0) {
        fprintf(stderr,
                "libusb (stflash-sim): STFLASH_SIM_USB_FAULT='%s' is not stall:N, "
                "short:N, csw-tag:N, csw-sig:N or csw-phase:N (N from 1); no fault "
                "injected\n",
                env);
        return;
    }
    size_t name_len = (size_t)(colon - env);
    if (name_len == 5 && strncmp(env, "stall", 5) == 0)
        kind = USB_FAULT_STALL;
    else if (name_len == 5 && strncmp(env, "short", 5) == 0)
        kind = USB_FAULT_SHORT;
    else if (name_len == 7 && strncmp(env, "csw-tag", 7) == 0)
        kind = USB_FAULT_CSW_TAG;
    else if (name_len == 7 && strncmp(env, "csw-sig", 7) == 0)
        kind = USB_FAULT_CSW_SIGNATURE;
    else if (name_len == 9 && strncmp(env, "csw-phase", 9) == 0)
        kind = USB_FAULT_CSW_PHASE;
    else
        fprintf(stderr,
                "libusb (stflash-sim): STFLASH_SIM_USB_FAULT='%s': the kinds are stall, "
                "short, csw-tag, csw-sig and csw-phase; no fault injected\n",
                env);
    at = n;
}

enum usb_fault usb_fault_next_in(void)
{
    if (!parsed)
        parse();
    if (kind != USB_FAULT_STALL && kind != USB_FAULT_SHORT)
        return USB_FAULT_NONE;
    return ++seen == at ? kind : USB_FAULT_NONE;
}

enum usb_fault usb_fault_next_csw(void)
{
    if (!parsed)
        parse();
    if (kind != USB_FAULT_CSW_TAG && kind != USB_FAULT_CSW_SIGNATURE && kind != USB_FAULT_CSW_PHASE)
        return USB_FAULT_NONE;
    return ++csw_seen == at ? kind : USB_FAULT_NONE;
}
