/* A change of the option bytes as `stflash options` takes it (--rdp, --wrp, ...): parsed once
 * from the command line, checked against what a chip has, and laid over what it holds. The
 * options command uses it for one board, the production path (multi.c) for each of several. */
#ifndef STFLASH_CLI_OPTIONS_CHANGE_H
#define STFLASH_CLI_OPTIONS_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* The option ids of `stflash options` (its spec table is in cmd_protect.c). */
enum {
    OPT_RDP = 1,
    OPT_WRP,
    OPT_WDG_SW,
    OPT_NRST_STOP,
    OPT_NRST_STDBY,
    OPT_DATA0,
    OPT_DATA1,
    OPT_ALLOW_WP,
    OPT_PERMANENT_RDP2,
    OPT_DUAL_BANK,
    OPT_ALLOW_RP,
    OPT_NDBANK,
    OPT_NDBOOT,
    OPT_BOOT_ADD0,
    OPT_BOOT_ADD1,
    OPT_TZEN,
    OPT_ALLOW_TZ,
    OPT_PRODUCT_STATE,
    OPT_ALLOW_PS,
    OPT_SWAP_BANK,
};

struct options_change {
    bool change;      /* at least one option is to change */
    unsigned permits; /* STFLASH_PERMIT_* from the consent flags */
    const struct cmdline *cl;
    uint32_t rdp, wrp, wdg, stop, stdby, d0, d1, ndbank, ndboot, boot0, boot1, tzen, dual, pstate,
        swap;
};

/* Parses the changes of cl (messages printed): EXIT_OK, EXIT_USAGE, or EXIT_PROTECTED for level 2
 * without --permanent-rdp2. */
int options_change_parse(const struct cmdline *cl, struct options_change *c);

/* Whether the chip holding o (named chip) has every option the change names; why not in why. */
bool options_change_fits(const struct options_change *c, const struct stflash_options *o,
                         const char *chip, char *why, size_t cap);

/* o with the change laid over it. */
void options_change_apply(const struct options_change *c, struct stflash_options *o);

/* The H5 product state's name, or "not a product state". */
const char *options_product_state_name(uint8_t ps);

#endif
