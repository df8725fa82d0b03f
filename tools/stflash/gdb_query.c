/* The query packets of the GDB server: features, target description, memory map, monitor
 * commands, flash loading. */
#include <stdio.h>
#include <string.h>

#include "gdb.h"

/* Cortex-M: r0-r12, sp, lr, pc, xpsr, numbered 0-16 as the DCRSR register numbers. */
static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>arm</architecture>\n"
    "<feature name=\"org.gnu.gdb.arm.m-profile\">\n"
    "<reg name=\"r0\" bitsize=\"32\" regnum=\"0\"/>\n"
    "<reg name=\"r1\" bitsize=\"32\"/>\n"
    "<reg name=\"r2\" bitsize=\"32\"/>\n"
    "<reg name=\"r3\" bitsize=\"32\"/>\n"
    "<reg name=\"r4\" bitsize=\"32\"/>\n"
    "<reg name=\"r5\" bitsize=\"32\"/>\n"
    "<reg name=\"r6\" bitsize=\"32\"/>\n"
    "<reg name=\"r7\" bitsize=\"32\"/>\n"
    "<reg name=\"r8\" bitsize=\"32\"/>\n"
    "<reg name=\"r9\" bitsize=\"32\"/>\n"
    "<reg name=\"r10\" bitsize=\"32\"/>\n"
    "<reg name=\"r11\" bitsize=\"32\"/>\n"
    "<reg name=\"r12\" bitsize=\"32\"/>\n"
    "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"lr\" bitsize=\"32\"/>\n"
    "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"xpsr\" bitsize=\"32\"/>\n"
    "</feature>\n"
    "</target>\n";

static char reply[2 * GDB_PACKET_MAX + 2];

/* qXfer read of a document: "m" + a chunk, or "l" + the last one. */
static int send_chunk(struct gdb_conn *c, const char *doc, size_t doc_len, const char *args)
{
    uint32_t off, len;
    const char *next;
    if (!gdb_parse_hex(args, ",", &off, &next) || !gdb_parse_hex(next, "", &len, NULL))
        return gdb_send_str(c, "E01");
    if (len > GDB_PACKET_MAX - 1)
        len = GDB_PACKET_MAX - 1;
    if (off >= doc_len)
        return gdb_send_str(c, "l");
    size_t n = doc_len - off < len ? doc_len - off : len;
    reply[0] = off + n < doc_len ? 'm' : 'l';
    memcpy(reply + 1, doc + off, n);
    return gdb_send(c, reply, n + 1);
}

/* Text for the gdb console: an "O" packet. */
static int console(struct gdb_conn *c, const char *text)
{
    reply[0] = 'O';
    gdb_hex_encode(reply + 1, (const uint8_t *)text, strlen(text));
    return gdb_send_str(c, reply);
}

static int monitor(struct gdb_server *s, struct gdb_conn *c, const char *hex)
{
    char cmd[128];
    size_t n = strlen(hex) / 2;
    if (n >= sizeof cmd || !gdb_hex_decode((uint8_t *)cmd, hex, n))
        return gdb_send_str(c, "E01");
    cmd[n] = '\0';
    int rc;
    const char *done;
    if (strcmp(cmd, "reset") == 0 || strcmp(cmd, "reset halt") == 0) {
        /* gdb believes the target stopped: it stays halted at the reset vector. */
        rc = stflash_reset(s->dev, STFLASH_RESET_AUTO, true);
        done = "target reset, halted at the reset vector\n";
    } else if (strcmp(cmd, "halt") == 0) {
        rc = stflash_halt(s->dev);
        done = "target halted\n";
    } else if (strcmp(cmd, "help") == 0) {
        rc = 0;
        done = "monitor commands: reset (halts at the reset vector), reset halt, halt\n";
    } else {
        if (console(c, "unknown monitor command: use reset, reset halt or halt\n"))
            return -1;
        return gdb_send_str(c, "E01");
    }
    if (rc) {
        char msg[160];
        snprintf(msg, sizeof msg, "failed: %s\n", stflash_strerror(rc));
        if (console(c, msg))
            return -1;
        return gdb_send_str(c, "E01");
    }
    if (console(c, done))
        return -1;
    return gdb_send_str(c, "OK");
}

static int flash_packet(struct gdb_server *s, struct gdb_conn *c, char *pkt, size_t len)
{
    uint32_t addr, n;
    const char *next;
    if (strncmp(pkt, "vFlashErase:", 12) == 0) {
        if (!gdb_parse_hex(pkt + 12, ",", &addr, &next) || !gdb_parse_hex(next, "", &n, NULL))
            return gdb_send_str(c, "E01");
        return gdb_send_str(c, gdb_flash_erase(&s->flash, &s->info, addr, n) ? "E01" : "OK");
    }
    if (strncmp(pkt, "vFlashWrite:", 12) == 0) {
        if (!gdb_parse_hex(pkt + 12, ":", &addr, &next) || next[-1] != ':')
            return gdb_send_str(c, "E01");
        size_t data_len = len - (size_t)(next - pkt);
        int rc = gdb_flash_write(&s->flash, addr, (const uint8_t *)next, data_len);
        return gdb_send_str(c, rc ? "E.memtype" : "OK");
    }
    if (strcmp(pkt, "vFlashDone") != 0)
        return gdb_send_str(c, "");
    int rc = gdb_flash_done(&s->flash, s->dev);
    if (rc) {
        /* Only a reply may answer vFlashDone (console output here would be taken as the
         * reply, and every later one would be off by one): E01, which gdb reports as a load
         * error; the reason goes to the server's log. */
        if (s->log) {
            const char *why = s->ctx ? stflash_last_error(s->ctx) : NULL;
            fprintf(s->log, "stflash: gdb load: flash programming failed: %s\n",
                    why && *why ? why : stflash_strerror(rc));
            fflush(s->log);
        }
        return gdb_send_str(c, "E01");
    }
    return gdb_send_str(c, "OK");
}

int gdb_query(struct gdb_server *s, struct gdb_conn *c, char *pkt, size_t len)
{
    if (strncmp(pkt, "qSupported", 10) == 0) {
        snprintf(reply, sizeof reply,
                 "PacketSize=%x;qXfer:features:read+;qXfer:memory-map:read+;QStartNoAckMode+",
                 GDB_PACKET_MAX);
        return gdb_send_str(c, reply);
    }
    if (strcmp(pkt, "QStartNoAckMode") == 0) {
        int rc = gdb_send_str(c, "OK");
        c->no_ack = true;
        return rc;
    }
    if (strncmp(pkt, "qXfer:features:read:target.xml:", 31) == 0)
        return send_chunk(c, target_xml, sizeof target_xml - 1, pkt + 31);
    if (strncmp(pkt, "qXfer:memory-map:read::", 23) == 0) {
        char map[1024];
        int n = gdb_memory_map(&s->info, map, sizeof map);
        if (n < 0)
            return gdb_send_str(c, "E01");
        return send_chunk(c, map, (size_t)n, pkt + 23);
    }
    if (strncmp(pkt, "qXfer:", 6) == 0)
        return gdb_send_str(c, "E00");
    if (strcmp(pkt, "qAttached") == 0)
        return gdb_send_str(c, "1");
    if (strncmp(pkt, "qRcmd,", 6) == 0)
        return monitor(s, c, pkt + 6);
    if (strncmp(pkt, "vFlash", 6) == 0)
        return flash_packet(s, c, pkt, len);
    if (strcmp(pkt, "vCont?") == 0)
        return gdb_send_str(c, "vCont;c;C;s;S;t");
    return gdb_send_str(c, ""); /* not supported */
}
