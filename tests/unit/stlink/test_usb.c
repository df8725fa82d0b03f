/*
 * The USB transport without hardware: enumeration works (or says precisely why USB is not
 * usable here), and opening with no probe attached is STFLASH_ERR_NOT_FOUND.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stlink/stlink_proto.h"
#include "transport/transport.h"

static unsigned usable;
static unsigned listed;

static void on_found(void *user, const struct stflash_probe_info *info)
{
    (void)user;
    listed++;
    assert_string_equal(info->transport, "usb");
    assert_int_equal(info->vid, STLINK_VID);
    assert_true(info->name[0] != '\0');
    assert_true(info->status_text[0] != '\0');
    if (info->status == STFLASH_OK)
        usable++;
}

static void test_enumerate_and_open(void **state)
{
    (void)state;
    struct stflash_ctx *ctx;
    assert_int_equal(stflash_ctx_new(&ctx), STFLASH_OK);
    int rc = usb_enumerate(ctx, on_found, NULL);
    if (rc != STFLASH_OK) {
        /* no USB subsystem (a container): the message says so */
        assert_int_equal(rc, STFLASH_ERR_IO);
        assert_non_null(strstr(stflash_last_error(ctx), "cannot"));
        stflash_ctx_free(ctx);
        skip();
    }
    if (listed == 0) {
        struct transport *tr = NULL;
        assert_int_equal(usb_open(ctx, NULL, &tr), STFLASH_ERR_NOT_FOUND);
        assert_string_equal(stflash_last_error(ctx), "no ST-LINK found on USB");
        assert_null(tr);
    }
    struct transport *tr = NULL;
    assert_int_equal(usb_open(ctx, "no-such-serial-here", &tr), STFLASH_ERR_NOT_FOUND);
    assert_null(tr);
    stflash_ctx_free(ctx);
}

static void test_probe_names_and_status(void **state)
{
    (void)state;
    char text[160];
    assert_string_equal(transport_probe_name(STLINK_PID_V2), "ST-LINK/V2");
    assert_string_equal(transport_probe_name(STLINK_PID_V2_1_NOMSD), "ST-LINK/V2-1");
    assert_string_equal(transport_probe_name(STLINK_PID_V3E), "STLINK-V3");
    assert_null(transport_probe_name(0x1234));
    assert_int_equal(transport_pid_status(STLINK_PID_V2, text, sizeof text), STFLASH_OK);
    assert_string_equal(transport_probe_name(STLINK_PID_V1), "ST-LINK/V1");
    assert_int_equal(transport_pid_status(STLINK_PID_V1, text, sizeof text), STFLASH_OK);
    assert_int_equal(transport_pid_status(STLINK_PID_V3_DFU, text, sizeof text), STFLASH_ERR_PROBE);
    assert_string_equal(text, "in its USB bootloader (DFU): unplug and replug it, or update its "
                              "firmware with STM32CubeProgrammer");
    const uint8_t clone[12] = {0x53, 0x3f, 0x6b, 0x06, 0x49, 0x75,
                               0x52, 0x49, 0x18, 0x50, 0x02, 0x67};
    char serial[64];
    transport_serial_text(clone, sizeof clone, serial, sizeof serial);
    assert_string_equal(serial, "533F6B064975524918500267");
    transport_serial_text((const uint8_t *)"066DFF48", 8, serial, sizeof serial);
    assert_string_equal(serial, "066DFF48");
}

static void test_pick(void **state)
{
    (void)state;
    struct stflash_ctx *ctx;
    assert_int_equal(stflash_ctx_new(&ctx), STFLASH_OK);
    struct stflash_probe_info found[3];
    memset(found, 0, sizeof found);
    const char *serials[] = {"533F6B064975524918500267", "066DFF485550755187121723",
                             "066DFF485550755187129999"};
    for (int i = 0; i < 3; i++) {
        snprintf(found[i].serial, sizeof found[i].serial, "%s", serials[i]);
        snprintf(found[i].name, sizeof found[i].name, "ST-LINK/V2");
    }
    size_t index = 9;
    assert_int_equal(transport_pick(ctx, found, 3, "533f6b064975524918500267", "on USB", &index),
                     STFLASH_OK);
    assert_int_equal(index, 0);
    assert_int_equal(transport_pick(ctx, found, 3, "533f", "on USB", &index), STFLASH_OK);
    assert_int_equal(index, 0);
    assert_int_equal(transport_pick(ctx, found, 3, "066DFF", "on USB", &index),
                     STFLASH_ERR_INVALID_ARG);
    assert_non_null(strstr(stflash_last_error(ctx), serials[1]));
    assert_non_null(strstr(stflash_last_error(ctx), serials[2]));
    assert_int_equal(transport_pick(ctx, found, 3, NULL, "on USB", &index),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(transport_pick(ctx, found, 3, "77", "on USB", &index), STFLASH_ERR_NOT_FOUND);
    assert_string_equal(stflash_last_error(ctx), "no ST-LINK with serial '77' on USB");
    assert_int_equal(transport_pick(ctx, found, 1, NULL, "on USB", &index), STFLASH_OK);
    assert_int_equal(transport_pick(ctx, found, 0, NULL, "on USB", &index), STFLASH_ERR_NOT_FOUND);
    stflash_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enumerate_and_open),
        cmocka_unit_test(test_probe_names_and_status),
        cmocka_unit_test(test_pick),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
