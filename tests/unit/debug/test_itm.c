/* The ITM packet decoder (include/stflash/swo.h) on byte streams built by hand from the packet
 * formats of the ARMv7-M ARM D4.2: synchronisation, overflow, stimulus packets of 1, 2 and 4
 * bytes on several ports, hardware source packets, local and global timestamps with
 * continuation bytes, extension packets, reserved headers, and packets split anywhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stflash/swo.h"

#define MAX_PACKETS 32

static size_t decode(const uint8_t *bytes, size_t n, struct stflash_itm_packet *out)
{
    struct stflash_itm_decoder d;
    stflash_itm_init(&d);
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (stflash_itm_feed(&d, bytes[i], &out[count]))
            count++;
    return count;
}

static void expect(const struct stflash_itm_packet *p, enum stflash_itm_kind kind, unsigned source,
                   unsigned size, uint32_t value)
{
    assert_int_equal(p->kind, kind);
    assert_int_equal(p->source, source);
    assert_int_equal(p->size, size);
    assert_int_equal(p->value, value);
}

static void stimulus_sizes_and_ports(void **state)
{
    (void)state;
    /* port 0 'A' (1 byte), port 1 0x1234 (2 bytes), port 31 0xDEADBEEF (4 bytes) */
    static const uint8_t s[] = {0x01, 'A', 0x0A, 0x34, 0x12, 0xFB, 0xEF, 0xBE, 0xAD, 0xDE};
    struct stflash_itm_packet p[MAX_PACKETS];
    assert_int_equal(decode(s, sizeof s, p), 3);
    expect(&p[0], STFLASH_ITM_STIMULUS, 0, 1, 'A');
    expect(&p[1], STFLASH_ITM_STIMULUS, 1, 2, 0x1234u);
    expect(&p[2], STFLASH_ITM_STIMULUS, 31, 4, 0xDEADBEEFu);
}

static void sync_and_overflow(void **state)
{
    (void)state;
    /* A synchronisation packet (5 zero bytes then 0x80), an overflow, then a stimulus byte; a
     * lone zero byte is idle line, not a packet. */
    static const uint8_t s[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x70, 0x00, 0x01, 'z'};
    struct stflash_itm_packet p[MAX_PACKETS];
    assert_int_equal(decode(s, sizeof s, p), 3);
    expect(&p[0], STFLASH_ITM_SYNC, 0, 0, 0);
    expect(&p[1], STFLASH_ITM_OVERFLOW, 0, 0, 0);
    expect(&p[2], STFLASH_ITM_STIMULUS, 0, 1, 'z');
    /* Four zero bytes are too few for a synchronisation: 0x80 then starts a timestamp. */
    static const uint8_t short_sync[] = {0x00, 0x00, 0x00, 0x00, 0x80};
    struct stflash_itm_packet q[MAX_PACKETS];
    assert_int_equal(decode(short_sync, sizeof short_sync, q), 0);
}

static void hardware_and_timestamps(void **state)
{
    (void)state;
    static const uint8_t s[] = {
        0x0F, 0x01, 0x00, 0x00, 0x20, /* hardware source, discriminator 1 (event), 4 bytes */
        0xC0, 0x85, 0x01,             /* local timestamp format 1: 0x05 | 0x01 << 7 */
        0x30,                         /* local timestamp format 2: value 3 */
        0x94, 0xFF, 0x7F,             /* global timestamp 1: 0x3FFF */
        0x08,                         /* extension, page 0 */
        0x01, '!',                    /* and a stimulus byte after them */
    };
    struct stflash_itm_packet p[MAX_PACKETS];
    assert_int_equal(decode(s, sizeof s, p), 6);
    expect(&p[0], STFLASH_ITM_HARDWARE, 1, 4, 0x20000001u);
    expect(&p[1], STFLASH_ITM_TIMESTAMP, 0, 2, 0x85u);
    expect(&p[2], STFLASH_ITM_TIMESTAMP, 0, 0, 3);
    expect(&p[3], STFLASH_ITM_TIMESTAMP, 0, 2, 0x3FFFu);
    expect(&p[4], STFLASH_ITM_EXTENSION, 0, 0, 0);
    expect(&p[5], STFLASH_ITM_STIMULUS, 0, 1, '!');
}

static void reserved_header(void **state)
{
    (void)state;
    /* 0x04: bits [1:0] 00, not a timestamp, extension or global timestamp: reserved. */
    static const uint8_t s[] = {0x04, 0x01, 'x'};
    struct stflash_itm_packet p[MAX_PACKETS];
    assert_int_equal(decode(s, sizeof s, p), 2);
    expect(&p[0], STFLASH_ITM_RESERVED, 0, 0, 0x04);
    expect(&p[1], STFLASH_ITM_STIMULUS, 0, 1, 'x');
}

static void split_across_feeds(void **state)
{
    (void)state;
    /* The decoder keeps its state between calls: a 4-byte packet fed one byte at a time with
     * a fresh output each time completes on its last byte only. */
    struct stflash_itm_decoder d;
    struct stflash_itm_packet p;
    stflash_itm_init(&d);
    static const uint8_t s[] = {0x13, 0x78, 0x56, 0x34, 0x12};
    for (size_t i = 0; i + 1 < sizeof s; i++)
        assert_false(stflash_itm_feed(&d, s[i], &p));
    assert_true(stflash_itm_feed(&d, s[sizeof s - 1], &p));
    expect(&p, STFLASH_ITM_STIMULUS, 2, 4, 0x12345678u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stimulus_sizes_and_ports), cmocka_unit_test(sync_and_overflow),
        cmocka_unit_test(hardware_and_timestamps),  cmocka_unit_test(reserved_header),
        cmocka_unit_test(split_across_feeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
