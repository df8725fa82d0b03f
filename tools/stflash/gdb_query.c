/* The query packets of the GDB server: features, target description, memory map, flash
 * loading; monitor commands go to gdb_monitor.c. */
#include <stdio.h>
#include <string.h>

#include "gdb.h"

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

static int flash_packet(struct gdb_server *s, struct gdb_conn *c, char *pkt, size_t len)
{
    uint32_t addr, n;
    const char *next;
    if (strncmp(pkt, "vFlashErase:", 12) == 0) {
        if (!gdb_parse_hex(pkt + 12, ",", &addr, &next) || !gdb_parse_hex(next, "", &n, NULL))
            return gdb_send_str(c, "E01");
        return gdb_send_str(c,
                            gdb_flash_erase(&s->flash, s->dev, &s->info, addr, n) ? "E01" : "OK");
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
        return send_chunk(c, s->core.xml, s->core.xml_len, pkt + 31);
    if (strncmp(pkt, "qXfer:memory-map:read::", 23) == 0) {
        if (!s->memory_map) { /* walks the erase map once per server */
            static char map[8192];
            int n = gdb_memory_map(s->dev, &s->info, map, sizeof map);
            if (n < 0)
                return gdb_send_str(c, "E01");
            s->memory_map = map;
            s->memory_map_len = (size_t)n;
        }
        return send_chunk(c, s->memory_map, s->memory_map_len, pkt + 23);
    }
    if (strncmp(pkt, "qXfer:", 6) == 0)
        return gdb_send_str(c, "E00");
    if (strcmp(pkt, "qAttached") == 0)
        return gdb_send_str(c, "1");
    if (strncmp(pkt, "qRcmd,", 6) == 0)
        return gdb_monitor(s, c, pkt + 6);
    if (strncmp(pkt, "vFlash", 6) == 0)
        return flash_packet(s, c, pkt, len);
    if (strcmp(pkt, "vCont?") == 0)
        return gdb_send_str(c, "vCont;c;C;s;S;t");
    return gdb_send_str(c, ""); /* not supported */
}
