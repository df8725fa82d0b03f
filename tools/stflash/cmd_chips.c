/* chips: the chip table (include/stflash/chip.h), what stflash knows of each part, no probe. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
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
}

static void print_json(void)
{
    printf("{\"chips\": [");
    for (size_t i = 0; stflash_chip_at(i); i++) {
        const struct stflash_chip_info *c = stflash_chip_at(i);
        printf("%s\n  {\"dev_id\": %u, \"name\": ", i ? "," : "", c->dev_id);
        json_str(c->name);
        printf(", \"family\": ");
        json_str(stflash_family_name(c->family));
        printf(", \"parts\": ");
        json_str(c->parts ? c->parts : "");
        printf(", \"core\": ");
        json_str(stflash_core_name(c->core));
        printf(", \"flash_controller\": ");
        json_str(stflash_flash_ctrl_name(c->flash_ctrl));
        printf(", \"flash_base\": %u, \"flash_size_max\": %u, \"banks\": %u, "
               "\"page_size\": %u, \"sram_base\": %u, \"sram_size\": %u, "
               "\"erased_value\": %u, \"program_unit\": %u, \"programmable\": %s}",
               c->flash_base, c->flash_size_max, c->geom.banks, c->geom.page_size, c->sram_base,
               c->sram_size, c->erased_value, c->program_unit,
               stflash_chip_can_program(c) ? "true" : "false");
    }
    printf("\n]}\n");
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
    if (cmd_has_opt(&cl, OPT_NAMES)) {
        print_names();
        session_done(cli);
        return EXIT_OK;
    }
    if (cli->json) {
        print_json();
        session_done(cli);
        return EXIT_OK;
    }
    printf("%-6s %-9s %-10s %-8s %-8s %-5s %-35s %s\n", "DEV_ID", "FAMILY", "CORE", "FLASH",
           "SRAM", "WRITE", "ERASE UNITS", "PARTS");
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
