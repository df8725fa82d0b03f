/* The ST-LINK client against a scripted transport: exact command encoding and status handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/le.h"
#include "mock_transport.h"
#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"

#define F2 STLINK_CMD_DEBUG

struct fixture {
    struct stflash_ctx *ctx;
    struct mock mock;
    struct stlink sl;
    unsigned debug_lines;
};

static void count_log(void *user, enum stflash_log_level level, const char *msg)
{
    struct fixture *f = user;
    if (level == STFLASH_LOG_DEBUG && strncmp(msg, "stlink: >", 9) == 0)
        f->debug_lines++;
}

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    assert_int_equal(stflash_ctx_new(&f.ctx), STFLASH_OK);
    stflash_ctx_set_log(f.ctx, STFLASH_LOG_DEBUG, count_log, &f);
    mock_init(&f.mock, f.ctx);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    mock_release(&f->mock);
    stflash_ctx_free(f->ctx);
    return 0;
}

/* ---- scripts ---- */

/* GET_VERSION answering hardware version `hw`, firmware J`jtag` with SWIM or MSD `low`. */
static void expect_version(struct mock *m, unsigned hw, uint16_t pid, unsigned jtag, unsigned low)
{
    uint8_t rep[6];
    be16_put(rep, (uint16_t)(hw << 12 | jtag << 6 | low));
    le16_put(&rep[2], STLINK_VID);
    le16_put(&rep[4], pid);
    mock_expect_bytes(m, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION}, 6, sizeof rep, rep);
}

static void expect_mode(struct mock *m, uint8_t mode)
{
    mock_expect_bytes(m, 1, (const uint8_t[]){STLINK_CMD_GET_CURRENT_MODE}, 2, 1, &mode);
}

/* The probe is found in mass-storage mode: stlink_init succeeds, using every step scripted. */
static void init_from_mass_storage(struct fixture *f)
{
    expect_mode(&f->mock, STLINK_MODE_MASS);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
}

/* Initialises a V2 with firmware J`jtag` found in mass-storage mode. */
static void init_v2(struct fixture *f, unsigned jtag)
{
    expect_version(&f->mock, 2, STLINK_PID_V2, jtag, 7);
    init_from_mass_storage(f);
    mock_release(&f->mock);
}

static void init_v3(struct fixture *f)
{
    expect_version(&f->mock, 3, STLINK_PID_V3S, 7, 1);
    const uint8_t ex[12] = {3, 1, 7, 3, 5, 0, 0, 0, 0x83, 0x04, 0x4f, 0x37};
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION_EX}, 12, sizeof ex, ex);
    init_from_mass_storage(f);
    mock_release(&f->mock);
}

static void expect_status(struct mock *m, size_t n, const uint8_t *cmd, uint8_t status)
{
    mock_expect_bytes(m, n, cmd, 2, 1, &status);
}

/* ---- version and modes ---- */

static void test_version_v2j37s7(void **state)
{
    struct fixture *f = *state;
    /* The reply real probes give: 29 47 83 04 48 37. */
    const uint8_t rep[6] = {0x29, 0x47, 0x83, 0x04, 0x48, 0x37};
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){0xF1}, 6, sizeof rep, rep);
    init_from_mass_storage(f);
    assert_int_equal(f->sl.hw, 2);
    assert_int_equal(f->sl.jtag, 37);
    assert_int_equal(f->sl.swim, 7);
    assert_int_equal(f->sl.msd, 0);
    assert_int_equal(f->sl.api, 2);
    assert_int_equal(f->sl.vid, 0x0483);
    assert_int_equal(f->sl.pid, 0x3748);
    assert_int_equal(f->sl.max_rw8, 64);
    assert_int_equal(f->sl.features, STLINK_F_VOLTAGE | STLINK_F_RW_STATUS2 | STLINK_F_SWD_FREQ |
                                         STLINK_F_DAP_REG | STLINK_F_MEM16 | STLINK_F_INIT_AP);
    char ver[32];
    stlink_version_string(&f->sl, ver, sizeof ver);
    assert_string_equal(ver, "V2J37S7");
    assert_true(f->debug_lines >= 2);
}

static void test_version_v2_1(void **state)
{
    struct fixture *f = *state;
    expect_version(&f->mock, 2, STLINK_PID_V2_1, 37, 26);
    init_from_mass_storage(f);
    assert_int_equal(f->sl.jtag, 37);
    assert_int_equal(f->sl.msd, 26);
    assert_int_equal(f->sl.swim, 0);
    assert_int_equal(f->sl.pid, 0x374b);
    char ver[32];
    stlink_version_string(&f->sl, ver, sizeof ver);
    assert_string_equal(ver, "V2J37M26");
}

static void test_version_v3(void **state)
{
    struct fixture *f = *state;
    init_v3(f);
    assert_int_equal(f->sl.hw, 3);
    assert_int_equal(f->sl.jtag, 7);
    assert_int_equal(f->sl.swim, 1);
    assert_int_equal(f->sl.msd, 3);
    assert_int_equal(f->sl.bridge, 5);
    assert_int_equal(f->sl.api, 3);
    assert_int_equal(f->sl.pid, 0x374f);
    assert_int_equal(f->sl.max_rw8, 512);
    assert_true(f->sl.features & STLINK_F_V3_FREQ);
    assert_true(f->sl.features & STLINK_F_MEM16);
    char ver[32];
    stlink_version_string(&f->sl, ver, sizeof ver);
    assert_string_equal(ver, "V3J7M3B5S1");
}

static void test_api_v1_refused(void **state)
{
    struct fixture *f = *state;
    memset(&f->sl, 0xA5, sizeof f->sl);
    struct stlink before = f->sl;
    expect_version(&f->mock, 2, STLINK_PID_V2, 10, 4);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_ERR_UNSUPPORTED);
    mock_done(&f->mock);
    assert_non_null(strstr(stflash_last_error(f->ctx), "V2J10S4"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "API v1"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "STM32CubeProgrammer"));
    assert_memory_equal(&before, &f->sl, sizeof before); /* untouched on failure */
}

/* Issue 9, point 10: one DFU_EXIT, as the proven clients send it: not repeated, its effect not
 * polled. */
static void test_init_exits_dfu(void **state)
{
    struct fixture *f = *state;
    expect_version(&f->mock, 2, STLINK_PID_V2, 37, 7);
    expect_mode(&f->mock, STLINK_MODE_DFU);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){0xF3, 0x07}, 0, 0, NULL);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
}

static void test_init_leaves_debug_mode(void **state)
{
    struct fixture *f = *state;
    expect_version(&f->mock, 2, STLINK_PID_V2, 37, 7);
    expect_mode(&f->mock, STLINK_MODE_DEBUG);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, 0x21}, 0, 0, NULL);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
}

static void test_init_leaves_swim(void **state)
{
    struct fixture *f = *state;
    expect_version(&f->mock, 2, STLINK_PID_V2, 37, 7);
    expect_mode(&f->mock, STLINK_MODE_SWIM);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){0xF4, 0x01}, 0, 0, NULL);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
}

/* ---- voltage, clock, SWD ---- */

static void test_voltage(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t rep[8];
    le32_put(rep, 1638);
    le32_put(&rep[4], 2252);
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){0xF7}, 8, sizeof rep, rep);
    double v = 0;
    assert_int_equal(stlink_target_voltage(&f->sl, &v), STFLASH_OK);
    assert_true(v > 3.29 && v < 3.31);
    mock_done(&f->mock);
}

static void test_voltage_needs_j13(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 12);
    double v = -1;
    assert_int_equal(stlink_target_voltage(&f->sl, &v), STFLASH_ERR_UNSUPPORTED);
    assert_true(v == -1);
    assert_non_null(strstr(stflash_last_error(f->ctx), "J13"));
    mock_done(&f->mock); /* nothing sent */
}

static void expect_v2_divisor(struct mock *m, uint16_t divisor)
{
    uint8_t cmd[4] = {F2, 0x43};
    le16_put(&cmd[2], divisor);
    expect_status(m, sizeof cmd, cmd, STLINK_OK);
}

static void test_swd_clock_v2(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    static const struct {
        uint32_t want, divisor, got;
    } cases[] = {{4000, 0, 4000}, {24000, 0, 4000}, {2000, 1, 1800}, {1800, 1, 1800},
                 {1000, 3, 950},  {100, 40, 100},   {99, 79, 50},    {1, 798, 5}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_v2_divisor(&f->mock, (uint16_t)cases[i].divisor);
        uint32_t got = 0;
        assert_int_equal(stlink_set_swd_khz(&f->sl, cases[i].want, &got), STFLASH_OK);
        assert_int_equal(got, cases[i].got);
        assert_int_equal(f->sl.swd_khz, cases[i].got);
    }
    mock_done(&f->mock);
}

static void test_swd_clock_needs_j22(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 21);
    uint32_t got = 7;
    assert_int_equal(stlink_set_swd_khz(&f->sl, 1000, &got), STFLASH_ERR_UNSUPPORTED);
    assert_int_equal(got, 7);
    mock_done(&f->mock);
}

static void test_swd_clock_v3(void **state)
{
    struct fixture *f = *state;
    init_v3(f);
    static const uint32_t offered[] = {24000, 8000, 3300, 1000, 200, 50, 5};
    uint8_t list[52] = {STLINK_OK};
    list[8] = 7;
    for (int i = 0; i < 7; i++)
        le32_put(&list[12 + 4 * i], offered[i]);
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, 0x62, 0x00}, 52, sizeof list, list);
    uint8_t set[8] = {F2, 0x61, 0x00, 0x00};
    le32_put(&set[4], 3300);
    uint8_t ok[8] = {STLINK_OK};
    le32_put(&ok[4], 3300);
    mock_expect_bytes(&f->mock, sizeof set, set, 8, sizeof ok, ok);
    uint32_t got = 0;
    assert_int_equal(stlink_set_swd_khz(&f->sl, 4000, &got), STFLASH_OK);
    assert_int_equal(got, 3300);

    /* below every offered value: the slowest */
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, 0x62, 0x00}, 52, sizeof list, list);
    le32_put(&set[4], 5);
    mock_expect_bytes(&f->mock, sizeof set, set, 8, sizeof ok, ok);
    assert_int_equal(stlink_set_swd_khz(&f->sl, 1, &got), STFLASH_OK);
    assert_int_equal(got, 5);
    mock_done(&f->mock);
}

static void test_enter_swd(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x30, 0xA3}, STLINK_OK);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x4B, 0x00}, STLINK_OK);
    assert_int_equal(stlink_enter_swd(&f->sl), STFLASH_OK);
    mock_done(&f->mock);
}

static void test_enter_swd_no_answer(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 27); /* no INIT_AP before J28 */
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x30, 0xA3}, STLINK_SWD_DP_ERROR);
    assert_int_equal(stlink_enter_swd(&f->sl), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "does not answer on SWD"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "SWD_DP_ERROR"));
    mock_done(&f->mock);
}

static void test_idcode(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t rep[12] = {STLINK_OK};
    le32_put(&rep[4], 0x1BA01477);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, 0x31}, 12, sizeof rep, rep);
    uint32_t id = 0;
    assert_int_equal(stlink_read_idcode(&f->sl, &id), STFLASH_OK);
    assert_int_equal(id, 0x1BA01477);
    mock_done(&f->mock);
}

/* ---- memory ---- */

static void expect_mem_ok(struct mock *m, uint8_t op, uint32_t addr, uint16_t len)
{
    mock_expect_mem(m, op, addr, len);
    mock_expect_status2(m, STLINK_OK, 0);
}

/* Reads (writes) n bytes of the pattern at addr: it must succeed, using every step scripted.
 * The buffer has exactly n bytes, so the sanitizer sees any access past them. */
static void read_pattern_ok(struct fixture *f, uint32_t addr, size_t n)
{
    uint8_t *buf = malloc(n);
    assert_non_null(buf);
    assert_int_equal(stlink_read_mem(&f->sl, addr, buf, n), STFLASH_OK);
    mock_done(&f->mock);
    mock_assert_pattern(buf, n, addr);
    free(buf);
}

static void write_pattern_ok(struct fixture *f, uint32_t addr, size_t n)
{
    uint8_t *data = malloc(n);
    assert_non_null(data);
    mock_pattern_fill(data, n, addr);
    assert_int_equal(stlink_write_mem(&f->sl, addr, data, n), STFLASH_OK);
    mock_done(&f->mock);
    free(data);
}

static void test_read_6000_unaligned(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    const uint32_t addr = 0x20000003;
    /* 8-bit head up to the word boundary */
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_8BIT, addr, 1);
    /* 32-bit words, never crossing a 1 KiB block */
    uint32_t a = 0x20000004, end = addr + 6000;
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, a, 1020);
    a += 1020;
    while (end - a >= 1024) {
        expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, a, 1024);
        a += 1024;
    }
    uint16_t words = (uint16_t)((end - a) & ~3u);
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, a, words);
    a += words;
    /* 8-bit tail */
    assert_int_equal(end - a, 3);
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_8BIT, a, 3);

    read_pattern_ok(f, addr, 6000);
}

static void test_read_within_tar_block(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    /* one command per 1 KiB TAR block (docs/stlink.md, "Transfers"), each followed by its status */
    for (uint32_t a = 0x08000000; a < 0x08004000; a += 1024)
        expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, a, 1024);
    read_pattern_ok(f, 0x08000000, 16384);
}

static void test_read_within_transport_limit(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    f->mock.base.max_data = 512; /* a transport carrying less than the TAR block */
    for (uint32_t a = 0x08000000; a < 0x08001000; a += 512)
        expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, a, 512);
    read_pattern_ok(f, 0x08000000, 4096);
}

static void test_read_one_byte(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_8BIT, 0x20000001, 1); /* answers 2 bytes */
    uint8_t b = 0;
    assert_int_equal(stlink_read_mem(&f->sl, 0x20000001, &b, 1), STFLASH_OK);
    assert_int_equal(b, mock_pattern(0x20000001));
    assert_int_equal(stlink_read_mem(&f->sl, 0x20000001, &b, 0), STFLASH_OK); /* nothing sent */
    mock_done(&f->mock);
}

static void test_write_unaligned(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_8BIT, 0x20000001, 3);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000004, 8);
    write_pattern_ok(f, 0x20000001, 11);
}

static void test_write_crosses_tar_block(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x200003F0, 16);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000400, 1024);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000800, 1008);
    write_pattern_ok(f, 0x200003F0, 2048);
}

static void test_halfwords_16bit(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t data[8];
    mock_pattern_fill(data, sizeof data, 0x08000002);
    /* a lone halfword is one 16-bit access; a halfword head before words too */
    expect_mem_ok(&f->mock, STLINK_DEBUG_APIV2_WRITEMEM_16BIT, 0x08000002, 2);
    assert_int_equal(stlink_write_mem(&f->sl, 0x08000002, data, 2), STFLASH_OK);
    expect_mem_ok(&f->mock, STLINK_DEBUG_APIV2_WRITEMEM_16BIT, 0x08000002, 2);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x08000004, 4);
    expect_mem_ok(&f->mock, STLINK_DEBUG_APIV2_WRITEMEM_16BIT, 0x08000008, 2);
    assert_int_equal(stlink_write_mem(&f->sl, 0x08000002, data, 8), STFLASH_OK);
    expect_mem_ok(&f->mock, STLINK_DEBUG_APIV2_READMEM_16BIT, 0x08000002, 2);
    uint8_t back[2];
    assert_int_equal(stlink_read_mem(&f->sl, 0x08000002, back, 2), STFLASH_OK);
    assert_memory_equal(back, data, 2);
    mock_done(&f->mock);
}

static void test_halfword_8bit_before_j26(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 25);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_8BIT, 0x20000002, 2);
    write_pattern_ok(f, 0x20000002, 2);
}

static void test_wait_retried(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20000000, 4);
    mock_expect_status2(&f->mock, STLINK_SWD_AP_WAIT, 0x20000000);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20000000, 4);
    mock_expect_status2(&f->mock, STLINK_SWD_DP_WAIT, 0x20000000);
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20000000, 4);
    read_pattern_ok(f, 0x20000000, 4);
}

static void test_wait_repeats_whole_piece(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    /* the address after WAIT says nothing about what went through: all 16 bytes again */
    mock_expect_mem(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000100, 16);
    mock_expect_status2(&f->mock, STLINK_SWD_AP_WAIT, 0x20000108);
    expect_mem_ok(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000100, 16);
    write_pattern_ok(f, 0x20000100, 16);
}

static void test_wait_deadline(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    f->sl.wait_timeout_ms = 0;
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x40022000, 4);
    mock_expect_status2(&f->mock, STLINK_SWD_AP_WAIT, 0x40022000);
    uint8_t buf[4] = {1, 2, 3, 4};
    assert_int_equal(stlink_read_mem(&f->sl, 0x40022000, buf, 4), STFLASH_ERR_TIMEOUT);
    assert_non_null(strstr(stflash_last_error(f->ctx), "0x40022000"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "SWD_AP_WAIT"));
    assert_int_equal(buf[0], 1);
    mock_done(&f->mock);
}

static void test_fault_reported_no_data(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x08010000, 16);
    mock_expect_status2(&f->mock, STLINK_SWD_AP_FAULT, 0x08010004);
    uint8_t buf[16];
    memset(buf, 0xEE, sizeof buf);
    assert_int_equal(stlink_read_mem(&f->sl, 0x08010000, buf, sizeof buf), STFLASH_ERR_TARGET);
    assert_string_equal(stflash_last_error(f->ctx),
                        "cannot read memory at 0x08010004: fault (SWD_AP_FAULT)");
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xEE);
    mock_done(&f->mock);
}

static void test_fault_in_later_piece(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    /* the second command faults; the status of each command is read */
    expect_mem_ok(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20004C00, 1024);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20005000, 1024);
    mock_expect_status2(&f->mock, STLINK_SWD_AP_FAULT, 0x20005000);
    static uint8_t buf[2048];
    memset(buf, 0xEE, sizeof buf);
    assert_int_equal(stlink_read_mem(&f->sl, 0x20004C00, buf, sizeof buf), STFLASH_ERR_TARGET);
    assert_string_equal(stflash_last_error(f->ctx),
                        "cannot read memory at 0x20005000: fault (SWD_AP_FAULT)");
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xEE); /* not even the piece that was read */
    mock_done(&f->mock);
}

static void test_old_rw_status(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 14); /* no GETLASTRWSTATUS2 before J15 */
    mock_expect_mem(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000000, 4);
    uint8_t st = STLINK_SWD_AP_FAULT;
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, 0x3B}, 2, 1, &st);
    uint8_t data[4];
    mock_pattern_fill(data, sizeof data, 0x20000000);
    assert_int_equal(stlink_write_mem(&f->sl, 0x20000000, data, 4), STFLASH_ERR_TARGET);
    assert_string_equal(stflash_last_error(f->ctx),
                        "cannot write memory at 0x20000000: fault (SWD_AP_FAULT)");
    mock_done(&f->mock);
}

static void test_transport_error(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t cmd[16] = {F2, STLINK_DEBUG_READMEM_32BIT};
    le32_put(&cmd[2], 0x20000000);
    le16_put(&cmd[6], 8);
    mock_expect(&f->mock, cmd, 8, NULL, 0)->rc = STFLASH_ERR_IO;
    uint8_t buf[8];
    assert_int_equal(stlink_read_mem(&f->sl, 0x20000000, buf, sizeof buf), STFLASH_ERR_IO);
    assert_string_equal(stflash_last_error(f->ctx),
                        "cannot read memory at 0x20000000: mock probe disconnected");
    mock_done(&f->mock);
}

static void test_address_space_end(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t buf[8];
    assert_int_equal(stlink_read_mem(&f->sl, 0xFFFFFFFC, buf, 8), STFLASH_ERR_INVALID_ARG);
    mock_done(&f->mock);
}

/* ---- debug and core registers, NRST, DAP ---- */

static void test_debug32(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t rd[6] = {F2, 0x36};
    le32_put(&rd[2], 0xE000EDF0);
    uint8_t rep[8] = {STLINK_OK};
    le32_put(&rep[4], 0x00030003);
    mock_expect_bytes(&f->mock, sizeof rd, rd, 8, sizeof rep, rep);
    uint32_t v = 0;
    assert_int_equal(stlink_read_debug32(&f->sl, 0xE000EDF0, &v), STFLASH_OK);
    assert_int_equal(v, 0x00030003);

    uint8_t wr[10] = {F2, 0x35};
    le32_put(&wr[2], 0xE000EDF0);
    le32_put(&wr[6], 0xA05F0003);
    expect_status(&f->mock, sizeof wr, wr, STLINK_OK);
    assert_int_equal(stlink_write_debug32(&f->sl, 0xE000EDF0, 0xA05F0003), STFLASH_OK);

    /* WAIT then OK */
    rep[0] = STLINK_SWD_AP_WAIT;
    mock_expect_bytes(&f->mock, sizeof rd, rd, 8, sizeof rep, rep);
    rep[0] = STLINK_OK;
    mock_expect_bytes(&f->mock, sizeof rd, rd, 8, sizeof rep, rep);
    assert_int_equal(stlink_read_debug32(&f->sl, 0xE000EDF0, &v), STFLASH_OK);

    /* a fault names the address; the value is untouched */
    le32_put(&rd[2], 0x30000000);
    rep[0] = STLINK_SWD_AP_FAULT;
    mock_expect_bytes(&f->mock, sizeof rd, rd, 8, sizeof rep, rep);
    v = 42;
    assert_int_equal(stlink_read_debug32(&f->sl, 0x30000000, &v), STFLASH_ERR_TARGET);
    assert_int_equal(v, 42);
    assert_string_equal(stflash_last_error(f->ctx),
                        "cannot read memory at 0x30000000: fault (SWD_AP_FAULT)");

    assert_int_equal(stlink_read_debug32(&f->sl, 0x20000002, &v), STFLASH_ERR_INVALID_ARG);
    mock_done(&f->mock);
}

static void test_core_registers(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t rep[8] = {STLINK_OK, 0, 0, 0};
    le32_put(&rep[4], 0x08000144);
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, 0x33, 15}, 8, sizeof rep, rep);
    uint32_t v = 0;
    assert_int_equal(stlink_read_reg(&f->sl, 15, &v), STFLASH_OK);
    assert_int_equal(v, 0x08000144);

    uint8_t wr[7] = {F2, 0x34, 2};
    le32_put(&wr[3], 0xCAFEF00D);
    expect_status(&f->mock, sizeof wr, wr, STLINK_OK);
    assert_int_equal(stlink_write_reg(&f->sl, 2, 0xCAFEF00D), STFLASH_OK);

    rep[0] = STLINK_FALSE;
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, 0x33, 13}, 8, sizeof rep, rep);
    v = 7;
    assert_int_equal(stlink_read_reg(&f->sl, 13, &v), STFLASH_ERR_TARGET);
    assert_int_equal(v, 7);
    assert_non_null(strstr(stflash_last_error(f->ctx), "register sp"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "halted"));
    mock_done(&f->mock);
}

static void test_nrst_and_reset(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x3C, 0}, STLINK_OK);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x3C, 1}, STLINK_OK);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x3C, 2}, STLINK_OK);
    expect_status(&f->mock, 2, (const uint8_t[]){F2, 0x32}, STLINK_OK);
    assert_int_equal(stlink_drive_nrst(&f->sl, STLINK_NRST_LOW), STFLASH_OK);
    assert_int_equal(stlink_drive_nrst(&f->sl, STLINK_NRST_HIGH), STFLASH_OK);
    assert_int_equal(stlink_drive_nrst(&f->sl, STLINK_NRST_PULSE), STFLASH_OK);
    assert_int_equal(stlink_reset_sys(&f->sl), STFLASH_OK);
    assert_int_equal(stlink_drive_nrst(&f->sl, 3), STFLASH_ERR_INVALID_ARG);
    mock_done(&f->mock);
}

static void test_dap_registers(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 37);
    uint8_t rep[8] = {STLINK_OK};
    le32_put(&rep[4], 0x1BA01477);
    mock_expect_bytes(&f->mock, 6, (const uint8_t[]){F2, 0x45, 0xFF, 0xFF, 0x00, 0x00}, 8,
                      sizeof rep, rep);
    uint32_t v = 0;
    assert_int_equal(stlink_read_dap(&f->sl, STLINK_DAP_PORT_DP, 0, &v), STFLASH_OK);
    assert_int_equal(v, 0x1BA01477);
    uint8_t wr[10] = {F2, 0x46, 0x00, 0x00, 0x04, 0x00};
    le32_put(&wr[6], 0x23000012);
    expect_status(&f->mock, sizeof wr, wr, STLINK_OK);
    assert_int_equal(stlink_write_dap(&f->sl, 0, 4, 0x23000012), STFLASH_OK);
    mock_done(&f->mock);
}

static void test_dap_needs_j24(void **state)
{
    struct fixture *f = *state;
    init_v2(f, 23);
    uint32_t v = 5;
    assert_int_equal(stlink_read_dap(&f->sl, STLINK_DAP_PORT_DP, 0, &v), STFLASH_ERR_UNSUPPORTED);
    assert_int_equal(v, 5);
    assert_non_null(strstr(stflash_last_error(f->ctx), "J24"));
    mock_done(&f->mock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_version_v2j37s7),
        T(test_version_v2_1),
        T(test_version_v3),
        T(test_api_v1_refused),
        T(test_init_exits_dfu),
        T(test_init_leaves_debug_mode),
        T(test_init_leaves_swim),
        T(test_voltage),
        T(test_voltage_needs_j13),
        T(test_swd_clock_v2),
        T(test_swd_clock_needs_j22),
        T(test_swd_clock_v3),
        T(test_enter_swd),
        T(test_enter_swd_no_answer),
        T(test_idcode),
        T(test_read_6000_unaligned),
        T(test_read_within_tar_block),
        T(test_read_within_transport_limit),
        T(test_read_one_byte),
        T(test_write_unaligned),
        T(test_write_crosses_tar_block),
        T(test_halfwords_16bit),
        T(test_halfword_8bit_before_j26),
        T(test_wait_retried),
        T(test_wait_repeats_whole_piece),
        T(test_wait_deadline),
        T(test_fault_reported_no_data),
        T(test_fault_in_later_piece),
        T(test_old_rw_status),
        T(test_transport_error),
        T(test_address_space_end),
        T(test_debug32),
        T(test_core_registers),
        T(test_nrst_and_reset),
        T(test_dap_registers),
        T(test_dap_needs_j24),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
