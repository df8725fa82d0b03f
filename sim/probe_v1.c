/*
 * The ST-LINK/V1 firmware before J11 (from J11 it speaks debug API v2, without any of the V2
 * additions: sim/probe.c): debug API v1 (src/stlink/stlink_v1.h): SWD only here, core
 * register replies without a status byte, no GETLASTRWSTATUS: a command that fails says so in
 * its mass-storage status wrapper, which the stand-in libusb builds from p->v1_failed. Memory
 * commands are the V2 model's (sim/probe_memory.c), with API v1's limits.
 */
#include <string.h>

#include "core/le.h"
#include "probe.h"
#include "probe_internal.h"
#include "stlink/stlink_v1.h"

/* ARMv7-M ARM C1.6.2: DHCSR, its key and control bits. */
#define V1_DHCSR 0xE000EDF0u
#define V1_DBGKEY 0xA05F0000u
#define V1_C_DEBUGEN (1u << 0)
#define V1_C_HALT (1u << 1)
#define V1_C_STEP (1u << 2)
#define V1_S_HALT (1u << 17)

static size_t status_only(uint8_t *reply, size_t cap, uint8_t status)
{
    if (cap >= 1)
        reply[0] = status;
    if (cap >= 2)
        reply[1] = 0;
    return cap < 2 ? cap : 2;
}

/* A status reply whose failure the wrapper repeats. */
static size_t status_reply(struct sim_probe *p, uint8_t *reply, size_t cap, uint8_t status)
{
    if (status != STLINK_OK)
        p->v1_failed = true;
    return status_only(reply, cap, status);
}

static bool link_up(struct sim_probe *p)
{
    return p->mode == STLINK_MODE_DEBUG && sim_target_link_up(p->target);
}

static size_t word_reply(uint8_t *reply, size_t cap, uint32_t v)
{
    uint8_t buf[4];
    le32_put(buf, v);
    size_t n = cap < 4 ? cap : 4;
    memcpy(reply, buf, n);
    return n;
}

/* DHCSR write through the debugger's bus access: halt, run, step. */
static uint8_t write_dhcsr(struct sim_probe *p, uint32_t bits)
{
    p->swd_transfers += 3;
    return probe_bus_access(p, V1_DHCSR, 4, NULL, V1_DBGKEY | V1_C_DEBUGEN | bits);
}

static size_t all_regs(struct sim_probe *p, uint8_t *reply, size_t cap)
{
    /* r0-r15, xPSR, MSP, PSP, CONTROL/FAULTMASK/BASEPRI/PRIMASK, one unused word. */
    static const unsigned regsel[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
                                      10, 11, 12, 13, 14, 15, 16, 17, 18, 20};
    uint8_t buf[STLINK_V1_ALLREGS_LEN] = {0};
    for (size_t i = 0; i < sizeof regsel / sizeof regsel[0]; i++) {
        uint32_t v = 0;
        if (cortexm_read_core_reg(p->target, regsel[i], &v) != 0)
            p->v1_failed = true;
        le32_put(&buf[4 * i], v);
    }
    p->swd_transfers += 21u * 3u;
    size_t n = cap < sizeof buf ? cap : sizeof buf;
    memcpy(reply, buf, n);
    return n;
}

size_t sim_probe_v1_debug(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out,
                          size_t out_len, uint8_t *reply, size_t cap)
{
    struct sim_target *t = p->target;
    switch (cmd[1]) {
    case STLINK_DEBUG_APIV1_ENTER:
        /* SWD only: a JTAG entry is refused. No reply: the wrapper's status answers. */
        p->swd_transfers += 4; /* line reset, DPIDR, CTRL/STAT power-up */
        if (cmd[2] != STLINK_ENTER_SWD_NO_RESET || !sim_target_link_up(t)) {
            p->v1_failed = true;
            return 0;
        }
        dap_write(t, 0xFFFFu, 0x4u, (1u << 28) | (1u << 30));
        p->mode = STLINK_MODE_DEBUG;
        return 0;
    case STLINK_DEBUG_EXIT:
        p->mode = STLINK_MODE_MASS;
        return 0;
    case STLINK_DEBUG_READCOREID:
        p->swd_transfers++;
        if (!link_up(p))
            p->v1_failed = true;
        return word_reply(reply, cap, link_up(p) ? t->chip->dp_idcode : 0);
    case STLINK_DEBUG_APIV1_GETSTATUS: {
        uint32_t dhcsr = 0;
        uint8_t st = link_up(p) ? probe_bus_access(p, V1_DHCSR, 4, &dhcsr, 0) : STLINK_SWD_DP_ERROR;
        p->swd_transfers += 3;
        if (st != STLINK_OK)
            return status_reply(p, reply, cap, st);
        return status_only(reply, cap,
                           (dhcsr & V1_S_HALT) ? STLINK_V1_CORE_HALTED : STLINK_V1_CORE_RUNNING);
    }
    case STLINK_DEBUG_APIV1_FORCEDEBUG:
        return status_reply(p, reply, cap,
                            link_up(p) ? write_dhcsr(p, V1_C_HALT) : STLINK_SWD_DP_ERROR);
    case STLINK_DEBUG_APIV1_RUNCORE:
        return status_reply(p, reply, cap, link_up(p) ? write_dhcsr(p, 0) : STLINK_SWD_DP_ERROR);
    case STLINK_DEBUG_APIV1_STEPCORE:
        return status_reply(p, reply, cap,
                            link_up(p) ? write_dhcsr(p, V1_C_STEP) : STLINK_SWD_DP_ERROR);
    case STLINK_DEBUG_APIV1_RESETSYS:
        p->swd_transfers += 2;
        if (!link_up(p))
            return status_reply(p, reply, cap, STLINK_SWD_DP_ERROR);
        sim_target_system_reset(t);
        return status_reply(p, reply, cap, STLINK_OK);
    case STLINK_DEBUG_APIV1_READALLREGS:
        if (!link_up(p)) {
            p->v1_failed = true;
            size_t n = cap < STLINK_V1_ALLREGS_LEN ? cap : STLINK_V1_ALLREGS_LEN;
            memset(reply, 0, n);
            return n;
        }
        return all_regs(p, reply, cap);
    case STLINK_DEBUG_APIV1_READREG: {
        uint32_t v = 0;
        p->swd_transfers += 3;
        if (!link_up(p) || cortexm_read_core_reg(t, cmd[2], &v) != 0)
            p->v1_failed = true; /* no status byte: the wrapper says it */
        return word_reply(reply, cap, v);
    }
    case STLINK_DEBUG_APIV1_WRITEREG: {
        p->swd_transfers += 3;
        uint8_t st = link_up(p) ? STLINK_OK : STLINK_SWD_DP_ERROR;
        if (st == STLINK_OK && cortexm_write_core_reg(t, cmd[2], le32_get(&cmd[3])) != 0)
            st = STLINK_FALSE;
        return status_reply(p, reply, cap, st);
    }
    case STLINK_DEBUG_APIV1_WRITEDEBUGREG:
    case STLINK_DEBUG_APIV2_WRITEDEBUGREG: {
        /* The V1 also answers the debug-register pair of API v2 (its clients' V1 drivers use
         * them for one word). */
        p->swd_transfers += 3;
        uint8_t st = link_up(p) ? probe_bus_access(p, le32_get(&cmd[2]), 4, NULL, le32_get(&cmd[6]))
                                : STLINK_SWD_DP_ERROR;
        return status_reply(p, reply, cap, st);
    }
    case STLINK_DEBUG_APIV2_READDEBUGREG: {
        uint32_t v = 0;
        p->swd_transfers += 3;
        uint8_t st =
            link_up(p) ? probe_bus_access(p, le32_get(&cmd[2]), 4, &v, 0) : STLINK_SWD_DP_ERROR;
        if (st != STLINK_OK)
            p->v1_failed = true;
        uint8_t buf[8] = {st};
        le32_put(&buf[4], v);
        size_t n = cap < 8 ? cap : 8;
        memcpy(reply, buf, n);
        return n;
    }
    case STLINK_DEBUG_READMEM_32BIT:
    case STLINK_DEBUG_WRITEMEM_32BIT:
    case STLINK_DEBUG_READMEM_8BIT:
    case STLINK_DEBUG_WRITEMEM_8BIT: {
        size_t n;
        if (!link_up(p)) {
            /* nothing reaches the target */
            n = cmd[1] == STLINK_DEBUG_READMEM_32BIT || cmd[1] == STLINK_DEBUG_READMEM_8BIT
                    ? le16_get(&cmd[6])
                    : 0;
            n = n < cap ? n : cap;
            memset(reply, 0, n);
            p->v1_failed = true;
            return n;
        }
        n = probe_mem_cmd(p, cmd, out, out_len, reply, cap);
        if (p->last_rw_status != STLINK_OK)
            p->v1_failed = true;
        return n;
    }
    default:
        /* Unknown to API v1 (GETLASTRWSTATUS, NRST, clocks, DAP registers, breakpoint units):
         * the command fails. */
        p->v1_failed = true;
        return status_only(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
    }
}
