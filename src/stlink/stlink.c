/*
 * The ST-LINK protocol, client side: version, modes, target voltage, SWD clock, SWD entry, NRST
 * and system reset. Every command goes through stlink_exchange.h (sized, logged, its status
 * checked); memory and register access is in stlink_mem.c.
 */
#include "stlink/stlink.h"

#include <stdbool.h>
#include <stdio.h>

#include "core/le.h"
#include "stlink/stlink_exchange.h"
#include "stlink/stlink_proto.h"
#include "stlink/stlink_v1.h"

#define STLINK_DEFAULT_WAIT_MS 500u
/* First V2 firmware speaking debug API v2; V3 firmware on which 8-bit transfers take 512 bytes. */
#define STLINK_V2_API2_JTAG 11u
#define STLINK_V3_RW8_512_JTAG 6u
/* V3 GET_COM_FREQ: number of entries at [8], kHz values from [12]. */
#define STLINK_V3_FREQ_COUNT 8
#define STLINK_V3_FREQ_LIST 12
#define STLINK_V3_FREQ_MAX 10u

/* V2 SWD_SET_FREQ divisors, fastest first (docs/stlink.md). */
static const struct {
    uint16_t divisor;
    uint16_t khz;
} v2_swd_divisors[] = {
    {0, 4000}, {1, 1800}, {2, 1200}, {3, 950},  {7, 480},  {15, 240},
    {31, 125}, {40, 100}, {79, 50},  {158, 25}, {265, 15}, {798, 5},
};

/* ---- version and modes ---- */

static bool pid_is_v2_1(uint16_t pid)
{
    return pid == STLINK_PID_V2_1 || pid == STLINK_PID_V2_1_NOMSD || pid == STLINK_PID_V2_AUDIO;
}

static uint32_t v2_features(unsigned jtag)
{
    uint32_t f = 0;
    if (jtag >= 13)
        f |= STLINK_F_VOLTAGE;
    if (jtag >= 15)
        f |= STLINK_F_RW_STATUS2;
    if (jtag >= 22)
        f |= STLINK_F_SWD_FREQ;
    if (jtag >= 24)
        f |= STLINK_F_DAP_REG;
    if (jtag >= 26)
        f |= STLINK_F_MEM16;
    if (jtag >= 28)
        f |= STLINK_F_INIT_AP;
    return f;
}

void stlink_version_string(const struct stlink *sl, char *out, size_t cap)
{
    if (sl->hw == 1)
        snprintf(out, cap, "V1J%uS%u", sl->jtag, sl->swim);
    else if (sl->hw >= 3)
        snprintf(out, cap, "V%uJ%uM%uB%uS%u", sl->hw, sl->jtag, sl->msd, sl->bridge, sl->swim);
    else if (sl->msd)
        snprintf(out, cap, "V%uJ%uM%u", sl->hw, sl->jtag, sl->msd);
    else
        snprintf(out, cap, "V%uJ%uS%u", sl->hw, sl->jtag, sl->swim);
}

static int read_version(struct stlink *sl)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[12];
    stlink_cmd_init(cmd, STLINK_CMD_GET_VERSION, 0);
    int rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, "cannot read the probe version");
    uint16_t word = be16_get(rep);
    unsigned hw = word >> 12;
    unsigned jtag = (word >> 6) & 0x3Fu;
    unsigned low = word & 0x3Fu;
    uint16_t vid = le16_get(&rep[2]), pid = le16_get(&rep[4]);
    if (vid != STLINK_VID)
        /* Every ST-LINK repeats ST's vendor ID here: anything else is not this reply (an old
         * one left in the endpoint, or a probe that does not answer). */
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE,
                        "cannot read the probe version: the answer (%02x %02x %02x %02x %02x "
                        "%02x) is not a version",
                        rep[0], rep[1], rep[2], rep[3], rep[4], rep[5]);

    if (hw == 1) {
        /* ST-LINK/V1: debug API v1 before J11, API v2 from J11, without any of the V2
         * additions (no GETLASTRWSTATUS2, voltage, clock, 16-bit or DAP commands). */
        sl->hw = 1;
        sl->jtag = jtag;
        sl->swim = low;
        sl->msd = 0;
        sl->bridge = 0;
        sl->vid = vid;
        sl->pid = pid;
        sl->api = jtag >= STLINK_V2_API2_JTAG ? 2 : 1;
        sl->features = 0;
        sl->max_rw8 = STLINK_V1_MAX_RW8;
        sl->swd_khz = 0;
        return STFLASH_OK;
    }
    if (hw >= 3) {
        stlink_cmd_init(cmd, STLINK_CMD_GET_VERSION_EX, 0);
        rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
        if (rc != STFLASH_OK)
            return stlink_wrap_fail(sl, rc, "cannot read the probe version (GET_VERSION_EX)");
        sl->hw = rep[0];
        sl->swim = rep[1];
        sl->jtag = rep[2];
        sl->msd = rep[3];
        sl->bridge = rep[4];
        sl->vid = le16_get(&rep[8]);
        sl->pid = le16_get(&rep[10]);
        if (sl->hw < 3)
            return ctx_fail(sl->ctx, STFLASH_ERR_FORMAT,
                            "probe %04x:%04x answered GET_VERSION_EX with version %u", vid, pid,
                            sl->hw);
        sl->api = 3;
        sl->features = STLINK_F_VOLTAGE | STLINK_F_RW_STATUS2 | STLINK_F_SWD_FREQ |
                       STLINK_F_DAP_REG | STLINK_F_MEM16 | STLINK_F_INIT_AP | STLINK_F_V3_FREQ;
        sl->max_rw8 = sl->jtag >= STLINK_V3_RW8_512_JTAG ? STLINK_V3_MAX_RW8 : STLINK_V2_MAX_RW8;
        sl->swd_khz = 0;
        return STFLASH_OK;
    }
    if (hw != 2)
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "probe %04x:%04x reports hardware version %u: not an ST-LINK/V2 or V3", vid,
                        pid, hw);
    sl->hw = 2;
    sl->jtag = jtag;
    sl->vid = vid;
    sl->pid = pid;
    sl->bridge = 0;
    if (pid_is_v2_1(pid)) {
        sl->msd = low;
        sl->swim = 0;
    } else {
        sl->swim = low;
        sl->msd = 0;
    }
    if (jtag < STLINK_V2_API2_JTAG) {
        char ver[32];
        stlink_version_string(sl, ver, sizeof ver);
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "probe firmware %s speaks the old debug API v1, which is not supported: "
                        "update the probe firmware with STM32CubeProgrammer (or ST's ST-LINK "
                        "upgrade tool, STSW-LINK007)",
                        ver);
    }
    sl->api = 2;
    sl->features = v2_features(jtag);
    sl->max_rw8 = STLINK_V2_MAX_RW8;
    sl->swd_khz = 1800;
    return STFLASH_OK;
}

int stlink_current_mode(struct stlink *sl, uint8_t *mode)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[2];
    stlink_cmd_init(cmd, STLINK_CMD_GET_CURRENT_MODE, 0);
    int rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, "cannot read the probe mode");
    *mode = rep[0];
    return STFLASH_OK;
}

static int send_no_reply(struct stlink *sl, uint8_t b0, uint8_t b1, const char *what)
{
    uint8_t cmd[STLINK_CMD_SIZE];
    stlink_cmd_init(cmd, b0, b1);
    int rc = stlink_exchange(sl, cmd, NULL, 0, NULL, 0);
    return rc == STFLASH_OK ? STFLASH_OK : stlink_wrap_fail(sl, rc, what);
}

static const char *mode_name(uint8_t mode)
{
    switch (mode) {
    case STLINK_MODE_DFU:
        return "DFU";
    case STLINK_MODE_MASS:
        return "mass storage";
    case STLINK_MODE_DEBUG:
        return "debug";
    case STLINK_MODE_SWIM:
        return "SWIM";
    case STLINK_MODE_BOOTLOADER:
        return "bootloader";
    default:
        return "unknown";
    }
}

/* Leaves DFU mode with one DFU_EXIT, as the proven clients do: the firmware switches without
 * answering, and asking again at once only adds commands it may not expect. A probe that stays
 * in DFU fails at SWD entry. */
static int leave_dfu(struct stlink *sl)
{
    ctx_log(sl->ctx, STFLASH_LOG_INFO, "probe is in DFU mode: leaving it");
    return send_no_reply(sl, STLINK_CMD_DFU, STLINK_DFU_EXIT, "cannot leave DFU mode");
}

int stlink_init(struct stlink *sl, struct transport *tr)
{
    struct stlink s = {.tr = tr, .ctx = tr->ctx, .wait_timeout_ms = STLINK_DEFAULT_WAIT_MS};
    int rc = read_version(&s);
    if ((rc == STFLASH_ERR_TIMEOUT || rc == STFLASH_ERR_IO || rc == STFLASH_ERR_PROBE) &&
        tr->reset) {
        /* A probe that stopped answering (an STLINK-V3 after DEBUG_EXIT outside debug mode)
         * or holds an old reply answers again after a USB reset of the device. */
        ctx_log(s.ctx, STFLASH_LOG_WARN, "%s; resetting the probe's USB device and retrying",
                stflash_last_error(s.ctx));
        rc = tr->reset(tr);
        if (rc == STFLASH_OK)
            rc = read_version(&s);
    }
    if (rc != STFLASH_OK)
        return rc;
    char ver[32];
    stlink_version_string(&s, ver, sizeof ver);
    ctx_log(s.ctx, STFLASH_LOG_INFO, "probe %04x:%04x firmware %s, API v%u", s.vid, s.pid, ver,
            s.api);

    uint8_t mode;
    rc = stlink_current_mode(&s, &mode);
    if (rc != STFLASH_OK)
        return rc;
    s.initial_mode = mode;
    switch (mode) {
    case STLINK_MODE_DFU:
        rc = leave_dfu(&s);
        break;
    case STLINK_MODE_BOOTLOADER:
        /* No client sends anything for this mode: DFU_EXIT is not its way out. */
        ctx_log(s.ctx, STFLASH_LOG_INFO, "probe reports %s mode (0x%02x): left as it is",
                mode_name(mode), mode);
        break;
    case STLINK_MODE_SWIM:
        ctx_log(s.ctx, STFLASH_LOG_INFO, "probe is in SWIM mode: leaving it");
        rc = send_no_reply(&s, STLINK_CMD_SWIM, STLINK_SWIM_EXIT, "cannot leave SWIM mode");
        break;
    case STLINK_MODE_DEBUG:
        ctx_log(s.ctx, STFLASH_LOG_INFO, "probe is already in debug mode: leaving it first");
        rc = stlink_exit_debug(&s);
        break;
    case STLINK_MODE_MASS:
        break;
    default:
        ctx_log(s.ctx, STFLASH_LOG_INFO, "probe reports unknown mode 0x%02x", mode);
        break;
    }
    if (rc != STFLASH_OK)
        return rc;
    *sl = s;
    return STFLASH_OK;
}

/* ---- voltage, clock, debug mode ---- */

int stlink_target_voltage(struct stlink *sl, double *volts)
{
    if (sl->hw == 1)
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "an ST-LINK/V1 cannot measure the target voltage");
    if (!(sl->features & STLINK_F_VOLTAGE)) {
        char ver[32];
        stlink_version_string(sl, ver, sizeof ver);
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "probe firmware %s cannot measure the target voltage (needs J13 or later)",
                        ver);
    }
    uint8_t cmd[STLINK_CMD_SIZE], rep[8];
    stlink_cmd_init(cmd, STLINK_CMD_GET_TARGET_VOLTAGE, 0);
    int rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, "cannot read the target voltage");
    uint32_t ref = le32_get(rep), reading = le32_get(&rep[4]);
    if (ref == 0)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE,
                        "cannot read the target voltage: the probe reports a zero reference");
    *volts = 2.0 * 1.2 * (double)reading / (double)ref;
    return STFLASH_OK;
}

static int set_v2_khz(struct stlink *sl, uint32_t khz, uint32_t *actual)
{
    size_t n = sizeof v2_swd_divisors / sizeof v2_swd_divisors[0];
    size_t pick = n - 1; /* the slowest when the request is below every value */
    for (size_t i = 0; i < n; i++) {
        if (v2_swd_divisors[i].khz <= khz) {
            pick = i;
            break;
        }
    }
    uint8_t cmd[STLINK_CMD_SIZE], rep[2];
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_SWD_SET_FREQ);
    le16_put(&cmd[2], v2_swd_divisors[pick].divisor);
    char what[64];
    snprintf(what, sizeof what, "cannot set the SWD clock to %u kHz", v2_swd_divisors[pick].khz);
    int rc = stlink_checked_cmd(sl, cmd, rep, sizeof rep, what);
    if (rc != STFLASH_OK)
        return rc;
    sl->swd_khz = v2_swd_divisors[pick].khz;
    *actual = sl->swd_khz;
    return STFLASH_OK;
}

static int set_v3_khz(struct stlink *sl, uint32_t khz, uint32_t *actual)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[52];
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV3_GET_COM_FREQ);
    cmd[2] = 0; /* SWD */
    int rc =
        stlink_checked_cmd(sl, cmd, rep, sizeof rep, "cannot read the SWD clocks the probe offers");
    if (rc != STFLASH_OK)
        return rc;
    unsigned count = rep[STLINK_V3_FREQ_COUNT];
    if (count == 0 || count > STLINK_V3_FREQ_MAX)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE,
                        "cannot set the SWD clock: the probe offers %u clock values", count);
    uint32_t best = 0, slowest = UINT32_MAX;
    for (unsigned i = 0; i < count; i++) {
        uint32_t f = le32_get(&rep[STLINK_V3_FREQ_LIST + 4 * i]);
        if (f && f <= khz && f > best)
            best = f;
        if (f && f < slowest)
            slowest = f;
    }
    if (best == 0)
        best = slowest;
    if (best == UINT32_MAX)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE,
                        "cannot set the SWD clock: the probe offers no usable clock value");
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV3_SET_COM_FREQ);
    cmd[2] = 0; /* SWD */
    le32_put(&cmd[4], best);
    char what[64];
    snprintf(what, sizeof what, "cannot set the SWD clock to %u kHz", (unsigned)best);
    rc = stlink_checked_cmd(sl, cmd, rep, sizeof rep, what);
    if (rc != STFLASH_OK)
        return rc;
    sl->swd_khz = best;
    *actual = best;
    return STFLASH_OK;
}

int stlink_set_swd_khz(struct stlink *sl, uint32_t khz, uint32_t *actual)
{
    if (khz == 0)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "SWD clock of 0 kHz requested");
    if (sl->features & STLINK_F_V3_FREQ)
        return set_v3_khz(sl, khz, actual);
    if (sl->features & STLINK_F_SWD_FREQ)
        return set_v2_khz(sl, khz, actual);
    if (sl->hw == 1)
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "an ST-LINK/V1 cannot set the SWD clock: its firmware chooses it");
    char ver[32];
    stlink_version_string(sl, ver, sizeof ver);
    return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                    "probe firmware %s cannot set the SWD clock (needs J22 or later); it runs at "
                    "1800 kHz",
                    ver);
}

/* Statuses the firmware gives at SWD entry when the target does not answer the line reset:
 * 0x04, 0x05 and 0x09 are seen on a target asleep in a low-power mode (an L0 answers 0x09),
 * like the SWD errors: a retry under reset may reach it. */
static bool status_is_silent_entry(uint8_t st)
{
    return st == 0x04 || st == 0x05 || st == 0x09;
}

/* The target did not answer the SWD entry: what to check. */
static int silent_entry(struct stlink *sl, const char *why)
{
    return ctx_fail(sl->ctx, STFLASH_ERR_TARGET,
                    "cannot enter SWD mode: the target does not answer on SWD (%s); check "
                    "the wiring (SWDIO, SWCLK, GND) and the target supply, and connect "
                    "under reset if its firmware disables SWD or puts the chip to sleep",
                    why);
}

/* API v1 entry (F2 20 A3): no reply; the status wrapper alone says whether it worked. */
static int enter_swd_v1(struct stlink *sl)
{
    uint8_t cmd[STLINK_CMD_SIZE];
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV1_ENTER);
    cmd[2] = STLINK_ENTER_SWD_NO_RESET;
    int rc = stlink_exchange(sl, cmd, NULL, 0, NULL, 0);
    if (rc == STFLASH_ERR_TARGET)
        return silent_entry(sl, "the ST-LINK/V1 reports the entry failed");
    return rc == STFLASH_OK ? STFLASH_OK : stlink_wrap_fail(sl, rc, "cannot enter SWD mode");
}

int stlink_enter_swd(struct stlink *sl)
{
    if (sl->api == 1)
        return enter_swd_v1(sl);
    uint8_t cmd[STLINK_CMD_SIZE], rep[2], st;
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_ENTER);
    cmd[2] = STLINK_ENTER_SWD_NO_RESET;
    int rc = stlink_status_cmd(sl, cmd, rep, sizeof rep, &st);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, "cannot enter SWD mode");
    if (st != STLINK_OK) {
        if (stlink_status_error(st) == STFLASH_ERR_TARGET || status_is_silent_entry(st)) {
            char why[40];
            if (status_is_silent_entry(st))
                snprintf(why, sizeof why, "status 0x%02x: asleep?", st);
            else
                snprintf(why, sizeof why, "%s", stlink_status_ident(st));
            return silent_entry(sl, why);
        }
        return stlink_fail_status(sl, st, "cannot enter SWD mode");
    }
    if (sl->features & STLINK_F_INIT_AP) {
        stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_INIT_AP);
        cmd[2] = 0;
        rc = stlink_checked_cmd(sl, cmd, rep, sizeof rep, "cannot initialise access port 0");
        if (rc != STFLASH_OK)
            return rc;
    }
    return STFLASH_OK;
}

int stlink_exit_debug(struct stlink *sl)
{
    return send_no_reply(sl, STLINK_CMD_DEBUG, STLINK_DEBUG_EXIT, "cannot leave debug mode");
}

int stlink_leave(struct stlink *sl)
{
    uint8_t mode;
    int rc = stlink_current_mode(sl, &mode);
    if (rc != STFLASH_OK)
        return rc;
    if (mode == STLINK_MODE_DEBUG)
        return stlink_exit_debug(sl);
    if (mode == STLINK_MODE_SWIM)
        return send_no_reply(sl, STLINK_CMD_SWIM, STLINK_SWIM_EXIT, "cannot leave SWIM mode");
    return STFLASH_OK; /* nothing to leave: DEBUG_EXIT here would hang a V3 */
}

int stlink_read_idcode(struct stlink *sl, uint32_t *idcode)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[12];
    if (sl->api == 1) {
        /* READCOREID: the SW-DP IDCODE alone, no status. */
        stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_READCOREID);
        int rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
        if (rc != STFLASH_OK)
            return stlink_wrap_fail(sl, rc, "cannot read the SW-DP IDCODE");
        *idcode = le32_get(rep);
        return STFLASH_OK;
    }
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_READ_IDCODES);
    int rc = stlink_checked_cmd(sl, cmd, rep, sizeof rep, "cannot read the SW-DP IDCODE");
    if (rc != STFLASH_OK)
        return rc;
    *idcode = le32_get(&rep[4]);
    return STFLASH_OK;
}

int stlink_drive_nrst(struct stlink *sl, int level)
{
    static const char *const names[] = {"low", "high", "as a pulse"};
    if (level != STLINK_NRST_LOW && level != STLINK_NRST_HIGH && level != STLINK_NRST_PULSE)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "cannot drive NRST: level %d unknown",
                        level);
    char what[48];
    snprintf(what, sizeof what, "cannot drive NRST %s", names[level]);
    if (sl->api == 1)
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "%s: ST-LINK/V1 firmware before J11 (debug API v1) has no command for the "
                        "target's NRST pin (use a system reset, or an ST-LINK/V2 or later for "
                        "connecting under reset)",
                        what);
    uint8_t cmd[STLINK_CMD_SIZE], rep[2];
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_DRIVE_NRST);
    cmd[2] = (uint8_t)level;
    return stlink_checked_cmd(sl, cmd, rep, sizeof rep, what);
}

int stlink_reset_sys(struct stlink *sl)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[2];
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG,
                    sl->api == 1 ? STLINK_DEBUG_APIV1_RESETSYS : STLINK_DEBUG_APIV2_RESETSYS);
    return stlink_checked_cmd(sl, cmd, rep, sizeof rep, "cannot reset the target (RESETSYS)");
}
