/* The GDB server's session with one client: registers, memory, breakpoints, run control. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gdb.h"

#define NREGS 17 /* r0-r15, xpsr */

static char pkt[GDB_PACKET_MAX + 1];
static char out[2 * GDB_PACKET_MAX + 2];
static uint8_t mem[GDB_PACKET_MAX];

enum { SESSION_GO_ON = 0, SESSION_END = 1, SESSION_LOST = -1 };

static void say(struct gdb_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A line on the server's log. */
static void say(struct gdb_server *s, const char *fmt, ...)
{
    if (!s->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("stflash: ", s->log);
    vfprintf(s->log, fmt, ap);
    fputc('\n', s->log);
    fflush(s->log);
    va_end(ap);
}

static int status(int send_rc)
{
    return send_rc ? SESSION_LOST : SESSION_GO_ON;
}

static void put_le32(char *hex, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    gdb_hex_encode(hex, b, 4);
}

static bool get_le32(const char *hex, uint32_t *v)
{
    uint8_t b[4];
    if (!gdb_hex_decode(b, hex, 4))
        return false;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

static int read_registers(struct gdb_server *s, struct gdb_conn *c)
{
    for (unsigned i = 0; i < NREGS; i++) {
        uint32_t v;
        if (stflash_reg_read(s->dev, i, &v))
            return status(gdb_send_str(c, "E01"));
        put_le32(out + 8 * i, v);
    }
    return status(gdb_send_str(c, out));
}

static int write_registers(struct gdb_server *s, struct gdb_conn *c, const char *hex, size_t len)
{
    /* All the registers of the target description, or none: a short G would leave some
     * unwritten while gdb believes they were. */
    if (len != 8 * NREGS)
        return status(gdb_send_str(c, "E01"));
    for (unsigned i = 0; i < NREGS; i++) {
        uint32_t v;
        if (!get_le32(hex + 8 * i, &v) || stflash_reg_write(s->dev, i, v))
            return status(gdb_send_str(c, "E01"));
    }
    return status(gdb_send_str(c, "OK"));
}

static int one_register(struct gdb_server *s, struct gdb_conn *c, const char *args, bool write)
{
    uint32_t n, v;
    const char *next;
    if (!gdb_parse_hex(args, write ? "=" : "", &n, &next) || n >= NREGS)
        return status(gdb_send_str(c, "E01"));
    if (write) {
        if (strlen(next) != 8 || !get_le32(next, &v) || stflash_reg_write(s->dev, n, v))
            return status(gdb_send_str(c, "E01"));
        return status(gdb_send_str(c, "OK"));
    }
    if (stflash_reg_read(s->dev, n, &v))
        return status(gdb_send_str(c, "E01"));
    put_le32(out, v);
    return status(gdb_send_str(c, out));
}

/* m, M and X. */
static int memory(struct gdb_server *s, struct gdb_conn *c, char kind, size_t len)
{
    uint32_t addr, n;
    const char *next;
    if (!gdb_parse_hex(pkt + 1, ",", &addr, &next) ||
        !gdb_parse_hex(next, kind == 'm' ? "" : ":", &n, &next) || n > sizeof mem ||
        (uint64_t)addr + n > 0x100000000ull)
        return status(gdb_send_str(c, "E01"));
    if (kind == 'm') {
        if (n > (sizeof out - 1) / 2 || stflash_mem_read(s->dev, addr, mem, n))
            return status(gdb_send_str(c, "E01"));
        gdb_hex_encode(out, mem, n);
        return status(gdb_send_str(c, out));
    }
    if (next[-1] != ':')
        return status(gdb_send_str(c, "E01"));
    size_t have = len - (size_t)(next - pkt);
    if (kind == 'M') {
        if (have != 2 * (size_t)n || !gdb_hex_decode(mem, next, n))
            return status(gdb_send_str(c, "E01"));
    } else {
        if (have != n)
            return status(gdb_send_str(c, "E01"));
        memcpy(mem, next, n);
    }
    if (n && stflash_mem_write(s->dev, addr, mem, n))
        return status(gdb_send_str(c, "E01"));
    return status(gdb_send_str(c, "OK"));
}

/* Z1/z1 (and Z0/z0: software breakpoints in flash are not possible, the FPB serves both). */
static int breakpoint(struct gdb_server *s, struct gdb_conn *c)
{
    uint32_t type, addr, kind;
    const char *next;
    if (!gdb_parse_hex(pkt + 1, ",", &type, &next) || !gdb_parse_hex(next, ",", &addr, &next) ||
        !gdb_parse_hex(next, ";", &kind, NULL))
        return status(gdb_send_str(c, "E01"));
    if (type > 1)
        return status(gdb_send_str(c, "")); /* watchpoints: not supported */
    if (pkt[0] == 'z')
        return status(gdb_send_str(c, gdb_bkpt_remove(s->dev, &s->bkpts, addr) ? "E01" : "OK"));
    /* Software breakpoints outside the code region: gdb writes the instruction itself. */
    if (type == 0 && addr >= 0x20000000u)
        return status(gdb_send_str(c, ""));
    return status(gdb_send_str(c, gdb_bkpt_insert(s->dev, &s->bkpts, addr) ? "E01" : "OK"));
}

/* Lets the target run until it halts or gdb interrupts it, then sends the stop reply. */
static int run_until_stop(struct gdb_server *s, struct gdb_conn *c)
{
    if (stflash_run(s->dev))
        return status(gdb_send_str(c, "E01"));
    for (;;) {
        size_t len;
        int r = gdb_read(c, pkt, sizeof pkt, &len, 10);
        if (r == GDB_READ_CLOSED)
            return SESSION_LOST;
        gdb_busy_poll(s);
        if (r == GDB_READ_INTERRUPT || *s->stop) {
            if (stflash_halt(s->dev))
                return status(gdb_send_str(c, "E01"));
            return status(gdb_send_str(c, "T02"));
        }
        bool halted = false;
        if (stflash_is_halted(s->dev, &halted))
            return status(gdb_send_str(c, "E01"));
        if (halted)
            return status(gdb_send_str(c, "T05"));
    }
}

static int step(struct gdb_server *s, struct gdb_conn *c)
{
    return status(gdb_send_str(c, stflash_step(s->dev) ? "E01" : "T05"));
}

/* c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR]. */
static int resume(struct gdb_server *s, struct gdb_conn *c)
{
    const char *args = pkt + 1;
    if (pkt[0] == 'C' || pkt[0] == 'S') {
        args = strchr(args, ';');
        args = args ? args + 1 : "";
    }
    uint32_t addr;
    if (*args) {
        if (!gdb_parse_hex(args, "", &addr, NULL) || stflash_reg_write(s->dev, 15, addr))
            return status(gdb_send_str(c, "E01"));
    }
    return pkt[0] == 'c' || pkt[0] == 'C' ? run_until_stop(s, c) : step(s, c);
}

/* vCont;ACTION[:THREAD]...: the first action applies (one core, one thread). */
static int vcont(struct gdb_server *s, struct gdb_conn *c)
{
    char action = pkt[6];
    if (action == 'c' || action == 'C')
        return run_until_stop(s, c);
    if (action == 's' || action == 'S')
        return step(s, c);
    if (action == 't')
        return status(gdb_send_str(c, stflash_halt(s->dev) ? "E01" : "T02"));
    return status(gdb_send_str(c, "E01"));
}

static int dispatch(struct gdb_server *s, struct gdb_conn *c, size_t len)
{
    switch (pkt[0]) {
    case '?':
        return status(gdb_send_str(c, "T05"));
    case '!':
    case 'H':
    case 'T':
        return status(gdb_send_str(c, "OK"));
    case 'g':
        return read_registers(s, c);
    case 'G':
        return write_registers(s, c, pkt + 1, len - 1);
    case 'p':
        return one_register(s, c, pkt + 1, false);
    case 'P':
        return one_register(s, c, pkt + 1, true);
    case 'm':
    case 'M':
    case 'X':
        return memory(s, c, pkt[0], len);
    case 'Z':
    case 'z':
        return breakpoint(s, c);
    case 'c':
    case 'C':
    case 's':
    case 'S':
        return resume(s, c);
    case 'D':
        /* gdb removed its breakpoints; the target runs on. */
        gdb_bkpt_clear(s->dev, &s->bkpts);
        stflash_run(s->dev);
        gdb_send_str(c, "OK");
        return SESSION_END;
    case 'k':
        gdb_bkpt_clear(s->dev, &s->bkpts);
        stflash_reset(s->dev, STFLASH_RESET_AUTO, false);
        return SESSION_GO_ON; /* no reply; gdb may stay connected (extended-remote) */
    case 'v':
        if (strncmp(pkt, "vCont;", 6) == 0)
            return vcont(s, c);
        if (strncmp(pkt, "vKill", 5) == 0) {
            gdb_bkpt_clear(s->dev, &s->bkpts);
            int rc = stflash_reset(s->dev, STFLASH_RESET_AUTO, false);
            return status(gdb_send_str(c, rc ? "E01" : "OK"));
        }
        return gdb_query(s, c, pkt, len) ? SESSION_LOST : SESSION_GO_ON;
    case 'q':
    case 'Q':
        return gdb_query(s, c, pkt, len) ? SESSION_LOST : SESSION_GO_ON;
    default:
        return status(gdb_send_str(c, ""));
    }
}

int gdb_serve(struct gdb_server *s, int fd)
{
    struct gdb_conn c;
    memset(&c, 0, sizeof c);
    c.fd = fd;
    int rc = stflash_halt(s->dev);
    if (rc == 0)
        rc = gdb_bkpt_init(s->dev, &s->bkpts);
    if (rc)
        return rc;
    int state = SESSION_GO_ON;
    bool greeted = false; /* a first packet came */
    uint64_t last = now_ms();
    while (state == SESSION_GO_ON && !*s->stop) {
        size_t len;
        int r = gdb_read(&c, pkt, sizeof pkt, &len, 200);
        if (r == GDB_READ_CLOSED) {
            if (c.timed_out_in_packet)
                say(s, "gdb left a packet unfinished for %u s: disconnected",
                    GDB_PACKET_DEADLINE_MS / 1000u);
            break;
        }
        if (r == GDB_READ_TIMEOUT) {
            /* Only now: a client that has just closed is seen gone before a newcomer is
             * refused. */
            gdb_busy_poll(s);
            uint64_t idle = now_ms() - last;
            if (!greeted && idle >= GDB_FIRST_PACKET_MS) {
                say(s, "the client sent nothing for %u s: disconnected (not gdb?)",
                    GDB_FIRST_PACKET_MS / 1000u);
                break;
            }
            if (s->idle_timeout_ms && idle >= s->idle_timeout_ms) {
                say(s, "gdb idle for %u s: disconnected (--idle-timeout)",
                    s->idle_timeout_ms / 1000u);
                break;
            }
            continue;
        }
        greeted = true;
        last = now_ms();
        if (r == GDB_READ_INTERRUPT) {
            stflash_halt(s->dev);
            state = status(gdb_send_str(&c, "T02"));
            continue;
        }
        state = dispatch(s, &c, len);
    }
    if (c.bad_packets)
        say(s, "%lu malformed packet%s refused (bad checksum or too long)", c.bad_packets,
            c.bad_packets == 1 ? "" : "s");
    if (state != SESSION_END) /* gone without detaching: leave no breakpoints behind */
        gdb_bkpt_clear(s->dev, &s->bkpts);
    gdb_flash_reset(&s->flash);
    return 0;
}
