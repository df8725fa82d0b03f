/*
 * The ST-LINK firmware model. Replies, size limits and firmware gates follow the command table in
 * src/stlink/stlink_proto.h; time follows docs/virtual-clock.md.
 */
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "probe.h"
#include "probe_internal.h"
#include "stlink/stlink_proto.h"

struct version_info {
    uint16_t pid;
    uint8_t major, jtag, swim_or_msd;
    uint8_t msd, bridge;
};

static const struct version_info versions[] = {
    [SIM_PROBE_V2] = {STLINK_PID_V2, 2, 37, 7, 0, 0},
    [SIM_PROBE_V2_1] = {STLINK_PID_V2_1, 2, 37, 26, 26, 0},
    [SIM_PROBE_V3] = {STLINK_PID_V3S, 3, 7, 1, 3, 5},
    [SIM_PROBE_V1] = {STLINK_PID_V1, 1, 13, 0, 0, 0},
};

/* V2 SWD_SET_FREQ divisors and their clocks (docs/stlink.md, SWD clock). */
static const struct {
    uint16_t divisor;
    uint16_t khz;
} v2_swd_clocks[] = {
    {0, 4000}, {1, 1800}, {2, 1200}, {3, 950},  {7, 480},  {15, 240},
    {31, 125}, {40, 100}, {79, 50},  {158, 25}, {265, 15}, {798, 5},
};

/* Clocks a V3 offers for SWD (GET_COM_FREQ). */
static const uint32_t v3_swd_khz[] = {24000, 8000, 3300, 1000, 200, 50, 5};

void sim_probe_init(struct sim_probe *p, const struct sim_probe_config *cfg,
                    struct sim_target *target)
{
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    p->target = target;
    p->mode = cfg->start_mode;
    p->swd_khz = cfg->kind == SIM_PROBE_V3 ? 1000 : SIM_SWD_DEFAULT_KHZ;
    p->last_rw_status = STLINK_OK;
    if (cfg->stale_reply) {
        /* the status reply of a command whose client was killed before reading it */
        p->in_fifo[0] = STLINK_OK;
        p->in_fifo[1] = 0;
        p->in_fifo_len = 2;
    }
}

/* The firmware's J number: the configured one, else the kind's default. */
static unsigned fw_jtag(const struct sim_probe *p)
{
    return p->cfg.fw_jtag ? p->cfg.fw_jtag : versions[p->cfg.kind].jtag;
}

bool probe_fw_has(const struct sim_probe *p, enum fw_feature f)
{
    static const uint8_t v2_from[] = {
        [FW_VOLTAGE] = 13, [FW_RW_STATUS2] = 15, [FW_SWD_FREQ] = 22, [FW_DAP_REG] = 24,
        [FW_MEM16] = 26,   [FW_INIT_AP] = 28,    [FW_RW_MISC] = 32,  [FW_RW8_512] = 255,
    };
    unsigned j = fw_jtag(p);
    if (versions[p->cfg.kind].major == 1)
        return false; /* ST-LINK/V1: none of the V2 additions, whatever its debug API */
    if (versions[p->cfg.kind].major >= 3) {
        if (f == FW_SWD_FREQ)
            return false;
        if (f == FW_RW_MISC)
            return j >= 2;
        if (f == FW_RW8_512)
            return j >= 6;
        return true;
    }
    return j >= v2_from[f];
}

uint16_t sim_probe_pid(const struct sim_probe *p)
{
    return versions[p->cfg.kind].pid;
}

int sim_probe_version_major(const struct sim_probe *p)
{
    return versions[p->cfg.kind].major;
}

void sim_probe_serial_text(const struct sim_probe *p, char *out, size_t cap)
{
    bool printable = true;
    for (size_t i = 0; i < p->cfg.serial_len; i++)
        if (p->cfg.serial[i] < 0x20 || p->cfg.serial[i] > 0x7E)
            printable = false;
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->cfg.serial_len && n + 3 <= cap; i++) {
        if (printable)
            out[n++] = (char)p->cfg.serial[i];
        else
            n += (size_t)snprintf(out + n, cap - n, "%02X", p->cfg.serial[i]);
    }
    if (n < cap)
        out[n] = '\0';
}

static bool in_debug(const struct sim_probe *p)
{
    return p->mode == STLINK_MODE_DEBUG;
}

/* A two-byte status reply; returns its length. */
static size_t status_reply(uint8_t *reply, size_t cap, uint8_t status)
{
    if (cap >= 1)
        reply[0] = status;
    if (cap >= 2)
        reply[1] = 0;
    return cap < 2 ? cap : 2;
}

/* ---- debug commands ---- */

static uint8_t link_status(const struct sim_probe *p)
{
    return sim_target_link_up(p->target) ? STLINK_OK : STLINK_SWD_DP_ERROR;
}

static size_t word_reply(uint8_t *reply, size_t cap, uint8_t status, uint32_t value)
{
    uint8_t buf[8] = {status};
    le32_put(&buf[4], value);
    size_t n = cap < 8 ? cap : 8;
    memcpy(reply, buf, n);
    return n;
}

static void set_nrst(struct sim_probe *p, uint8_t how)
{
    struct sim_target *t = p->target;
    if (how == STLINK_NRST_LOW) {
        sim_target_set_nrst(t, true);
    } else if (how == STLINK_NRST_HIGH) {
        sim_target_set_nrst(t, false);
    } else {
        sim_target_set_nrst(t, true);
        sim_target_advance(t, 2ull * SIM_PS_PER_MS);
        sim_target_set_nrst(t, false);
    }
}

static uint32_t v2_divisor_khz(uint16_t divisor)
{
    uint32_t khz = v2_swd_clocks[0].khz;
    for (size_t i = 0; i < sizeof v2_swd_clocks / sizeof v2_swd_clocks[0]; i++)
        if (v2_swd_clocks[i].divisor <= divisor)
            khz = v2_swd_clocks[i].khz;
    return khz;
}

static size_t com_freq_list(uint8_t *reply, size_t cap)
{
    uint8_t buf[52] = {STLINK_OK};
    size_t n = sizeof v3_swd_khz / sizeof v3_swd_khz[0];
    buf[8] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        le32_put(&buf[12 + 4 * i], v3_swd_khz[i]);
    n = cap < sizeof buf ? cap : sizeof buf;
    memcpy(reply, buf, n);
    return n;
}

static uint32_t v3_pick_khz(uint32_t want)
{
    /* the fastest offered clock not above the request, else the slowest */
    for (size_t i = 0; i < sizeof v3_swd_khz / sizeof v3_swd_khz[0]; i++)
        if (v3_swd_khz[i] <= want)
            return v3_swd_khz[i];
    return v3_swd_khz[sizeof v3_swd_khz / sizeof v3_swd_khz[0] - 1];
}

static size_t read_all_regs(struct sim_probe *p, uint8_t *reply, size_t cap)
{
    uint8_t buf[88] = {0};
    uint8_t st = link_status(p);
    le32_put(buf, st);
    static const unsigned regsel[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,
                                      10, 11, 12, 13, 14, 15, 16, 17, 18, 20};
    if (st == STLINK_OK)
        for (size_t i = 0; i < sizeof regsel / sizeof regsel[0]; i++) {
            uint32_t v = 0;
            cortexm_read_core_reg(p->target, regsel[i], &v);
            le32_put(&buf[4 + 4 * i], v);
        }
    p->swd_transfers += 21u * 3u;
    size_t n = cap < sizeof buf ? cap : sizeof buf;
    memcpy(reply, buf, n);
    return n;
}

/* --spurious-0d: every third successful register write answers 0x0D (write-verify error)
 * though it was carried out, as some ST-LINK firmware does on register writes. */
static uint8_t spurious_0d(struct sim_probe *p, uint8_t st)
{
    if (!p->cfg.spurious_0d || st != STLINK_OK)
        return st;
    return ++p->reg_writes % 3u == 0 ? STLINK_JTAG_WRITE_VERIF_ERROR : st;
}

static size_t debug_cmd(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out, size_t out_len,
                        uint8_t *reply, size_t cap)
{
    struct sim_target *t = p->target;
    const struct version_info *ver = &versions[p->cfg.kind];

    if (p->mode == STLINK_MODE_DFU) {
        /* Debug commands are not understood until DFU_EXIT. */
        struct stlink_phase ph;
        size_t n =
            stlink_cmd_phase(cmd, ver->major, &ph) == 0 && ph.dir == STLINK_PHASE_IN ? ph.len : 0;
        n = n < cap ? n : cap;
        memset(reply, 0, n);
        return n;
    }

    switch (cmd[1]) {
    case STLINK_DEBUG_APIV2_ENTER:
        if (cmd[2] != STLINK_ENTER_SWD_NO_RESET && cmd[2] != STLINK_ENTER_JTAG_NO_RESET)
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        p->swd_transfers += 4; /* line reset, DPIDR, CTRL/STAT power-up */
        if (!sim_target_link_up(t))
            return status_reply(reply, cap, STLINK_SWD_DP_ERROR);
        dap_write(t, 0xFFFFu, 0x4u, (1u << 28) | (1u << 30));
        p->mode = STLINK_MODE_DEBUG;
        return status_reply(reply, cap, STLINK_OK);
    case STLINK_DEBUG_EXIT:
        /* STLINK-V3 firmware (seen on V3J15) stops answering USB when it gets DEBUG_EXIT
         * outside debug mode, e.g. after a failed SWD entry, until the device is reset. */
        if (ver->major >= 3 && p->mode != STLINK_MODE_DEBUG)
            p->hung = true;
        p->mode = STLINK_MODE_MASS;
        return 0;
    case STLINK_DEBUG_READCOREID: {
        uint8_t buf[4];
        le32_put(buf, sim_target_link_up(t) ? t->chip->dp_idcode : 0);
        memcpy(reply, buf, cap < 4 ? cap : 4);
        p->swd_transfers++;
        return cap < 4 ? cap : 4;
    }
    case STLINK_DEBUG_APIV2_READ_IDCODES: {
        uint8_t buf[12] = {link_status(p)};
        if (buf[0] == STLINK_OK)
            le32_put(&buf[4], t->chip->dp_idcode);
        p->swd_transfers++;
        memcpy(reply, buf, cap < 12 ? cap : 12);
        return cap < 12 ? cap : 12;
    }
    case STLINK_DEBUG_APIV2_RESETSYS:
        if (link_status(p) == STLINK_OK)
            sim_target_system_reset(t);
        p->swd_transfers += 2;
        return status_reply(reply, cap, link_status(p));
    case STLINK_DEBUG_APIV2_DRIVE_NRST:
        set_nrst(p, cmd[2]);
        return status_reply(reply, cap, STLINK_OK);
    case STLINK_DEBUG_APIV2_READREG: {
        uint32_t v = 0;
        uint8_t st = link_status(p);
        if (st == STLINK_OK && cortexm_read_core_reg(t, cmd[2], &v) != 0)
            st = STLINK_FALSE;
        p->swd_transfers += 3;
        return word_reply(reply, cap, st, v);
    }
    case STLINK_DEBUG_APIV2_WRITEREG: {
        uint8_t st = link_status(p);
        if (st == STLINK_OK && cortexm_write_core_reg(t, cmd[2], le32_get(&cmd[3])) != 0)
            st = STLINK_FALSE;
        p->swd_transfers += 3;
        return status_reply(reply, cap, spurious_0d(p, st));
    }
    case STLINK_DEBUG_APIV2_READALLREGS:
        return read_all_regs(p, reply, cap);
    case STLINK_DEBUG_APIV2_READDEBUGREG: {
        uint32_t v = 0;
        uint8_t st = link_status(p);
        if (st == STLINK_OK)
            st = probe_bus_access(p, le32_get(&cmd[2]), 4, &v, 0);
        p->swd_transfers += 3;
        return word_reply(reply, cap, st, v);
    }
    case STLINK_DEBUG_APIV2_WRITEDEBUGREG: {
        uint8_t st = link_status(p);
        if (st == STLINK_OK)
            st = probe_bus_access(p, le32_get(&cmd[2]), 4, NULL, le32_get(&cmd[6]));
        p->swd_transfers += 3;
        return status_reply(reply, cap, spurious_0d(p, st));
    }
    case STLINK_DEBUG_APIV2_GETLASTRWSTATUS:
        return status_reply(reply, cap, p->last_rw_status);
    case STLINK_DEBUG_APIV2_GETLASTRWSTATUS2: {
        if (!probe_fw_has(p, FW_RW_STATUS2))
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        uint8_t buf[12] = {p->last_rw_status};
        le32_put(&buf[4], p->last_rw_fault);
        memcpy(reply, buf, cap < 12 ? cap : 12);
        return cap < 12 ? cap : 12;
    }
    case STLINK_DEBUG_APIV2_SWD_SET_FREQ:
        if (!probe_fw_has(p, FW_SWD_FREQ))
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        p->swd_khz = v2_divisor_khz(le16_get(&cmd[2]));
        return status_reply(reply, cap, STLINK_OK);
    case STLINK_DEBUG_APIV2_JTAG_SET_FREQ:
        return status_reply(reply, cap, STLINK_OK);
    case STLINK_DEBUG_APIV3_GET_COM_FREQ:
        if (ver->major < 3)
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        return com_freq_list(reply, cap);
    case STLINK_DEBUG_APIV3_SET_COM_FREQ:
        if (ver->major < 3)
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        p->swd_khz = v3_pick_khz(le32_get(&cmd[4]));
        return word_reply(reply, cap, STLINK_OK, p->swd_khz);
    case STLINK_DEBUG_APIV2_READ_DAP_REG: {
        if (!probe_fw_has(p, FW_DAP_REG))
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        uint32_t v = 0;
        uint8_t st = link_status(p);
        if (st == STLINK_OK) {
            int rc = dap_read(t, le16_get(&cmd[2]), le16_get(&cmd[4]), &v);
            st = rc == 0 ? STLINK_OK : rc == -2 ? STLINK_SWD_AP_WAIT : STLINK_SWD_AP_FAULT;
        }
        p->swd_transfers += 2;
        return word_reply(reply, cap, st, v);
    }
    case STLINK_DEBUG_APIV2_WRITE_DAP_REG: {
        if (!probe_fw_has(p, FW_DAP_REG))
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        uint8_t st = link_status(p);
        if (st == STLINK_OK) {
            int rc = dap_write(t, le16_get(&cmd[2]), le16_get(&cmd[4]), le32_get(&cmd[6]));
            st = rc == 0 ? STLINK_OK : rc == -2 ? STLINK_SWD_AP_WAIT : STLINK_SWD_AP_FAULT;
        }
        p->swd_transfers += 2;
        return status_reply(reply, cap, st);
    }
    case STLINK_DEBUG_APIV2_INIT_AP:
        if (!probe_fw_has(p, FW_INIT_AP))
            return status_reply(reply, cap, STLINK_JTAG_UNKNOWN_CMD);
        return status_reply(reply, cap, cmd[2] == 0 ? link_status(p) : STLINK_BAD_AP_ERROR);
    case STLINK_DEBUG_APIV2_CLOSE_AP_DBG:
        return status_reply(reply, cap,
                            probe_fw_has(p, FW_INIT_AP) ? STLINK_OK : STLINK_JTAG_UNKNOWN_CMD);
    case STLINK_DEBUG_APIV2_RW_MISC_OUT:
        if (!probe_fw_has(p, FW_RW_MISC)) {
            p->rw_misc_items = 0;
            return 0;
        }
        probe_rw_misc_out(p, cmd, out, out_len);
        return 0;
    case STLINK_DEBUG_APIV2_RW_MISC_IN:
        return probe_rw_misc_in(p, reply, cap);
    case STLINK_DEBUG_APIV2_START_TRACE_RX:
        /* [2..3] the host's buffer size, [4..7] the SWO baud rate (sim/swo.h) */
        sim_swo_rx_start(&t->swo, le32_get(&cmd[4]));
        return status_reply(reply, cap, STLINK_OK);
    case STLINK_DEBUG_APIV2_STOP_TRACE_RX:
        sim_swo_rx_stop(&t->swo);
        return status_reply(reply, cap, STLINK_OK);
    case STLINK_DEBUG_APIV2_GET_TRACE_NB: {
        /* Bytes waiting for the trace endpoint, u16 (no status byte). */
        size_t n = sim_swo_rx_count(&t->swo);
        if (cap >= 2)
            le16_put(reply, (uint16_t)(n > 0xFFFFu ? 0xFFFFu : n));
        return cap < 2 ? cap : 2;
    }
    default:
        break;
    }
    if (cmd[1] == STLINK_DEBUG_APIV2_READMEM_16BIT || cmd[1] == STLINK_DEBUG_APIV2_WRITEMEM_16BIT) {
        if (!probe_fw_has(p, FW_MEM16)) {
            /* Unknown to this firmware: nothing reaches the target, and a client that asks
             * for the status hears so instead of a stale OK. */
            p->last_rw_status = STLINK_JTAG_UNKNOWN_CMD;
            p->last_rw_fault = le32_get(&cmd[2]);
            size_t n = cmd[1] == STLINK_DEBUG_APIV2_READMEM_16BIT ? le16_get(&cmd[6]) : 0;
            n = n < cap ? n : cap;
            memset(reply, 0, n);
            return n;
        }
    }
    if (!in_debug(p)) {
        /* memory commands outside debug mode: nothing reaches the target */
        p->last_rw_status = STLINK_SWD_DP_ERROR;
    }
    return probe_mem_cmd(p, cmd, out, out_len, reply, cap);
}

static size_t version_reply(struct sim_probe *p, uint8_t *reply, size_t cap)
{
    const struct version_info *v = &versions[p->cfg.kind];
    uint8_t buf[6];
    be16_put(buf, (uint16_t)(v->major << 12 | (fw_jtag(p) & 0x3F) << 6 | (v->swim_or_msd & 0x3F)));
    le16_put(&buf[2], STLINK_VID);
    le16_put(&buf[4], v->pid);
    size_t n = cap < 6 ? cap : 6;
    memcpy(reply, buf, n);
    return n;
}

static size_t version_ex_reply(struct sim_probe *p, uint8_t *reply, size_t cap)
{
    const struct version_info *v = &versions[p->cfg.kind];
    uint8_t buf[12] = {0};
    if (v->major >= 3) {
        buf[0] = v->major;
        buf[1] = v->swim_or_msd;
        buf[2] = (uint8_t)fw_jtag(p);
        buf[3] = v->msd;
        buf[4] = v->bridge;
        le16_put(&buf[8], STLINK_VID);
        le16_put(&buf[10], v->pid);
    }
    size_t n = cap < 12 ? cap : 12;
    memcpy(reply, buf, n);
    return n;
}

static size_t voltage_reply(struct sim_probe *p, uint8_t *reply, size_t cap)
{
    if (!probe_fw_has(p, FW_VOLTAGE)) {
        /* unknown before J13: no measurement (a zero reference) */
        size_t n = cap < 8 ? cap : 8;
        memset(reply, 0, n);
        return n;
    }
    /* volts = 2 * 1.2 * reading / ref: the probe measures half the target voltage against its
     * 1.2 V reference with a 12-bit converter. */
    const uint32_t ref = 1638;
    uint32_t reading = (uint32_t)((uint64_t)p->target->cfg.voltage_mv * ref / 2400u);
    uint8_t buf[8];
    le32_put(buf, ref);
    le32_put(&buf[4], reading);
    size_t n = cap < 8 ? cap : 8;
    memcpy(reply, buf, n);
    return n;
}

static sim_ps usb_cmd_ps(const struct sim_probe *p)
{
    return p->cfg.kind == SIM_PROBE_V3 ? SIM_USB_HS_CMD_PS : SIM_USB_FS_CMD_PS;
}

static sim_ps usb_byte_ps(const struct sim_probe *p)
{
    return p->cfg.kind == SIM_PROBE_V3 ? SIM_USB_HS_BYTE_PS : SIM_USB_FS_BYTE_PS;
}

/* What USB does to the probe (enum sim_probe_usb_cmd); false for a firmware command. */
static bool usb_command(struct sim_probe *p, const uint8_t cmd[16], uint8_t *reply, size_t cap,
                        size_t *n)
{
    *n = 0;
    if (cmd[0] == SIM_PROBE_USB_RESET) {
        /* The firmware restarts: endpoints flushed, out of debug mode, answering again. */
        p->hung = false;
        p->in_fifo_len = 0;
        p->mode = STLINK_MODE_MASS;
        return true;
    }
    if (cmd[0] == SIM_PROBE_USB_V1_STATUS) {
        if (cap >= SIM_PROBE_USB_V1_STATUS_LEN) {
            reply[0] = p->v1_failed ? 1 : 0;
            le16_put(&reply[1], (uint16_t)p->v1_reply_len);
            *n = SIM_PROBE_USB_V1_STATUS_LEN;
        }
        return true;
    }
    if (cmd[0] == SIM_PROBE_USB_READ_IN) {
        if (cap == 0)
            return true;
        size_t k = p->hung ? 0 : p->in_fifo_len;
        if (k + 1 > cap)
            k = cap - 1;
        reply[0] = (uint8_t)k;
        memcpy(reply + 1, p->in_fifo, k);
        memmove(p->in_fifo, p->in_fifo + k, p->in_fifo_len - k);
        p->in_fifo_len -= k;
        *n = k + 1;
        return true;
    }
    return false;
}

/* A reply goes into the IN endpoint behind what is still there: the client gets the oldest
 * data (a short packet, the rest of its buffer zero) and the new reply waits its turn. */
static size_t queue_reply(struct sim_probe *p, uint8_t *reply, size_t n, size_t cap)
{
    if (p->in_fifo_len == 0 || n == 0)
        return n;
    uint8_t fresh[SIM_PROBE_STALE_MAX];
    size_t keep = n < sizeof fresh ? n : sizeof fresh; /* a longer reply overflows the queue */
    memcpy(fresh, reply, keep);
    size_t old = p->in_fifo_len < cap ? p->in_fifo_len : cap;
    memset(reply, 0, n);
    memcpy(reply, p->in_fifo, old);
    memcpy(p->in_fifo, fresh, keep);
    p->in_fifo_len = keep;
    return n;
}

size_t sim_probe_command(struct sim_probe *p, const uint8_t cmd[16], const uint8_t *out,
                         size_t out_len, uint8_t *reply, size_t cap)
{
    struct sim_target *t = p->target;
    size_t n = 0;

    /* An injected dropped reply is that of the command it hit: the queries of the stand-in
     * libusb (endpoint contents, USB reset) after it are answered. */
    if (t->faults)
        t->faults->reply_dropped = false;
    if (usb_command(p, cmd, reply, cap, &n))
        return n;
    if (p->hung) {
        /* Nothing is executed and nothing answers. */
        if (p->trace)
            fprintf(p->trace,
                    "[%12.6f] cmd %02x %02x ignored: the probe hangs until a USB "
                    "reset\n",
                    (double)t->now / (double)SIM_PS_PER_S, cmd[0], cmd[1]);
        return 0;
    }
    if (t->faults) {
        /* A reset or power loss injected while programming happens between two commands. */
        enum sim_fault_reset r = sim_faults_take_reset(t->faults);
        if (r == SIM_FAULT_RESET_SYSTEM)
            sim_target_system_reset(t);
        else if (r == SIM_FAULT_RESET_POWER)
            sim_target_power_on_reset(t);
        if (!sim_faults_command(t->faults)) {
            if (p->trace)
                fprintf(p->trace,
                        "[%12.6f] cmd %02x %02x ignored: the probe is gone (injected "
                        "fault)\n",
                        (double)t->now / (double)SIM_PS_PER_S, cmd[0], cmd[1]);
            return 0;
        }
    }

    sim_target_charge(t, SIM_COST_USB_LATENCY, usb_cmd_ps(p));
    sim_target_charge(t, SIM_COST_USB_DATA, (STLINK_CMD_SIZE + out_len) * usb_byte_ps(p));
    p->swd_transfers = 0;
    if (t->stats) {
        t->stats->commands++;
        t->stats->commands_by_code[cmd[0] == STLINK_CMD_DEBUG ? cmd[1] : cmd[0]]++;
        t->stats->bytes_out += STLINK_CMD_SIZE + out_len;
    }

    p->v1_failed = false;
    if (versions[p->cfg.kind].major == 1 && cmd[0] != STLINK_CMD_GET_VERSION &&
        cmd[0] != STLINK_CMD_GET_CURRENT_MODE && cmd[0] != STLINK_CMD_DFU &&
        (cmd[0] != STLINK_CMD_DEBUG || fw_jtag(p) < 11)) {
        /* ST-LINK/V1: debug API v1 before J11, API v2 (without any of the V2 additions) from
         * J11; no voltage, SWIM or GET_VERSION_EX. */
        if (cmd[0] == STLINK_CMD_DEBUG)
            n = sim_probe_v1_debug(p, cmd, out, out_len, reply, cap);
        else
            p->v1_failed = true;
        goto answered;
    }
    switch (cmd[0]) {
    case STLINK_CMD_GET_VERSION:
        n = version_reply(p, reply, cap);
        break;
    case STLINK_CMD_GET_VERSION_EX:
        n = version_ex_reply(p, reply, cap);
        break;
    case STLINK_CMD_GET_CURRENT_MODE:
        if (cap >= 2) {
            reply[0] = p->mode;
            reply[1] = 0;
        }
        n = cap < 2 ? cap : 2;
        break;
    case STLINK_CMD_GET_TARGET_VOLTAGE:
        n = voltage_reply(p, reply, cap);
        break;
    case STLINK_CMD_DFU:
        if (cmd[1] == STLINK_DFU_EXIT)
            p->mode = STLINK_MODE_MASS;
        break;
    case STLINK_CMD_SWIM:
        if (cmd[1] == STLINK_SWIM_EXIT && p->mode == STLINK_MODE_SWIM)
            p->mode = STLINK_MODE_MASS;
        break;
    case STLINK_CMD_DEBUG:
        n = debug_cmd(p, cmd, out, out_len, reply, cap);
        break;
    default:
        break;
    }

answered:
    if (t->faults && t->faults->reply_dropped)
        n = 0; /* executed, but its reply never comes (injected fault) */
    n = queue_reply(p, reply, n, cap);
    p->v1_reply_len = n;
    if (p->swd_transfers)
        sim_target_charge(t, SIM_COST_SWD,
                          p->swd_transfers * SIM_SWD_CYCLES_PER_TRANSFER *
                              (SIM_PS_PER_S / 1000u / p->swd_khz));
    sim_target_charge(t, SIM_COST_USB_DATA, n * usb_byte_ps(p));
    if (t->stats)
        t->stats->bytes_in += n;
    if (p->trace) {
        fprintf(p->trace, "[%12.6f] cmd", (double)t->now / (double)SIM_PS_PER_S);
        for (int i = 0; i < 10; i++)
            fprintf(p->trace, " %02x", cmd[i]);
        fprintf(p->trace, " out=%zu in=%zu", out_len, n);
        if (n)
            fprintf(p->trace, " reply=%02x %02x %02x %02x %02x %02x %02x %02x", reply[0],
                    n > 1 ? reply[1] : 0, n > 2 ? reply[2] : 0, n > 3 ? reply[3] : 0,
                    n > 4 ? reply[4] : 0, n > 5 ? reply[5] : 0, n > 6 ? reply[6] : 0,
                    n > 7 ? reply[7] : 0);
        fprintf(p->trace, " last=%02x pc=%s\n", p->last_rw_status,
                t->core.halted ? "halted" : "running");
    }
    return n;
}
