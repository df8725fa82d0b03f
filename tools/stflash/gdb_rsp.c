/*
 * GDB Remote Serial Protocol framing ("$payload#cs", '}' escapes, Ctrl-C), as a byte-by-byte
 * state machine without I/O, so that it can be tested and fuzzed alone. Every malformed packet
 * ends as RSP_BAD (a bad checksum digit, a wrong sum, a payload too long), never as undefined
 * behaviour or a write past the buffer.
 */
#include "gdb_rsp.h"

static int hexval(uint8_t ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

void gdb_rsp_init(struct gdb_rsp *r, char *buf, size_t cap)
{
    r->buf = buf;
    r->cap = cap;
    r->len = 0;
    r->state = RSP_IDLE;
    r->sum = 0;
    r->sum_hi = 0;
    r->overflow = false;
}

bool gdb_rsp_in_packet(const struct gdb_rsp *r)
{
    return r->state != RSP_IDLE;
}

static void start(struct gdb_rsp *r)
{
    r->state = RSP_DATA;
    r->len = 0;
    r->sum = 0;
    r->overflow = false;
}

static void put(struct gdb_rsp *r, uint8_t ch)
{
    if (r->len + 1 < r->cap)
        r->buf[r->len++] = (char)ch;
    else
        r->overflow = true;
}

enum gdb_rsp_event gdb_rsp_feed(struct gdb_rsp *r, uint8_t ch)
{
    switch (r->state) {
    case RSP_IDLE:
        if (ch == 0x03)
            return RSP_INTERRUPT;
        if (ch == '$')
            start(r);
        return RSP_MORE; /* acknowledgements and noise between packets */
    case RSP_DATA:
        if (ch == '#') {
            r->state = RSP_SUM1;
        } else if (ch == '$') {
            /* A packet that never ended: the client started over. */
            start(r);
            return RSP_BAD;
        } else {
            r->sum = (uint8_t)(r->sum + ch);
            if (ch == '}')
                r->state = RSP_ESCAPE;
            else
                put(r, ch);
        }
        return RSP_MORE;
    case RSP_ESCAPE:
        r->sum = (uint8_t)(r->sum + ch);
        put(r, (uint8_t)(ch ^ 0x20));
        r->state = RSP_DATA;
        return RSP_MORE;
    case RSP_SUM1:
        r->sum_hi = hexval(ch);
        r->state = RSP_SUM2;
        return RSP_MORE;
    case RSP_SUM2: {
        int lo = hexval(ch);
        r->state = RSP_IDLE;
        if (r->sum_hi < 0 || lo < 0 || (uint8_t)(r->sum_hi * 16 + lo) != r->sum || r->overflow)
            return RSP_BAD;
        r->buf[r->len] = '\0';
        return RSP_PACKET;
    }
    }
    r->state = RSP_IDLE;
    return RSP_BAD;
}
