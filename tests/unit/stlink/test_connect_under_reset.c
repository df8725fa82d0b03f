/*
 * Connect under reset (issue 9, point 6) against the virtual board in this process, through a
 * transport that passes every command on and answers chosen ones itself, as a probe firmware
 * would: NRST driven before SWD entry refused (some firmware does not know the pin outside debug
 * mode), or the release of NRST answered with an error.
 *   - a refused NRST before entry is not fatal, and NRST is driven low again after entry: the
 *     chip really goes through a pin reset (RCC_CSR.PINRSTF, RM0008 §7.3.10) and stays halted;
 *   - a failure leaves nothing armed: DEMCR.VC_CORERESET and DHCSR.C_DEBUGEN/C_HALT clear, NRST
 *     released, the core running (no board that "looks bricked").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/dev.h"
#include "arm/cortexm.h"
#include "stflash/sim.h"
#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"
#include "transport/transport.h"

#define RCC_CSR 0x40021024u /* RM0008 §7.3.10 */
#define RCC_CSR_RMVF (1u << 24)
#define RCC_CSR_PINRSTF (1u << 26)

struct spy {
    struct transport base;
    struct transport *inner;
    bool entered;            /* SWD entry answered OK */
    bool refuse_nrst_early;  /* DRIVE_NRST before SWD entry: an error, the pin untouched */
    unsigned fail_nrst_high; /* so many NRST releases answered with an error, not done */
    unsigned nrst_early, nrst_low_after_entry, nrst_high;
};

static void status(uint8_t *in, size_t in_len, uint8_t st)
{
    memset(in, 0, in_len);
    if (in_len)
        in[0] = st;
}

static int spy_xfer(struct transport *t, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                    uint8_t *in, size_t in_len)
{
    struct spy *s = (struct spy *)t;
    if (cmd[0] == STLINK_CMD_DEBUG && cmd[1] == STLINK_DEBUG_APIV2_DRIVE_NRST) {
        if (!s->entered) {
            s->nrst_early++;
            if (s->refuse_nrst_early) {
                status(in, in_len, STLINK_JTAG_UNKNOWN_CMD);
                return STFLASH_OK;
            }
        } else if (cmd[2] == STLINK_NRST_LOW) {
            s->nrst_low_after_entry++;
        } else if (cmd[2] == STLINK_NRST_HIGH) {
            s->nrst_high++;
            if (s->fail_nrst_high) {
                s->fail_nrst_high--;
                status(in, in_len, STLINK_JTAG_UNKNOWN_CMD);
                return STFLASH_OK;
            }
        }
    }
    int rc = s->inner->ops->xfer(s->inner, cmd, out, out_len, in, in_len);
    if (rc == STFLASH_OK && cmd[0] == STLINK_CMD_DEBUG && cmd[1] == STLINK_DEBUG_APIV2_ENTER &&
        in_len && in[0] == STLINK_OK)
        s->entered = true;
    return rc;
}

static void spy_close(struct transport *t)
{
    (void)t;
}

static const struct transport_ops spy_ops = {.xfer = spy_xfer, .close = spy_close};

struct fixture {
    struct stflash_ctx *ctx;
    char dir[64];
    struct transport *inner;
    struct spy spy;
    struct stflash_dev dev;
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    assert_int_equal(stflash_ctx_new(&f.ctx), STFLASH_OK);
    assert_int_equal(stflash_sim_register(), STFLASH_OK);
    snprintf(f.dir, sizeof f.dir, "/tmp/stflash-cur.XXXXXX");
    assert_non_null(mkdtemp(f.dir));
    char spec[128];
    snprintf(spec, sizeof spec, ":stm32f103c8,state=%s/board.state", f.dir);
    assert_int_equal(sim_backend_open(f.ctx, spec, &f.inner), STFLASH_OK);

    /* The reset flags of the power-on cleared first, by an ordinary connection. */
    struct stlink sl;
    assert_int_equal(stlink_init(&sl, f.inner), STFLASH_OK);
    assert_int_equal(stlink_enter_swd(&sl), STFLASH_OK);
    assert_int_equal(stlink_write_debug32(&sl, RCC_CSR, RCC_CSR_RMVF), STFLASH_OK);
    uint32_t csr = 0;
    assert_int_equal(stlink_read_debug32(&sl, RCC_CSR, &csr), STFLASH_OK);
    assert_int_equal(csr & RCC_CSR_PINRSTF, 0);
    assert_int_equal(stlink_leave(&sl), STFLASH_OK);

    f.spy.base.ops = &spy_ops;
    f.spy.base.ctx = f.ctx;
    f.spy.inner = f.inner;
    f.dev.ctx = f.ctx;
    f.dev.tr = &f.spy.base;
    assert_int_equal(stlink_init(&f.dev.sl, &f.spy.base), STFLASH_OK);
    dbg_stlink_init(&f.dev.dbg, &f.dev.sl);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    (void)stlink_leave(&f->dev.sl);
    transport_close(f->inner);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    stflash_ctx_free(f->ctx);
    return 0;
}

static uint32_t rd(struct fixture *f, uint32_t addr)
{
    uint32_t v = 0;
    assert_int_equal(stlink_read_debug32(&f->dev.sl, addr, &v), STFLASH_OK);
    return v;
}

static void test_nrst_refused_before_entry_is_not_fatal(void **state)
{
    struct fixture *f = *state;
    f->spy.refuse_nrst_early = true;
    assert_int_equal(dev_connect_under_reset(&f->dev), STFLASH_OK);
    assert_int_equal(f->spy.nrst_early, 1);
    /* driven low again once in SWD mode: the pin reset really happened */
    assert_true(f->spy.nrst_low_after_entry >= 1);
    assert_true(rd(f, RCC_CSR) & RCC_CSR_PINRSTF);
    assert_true(rd(f, CM_DHCSR) & CM_DHCSR_S_HALT);
    assert_int_equal(rd(f, CM_DEMCR) & CM_DEMCR_VC_CORERESET, 0); /* disarmed after use */
}

static void test_nrst_driven_before_and_after_entry(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(dev_connect_under_reset(&f->dev), STFLASH_OK);
    assert_int_equal(f->spy.nrst_early, 1);
    assert_true(f->spy.nrst_low_after_entry >= 1);
    assert_true(rd(f, RCC_CSR) & RCC_CSR_PINRSTF);
    assert_true(rd(f, CM_DHCSR) & CM_DHCSR_S_HALT);
}

static void test_failure_leaves_nothing_armed(void **state)
{
    struct fixture *f = *state;
    f->spy.fail_nrst_high = 1; /* the release is answered with an error */
    assert_int_not_equal(dev_connect_under_reset(&f->dev), STFLASH_OK);
    assert_non_null(strstr(stflash_last_error(f->ctx), "NRST"));
    assert_true(f->spy.nrst_high >= 2); /* let go once more after the failure */
    assert_int_equal(rd(f, CM_DEMCR) & CM_DEMCR_VC_CORERESET, 0);
    uint32_t dhcsr = rd(f, CM_DHCSR);
    assert_int_equal(dhcsr & (CM_DHCSR_C_DEBUGEN | CM_DHCSR_C_HALT), 0);
    assert_int_equal(dhcsr & CM_DHCSR_S_HALT, 0); /* the core runs */
    /* A later reset does not stop it either (no catch, no halt request left). */
    assert_int_equal(stlink_drive_nrst(&f->dev.sl, STLINK_NRST_PULSE), STFLASH_OK);
    assert_int_equal(rd(f, CM_DHCSR) & CM_DHCSR_S_HALT, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_nrst_refused_before_entry_is_not_fatal),
        T(test_nrst_driven_before_and_after_entry),
        T(test_failure_leaves_nothing_armed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
