/*
 * The L5/U5 driver's loaders on the simulated STM32U575ZI (quad words, loaders/l5u5_program.S)
 * and STM32L552ZE (double words, loaders/l5u5_program8.S), run on the simulated Cortex-M33 at
 * the reset clock: their check in the programming pass (flash/loader.h), with units skipped as
 * erased at the start of a span, in its middle and at its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#define FLASH_BASE 0x08000000u

struct fixture {
    struct stflash_ctx *ctx;
    struct sim_dbg sd;
    struct flash_dev f;
    uint32_t unit; /* the part's program unit: 16 (U5 quad word) or 8 (L5 double word) */
};

static int open_chip(void **state, const char *sim_chip, uint16_t dev_id, uint32_t unit)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(stflash_ctx_new(&fx->ctx), STFLASH_OK);
    assert_int_equal(sim_dbg_open(&fx->sd, sim_chip, fx->ctx, NULL), 0);
    struct flash_dev_params params = {.flash_size = fx->sd.t.flash_size, .volts = 3.3};
    assert_int_equal(flash_dev_init(&fx->f, &fx->sd.dbg, stflash_chip_find(dev_id), &params),
                     STFLASH_OK);
    fx->unit = unit;
    *state = fx;
    return 0;
}

static int setup_u575(void **state)
{
    return open_chip(state, "stm32u575zi", 0x482, 16);
}

static int setup_l552(void **state)
{
    return open_chip(state, "stm32l552ze", 0x472, 8);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    sim_dbg_close(&fx->sd);
    stflash_ctx_free(fx->ctx);
    free(fx);
    return 0;
}

static uint8_t pattern(uint32_t i, uint32_t seed)
{
    uint32_t x = (i + 1u) * 2654435761u ^ seed * 40503u;
    x ^= x >> 13;
    return (uint8_t)(x * 0x9E3779B1u >> 24);
}

/* The loader's CRC of the flash after programming is the data's, the units it skips as erased
 * included (the first one, three in the middle, the last one), so the job counts as checked.
 * Then the same job where one skipped unit already holds a single byte with one bit cleared
 * (programmed before, no erase): the CRC differs and the job is not checked, which leaves it to
 * the engine's verification. That unit is the first, one in the middle or the last, each taken
 * by another path of the loader (the start of a span, after a unit programmed, at its end). */
static void test_checked_in_pass(void **state)
{
    struct fixture *fx = *state;
    uint32_t w = fx->f.map.program_unit, len = 20 * w;
    assert_int_equal(w, fx->unit);
    uint8_t *data = malloc(len), *dirty = malloc(w);
    assert_non_null(data);
    assert_non_null(dirty);
    for (uint32_t k = 0; k < len; k++)
        data[k] = pattern(k, 13);
    memset(data, 0xFF, w);             /* skipped at the start */
    memset(data + 5 * w, 0xFF, 3 * w); /* in the middle */
    memset(data + len - w, 0xFF, w);   /* and at the end */
    memset(dirty, 0xFF, w);
    dirty[3] = 0xFE;
    assert_int_equal(fx->f.drv->unlock(&fx->f), STFLASH_OK);

    fx->f.checked_in_pass = 0;
    assert_int_equal(fx->f.drv->program(&fx->f, FLASH_BASE + 0x400u, data, len), STFLASH_OK);
    assert_int_equal(fx->f.checked_in_pass, len);
    assert_memory_equal(fx->sd.t.flash + 0x400u, data, len);

    const uint32_t skipped_units[3] = {0, 6, 19};
    for (unsigned i = 0; i < 3; i++) {
        uint32_t job = FLASH_BASE + 0x1000u * (i + 1u), at = job + skipped_units[i] * w;
        assert_int_equal(fx->f.drv->program(&fx->f, at, dirty, w), STFLASH_OK);
        fx->f.checked_in_pass = 0;
        assert_int_equal(fx->f.drv->program(&fx->f, job, data, len), STFLASH_OK);
        if (fx->f.checked_in_pass != 0)
            fail_msg("the byte at 0x%08x reads 0xfe where the image has 0xff: the job still "
                     "counts as checked in the pass",
                     at + 3u);
        assert_int_equal(fx->sd.t.flash[at + 3u - FLASH_BASE], 0xFE);
    }
    assert_int_equal(fx->f.drv->lock(&fx->f), STFLASH_OK);
    free(dirty);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_u575, teardown),
        cmocka_unit_test_setup_teardown(test_checked_in_pass, setup_l552, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
