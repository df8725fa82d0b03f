/* --chip NAME: a part name of the chip table (src/chips/names.c) to use instead of detection. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* Up to 6 table names that share the longest prefix with the given one, as "A, B, C". */
static void near_names(const char *given, char *buf, size_t cap)
{
    char want[48];
    snprintf(want, sizeof want, "%s%s", strncasecmp(given, "STM32", 5) ? "STM32" : "", given);
    buf[0] = '\0';
    for (size_t len = strlen(want); len > 6 && !buf[0]; len--) {
        size_t used = 0, shown = 0;
        for (size_t i = 0; stflash_chip_at(i) && shown < 6; i++) {
            char name[48];
            for (size_t k = 0;
                 stflash_chip_part_name(stflash_chip_at(i), k, name, sizeof name) && shown < 6;
                 k++) {
                if (strncasecmp(name, want, len) != 0)
                    continue;
                int n = snprintf(buf + used, cap - used, "%s%s", shown ? ", " : "", name);
                if (n < 0 || (size_t)n >= cap - used)
                    return;
                used += (size_t)n;
                shown++;
            }
        }
    }
}

int parse_chip(const char *text, struct cli *cli)
{
    const struct stflash_chip_info *other = NULL;
    int rc = stflash_chip_lookup(text, &cli->chip, &other);
    if (rc == STFLASH_OK)
        return EXIT_OK;
    if (rc == STFLASH_ERR_NOT_FOUND && stflash_clone_lookup(text, &cli->clone) == STFLASH_OK)
        return EXIT_OK;
    if (rc == STFLASH_ERR_INVALID_ARG && other) {
        char near[320];
        near_names(text, near, sizeof near);
        out_error("chip name '%s' fits several rows of the chip table (%s among them): give "
                  "the part number, e.g. one of %s; 'stflash chips --names' lists them",
                  text, other->name, near);
        return EXIT_USAGE;
    }
    char near[320];
    near_names(text, near, sizeof near);
    if (near[0])
        out_error("unknown chip '%s': near matches are %s; 'stflash chips --names' lists them all",
                  text, near);
    else
        out_error("unknown chip '%s': give a part number such as STM32F103C8; 'stflash chips "
                  "--names' lists them all",
                  text);
    return EXIT_USAGE;
}
