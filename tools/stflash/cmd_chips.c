/* chips: the chip table (include/stflash/chip.h), what stflash knows of each part, no probe. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "stflash/chip.h"

/* "1 KiB pages", "4x16+64+7x128 KiB sectors". */
static void describe_units(char *buf, size_t cap, const struct stflash_flash_geometry *g)
{
    if (!g->sectors[0].count) {
        char size[32];
        fmt_size(size, sizeof size, g->page_size);
        snprintf(buf, cap, "%s pages", size);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < STFLASH_CHIP_MAX_SECTOR_RUNS && g->sectors[i].count && used < cap; i++) {
        const char *sep = i ? "+" : "";
        unsigned kib = g->sectors[i].size / 1024u;
        int n = g->sectors[i].count > 1
                    ? snprintf(buf + used, cap - used, "%s%ux%u", sep, g->sectors[i].count, kib)
                    : snprintf(buf + used, cap - used, "%s%u", sep, kib);
        if (n < 0)
            return;
        used += (size_t)n;
    }
    if (used < cap)
        snprintf(buf + used, cap - used, " KiB sectors%s", g->banks > 1 ? ", 2 banks" : "");
}

/* One part name a line, for scripts and shell completion (the names --chip takes). */
static void print_names(void)
{
    for (size_t i = 0; stflash_chip_at(i); i++) {
        char name[48];
        for (size_t k = 0; stflash_chip_part_name(stflash_chip_at(i), k, name, sizeof name); k++)
            puts(name);
    }
    for (size_t i = 0; stflash_clone_part_name(i); i++) /* F1 clones (src/chips/clones.c) */
        puts(stflash_clone_part_name(i));
}

static void add_json(void)
{
    struct json_object *arr = jout_arr(jout_root(), "chips");
    for (size_t i = 0; stflash_chip_at(i); i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        struct json_object *o = jout_arr_obj(arr);
        jout_int(o, "dev_id", c->dev_id);
        jout_str(o, "name", c->name);
        jout_str(o, "family", stflash_family_name(c->family));
        jout_str(o, "parts", c->parts ? c->parts : "");
        jout_str(o, "core", stflash_core_name(c->core));
        jout_str(o, "flash_controller", stflash_flash_ctrl_name(c->flash_ctrl));
        jout_int(o, "flash_base", c->flash_base);
        jout_int(o, "flash_size_max", c->flash_size_max);
        jout_int(o, "banks", c->geom.banks);
        jout_int(o, "page_size", c->geom.page_size);
        jout_int(o, "sram_base", c->sram_base);
        jout_int(o, "sram_size", c->sram_size);
        jout_int(o, "erased_value", c->erased_value);
        jout_int(o, "program_unit", c->program_unit);
        jout_bool(o, "programmable", stflash_chip_can_program(c));
    }
}

int cmd_chips(struct cli *cli, int argc, char **argv, int first)
{
    enum { OPT_NAMES = 1 };
    static const struct opt_spec spec[] = {{"names", 0, OPT_NONE, OPT_NAMES},
                                           {NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "chips", spec, argc, argv, first, &cl, 0, 0, "[--names | --json]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    if (cmd_has_opt(&cl, OPT_NAMES) && cli->json) {
        out_error("--names prints one part name a line for scripts: give --names or --json, "
                  "not both (the --json table has every part in its \"parts\" field)");
        session_done(cli);
        return EXIT_USAGE;
    }
    if (cmd_has_opt(&cl, OPT_NAMES)) {
        print_names();
        session_done(cli);
        return EXIT_OK;
    }
    if (cli->json) {
        add_json();
        session_done(cli);
        return EXIT_OK;
    }
    if (cli->quiet) { /* -q: only errors */
        session_done(cli);
        return EXIT_OK;
    }
    printf("%-6s %-9s %-10s %-8s %-8s %-5s %-35s %s\n", "DEV_ID", "FAMILY", "CORE", "FLASH", "SRAM",
           "WRITE", "ERASE UNITS", "PARTS");
    for (size_t i = 0; stflash_chip_at(i); i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        char flash[32], sram[32], units[96];
        fmt_size(flash, sizeof flash, c->flash_size_max);
        fmt_size(sram, sizeof sram, c->sram_size);
        describe_units(units, sizeof units, &c->geom);
        printf("0x%03X  %-9s %-10s %-8s %-8s %-5s %-35s %s\n", c->dev_id,
               stflash_family_name(c->family), stflash_core_name(c->core), flash, sram,
               stflash_chip_can_program(c) ? "yes" : "no", units, c->parts ? c->parts : c->name);
    }
    printf("\nFLASH, SRAM: the largest part of each DEV_ID. WRITE no: identified, and memory,\n"
           "registers and reset work, but write and erase are not supported yet. The virtual\n"
           "board's parts: stflash-sim --list-chips.\n");
    session_done(cli);
    return EXIT_OK;
}
