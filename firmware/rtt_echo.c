/*
 * rtt_echo.c - test firmware for `stflash rtt`: a minimal RTT writer of its own.
 *
 * The control block `_SEGGER_RTT` (layout: include/stflash/rtt.h) declares two up channels and
 * one down channel:
 *   up 0 "Terminal"  RTT_ECHO_LINES lines "rtt: hello N", then "echo: TEXT" for every line
 *                    read from down channel 0
 *   up 1 "defmt"     the 256 byte values 0..255 once, binary (a stand-in for a defmt stream),
 *                    in a buffer large enough that the firmware goes on when nobody reads it
 * Up channels block when full (Flags mode 2): nothing is lost while the debugger reads.
 * The id is stored last, so a debugger never finds a half-built block.
 */
#include <stdint.h>

#include "common/board.h"

#define RTT_ECHO_LINES 5
#define UP0_SIZE 256u
#define UP1_SIZE 512u /* holds the whole binary message: nobody has to read it */
#define DOWN0_SIZE 32u
#define MODE_BLOCK 2u

struct rtt_ring {
    const char *name;
    char *buf;
    uint32_t size;
    volatile uint32_t wr;
    volatile uint32_t rd;
    uint32_t flags;
};

struct rtt_block {
    volatile char id[16];
    int32_t up_count, down_count;
    struct rtt_ring up[2];
    struct rtt_ring down[1];
};

struct rtt_block _SEGGER_RTT;
static char up0_buf[UP0_SIZE], up1_buf[UP1_SIZE], down0_buf[DOWN0_SIZE];

static void ring_init(struct rtt_ring *r, const char *name, char *buf, uint32_t size,
                      uint32_t flags)
{
    r->name = name;
    r->buf = buf;
    r->size = size;
    r->wr = 0;
    r->rd = 0;
    r->flags = flags;
}

static void rtt_start(void)
{
    static const char id[] = "SEGGER RTT";
    struct rtt_block *b = &_SEGGER_RTT;
    b->up_count = 2;
    b->down_count = 1;
    ring_init(&b->up[0], "Terminal", up0_buf, UP0_SIZE, MODE_BLOCK);
    ring_init(&b->up[1], "defmt", up1_buf, UP1_SIZE, MODE_BLOCK);
    ring_init(&b->down[0], "Terminal", down0_buf, DOWN0_SIZE, 0);
    __asm__ volatile("" ::: "memory");
    for (unsigned i = 0; i < sizeof id; i++)
        b->id[i] = id[i];
}

/* Puts one byte into an up ring, waiting while it is full (the host frees room). */
static void ring_put(struct rtt_ring *r, char c)
{
    uint32_t next = (r->wr + 1u) % r->size;
    while (next == r->rd) {
    }
    r->buf[r->wr] = c;
    __asm__ volatile("" ::: "memory"); /* the byte before the offset that publishes it */
    r->wr = next;
}

static void put_text(struct rtt_ring *r, const char *s)
{
    while (*s)
        ring_put(r, *s++);
}

/* One byte from a down ring, or -1 when it is empty. */
static int ring_get(struct rtt_ring *r)
{
    if (r->rd == r->wr)
        return -1;
    int c = (unsigned char)r->buf[r->rd];
    r->rd = (r->rd + 1u) % r->size;
    return c;
}

int main(void)
{
    rtt_start();
    for (int i = 0; i < RTT_ECHO_LINES; i++) {
        char line[] = "rtt: hello 0\n";
        line[11] = (char)('0' + i);
        put_text(&_SEGGER_RTT.up[0], line);
    }
    for (unsigned v = 0; v < 256u; v++)
        ring_put(&_SEGGER_RTT.up[1], (char)v);

    char text[DOWN0_SIZE];
    unsigned len = 0;
    for (;;) {
        int c = ring_get(&_SEGGER_RTT.down[0]);
        if (c < 0)
            continue;
        if (c != '\n' && len + 1u < sizeof text) {
            text[len++] = (char)c;
            continue;
        }
        text[len] = '\0';
        put_text(&_SEGGER_RTT.up[0], "echo: ");
        put_text(&_SEGGER_RTT.up[0], text);
        put_text(&_SEGGER_RTT.up[0], "\n");
        len = 0;
    }
}
