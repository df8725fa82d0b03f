/*
 * The ST-LINK client's memory and register access: memory commands of every width, split to the
 * probe's limits, each followed by its status query; single words through READDEBUGREG /
 * WRITEDEBUGREG; core registers; DP/AP registers. WAIT is retried with a growing back-off up to
 * sl->wait_timeout_ms, a lost SWD link is entered again once, anything else becomes an error
 * naming the address or register involved.
 */
#include "stlink/stlink.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "stlink/stlink_exchange.h"
#include "stlink/stlink_proto.h"
#include "stlink/stlink_v1.h"

/* A register write answered 0x0D (write-verify error) was carried out: some firmware gives
 * that status spuriously on register writes (real-stlink-firmware facts in
 * docs/troubleshooting.md), so it counts as success there, and only there. */
static uint8_t register_write_status(uint8_t st)
{
    return st == STLINK_JTAG_WRITE_VERIF_ERROR ? STLINK_OK : st;
}

/* Enters SWD again after the link was lost (the firmware dropped it after line errors): what
 * the proven clients do before giving up on a failed status poll. */
static int reenter_swd(struct stlink *sl)
{
    ctx_log(sl->ctx, STFLASH_LOG_INFO, "SWD link error: entering SWD again");
    return stlink_enter_swd(sl);
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
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG,
                    v2 ? STLINK_DEBUG_APIV2_GETLASTRWSTATUS2 : STLINK_DEBUG_APIV2_GETLASTRWSTATUS);
    int rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
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
    uint64_t deadline = stlink_now_ms() + sl->wait_timeout_ms;
    unsigned backoff = STLINK_BACKOFF_FIRST_MS;
    bool reentered = false;
    char what[80];

    for (;;) {
        uint32_t a = addr;
        size_t len = n;
        uint8_t cmd[STLINK_CMD_SIZE];
        stlink_cmd_init(cmd, STLINK_CMD_DEBUG, mem_opcode(wr != NULL, width));
        le32_put(&cmd[2], a);
        le16_put(&cmd[6], (uint16_t)len);
        cmd[8] = 0; /* AP 0 */
        snprintf(what, sizeof what, "cannot %s memory at 0x%08x", verb, a);

        int rc;
        if (wr) {
            rc = stlink_exchange(sl, cmd, wr, len, NULL, 0);
        } else if (len == 1) {
            uint8_t one[2]; /* a one-byte read answers two bytes */
            rc = stlink_exchange(sl, cmd, NULL, 0, one, sizeof one);
            if (rc == STFLASH_OK)
                rd[0] = one[0];
        } else {
            rc = stlink_exchange(sl, cmd, NULL, 0, rd, len);
        }
        if (rc != STFLASH_OK)
            return stlink_wrap_fail(sl, rc, what);
        if (sl->api == 1)
            return STFLASH_OK; /* no GETLASTRWSTATUS: a failure came in the status wrapper */

        uint8_t st;
        uint32_t fault;
        bool have_fault;
        rc = last_rw_status(sl, &st, &fault, &have_fault);
        if (rc != STFLASH_OK)
            return stlink_wrap_fail(sl, rc, what);
        if (st == STLINK_OK)
            return STFLASH_OK;

        bool inside = have_fault && fault >= a && fault - a < len;
        if (stlink_status_is_wait(st)) {
            /* The whole piece again: what the address after a WAIT means is not defined (a
             * posted write reports a later transfer than the stalled one). */
            if (stlink_back_off(deadline, &backoff))
                continue;
            return stlink_fail_status(sl, st, what);
        }
        if (stlink_status_is_link(st) && !reentered) {
            reentered = true;
            if (reenter_swd(sl) == STFLASH_OK)
                continue; /* else the original status is the error */
        }
        snprintf(what, sizeof what, "cannot %s memory at 0x%08x", verb, inside ? fault : a);
        return stlink_fail_status(sl, st, what);
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

/* ---- debug registers, core registers, DAP ---- */

/* Sends a prepared read command whose reply is the status, three bytes of padding and the
 * 32-bit value. */
static int read_word(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], const char *what,
                     uint32_t *val)
{
    uint8_t rep[8];
    int rc = stlink_checked_cmd(sl, cmd, rep, sizeof rep, what);
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
    int rc = stlink_status_cmd(sl, cmd, rep, sizeof rep, &st);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, what);
    st = register_write_status(st);
    return st == STLINK_OK ? STFLASH_OK : stlink_fail_status(sl, st, what);
}

/* Prepares the command for the 32-bit word at addr, which must be aligned; `what` receives the
 * text for errors. */
static int debug32_command(struct stlink *sl, const char *verb, uint8_t op, uint32_t addr,
                           uint8_t cmd[STLINK_CMD_SIZE], char *what, size_t what_cap)
{
    snprintf(what, what_cap, "cannot %s memory at 0x%08x", verb, addr);
    if (addr & 3u)
        return ctx_fail(sl->ctx, STFLASH_ERR_INVALID_ARG, "%s: not a 32-bit aligned address", what);
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, op);
    le32_put(&cmd[2], addr);
    return STFLASH_OK;
}

/*
 * One READDEBUGREG / WRITEDEBUGREG exchange: the reply starts with the access's own status, so no
 * status query follows. As for memory commands (mem_piece): WAIT is retried until the deadline
 * (stlink_status_cmd), a lost SWD link is entered again once, a fault is an error naming the
 * address; a write's spurious 0x0D counts as success (register_write_status).
 */
static int debug32_exchange(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], bool write,
                            uint8_t *rep, size_t rep_cap, const char *what)
{
    bool reentered = false;
    for (;;) {
        uint8_t st;
        int rc = stlink_status_cmd(sl, cmd, rep, rep_cap, &st);
        if (rc != STFLASH_OK)
            return stlink_wrap_fail(sl, rc, what);
        if (write)
            st = register_write_status(st);
        if (st == STLINK_OK)
            return STFLASH_OK;
        if (stlink_status_is_link(st) && !reentered) {
            reentered = true;
            if (reenter_swd(sl) == STFLASH_OK)
                continue; /* else the original status is the error */
        }
        return stlink_fail_status(sl, st, what);
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
    return stlink_fail_status(sl, st, what);
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
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, op);
    cmd[2] = (uint8_t)regsel;
    bool write = op == STLINK_DEBUG_APIV2_WRITEREG || op == STLINK_DEBUG_APIV1_WRITEREG;
    if (write)
        le32_put(&cmd[3], val);
    int rc = stlink_status_cmd(sl, cmd, rep, rep_cap, &st);
    if (rc != STFLASH_OK)
        return stlink_wrap_fail(sl, rc, what);
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
        stlink_cmd_init(cmd, STLINK_CMD_DEBUG, STLINK_DEBUG_APIV1_READREG);
        cmd[2] = (uint8_t)regsel;
        int rc = stlink_exchange(sl, cmd, NULL, 0, rep, sizeof rep);
        if (rc != STFLASH_OK)
            return stlink_wrap_fail(sl, rc, what);
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
    stlink_cmd_init(cmd, STLINK_CMD_DEBUG, op);
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
