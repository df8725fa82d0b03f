/* A change of the option bytes (options_change.h). */
#include <stdio.h>
#include <string.h>

#include "options_change.h"

/* A number from 0 to max. */
static int parse_small(const char *text, const char *what, uint32_t max, uint32_t *out)
{
    uint32_t v;
    if (parse_address(text, what, &v))
        return EXIT_USAGE;
    if (v > max) {
        out_error("bad %s '%s': give 0 to %u", what, text, max);
        return EXIT_USAGE;
    }
    *out = v;
    return EXIT_OK;
}

/* --wrp: none, all, or a mask of protected groups (bit n set = group n protected). */
static int parse_wrp(const char *text, uint32_t *protected_groups)
{
    if (strcmp(text, "none") == 0) {
        *protected_groups = 0;
        return EXIT_OK;
    }
    if (strcmp(text, "all") == 0) {
        *protected_groups = 0xffffffffu;
        return EXIT_OK;
    }
    uint32_t v;
    if (parse_address(text, "write-protection mask", &v))
        return EXIT_USAGE;
    *protected_groups = v;
    return EXIT_OK;
}

/* The H5's product states (RM0481 §7.6.11). */
const char *options_product_state_name(uint8_t ps)
{
    switch (ps) {
    case 0xED:
        return "open";
    case 0x17:
        return "provisioning";
    case 0x2E:
        return "iROT-provisioned";
    case 0xC6:
        return "TZ-closed";
    case 0x72:
        return "closed";
    case 0x5C:
        return "locked";
    default:
        return "not a product state";
    }
}

int options_change_parse(const struct cmdline *cl, struct options_change *c)
{
    memset(c, 0, sizeof *c);
    c->cl = cl;
    const char *v;
    int bad = 0;
    if ((v = cmd_opt_value(cl, OPT_RDP)) && !(bad = parse_small(v, "RDP level", 2, &c->rdp)))
        c->change = true;
    if (!bad && c->rdp == 2 && !cmd_has_opt(cl, OPT_PERMANENT_RDP2)) {
        out_error("read protection level 2 is permanent: the chip can never be debugged or "
                  "reprogrammed over SWD again; confirm with --permanent-rdp2");
        return EXIT_PROTECTED;
    }
    if (!bad && (v = cmd_opt_value(cl, OPT_WRP)) && !(bad = parse_wrp(v, &c->wrp)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_WDG_SW)) &&
        !(bad = parse_small(v, "WDG_SW", 1, &c->wdg)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_NRST_STOP)) &&
        !(bad = parse_small(v, "nRST_STOP", 1, &c->stop)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_NRST_STDBY)) &&
        !(bad = parse_small(v, "nRST_STDBY", 1, &c->stdby)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_DATA0)) && !(bad = parse_small(v, "data0", 255, &c->d0)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_DATA1)) && !(bad = parse_small(v, "data1", 255, &c->d1)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_NDBANK)) &&
        !(bad = parse_small(v, "nDBANK", 1, &c->ndbank)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_NDBOOT)) &&
        !(bad = parse_small(v, "nDBOOT", 1, &c->ndboot)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_BOOT_ADD0)) &&
        !(bad = parse_address(v, "boot address", &c->boot0)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_BOOT_ADD1)) &&
        !(bad = parse_address(v, "boot address", &c->boot1)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_TZEN)) && !(bad = parse_small(v, "TZEN", 1, &c->tzen)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_DUAL_BANK)) &&
        !(bad = parse_small(v, "dual-bank", 1, &c->dual)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_PRODUCT_STATE)) &&
        !(bad = parse_small(v, "product state", 255, &c->pstate)))
        c->change = true;
    if (!bad && (v = cmd_opt_value(cl, OPT_SWAP_BANK)) &&
        !(bad = parse_small(v, "SWAP_BANK", 1, &c->swap)))
        c->change = true;
    if (bad)
        return EXIT_USAGE;
    c->permits = (cmd_has_opt(cl, OPT_ALLOW_WP) ? STFLASH_PERMIT_WRITE_PROTECT : 0u) |
                 (cmd_has_opt(cl, OPT_ALLOW_RP) ? STFLASH_PERMIT_READ_PROTECT : 0u) |
                 (cmd_has_opt(cl, OPT_PERMANENT_RDP2) ? STFLASH_PERMIT_RDP_LEVEL2 : 0u) |
                 (cmd_has_opt(cl, OPT_ALLOW_TZ) ? STFLASH_PERMIT_TRUSTZONE : 0u) |
                 (cmd_has_opt(cl, OPT_ALLOW_PS) ? STFLASH_PERMIT_PRODUCT_STATE : 0u);
    return EXIT_OK;
}

bool options_change_fits(const struct options_change *c, const struct stflash_options *o,
                         const char *chip, char *why, size_t cap)
{
    if (!o->has_data && (cmd_has_opt(c->cl, OPT_DATA0) || cmd_has_opt(c->cl, OPT_DATA1))) {
        snprintf(why, cap,
                 "this chip has no user data option bytes: leave out --data0 and --data1");
        return false;
    }
    if (!o->has_ndbank && (cmd_has_opt(c->cl, OPT_NDBANK) || cmd_has_opt(c->cl, OPT_NDBOOT))) {
        snprintf(why, cap,
                 "this chip has no nDBANK/nDBOOT option bits (only the STM32F76x/F77x): leave "
                 "out --ndbank and --ndboot");
        return false;
    }
    if (!o->has_boot_add &&
        (cmd_has_opt(c->cl, OPT_BOOT_ADD0) || cmd_has_opt(c->cl, OPT_BOOT_ADD1))) {
        snprintf(why, cap,
                 "this chip has no boot address option bytes (only the STM32F7 and H7): "
                 "leave out --boot-add0 and --boot-add1");
        return false;
    }
    if (!o->has_trustzone && cmd_has_opt(c->cl, OPT_TZEN)) {
        snprintf(why, cap, "this chip has no TrustZone option (TZEN): leave out --tzen");
        return false;
    }
    if (!o->has_dual_bank && cmd_has_opt(c->cl, OPT_DUAL_BANK)) {
        snprintf(why, cap, "the %s has no dual-bank option bit: leave out --dual-bank", chip);
        return false;
    }
    if (!o->has_product_state && cmd_has_opt(c->cl, OPT_PRODUCT_STATE)) {
        snprintf(why, cap,
                 "the %s has no product state (only the STM32H5): leave out --product-state; "
                 "its read protection is --rdp",
                 chip);
        return false;
    }
    if (o->has_product_state && cmd_has_opt(c->cl, OPT_PRODUCT_STATE) &&
        !strcmp(options_product_state_name((uint8_t)c->pstate), "not a product state")) {
        snprintf(why, cap,
                 "0x%02x is no product state of the %s: give open 0xED, provisioning 0x17, "
                 "iROT-provisioned 0x2E, TZ-closed 0xC6, closed 0x72 or locked 0x5C (RM0481 "
                 "§7.6.11)",
                 c->pstate, chip);
        return false;
    }
    if (!o->has_swap_bank && cmd_has_opt(c->cl, OPT_SWAP_BANK)) {
        snprintf(
            why, cap,
            "the %s has no SWAP_BANK option bit (H5, H7, U5 with two banks): leave out --swap-bank",
            chip);
        return false;
    }
    return true;
}

void options_change_apply(const struct options_change *c, struct stflash_options *n)
{
    const struct cmdline *cl = c->cl;
    if (cmd_has_opt(cl, OPT_PRODUCT_STATE))
        n->product_state = (uint8_t)c->pstate;
    if (cmd_has_opt(cl, OPT_SWAP_BANK))
        n->swap_bank = c->swap;
    if (cmd_has_opt(cl, OPT_TZEN))
        n->tzen = c->tzen;
    if (cmd_has_opt(cl, OPT_RDP))
        n->rdp_level_stored = (int)c->rdp; /* the library stores the family's RDP byte */
    if (cmd_has_opt(cl, OPT_WRP))
        n->wrp = ~c->wrp;
    if (cmd_has_opt(cl, OPT_WDG_SW))
        n->wdg_sw = c->wdg;
    if (cmd_has_opt(cl, OPT_NRST_STOP))
        n->nrst_stop = c->stop;
    if (cmd_has_opt(cl, OPT_NRST_STDBY))
        n->nrst_stdby = c->stdby;
    if (cmd_has_opt(cl, OPT_DATA0))
        n->data0 = (uint8_t)c->d0;
    if (cmd_has_opt(cl, OPT_DATA1))
        n->data1 = (uint8_t)c->d1;
    if (cmd_has_opt(cl, OPT_NDBANK))
        n->ndbank = c->ndbank;
    if (cmd_has_opt(cl, OPT_NDBOOT))
        n->ndboot = c->ndboot;
    if (cmd_has_opt(cl, OPT_BOOT_ADD0))
        n->boot_add0 = c->boot0;
    if (cmd_has_opt(cl, OPT_BOOT_ADD1))
        n->boot_add1 = c->boot1;
    if (cmd_has_opt(cl, OPT_DUAL_BANK))
        n->dual_bank = c->dual;
}
