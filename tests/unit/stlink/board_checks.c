#include "board_checks.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stlink/stlink_proto.h"

#define DBGMCU_IDCODE 0xE0042000u
#define DHCSR 0xE000EDF0u
#define SRAM_BASE 0x20000000u
#define SRAM_SIZE (20u * 1024u)

void check_connect(struct stlink *sl, struct transport *tr, uint32_t want_khz, uint32_t expect_khz)
{
    assert_int_equal(stlink_init(sl, tr), STFLASH_OK);
    uint8_t mode = 0xFF;
    assert_int_equal(stlink_current_mode(sl, &mode), STFLASH_OK);
    assert_int_not_equal(mode, STLINK_MODE_DFU);
    uint32_t khz = 0;
    assert_int_equal(stlink_set_swd_khz(sl, want_khz, &khz), STFLASH_OK);
    assert_int_equal(khz, expect_khz);
    double volts = 0;
    assert_int_equal(stlink_target_voltage(sl, &volts), STFLASH_OK);
    assert_true(volts > 3.2 && volts < 3.4);
    assert_int_equal(stlink_enter_swd(sl), STFLASH_OK);
    assert_int_equal(stlink_current_mode(sl, &mode), STFLASH_OK);
    assert_int_equal(mode, STLINK_MODE_DEBUG);
    uint32_t id = 0;
    assert_int_equal(stlink_read_idcode(sl, &id), STFLASH_OK);
    assert_int_equal(id, 0x1BA01477);
    assert_int_equal(stlink_read_debug32(sl, DBGMCU_IDCODE, &id), STFLASH_OK);
    assert_int_equal(id, 0x20036410);
    uint8_t raw[4];
    assert_int_equal(stlink_read_mem(sl, DBGMCU_IDCODE, raw, 4), STFLASH_OK);
    assert_int_equal(raw[0] | raw[1] << 8 | raw[2] << 16 | (uint32_t)raw[3] << 24, 0x20036410);
    uint32_t dpidr = 0;
    assert_int_equal(stlink_read_dap(sl, STLINK_DAP_PORT_DP, 0, &dpidr), STFLASH_OK);
    assert_int_equal(dpidr, 0x1BA01477);
}

static uint8_t pattern(uint32_t seed, size_t i)
{
    return (uint8_t)((i * 131u) ^ (seed * 17u) ^ (i >> 8));
}

void check_sram_round_trips(struct stlink *sl)
{
    static const struct {
        uint32_t offset;
        size_t len;
    } cases[] = {
        {1, 1},      {3, 2},     {2, 2},        {5, 3},        {7, 5},         {0x101, 63},
        {0x203, 64}, {0x3FD, 7}, {0x3FF, 1025}, {0x401, 3001}, {0x1003, 6000}, {0x13, 8191},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint32_t addr = SRAM_BASE + cases[k].offset;
        size_t len = cases[k].len;
        assert_true(cases[k].offset + len <= SRAM_SIZE);
        uint8_t *out = malloc(len), *in = malloc(len + 2);
        assert_non_null(out);
        assert_non_null(in);
        for (size_t i = 0; i < len; i++)
            out[i] = pattern((uint32_t)k, i);
        assert_int_equal(stlink_write_mem(sl, addr, out, len), STFLASH_OK);
        memset(in, 0xA5, len + 2);
        assert_int_equal(stlink_read_mem(sl, addr, in, len), STFLASH_OK);
        assert_memory_equal(in, out, len);
        assert_int_equal(in[len], 0xA5); /* nothing written past the end */
        free(out);
        free(in);
    }
    /* the two paths agree: debug32 sees what the memory commands wrote */
    const uint8_t word[4] = {0x78, 0x56, 0x34, 0x12};
    assert_int_equal(stlink_write_mem(sl, SRAM_BASE + 0x800, word, 4), STFLASH_OK);
    uint32_t v = 0;
    assert_int_equal(stlink_read_debug32(sl, SRAM_BASE + 0x800, &v), STFLASH_OK);
    assert_int_equal(v, 0x12345678);
    assert_int_equal(stlink_write_debug32(sl, SRAM_BASE + 0x804, 0xCAFEF00D), STFLASH_OK);
    uint8_t back[4];
    assert_int_equal(stlink_read_mem(sl, SRAM_BASE + 0x804, back, 4), STFLASH_OK);
    assert_int_equal(back[0], 0x0D);
    assert_int_equal(back[3], 0xCA);
}

void check_unmapped(struct stlink *sl)
{
    struct stflash_ctx *ctx = sl->ctx;
    uint8_t buf[16];
    memset(buf, 0xEE, sizeof buf);
    assert_int_equal(stlink_read_mem(sl, 0x30000000, buf, sizeof buf), STFLASH_ERR_TARGET);
    assert_string_equal(stflash_last_error(ctx),
                        "cannot read memory at 0x30000000: fault (SWD_AP_FAULT)");
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xEE);
    assert_int_equal(stlink_write_mem(sl, 0x30000000, buf, 4), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(ctx), "cannot write memory at 0x30000000"));
    uint32_t v = 3;
    assert_int_equal(stlink_read_debug32(sl, 0x30000000, &v), STFLASH_ERR_TARGET);
    assert_int_equal(v, 3);
    /* the link is still fine afterwards */
    assert_int_equal(stlink_read_debug32(sl, DBGMCU_IDCODE, &v), STFLASH_OK);
    assert_int_equal(v, 0x20036410);
}

void check_core_registers(struct stlink *sl)
{
    assert_int_equal(stlink_write_debug32(sl, DHCSR, 0xA05F0003), STFLASH_OK);
    uint32_t dhcsr = 0;
    assert_int_equal(stlink_read_debug32(sl, DHCSR, &dhcsr), STFLASH_OK);
    assert_true(dhcsr & (1u << 17)); /* S_HALT */
    assert_int_equal(stlink_write_reg(sl, 0, 0x12345678), STFLASH_OK);
    assert_int_equal(stlink_write_reg(sl, 12, 0x0BADCAFE), STFLASH_OK);
    uint32_t v = 0;
    assert_int_equal(stlink_read_reg(sl, 0, &v), STFLASH_OK);
    assert_int_equal(v, 0x12345678);
    assert_int_equal(stlink_read_reg(sl, 12, &v), STFLASH_OK);
    assert_int_equal(v, 0x0BADCAFE);
}
