/* GDB Remote Serial Protocol framing, byte by byte, with no I/O (gdb_rsp.c): what the server
 * reads from a client is fed here one byte at a time. */
#ifndef STFLASH_TOOLS_GDB_RSP_H
#define STFLASH_TOOLS_GDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_rsp_state { RSP_IDLE, RSP_DATA, RSP_ESCAPE, RSP_SUM1, RSP_SUM2 };

struct gdb_rsp {
    char *buf;  /* the payload, escapes undone, NUL-terminated when a packet is complete */
    size_t cap; /* bytes of buf; payloads of cap - 1 bytes or more are refused */
    size_t len;
    enum gdb_rsp_state state;
    uint8_t sum;   /* of the bytes between '$' and '#' as sent */
    int sum_hi;    /* first checksum digit's value */
    bool overflow; /* the payload did not fit */
};

enum gdb_rsp_event {
    RSP_MORE = 0,      /* nothing complete yet */
    RSP_PACKET = 1,    /* a packet with a good checksum: buf[0..len) */
    RSP_BAD = 2,       /* a packet with a bad or malformed checksum, or too long: NAK it */
    RSP_INTERRUPT = 3, /* Ctrl-C (0x03) between packets */
};

void gdb_rsp_init(struct gdb_rsp *r, char *buf, size_t cap);
enum gdb_rsp_event gdb_rsp_feed(struct gdb_rsp *r, uint8_t ch);
/* True while a packet is being received (after its '$'). */
bool gdb_rsp_in_packet(const struct gdb_rsp *r);

#endif
