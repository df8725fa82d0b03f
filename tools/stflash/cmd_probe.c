/* probe and info: what is attached, looked at without halting or resetting anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

/* The selector that names exactly this listed probe. */
static void probe_selector(const struct cli *cli, const struct stflash_probe_info *p, char *buf,
                           size_t cap)
{
    if (strcmp(p->transport, "sim") == 0 || !p->serial[0])
        snprintf(buf, cap, "%s", cli->selector ? cli->selector : "");
    else if (strcmp(p->transport, "tcp") == 0)
        snprintf(buf, cap, "tcp:%s/%s", p->location, p->serial);
    else
        snprintf(buf, cap, "usb:%s", p->serial);
}

static void target_chip_name(const struct stflash_target_info *t, char *buf, size_t cap)
{
    if (t->chip && t->clone_name)
        snprintf(buf, cap, "%s (%s clone)", t->clone_name, t->chip->name);
    else if (t->chip)
        snprintf(buf, cap, "%s", t->chip->name);
    else
        snprintf(buf, cap, "unknown part (DEV_ID 0x%03x)", t->dev_id);
}

/* Volts with two decimals as the text output shows them; null when the probe cannot tell. */
static void json_volts(struct json_object *o, double v)
{
    if (v < 0)
        jout_null(o, "target_volts");
    else
        jout_fixed(o, "target_volts", v, 2);
}

/* ---- probe ---- */

struct probe_row {
    const struct stflash_probe_info *info;
    bool opened;
    int open_rc;
    char *open_error; /* whole, however long (heap) */
    struct stflash_probe_details details;
    struct stflash_target_info target;
};

static void look_at(struct cli *cli, struct probe_row *r)
{
    char sel[320];
    probe_selector(cli, r->info, sel, sizeof sel);
    struct stflash_open_options o;
    memset(&o, 0, sizeof o);
    o.selector = sel;
    o.swd_khz = cli->swd_khz;
    o.connect = STFLASH_CONNECT_HOT_PLUG;
    o.halt = false;
    o.flash_size_override = cli->flash_size;
    o.chip_override = cli->chip;
    o.clone_override = cli->clone;
    o.allow_wireless_stack = cli->allow_wireless_stack;
    struct stflash_dev *dev = NULL;
    r->open_rc = stflash_open(cli->ctx, &o, &dev);
    if (r->open_rc == 0) {
        r->open_rc = stflash_probe_details(dev, &r->details);
        if (r->open_rc == 0)
            r->open_rc = stflash_target_info(dev, &r->target);
    }
    if (r->open_rc != 0) {
        const char *m = stflash_last_error(cli->ctx);
        r->open_error = strdup(m && *m ? m : stflash_strerror(r->open_rc));
    } else {
        r->opened = true;
    }
    stflash_close(dev);
}

static void probe_text(const struct probe_row *rows, size_t n)
{
    printf("Found %zu probe%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const struct probe_row *r = &rows[i];
        const struct stflash_probe_info *p = r->info;
        printf("\n%s  serial %s\n", p->name[0] ? p->name : "ST-LINK",
               p->serial[0] ? p->serial : "(none)");
        printf("  %-9s %04x:%04x via %s%s%s%s\n", "probe:", p->vid, p->pid, p->transport,
               p->location[0] ? " (" : "", p->location, p->location[0] ? ")" : "");
        if (p->status != STFLASH_OK) {
            printf("  %-9s cannot be opened: %s\n",
                   "status:", p->status_text[0] ? p->status_text : stflash_strerror(p->status));
            continue;
        }
        if (!r->opened) {
            printf("  %-9s %s\n", "target:", r->open_error ? r->open_error : "out of memory");
            continue;
        }
        char fw[32];
        fmt_firmware(fw, sizeof fw, &r->details);
        if (r->details.target_volts >= 0)
            printf("  %-9s %s, target voltage %.2f V\n", "firmware:", fw, r->details.target_volts);
        else
            printf("  %-9s %s\n", "firmware:", fw);
        char chip[128], flash[32], sram[32];
        target_chip_name(&r->target, chip, sizeof chip);
        fmt_size(flash, sizeof flash, r->target.flash_size);
        fmt_size(sram, sizeof sram, r->target.sram_size);
        printf("  %-9s %s, DEV_ID 0x%03x, %s flash%s, %s SRAM\n", "target:", chip, r->target.dev_id,
               flash, r->target.flash_size_assumed ? " (assumed)" : "", sram);
    }
}

/* --json: who a probe is, as "probe" and "info" both give it. */
static void probe_identity_json(struct json_object *o, const struct stflash_probe_info *p)
{
    char id[8];
    jout_str(o, "serial", p->serial);
    jout_str(o, "name", p->name);
    snprintf(id, sizeof id, "%04x", p->vid);
    jout_str(o, "vid", id);
    snprintf(id, sizeof id, "%04x", p->pid);
    jout_str(o, "pid", id);
    jout_str(o, "transport", p->transport);
    jout_str(o, "location", p->location);
}

static void probe_json(const struct probe_row *rows, size_t n)
{
    struct json_object *arr = jout_arr(jout_root(), "probes");
    for (size_t i = 0; i < n; i++) {
        const struct probe_row *r = &rows[i];
        const struct stflash_probe_info *p = r->info;
        struct json_object *o = jout_arr_obj(arr);
        probe_identity_json(o, p);
        jout_bool(o, "openable", p->status == STFLASH_OK);
        jout_str(o, "status", p->status == STFLASH_OK ? "ok" : stflash_error_name(p->status));
        jout_str(o, "error",
                 p->status == STFLASH_OK
                     ? NULL
                     : (p->status_text[0] ? p->status_text : stflash_strerror(p->status)));
        if (r->opened) {
            char fw[32], chip[128];
            fmt_firmware(fw, sizeof fw, &r->details);
            target_chip_name(&r->target, chip, sizeof chip);
            jout_str(o, "firmware", fw);
            json_volts(o, r->details.target_volts);
            struct json_object *t = jout_obj(o, "target");
            jout_str(t, "chip", chip);
            jout_hex(t, "dev_id", r->target.dev_id, 3);
            jout_hex(t, "dbgmcu_idcode", r->target.dbgmcu_idcode, 8);
            jout_int(t, "flash_size", r->target.flash_size);
            jout_bool(t, "flash_size_assumed", r->target.flash_size_assumed);
            jout_int(t, "sram_size", r->target.sram_size);
            jout_str(t, "clone", r->target.clone_name);
            jout_null(o, "target_error");
        } else {
            jout_null(o, "firmware");
            jout_null(o, "target_volts");
            jout_null(o, "target");
            jout_str(o, "target_error", p->status == STFLASH_OK ? r->open_error : NULL);
        }
    }
}

int cmd_probe(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "probe", spec, argc, argv, first, &cl, 0, 0, "");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;

    struct stflash_probe_info *list = NULL;
    size_t n = 0;
    int lrc = stflash_probe_list(cli->ctx, cli->selector, &list, &n);
    if (lrc != 0) {
        rc = fail_lib(cli, lrc, true);
        if (lrc == STFLASH_ERR_INVALID_ARG)
            rc = EXIT_USAGE;
        session_done(cli);
        return rc;
    }
    struct probe_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (!rows) {
        stflash_probe_list_free(list);
        session_done(cli);
        out_error("out of memory");
        return EXIT_FAILED;
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].info = &list[i];
        if (list[i].status == STFLASH_OK)
            look_at(cli, &rows[i]);
    }
    if (cli->json)
        probe_json(rows, n);
    else if (n && !cli->quiet) /* -q: only errors */
        probe_text(rows, n);
    fflush(stdout);
    if (n == 0) {
        out_error("no ST-LINK probe found%s%s%s", cli->selector ? " for '" : "",
                  cli->selector ? cli->selector : "", cli->selector ? "'" : "");
        out_hint("check the USB cable (some are charge-only) and that the probe's LED is lit");
        rc = EXIT_NO_PROBE;
    }
    for (size_t i = 0; i < n; i++)
        free(rows[i].open_error);
    free(rows);
    stflash_probe_list_free(list);
    session_done(cli);
    return rc;
}

/* ---- info ---- */

static void cpuid_text(uint32_t cpuid, char *buf, size_t cap)
{
    enum stflash_core core = stflash_core_from_cpuid(cpuid);
    if (cpuid == 0)
        snprintf(buf, cap, "unknown");
    else
        snprintf(buf, cap, "%s r%up%u", stflash_core_name(core), (cpuid >> 20) & 0xfu,
                 cpuid & 0xfu);
}

static void info_text(const struct cli *cli, const struct stflash_probe_details *d,
                      const struct stflash_target_info *t, int halted)
{
    const struct stflash_probe_info *p = &d->info;
    char fw[32], buf[160], size[32];
    fmt_firmware(fw, sizeof fw, d);
    printf("%-18s %s (%04x:%04x), serial %s\n", "probe:", p->name, p->vid, p->pid, p->serial);
    printf("%-18s %s%s%s\n", "location:", p->transport, p->location[0] ? " " : "", p->location);
    printf("%-18s %s, API v%u\n", "firmware:", fw, d->api_version);
    if (d->target_volts >= 0)
        printf("%-18s %.2f V\n", "target voltage:", d->target_volts);
    else
        printf("%-18s unknown\n", "target voltage:");
    if (d->swd_khz)
        printf("%-18s %u kHz\n", "SWD clock:", d->swd_khz);
    else
        printf("%-18s chosen by the probe (ST-LINK/V1)\n", "SWD clock:");

    if (t->chip) {
        printf("%-18s %s (%s)\n", "chip:", t->chip->name, t->chip->descr);
        printf("%-18s %s\n", "parts:", t->chip->parts);
        printf("%-18s %s\n", "family:", stflash_family_name(t->chip->family));
    } else {
        printf("%-18s unknown part: memory access and reset work, flash programming does not\n",
               "chip:");
    }
    printf("%-18s 0x%03x\n", "DEV_ID:", t->dev_id);
    printf("%-18s 0x%04x\n", "REV_ID:", t->rev_id);
    printf("%-18s 0x%08x\n", "DBGMCU_IDCODE:", t->dbgmcu_idcode);
    cpuid_text(t->cpuid, buf, sizeof buf);
    printf("%-18s 0x%08x (%s)\n", "CPUID:", t->cpuid, buf);
    printf("%-18s 0x%08x\n", "DP IDCODE:", t->dp_idcode);
    printf("%-18s %s\n", "clone:", t->clone_name ? t->clone_name : "none (genuine ST part)");

    fmt_size(size, sizeof size, t->flash_size);
    if (t->page_size) {
        char page[32];
        fmt_size(page, sizeof page, t->page_size);
        if (strcmp(flash_unit_noun(t), "sector") == 0)
            snprintf(buf, sizeof buf, "sectors from %s", page);
        else
            snprintf(buf, sizeof buf, "%s pages", page);
    } else {
        snprintf(buf, sizeof buf, "sectors");
    }
    printf("%-18s %s (%u bytes) at 0x%08x, %s\n", "flash:", size, t->flash_size, t->flash_base,
           buf);
    if (cli->flash_size)
        printf("%-18s given with --flash-size; the register reads 0x%04x (%u KiB)\n",
               "flash size:", t->flash_size_reg_raw, t->flash_size_reg_raw);
    else if (t->flash_size_assumed)
        printf("%-18s assumed: the flash-size register reads 0x%04x, which is implausible "
               "(override with --flash-size)\n",
               "flash size:", t->flash_size_reg_raw);
    else
        printf("%-18s from the flash-size register: 0x%04x (%u KiB)\n",
               "flash size:", t->flash_size_reg_raw, t->flash_size_reg_raw);
    if (t->flash_size_unreadable)
        printf("%-18s the flash-size register cannot be read (read protection?)\n", "");
    if (!t->flash_supported)
        printf("%-18s not supported for this part yet\n", "flash writes:");
    if (t->secure_flash_start)
        printf("%-18s from 0x%08x (FLASH_SFR.SFSA): CPU2's secure area, kept by write and "
               "erase unless --allow-wireless-stack\n",
               "wireless stack:", t->secure_flash_start);
    fmt_size(size, sizeof size, t->sram_size);
    printf("%-18s %s (%u bytes) at 0x%08x\n", "SRAM:", size, t->sram_size, t->sram_base);
    if (t->rdp_level < 0)
        printf("%-18s unknown\n", "read protection:");
    else
        printf("%-18s level %d%s\n", "read protection:", t->rdp_level,
               t->rdp_level == 1   ? " (the debugger cannot read the flash; 'stflash unlock' "
                                     "removes it and erases the flash)"
               : t->rdp_level == 2 ? " (permanent)"
                                   : "");
    if (t->wrp_mask == 0)
        printf("%-18s none\n", "write protection:");
    else if (t->wrp_group_size)
        printf("%-18s groups 0x%08x (%u-byte groups; see 'stflash options')\n",
               "write protection:", t->wrp_mask, t->wrp_group_size);
    else
        printf("%-18s groups 0x%08x\n", "write protection:", t->wrp_mask);
    printf("%-18s %s\n", "core:", halted < 0 ? "unknown" : halted ? "halted" : "running");
}

static void info_json(const struct cli *cli, const struct stflash_probe_details *d,
                      const struct stflash_target_info *t, int halted)
{
    const struct stflash_probe_info *p = &d->info;
    char fw[32];
    fmt_firmware(fw, sizeof fw, d);
    struct json_object *o = jout_obj(jout_root(), "probe");
    probe_identity_json(o, p);
    jout_str(o, "firmware", fw);
    jout_int(o, "hw_version", d->hw_version);
    jout_int(o, "jtag_version", d->jtag_version);
    jout_int(o, "swim_version", d->swim_version);
    jout_int(o, "msd_version", d->msd_version);
    jout_int(o, "api_version", d->api_version);
    json_volts(o, d->target_volts);
    jout_int(o, "swd_khz", d->swd_khz);

    o = jout_obj(jout_root(), "target");
    jout_str(o, "chip", t->chip ? t->chip->name : NULL);
    jout_str(o, "description", t->chip ? t->chip->descr : NULL);
    jout_str(o, "parts", t->chip ? t->chip->parts : NULL);
    jout_str(o, "family", t->chip ? stflash_family_name(t->chip->family) : NULL);
    jout_str(o, "core", stflash_core_name(stflash_core_from_cpuid(t->cpuid)));
    jout_hex(o, "dev_id", t->dev_id, 3);
    jout_hex(o, "rev_id", t->rev_id, 4);
    jout_hex(o, "dbgmcu_idcode", t->dbgmcu_idcode, 8);
    jout_hex(o, "cpuid", t->cpuid, 8);
    jout_hex(o, "dp_idcode", t->dp_idcode, 8);
    jout_str(o, "clone", t->clone_name);
    jout_int(o, "flash_base", t->flash_base);
    jout_int(o, "flash_size", t->flash_size);
    jout_bool(o, "flash_size_assumed", t->flash_size_assumed);
    jout_bool(o, "flash_size_overridden", cli->flash_size != 0);
    jout_int(o, "flash_size_register", t->flash_size_reg_raw);
    jout_int(o, "page_size", t->page_size);
    jout_bool(o, "flash_supported", t->flash_supported);
    jout_int(o, "sram_base", t->sram_base);
    jout_int(o, "sram_size", t->sram_size);
    jout_bool(o, "flash_size_unreadable", t->flash_size_unreadable);
    jout_int(o, "rdp_level", t->rdp_level);
    jout_hex(o, "write_protected_groups", t->wrp_mask, 8);
    jout_int(o, "wrp_group_size", t->wrp_group_size);
    jout_int(o, "secure_flash_start", t->secure_flash_start);
    if (halted < 0)
        jout_null(o, "halted");
    else
        jout_bool(o, "halted", halted);
}

int cmd_info(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "info", spec, argc, argv, first, &cl, 0, 0, "");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct stflash_dev *dev = NULL;
    /* Only looked at: hot-plug unless another mode was asked for, never halted. */
    rc = session_open(cli, STFLASH_CONNECT_HOT_PLUG, false, &dev);
    if (rc == EXIT_OK) {
        struct stflash_probe_details d;
        struct stflash_target_info t;
        int lrc = stflash_probe_details(dev, &d);
        if (lrc == 0)
            lrc = stflash_target_info(dev, &t);
        if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else {
            bool h = false;
            int halted = stflash_is_halted(dev, &h) == 0 ? (int)h : -1;
            if (cli->json)
                info_json(cli, &d, &t, halted);
            else if (!cli->quiet) /* -q: only errors */
                info_text(cli, &d, &t, halted);
        }
    }
    stflash_close(dev);
    session_done(cli);
    return rc;
}
