/* The RTT writer of the test programs (firmware/common/rtt.h). */
#include "common/rtt.h"

#define UP0_SIZE 256u
#define UP1_SIZE 512u
#define MODE_BLOCK 2u

struct rtt_block _SEGGER_RTT;
static char up0_buf[UP0_SIZE], up1_buf[UP1_SIZE], down0_buf[RTT_DOWN0_SIZE];

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

void rtt_start(void)
{
    static const char id[] = "SEGGER RTT";
    struct rtt_block *b = &_SEGGER_RTT;
    b->up_count = 2;
    b->down_count = 1;
    ring_init(&b->up[0], "Terminal", up0_buf, UP0_SIZE, MODE_BLOCK);
    ring_init(&b->up[1], "defmt", up1_buf, UP1_SIZE, MODE_BLOCK);
    ring_init(&b->down[0], "Terminal", down0_buf, RTT_DOWN0_SIZE, 0);
    __asm__ volatile("" ::: "memory");
    for (unsigned i = 0; i < sizeof id; i++)
        b->id[i] = id[i];
}

void rtt_put(struct rtt_ring *r, char c)
{
    uint32_t next = (r->wr + 1u) % r->size;
    while (next == r->rd) {
    }
    r->buf[r->wr] = c;
    __asm__ volatile("" ::: "memory"); /* the byte before the offset that publishes it */
    r->wr = next;
}

void rtt_put_text(struct rtt_ring *r, const char *s)
{
    while (*s)
        rtt_put(r, *s++);
}

int rtt_get(struct rtt_ring *r)
{
    if (r->rd == r->wr)
        return -1;
    int ch = (unsigned char)r->buf[r->rd];
    r->rd = (r->rd + 1u) % r->size;
    return ch;
}
