/*
 * The simulated probe's memory commands (READMEM/WRITEMEM of 8, 16 and 32 bits) and RW_MISC
 * batches: the AP accesses they make on the simulated target, the probe's own retries while the
 * target stalls, and the firmware limits (sim/probe_internal.h).
 */
#include <string.h>

#include "core/le.h"
#include "probe.h"
#include "probe_internal.h"
#include "stlink/stlink_proto.h"

/* How long the probe itself retries an AP access the target answers with WAIT. */
#define PROBE_WAIT_BUDGET_PS (10ull * SIM_PS_PER_MS)

/* One debugger bus access, waiting (as the probe's own retries do) while the target stalls. */
uint8_t probe_bus_access(struct sim_probe *p, uint32_t addr, unsigned size, uint32_t *rd,
                         uint32_t wr)
{
    struct sim_target *t = p->target;
    sim_ps waited = 0;
    if (t->faults && sim_faults_ap_fault(t->faults, addr, size))
        return STLINK_SWD_AP_FAULT;
    for (;;) {
        enum sim_bus_result r = rd ? sim_bus_read(t, addr, size, rd, SIM_BY_DEBUG)
                                   : sim_bus_write(t, addr, size, wr, SIM_BY_DEBUG);
        if (r == SIM_BUS_OK)
            return STLINK_OK;
        if (r == SIM_BUS_FAULT)
            return STLINK_SWD_AP_FAULT;
        sim_ps busy = t->family->flash->busy_until(t);
        sim_ps wait = busy > t->now ? busy - t->now : SIM_PS_PER_US;
        if (waited + wait > PROBE_WAIT_BUDGET_PS)
            return STLINK_SWD_AP_WAIT;
        sim_target_charge(t, SIM_COST_BSY_WAIT, wait);
        waited += wait;
    }
}

static uint32_t max_rw8(const struct sim_probe *p)
{
    return probe_fw_has(p, FW_RW8_512) ? STLINK_V3_MAX_RW8 : STLINK_V2_MAX_RW8;
}

/* --wait-burst: after every 8 memory commands the next `wait_burst` answer WAIT with nothing
 * transferred. The address GETLASTRWSTATUS2 then gives is the last of the command's (the AP's
 * posted writes report a stall on a later transfer than the one that stalled, ADIv5 IHI0031
 * §4.3.3): a client learns nothing from it and must repeat the whole command. */
static bool wait_burst_now(struct sim_probe *p)
{
    if (!p->cfg.wait_burst)
        return false;
    if (p->waits_left) {
        p->waits_left--;
        return true;
    }
    if (++p->mem_commands % 8u == 0) {
        p->waits_left = p->cfg.wait_burst - 1u;
        return true;
    }
    return false;
}

/* Reads or writes `len` bytes in units of `size`. A command's addresses are linear, one more SWD
 * transfer charged per 1 KiB TAR block it enters: OpenOCD sends blocks of up to 4 KiB to an
 * M3/M4 (docs/stlink.md, "Transfers"); stflash's own stay inside one block. */
static void memory_command(struct sim_probe *p, uint32_t addr, uint32_t len, unsigned size,
                           bool increment, uint8_t *rd, const uint8_t *wr)
{
    struct sim_target *t = p->target;
    uint8_t status = STLINK_OK;
    uint32_t fault = 0;

    if (rd)
        memset(rd, 0, len);
    if (!sim_target_link_up(t)) {
        status = STLINK_SWD_DP_ERROR;
    } else if (len && wait_burst_now(p)) {
        status = STLINK_SWD_AP_WAIT;
        fault = addr + (increment ? len - size : 0);
    } else if ((addr | len) & (size - 1u)) {
        status = STLINK_SWD_AP_FAULT; /* misaligned for the access size */
        fault = addr;
    } else {
        for (uint32_t i = 0; i < len; i += size) {
            uint32_t a = increment ? addr + i : addr;
            if (increment && i && (a & (STLINK_TAR_BLOCK - 1u)) == 0)
                p->swd_transfers++; /* TAR reload */
            uint32_t v = 0;
            if (wr)
                v = size == 4 ? le32_get(wr + i) : size == 2 ? le16_get(wr + i) : wr[i];
            status = probe_bus_access(p, a, size, rd ? &v : NULL, v);
            p->swd_transfers++;
            if (status != STLINK_OK) {
                fault = a;
                break;
            }
            if (rd) {
                if (size == 4)
                    le32_put(rd + i, v);
                else if (size == 2)
                    le16_put(rd + i, (uint16_t)v);
                else
                    rd[i] = (uint8_t)v;
            }
        }
        p->swd_transfers += 3; /* CSW, TAR, RDBUFF */
    }
    p->last_rw_status = status;
    p->last_rw_fault = fault;
}

size_t probe_mem_cmd(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out, size_t out_len,
                     uint8_t *reply, size_t cap)
{
    uint32_t addr = le32_get(&cmd[2]);
    uint32_t len = le16_get(&cmd[6]);
    unsigned size = 4;
    bool is_read = false, increment = true;
    uint32_t limit = STLINK_MAX_RW32;

    switch (cmd[1]) {
    case STLINK_DEBUG_READMEM_32BIT:
        is_read = true;
        break;
    case STLINK_DEBUG_WRITEMEM_32BIT:
        limit = STLINK_MAX_WRITE32;
        break;
    case STLINK_DEBUG_READMEM_32BIT_NO_ADDR_INC:
        is_read = true;
        increment = false;
        break;
    case STLINK_DEBUG_WRITEMEM_32BIT_NO_ADDR_INC:
        increment = false;
        limit = STLINK_MAX_WRITE32;
        break;
    case STLINK_DEBUG_APIV2_READMEM_16BIT:
        is_read = true;
        size = 2;
        break;
    case STLINK_DEBUG_APIV2_WRITEMEM_16BIT:
        size = 2;
        limit = STLINK_MAX_WRITE32;
        break;
    case STLINK_DEBUG_READMEM_8BIT:
        is_read = true;
        size = 1;
        limit = max_rw8(p);
        break;
    case STLINK_DEBUG_WRITEMEM_8BIT:
        size = 1;
        limit = max_rw8(p);
        break;
    default:
        return 0;
    }
    if (len > limit) {
        /* Beyond the firmware's buffer: nothing is transferred. */
        p->last_rw_status = STLINK_SWD_AP_ERROR;
        p->last_rw_fault = addr;
        if (is_read) {
            size_t n = len < cap ? len : cap;
            memset(reply, 0, n);
            return n;
        }
        return 0;
    }
    if (!is_read) {
        uint8_t buf[STLINK_MAX_WRITE32];
        size_t have = out_len < len ? out_len : len;
        memcpy(buf, out, have);
        memset(buf + have, 0, len - have); /* a short data phase writes zeros */
        memory_command(p, addr, len, size, increment, NULL, buf);
        return 0;
    }
    uint8_t buf[STLINK_MAX_RW32 + 2];
    memory_command(p, addr, len, size, increment, buf, NULL);
    size_t n = (size == 1 && len == 1) ? 2 : len; /* a one-byte read answers two bytes */
    if (n == 2 && len == 1)
        buf[1] = 0;
    if (n > cap)
        n = cap;
    memcpy(reply, buf, n);
    return n;
}

/* ---- RW_MISC batches (V2 J32+, V3) ---- */

static size_t max_misc_items(const struct sim_probe *p)
{
    return p->cfg.kind == SIM_PROBE_V3 ? STLINK_RW_MISC_MAX_ITEMS_V3 : STLINK_RW_MISC_MAX_ITEMS_V2;
}

/* Runs a batch of 32-bit AP accesses; the results wait for RW_MISC_IN. */
void probe_rw_misc_out(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out, size_t out_len)
{
    uint32_t items = le32_get(&cmd[2]);
    if (items > max_misc_items(p) || out_len < stlink_rw_misc_out_len(items)) {
        p->rw_misc_items = 0; /* beyond the firmware's buffer: nothing is done */
        return;
    }
    const uint8_t *values = out + ((items + 3u) & ~3u);
    uint32_t address = 0, ap = 0;
    bool link = sim_target_link_up(p->target);
    p->rw_misc_items = items;
    for (uint32_t i = 0; i < items; i++) {
        uint32_t v = le32_get(&values[4 * i]), result = 0;
        uint8_t st = link ? STLINK_OK : STLINK_SWD_DP_ERROR;
        if (st == STLINK_OK) {
            switch (out[i]) {
            case STLINK_RW_MISC_ADDRESS:
                address = v;
                break;
            case STLINK_RW_MISC_APNUM:
                ap = v;
                if (ap != 0)
                    st = STLINK_BAD_AP_ERROR;
                break;
            case STLINK_RW_MISC_WRITE:
                st = ap ? STLINK_BAD_AP_ERROR : probe_bus_access(p, address, 4, NULL, v);
                p->swd_transfers += 3;
                break;
            case STLINK_RW_MISC_READ:
                st = ap ? STLINK_BAD_AP_ERROR : probe_bus_access(p, v, 4, &result, 0);
                p->swd_transfers += 3;
                break;
            default:
                st = STLINK_JTAG_UNKNOWN_CMD;
                break;
            }
        }
        le32_put(&p->rw_misc_reply[4 * i], result);
        le32_put(&p->rw_misc_reply[4 * items + 4 * i], st);
    }
}

size_t probe_rw_misc_in(struct sim_probe *p, uint8_t *reply, size_t cap)
{
    size_t n = stlink_rw_misc_in_len(p->rw_misc_items);
    n = n < cap ? n : cap;
    memcpy(reply, p->rw_misc_reply, n);
    return n;
}
