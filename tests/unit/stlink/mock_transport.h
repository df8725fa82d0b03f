/*
 * A scripted transport for the ST-LINK client tests: each exchange must match the next step of
 * the script (command block, data phase length and content, reply length), and gets the step's
 * reply. Memory data follows a pattern derived from the address, so reads and writes of any
 * split can be checked byte by byte.
 */
#ifndef STFLASH_TESTS_MOCK_TRANSPORT_H
#define STFLASH_TESTS_MOCK_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"

struct mock_step {
    uint8_t cmd[16];
    size_t out_len;
    bool out_pattern; /* the data phase must be the pattern from `addr` */
    size_t in_len;
    uint8_t reply[64]; /* the first bytes of the reply (the rest zero) */
    bool in_pattern;   /* the reply is the pattern from `addr` */
    uint32_t addr;
    int rc; /* what the transport returns */
};

struct mock {
    struct transport base;
    struct mock_step *steps;
    size_t count, cap, pos;
};

/* The byte the pattern has at an address. */
static inline uint8_t mock_pattern(uint32_t addr)
{
    return (uint8_t)(addr * 7u + 3u);
}

/* Fills data with the pattern from addr; asserts that data holds it. */
void mock_pattern_fill(uint8_t *data, size_t n, uint32_t addr);
void mock_assert_pattern(const uint8_t *data, size_t n, uint32_t addr);

void mock_init(struct mock *m, struct stflash_ctx *ctx);
void mock_release(struct mock *m);
/* Every step was used. */
void mock_done(struct mock *m);

/* A command block from its first bytes (the rest zero). */
void mock_cmd(uint8_t cmd[16], size_t n, const uint8_t *bytes);

/* A step whose reply is `reply` (in_len bytes expected, reply_len given). */
struct mock_step *mock_expect(struct mock *m, const uint8_t cmd[16], size_t in_len,
                              const uint8_t *reply, size_t reply_len);
/* Shorthands. */
void mock_expect_bytes(struct mock *m, size_t cmd_n, const uint8_t *cmd_bytes, size_t in_len,
                       size_t reply_n, const uint8_t *reply);
/* A memory command (op = READMEM/WRITEMEM code) at addr of len bytes; reads answer the
 * pattern, writes must send it. */
void mock_expect_mem(struct mock *m, uint8_t op, uint32_t addr, uint16_t len);
/* GETLASTRWSTATUS2 answering status and fault address. */
void mock_expect_status2(struct mock *m, uint8_t status, uint32_t fault);

#endif
