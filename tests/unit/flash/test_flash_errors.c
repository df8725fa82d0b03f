/*
 * The flash engine and the F0/F1/F3 driver against the simulated STM32F1: verification failures,
 * controller errors, write protection, a failure in the middle of a job, and the option bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arm/cortexm.h"
#include "f1_map.h"
#include "flash/f1.h"
#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#include "flash_fixture.h"

/* ---- verification and errors ---- */

static void test_verify_detects_difference(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08000C00u, 0x500, 81}};
    struct img im;
    make_image(fx, &im, s, 1);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_int_equal(flash_verify(&fx->f, &im.image), STFLASH_OK);

    fx->sd.t.flash[0x1001] ^= 0x10; /* a bit flips behind the controller's back */
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x08001001: read 0x%02x, expected 0x%02x",
             fx->sd.t.flash[0x1001], fx->expect[0x1001]);
    assert_error(fx, flash_verify(&fx->f, &im.image), STFLASH_ERR_VERIFY, msg);
    free_image(&im);
}

/* A deliberately skipped erase: programming over data sets PGERR at the first half-word. */
static void test_pgerr_reported(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08000400u, 0x400, 91}};
    assert_int_equal(write_segs(fx, s, 1, NULL), STFLASH_OK);

    uint8_t data[64];
    memset(data, 0xFF, sizeof data);
    data[10] = 0x34; /* 0x0800040a: the first half-word that is neither 0xFFFF nor 0x0000 */
    data[11] = 0x12;
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08000400u, data, sizeof data);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    /* The loader names the half-word and what it holds: the old value, the store was refused. */
    const char *msg = stflash_last_error(fx->ctx);
    assert_int_equal(rc, STFLASH_ERR_TARGET);
    assert_true(strncmp(msg, "cannot program 0x0800040a: not erased, holds 0x", 47) == 0);
    assert_non_null(strstr(msg, " (PGERR)"));
    char old[8];
    snprintf(old, sizeof old, "%02x%02x", fx->expect[0x40b], fx->expect[0x40a]);
    assert_true(strncmp(msg + 47, old, 4) == 0);
    assert_locked(fx);
    assert_flash_as_expected(fx); /* nothing after the failing half-word was written */
    assert_false(fx->sd.t.fpec.sr & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR));
}

static void test_write_protected_refused_before_erase(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->sd.t.fpec.wrpr, 0xFFFFFFFDu);
    prefill(fx, 10);
    const struct seg s[] = {{0x08000F00u, 0x200, 101}}; /* pages 3 (free) and 4 (protected) */
    int rc = write_segs(fx, s, 1, NULL);
    prefill(fx, 10); /* what the flash must still hold: the expected image was applied */
    memcpy(fx->expect, fx->sd.t.flash, fx->size);
    prefill(fx, 10);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot write 0x08001000: write protected by the option bytes (FLASH_WRPR "
                 "0xfffffffd, bit 1)");
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(fx->nev, 0);

    rc = flash_erase_range(&fx->f, 0x08001FFFu, 2);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot write 0x08001c00: write protected by the option bytes (FLASH_WRPR "
                 "0xfffffffd, bit 1)");
    assert_flash_as_expected(fx);

    /* Unprotected pages still work. */
    const struct seg ok[] = {{0x08002000u, 0x10, 102}};
    assert_int_equal(write_segs(fx, ok, 1, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
}

/* The controller's own answer when asked anyway. */
static void test_wrprterr_on_erase(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 11);
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    struct flash_unit u;
    assert_true(flash_map_unit_at(&fx->f.map, 0x08001400u, &u));
    int rc = fx->f.drv->erase_unit(&fx->f, &u);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot erase page 0x08001400: write protected (WRPRTERR)");
    assert_locked(fx);
    assert_flash_as_expected(fx);
    assert_false(fx->sd.t.fpec.sr & (FLASH_SR_PGERR | FLASH_SR_WRPRTERR));
}

static void test_wrprterr_on_program(void **state)
{
    struct fixture *fx = *state;
    uint8_t data[32];
    memset(data, 0x42, sizeof data);
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);
    int rc = fx->f.drv->program(&fx->f, 0x08001C00u, data, sizeof data);
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot program 0x08001c00: write protected (WRPRTERR)");
    assert_locked(fx);
    /* The refused half-word and everything after it are unchanged. */
    assert_flash_as_expected(fx);
}

static void test_unlock_refused(void **state)
{
    struct fixture *fx = *state;
    fx->sd.t.fpec.key_locked_up = true; /* as after a wrong key: locked until reset */
    const struct seg s[] = {{0x08000000u, 4, 111}};
    int rc = write_segs(fx, s, 1, NULL);
    assert_int_equal(rc, STFLASH_ERR_TARGET);
    assert_non_null(strstr(stflash_last_error(fx->ctx), "flash controller stays locked"));
    assert_locked(fx);
    assert_int_equal(fx->sd.t.flash[0], 0xFF);
}

/* Failures in the middle of a job: the page erases or the loader meet a protection that appeared
 * after the job was planned. The job stops with the address, the controller is locked. */
static void protect_on_program(struct fixture *fx, const struct stflash_progress *p)
{
    if (p->phase == STFLASH_PHASE_PROGRAM && p->done == 0)
        fx->sd.t.fpec.wrpr = 0xFFFFFFFBu; /* 0x08002000-0x08002fff */
}

static void protect_on_erase(struct fixture *fx, const struct stflash_progress *p)
{
    if (p->phase == STFLASH_PHASE_ERASE && p->done == 0)
        fx->sd.t.fpec.wrpr = 0xFFFFFFFBu;
}

static void test_failure_mid_job(void **state)
{
    struct fixture *fx = *state;
    const struct seg s[] = {{0x08001800u, 0x1000, 141}};
    prefill(fx, 14); /* other firmware: the pages must be erased */
    fx->hook = protect_on_program;
    int rc = write_segs(fx, s, 1, NULL);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot program 0x08002000: write protected (WRPRTERR)");
    assert_locked(fx);
    assert_true(fx->sd.t.core.halted); /* the loader stopped at its breakpoint */
    assert_memory_equal(fx->sd.t.flash + 0x1800, fx->expect + 0x1800, 0x800);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0), 0);

    fx->sd.t.fpec.wrpr = 0xFFFFFFFFu;
    prefill(fx, 15);
    fx->hook = protect_on_erase;
    rc = write_segs(fx, s, 1, NULL);
    assert_error(fx, rc, STFLASH_ERR_PROTECTED,
                 "cannot erase page 0x08002000: write protected (WRPRTERR)");
    assert_locked(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_PROGRAM, 0), 0);
    /* The loader's start, prepared while the first page was erased, is undone: the core stays
     * halted without the HardFault catch, and its interrupts are not masked. */
    assert_true(fx->sd.t.core.halted);
    assert_false(fx->sd.t.core.demcr & CM_DEMCR_VC_HARDERR);
    assert_false(fx->sd.t.core.dhcsr_ctrl & CM_DHCSR_C_MASKINTS);
}

/* ---- option bytes ---- */

static void test_option_bytes(void **state)
{
    struct fixture *fx = *state;
    struct stflash_options o;
    assert_int_equal(fpec_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.rdp, F1_OB_RDP_NONE);
    assert_int_equal(o.rdp_level, 0);
    assert_int_equal(o.rdp_level_stored, 0);
    assert_int_equal(o.wrp_in_force, 0xFFFFFFFFu);

    o.wrp &= ~1u; /* protect the first 4 KiB */
    o.data1 = 0x5C;
    assert_int_equal(fpec_options_write(&fx->f, &o), STFLASH_OK);
    assert_locked(fx);
    assert_false(fx->sd.t.fpec.cr & FLASH_CR_OPTWRE);
    assert_int_equal(fx->sd.t.optbytes[4], 0x01FE);
    assert_int_equal(fx->sd.t.optbytes[3], 0xA35C);

    sim_target_system_reset(&fx->sd.t); /* options load at reset */
    assert_int_equal(fpec_options_read(&fx->f, &o), STFLASH_OK);
    assert_int_equal(o.wrp_in_force, 0xFFFFFFFEu);
    assert_int_equal(o.data1, 0x5C);
    uint32_t obr;
    assert_int_equal(dbg_read32(&fx->sd.dbg, 0x40022000u + FPEC_OBR, &obr), STFLASH_OK);
    assert_int_equal((obr >> 18) & 0xFFu, 0x5C); /* DATA1 at OBR[25:18] (PM0075 §3.7) */

    const struct seg s[] = {{0x08000800u, 4, 131}};
    assert_error(fx, write_segs(fx, s, 1, NULL), STFLASH_ERR_PROTECTED,
                 "cannot write 0x08000800: write protected by the option bytes (FLASH_WRPR "
                 "0xfffffffe, bit 0)");
    assert_locked(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verify_detects_difference, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_pgerr_reported, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_protected_refused_before_erase, setup_f103_wrp,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_wrprterr_on_erase, setup_f103_wrp, teardown),
        cmocka_unit_test_setup_teardown(test_wrprterr_on_program, setup_f103_wrp, teardown),
        cmocka_unit_test_setup_teardown(test_unlock_refused, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_failure_mid_job, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_option_bytes, setup_f103, teardown),
    };
    return cmocka_run_group_tests_name("flash_errors", tests, NULL, NULL);
}
