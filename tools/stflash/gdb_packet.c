/* GDB Remote Serial Protocol framing: $payload#checksum, acknowledgements, escapes, Ctrl-C. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gdb.h"
#include "gdb_rsp.h"

uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char hexdigits[] = "0123456789abcdef";

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

void gdb_hex_encode(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

bool gdb_hex_decode(uint8_t *out, const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hexval((unsigned char)in[2 * i]), lo = hexval((unsigned char)in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char *s, const char *ends, uint32_t *val, const char **next)
{
    uint64_t v = 0;
    size_t n = 0;
    for (; hexval((unsigned char)s[n]) >= 0; n++) {
        v = v << 4 | (uint64_t)hexval((unsigned char)s[n]);
        if (v > 0xFFFFFFFFu)
            return false;
    }
    if (n == 0 || (s[n] != '\0' && !strchr(ends, s[n])))
        return false;
    *val = (uint32_t)v;
    if (next)
        *next = s + n + (s[n] != '\0');
    return true;
}

/* One byte from the connection: 0..255, BYTE_TIMEOUT or GDB_READ_CLOSED. */
#define BYTE_TIMEOUT (-2)
static int get_byte(struct gdb_conn *c, int timeout_ms)
{
    if (c->in_pos == c->in_len) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int r = poll(&p, 1, timeout_ms);
        if (r == 0 || (r < 0 && errno == EINTR))
            return BYTE_TIMEOUT;
        if (r < 0)
            return GDB_READ_CLOSED;
        ssize_t n = recv(c->fd, c->in, sizeof c->in, 0);
        if (n <= 0)
            return GDB_READ_CLOSED;
        c->in_len = (size_t)n;
        c->in_pos = 0;
    }
    return c->in[c->in_pos++];
}

static int send_all(struct gdb_conn *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int gdb_read(struct gdb_conn *c, char *buf, size_t cap, size_t *len, int timeout_ms)
{
    struct gdb_rsp r;
    gdb_rsp_init(&r, buf, cap);
    uint64_t packet_start = 0;
    for (;;) {
        int wait = timeout_ms;
        if (gdb_rsp_in_packet(&r)) {
            /* A packet, once started, must end in time: a client that stops in the middle
             * (or trickles bytes) does not hold the server. */
            uint64_t spent = now_ms() - packet_start;
            if (spent >= GDB_PACKET_DEADLINE_MS) {
                c->timed_out_in_packet = true;
                return GDB_READ_CLOSED;
            }
            wait = (int)(GDB_PACKET_DEADLINE_MS - spent);
        }
        int ch = get_byte(c, wait);
        if (ch == BYTE_TIMEOUT) {
            if (gdb_rsp_in_packet(&r))
                continue; /* the deadline above decides */
            return GDB_READ_TIMEOUT;
        }
        if (ch < 0)
            return GDB_READ_CLOSED;
        bool was_idle = !gdb_rsp_in_packet(&r);
        switch (gdb_rsp_feed(&r, (uint8_t)ch)) {
        case RSP_MORE:
            if (was_idle && gdb_rsp_in_packet(&r))
                packet_start = now_ms();
            break;
        case RSP_INTERRUPT:
            return GDB_READ_INTERRUPT;
        case RSP_BAD:
            c->bad_packets++;
            if (!c->no_ack && send_all(c, "-", 1))
                return GDB_READ_CLOSED;
            if (gdb_rsp_in_packet(&r)) /* a '$' inside a packet started a new one */
                packet_start = now_ms();
            break;
        case RSP_PACKET:
            if (!c->no_ack && send_all(c, "+", 1))
                return GDB_READ_CLOSED;
            *len = r.len;
            return GDB_READ_PACKET;
        }
    }
}

int gdb_send(struct gdb_conn *c, const char *data, size_t len)
{
    /* '$', '#', '}' and '*' in the payload are escaped; the reply may hold binary data. */
    static uint8_t frame[2 * GDB_PACKET_MAX + 8];
    size_t n = 0;
    uint8_t sum = 0;
    frame[n++] = '$';
    for (size_t i = 0; i < len && n + 6 < sizeof frame; i++) {
        uint8_t b = (uint8_t)data[i];
        if (b == '$' || b == '#' || b == '}' || b == '*') {
            frame[n++] = '}';
            sum = (uint8_t)(sum + '}');
            b ^= 0x20;
        }
        frame[n++] = b;
        sum = (uint8_t)(sum + b);
    }
    frame[n++] = '#';
    frame[n++] = (uint8_t)hexdigits[sum >> 4];
    frame[n++] = (uint8_t)hexdigits[sum & 15];
    for (int attempt = 0; attempt < 10; attempt++) {
        if (send_all(c, frame, n))
            return -1;
        if (c->no_ack)
            return 0;
        /* The acknowledgement must come within 5 s, whatever noise comes before it. */
        uint64_t start = now_ms();
        for (;;) {
            uint64_t spent = now_ms() - start;
            int ch = spent < 5000 ? get_byte(c, (int)(5000 - spent)) : BYTE_TIMEOUT;
            if (ch < 0)
                return -1;
            if (ch == '+')
                return 0;
            if (ch == '-')
                break;
        }
    }
    return -1;
}

int gdb_send_str(struct gdb_conn *c, const char *s)
{
    return gdb_send(c, s, strlen(s));
}
