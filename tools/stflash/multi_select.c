/*
 * Selectors that name several probes: "all" (every probe on USB and behind the stlink-server on
 * 127.0.0.1:7184), "usb:*", "tcp:[HOST][:PORT]/\*" (every probe of one server) and lists of
 * selectors separated by commas. A sim selector's own options follow commas too: inside one, a
 * comma starts the next selector only when what follows begins with a selector kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multi.h"

#define MAX_ELEMENTS MULTI_MAX_BOARDS

static bool starts_kind(const char *s)
{
    static const char *const kinds[] = {"tcp:", "usb:", "sim:", "sim,", "all"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(s, kinds[i], strlen(kinds[i])) == 0)
            return true;
    return strcmp(s, "tcp") == 0 || strcmp(s, "usb") == 0 || strcmp(s, "sim") == 0;
}

static bool is_sim(const char *s)
{
    return strncmp(s, "sim", 3) == 0 && (s[3] == '\0' || s[3] == ':' || s[3] == ',');
}

/* Splits text into elements (copies in buf, pointers in elems); -1 when there are too many. */
static int split(const char *text, char *buf, size_t cap, const char **elems, size_t *n)
{
    snprintf(buf, cap, "%s", text);
    *n = 0;
    char *start = buf;
    for (char *p = buf;; p++) {
        if (*p != ',' && *p != '\0')
            continue;
        if (*p == ',' && is_sim(start) && !starts_kind(p + 1))
            continue; /* one of the sim selector's options */
        bool end = *p == '\0';
        *p = '\0';
        if (*n == MAX_ELEMENTS)
            return -1;
        elems[(*n)++] = start;
        if (end)
            return 0;
        start = p + 1;
    }
}

static bool every_of_server(const char *e)
{
    size_t n = strlen(e);
    return strncmp(e, "tcp", 3) == 0 && n >= 2 && strcmp(e + n - 2, "/*") == 0;
}

static bool every_on_usb(const char *e)
{
    return strcmp(e, "usb:*") == 0;
}

bool multi_selector_is_multi(const char *text)
{
    if (!text || !*text)
        return false;
    char buf[1024];
    const char *elems[MAX_ELEMENTS];
    size_t n = 0;
    if (split(text, buf, sizeof buf, elems, &n) != 0 || n > 1)
        return true;
    return strcmp(elems[0], "all") == 0 || every_of_server(elems[0]) || every_on_usb(elems[0]);
}

int multi_check_selector(const char *text)
{
    char buf[1024];
    const char *elems[MAX_ELEMENTS];
    size_t n = 0;
    if (strlen(text) >= sizeof buf || split(text, buf, sizeof buf, elems, &n) != 0) {
        out_error("probe list '%.60s...' is too long: name at most %d probes, or use 'all'", text,
                  MAX_ELEMENTS);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < n; i++) {
        if (!*elems[i]) {
            out_error("empty element in probe list '%s': separate selectors with single commas",
                      text);
            return EXIT_USAGE;
        }
        if (strcmp(elems[i], "all") == 0 || every_on_usb(elems[i]))
            continue;
        char one[MULTI_SELECTOR_LEN];
        snprintf(one, sizeof one, "%s", elems[i]);
        if (every_of_server(one))
            one[strlen(one) - 2] = '\0'; /* the server part alone */
        if (check_selector(one))
            return EXIT_USAGE;
    }
    return EXIT_OK;
}

struct expand {
    struct multi_board *boards;
    size_t cap, count;
    bool overflow;
};

static void add(struct expand *x, const char *selector, const char *serial)
{
    for (size_t i = 0; i < x->count; i++)
        if (strcmp(x->boards[i].selector, selector) == 0)
            return; /* named twice: one job per probe */
    if (x->count == x->cap) {
        x->overflow = true;
        return;
    }
    struct multi_board *b = &x->boards[x->count];
    memset(b, 0, sizeof *b);
    b->index = (int)x->count;
    snprintf(b->selector, sizeof b->selector, "%s", selector);
    snprintf(b->probe_serial, sizeof b->probe_serial, "%s", serial);
    x->count++;
}

/* Every probe the library lists for `list_selector`; each becomes prefix + its serial. Returns
 * the library error (0 when listed). */
static int add_listed(struct stflash_ctx *ctx, struct expand *x, const char *list_selector,
                      const char *prefix)
{
    struct stflash_probe_info *found = NULL;
    size_t n = 0;
    int rc = stflash_probe_list(ctx, list_selector, &found, &n);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        char sel[MULTI_SELECTOR_LEN];
        snprintf(sel, sizeof sel, "%s%s", prefix, found[i].serial);
        add(x, sel, found[i].serial);
    }
    stflash_probe_list_free(found);
    return 0;
}

int multi_expand(struct cli *cli, const char *text, struct multi_board *boards, size_t cap,
                 size_t *count)
{
    struct stflash_ctx *ctx = cli->ctx;
    char buf[1024];
    const char *elems[MAX_ELEMENTS];
    size_t n = 0;
    if (split(text, buf, sizeof buf, elems, &n) != 0)
        return EXIT_USAGE;
    struct expand x = {boards, cap, 0, false};
    for (size_t i = 0; i < n; i++) {
        const char *e = elems[i];
        if (strcmp(e, "all") == 0) {
            /* Where nothing answers (no USB subsystem, no server running) there is no probe. */
            if (add_listed(ctx, &x, "usb:", "usb:") != 0)
                out_note(cli, "no USB probes: %s", stflash_last_error(ctx));
            if (add_listed(ctx, &x, "tcp:", "tcp:/") != 0)
                out_note(cli, "no stlink-server probes: %s", stflash_last_error(ctx));
        } else if (every_on_usb(e)) {
            if (add_listed(ctx, &x, "usb:", "usb:") != 0) {
                out_error("cannot list the probes on USB: %s", stflash_last_error(ctx));
                return EXIT_NO_PROBE;
            }
        } else if (every_of_server(e)) {
            char server[MULTI_SELECTOR_LEN], prefix[MULTI_SELECTOR_LEN + 2];
            snprintf(server, sizeof server, "%.*s", (int)(strlen(e) - 2), e);
            snprintf(prefix, sizeof prefix, "%s/", strcmp(server, "tcp") == 0 ? "tcp:" : server);
            if (add_listed(ctx, &x, server, prefix) != 0) {
                out_error("cannot list the probes of '%s': %s", e, stflash_last_error(ctx));
                return EXIT_NO_PROBE;
            }
        } else {
            const char *slash = strncmp(e, "tcp", 3) == 0 ? strrchr(e, '/') : NULL;
            const char *serial = slash ? slash + 1 : strncmp(e, "usb:", 4) == 0 ? e + 4 : e;
            add(&x, e, is_sim(e) ? "" : serial);
        }
    }
    if (x.overflow) {
        out_error("more than %d probes: program them in several runs", MULTI_MAX_BOARDS);
        return EXIT_USAGE;
    }
    if (x.count == 0) {
        out_error("no probe found for '%s': check the cables and that the stlink-server (or "
                  "stflash-sim) is running; list them with 'stflash probe'",
                  text);
        return EXIT_NO_PROBE;
    }
    *count = x.count;
    return EXIT_OK;
}
