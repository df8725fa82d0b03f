/*
 * ST-LINK/V1: the mass-storage wrappers (command block wrapper encoding, status wrappers that are
 * short, unsigned, wrongly tagged or of a reserved status refused) and the debug API v1 client
 * against a scripted transport (its SWD entry, registers without status bytes, memory without
 * GETLASTRWSTATUS, no NRST).
 */
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
#include "stlink/stlink_v1.h"

#define F2 STLINK_CMD_DEBUG

/* ---- wrappers ---- */

static void test_cbw_encoding(void **state)
{
    (void)state;
    struct stlink_v1_cbw cbw = {
        .tag = 0x01020304, .data_len = 1024, .data_in = true, .cb_len = STLINK_V1_CB_LEN};
    cbw.cb[0] = F2;
    cbw.cb[1] = STLINK_DEBUG_READMEM_32BIT;
    uint8_t raw[STLINK_V1_CBW_SIZE];
    stlink_v1_cbw_encode(&cbw, raw);
    static const uint8_t want[15] = {'U',  'S',  'B',  'C',  0x04, 0x03, 0x02, 0x01,
                                     0x00, 0x04, 0x00, 0x00, 0x80, 0x00, 10};
    assert_memory_equal(raw, want, sizeof want);
    assert_int_equal(raw[15], F2);
    assert_int_equal(raw[16], STLINK_DEBUG_READMEM_32BIT);

    struct stlink_v1_cbw back;
    assert_int_equal(stlink_v1_cbw_decode(raw, sizeof raw, &back), 0);
    assert_int_equal(back.tag, cbw.tag);
    assert_int_equal(back.data_len, 1024);
    assert_true(back.data_in);
    assert_int_equal(back.cb_len, 10);
    assert_memory_equal(back.cb, cbw.cb, sizeof cbw.cb);
    /* A write: no direction bit. */
    cbw.data_in = false;
    stlink_v1_cbw_encode(&cbw, raw);
    assert_int_equal(raw[12], 0);

    assert_int_equal(stlink_v1_cbw_decode(raw, 30, &back), -1); /* short */
    raw[0] = 'X';
    assert_int_equal(stlink_v1_cbw_decode(raw, sizeof raw, &back), -1); /* signature */
    raw[0] = 'U';
    raw[14] = 0;
    assert_int_equal(stlink_v1_cbw_decode(raw, sizeof raw, &back), -1); /* no command block */
}

static void csw_bytes(uint8_t raw[STLINK_V1_CSW_SIZE], uint32_t tag, uint32_t residue,
                      uint8_t status)
{
    struct stlink_v1_csw csw = {tag, residue, status};
    stlink_v1_csw_encode(&csw, raw);
}

static void test_csw_checks(void **state)
{
    (void)state;
    uint8_t raw[STLINK_V1_CSW_SIZE];
    struct stlink_v1_csw csw;
    csw_bytes(raw, 7, 3, STLINK_V1_CSW_PASSED);
    assert_memory_equal(raw, "USBS", 4);
    assert_int_equal(stlink_v1_csw_decode(raw, sizeof raw, 7, &csw), STLINK_V1_CSW_OK);
    assert_int_equal(csw.tag, 7);
    assert_int_equal(csw.residue, 3);
    assert_int_equal(csw.status, STLINK_V1_CSW_PASSED);

    /* Wrong tag: an answer that belongs to another command. */
    assert_int_equal(stlink_v1_csw_decode(raw, sizeof raw, 8, &csw), STLINK_V1_CSW_BAD_TAG);
    assert_int_equal(csw.tag, 7);
    assert_non_null(strstr(stlink_v1_csw_problem(STLINK_V1_CSW_BAD_TAG), "tag"));
    /* Short, long. */
    assert_int_equal(stlink_v1_csw_decode(raw, 12, 7, &csw), STLINK_V1_CSW_BAD_LENGTH);
    assert_int_equal(stlink_v1_csw_decode(raw, 0, 7, &csw), STLINK_V1_CSW_BAD_LENGTH);
    uint8_t longer[20] = {0};
    memcpy(longer, raw, sizeof raw);
    assert_int_equal(stlink_v1_csw_decode(longer, sizeof longer, 7, &csw),
                     STLINK_V1_CSW_BAD_LENGTH);
    assert_non_null(strstr(stlink_v1_csw_problem(STLINK_V1_CSW_BAD_LENGTH), "13 bytes"));
    /* Signature. */
    raw[3] = 'C';
    assert_int_equal(stlink_v1_csw_decode(raw, sizeof raw, 7, &csw), STLINK_V1_CSW_BAD_SIGNATURE);
    assert_non_null(strstr(stlink_v1_csw_problem(STLINK_V1_CSW_BAD_SIGNATURE), "USBS"));
    /* Status 2 is a phase error (valid wrapper), 3 and above are reserved. */
    csw_bytes(raw, 7, 0, STLINK_V1_CSW_PHASE_ERROR);
    assert_int_equal(stlink_v1_csw_decode(raw, sizeof raw, 7, &csw), STLINK_V1_CSW_OK);
    assert_int_equal(csw.status, STLINK_V1_CSW_PHASE_ERROR);
    csw_bytes(raw, 7, 0, 3);
    assert_int_equal(stlink_v1_csw_decode(raw, sizeof raw, 7, &csw), STLINK_V1_CSW_BAD_STATUS);
}

static void test_api_v1_phases(void **state)
{
    (void)state;
    struct stlink_phase ph;
    uint8_t cmd[16] = {F2, STLINK_DEBUG_APIV1_ENTER, STLINK_ENTER_SWD_NO_RESET};
    assert_int_equal(stlink_cmd_phase(cmd, 1, &ph), 0);
    assert_int_equal(ph.dir, STLINK_PHASE_NONE);
    cmd[1] = STLINK_DEBUG_APIV1_READREG;
    assert_int_equal(stlink_cmd_phase(cmd, 1, &ph), 0);
    assert_int_equal(ph.len, 4);
    cmd[1] = STLINK_DEBUG_APIV1_READALLREGS;
    assert_int_equal(stlink_cmd_phase(cmd, 1, &ph), 0);
    assert_int_equal(ph.len, STLINK_V1_ALLREGS_LEN);
    cmd[1] = STLINK_DEBUG_APIV2_GETLASTRWSTATUS2; /* API v2 only */
    assert_int_equal(stlink_cmd_phase(cmd, 1, &ph), -1);
    cmd[1] = STLINK_DEBUG_APIV2_ENTER;
    assert_int_equal(stlink_cmd_phase(cmd, 1, &ph), -1);
    const uint8_t voltage[16] = {STLINK_CMD_GET_TARGET_VOLTAGE};
    assert_int_equal(stlink_cmd_phase(voltage, 1, &ph), -1);
    uint8_t read[16] = {F2, STLINK_DEBUG_READMEM_32BIT};
    le16_put(&read[6], 512);
    assert_int_equal(stlink_cmd_phase(read, 1, &ph), 0);
    assert_int_equal(ph.dir, STLINK_PHASE_IN);
    assert_int_equal(ph.len, 512);
}

/* ---- the API v1 client ---- */

struct fixture {
    struct stflash_ctx *ctx;
    struct mock mock;
    struct stlink sl;
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

/* A V1 with firmware V1J`jtag`S0 found in mass-storage mode, as at power-up. */
static void init_v1_fw(struct fixture *f, unsigned jtag)
{
    uint8_t rep[6];
    be16_put(rep, (uint16_t)(1u << 12 | jtag << 6 | 0u));
    le16_put(&rep[2], STLINK_VID);
    le16_put(&rep[4], STLINK_PID_V1);
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){STLINK_CMD_GET_VERSION}, 6, sizeof rep, rep);
    const uint8_t mass = STLINK_MODE_MASS;
    mock_expect_bytes(&f->mock, 1, (const uint8_t[]){STLINK_CMD_GET_CURRENT_MODE}, 2, 1, &mass);
    assert_int_equal(stlink_init(&f->sl, &f->mock.base), STFLASH_OK);
    mock_done(&f->mock);
}

/* Firmware before J11: debug API v1. */
static void init_v1(struct fixture *f)
{
    init_v1_fw(f, 10);
}

static void test_v1_init(void **state)
{
    struct fixture *f = *state;
    init_v1(f);
    assert_int_equal(f->sl.hw, 1);
    assert_int_equal(f->sl.api, 1);
    assert_int_equal(f->sl.features, 0);
    char ver[32];
    stlink_version_string(&f->sl, ver, sizeof ver);
    assert_string_equal(ver, "V1J10S0");
    double volts;
    assert_int_equal(stlink_target_voltage(&f->sl, &volts), STFLASH_ERR_UNSUPPORTED);
    uint32_t khz;
    assert_int_equal(stlink_set_swd_khz(&f->sl, 1800, &khz), STFLASH_ERR_UNSUPPORTED);
    assert_int_equal(stlink_drive_nrst(&f->sl, STLINK_NRST_LOW), STFLASH_ERR_UNSUPPORTED);
    assert_non_null(strstr(stflash_last_error(f->ctx), "NRST"));
    mock_done(&f->mock); /* none of them reached the probe */
}

static void test_v1_enter_and_idcode(void **state)
{
    struct fixture *f = *state;
    init_v1(f);
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, 0x20, 0xA3}, 0, 0, NULL);
    assert_int_equal(stlink_enter_swd(&f->sl), STFLASH_OK);
    uint8_t id[4];
    le32_put(id, 0x1BA01477);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, STLINK_DEBUG_READCOREID}, 4, 4, id);
    uint32_t idcode = 0;
    assert_int_equal(stlink_read_idcode(&f->sl, &idcode), STFLASH_OK);
    assert_int_equal(idcode, 0x1BA01477);
    mock_done(&f->mock);
}

static void test_v1_entry_failure_names_the_target(void **state)
{
    struct fixture *f = *state;
    init_v1(f);
    struct mock_step *s = mock_expect(&f->mock, (const uint8_t[16]){F2, 0x20, 0xA3}, 0, NULL, 0);
    s->rc = STFLASH_ERR_TARGET; /* the status wrapper said "failed" */
    assert_int_equal(stlink_enter_swd(&f->sl), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "does not answer on SWD"));
    mock_done(&f->mock);
}

static void test_v1_registers(void **state)
{
    struct fixture *f = *state;
    init_v1(f);
    uint8_t val[4];
    le32_put(val, 0x08000131);
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, STLINK_DEBUG_APIV1_READREG, 15}, 4, 4,
                      val);
    uint32_t pc = 0;
    assert_int_equal(stlink_read_reg(&f->sl, 15, &pc), STFLASH_OK);
    assert_int_equal(pc, 0x08000131);
    mock_expect_bytes(&f->mock, 7,
                      (const uint8_t[]){F2, STLINK_DEBUG_APIV1_WRITEREG, 0, 0x78, 0x56, 0x34, 0x12},
                      2, 1, (const uint8_t[]){STLINK_OK});
    assert_int_equal(stlink_write_reg(&f->sl, 0, 0x12345678), STFLASH_OK);
    mock_expect_bytes(&f->mock, 10,
                      (const uint8_t[]){F2, STLINK_DEBUG_APIV1_WRITEDEBUGREG, 0xF0, 0xED, 0x00,
                                        0xE0, 0x03, 0x00, 0x5F, 0xA0},
                      2, 1, (const uint8_t[]){STLINK_OK});
    assert_int_equal(stlink_write_debug32(&f->sl, 0xE000EDF0, 0xA05F0003), STFLASH_OK);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, STLINK_DEBUG_APIV1_RESETSYS}, 2, 1,
                      (const uint8_t[]){STLINK_OK});
    assert_int_equal(stlink_reset_sys(&f->sl), STFLASH_OK);
    mock_done(&f->mock);
}

/* Memory: no GETLASTRWSTATUS after a transfer; 8-bit pieces of at most 64 bytes. */
static void test_v1_memory(void **state)
{
    struct fixture *f = *state;
    init_v1(f);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20000000, 1024);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x20000400, 16);
    uint8_t buf[1040];
    assert_int_equal(stlink_read_mem(&f->sl, 0x20000000, buf, sizeof buf), STFLASH_OK);
    mock_assert_pattern(buf, sizeof buf, 0x20000000);
    uint8_t data[3];
    mock_pattern_fill(data, sizeof data, 0x20000101);
    mock_expect_mem(&f->mock, STLINK_DEBUG_WRITEMEM_8BIT, 0x20000101, 3);
    assert_int_equal(stlink_write_mem(&f->sl, 0x20000101, data, sizeof data), STFLASH_OK);
    mock_done(&f->mock);
}

/* A memory command the status wrapper reports failed: the address is in the message. */
static void test_v1_memory_failure(void **state)
{
    struct fixture *f = *state;
    init_v1(f);
    uint8_t cmd[16] = {F2, STLINK_DEBUG_READMEM_32BIT};
    le32_put(&cmd[2], 0x60000000);
    le16_put(&cmd[6], 4);
    struct mock_step *s = mock_expect(&f->mock, cmd, 4, NULL, 0);
    s->rc = STFLASH_ERR_TARGET; /* the status wrapper said "failed" */
    uint8_t buf[4];
    assert_int_equal(stlink_read_mem(&f->sl, 0x60000000, buf, sizeof buf), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "cannot read memory at 0x60000000"));
    mock_done(&f->mock);
}

/* From J11 the V1 speaks API v2, without GETLASTRWSTATUS2: each transfer's status comes from
 * GETLASTRWSTATUS; no voltage, no SWD clock, no 16-bit transfers. */
static void test_v1_j13_speaks_api_v2(void **state)
{
    struct fixture *f = *state;
    init_v1_fw(f, 13);
    assert_int_equal(f->sl.hw, 1);
    assert_int_equal(f->sl.api, 2);
    assert_int_equal(f->sl.features, 0);
    double volts;
    assert_int_equal(stlink_target_voltage(&f->sl, &volts), STFLASH_ERR_UNSUPPORTED);
    mock_expect_bytes(&f->mock, 3, (const uint8_t[]){F2, STLINK_DEBUG_APIV2_ENTER, 0xA3}, 2, 1,
                      (const uint8_t[]){STLINK_OK});
    assert_int_equal(stlink_enter_swd(&f->sl), STFLASH_OK);
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x08000000, 8);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, STLINK_DEBUG_APIV2_GETLASTRWSTATUS}, 2, 1,
                      (const uint8_t[]){STLINK_OK});
    uint8_t buf[8];
    assert_int_equal(stlink_read_mem(&f->sl, 0x08000000, buf, sizeof buf), STFLASH_OK);
    mock_assert_pattern(buf, sizeof buf, 0x08000000);
    /* A fault: GETLASTRWSTATUS gives no address, the piece's is reported. */
    mock_expect_mem(&f->mock, STLINK_DEBUG_READMEM_32BIT, 0x60000000, 4);
    mock_expect_bytes(&f->mock, 2, (const uint8_t[]){F2, STLINK_DEBUG_APIV2_GETLASTRWSTATUS}, 2, 1,
                      (const uint8_t[]){STLINK_SWD_AP_FAULT});
    assert_int_equal(stlink_read_mem(&f->sl, 0x60000000, buf, 4), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "0x60000000"));
    mock_done(&f->mock);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbw_encoding),
        cmocka_unit_test(test_csw_checks),
        cmocka_unit_test(test_api_v1_phases),
        T(test_v1_init),
        T(test_v1_enter_and_idcode),
        T(test_v1_entry_failure_names_the_target),
        T(test_v1_registers),
        T(test_v1_memory),
        T(test_v1_memory_failure),
        T(test_v1_j13_speaks_api_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
