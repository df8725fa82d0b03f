/* options, unlock and lock: read and write protection through the option bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"
#include "options_change.h"

/* "none", or the protected groups and the flash they cover. */
static void describe_wrp(char *buf, size_t cap, uint32_t groups, uint32_t group_size,
                         uint32_t flash_base)
{
    if (groups == 0) {
        snprintf(buf, cap, "none");
        return;
    }
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < 32 && n < cap; i++) {
        if (!(groups & (1u << i)))
            continue;
        unsigned j = i;
        while (j + 1 < 32 && (groups & (1u << (j + 1))))
            j++;
        /* Without a group size each bit is a sector (F2/F4/F7: sectors differ in size). */
        const char *noun = group_size ? "group" : "sector";
        char which[32], where[48] = "";
        if (j > i)
            snprintf(which, sizeof which, "%ss %u-%u", noun, i, j);
        else
            snprintf(which, sizeof which, "%s %u", noun, i);
        if (group_size)
            snprintf(where, sizeof where, " (0x%08x..0x%08x)", flash_base + i * group_size,
                     flash_base + (j + 1) * group_size - 1);
        int w = snprintf(buf + n, cap - n, "%s%s%s", n ? ", " : "", which, where);
        if (w < 0)
            break;
        n += (size_t)w;
        i = j;
    }
}

static void options_text(const struct stflash_options *o, uint32_t flash_base)
{
    char wrp[512];
    if (o->has_product_state)
        printf("%-18s %s (PRODUCT_STATE 0x%02x), read protection level %d",
               "product state:", options_product_state_name(o->product_state), o->product_state,
               o->rdp_level);
    else if (o->rdp_half)
        printf("%-18s level 0.5 (RDP byte 0x%02x): secure side closed to the debugger",
               "read protection:", o->rdp);
    else
        printf("%-18s level %d (RDP byte 0x%02x)", "read protection:", o->rdp_level, o->rdp);
    if (o->rdp_level_stored != o->rdp_level)
        printf(", level %d after the next reset", o->rdp_level_stored);
    putchar('\n');
    describe_wrp(wrp, sizeof wrp, ~o->wrp_in_force, o->wrp_group_size, flash_base);
    printf("%-18s %s\n", "write protection:", wrp);
    if (o->wrp != o->wrp_in_force) {
        describe_wrp(wrp, sizeof wrp, ~o->wrp, o->wrp_group_size, flash_base);
        printf("%-18s %s after the next reset\n", "", wrp);
    }
    if (o->wrp_group_size)
        printf("%-18s WRP 0x%08x (bit clear = group protected), %u-byte groups\n", "", o->wrp,
               o->wrp_group_size);
    else
        printf("%-18s nWRP 0x%08x (bit clear = sector protected), one bit per sector\n", "",
               o->wrp);
    printf("%-18s %s (WDG_SW %d)\n",
           "watchdog:", o->wdg_sw ? "started by software" : "started at reset (hardware)",
           o->wdg_sw);
    printf("%-18s %d (%s)\n", "nRST_STOP:", o->nrst_stop,
           o->nrst_stop ? "no reset entering Stop" : "reset entering Stop");
    printf("%-18s %d (%s)\n", "nRST_STDBY:", o->nrst_stdby,
           o->nrst_stdby ? "no reset entering Standby" : "reset entering Standby");
    if (o->has_bor && o->has_swap_bank) /* H7: BOR_LEV counts up, 00 = off (RM0433 §4.4.2) */
        printf("%-18s %s (BOR_LEV %d%d)\n", "brown-out reset:",
               o->bor_level == 0   ? "off"
               : o->bor_level == 1 ? "level 1"
               : o->bor_level == 2 ? "level 2"
                                   : "level 3",
               (o->bor_level >> 1) & 1, o->bor_level & 1);
    else if (o->has_bor)
        printf("%-18s %s\n", "brown-out reset:",
               o->bor_level == 0   ? "off (BOR_LEV 11)"
               : o->bor_level == 1 ? "level 1 (BOR_LEV 10)"
               : o->bor_level == 2 ? "level 2 (BOR_LEV 01)"
                                   : "level 3 (BOR_LEV 00)");
    if (o->has_boot_add)
        printf("%-18s 0x%08x with BOOT0 low (BOOT_ADD0 0x%04x), 0x%08x with BOOT0 high "
               "(BOOT_ADD1 0x%04x)\n",
               "boot address:", o->boot_add0, o->boot_add0 >> o->boot_add_shift, o->boot_add1,
               o->boot_add1 >> o->boot_add_shift);
    if (o->has_swap_bank)
        printf("%-18s %d (%s)\n", "SWAP_BANK:", o->swap_bank,
               o->swap_bank ? "bank 2 at the flash base" : "bank 1 at the flash base");
    if (o->has_data)
        printf("%-18s 0x%02x 0x%02x\n", "user data:", o->data0, o->data1);
    if (o->has_ndbank) {
        printf("%-18s %s (nDBANK %d)\n", "bank layout:", o->ndbank ? "one bank" : "two banks",
               o->ndbank);
        printf("%-18s %s (nDBOOT %d)\n", "dual boot:", o->ndboot ? "off" : "on", o->ndboot);
    }
    if (o->has_trustzone)
        printf("%-18s %s (TZEN %d)\n", "TrustZone:",
               o->tzen ? "on: secure flash is written by the secure side only" : "off", o->tzen);
    if (o->has_dual_bank)
        printf("%-18s %d (%s)\n", "dual bank:", o->dual_bank,
               o->dual_bank ? "two banks" : "one bank");
    if (o->option_error)
        printf("%-18s a byte and its complement disagreed at the last reset (OPTERR)\n",
               "option error:");
}

static void options_json(const struct stflash_options *o)
{
    struct json_object *r = jout_root();
    jout_int(r, "rdp_level", o->rdp_level);
    jout_int(r, "rdp_level_stored", o->rdp_level_stored);
    jout_hex(r, "rdp", o->rdp, 2);
    jout_hex(r, "wrp", o->wrp, 8);
    jout_hex(r, "wrp_in_force", o->wrp_in_force, 8);
    jout_hex(r, "write_protected_groups", ~o->wrp_in_force, 8);
    jout_int(r, "wrp_group_size", o->wrp_group_size);
    jout_bool(r, "wdg_sw", o->wdg_sw);
    jout_bool(r, "nrst_stop", o->nrst_stop);
    jout_bool(r, "nrst_stdby", o->nrst_stdby);
    if (o->has_data) {
        jout_int(r, "data0", o->data0);
        jout_int(r, "data1", o->data1);
    }
    if (o->has_bor)
        jout_int(r, "bor_level", o->bor_level);
    if (o->has_ndbank) {
        jout_bool(r, "ndbank", o->ndbank);
        jout_bool(r, "ndboot", o->ndboot);
    }
    if (o->has_boot_add) {
        jout_hex(r, "boot_add0", o->boot_add0, 8);
        jout_hex(r, "boot_add1", o->boot_add1, 8);
    }
    if (o->has_swap_bank)
        jout_bool(r, "swap_bank", o->swap_bank);
    if (o->has_trustzone) {
        jout_bool(r, "tzen", o->tzen);
        jout_bool(r, "rdp_half", o->rdp_half);
    }
    if (o->has_dual_bank)
        jout_bool(r, "dual_bank", o->dual_bank);
    if (o->has_product_state) {
        jout_hex(r, "product_state", o->product_state, 2);
        jout_str(r, "product_state_name", options_product_state_name(o->product_state));
    }
    jout_bool(r, "option_error", o->option_error);
}

int cmd_options(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"rdp", 0, OPT_REQUIRED, OPT_RDP},
        {"wrp", 0, OPT_REQUIRED, OPT_WRP},
        {"wdg-sw", 0, OPT_REQUIRED, OPT_WDG_SW},
        {"nrst-stop", 0, OPT_REQUIRED, OPT_NRST_STOP},
        {"nrst-stdby", 0, OPT_REQUIRED, OPT_NRST_STDBY},
        {"data0", 0, OPT_REQUIRED, OPT_DATA0},
        {"data1", 0, OPT_REQUIRED, OPT_DATA1},
        {"dangerous-write-protect", 0, OPT_NONE, OPT_ALLOW_WP},
        {"allow-read-protect", 0, OPT_NONE, OPT_ALLOW_RP},
        {"permanent-rdp2", 0, OPT_NONE, OPT_PERMANENT_RDP2},
        {"ndbank", 0, OPT_REQUIRED, OPT_NDBANK},
        {"ndboot", 0, OPT_REQUIRED, OPT_NDBOOT},
        {"boot-add0", 0, OPT_REQUIRED, OPT_BOOT_ADD0},
        {"boot-add1", 0, OPT_REQUIRED, OPT_BOOT_ADD1},
        {"tzen", 0, OPT_REQUIRED, OPT_TZEN},
        {"allow-trustzone", 0, OPT_NONE, OPT_ALLOW_TZ},
        {"dual-bank", 0, OPT_REQUIRED, OPT_DUAL_BANK},
        {"product-state", 0, OPT_REQUIRED, OPT_PRODUCT_STATE},
        {"allow-product-state", 0, OPT_NONE, OPT_ALLOW_PS},
        {"swap-bank", 0, OPT_REQUIRED, OPT_SWAP_BANK},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "options", spec, argc, argv, first, &cl, 0, 0, "[OPTIONS]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;

    /* What to change, checked before the probe is opened. */
    struct options_change c;
    rc = options_change_parse(&cl, &c);
    if (rc != EXIT_OK) {
        session_done(cli);
        return rc;
    }
    bool change = c.change;

    struct stflash_dev *dev = NULL;
    rc = session_open(cli, change ? STFLASH_CONNECT_NORMAL : STFLASH_CONNECT_HOT_PLUG, false, &dev);
    struct stflash_options o;
    struct stflash_target_info t;
    if (rc == EXIT_OK) {
        int lrc = stflash_target_info(dev, &t);
        if (lrc == 0)
            lrc = stflash_options_read(dev, &o);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
    }
    char why[256];
    if (rc == EXIT_OK && change &&
        !options_change_fits(&c, &o, t.chip ? t.chip->name : "target", why, sizeof why)) {
        out_error("%s", why);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && change) {
        struct stflash_options n = o;
        options_change_apply(&c, &n);
        int lrc = stflash_options_write(dev, &n, c.permits);
        bool level2 = lrc == 0 && n.rdp_level_stored == 2;
        if (lrc == 0 && !level2)
            lrc = stflash_options_read(dev, &o);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
        else if (level2)
            out_result(cli, "read protection level 2 set: the debug port is closed for good and "
                            "the option bytes can never be changed again");
        else
            out_result(cli, "option bytes written; the target was reset to load them (it is "
                            "halted at its reset vector)");
        if (level2) {
            jout_bool(jout_root(), "changed", true);
            jout_int(jout_root(), "rdp_level_stored", 2);
            stflash_close(dev);
            session_done(cli);
            return rc;
        }
    }
    jout_bool(jout_root(), "changed", change);
    if (rc == EXIT_OK && (cli->json || !cli->quiet)) {
        if (cli->json)
            options_json(&o); /* after a change: the values the reset loaded */
        else
            options_text(&o, t.flash_base);
    }
    stflash_close(dev);
    session_done(cli);
    return rc;
}

/* Unlocking erases the whole flash: ask on a terminal, require --yes otherwise. */
static bool confirm_erase(const char *chip, bool yes)
{
    if (yes)
        return true;
    if (!isatty(STDIN_FILENO)) {
        out_error("unlock erases the whole flash: confirm with --yes (there is no terminal to "
                  "ask)");
        return false;
    }
    fprintf(stderr, "Removing read protection erases the whole flash of the %s. Continue? [y/N] ",
            chip);
    fflush(stderr);
    char answer[16];
    if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
        out_error("unlock cancelled: nothing was changed");
        return false;
    }
    return true;
}

enum { OPT_YES = 1 };

static const char *chip_name(struct stflash_dev *dev)
{
    struct stflash_target_info t;
    if (stflash_target_info(dev, &t) == 0 && t.chip)
        return t.chip->name;
    return "target";
}

int cmd_unlock(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{"yes", 'y', OPT_NONE, OPT_YES}, {NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "unlock", spec, argc, argv, first, &cl, 0, 0, "");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct stflash_dev *dev = NULL;
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, false, &dev);
    struct stflash_options o;
    if (rc == EXIT_OK) {
        int lrc = stflash_options_read(dev, &o);
        if (lrc != 0) {
            rc = fail_lib(cli, lrc, false);
        } else if (o.rdp_level == 0 && o.rdp_level_stored == 0) {
            out_result(cli, "the chip is not read protected: nothing to do (the flash is kept)");
            jout_bool(jout_root(), "was_protected", false);
            jout_bool(jout_root(), "flash_erased", false);
        } else if (!confirm_erase(chip_name(dev), cmd_has_opt(&cl, OPT_YES))) {
            rc = EXIT_USAGE;
        } else {
            out_note(cli, "removing read protection: the chip erases its whole flash");
            lrc = stflash_unlock(dev);
            if (lrc != 0)
                rc = fail_lib(cli, lrc, false);
            else
                out_result(cli, "read protection removed; the flash is erased and the target "
                                "halted at its reset vector");
            jout_bool(jout_root(), "was_protected", true);
            jout_bool(jout_root(), "flash_erased", lrc == 0);
        }
    }
    stflash_close(dev);
    session_done(cli);
    return rc;
}

int cmd_lock(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{"allow-read-protect", 0, OPT_NONE, OPT_ALLOW_RP},
                                           {NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "lock", spec, argc, argv, first, &cl, 0, 0, "--allow-read-protect");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    /* The same permit as options --rdp 1, asked before the probe is opened. */
    if (!cmd_has_opt(&cl, OPT_ALLOW_RP)) {
        out_error("lock sets read protection: the debugger is locked out of the flash and only "
                  "'stflash unlock', which erases the whole flash, removes it; confirm with "
                  "--allow-read-protect");
        session_done(cli);
        return EXIT_PROTECTED;
    }
    struct stflash_dev *dev = NULL;
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, false, &dev);
    if (rc == EXIT_OK) {
        int lrc = stflash_lock(dev);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
        else
            out_result(cli, "read protection level 1 set: the debugger can no longer read the "
                            "flash; 'stflash unlock' removes it and erases the flash");
        jout_int(jout_root(), "rdp_level", 1);
    }
    stflash_close(dev);
    session_done(cli);
    return rc;
}
