/* The ST-LINK client against the virtual board in this process (sim/simlocal.c, registered with
 * the library through stflash_sim_register; transport/sim_backend.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "board_checks.h"
#include "stflash/sim.h"
#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"

struct fixture {
    struct stflash_ctx *ctx;
    char dir[64];
    char spec[256];
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    assert_int_equal(stflash_ctx_new(&f.ctx), STFLASH_OK);
    assert_int_equal(stflash_sim_register(), STFLASH_OK);
    snprintf(f.dir, sizeof f.dir, "/tmp/stflash-simlocal.XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    *state = &f;
    return 0;
}

static void remove_tree(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    remove_tree(f->dir);
    stflash_ctx_free(f->ctx);
    return 0;
}

/* ":stm32f103c8,<options>,state=<dir>/<name>" */
static const char *spec(struct fixture *f, const char *options, const char *name)
{
    snprintf(f->spec, sizeof f->spec, ":stm32f103c8%s%s,state=%s/%s", *options ? "," : "", options,
             f->dir, name);
    return f->spec;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void test_connect_and_memory(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "", "board.state"), &tr), STFLASH_OK);
    assert_string_equal(tr->info.transport, "sim");
    assert_int_equal(tr->info.pid, STLINK_PID_V2);
    struct stlink sl;
    check_connect(&sl, tr, 1800, 1800);
    assert_int_equal(sl.jtag, 37);
    check_sram_round_trips(&sl);
    check_unmapped(&sl);
    check_core_registers(&sl);
    assert_int_equal(stlink_exit_debug(&sl), STFLASH_OK);
    transport_close(tr);

    char path[128];
    snprintf(path, sizeof path, "%s/board.state", f->dir);
    assert_true(exists(path)); /* saved at close */
}

static void test_probe_models(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *options;
        uint16_t pid;
        uint32_t want_khz, expect_khz;
        size_t max_rw8;
    } cases[] = {
        {"probe=v2-1", STLINK_PID_V2_1, 4000, 4000, 64},
        {"probe=v3", STLINK_PID_V3S, 4000, 3300, 512},
        {"probe=v3,mode=dfu", STLINK_PID_V3S, 1000, 1000, 512},
        {"mode=dfu", STLINK_PID_V2, 950, 950, 64},
        {"mode=debug", STLINK_PID_V2, 1000, 950, 64},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct transport *tr = NULL;
        assert_int_equal(sim_backend_open(f->ctx, spec(f, cases[i].options, "m.state"), &tr),
                         STFLASH_OK);
        assert_int_equal(tr->info.pid, cases[i].pid);
        struct stlink sl;
        check_connect(&sl, tr, cases[i].want_khz, cases[i].expect_khz);
        assert_int_equal(sl.pid, cases[i].pid);
        assert_int_equal(sl.max_rw8, cases[i].max_rw8);
        check_sram_round_trips(&sl);
        check_unmapped(&sl);
        transport_close(tr);
    }
}

static void test_unpowered_target(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "voltage=0", "off.state"), &tr), STFLASH_OK);
    struct stlink sl;
    assert_int_equal(stlink_init(&sl, tr), STFLASH_OK);
    assert_int_equal(stlink_enter_swd(&sl), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "does not answer on SWD"));
    transport_close(tr);
}

static void test_read_protected_flash(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "rdp=1", "rdp.state"), &tr), STFLASH_OK);
    struct stlink sl;
    assert_int_equal(stlink_init(&sl, tr), STFLASH_OK);
    assert_int_equal(stlink_enter_swd(&sl), STFLASH_OK);
    uint8_t buf[8];
    assert_int_equal(stlink_read_mem(&sl, 0x08000000, buf, sizeof buf), STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(f->ctx), "0x08000000"));
    transport_close(tr);

    /* the state file now carries the protection: rdp=0 does not lift it */
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "rdp=0", "rdp.state"), &tr), STFLASH_OK);
    assert_int_equal(stlink_init(&sl, tr), STFLASH_OK);
    assert_int_equal(stlink_enter_swd(&sl), STFLASH_OK);
    assert_int_equal(stlink_read_mem(&sl, 0x08000000, buf, sizeof buf), STFLASH_ERR_TARGET);
    transport_close(tr);
}

static void test_busy_while_open(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL, *second = NULL;
    const char *s = spec(f, "", "busy.state");
    char copy[256];
    snprintf(copy, sizeof copy, "%s", s);
    assert_int_equal(sim_backend_open(f->ctx, copy, &tr), STFLASH_OK);
    assert_int_equal(sim_backend_open(f->ctx, copy, &second), STFLASH_ERR_BUSY);
    assert_null(second);
    assert_non_null(strstr(stflash_last_error(f->ctx), "in use"));
    transport_close(tr);
    assert_int_equal(sim_backend_open(f->ctx, copy, &second), STFLASH_OK);
    transport_close(second);
}

struct seen {
    unsigned count;
    struct stflash_probe_info info;
};

static void on_found(void *user, const struct stflash_probe_info *info)
{
    struct seen *s = user;
    s->count++;
    s->info = *info;
}

static void test_enumerate(void **state)
{
    struct fixture *f = *state;
    struct seen seen = {0};
    char copy[256];
    snprintf(copy, sizeof copy, "%s", spec(f, "serial=BENCH7", "e.state"));
    assert_int_equal(sim_backend_enumerate(f->ctx, copy, on_found, &seen), STFLASH_OK);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.info.transport, "sim");
    assert_string_equal(seen.info.serial, "BENCH7");
    assert_int_equal(seen.info.serial_raw_len, 6);
    assert_int_equal(seen.info.vid, STLINK_VID);
    assert_int_equal(seen.info.pid, STLINK_PID_V2);
    assert_string_equal(seen.info.name, "ST-LINK/V2");
    assert_int_equal(seen.info.status, STFLASH_OK);

    struct transport *tr = NULL;
    assert_int_equal(sim_backend_open(f->ctx, copy, &tr), STFLASH_OK);
    seen.count = 0;
    assert_int_equal(sim_backend_enumerate(f->ctx, copy, on_found, &seen), STFLASH_OK);
    assert_int_equal(seen.info.status, STFLASH_ERR_BUSY);
    transport_close(tr);

    /* a binary serial is shown as hex digits */
    snprintf(copy, sizeof copy, "%s", spec(f, "serial-hex=533f6b064975524918500267", "e.state"));
    seen.count = 0;
    assert_int_equal(sim_backend_enumerate(f->ctx, copy, on_found, &seen), STFLASH_OK);
    assert_string_equal(seen.info.serial, "533F6B064975524918500267");
    assert_int_equal(seen.info.serial_raw_len, 12);
    assert_int_equal(seen.info.serial_raw[1], 0x3F);
}

static void test_default_state_paths(void **state)
{
    struct fixture *f = *state;
    char xdg[128], path[192], env_path[192];
    snprintf(xdg, sizeof xdg, "%s/cache", f->dir);
    snprintf(path, sizeof path, "%s/stflash/sim-stm32f100rb.state", xdg);
    unsetenv("STFLASH_SIM_STATE");
    setenv("XDG_CACHE_HOME", xdg, 1);

    struct transport *tr = NULL;
    assert_int_equal(sim_backend_open(f->ctx, ":STM32F100RB", &tr), STFLASH_OK);
    assert_int_equal(tr->info.pid, STLINK_PID_V2);
    struct stlink sl;
    assert_int_equal(stlink_init(&sl, tr), STFLASH_OK);
    assert_int_equal(stlink_enter_swd(&sl), STFLASH_OK);
    uint32_t id = 0;
    assert_int_equal(stlink_read_debug32(&sl, 0xE0042000, &id), STFLASH_OK);
    assert_int_equal(id & 0xFFF, 0x420);
    transport_close(tr);
    assert_true(exists(path)); /* the folders were created */

    snprintf(env_path, sizeof env_path, "%s/from-env.state", f->dir);
    setenv("STFLASH_SIM_STATE", env_path, 1);
    assert_int_equal(sim_backend_open(f->ctx, "", &tr), STFLASH_OK);
    assert_string_equal(tr->info.location, env_path);
    transport_close(tr);
    assert_true(exists(env_path));
    unsetenv("STFLASH_SIM_STATE");
    unsetenv("XDG_CACHE_HOME");
}

static void test_bad_specs(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    assert_int_equal(sim_backend_open(f->ctx, ":nochip", &tr), STFLASH_ERR_NOT_FOUND);
    assert_non_null(strstr(stflash_last_error(f->ctx), "nochip"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "stm32f103c8"));
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "rdp=2", "x.state"), &tr),
                     STFLASH_ERR_INVALID_ARG);
    assert_non_null(strstr(stflash_last_error(f->ctx), "rdp"));
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "probe=v9", "x.state"), &tr),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "frobnicate", "x.state"), &tr),
                     STFLASH_ERR_INVALID_ARG);
    assert_int_equal(sim_backend_open(f->ctx, "garbage", &tr), STFLASH_ERR_INVALID_ARG);
    assert_null(tr);
}

/* Without the virtual board registered, "sim" says what to link; a back-end missing a member is
 * refused. */
static void test_not_registered(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    assert_int_equal(stflash_register_sim_backend(NULL), STFLASH_OK);
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "", "none.state"), &tr),
                     STFLASH_ERR_UNSUPPORTED);
    assert_null(tr);
    assert_non_null(strstr(stflash_last_error(f->ctx), "not part of this program"));
    assert_non_null(strstr(stflash_last_error(f->ctx), "libstflash-sim"));
    assert_int_equal(sim_backend_check(f->ctx), STFLASH_ERR_UNSUPPORTED);
    assert_int_equal(sim_backend_enumerate(f->ctx, "", on_found, NULL), STFLASH_ERR_UNSUPPORTED);

    struct stflash_backend partial = *stflash_sim_backend();
    partial.xfer = NULL;
    assert_int_equal(stflash_register_sim_backend(&partial), STFLASH_ERR_INVALID_ARG);
    assert_int_equal(sim_backend_check(f->ctx), STFLASH_ERR_UNSUPPORTED);

    assert_int_equal(stflash_sim_register(), STFLASH_OK);
    assert_int_equal(sim_backend_check(f->ctx), STFLASH_OK);
    assert_int_equal(sim_backend_open(f->ctx, spec(f, "", "back.state"), &tr), STFLASH_OK);
    assert_string_equal(tr->info.name, "ST-LINK/V2");
    transport_close(tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_connect_and_memory),   T(test_probe_models),    T(test_unpowered_target),
        T(test_read_protected_flash), T(test_busy_while_open), T(test_enumerate),
        T(test_default_state_paths),  T(test_bad_specs),       T(test_not_registered),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
