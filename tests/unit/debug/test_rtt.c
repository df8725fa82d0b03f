/* RTT (include/stflash/rtt.h) against control blocks written by hand into the virtual board's
 * SRAM: reads and writes that wrap around the ring, a read limited by the caller's buffer,
 * a down ring with one byte kept free, the checks that refuse corrupt blocks, a scan that finds
 * a block whose id straddles two of its reads, and the ELF symbol lookup on the test firmware. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stflash/rtt.h"
#include "stflash/sim.h"
#include "stflash/stflash.h"

#define BLOCK 0x20001000u
#define UP_BUF 0x20001100u
#define DOWN_BUF 0x20001200u
#define UP_SIZE 16u
#define DOWN_SIZE 8u

struct board {
    char dir[64];
    struct stflash_ctx *ctx;
    struct stflash_dev *dev;
};

static struct board board;

static int setup(void **state)
{
    (void)state;
    snprintf(board.dir, sizeof board.dir, "/tmp/stflash-rtt.XXXXXX");
    if (!mkdtemp(board.dir) || stflash_sim_register() != 0 || stflash_ctx_new(&board.ctx) != 0)
        return -1;
    char sel[160];
    snprintf(sel, sizeof sel, "sim:stm32f103c8,state=%s/board.state", board.dir);
    struct stflash_open_options o = {.selector = sel, .halt = true};
    return stflash_open(board.ctx, &o, &board.dev) == STFLASH_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    stflash_close(board.dev);
    stflash_ctx_free(board.ctx);
    char path[128];
    snprintf(path, sizeof path, "%s/board.state", board.dir);
    unlink(path);
    rmdir(board.dir);
    return 0;
}

static void put32(uint32_t addr, uint32_t v)
{
    assert_int_equal(stflash_write32(board.dev, addr, v), STFLASH_OK);
}

static uint32_t get32(uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(stflash_read32(board.dev, addr, &v), STFLASH_OK);
    return v;
}

/* Descriptor field addresses: up channel 0 first, then down channel 0. */
static uint32_t desc(unsigned i, unsigned field)
{
    return BLOCK + STFLASH_RTT_HEADER_SIZE + i * STFLASH_RTT_DESC_SIZE + field;
}

/* A block at `at` with one up channel (UP_BUF, UP_SIZE) and one down channel. */
static void write_block(uint32_t at, uint32_t up_buf, uint32_t down_buf)
{
    static const uint8_t id[16] = "SEGGER RTT";
    uint8_t zero[STFLASH_RTT_HEADER_SIZE + 2u * STFLASH_RTT_DESC_SIZE] = {0};
    assert_int_equal(stflash_mem_write(board.dev, at, zero, sizeof zero), STFLASH_OK);
    assert_int_equal(stflash_mem_write(board.dev, at, id, sizeof id), STFLASH_OK);
    put32(at + 16, 1);
    put32(at + 20, 1);
    uint32_t d = at + STFLASH_RTT_HEADER_SIZE;
    put32(d + 4, up_buf);
    put32(d + 8, UP_SIZE);
    put32(d + 24 + 4, down_buf);
    put32(d + 24 + 8, DOWN_SIZE);
}

static void fill_up_buffer(void)
{
    uint8_t b[UP_SIZE];
    for (unsigned i = 0; i < UP_SIZE; i++)
        b[i] = (uint8_t)('A' + i);
    assert_int_equal(stflash_mem_write(board.dev, UP_BUF, b, sizeof b), STFLASH_OK);
}

static void up_ring_wraps(void **state)
{
    (void)state;
    write_block(BLOCK, UP_BUF, DOWN_BUF);
    fill_up_buffer();
    put32(desc(0, 12), 3);  /* WrOff */
    put32(desc(0, 16), 10); /* RdOff: the data runs from 10 to the end, then 0-2 */
    struct stflash_rtt rtt;
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_OK);
    assert_int_equal(rtt.up_count, 1);
    assert_int_equal(rtt.up[0].size, UP_SIZE);
    uint8_t buf[64];
    assert_int_equal(stflash_rtt_read(board.dev, &rtt, 0, buf, sizeof buf), 9);
    assert_memory_equal(buf, "KLMNOPABC", 9);
    assert_int_equal(get32(desc(0, 16)), 3);
    assert_int_equal(stflash_rtt_read(board.dev, &rtt, 0, buf, sizeof buf), 0);
    /* A buffer smaller than the data: the rest stays for the next read. */
    put32(desc(0, 16), 10);
    assert_int_equal(stflash_rtt_read(board.dev, &rtt, 0, buf, 4), 4);
    assert_memory_equal(buf, "KLMN", 4);
    assert_int_equal(get32(desc(0, 16)), 14);
    assert_int_equal(stflash_rtt_read(board.dev, &rtt, 0, buf, sizeof buf), 5);
    assert_memory_equal(buf, "OPABC", 5);
}

static void down_ring_keeps_one_byte_free(void **state)
{
    (void)state;
    write_block(BLOCK, UP_BUF, DOWN_BUF);
    struct stflash_rtt rtt;
    put32(desc(1, 12), 2); /* WrOff */
    put32(desc(1, 16), 5); /* RdOff: room for 2 (5 - 2 - 1) */
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_OK);
    assert_int_equal(stflash_rtt_write(board.dev, &rtt, 0, (const uint8_t *)"abcd", 4), 2);
    assert_int_equal(get32(desc(1, 12)), 4);
    assert_int_equal(stflash_rtt_write(board.dev, &rtt, 0, (const uint8_t *)"z", 1), 0);
    /* Across the end of the buffer: 6, 7, 0, 1. */
    put32(desc(1, 12), 6);
    put32(desc(1, 16), 3);
    assert_int_equal(stflash_rtt_write(board.dev, &rtt, 0, (const uint8_t *)"1234", 4), 4);
    assert_int_equal(get32(desc(1, 12)), 2);
    uint8_t ring[DOWN_SIZE];
    assert_int_equal(stflash_mem_read(board.dev, DOWN_BUF, ring, sizeof ring), STFLASH_OK);
    assert_memory_equal(ring, "34", 2);
    assert_memory_equal(ring + 6, "12", 2);
}

static void corrupt_blocks_refused(void **state)
{
    (void)state;
    struct stflash_rtt rtt;
    write_block(BLOCK, UP_BUF, DOWN_BUF);
    put32(BLOCK + 16, STFLASH_RTT_CHANNELS_MAX + 1u);
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_ERR_FORMAT);
    assert_non_null(strstr(stflash_last_error(board.ctx), "declares 17 up and 1 down"));
    write_block(BLOCK, 0x08000000u, DOWN_BUF);
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_ERR_FORMAT);
    assert_non_null(strstr(stflash_last_error(board.ctx), "outside RAM"));
    write_block(BLOCK, 0x20004FF8u, DOWN_BUF); /* 16 bytes from 8 before the end of SRAM */
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_ERR_FORMAT);
    write_block(BLOCK, UP_BUF, DOWN_BUF);
    put32(desc(0, 12), UP_SIZE); /* WrOff == SizeOfBuffer */
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_ERR_FORMAT);
    assert_non_null(strstr(stflash_last_error(board.ctx), "WrOff 16"));
    /* Found good, then overwritten: the read says so instead of copying garbage. */
    put32(desc(0, 12), 0);
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_OK);
    put32(desc(0, 16), 1000);
    uint8_t buf[8];
    assert_int_equal(stflash_rtt_read(board.dev, &rtt, 0, buf, sizeof buf), STFLASH_ERR_FORMAT);
    assert_int_equal(stflash_rtt_read(board.dev, &rtt, 1, buf, sizeof buf),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK + 2u, &rtt), STFLASH_ERR_INVALID_ARG);
    put32(BLOCK, 0);
    assert_int_equal(stflash_rtt_at(board.dev, BLOCK, &rtt), STFLASH_ERR_NOT_FOUND);
}

static void scan_across_reads(void **state)
{
    (void)state;
    uint8_t zero[1024] = {0};
    for (uint32_t a = 0x20000000u; a < 0x20005000u; a += sizeof zero)
        assert_int_equal(stflash_mem_write(board.dev, a, zero, sizeof zero), STFLASH_OK);
    struct stflash_rtt rtt;
    assert_int_equal(stflash_rtt_scan(board.dev, 0, 0, &rtt), STFLASH_ERR_NOT_FOUND);
    /* The scan reads 16 KiB at a time: this id starts 8 bytes before the end of the first read. */
    uint32_t at = 0x20000000u + 16384u - 8u;
    write_block(at, UP_BUF, DOWN_BUF);
    assert_int_equal(stflash_rtt_scan(board.dev, 0, 0, &rtt), STFLASH_OK);
    assert_int_equal(rtt.addr, at);
    assert_int_equal(rtt.down[0].buffer, DOWN_BUF);
}

static void elf_symbol(void **state)
{
    (void)state;
    uint32_t v = 0;
    assert_int_equal(stflash_elf_symbol(board.ctx, RTT_ECHO_ELF, "_SEGGER_RTT", &v), STFLASH_OK);
    assert_true(v >= 0x20000000u && v < 0x20005000u && (v & 3u) == 0);
    assert_int_equal(stflash_elf_symbol(board.ctx, RTT_ECHO_ELF, "no_such_symbol", &v),
                     STFLASH_ERR_NOT_FOUND);
    assert_int_equal(stflash_elf_symbol(board.ctx, RTT_ECHO_BIN, "_SEGGER_RTT", &v),
                     STFLASH_ERR_FORMAT);
    assert_int_equal(stflash_elf_symbol(board.ctx, "/nonexistent.elf", "_SEGGER_RTT", &v),
                     STFLASH_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(up_ring_wraps),
        cmocka_unit_test(down_ring_keeps_one_byte_free),
        cmocka_unit_test(corrupt_blocks_refused),
        cmocka_unit_test(scan_across_reads),
        cmocka_unit_test(elf_symbol),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
