/*
 * The ST-LINK protocol, client side. Every exchange is sized by stlink_cmd_phase() (the one
 * wire-format definition), logged at DEBUG level, and every status byte is checked: WAIT is
 * retried with a growing back-off up to sl->wait_timeout_ms, anything else becomes an error
 * naming the address or register involved.
 */
#include "stlink/stlink.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/le.h"
#include "stlink/stlink_proto.h"
#include "stlink/stlink_v1.h"

#define STLINK_DEFAULT_WAIT_MS 500u
/* Back-off between retries of a WAIT answer: doubles from the first value up to the last. */
#define STLINK_BACKOFF_FIRST_MS 1u
#define STLINK_BACKOFF_MAX_MS 32u
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

/* ---- time ---- */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* Sleeps the back-off, bounded by the deadline, and doubles it. False once the deadline passed. */
static bool back_off(uint64_t deadline, unsigned *backoff_ms)
{
    uint64_t now = now_ms();
    if (now >= deadline)
        return false;
    uint64_t wait = *backoff_ms;
    if (wait > deadline - now)
        wait = deadline - now;
    sleep_ms(wait);
    if (*backoff_ms < STLINK_BACKOFF_MAX_MS)
        *backoff_ms *= 2;
    return true;
}

/* ---- one exchange ---- */

static void cmd_init(uint8_t cmd[STLINK_CMD_SIZE], uint8_t b0, uint8_t b1)
{
    memset(cmd, 0, STLINK_CMD_SIZE);
    cmd[0] = b0;
    cmd[1] = b1;
}

static bool debug_logging(const struct stlink *sl)
{
    return sl->ctx && sl->ctx->log_fn && sl->ctx->log_level >= STFLASH_LOG_DEBUG;
}

static void hex_bytes(char *out, size_t cap, const uint8_t *p, size_t n, size_t max)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && i < max && used + 4 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%02x", i ? " " : "", p[i]);
    if (n > max && used + 5 < cap)
        snprintf(out + used, cap - used, " ...");
}

/*
 * Sends a command block with its data phase and receives its reply. The lengths come from
 * stlink_cmd_phase(): `in` must hold `in_cap` bytes at least the reply length. Transport
 * failures are returned with the transport's message.
 */
static int exchange(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], const uint8_t *out,
                    size_t out_len, uint8_t *in, size_t in_cap)
{
    struct stlink_phase ph;
    size_t in_len = 0;
    /* The wire generation: 1 for debug API v1 (ST-LINK/V1 before J11), else the hardware's. */
    int gen = sl->api == 1 ? 1 : sl->hw >= 3 ? 3 : 2;
    if (stlink_cmd_phase(cmd, gen, &ph) != 0)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                        "internal error: command %02x %02x has no known data phase", cmd[0],
                        cmd[1]);
    if (ph.dir == STLINK_PHASE_IN) {
        in_len = ph.len;
        if (in_len > in_cap || out_len)
            return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                            "internal error: command %02x %02x answers %zu bytes, room for %zu",
                            cmd[0], cmd[1], in_len, in_cap);
    } else if (ph.dir == STLINK_PHASE_OUT ? out_len != ph.len : out_len != 0) {
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                        "internal error: command %02x %02x takes %zu data bytes, not %zu", cmd[0],
                        cmd[1], ph.len, out_len);
    }

    bool logging = debug_logging(sl);
    char hex[64];
    if (logging) {
        hex_bytes(hex, sizeof hex, cmd, STLINK_CMD_SIZE, 10);
        ctx_log(sl->ctx, STFLASH_LOG_DEBUG, "stlink: > %s (out %zu, in %zu)", hex, out_len, in_len);
    }
    int rc = transport_xfer(sl->tr, cmd, out, out_len, in, in_len);
    if (logging) {
        if (rc != STFLASH_OK) {
            ctx_log(sl->ctx, STFLASH_LOG_DEBUG, "stlink: < %s", stflash_error_name(rc));
        } else if (in_len) {
            hex_bytes(hex, sizeof hex, in, in_len, 12);
            ctx_log(sl->ctx, STFLASH_LOG_DEBUG, "stlink: < %s", hex);
        }
    }
    return rc;
}

/* Wraps a transport failure with what was being done (the transport's message is kept). */
static int wrap_fail(struct stlink *sl, int err, const char *what)
{
    return ctx_fail(sl->ctx, err, "%s: %s", what, stflash_last_error(sl->ctx));
}

/* ---- status bytes ---- */

static bool status_is_link(uint8_t st)
{
    return st == STLINK_SWD_DP_ERROR || st == STLINK_SWD_DP_PARITY_ERROR;
}

/* Statuses the firmware gives at SWD entry when the target does not answer the line reset:
 * 0x04, 0x05 and 0x09 are seen on a target asleep in a low-power mode (an L0 answers 0x09),
 * like the SWD errors: a retry under reset may reach it. */
static bool status_is_silent_entry(uint8_t st)
{
    return st == 0x04 || st == 0x05 || st == 0x09;
}

/* A register write answered 0x0D (write-verify error) was carried out: some firmware gives
 * that status spuriously on register writes (real-stlink-firmware facts in
 * docs/troubleshooting.md), so it counts as success there, and only there. */
static uint8_t register_write_status(uint8_t st)
{
    return st == STLINK_JTAG_WRITE_VERIF_ERROR ? STLINK_OK : st;
}

/* The error an unsuccessful status maps to. */
static int status_error(uint8_t st)
{
    switch (st) {
    case STLINK_SWD_AP_WAIT:
    case STLINK_SWD_DP_WAIT:
        return STFLASH_ERR_TIMEOUT;
    case STLINK_FALSE:
    case STLINK_SWD_AP_FAULT:
    case STLINK_SWD_AP_ERROR:
    case STLINK_SWD_AP_PARITY_ERROR:
    case STLINK_SWD_DP_FAULT:
    case STLINK_SWD_DP_ERROR:
    case STLINK_SWD_DP_PARITY_ERROR:
    case STLINK_SWD_AP_WDATA_ERROR:
    case STLINK_SWD_AP_STICKY_ERROR:
    case STLINK_SWD_AP_STICKYORUN_ERROR:
    case STLINK_BAD_AP_ERROR:
        return STFLASH_ERR_TARGET;
    default:
        return STFLASH_ERR_PROBE;
    }
}

/* Records "WHAT: REASON (IDENT)" for an unsuccessful status and returns its error. */
static int fail_status(struct stlink *sl, uint8_t st, const char *what)
{
    const char *ident = stlink_status_ident(st);
    if (stlink_status_is_wait(st))
        return ctx_fail(sl->ctx, STFLASH_ERR_TIMEOUT,
                        "%s: the target kept answering wait for %u ms (%s)", what,
                        (unsigned)sl->wait_timeout_ms, ident);
    if (status_is_link(st))
        return ctx_fail(sl->ctx, STFLASH_ERR_TARGET, "%s: the target does not answer on SWD (%s)",
                        what, ident);
    if (st == STLINK_FALSE || st == STLINK_SWD_AP_FAULT || st == STLINK_SWD_DP_FAULT)
        return ctx_fail(sl->ctx, STFLASH_ERR_TARGET, "%s: fault (%s)", what, ident);
    if (st == STLINK_JTAG_UNKNOWN_CMD)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE,
                        "%s: the probe firmware does not know the command (%s)", what, ident);
    if (strcmp(ident, "UNKNOWN") == 0)
        return ctx_fail(sl->ctx, STFLASH_ERR_PROBE, "%s: unexpected probe status 0x%02x", what, st);
    return ctx_fail(sl->ctx, status_error(st), "%s: %s (%s)", what, stlink_status_name(st), ident);
}

/*
 * A command whose reply starts with a status byte: WAIT is retried with back-off until the
 * deadline; *status gets the last status (still WAIT when the deadline passed).
 */
static int status_cmd(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], uint8_t *rep,
                      size_t rep_cap, uint8_t *status)
{
    uint64_t deadline = now_ms() + sl->wait_timeout_ms;
    unsigned backoff = STLINK_BACKOFF_FIRST_MS;
    for (;;) {
        int rc = exchange(sl, cmd, NULL, 0, rep, rep_cap);
        if (rc != STFLASH_OK)
            return rc;
        if (!stlink_status_is_wait(rep[0]) || !back_off(deadline, &backoff)) {
            *status = rep[0];
            return STFLASH_OK;
        }
    }
}

/* status_cmd, then an unsuccessful status becomes an error naming `what`. */
static int checked_cmd(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], uint8_t *rep,
                       size_t rep_cap, const char *what)
{
    uint8_t st;
    int rc = status_cmd(sl, cmd, rep, rep_cap, &st);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, what);
    if (st != STLINK_OK)
        return fail_status(sl, st, what);
    return STFLASH_OK;
}

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
    cmd_init(cmd, STLINK_CMD_GET_VERSION, 0);
    int rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, "cannot read the probe version");
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
        cmd_init(cmd, STLINK_CMD_GET_VERSION_EX, 0);
        rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
        if (rc != STFLASH_OK)
            return wrap_fail(sl, rc, "cannot read the probe version (GET_VERSION_EX)");
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
    cmd_init(cmd, STLINK_CMD_GET_CURRENT_MODE, 0);
    int rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, "cannot read the probe mode");
    *mode = rep[0];
    return STFLASH_OK;
}

static int send_no_reply(struct stlink *sl, uint8_t b0, uint8_t b1, const char *what)
{
    uint8_t cmd[STLINK_CMD_SIZE];
    cmd_init(cmd, b0, b1);
    int rc = exchange(sl, cmd, NULL, 0, NULL, 0);
    return rc == STFLASH_OK ? STFLASH_OK : wrap_fail(sl, rc, what);
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
    cmd_init(cmd, STLINK_CMD_GET_TARGET_VOLTAGE, 0);
    int rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, "cannot read the target voltage");
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
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_SWD_SET_FREQ);
    le16_put(&cmd[2], v2_swd_divisors[pick].divisor);
    char what[64];
    snprintf(what, sizeof what, "cannot set the SWD clock to %u kHz", v2_swd_divisors[pick].khz);
    int rc = checked_cmd(sl, cmd, rep, sizeof rep, what);
    if (rc != STFLASH_OK)
        return rc;
    sl->swd_khz = v2_swd_divisors[pick].khz;
    *actual = sl->swd_khz;
    return STFLASH_OK;
}

static int set_v3_khz(struct stlink *sl, uint32_t khz, uint32_t *actual)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[52];
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV3_GET_COM_FREQ);
    cmd[2] = 0; /* SWD */
    int rc = checked_cmd(sl, cmd, rep, sizeof rep, "cannot read the SWD clocks the probe offers");
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
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV3_SET_COM_FREQ);
    cmd[2] = 0; /* SWD */
    le32_put(&cmd[4], best);
    char what[64];
    snprintf(what, sizeof what, "cannot set the SWD clock to %u kHz", (unsigned)best);
    rc = checked_cmd(sl, cmd, rep, sizeof rep, what);
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
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV1_ENTER);
    cmd[2] = STLINK_ENTER_SWD_NO_RESET;
    int rc = exchange(sl, cmd, NULL, 0, NULL, 0);
    if (rc == STFLASH_ERR_TARGET)
        return silent_entry(sl, "the ST-LINK/V1 reports the entry failed");
    return rc == STFLASH_OK ? STFLASH_OK : wrap_fail(sl, rc, "cannot enter SWD mode");
}

int stlink_enter_swd(struct stlink *sl)
{
    if (sl->api == 1)
        return enter_swd_v1(sl);
    uint8_t cmd[STLINK_CMD_SIZE], rep[2], st;
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_ENTER);
    cmd[2] = STLINK_ENTER_SWD_NO_RESET;
    int rc = status_cmd(sl, cmd, rep, sizeof rep, &st);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, "cannot enter SWD mode");
    if (st != STLINK_OK) {
        if (status_error(st) == STFLASH_ERR_TARGET || status_is_silent_entry(st)) {
            char why[40];
            if (status_is_silent_entry(st))
                snprintf(why, sizeof why, "status 0x%02x: asleep?", st);
            else
                snprintf(why, sizeof why, "%s", stlink_status_ident(st));
            return silent_entry(sl, why);
        }
        return fail_status(sl, st, "cannot enter SWD mode");
    }
    if (sl->features & STLINK_F_INIT_AP) {
        cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_INIT_AP);
        cmd[2] = 0;
        rc = checked_cmd(sl, cmd, rep, sizeof rep, "cannot initialise access port 0");
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

/* Enters SWD again after the link was lost (the firmware dropped it after line errors): what
 * the proven clients do before giving up on a failed status poll. */
static int reenter_swd(struct stlink *sl)
{
    ctx_log(sl->ctx, STFLASH_LOG_INFO, "SWD link error: entering SWD again");
    return stlink_enter_swd(sl);
}

int stlink_read_idcode(struct stlink *sl, uint32_t *idcode)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[12];
    if (sl->api == 1) {
        /* READCOREID: the SW-DP IDCODE alone, no status. */
        cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_READCOREID);
        int rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
        if (rc != STFLASH_OK)
            return wrap_fail(sl, rc, "cannot read the SW-DP IDCODE");
        *idcode = le32_get(rep);
        return STFLASH_OK;
    }
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_READ_IDCODES);
    int rc = checked_cmd(sl, cmd, rep, sizeof rep, "cannot read the SW-DP IDCODE");
    if (rc != STFLASH_OK)
        return rc;
    *idcode = le32_get(&rep[4]);
    return STFLASH_OK;
}

/* ---- memory ---- */

static uint8_t mem_opcode(bool write, unsigned width)
{
    if (width == 4)
        return write ? STLINK_DEBUG_WRITEMEM_32BIT : STLINK_DEBUG_READMEM_32BIT;
    if (width == 2)
        return write ? STLINK_DEBUG_APIV2_WRITEMEM_16BIT : STLINK_DEBUG_APIV2_READMEM_16BIT;
    return write ? STLINK_DEBUG_WRITEMEM_8BIT : STLINK_DEBUG_READMEM_8BIT;
}

/* The status of the last memory command, with the fault address when the firmware gives it. */
static int last_rw_status(struct stlink *sl, uint8_t *status, uint32_t *fault, bool *have_fault)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[12];
    bool v2 = (sl->features & STLINK_F_RW_STATUS2) != 0;
    cmd_init(cmd, STLINK_CMD_DEBUG,
             v2 ? STLINK_DEBUG_APIV2_GETLASTRWSTATUS2 : STLINK_DEBUG_APIV2_GETLASTRWSTATUS);
    int rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
    if (rc != STFLASH_OK)
        return rc;
    *status = rep[0];
    *fault = v2 ? le32_get(&rep[4]) : 0;
    *have_fault = v2;
    return STFLASH_OK;
}

/*
 * One memory command of `n` bytes (within every limit), then its status. WAIT repeats the whole
 * command until the deadline; a lost SWD link is entered again once. A read lands in
 * `rd` (a scratch buffer: it may hold partial data on failure).
 */
static int mem_piece(struct stlink *sl, uint32_t addr, uint8_t *rd, const uint8_t *wr, size_t n,
                     unsigned width)
{
    const char *verb = wr ? "write" : "read";
    uint64_t deadline = now_ms() + sl->wait_timeout_ms;
    unsigned backoff = STLINK_BACKOFF_FIRST_MS;
    bool reentered = false;
    char what[80];

    for (;;) {
        uint32_t a = addr;
        size_t len = n;
        uint8_t cmd[STLINK_CMD_SIZE];
        cmd_init(cmd, STLINK_CMD_DEBUG, mem_opcode(wr != NULL, width));
        le32_put(&cmd[2], a);
        le16_put(&cmd[6], (uint16_t)len);
        cmd[8] = 0; /* AP 0 */
        snprintf(what, sizeof what, "cannot %s memory at 0x%08x", verb, a);

        int rc;
        if (wr) {
            rc = exchange(sl, cmd, wr, len, NULL, 0);
        } else if (len == 1) {
            uint8_t one[2]; /* a one-byte read answers two bytes */
            rc = exchange(sl, cmd, NULL, 0, one, sizeof one);
            if (rc == STFLASH_OK)
                rd[0] = one[0];
        } else {
            rc = exchange(sl, cmd, NULL, 0, rd, len);
        }
        if (rc != STFLASH_OK)
            return wrap_fail(sl, rc, what);
        if (sl->api == 1)
            return STFLASH_OK; /* no GETLASTRWSTATUS: a failure came in the status wrapper */

        uint8_t st;
        uint32_t fault;
        bool have_fault;
        rc = last_rw_status(sl, &st, &fault, &have_fault);
        if (rc != STFLASH_OK)
            return wrap_fail(sl, rc, what);
        if (st == STLINK_OK)
            return STFLASH_OK;

        bool inside = have_fault && fault >= a && fault - a < len;
        if (stlink_status_is_wait(st)) {
            /* The whole piece again: what the address after a WAIT means is not defined (a
             * posted write reports a later transfer than the stalled one). */
            if (back_off(deadline, &backoff))
                continue;
            return fail_status(sl, st, what);
        }
        if (status_is_link(st) && !reentered) {
            reentered = true;
            if (reenter_swd(sl) == STFLASH_OK)
                continue; /* else the original status is the error */
        }
        snprintf(what, sizeof what, "cannot %s memory at 0x%08x", verb, inside ? fault : a);
        return fail_status(sl, st, what);
    }
}

/*
 * The next piece of a transfer: 32-bit for aligned words (never crossing a 1 KiB TAR block nor
 * the 6144-byte limit), a lone aligned halfword as a 16-bit access where the firmware has it
 * (halfword-only registers and F1 flash need it), any other unaligned edge as one 8-bit access.
 * Reads stay within the TAR block too, as the proven clients do (docs/stlink.md, "Transfers"):
 * the address auto-increment is only guaranteed inside it (ADIv5 MEM-AP TAR).
 */
static size_t next_piece(const struct stlink *sl, uint32_t addr, size_t len, unsigned *width)
{
    if ((addr & 3u) == 0 && len >= 4) {
        size_t n = len & ~(size_t)3;
        size_t to_block = STLINK_TAR_BLOCK - (addr & (STLINK_TAR_BLOCK - 1u));
        if (n > to_block)
            n = to_block;
        if (n > STLINK_MAX_RW32)
            n = STLINK_MAX_RW32;
        if (sl->tr && sl->tr->max_data >= 4 && n > sl->tr->max_data)
            n = sl->tr->max_data & ~(size_t)3; /* an API 1 stlink-server: 1 KiB */
        *width = 4;
        return n;
    }
    size_t edge = (addr & 3u) ? 4u - (addr & 3u) : len; /* up to alignment, or the tail */
    if (edge > len)
        edge = len;
    if ((sl->features & STLINK_F_MEM16) && (addr & 1u) == 0 && edge == 2) {
        *width = 2;
        return 2;
    }
    size_t max8 = sl->max_rw8 ? sl->max_rw8 : STLINK_V2_MAX_RW8;
    *width = 1;
    return edge < max8 ? edge : max8;
}

static int check_range(struct stlink *sl, const char *verb, uint32_t addr, const void *buf,
                       size_t len)
{
    if (!buf)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "cannot %s memory at 0x%08x: no buffer",
                        verb, addr);
    if (len > (size_t)UINT32_MAX || (uint64_t)addr + len > (uint64_t)UINT32_MAX + 1u)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                        "cannot %s %zu bytes at 0x%08x: past the end of the address space", verb,
                        len, addr);
    return STFLASH_OK;
}

int stlink_read_mem(struct stlink *sl, uint32_t addr, uint8_t *buf, size_t len)
{
    if (len == 0)
        return STFLASH_OK;
    int rc = check_range(sl, "read", addr, buf, len);
    if (rc != STFLASH_OK)
        return rc;
    uint8_t *tmp = malloc(len); /* the caller's buffer is written only on success */
    if (!tmp)
        return ctx_fail(sl->ctx, STFLASH_ERR_NO_MEMORY,
                        "cannot read memory at 0x%08x: out of memory for %zu bytes", addr, len);
    for (size_t off = 0; off < len;) {
        unsigned width;
        uint32_t a = addr + (uint32_t)off;
        size_t n = next_piece(sl, a, len - off, &width);
        rc = mem_piece(sl, a, tmp + off, NULL, n, width);
        if (rc != STFLASH_OK)
            break;
        off += n;
    }
    if (rc == STFLASH_OK)
        memcpy(buf, tmp, len);
    free(tmp);
    return rc;
}

int stlink_write_mem(struct stlink *sl, uint32_t addr, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return STFLASH_OK;
    int rc = check_range(sl, "write", addr, buf, len);
    if (rc != STFLASH_OK)
        return rc;
    for (size_t off = 0; off < len;) {
        unsigned width;
        uint32_t a = addr + (uint32_t)off;
        size_t n = next_piece(sl, a, len - off, &width);
        rc = mem_piece(sl, a, NULL, buf + off, n, width);
        if (rc != STFLASH_OK)
            return rc;
        off += n;
    }
    return STFLASH_OK;
}

/* ---- debug registers, core registers, NRST, DAP ---- */

/* Sends a prepared read command whose reply is the status, three bytes of padding and the
 * 32-bit value. */
static int read_word(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], const char *what,
                     uint32_t *val)
{
    uint8_t rep[8];
    int rc = checked_cmd(sl, cmd, rep, sizeof rep, what);
    if (rc == STFLASH_OK)
        *val = le32_get(&rep[4]);
    return rc;
}

/* Sends a prepared register write command with the 32-bit value in bytes 6-9; the reply is the
 * status (a spurious 0x0D counts as success). */
static int write_word(struct stlink *sl, uint8_t cmd[STLINK_CMD_SIZE], const char *what,
                      uint32_t val)
{
    uint8_t rep[2], st;
    le32_put(&cmd[6], val);
    int rc = status_cmd(sl, cmd, rep, sizeof rep, &st);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, what);
    st = register_write_status(st);
    return st == STLINK_OK ? STFLASH_OK : fail_status(sl, st, what);
}

/* Prepares the command for the 32-bit word at addr, which must be aligned; `what` receives the
 * text for errors. */
static int debug32_command(struct stlink *sl, const char *verb, uint8_t op, uint32_t addr,
                           uint8_t cmd[STLINK_CMD_SIZE], char *what, size_t what_cap)
{
    snprintf(what, what_cap, "cannot %s memory at 0x%08x", verb, addr);
    if (addr & 3u)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "%s: not a 32-bit aligned address", what);
    cmd_init(cmd, STLINK_CMD_DEBUG, op);
    le32_put(&cmd[2], addr);
    return STFLASH_OK;
}

/*
 * One READDEBUGREG / WRITEDEBUGREG exchange: the reply starts with the access's own status, so no
 * status query follows. As for memory commands (mem_piece): WAIT is retried until the deadline
 * (status_cmd), a lost SWD link is entered again once, a fault is an error naming the address; a
 * write's spurious 0x0D counts as success (register_write_status).
 */
static int debug32_exchange(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], bool write,
                            uint8_t *rep, size_t rep_cap, const char *what)
{
    bool reentered = false;
    for (;;) {
        uint8_t st;
        int rc = status_cmd(sl, cmd, rep, rep_cap, &st);
        if (rc != STFLASH_OK)
            return wrap_fail(sl, rc, what);
        if (write)
            st = register_write_status(st);
        if (st == STLINK_OK)
            return STFLASH_OK;
        if (status_is_link(st) && !reentered) {
            reentered = true;
            if (reenter_swd(sl) == STFLASH_OK)
                continue; /* else the original status is the error */
        }
        return fail_status(sl, st, what);
    }
}

int stlink_read_debug32(struct stlink *sl, uint32_t addr, uint32_t *val)
{
    if (sl->api == 1) {
        /* API v1 has no READDEBUGREG: one 32-bit memory read. */
        uint8_t buf[4];
        if (addr & 3u)
            return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG,
                            "cannot read memory at 0x%08x: not a 32-bit aligned address", addr);
        int rc = stlink_read_mem(sl, addr, buf, sizeof buf);
        if (rc == STFLASH_OK)
            *val = le32_get(buf);
        return rc;
    }
    char what[64];
    uint8_t cmd[STLINK_CMD_SIZE], rep[8];
    int rc =
        debug32_command(sl, "read", STLINK_DEBUG_APIV2_READDEBUGREG, addr, cmd, what, sizeof what);
    if (rc == STFLASH_OK)
        rc = debug32_exchange(sl, cmd, false, rep, sizeof rep, what);
    if (rc == STFLASH_OK)
        *val = le32_get(&rep[4]); /* status, three bytes of padding, the word */
    return rc;
}

int stlink_write_debug32(struct stlink *sl, uint32_t addr, uint32_t val)
{
    char what[64];
    uint8_t cmd[STLINK_CMD_SIZE], rep[2];
    int rc = debug32_command(sl, "write",
                             sl->api == 1 ? STLINK_DEBUG_APIV1_WRITEDEBUGREG
                                          : STLINK_DEBUG_APIV2_WRITEDEBUGREG,
                             addr, cmd, what, sizeof what);
    if (rc != STFLASH_OK)
        return rc;
    le32_put(&cmd[6], val);
    return debug32_exchange(sl, cmd, true, rep, sizeof rep, what);
}

static void reg_name(unsigned regsel, char *out, size_t cap)
{
    static const char *const names[] = {"sp", "lr", "pc", "xpsr", "msp", "psp"};
    if (regsel <= 12)
        snprintf(out, cap, "r%u", regsel);
    else if (regsel <= 18)
        snprintf(out, cap, "%s", names[regsel - 13]);
    else if (regsel == 20)
        snprintf(out, cap, "control/faultmask/basepri/primask");
    else
        snprintf(out, cap, "%u", regsel);
}

/* Register access: STLINK_FALSE usually means the core is not halted. */
static int reg_fail(struct stlink *sl, uint8_t st, const char *what)
{
    if (st == STLINK_FALSE)
        return ctx_fail(sl->ctx, STFLASH_ERR_TARGET, "%s: refused (%s); is the core halted?", what,
                        stlink_status_ident(st));
    return fail_status(sl, st, what);
}

/* One core register command (READREG or WRITEREG, with val): its reply lands in rep. */
static int reg_command(struct stlink *sl, const char *verb, uint8_t op, unsigned regsel,
                       uint32_t val, uint8_t *rep, size_t rep_cap)
{
    char name[40], what[80];
    reg_name(regsel, name, sizeof name);
    snprintf(what, sizeof what, "cannot %s core register %s", verb, name);
    if (regsel > 0x7Fu)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "%s: no such register", what);
    uint8_t cmd[STLINK_CMD_SIZE], st;
    cmd_init(cmd, STLINK_CMD_DEBUG, op);
    cmd[2] = (uint8_t)regsel;
    bool write = op == STLINK_DEBUG_APIV2_WRITEREG || op == STLINK_DEBUG_APIV1_WRITEREG;
    if (write)
        le32_put(&cmd[3], val);
    int rc = status_cmd(sl, cmd, rep, rep_cap, &st);
    if (rc != STFLASH_OK)
        return wrap_fail(sl, rc, what);
    if (write)
        st = register_write_status(st);
    if (st != STLINK_OK)
        return reg_fail(sl, st, what);
    return STFLASH_OK;
}

int stlink_read_reg(struct stlink *sl, unsigned regsel, uint32_t *val)
{
    uint8_t rep[8];
    if (sl->api == 1) {
        /* API v1 READREG: the value alone; a refusal comes in the status wrapper. */
        char name[40], what[80];
        reg_name(regsel, name, sizeof name);
        snprintf(what, sizeof what, "cannot read core register %s", name);
        if (regsel > 0x7Fu)
            return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "%s: no such register", what);
        uint8_t cmd[STLINK_CMD_SIZE];
        cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV1_READREG);
        cmd[2] = (uint8_t)regsel;
        int rc = exchange(sl, cmd, NULL, 0, rep, sizeof rep);
        if (rc != STFLASH_OK)
            return wrap_fail(sl, rc, what);
        *val = le32_get(rep);
        return STFLASH_OK;
    }
    int rc = reg_command(sl, "read", STLINK_DEBUG_APIV2_READREG, regsel, 0, rep, sizeof rep);
    if (rc == STFLASH_OK)
        *val = le32_get(&rep[4]); /* API v2 and v3: status, three bytes of padding, value */
    return rc;
}

int stlink_write_reg(struct stlink *sl, unsigned regsel, uint32_t val)
{
    uint8_t rep[2];
    return reg_command(sl, "write",
                       sl->api == 1 ? STLINK_DEBUG_APIV1_WRITEREG : STLINK_DEBUG_APIV2_WRITEREG,
                       regsel, val, rep, sizeof rep);
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
    cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV2_DRIVE_NRST);
    cmd[2] = (uint8_t)level;
    return checked_cmd(sl, cmd, rep, sizeof rep, what);
}

int stlink_reset_sys(struct stlink *sl)
{
    uint8_t cmd[STLINK_CMD_SIZE], rep[2];
    cmd_init(cmd, STLINK_CMD_DEBUG,
             sl->api == 1 ? STLINK_DEBUG_APIV1_RESETSYS : STLINK_DEBUG_APIV2_RESETSYS);
    return checked_cmd(sl, cmd, rep, sizeof rep, "cannot reset the target (RESETSYS)");
}

/*
 * Prepares the command for one DAP register (port STLINK_DAP_PORT_DP or an AP number) after
 * checking that the probe firmware has DAP access; `what` receives the text for errors.
 */
static int dap_command(struct stlink *sl, const char *verb, uint8_t op, uint16_t port,
                       uint16_t addr, uint8_t cmd[STLINK_CMD_SIZE], char *what, size_t what_cap)
{
    if (port == STLINK_DAP_PORT_DP)
        snprintf(what, what_cap, "cannot %s DP register 0x%x", verb, addr);
    else
        snprintf(what, what_cap, "cannot %s register 0x%02x of AP %u", verb, addr, port);
    if (!(sl->features & STLINK_F_DAP_REG)) {
        char ver[32];
        stlink_version_string(sl, ver, sizeof ver);
        return ctx_fail(sl->ctx, STFLASH_ERR_UNSUPPORTED,
                        "%s: probe firmware %s has no DAP register access (needs J24 or later)",
                        what, ver);
    }
    cmd_init(cmd, STLINK_CMD_DEBUG, op);
    le16_put(&cmd[2], port);
    le16_put(&cmd[4], addr);
    return STFLASH_OK;
}

int stlink_read_dap(struct stlink *sl, uint16_t port, uint16_t addr, uint32_t *val)
{
    char what[64];
    uint8_t cmd[STLINK_CMD_SIZE];
    int rc = dap_command(sl, "read", STLINK_DEBUG_APIV2_READ_DAP_REG, port, addr, cmd, what,
                         sizeof what);
    return rc == STFLASH_OK ? read_word(sl, cmd, what, val) : rc;
}

int stlink_write_dap(struct stlink *sl, uint16_t port, uint16_t addr, uint32_t val)
{
    char what[64];
    uint8_t cmd[STLINK_CMD_SIZE];
    int rc = dap_command(sl, "write", STLINK_DEBUG_APIV2_WRITE_DAP_REG, port, addr, cmd, what,
                         sizeof what);
    return rc == STFLASH_OK ? write_word(sl, cmd, what, val) : rc;
}
