/*
 * The SW-DP and the AHB-AP (AP 0) of a Cortex-M3, as the probe's DAP register commands see them
 * (ADIv5, IHI 0031: §2.3 DP registers, §7.2 MEM-AP registers). The power-up request bits are
 * acknowledged at once; the AP's TAR auto-increments only inside a 1 KiB block.
 */
#include "target.h"

#define DP_DPIDR 0x0u
#define DP_CTRL_STAT 0x4u
#define DP_SELECT 0x8u
#define DP_RDBUFF 0xCu

#define CTRL_STICKYORUN (1u << 1)
#define CTRL_STICKYCMP (1u << 4)
#define CTRL_STICKYERR (1u << 5)
#define CTRL_WDATAERR (1u << 7)
#define CTRL_CDBGPWRUPREQ (1u << 28)
#define CTRL_CSYSPWRUPREQ (1u << 30)

#define AP_CSW 0x00u
#define AP_TAR 0x04u
#define AP_DRW 0x0Cu
#define AP_BD0 0x10u
#define AP_CFG 0xF4u
#define AP_BASE 0xF8u
#define AP_IDR 0xFCu

#define CSW_DEVICEEN (1u << 6)
#define CSW_WRITABLE 0xFF000F37u

void dap_reset(struct sim_target *t)
{
    t->dap.ctrl_stat = 0;
    t->dap.select = 0;
    t->dap.rdbuff = 0;
    t->dap.csw = 0x23000002u | CSW_DEVICEEN;
    t->dap.tar = 0;
}

static uint32_t ctrl_stat(const struct sim_dap *d)
{
    uint32_t v = d->ctrl_stat;
    /* Each power-up request is acknowledged in the bit above it. */
    if (v & CTRL_CDBGPWRUPREQ)
        v |= CTRL_CDBGPWRUPREQ << 1;
    if (v & CTRL_CSYSPWRUPREQ)
        v |= CTRL_CSYSPWRUPREQ << 1;
    return v;
}

static unsigned csw_size(const struct sim_dap *d)
{
    unsigned s = d->csw & 7u;
    return s == 0 ? 1 : s == 1 ? 2 : 4;
}

static void tar_increment(struct sim_dap *d, unsigned size)
{
    if (((d->csw >> 4) & 3u) == 1u)
        d->tar = (d->tar & ~0x3FFu) | ((d->tar + size) & 0x3FFu);
}

/* Returns 0, -1 for a fault (sticky error set), -2 when the bus stalls (WAIT). */
static int drw_access(struct sim_target *t, uint32_t addr, uint32_t *rd, uint32_t wr)
{
    struct sim_dap *d = &t->dap;
    unsigned size = csw_size(d);
    enum sim_bus_result r;
    if (rd) {
        uint32_t v = 0;
        r = sim_bus_read(t, addr & ~(size - 1u), size, &v, SIM_BY_DEBUG);
        /* Narrow reads come back on their byte lanes. */
        *rd = v << (8u * (addr & 3u & ~(size - 1u)));
    } else {
        uint32_t v = wr >> (8u * (addr & 3u & ~(size - 1u)));
        r = sim_bus_write(t, addr & ~(size - 1u), size, v, SIM_BY_DEBUG);
    }
    if (r == SIM_BUS_STALL)
        return -2;
    if (r != SIM_BUS_OK) {
        d->ctrl_stat |= CTRL_STICKYERR;
        return -1;
    }
    return 0;
}

int dap_read(struct sim_target *t, unsigned port, unsigned addr, uint32_t *val)
{
    struct sim_dap *d = &t->dap;
    if (port == 0xFFFFu) {
        switch (addr & 0xCu) {
        case DP_DPIDR:
            *val = t->chip->dp_idcode;
            break;
        case DP_CTRL_STAT:
            *val = ctrl_stat(d);
            break;
        case DP_SELECT:
            *val = d->select;
            break;
        default:
            *val = d->rdbuff;
            break;
        }
        return 0;
    }
    if (port != 0) {
        *val = 0; /* no such AP: its IDR reads zero, which ends a scan */
        return 0;
    }
    int rc = 0;
    switch (addr & 0xFFu) {
    case AP_CSW:
        *val = d->csw;
        break;
    case AP_TAR:
        *val = d->tar;
        break;
    case AP_DRW:
        rc = drw_access(t, d->tar, val, 0);
        if (rc == 0)
            tar_increment(d, csw_size(d));
        break;
    case AP_BD0:
    case AP_BD0 + 4:
    case AP_BD0 + 8:
    case AP_BD0 + 12: {
        uint32_t saved = d->csw;
        d->csw = (d->csw & ~7u) | 2u;
        rc = drw_access(t, (d->tar & ~0xFu) + (addr & 0xCu), val, 0);
        d->csw = saved;
        break;
    }
    case AP_CFG:
        *val = 0;
        break;
    case AP_BASE: /* ROM table present: the topmost one (the Cortex-M7's MCU ROM table) */
        *val = (t->cpu->n_rom_tables ? t->cpu->rom_tables[0].base : 0xE00FF000u) | 3u;
        break;
    case AP_IDR:
        *val = t->chip->ap_idr;
        break;
    default:
        *val = 0;
        break;
    }
    if (rc == 0)
        d->rdbuff = *val;
    return rc;
}

int dap_write(struct sim_target *t, unsigned port, unsigned addr, uint32_t val)
{
    struct sim_dap *d = &t->dap;
    if (port == 0xFFFFu) {
        switch (addr & 0xCu) {
        case DP_DPIDR: /* ABORT: clear the sticky flags asked for */
            if (val & (1u << 1))
                d->ctrl_stat &= ~CTRL_STICKYCMP;
            if (val & (1u << 2))
                d->ctrl_stat &= ~CTRL_STICKYERR;
            if (val & (1u << 3))
                d->ctrl_stat &= ~CTRL_WDATAERR;
            if (val & (1u << 4))
                d->ctrl_stat &= ~CTRL_STICKYORUN;
            break;
        case DP_CTRL_STAT:
            d->ctrl_stat = (d->ctrl_stat &
                            (CTRL_STICKYERR | CTRL_STICKYCMP | CTRL_STICKYORUN | CTRL_WDATAERR)) |
                           (val & 0x5F000F01u);
            break;
        case DP_SELECT:
            d->select = val;
            break;
        default:
            break;
        }
        return 0;
    }
    if (port != 0)
        return 0;
    switch (addr & 0xFFu) {
    case AP_CSW:
        d->csw = (val & CSW_WRITABLE) | CSW_DEVICEEN;
        break;
    case AP_TAR:
        d->tar = val;
        break;
    case AP_DRW: {
        int rc = drw_access(t, d->tar, NULL, val);
        if (rc == 0)
            tar_increment(d, csw_size(d));
        return rc;
    }
    case AP_BD0:
    case AP_BD0 + 4:
    case AP_BD0 + 8:
    case AP_BD0 + 12: {
        uint32_t saved = d->csw;
        d->csw = (d->csw & ~7u) | 2u;
        int rc = drw_access(t, (d->tar & ~0xFu) + (addr & 0xCu), NULL, val);
        d->csw = saved;
        return rc;
    }
    default:
        break;
    }
    return 0;
}
