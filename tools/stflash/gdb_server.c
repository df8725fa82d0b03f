/* The GDB server's session with one client: registers, memory, breakpoints, run control. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gdb.h"

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

static int read_registers(struct gdb_server *s, struct gdb_conn *c)
{
    for (unsigned i = 0; i < GDB_G_REGS; i++)
        if (gdb_reg_read(s->dev, &s->core, i, out + 8 * i))
            return status(gdb_send_str(c, "E01"));
    return status(gdb_send_str(c, out));
}

static int write_registers(struct gdb_server *s, struct gdb_conn *c, const char *hex, size_t len)
{
    /* All the registers g carries, or none: a short G would leave some unwritten while gdb
     * believes they were. */
    if (len != 8 * GDB_G_REGS)
        return status(gdb_send_str(c, "E01"));
    for (unsigned i = 0; i < GDB_G_REGS; i++)
        if (gdb_reg_write(s->dev, &s->core, i, hex + 8 * i, 8))
            return status(gdb_send_str(c, "E01"));
    return status(gdb_send_str(c, "OK"));
}

static int one_register(struct gdb_server *s, struct gdb_conn *c, const char *args, bool write)
{
    uint32_t n;
    const char *next;
    if (!gdb_parse_hex(args, write ? "=" : "", &n, &next) || n >= s->core.nregs ||
        (write && next[-1] != '='))
        return status(gdb_send_str(c, "E01"));
    if (write)
        return status(
            gdb_send_str(c, gdb_reg_write(s->dev, &s->core, n, next, strlen(next)) ? "E01" : "OK"));
    if (gdb_reg_read(s->dev, &s->core, n, out))
        return status(gdb_send_str(c, "E01"));
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

/* Z0/z0 and Z1/z1 through the FPB (software breakpoints in flash are not possible, so the FPB
 * serves Z0 there too); Z2/Z3/Z4 watchpoints through the DWT (include/stflash/debug.h). */
static int breakpoint(struct gdb_server *s, struct gdb_conn *c)
{
    uint32_t type, addr, kind;
    const char *next;
    if (!gdb_parse_hex(pkt + 1, ",", &type, &next) || !gdb_parse_hex(next, ",", &addr, &next) ||
        !gdb_parse_hex(next, ";", &kind, NULL))
        return status(gdb_send_str(c, "E01"));
    bool insert = pkt[0] == 'Z';
    int rc;
    if (type >= 2 && type <= 4) {
        static const enum stflash_watch_kind kinds[] = {STFLASH_WATCH_WRITE, STFLASH_WATCH_READ,
                                                        STFLASH_WATCH_ACCESS};
        enum stflash_watch_kind wk = kinds[type - 2];
        rc = insert ? stflash_watch_insert(s->dev, &s->hw, addr, kind, wk)
                    : stflash_watch_remove(s->dev, &s->hw, addr, kind, wk);
        if (rc == STFLASH_ERR_INVALID_ARG)
            say(s,
                "watchpoint of %u bytes at 0x%08x refused: the DWT watches aligned blocks "
                "of 1, 2, 4, ... bytes",
                kind, addr);
        return status(gdb_send_str(c, rc ? "E01" : "OK"));
    }
    if (type > 1)
        return status(gdb_send_str(c, "")); /* not supported */
    if (!insert && stflash_swbreak_has(&s->sw, addr))
        return status(gdb_send_str(c, stflash_swbreak_remove(s->dev, &s->sw, addr) ? "E01" : "OK"));
    if (!insert)
        return status(gdb_send_str(c, stflash_hwbreak_remove(s->dev, &s->hw, addr) ? "E01" : "OK"));
    /* A software breakpoint in RAM code runs from (the SRAM region, an F3's or G4's CCM SRAM:
     * stflash_swbreak_fits()): a BKPT written there, the original back on z0 and when the
     * session ends. */
    if (type == 0 && stflash_swbreak_fits(s->info.chip, addr)) {
        rc = stflash_swbreak_insert(s->dev, &s->sw, addr);
        if (rc)
            say(s, "software breakpoint at 0x%08x refused: %s", addr, stflash_strerror(rc));
        return status(gdb_send_str(c, rc ? "E01" : "OK"));
    }
    return status(gdb_send_str(c, stflash_hwbreak_insert(s->dev, &s->hw, addr) ? "E01" : "OK"));
}

#define DFSR 0xE000ED30u
#define DFSR_DWTTRAP (1u << 2)

/* The stop reply after a halt: SIGTRAP, naming the watched address when a DWT comparator
 * stopped the core (DFSR.DWTTRAP, ARMv7-M C1.6.1); DFSR is cleared for the next stop. */
static int stop_reply(struct gdb_server *s, struct gdb_conn *c)
{
    uint32_t dfsr = 0;
    if (stflash_read32(s->dev, DFSR, &dfsr) == 0 && dfsr)
        stflash_write32(s->dev, DFSR, dfsr); /* write-one-to-clear */
    int hit = -1;
    if ((dfsr & DFSR_DWTTRAP) && stflash_watch_hit(s->dev, &s->hw, &hit) == 0 && hit >= 0) {
        static const char *const names[] = {"watch", "rwatch", "awatch"};
        char reply[48];
        snprintf(reply, sizeof reply, "T05%s:%08x;", names[s->hw.wp[hit].kind],
                 (unsigned)s->hw.wp[hit].addr);
        return status(gdb_send_str(c, reply));
    }
    return status(gdb_send_str(c, "T05"));
}

/* The program ended through semihosting (SYS_EXIT): gdb is told it exited, with its status. */
static int exit_reply(struct gdb_server *s, struct gdb_conn *c, int exit_status)
{
    char reply[8];
    snprintf(reply, sizeof reply, "W%02x", (unsigned)exit_status & 0xFFu);
    say(s, "the program exited with status %d (semihosting)", exit_status);
    return status(gdb_send_str(c, reply));
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
        gdb_rtt_poll(s);
        if (r == GDB_READ_INTERRUPT || *s->stop) {
            if (stflash_halt(s->dev))
                return status(gdb_send_str(c, "E01"));
            return status(gdb_send_str(c, "T02"));
        }
        bool halted = false;
        if (stflash_is_halted(s->dev, &halted))
            return status(gdb_send_str(c, "E01"));
        if (halted) {
            int exit_status = 0;
            int sh = gdb_semihost_halted(s, c, true, &exit_status);
            if (sh == GDB_SEMIHOST_RESUMED)
                continue;
            if (sh == GDB_SEMIHOST_LOST)
                return SESSION_LOST;
            if (sh == GDB_SEMIHOST_ERROR)
                return status(gdb_send_str(c, "E01"));
            if (sh == GDB_SEMIHOST_EXITED)
                return exit_reply(s, c, exit_status);
            return stop_reply(s, c);
        }
    }
}

static int step(struct gdb_server *s, struct gdb_conn *c)
{
    if (stflash_step(s->dev))
        return status(gdb_send_str(c, "E01"));
    /* A step onto a semihosting BKPT performs the call, as running through it does. */
    int exit_status = 0;
    int sh = gdb_semihost_halted(s, c, false, &exit_status);
    if (sh == GDB_SEMIHOST_LOST)
        return SESSION_LOST;
    if (sh == GDB_SEMIHOST_ERROR)
        return status(gdb_send_str(c, "E01"));
    if (sh == GDB_SEMIHOST_EXITED)
        return exit_reply(s, c, exit_status);
    return stop_reply(s, c);
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
    /* A thread stopped by vCont;t reports signal 0 (gdb manual, "Packets", vCont). */
    if (action == 't')
        return status(gdb_send_str(c, stflash_halt(s->dev) ? "E01" : "T00"));
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
        stflash_hwbreak_clear(s->dev, &s->hw);
        stflash_swbreak_clear(s->dev, &s->sw);
        stflash_run(s->dev);
        gdb_send_str(c, "OK");
        return SESSION_END;
    case 'k':
        stflash_hwbreak_clear(s->dev, &s->hw);
        stflash_swbreak_clear(s->dev, &s->sw);
        stflash_reset(s->dev, STFLASH_RESET_AUTO, false);
        return SESSION_GO_ON; /* no reply; gdb may stay connected (extended-remote) */
    case 'v':
        if (strncmp(pkt, "vCont;", 6) == 0)
            return vcont(s, c);
        if (strncmp(pkt, "vKill", 5) == 0) {
            stflash_hwbreak_clear(s->dev, &s->hw);
            stflash_swbreak_clear(s->dev, &s->sw);
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
    int rc = s->reset_on_connect ? stflash_reset(s->dev, STFLASH_RESET_AUTO, true)
                                 : stflash_halt(s->dev);
    if (rc == 0)
        rc = stflash_hwbreak_init(s->dev, &s->hw);
    if (rc == 0)
        rc = gdb_core_detect(s->dev, &s->core);
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
            gdb_rtt_poll(s);
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
    if (state != SESSION_END) { /* gone without detaching: leave no breakpoints behind */
        stflash_hwbreak_clear(s->dev, &s->hw);
        stflash_swbreak_clear(s->dev, &s->sw);
    }
    gdb_flash_reset(&s->flash);
    return 0;
}
