/*
 * rtt.h - the RTT writer of the test programs (firmware/rtt_echo.c, firmware/rtt_exit.c).
 *
 * The control block `_SEGGER_RTT` (layout: include/stflash/rtt.h) declares two up channels and
 * one down channel:
 *   up 0 "Terminal"  256 bytes, text
 *   up 1 "defmt"     512 bytes, binary, large enough that a program goes on when nobody reads it
 *   down 0 "Terminal" 32 bytes
 * Up channels block when full (Flags mode 2): nothing is lost while the debugger reads.
 * The id is stored last, so a debugger never finds a half-built block.
 */
#ifndef STFLASH_FW_RTT_H
#define STFLASH_FW_RTT_H

#include <stdint.h>

#define RTT_DOWN0_SIZE 32u

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

extern struct rtt_block _SEGGER_RTT;

/* Sets the block up; the id last. */
void rtt_start(void);
/* Puts one byte into an up ring, waiting while it is full (the host frees room). */
void rtt_put(struct rtt_ring *r, char c);
void rtt_put_text(struct rtt_ring *r, const char *s);
/* One byte from a down ring, or -1 when it is empty. */
int rtt_get(struct rtt_ring *r);

#endif
