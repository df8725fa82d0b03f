#include "board_options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stlink/stlink_proto.h"

void sim_board_defaults(struct sim_board_config *b, size_t index)
{
    memset(b, 0, sizeof *b);
    b->target.chip = sim_chip_find("stm32f103c8");
    b->target.flash_size_reg = UINT32_MAX;
    b->target.nrst_wired = true;
    b->target.voltage_mv = 3300;
    b->target.uid_index = (uint32_t)index;
    b->probe.kind = SIM_PROBE_V2;
    b->probe.start_mode = STLINK_MODE_MASS;
    b->probe.serial_len = (size_t)snprintf((char *)b->probe.serial, sizeof b->probe.serial,
                                           "5354534D%016zX", index + 1);
    b->firmware_addr = 0x08000000u;
}

int sim_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Raw serial bytes, two hex digits each. */
static int parse_hex_serial(const char *hex, struct sim_probe_config *p)
{
    size_t n = strlen(hex);
    if (n == 0 || n % 2 || n / 2 > sizeof p->serial)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)hex[i]))
            return -1;
    for (size_t i = 0; i < n / 2; i++) {
        const char byte[3] = {hex[2 * i], hex[2 * i + 1], '\0'};
        p->serial[i] = (uint8_t)strtoul(byte, NULL, 16);
    }
    p->serial_len = n / 2;
    return 0;
}

/* The index of `value` in the NULL-terminated `names`, or -1. */
static int pick(const char *value, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(value, names[i]) == 0)
            return i;
    return -1;
}

bool sim_board_flag(struct sim_board_config *b, const char *name)
{
    if (strcmp(name, "no-nrst") == 0) {
        b->target.nrst_wired = false;
    } else if (strcmp(name, "boot0") == 0) {
        b->target.boot0 = true;
    } else if (strcmp(name, "wdg-hw") == 0) {
        b->target.wdg_hw = true;
    } else if (strcmp(name, "no-hse") == 0) {
        b->target.no_hse = true;
    } else if (strcmp(name, "pll-no-lock") == 0) {
        b->target.pll_no_lock = true;
    } else if (strcmp(name, "spurious-0d") == 0) {
        b->probe.spurious_0d = true;
    } else if (strcmp(name, "stale-reply") == 0) {
        b->probe.stale_reply = true;
    } else {
        return false;
    }
    return true;
}

/* "V2J21", "V3J7" (any case): the probe generation and its J number. A V2 firmware on a V3
 * probe (or the reverse) picks the generation of the firmware; a V2-1 keeps its identity. */
static int parse_probe_fw(const char *value, struct sim_probe_config *p)
{
    char gen = 0, j = 0;
    unsigned jtag = 0;
    int used = 0;
    if (sscanf(value, "%*[vV]%c%c%u%n", &gen, &j, &jtag, &used) != 3 || value[used] != '\0')
        return -1;
    if ((j != 'J' && j != 'j') || (gen != '1' && gen != '2' && gen != '3'))
        return -1;
    if (gen == '1') {
        /* ST-LINK/V1: API v1 before J11, API v2 from J11 (the J field has 6 bits). */
        if (jtag < 1 || jtag > 63)
            return -1;
        p->kind = SIM_PROBE_V1;
        p->fw_jtag = (uint8_t)jtag;
        return 0;
    }
    /* V2 J11 is the first with debug API v2 (older ones are refused by clients); the field
     * has 6 bits. V3 firmware starts at J1. */
    if (gen == '2' ? jtag < 11 || jtag > 63 : jtag < 1 || jtag > 63)
        return -1;
    if (gen == '3')
        p->kind = SIM_PROBE_V3;
    else if (p->kind == SIM_PROBE_V3)
        p->kind = SIM_PROBE_V2;
    p->fw_jtag = (uint8_t)jtag;
    return 0;
}

static int bad(char *hint, size_t hint_len, const char *text)
{
    snprintf(hint, hint_len, "%s", text);
    return -1;
}

int sim_board_option(struct sim_board_config *b, const char *name, const char *value, char *hint,
                     size_t hint_len)
{
    unsigned long v;
    if (strcmp(name, "rdp") == 0) {
        int max = b->target.chip->family->max_rdp_level;
        if (sim_parse_ulong(value, (unsigned long)max, &v) != 0) {
            snprintf(hint, hint_len,
                     "give 0 to %d (level 2 exists on the F0 and F3: the chip "
                     "first)",
                     max);
            return -1;
        }
        b->target.rdp_level = (int)v;
        b->rdp_given = true;
    } else if (strcmp(name, "secure-page") == 0) {
        const struct sim_chip *c = b->target.chip;
        const struct sim_l4_model *m = &c->family->l4;
        unsigned long pages = c->flash_kib * 1024ul / c->page_size;
        if (!m->sfr_default && !m->sfr_wl)
            return bad(hint, hint_len,
                       "the chip has no CPU2 secure area: give it on a WB or WL "
                       "chip (the chip first)");
        if (sim_parse_ulong(value, pages - 1, &v) != 0 || v == 0) {
            snprintf(hint, hint_len, "give a flash page from 1 to %lu", pages - 1);
            return -1;
        }
        b->target.secure_page = (uint32_t)v;
    } else if (strcmp(name, "flash-size-reg") == 0) {
        if (sim_parse_ulong(value, 0xFFFF, &v) != 0)
            return bad(hint, hint_len, "give a value from 0 to 0xFFFF (KiB)");
        b->target.flash_size_reg = (uint32_t)v;
    } else if (strcmp(name, "dev-id") == 0) {
        if (sim_parse_ulong(value, 0xFFF, &v) != 0 || v == 0)
            return bad(hint, hint_len, "give a DEV_ID from 0x001 to 0xFFF");
        b->target.dev_id = (uint32_t)v;
    } else if (strcmp(name, "flash-kib") == 0) {
        if (sim_parse_ulong(value, 1024, &v) != 0 || v == 0 || v % 4)
            return bad(hint, hint_len, "give a multiple of 4 from 4 to 1024");
        b->target.flash_kib = (uint32_t)v;
    } else if (strcmp(name, "voltage") == 0) {
        char *end;
        double volts = strtod(value, &end);
        /* The negated range test also turns away "nan". */
        if (end == value || *end || !(volts >= 0.0 && volts <= 5.5))
            return bad(hint, hint_len, "give volts from 0 to 5.5");
        b->target.voltage_mv = (uint32_t)(volts * 1000.0 + 0.5);
    } else if (strcmp(name, "probe") == 0) {
        static const char *const kinds[] = {"v2", "v2-1", "v3", "v1", NULL};
        static const enum sim_probe_kind kind_of[] = {SIM_PROBE_V2, SIM_PROBE_V2_1, SIM_PROBE_V3,
                                                      SIM_PROBE_V1};
        int i = pick(value, kinds);
        if (i < 0)
            return bad(hint, hint_len, "give v2, v2-1, v3 or v1");
        b->probe.kind = kind_of[i];
        b->probe.fw_jtag = 0; /* the model's own firmware until --probe-fw says otherwise */
    } else if (strcmp(name, "probe-fw") == 0) {
        if (parse_probe_fw(value, &b->probe) != 0)
            return bad(hint, hint_len,
                       "give a firmware version such as V2J21, V2J26, V2J37, V3J7 or V1J13 (V2 "
                       "from J11)");
    } else if (strcmp(name, "wait-burst") == 0) {
        if (sim_parse_ulong(value, 1000, &v) != 0)
            return bad(hint, hint_len, "give a number of WAIT answers from 0 to 1000");
        b->probe.wait_burst = (unsigned)v;
    } else if (strcmp(name, "fault") == 0) {
        if (sim_fault_parse(value, &b->fault, hint, hint_len) != 0)
            return -1;
    } else if (strcmp(name, "probe-mode") == 0) {
        static const char *const modes[] = {"mass", "dfu", "debug", NULL};
        static const uint8_t mode_of[] = {STLINK_MODE_MASS, STLINK_MODE_DFU, STLINK_MODE_DEBUG};
        int i = pick(value, modes);
        if (i < 0)
            return bad(hint, hint_len, "give mass, dfu or debug");
        b->probe.start_mode = mode_of[i];
    } else if (strcmp(name, "serial") == 0) {
        size_t n = strlen(value);
        if (n == 0 || n > 24)
            return bad(hint, hint_len, "give 1 to 24 characters");
        memcpy(b->probe.serial, value, n);
        b->probe.serial_len = n;
    } else if (strcmp(name, "serial-hex") == 0) {
        if (parse_hex_serial(value, &b->probe) != 0)
            return bad(hint, hint_len, "give an even number of hex digits (at most 32 bytes)");
    } else {
        return 1;
    }
    return 0;
}
