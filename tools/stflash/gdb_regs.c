/*
 * The registers gdb sees, per core: the target description (qXfer:features:read:target.xml) and
 * how each register is read and written through the DCRSR register selectors (ARMv7-M ARM
 * C1.6.3, ARMv6-M ARM C1.6.3): 0-12 r0-r12, 13 sp, 14 lr, 15 pc (DebugReturnAddress), 16 xPSR,
 * 17 MSP, 18 PSP, 20 CONTROL[31:24] FAULTMASK[23:16] BASEPRI[15:8] PRIMASK[7:0], and with the
 * floating-point extension 0x21 FPSCR and 0x40-0x5F S0-S31. ARMv6-M has neither BASEPRI nor
 * FAULTMASK. gdb's double registers d0-d15 are pairs of single ones (d<n> = s<2n+1>:s<2n>); gdb
 * makes s0-s31 of them. With the ARMv8-M Security Extension (ID_PFR1.Security, bits [7:4],
 * ARMv8-M ARM) the banked stack pointers and their limits: 0x18 MSP_NS, 0x19 PSP_NS,
 * 0x1A MSP_S, 0x1B PSP_S, 0x1C MSPLIM_S, 0x1D PSPLIM_S, 0x1E MSPLIM_NS, 0x1F PSPLIM_NS, and the
 * masks and CONTROL of each state, packed as selector 20 is: 0x22 Secure, 0x23 Non-secure
 * (ARMv8-M ARM C1.6.4, DCRSR).
 */
#include <stdio.h>
#include <string.h>

#include "gdb.h"

#define CPUID 0xE000ED00u
#define ID_PFR1 0xE000ED44u
#define MVFR0 0xE000EF40u /* Media and VFP Feature Register 0 (ARMv7-M B4.1): 0 without an FPU */

#define REGSEL_SPECIAL 20u
#define REGSEL_FPSCR 0x21u
#define REGSEL_S0 0x40u

/* CPUID PARTNO, bits [15:4] (ARMv7-M B4.1.2; the cores' TRMs). */
static const struct {
    uint32_t partno;
    const char *name;
    bool v6m;
} cores[] = {
    {0xC20u, "Cortex-M0", true},  {0xC60u, "Cortex-M0+", true}, {0xC23u, "Cortex-M3", false},
    {0xC24u, "Cortex-M4", false}, {0xC27u, "Cortex-M7", false}, {0xD21u, "Cortex-M33", false},
};

static void add(struct gdb_core *k, const char *name, unsigned bits, enum gdb_reg_how how,
                unsigned sel, const char *type, const char *feature)
{
    if (k->nregs >= GDB_REGS_MAX)
        return;
    k->regs[k->nregs++] = (struct gdb_reg){name, bits, how, sel, 0, type, feature};
}

/* One byte of a packed selector (20, 0x22, 0x23): PRIMASK 0, BASEPRI 1, FAULTMASK 2, CONTROL 3. */
static void add_mask(struct gdb_core *k, const char *name, unsigned sel, unsigned byte,
                     const char *feature)
{
    if (k->nregs >= GDB_REGS_MAX)
        return;
    k->regs[k->nregs++] = (struct gdb_reg){name, 8, GDB_REG_SPECIAL, sel, byte, "uint8", feature};
}

static const char *const gp_names[] = {"r0", "r1", "r2",  "r3",  "r4",  "r5", "r6", "r7",
                                       "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc"};
static const char *const d_names[] = {"d0", "d1", "d2",  "d3",  "d4",  "d5",  "d6",  "d7",
                                      "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15"};

#define F_CORE "org.gnu.gdb.arm.m-profile"
#define F_SYSTEM "org.gnu.gdb.arm.m-system"
#define F_MASKS "org.stflash.cortex-m.masks"
#define F_VFP "org.gnu.gdb.arm.vfp"
/* gdb's own feature for the banked stack pointers (gdb's arm-secext.xml): msp_ns, psp_ns, msp_s
 * and psp_s, all four required by name. The stack limits, which gdb has no feature for, follow
 * in one of this server's. */
#define F_SECEXT "org.gnu.gdb.arm.secext"
#define F_STACK_LIMITS "org.stflash.cortex-m.stack-limits"

static const char *const banked_names[] = {"msp_ns",   "psp_ns",   "msp_s",     "psp_s",
                                           "msplim_s", "psplim_s", "msplim_ns", "psplim_ns"};
#define REGSEL_MSP_NS 0x18u

/* The masks and CONTROL of each security state, which gdb has no feature for either. */
#define F_BANKED_MASKS "org.stflash.cortex-m.banked-masks"
#define REGSEL_SPECIAL_S 0x22u
#define REGSEL_SPECIAL_NS 0x23u
static const char *const mask_names[2][4] = {
    {"primask_s", "basepri_s", "faultmask_s", "control_s"},
    {"primask_ns", "basepri_ns", "faultmask_ns", "control_ns"},
};

int gdb_core_detect(struct stflash_dev *dev, struct gdb_core *k)
{
    memset(k, 0, sizeof *k);
    uint32_t cpuid;
    int rc = stflash_read32(dev, CPUID, &cpuid);
    if (rc)
        return rc;
    k->name = "Cortex-M";
    /* Architecture field [19:16]: 0xC ARMv6-M, 0xF ARMv7-M and later. */
    k->v6m = ((cpuid >> 16) & 0xFu) == 0xCu;
    for (size_t i = 0; i < sizeof cores / sizeof cores[0]; i++)
        if (((cpuid >> 4) & 0xFFFu) == cores[i].partno) {
            k->name = cores[i].name;
            k->v6m = cores[i].v6m;
        }
    /* ARMv8-M Mainline: CPUID architecture 0xF and PARTNO 0xD21 (Cortex-M33); its Security
     * Extension shows in ID_PFR1. */
    uint32_t pfr1 = 0;
    bool security = ((cpuid >> 4) & 0xFFFu) == 0xD21u && stflash_read32(dev, ID_PFR1, &pfr1) == 0 &&
                    ((pfr1 >> 4) & 0xFu) != 0;
    uint32_t mvfr0 = 0;
    if (!k->v6m && stflash_read32(dev, MVFR0, &mvfr0) == 0)
        k->fpu = (mvfr0 & 0xFu) != 0; /* A_SIMD registers: 1 = 16 x 64-bit */

    for (unsigned i = 0; i < 16; i++)
        add(k, gp_names[i], 32, GDB_REG_DIRECT, i,
            i == 13   ? "data_ptr"
            : i == 15 ? "code_ptr"
                      : "uint32",
            F_CORE);
    add(k, "xpsr", 32, GDB_REG_DIRECT, 16, "uint32", F_CORE);
    add(k, "msp", 32, GDB_REG_DIRECT, 17, "data_ptr", F_SYSTEM);
    add(k, "psp", 32, GDB_REG_DIRECT, 18, "data_ptr", F_SYSTEM);
    add_mask(k, "primask", REGSEL_SPECIAL, 0, F_MASKS);
    if (!k->v6m) {
        add_mask(k, "basepri", REGSEL_SPECIAL, 1, F_MASKS);
        add_mask(k, "faultmask", REGSEL_SPECIAL, 2, F_MASKS);
    }
    add_mask(k, "control", REGSEL_SPECIAL, 3, F_MASKS);
    if (k->fpu) {
        for (unsigned i = 0; i < 16; i++)
            add(k, d_names[i], 64, GDB_REG_DOUBLE, REGSEL_S0 + 2 * i, "ieee_double", F_VFP);
        add(k, "fpscr", 32, GDB_REG_DIRECT, REGSEL_FPSCR, "int", F_VFP);
    }
    if (security) {
        for (unsigned i = 0; i < 8; i++)
            add(k, banked_names[i], 32, GDB_REG_DIRECT, REGSEL_MSP_NS + i, "data_ptr",
                i < 4 ? F_SECEXT : F_STACK_LIMITS);
        for (unsigned ns = 0; ns < 2; ns++)
            for (unsigned b = 0; b < 4; b++)
                add_mask(k, mask_names[ns][b], ns ? REGSEL_SPECIAL_NS : REGSEL_SPECIAL_S, b,
                         F_BANKED_MASKS);
    }
    return gdb_core_describe(k);
}

int gdb_core_describe(struct gdb_core *k)
{
    size_t n = (size_t)snprintf(k->xml, sizeof k->xml,
                                "<?xml version=\"1.0\"?>\n"
                                "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                                "<target version=\"1.0\">\n"
                                "<architecture>arm</architecture>\n");
    const char *feature = NULL;
    for (unsigned i = 0; i < k->nregs && n < sizeof k->xml; i++) {
        const struct gdb_reg *r = &k->regs[i];
        if (!feature || strcmp(feature, r->feature) != 0) {
            n += (size_t)snprintf(k->xml + n, sizeof k->xml - n, "%s<feature name=\"%s\">\n",
                                  feature ? "</feature>\n" : "", r->feature);
            feature = r->feature;
        }
        if (n < sizeof k->xml)
            n += (size_t)snprintf(k->xml + n, sizeof k->xml - n,
                                  "<reg name=\"%s\" bitsize=\"%u\" regnum=\"%u\" type=\"%s\"/>\n",
                                  r->name, r->bits, i, r->type);
    }
    if (n < sizeof k->xml)
        n += (size_t)snprintf(k->xml + n, sizeof k->xml - n, "</feature>\n</target>\n");
    if (n >= sizeof k->xml)
        return -1;
    k->xml_len = n;
    return 0;
}

/* Registers travel little-endian, two hex digits a byte. */
static void put_le(char *hex, uint64_t v, unsigned bytes)
{
    uint8_t b[8];
    for (unsigned i = 0; i < bytes; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    gdb_hex_encode(hex, b, bytes);
}

int gdb_reg_read(struct stflash_dev *dev, const struct gdb_core *k, unsigned regnum, char *hex)
{
    if (regnum >= k->nregs)
        return STFLASH_ERR_INVALID_ARG;
    const struct gdb_reg *r = &k->regs[regnum];
    uint32_t lo, hi = 0;
    switch (r->how) {
    case GDB_REG_DIRECT: {
        int rc = stflash_reg_read(dev, r->sel, &lo);
        if (rc)
            return rc;
        put_le(hex, lo, 4);
        return 0;
    }
    case GDB_REG_SPECIAL: {
        int rc = stflash_reg_read(dev, r->sel, &lo);
        if (rc)
            return rc;
        put_le(hex, (lo >> (8 * r->byte)) & 0xFFu, 1);
        return 0;
    }
    case GDB_REG_DOUBLE: {
        int rc = stflash_reg_read(dev, r->sel, &lo);
        if (rc == 0)
            rc = stflash_reg_read(dev, r->sel + 1, &hi);
        if (rc)
            return rc;
        put_le(hex, (uint64_t)hi << 32 | lo, 8);
        return 0;
    }
    }
    return STFLASH_ERR_INVALID_ARG;
}

int gdb_reg_write(struct stflash_dev *dev, const struct gdb_core *k, unsigned regnum,
                  const char *hex, size_t len)
{
    if (regnum >= k->nregs)
        return STFLASH_ERR_INVALID_ARG;
    const struct gdb_reg *r = &k->regs[regnum];
    uint8_t b[8];
    unsigned bytes = r->bits / 8;
    if (len != 2u * bytes || !gdb_hex_decode(b, hex, bytes))
        return STFLASH_ERR_INVALID_ARG;
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)b[i] << (8 * i);
    switch (r->how) {
    case GDB_REG_DIRECT:
        return stflash_reg_write(dev, r->sel, (uint32_t)v);
    case GDB_REG_SPECIAL: {
        /* One byte of the combined register: the others are kept. */
        uint32_t all;
        int rc = stflash_reg_read(dev, r->sel, &all);
        if (rc)
            return rc;
        all = (all & ~(0xFFu << (8 * r->byte))) | (uint32_t)v << (8 * r->byte);
        return stflash_reg_write(dev, r->sel, all);
    }
    case GDB_REG_DOUBLE: {
        int rc = stflash_reg_write(dev, r->sel, (uint32_t)v);
        return rc ? rc : stflash_reg_write(dev, r->sel + 1, (uint32_t)(v >> 32));
    }
    }
    return STFLASH_ERR_INVALID_ARG;
}
