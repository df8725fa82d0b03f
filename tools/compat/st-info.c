/*
 * stflash-st-info: the st-info command of stlink-tools 1.7.0 (same arguments, same output), on
 * the stflash library. The probe is the one of $STFLASH_PROBE (any stflash selector), else the
 * only ST-LINK on USB. Targets are only looked at: no halt, no reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

static const char *prog = "st-info";

static void usage(void)
{
    puts("st-info --version");
    puts("st-info --probe [--connect-under-reset] [--hot-plug] [--freq=<KHz>]");
    puts("st-info --serial");
    puts("st-info --flash  [--connect-under-reset] [--hot-plug] [--freq=<KHz>]");
    puts("st-info --pagesize  [--connect-under-reset] [--hot-plug] [--freq=<KHz>]");
    puts("st-info --sram  [--connect-under-reset] [--hot-plug] [--freq=<KHz>]");
    puts("st-info --chipid  [--connect-under-reset] [--hot-plug] [--freq=<KHz>]");
    puts("st-info --descr  [--connect-under-reset] [--hot-plug] [--freq=<KHz>]");
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

struct options {
    enum stflash_connect connect;
    uint32_t khz;
};

/* The selector naming exactly one listed probe. */
static void exact_selector(const struct compat *c, const struct stflash_probe_info *p, char *buf,
                           size_t cap)
{
    if (strcmp(p->transport, "sim") == 0 || !p->serial[0])
        snprintf(buf, cap, "%s", c->have_selector ? c->selector : "");
    else if (strcmp(p->transport, "tcp") == 0)
        snprintf(buf, cap, "tcp:%s/%s", p->location, p->serial);
    else
        snprintf(buf, cap, "usb:%s", p->serial);
}

static void print_block(const char *version, const char *serial, const struct compat_target *t)
{
    if (version)
        printf("  version:    %s\n", version);
    printf("  serial:     %s\n", serial);
    printf("  flash:      %u (pagesize: %u)\n", t->flash_size, t->page_size);
    printf("  sram:       %u\n", t->sram_size);
    printf("  chipid:     0x%.4x\n", t->chip_id);
    if (!t->ok)
        printf("  descr:      unknown device\n");
    else if (t->descr)
        printf("  descr:      %s\n", t->descr);
}

static int do_probe(struct compat *c, const struct options *o)
{
    struct stflash_probe_info *list = NULL;
    size_t n = 0;
    int rc = stflash_probe_list(c->ctx, c->have_selector ? c->selector : NULL, &list, &n);
    if (rc != 0) {
        compat_log_failure(c, rc);
        return COMPAT_EXIT_FAIL;
    }
    /* Only the probes that can be opened count, as with stlink-tools. */
    size_t usable = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i].status == STFLASH_OK)
            usable++;
        else
            compat_log(CL_WARN, "usb.c", "ST-Link %s cannot be opened: %s", list[i].serial,
                       list[i].status_text[0] ? list[i].status_text
                                              : stflash_strerror(list[i].status));
    }
    printf("Found %zu stlink programmers\n", usable);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct stflash_probe_info *p = &list[i];
        if (p->status != STFLASH_OK)
            continue;
        if (usable > 1)
            printf("%zu.\n", ++k);
        char sel[320];
        exact_selector(c, p, sel, sizeof sel);
        struct stflash_open_options oo;
        memset(&oo, 0, sizeof oo);
        oo.selector = sel;
        oo.swd_khz = o->khz;
        oo.connect = o->connect;
        struct stflash_dev *dev = NULL;
        struct compat_target t;
        memset(&t, 0, sizeof t);
        char version[32];
        const char *v = NULL;
        if (stflash_open(c->ctx, &oo, &dev) == 0) {
            struct stflash_probe_details d;
            if (stflash_probe_details(dev, &d) == 0) {
                compat_version(&d, version, sizeof version);
                v = version;
            }
            compat_describe(dev, &t);
        } else {
            /* Listed with zeros, as stlink-tools does when the target does not answer. */
            compat_log(CL_WARN, "stflash", "%s: %s", p->serial, stflash_last_error(c->ctx));
        }
        stflash_close(dev);
        print_block(v, p->serial, &t);
    }
    stflash_probe_list_free(list);
    return 0;
}

/*
 * The probe st-info looks at. stlink-tools takes the last ST-LINK it enumerates when several are
 * attached; so does this front-end (st-info changes nothing), with a warning naming the choice.
 * Returns 0 and the probe's serial and exact selector, or -1 after logging why.
 */
static int pick_probe(struct compat *c, char *serial, size_t serial_cap, char *sel, size_t sel_cap)
{
    struct stflash_probe_info *list = NULL;
    size_t n = 0;
    int rc = stflash_probe_list(c->ctx, c->have_selector ? c->selector : NULL, &list, &n);
    if (rc != 0) {
        compat_log_failure(c, rc);
        return -1;
    }
    const struct stflash_probe_info *p = NULL;
    for (size_t i = 0; i < n; i++)
        if (list[i].status == STFLASH_OK)
            p = &list[i];
    if (!p) {
        /* st-info says nothing then; the explanation is ours. */
        if (n == 0)
            compat_log(CL_ERROR, "stflash",
                       "no ST-LINK found%s%s: check the USB cable (some are charge-only) and that "
                       "the probe's LED is lit",
                       c->have_selector ? " for STFLASH_PROBE=" : "",
                       c->have_selector ? c->selector : "");
        for (size_t i = 0; i < n; i++)
            compat_log(CL_ERROR, "stflash", "ST-Link %s cannot be opened: %s", list[i].serial,
                       list[i].status_text[0] ? list[i].status_text
                                              : stflash_strerror(list[i].status));
        stflash_probe_list_free(list);
        return -1;
    }
    if (n > 1)
        compat_log(CL_WARN, "stflash",
                   "%zu ST-LINK probes are attached, using the last one (%s): choose with "
                   "STFLASH_PROBE=SERIAL",
                   n, p->serial);
    snprintf(serial, serial_cap, "%s", p->serial);
    exact_selector(c, p, sel, sel_cap);
    stflash_probe_list_free(list);
    return 0;
}

static int do_serial(struct compat *c)
{
    char serial[64], sel[320];
    if (pick_probe(c, serial, sizeof serial, sel, sizeof sel) != 0)
        return COMPAT_EXIT_FAIL;
    printf("%s\n", serial);
    return 0;
}

static int do_target(struct compat *c, const struct options *o, const char *what)
{
    char serial[64], sel[sizeof c->selector];
    /* Into a buffer of its own: the exact selector may be made from c->selector. */
    if (pick_probe(c, serial, sizeof serial, sel, sizeof sel) != 0)
        return COMPAT_EXIT_FAIL;
    memcpy(c->selector, sel, sizeof sel);
    c->have_selector = true;
    struct stflash_dev *dev = NULL;
    int rc = compat_open(c, o->connect, o->khz, 0, false, &dev);
    if (rc != 0)
        return COMPAT_EXIT_FAIL;
    struct compat_target t;
    compat_describe(dev, &t);
    int status = 0;
    if (strcmp(what, "--flash") == 0)
        printf("0x%x\n", t.flash_size);
    else if (strcmp(what, "--pagesize") == 0)
        printf("0x%x\n", t.page_size);
    else if (strcmp(what, "--sram") == 0)
        printf("0x%x\n", t.sram_size);
    else if (strcmp(what, "--chipid") == 0)
        printf("0x%.4x\n", t.chip_id);
    else if (t.descr)
        printf("%s\n", t.descr);
    else {
        compat_log(CL_ERROR, "stflash", "DEV_ID 0x%03x is not a part stlink-tools 1.7.0 describes",
                   t.chip_id);
        status = COMPAT_EXIT_FAIL;
    }
    stflash_close(dev);
    return status;
}

int main(int argc, char **argv)
{
    prog = base_name(argv[0]);
    if (argc < 2) {
        usage();
        return COMPAT_EXIT_FAIL;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("v%s\n", COMPAT_ST_VERSION);
        return 0;
    }
    static const char *const commands[] = {"--probe", "--serial", "--flash", "--pagesize",
                                           "--sram",  "--chipid", "--descr"};
    bool known = false;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        known = known || strcmp(cmd, commands[i]) == 0;
    if (!known) {
        usage();
        fprintf(stderr, "%s: unknown command '%s': give one of the commands above\n", prog, cmd);
        return COMPAT_EXIT_FAIL;
    }

    struct options o = {STFLASH_CONNECT_HOT_PLUG, 0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        bool ok = true;
        if (strcmp(a, "--connect-under-reset") == 0)
            o.connect = STFLASH_CONNECT_UNDER_RESET;
        else if (strcmp(a, "--hot-plug") == 0)
            o.connect = STFLASH_CONNECT_HOT_PLUG;
        else if (strncmp(a, "--freq=", 7) == 0)
            ok = compat_parse_freq(a + 7, &o.khz) == 0;
        else if (strcmp(a, "--freq") == 0 && i + 1 < argc)
            ok = compat_parse_freq(argv[++i], &o.khz) == 0;
        else
            ok = false;
        if (!ok) {
            printf("Incorrect argument: %s\n\n", a);
            usage();
            return COMPAT_EXIT_FAIL;
        }
    }

    struct compat c;
    if (compat_init(&c, prog, NULL, false) != 0)
        return COMPAT_EXIT_FAIL;
    int status;
    if (strcmp(cmd, "--probe") == 0)
        status = do_probe(&c, &o);
    else if (strcmp(cmd, "--serial") == 0)
        status = do_serial(&c);
    else
        status = do_target(&c, &o, cmd);
    fflush(stdout);
    compat_done(&c);
    return status;
}
