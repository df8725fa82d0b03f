/*
 * Part names of the chip table: each row's `parts` text ("F101/F102/F103 x8/xB",
 * "F030x4/x6, F031x4/x6", "L062/L063x8") spelled out as "STM32F101x8", ..., and the lookup of
 * a name given by a user (--chip), where the table's 'x' stands for any package letter.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "stflash/chip.h"
#include "stflash/error.h"

#define MAX_NAME 32

/* Walks the names of one row: calls fn(name, user) for each; stops when fn returns nonzero. */
static int each_name(const struct stflash_chip_info *chip, int (*fn)(const char *, void *),
                     void *user)
{
    const char *p = chip->parts;
    if (!p)
        return 0;
    while (*p) {
        /* One comma group: "BASE[xS][/BASE[xS]|/xS]... [xS/xS...]". */
        char group[96];
        size_t n = strcspn(p, ",");
        snprintf(group, sizeof group, "%.*s", (int)(n < sizeof group ? n : sizeof group - 1), p);
        p += n;
        if (*p == ',')
            p++;
        while (*p == ' ')
            p++;
        char *sp = strchr(group, ' ');
        const char *shared = NULL; /* sizes after the space apply to every base without one */
        if (sp) {
            *sp = '\0';
            shared = sp + 1;
        }
        if (!isupper((unsigned char)group[0]))
            continue; /* "some xC/xCA", "xD-X": remarks, not part numbers */
        char bases[8][MAX_NAME];
        char sizes[8][64];
        size_t nb = 0;
        for (char *item = strtok(group, "/"); item; item = strtok(NULL, "/")) {
            if (item[0] == 'x' && nb) {
                size_t len = strlen(sizes[nb - 1]);
                snprintf(sizes[nb - 1] + len, sizeof sizes[0] - len, "/%s", item);
                continue;
            }
            if (nb == 8)
                break;
            char *x = strchr(item + 1, 'x');
            snprintf(sizes[nb], sizeof sizes[0], "%s", x ? x : "");
            if (x)
                *x = '\0';
            snprintf(bases[nb], sizeof bases[0], "%s", item);
            nb++;
        }
        const char *last_sizes = shared ? shared : "";
        for (size_t i = nb; i-- > 0;) /* "L062/L063x8": L062 takes L063's sizes */
            if (sizes[i][0])
                last_sizes = sizes[i];
            else if (!shared)
                snprintf(sizes[i], sizeof sizes[0], "%s", last_sizes);
        for (size_t i = 0; i < nb; i++) {
            const char *s = sizes[i][0] ? sizes[i] : (shared ? shared : "");
            char name[72];
            if (!*s) {
                snprintf(name, sizeof name, "STM32%.20s", bases[i]);
                if (fn(name, user))
                    return 1;
                continue;
            }
            char list[64];
            size_t len = strlen(s) < sizeof list ? strlen(s) : sizeof list - 1;
            memcpy(list, s, len);
            list[len] = '\0';
            char *save = NULL;
            for (char *z = strtok_r(list, "/", &save); z; z = strtok_r(NULL, "/", &save)) {
                snprintf(name, sizeof name, "STM32%.20s%.40s", bases[i], z);
                if (fn(name, user))
                    return 1;
            }
        }
    }
    return 0;
}

struct nth {
    size_t want, seen;
    char *buf;
    size_t cap;
};

static int take_nth(const char *name, void *user)
{
    struct nth *n = user;
    if (n->seen++ != n->want)
        return 0;
    snprintf(n->buf, n->cap, "%s", name);
    return 1;
}

int stflash_chip_part_name(const struct stflash_chip_info *chip, size_t i, char *buf, size_t cap)
{
    struct nth n = {i, 0, buf, cap};
    return each_name(chip, take_nth, &n);
}

/* 1 when the table name (its 'x' a wildcard) and the user's name agree over the shorter of the
 * two: "STM32F103C8T6" matches "STM32F103x8", "F407" matches "STM32F407". */
static int names_agree(const char *table, const char *given)
{
    for (; *table && *given; table++, given++)
        if (*table != 'x' && toupper((unsigned char)*table) != toupper((unsigned char)*given))
            return 0;
    return 1;
}

struct match {
    char given[MAX_NAME + 8];
    const struct stflash_chip_info *chip, *found, *other;
};

static int try_name(const char *name, void *user)
{
    struct match *m = user;
    if (!names_agree(name, m->given))
        return 0;
    if (!m->found)
        m->found = m->chip;
    else if (m->found != m->chip && !m->other)
        m->other = m->chip;
    return 1; /* one match per row is enough */
}

int stflash_chip_lookup(const char *name, const struct stflash_chip_info **out,
                        const struct stflash_chip_info **other)
{
    struct match m = {0};
    *out = NULL;
    if (other)
        *other = NULL;
    if (!name || !*name)
        return STFLASH_ERR_INVALID_ARG;
    /* "F103C8", "stm32f103c8": compared after "STM32". */
    if (strncasecmp(name, "STM32", 5) != 0)
        snprintf(m.given, sizeof m.given, "STM32%s", name);
    else
        snprintf(m.given, sizeof m.given, "%s", name);
    if (strlen(m.given) <= 6) /* "STM32F" alone names nothing */
        return STFLASH_ERR_NOT_FOUND;
    for (size_t i = 0; stflash_chip_at(i); i++) {
        m.chip = stflash_chip_at(i);
        each_name(m.chip, try_name, &m);
    }
    if (!m.found)
        return STFLASH_ERR_NOT_FOUND;
    if (m.other) {
        if (other)
            *other = m.other;
        return STFLASH_ERR_INVALID_ARG;
    }
    *out = m.found;
    return STFLASH_OK;
}
