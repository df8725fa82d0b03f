/*
 * Issue 9, points 1, 8, 9, 10 and 11 (each section names its point).
 * What real ST-LINK firmware does that a forgiving client trips over, against the scripted
 * probe: the mode left at close, the modes that get no DFU_EXIT, spurious 0x0D on register
 * writes, the statuses of a sleeping target at SWD entry, a lost SWD link, a version read that
 * needs a USB reset, and error messages longer than any fixed buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ctx.h"
#include "core/le.h"
#include "mock_transport.h"
#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"

#define F2 STLINK_CMD_DEBUG

struct fixture {
    struct stflash_ctx *ctx;
    struct mock mock;
    struct stlink sl;
    unsigned resets;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    assert_int_equal(stflash_ctx_new(&f.ctx), STFLASH_OK);
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

static void expect_version(struct mock *m, unsigned hw, uint16_t pid, unsigned jtag)
{
    uint8_t rep[6];
    be16_put(rep, (uint16_t)(hw << 12 | jtag << 6 | 7u));
    le16_put(&rep[2], STLINK_VID);
    le16_put(&rep[4], pid);
    mock_expect_bytes(m, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION}, 6, sizeof rep, rep);
}

static void expect_mode(struct mock *m, uint8_t mode)
{
    mock_expect_bytes(m, 1, (const uint8_t[]){STLINK_CMD_GET_CURRENT_MODE}, 2, 1, &mode);
}

static void expect_status(struct mock *m, size_t n, const uint8_t *cmd, uint8_t status)
{
    mock_expect_bytes(m, n, cmd, 2, 1, &status);
}

static void expect_v3_version(struct mock *m)
{
    expect_version(m, 3, STLINK_PID_V3S, 7);
    const uint8_t ex[12] = {3, 1, 7, 3, 5, 0, 0, 0, 0x83, 0x04, 0x4f, 0x37};
    mock_expect_bytes(m, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION_EX}, 12, sizeof ex, ex);
}

/* A V2 J37 found in mass-storage mode, with the script emptied. */
static void init_v2(struct fixture *f)
{
    expect_version(&f->mock, 2, STLINK_PID_V2, 37);
    expect_mode(&f->mock, STLINK_MODE_MASS);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
    mock_release(&f->mock);
}

/* ---- point 1: only the mode the probe is in is left ---- */

static void test_leave_outside_debug_sends_no_exit(void **state)
{
    struct fixture *f = *state;
    expect_v3_version(&f->mock);
    expect_mode(&f->mock, STLINK_MODE_MASS);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    /* SWD entry failed: the probe is still in mass-storage mode, DEBUG_EXIT would hang it */
    expect_mode(&f->mock, STLINK_MODE_MASS);
    assert_int_equal(stlink_leave(&f->sl), STFLASH_OK);
    mock_done(&f->mock);
}

static void test_leave_debug_mode(void **state)
{
    struct fixture *f = *state;
    init_v2(f);
    expect_mode(&f->mock, STLINK_MODE_DEBUG);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, STLINK_DEBUG_EXIT}, 0, 0, NULL);
    assert_int_equal(stlink_leave(&f->sl), STFLASH_OK);
    mock_done(&f->mock);
}

/* ---- point 10: mode 0x04 gets no DFU_EXIT ---- */

static void test_bootloader_mode_gets_nothing(void **state)
{
    struct fixture *f = *state;
    expect_version(&f->mock, 2, STLINK_PID_V2, 37);
    expect_mode(&f->mock, STLINK_MODE_BOOTLOADER);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
}

/* ---- point 8: status codes ---- */

static void test_spurious_0d_on_register_writes(void **state)
{
    struct fixture *f = *state;
    init_v2(f);
    expect_status(&f->mock, 7,
                  (const uint8_t[]){F2, STLINK_DEBUG_APIV2_WRITEREG, 15, 0x00, 0x01, 0x00, 0x20},
                  STLINK_JTAG_WRITE_VERIF_ERROR);
    assert_int_equal(stlink_write_reg(&f->sl, 15, 0x20000100), STFLASH_OK);
    expect_status(&f->mock, 10,
                  (const uint8_t[]){F2, STLINK_DEBUG_APIV2_WRITEDEBUGREG, 0xF0, 0xED, 0x00, 0xE0,
                                    0x03, 0x00, 0x5F, 0xA0},
                  STLINK_JTAG_WRITE_VERIF_ERROR);
    assert_int_equal(stlink_write_debug32(&f->sl, 0xE000EDF0, 0xA05F0003), STFLASH_OK);
    mock_done(&f->mock);
}

static void test_0d_on_memory_write_is_an_error(void **state)
{
    struct fixture *f = *state;
    init_v2(f);
    mock_expect_mem(&f->mock, STLINK_DEBUG_WRITEMEM_32BIT, 0x20000000, 4);
    mock_expect_status2(&f->mock, STLINK_JTAG_WRITE_VERIF_ERROR, 0x20000000);
    uint8_t data[4];
    mock_pattern_fill(data, sizeof data, 0x20000000);
    assert_int_equal(stlink_write_mem(&f->sl, 0x20000000, data, sizeof data), STFLASH_ERR_PROBE);
    mock_done(&f->mock);
}

static void test_sleeping_target_statuses_at_entry(void **state)
{
    static const uint8_t statuses[] = {0x04, 0x05, 0x09};
    for (size_t i = 0; i < sizeof statuses; i++) {
        struct fixture *f = *state;
        init_v2(f);
        expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x30, STLINK_ENTER_SWD_NO_RESET},
                      statuses[i]);
        /* a target error: the caller retries under reset */
        assert_int_equal(stlink_enter_swd(&f->sl), STFLASH_ERR_TARGET);
        assert_non_null(strstr(stflash_last_error(f->ctx), "does not answer on SWD"));
        char code[16];
        snprintf(code, sizeof code, "status 0x%02x", statuses[i]);
        assert_non_null(strstr(stflash_last_error(f->ctx), code));
        mock_done(&f->mock);
        mock_release(&f->mock);
    }
}

/* ---- point 9: resynchronisation ---- */

static void test_link_error_enters_swd_again(void **state)
{
    struct fixture *f = *state;
    init_v2(f);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0xE000EDF0, 4);
    mock_expect_status2(&f->mock, STLINK_SWD_DP_ERROR, 0xE000EDF0);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, 0x30, STLINK_ENTER_SWD_NO_RESET}, STLINK_OK);
    expect_status(&f->mock, 3, (const uint8_t[]){F2, STLINK_DEBUG_APIV2_INIT_AP, 0}, STLINK_OK);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0xE000EDF0, 4);
    mock_expect_status2(&f->mock, STLINK_OK, 0);
    uint8_t buf[4];
    assert_int_equal(stlink_read_mem(&f->sl, 0xE000EDF0, buf, sizeof buf), STFLASH_OK);
    mock_assert_pattern(buf, sizeof buf, 0xE000EDF0);
    mock_done(&f->mock);
}

static int count_reset(struct transport *t)
{
    struct fixture *f = (struct fixture *)((char *)t - offsetof(struct fixture, mock));
    f->resets++;
    return STFLASH_OK;
}

static void test_garbled_version_resets_usb_and_retries(void **state)
{
    struct fixture *f = *state;
    f->mock.base.reset = count_reset;
    /* a probe that does not answer (a V3 after DEBUG_EXIT outside debug mode) */
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION}, 6, 0, NULL);
    expect_v3_version(&f->mock);
    expect_mode(&f->mock, STLINK_MODE_MASS);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    assert_int_equal(f->resets, 1);
    assert_int_equal(f->sl.hw, 3);
    mock_done(&f->mock);
}

static void test_no_reset_without_transport_support(void **state)
{
    struct fixture *f = *state;
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION}, 6, 0, NULL);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_ERR_PROBE);
    assert_non_null(strstr(stflash_last_error(f->ctx), "not a version"));
    mock_done(&f->mock);
}

/* ---- point 11: messages of any length ---- */

static void test_long_messages_whole(void **state)
{
    struct fixture *f = *state;
    char *long_text = malloc(3001);
    assert_non_null(long_text);
    for (size_t i = 0; i < 3000; i++)
        long_text[i] = (char)('a' + i % 26);
    long_text[3000] = '\0';
    assert_int_equal(ctx_fail(f->ctx, STFLASH_ERR_TARGET, "%s. END", long_text),
                     STFLASH_ERR_TARGET);
    /* wrapped twice, with the old message as an argument */
    ctx_fail(f->ctx, STFLASH_ERR_TARGET, "outer: %s", stflash_last_error(f->ctx));
    ctx_fail(f->ctx, STFLASH_ERR_TARGET, "outermost: %s", stflash_last_error(f->ctx));
    char *msg = strdup(stflash_last_error(f->ctx)); /* valid until the next failure only */
    assert_non_null(msg);
    assert_int_equal(strlen(msg), strlen("outermost: outer: ") + 3000 + strlen(". END"));
    assert_int_equal(strncmp(msg + strlen("outermost: outer: "), long_text, 3000), 0);
    assert_string_equal(msg + strlen(msg) - 5, ". END");

    /* kept across a clean-up step that fails */
    char *saved = ctx_error_save(f->ctx);
    ctx_fail(f->ctx, STFLASH_ERR_IO, "clean-up failed");
    ctx_error_restore(f->ctx, saved);
    assert_string_equal(stflash_last_error(f->ctx), msg);
    free(msg);
    free(long_text);
}

/* Code that still copies the fixed array back (the flash engine) gets its message back. */
static void test_array_restore_still_works(void **state)
{
    struct fixture *f = *state;
    ctx_fail(f->ctx, STFLASH_ERR_TARGET, "first failure");
    char saved[sizeof f->ctx->last_error];
    memcpy(saved, f->ctx->last_error, sizeof saved);
    ctx_fail(f->ctx, STFLASH_ERR_IO, "lock failed");
    memcpy(f->ctx->last_error, saved, sizeof saved);
    assert_string_equal(stflash_last_error(f->ctx), "first failure");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_leave_outside_debug_sends_no_exit),  T(test_leave_debug_mode),
        T(test_bootloader_mode_gets_nothing),       T(test_spurious_0d_on_register_writes),
        T(test_0d_on_memory_write_is_an_error),     T(test_sleeping_target_statuses_at_entry),
        T(test_link_error_enters_swd_again),        T(test_garbled_version_resets_usb_and_retries),
        T(test_no_reset_without_transport_support), T(test_long_messages_whole),
        T(test_array_restore_still_works),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
