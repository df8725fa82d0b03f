/*
 * The flash engine's use of the CRC routine on the simulated STM32F1: the CRC itself, the target
 * state it leaves, verification by CRC and its fallbacks, and verification in the programming
 * pass. Unchanged pages and blank ones are test_flash_unchanged.c's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arm/cortexm.h"
#include "crc32_loader.h"
#include "f1_map.h"
#include "flash/crc.h"
#include "flash/f1.h"
#include "flash/flash.h"
#include "sim_dbg.h"
#include "stflash/chip.h"

#include "flash_fixture.h"
#include "flash_spy.h"

/* ---- verification by CRC on the target ---- */

/* The erased value 0x00 of the L0/L1 reaches the routine: with it, a piece of zeros answers 0
 * (and the blank check says erased), a piece of 0xFF bytes is put through the CRC. */
static void test_crc_erased_zero(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 41);
    memset(fx->sd.t.flash + 0x2000, 0x00, 0x400);
    memset(fx->sd.t.flash + 0x2400, 0xFF, 0x400);
    fx->sd.t.flash[0x27FF] = 0x00;
    fx->f.map.erased = 0x00;
    const struct flash_crc_region r[] = {
        {0x08002000u, 0x800, 0x400, false}, /* zeros, then 0xFF bytes ending in a zero */
        {0x08002000u, 0x400, 0, true},      /* blank check of the zeros */
        {0x08002400u, 0x400, 0, true},      /* blank check of the 0xFF bytes */
        {0x08002001u, 0x3FE, 0, false},     /* zeros, unaligned at both ends */
    };
    uint32_t crcs[5];
    assert_int_equal(flash_crc_target(&fx->f, r, 4, false, crcs), STFLASH_OK);
    assert_int_equal(crcs[0], 0);
    assert_int_equal(crcs[1], flash_crc32(0, fx->sd.t.flash + 0x2400, 0x400));
    assert_int_equal(crcs[1], flash_crc_expected(fx->sd.t.flash + 0x2400, 0x400, 0x00));
    assert_int_equal(crcs[2], 0);
    assert_int_not_equal(crcs[3], 0);
    assert_int_equal(crcs[4], 0);
    /* With 0xFF as the erased value the same zeros are content. */
    fx->f.map.erased = 0xFF;
    assert_int_equal(flash_crc_target(&fx->f, r, 4, false, crcs), STFLASH_OK);
    assert_int_equal(crcs[0], flash_crc32(0, fx->sd.t.flash + 0x2000, 0x400));
    assert_int_not_equal(crcs[2], 0);
    assert_int_equal(crcs[3], 0xFFFFFFFFu);
}

static void test_crc32_host(void **state)
{
    (void)state;
    const uint8_t *check = (const uint8_t *)"123456789";
    assert_int_equal(flash_crc32(0, check, 9), 0xCBF43926u);
    assert_int_equal(flash_crc32(0, check, 0), 0);
    assert_int_equal(flash_crc32(flash_crc32(0, check, 4), check + 4, 5), 0xCBF43926u);
    const uint8_t erased[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    const uint8_t almost[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFE};
    assert_int_equal(flash_crc_expected(erased, 5, 0xFF), 0);
    assert_int_equal(flash_crc_expected(almost, 5, 0xFF), flash_crc32(0, almost, 5));
    assert_int_equal(flash_crc_expected(check, 9, 0xFF), 0xCBF43926u);
    const struct flash_crc_region r[] = {
        {0x08000000u, 0, 0, false},  {0x08000000u, 10, 0, false}, {0x08000000u, 10, 4, false},
        {0x08000000u, 12, 4, false}, {0x08000000u, 3, 4, true},
    };
    assert_int_equal(flash_crc_piece_count(&r[0]), 0);
    assert_int_equal(flash_crc_piece_count(&r[1]), 1);
    assert_int_equal(flash_crc_piece_count(&r[2]), 3);
    assert_int_equal(flash_crc_piece_count(&r[3]), 3);
    assert_int_equal(flash_crc_piece_count(&r[4]), 1);
}

/* The routine's CRCs equal the host's for any alignment, length and piece size, also when the
 * pieces need several runs of the routine (the F100 with 4 KiB of SRAM has room for about 170
 * results per run; the whole flash in 256-byte pieces makes 512); blank checks say 0 exactly
 * when every byte is 0xFF. */
static void test_crc_on_target(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 21);
    memset(fx->sd.t.flash + 0x3000, 0xFF, 0x400);
    fx->sd.t.flash[0x3155] = 0xFE; /* one bit programmed in an erased page */
    const uint32_t end = FLASH_BASE + fx->size;
    const struct flash_crc_region r[] = {
        {FLASH_BASE, fx->size, 256, false},
        {FLASH_BASE + 1u, 1, 0, false},
        {FLASH_BASE + 3u, 1021, 0, false},
        {FLASH_BASE + 0x1002u, 4099, 333, false},
        {FLASH_BASE + 0x2000u, 0, 0, false},
        {FLASH_BASE + 0x2001u, 6, 2, false},
        {end - 7u, 7, 0, false},
        {FLASH_BASE + 0x3000u, 0x400, 0x100, false}, /* 0 (erased), CRC, 0, 0 */
        {FLASH_BASE + 0x2FFEu, 4, 0, false},         /* CRC */
        {FLASH_BASE + 0x3000u, 0x400, 0x100, true},  /* 0, not 0, 0, 0 */
        {FLASH_BASE + 0x3001u, 7, 0, true},          /* 0 */
        {FLASH_BASE + 0x3150u, 0x10, 0, true},       /* not 0 */
        {FLASH_BASE + 0x33FEu, 2, 0, true},          /* 0 */
        {FLASH_BASE + 0x33FFu, 2, 0, true},          /* not 0: 0x08003400 is not erased */
        {FLASH_BASE, fx->size, 0, true},             /* not 0 */
        {FLASH_BASE, fx->size, 0, false},
    };
    const size_t n = sizeof r / sizeof r[0];
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        np += flash_crc_piece_count(&r[i]);
    uint32_t *crcs = calloc(np, sizeof *crcs);
    assert_non_null(crcs);
    assert_int_equal(flash_crc_target(&fx->f, r, n, false, crcs), STFLASH_OK);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t step = r[i].piece ? r[i].piece : r[i].len;
        for (uint32_t off = 0; off < r[i].len; off += step, k++) {
            uint32_t len = r[i].len - off < step ? r[i].len - off : step;
            const uint8_t *bytes = fx->sd.t.flash + (r[i].addr - FLASH_BASE) + off;
            if (r[i].blank) {
                bool erased = true;
                for (uint32_t q = 0; q < len; q++)
                    erased = erased && bytes[q] == 0xFF;
                if ((crcs[k] == 0) != erased)
                    fail_msg("blank check %zu (0x%08x, %u bytes): 0x%08x, erased %d", k,
                             r[i].addr + off, len, crcs[k], erased);
                continue;
            }
            uint32_t want = flash_crc_expected(bytes, len, 0xFF);
            if (crcs[k] != want)
                fail_msg("piece %zu (0x%08x, %u bytes): 0x%08x, expected 0x%08x", k,
                         r[i].addr + off, len, crcs[k], want);
        }
    }
    assert_int_equal(k, np);
    assert_true(fx->sd.t.core.halted);

    /* The whole flash in one piece: about 6 cycles a byte at 8 MHz, the table, the probe. */
    sim_ps t0 = fx->sd.t.now;
    assert_int_equal(flash_crc_target(&fx->f, &r[n - 1], 1, false, crcs), STFLASH_OK);
    assert_int_equal(crcs[0], flash_crc32(0, fx->sd.t.flash, fx->size));
    double secs = (double)(fx->sd.t.now - t0) / (double)SIM_PS_PER_S;
    double limit = 0.010 + (double)fx->size * 6.5 / 8e6;
    if (secs > limit)
        fail_msg("CRC of %u bytes took %.3f s of virtual time (limit %.3f)", fx->size, secs, limit);
    /* Erased flash: scanned, not put through the table (the last page holds data). */
    memset(fx->sd.t.flash, 0xFF, fx->size - 1024);
    t0 = fx->sd.t.now;
    assert_int_equal(flash_crc_target(&fx->f, &r[n - 1], 1, false, crcs), STFLASH_OK);
    assert_int_equal(crcs[0], flash_crc32(0, fx->sd.t.flash, fx->size));
    secs = (double)(fx->sd.t.now - t0) / (double)SIM_PS_PER_S;
    limit = 0.010 + (double)(fx->size - 1024) * 1.5 / 8e6 + 1024 * 6.5 / 8e6 +
            (double)fx->size * 6.5 / 8e6;
    if (secs > limit)
        fail_msg("CRC of %u bytes, erased but the last 1024, took %.3f s (limit %.3f)", fx->size,
                 secs, limit);
    /* A blank check of erased flash: four words in ten instructions (ARMv7-M). */
    t0 = fx->sd.t.now;
    assert_int_equal(flash_crc_target(&fx->f, &r[n - 2], 1, false, crcs), STFLASH_OK);
    secs = (double)(fx->sd.t.now - t0) / (double)SIM_PS_PER_S;
    limit = 0.010 + (double)fx->size * 0.7 / 8e6;
    if (secs > limit)
        fail_msg("blank check of %u bytes took %.3f s of virtual time (limit %.3f)", fx->size, secs,
                 limit);
    free(crcs);
}

/* The blank check finds one programmed bit at any byte of the four words it reads at once,
 * and in the bytes before and after the whole words. */
static void test_blank_check_every_position(void **state)
{
    struct fixture *fx = *state;
    memset(fx->sd.t.flash, 0xFF, fx->size);
    const struct flash_crc_region r = {FLASH_BASE + 0x1001u, 0x1000, 0, true};
    for (uint32_t at = 0x1001u; at < 0x1001u + 0x40u; at++) {
        fx->sd.t.flash[at] = 0xEF;
        uint32_t res = 0;
        assert_int_equal(flash_crc_target(&fx->f, &r, 1, false, &res), STFLASH_OK);
        if (res == 0)
            fail_msg("a programmed bit at 0x%08x not found", FLASH_BASE + at);
        fx->sd.t.flash[at] = 0xFF;
    }
    fx->sd.t.flash[0x2000] = 0x7F; /* the last byte */
    uint32_t res = 0;
    assert_int_equal(flash_crc_target(&fx->f, &r, 1, false, &res), STFLASH_OK);
    assert_int_not_equal(res, 0);
    fx->sd.t.flash[0x2000] = 0xFF;
    assert_int_equal(flash_crc_target(&fx->f, &r, 1, false, &res), STFLASH_OK);
    assert_int_equal(res, 0);
}

/* With preserve, the SRAM the routine uses and the core registers are as before. */
static void test_crc_preserves_target_state(void **state)
{
    struct fixture *fx = *state;
    prefill(fx, 22);
    struct dbg *d = &fx->sd.dbg;
    uint32_t sram = fx->f.sram_size;
    uint8_t *before = malloc(sram);
    assert_non_null(before);
    for (uint32_t i = 0; i < sram; i++)
        fx->sd.t.sram[i] = before[i] = pattern(i, 99);
    static const unsigned regs[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18};
    uint32_t vals[sizeof regs / sizeof regs[0]];
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        uint32_t v = 0x11111111u * (uint32_t)(i + 1);
        if (regs[i] == 15)
            v = 0x08000124u;
        else if (regs[i] == 16)
            v = 0x61000000u;
        else if (regs[i] >= 17)
            v = 0x20001000u + 0x100u * (regs[i] - 17u);
        assert_int_equal(d->ops->write_reg(d, regs[i], v), STFLASH_OK);
        assert_int_equal(d->ops->read_reg(d, regs[i], &vals[i]), STFLASH_OK);
    }
    uint32_t demcr_before = 0, demcr_after = 0;
    assert_int_equal(dbg_write32(d, CM_DEMCR, CM_DEMCR_TRCENA | CM_DEMCR_VC_HARDERR), STFLASH_OK);
    assert_int_equal(dbg_read32(d, CM_DEMCR, &demcr_before), STFLASH_OK);

    const struct flash_crc_region r = {FLASH_BASE + 5u, 10000, 1024, false};
    uint32_t crcs[10];
    assert_int_equal(flash_crc_target(&fx->f, &r, 1, true, crcs), STFLASH_OK);
    assert_int_equal(crcs[9], flash_crc32(0, fx->sd.t.flash + 5 + 9 * 1024, 10000 - 9 * 1024));

    assert_memory_equal(fx->sd.t.sram, before, sram);
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        uint32_t v = 0;
        assert_int_equal(d->ops->read_reg(d, regs[i], &v), STFLASH_OK);
        if (v != vals[i])
            fail_msg("core register %u: 0x%08x after the CRC check, 0x%08x before", regs[i], v,
                     vals[i]);
    }
    assert_int_equal(dbg_read32(d, CM_DEMCR, &demcr_after), STFLASH_OK);
    assert_int_equal(demcr_after, demcr_before);
    assert_true(fx->sd.t.core.halted);
    free(before);
}

/* A write verifies by CRC (no flash byte read back), flash_verify too; a difference is found by
 * reading back the one page that differs first, and named as before. */
static void test_verify_by_crc(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    prefill(fx, 23);
    const struct seg segs[] = {{0x08000400u, 0x2000, 231}, {0x08003001u, 3000, 232}};
    struct img im;
    make_image(fx, &im, segs, 2);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    /* The routines ran with the HardFault catch and interrupts masked: neither is left. */
    assert_false(fx->sd.t.core.demcr & CM_DEMCR_VC_HARDERR);
    assert_false(fx->sd.t.core.dhcsr_ctrl & CM_DHCSR_C_MASKINTS);
    check_phase_order(fx);
    /* Both runs verified by the loader in the pass: one step from 0 to the end. */
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0x2000 + 3 * 1024), 2);
    /* Only the kept bytes of the two partially covered pages were read, before the erase, one
     * word at the end of each of the two runs (the flash answers there) and the first word of
     * the job (it holds data: the comparison goes first, not the blank check). */
    assert_int_equal(spy.flash_read, 2 * 1024);
    assert_int_equal(spy.flash_words, 3);
    /* The unchanged-page check and the blank check of the other pages (no: they hold the old
     * firmware); the loader verified the runs in the pass, so no CRC run to verify. */
    assert_int_equal(spy.crc_loads, 2);

    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_verify(&fx->f, &im.image), STFLASH_OK);
    assert_int_equal(spy.flash_read, 0);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0x2000 + 3000), 3);
    assert_int_equal(stats.halfwords_programmed + stats.pages_erased, 0);

    /* Two differences in the first segment, one in the second: the first one is named, after
     * reading back its page only. */
    fx->sd.t.flash[0x1a07] ^= 0x01;
    fx->sd.t.flash[0x1f00] ^= 0x80;
    fx->sd.t.flash[0x3002] ^= 0x02;
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x08001a07: read 0x%02x, expected 0x%02x",
             fx->sd.t.flash[0x1a07], fx->expect[0x1a07]);
    spy_reset(fx, &spy, &stats);
    assert_error(fx, flash_verify(&fx->f, &im.image), STFLASH_ERR_VERIFY, msg);
    assert_int_equal(spy.flash_read, 1024);

    /* In the part of a page a segment starts in the middle of. */
    fx->sd.t.flash[0x1a07] ^= 0x01;
    fx->sd.t.flash[0x1f00] ^= 0x80;
    snprintf(msg, sizeof msg, "verify failed at 0x08003002: read 0x%02x, expected 0x%02x",
             fx->sd.t.flash[0x3002], fx->expect[0x3002]);
    spy_reset(fx, &spy, &stats);
    assert_error(fx, flash_verify(&fx->f, &im.image), STFLASH_ERR_VERIFY, msg);
    assert_int_equal(spy.flash_read, 1023); /* 0x08003001-0x080033ff */
    free_image(&im);
}

/* Too little SRAM for the CRC routine (but enough for the flash loader): every page is written,
 * verification reads back, the messages are the same. */
static void test_verify_fallback_small_sram(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    fx->f.sram_size = 1024;
    prefill(fx, 24);
    const struct seg segs[] = {{0x08000800u, 0x1000, 241}};
    struct img im;
    make_image(fx, &im, segs, 1);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    /* The loader needs no table: it verified the run in the pass, nothing is read back. */
    assert_int_equal(spy.flash_read, 0);
    assert_int_equal(spy.crc_loads, 0);
    assert_non_null(strstr(spy.log, "not enough SRAM for the CRC routine"));
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0x1000), 2);

    /* The same image again: without the CRC, every page is written again. */
    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_int_equal(stats.pages_erased, 4);

    spy_reset(fx, &spy, &stats);
    assert_int_equal(flash_verify(&fx->f, &im.image), STFLASH_OK);
    assert_int_equal(spy.flash_read, 0x1000);
    fx->sd.t.flash[0x1234] ^= 0x40;
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x08001234: read 0x%02x, expected 0x%02x",
             fx->sd.t.flash[0x1234], fx->expect[0x1234]);
    assert_error(fx, flash_verify(&fx->f, &im.image), STFLASH_ERR_VERIFY, msg);
    free_image(&im);
}

/* The routine fails (it arrives spoilt): the write goes on with every page and reads back to
 * verify, a warning says why; flash_verify reads back when the routine does not finish in time. */
static void test_verify_fallback_routine_fails(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    spy.spoil = SPOIL_ANSWER;
    prefill(fx, 25);
    const struct seg segs[] = {{0x08000C00u, 0x800, 251}};
    struct img im;
    make_image(fx, &im, segs, 1);
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    assert_int_equal(stats.pages_erased, 2);
    /* The loader verified the run in the pass: the routine is not needed for that. */
    assert_int_equal(spy.flash_read, 0);
    if (!strstr(spy.log, "cannot tell unchanged pages apart, writing every page: ") ||
        strstr(spy.log, "cannot verify by CRC on the target") ||
        !strstr(spy.log, "CRCs instead of 2"))
        fail_msg("log: %s", spy.log);
    assert_true(fx->sd.t.core.halted);

    spy_reset(fx, &spy, &stats);
    spy.spoil = SPOIL_HANG;
    fx->sd.t.flash[0xFFF] ^= 0x08;
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x08000fff: read 0x%02x, expected 0x%02x",
             fx->sd.t.flash[0xFFF], fx->expect[0xFFF]);
    assert_error(fx, flash_verify(&fx->f, &im.image), STFLASH_ERR_VERIFY, msg);
    assert_int_equal(spy.flash_read, 0x800);
    if (!strstr(spy.log, "did not finish within"))
        fail_msg("log: %s", spy.log);
    assert_true(fx->sd.t.core.halted);
    free_image(&im);
}

/* ---- verification in the programming pass (the loader's CRC, loaders/loader_ring.inc) ---- */

/* An image of segs with the erased bytes [gap, gap + gap_len) (flash addresses) in it. */
static void make_gapped_image(struct fixture *fx, struct img *im, const struct seg *segs, size_t n,
                              uint32_t gap, uint32_t gap_len)
{
    make_image(fx, im, segs, n);
    for (size_t i = 0; i < n; i++)
        for (uint32_t a = gap; a < gap + gap_len; a++)
            if (a >= im->segs[i].addr && a - im->segs[i].addr < im->segs[i].len) {
                im->segs[i].data[a - im->segs[i].addr] = 0xFF;
                fx->expect[a - FLASH_BASE] = 0xFF;
            }
}

/* A write is verified by the loader while it programs: byte-exact, no CRC routine run and no
 * byte read back after programming, whether units are skipped as erased at the start, in the
 * middle or at the end of a run. */
static void test_write_verified_in_pass(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    prefill(fx, 61);
    /* Run 1: pages 1-8, its first 6 bytes (kept from the flash: prefilled, not erased), an
     * erased gap in page 3; run 2: pages 12-13 ending in erased bytes. */
    const struct seg segs[] = {{0x08000406u, 0x1FFA, 611}, {0x08003000u, 0x700, 612}};
    struct img im;
    make_gapped_image(fx, &im, segs, 2, 0x08000C10u, 0x123);
    for (uint32_t a = 0x08003600u; a < 0x08003700u; a++)
        im.segs[1].data[a - 0x08003000u] = fx->expect[a - FLASH_BASE] = 0xFF;
    assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
    assert_flash_as_expected(fx);
    assert_locked(fx);
    check_phase_order(fx);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0x2000 + 0x800), 2);
    assert_int_equal(spy.crc_loads_late, 0);
    /* Read back: the two partly covered pages, for their kept bytes, before the erase. */
    assert_int_equal(spy.flash_read, 2 * 1024);
    assert_null(strstr(spy.log, "the CRC of the programmed flash"));
    free_image(&im);
}

/* A unit the loader skips as erased that does not read erased (here, flash changed behind the
 * controller's back once the erase is done): the loader's CRC differs, the engine's own
 * verification names the address. */
static uint32_t poke_at;
static void poke_on_program(struct fixture *fx, const struct stflash_progress *p)
{
    if (p->phase == STFLASH_PHASE_PROGRAM && p->done == 0 && poke_at) {
        fx->sd.t.flash[poke_at - FLASH_BASE] = 0x5A;
        poke_at = 0;
    }
}

static void check_skipped_not_erased(struct fixture *fx, struct spy *spy, uint32_t gap,
                                     uint32_t gap_len, uint32_t poke, enum spoil spoil)
{
    struct sim_stats stats;
    spy_install(fx, spy, &stats);
    spy_reset(fx, spy, &stats);
    spy->spoil = spoil;
    prefill(fx, 62);
    const struct seg segs[] = {{0x08000800u, 0x1000, 621}};
    struct img im;
    make_gapped_image(fx, &im, segs, 1, gap, gap_len);
    poke_at = poke;
    fx->hook = poke_on_program;
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x%08x: read 0x5a, expected 0xff", poke);
    assert_error(fx, flash_write(&fx->f, &im.image, NULL), STFLASH_ERR_VERIFY, msg);
    fx->hook = NULL;
    assert_int_equal(poke_at, 0);
    assert_locked(fx);
    if (!strstr(spy->log, "0x08000800-0x080017ff: the CRC of the programmed flash is 0x"))
        fail_msg("log: %s", spy->log);
    /* The engine's verification ran: the routine over the run, then over its pages (or
     * reading back when it fails). */
    if (spoil == SPOIL_NONE)
        assert_int_equal(spy->crc_loads_late, 2);
    else
        assert_true(spy->flash_read >= 1);
    free_image(&im);
}

static void test_in_pass_skipped_not_erased(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    /* In the middle of the run, at the start of a span, at its very end. */
    check_skipped_not_erased(fx, &spy, 0x08000C10u, 0x40, 0x08000C21u, SPOIL_NONE);
    check_skipped_not_erased(fx, &spy, 0x08000800u, 0x10, 0x08000800u, SPOIL_NONE);
    check_skipped_not_erased(fx, &spy, 0x080016F8u, 0x100, 0x080017F7u, SPOIL_NONE);
    /* The CRC routine fails too: the range is read back to name the address. */
    check_skipped_not_erased(fx, &spy, 0x08000C10u, 0x40, 0x08000C3Eu, SPOIL_ANSWER);
}

/* A run whose end the image leaves erased (a page only partly covered, on a blank chip): that
 * tail is not sent to the loader, and the run is verified by the CRC routine afterwards. */
static void test_erased_tail_not_sent(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    uint64_t sent[2];
    const size_t lens[2] = {0x600, 0x800};
    for (unsigned k = 0; k < 2; k++) {
        memset(fx->sd.t.flash, 0xFF, fx->size);
        memset(fx->expect, 0xFF, fx->size);
        spy_reset(fx, &spy, &stats);
        const struct seg segs[] = {{0x08000000u, lens[k], 71}};
        struct img im;
        make_image(fx, &im, segs, 1);
        assert_int_equal(flash_write(&fx->f, &im.image, NULL), STFLASH_OK);
        assert_flash_as_expected(fx);
        sent[k] = spy.written;
        /* The 1.5 KiB image: its run (two pages) not all checked in the pass. */
        assert_int_equal(spy.crc_loads_late, k == 0 ? 1 : 0);
        free_image(&im);
    }
    /* The same two pages programmed both times; the erased half page was not sent. */
    assert_true(sent[1] >= sent[0] + 0x200 - 0x20);
}

/* A byte changed on its way into the loader's ring (a link error the probe did not see): the
 * loader programs it and reads back what it programmed, but its CRC is not the image's; the
 * engine's verification names the address. */
static void test_in_pass_ring_corrupted(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    prefill(fx, 63);
    const struct seg segs[] = {{0x08000000u, 0x3000, 631}};
    struct img im;
    make_image(fx, &im, segs, 1);
    spy.flip_sram = fx->f.sram_base + 0x700u; /* in the ring, past the loader and its block */
    int rc = flash_write(&fx->f, &im.image, NULL);
    assert_int_equal(spy.flip_sram, 0);
    uint32_t bad = 0;
    while (bad < 0x3000u && fx->sd.t.flash[bad] == fx->expect[bad])
        bad++;
    assert_true(bad < 0x3000u);
    char msg[128];
    snprintf(msg, sizeof msg, "verify failed at 0x%08x: read 0x%02x, expected 0x%02x",
             FLASH_BASE + bad, fx->sd.t.flash[bad], fx->expect[bad]);
    assert_error(fx, rc, STFLASH_ERR_VERIFY, msg);
    assert_int_equal(fx->sd.t.flash[bad] ^ fx->expect[bad], 0x01);
    assert_non_null(strstr(spy.log, "the CRC of the programmed flash is 0x"));
    assert_int_equal(spy.crc_loads_late, 2);
    free_image(&im);
}

/* verify_readback: the CRC routine runs after programming and the whole range is read back. */
static void test_write_verify_readback(void **state)
{
    struct fixture *fx = *state;
    struct spy spy;
    struct sim_stats stats;
    spy_install(fx, &spy, &stats);
    prefill(fx, 64);
    const struct seg segs[] = {{0x08000400u, 0x1800, 641}, {0x08004000u, 0x400, 642}};
    struct img im;
    make_image(fx, &im, segs, 2);
    const struct stflash_write_options opts = {.verify_readback = true};
    assert_int_equal(flash_write(&fx->f, &im.image, &opts), STFLASH_OK);
    assert_flash_as_expected(fx);
    check_phase_order(fx);
    assert_true(check_phase(fx, STFLASH_PHASE_VERIFY, 2u * (0x1800 + 0x400)) > 2);
    assert_int_equal(spy.crc_loads_late, 1);
    assert_int_equal(spy.flash_read, 0x1800 + 0x400);

    /* no_verify wins: nothing read back, no routine. */
    spy_reset(fx, &spy, &stats);
    const struct stflash_write_options none = {
        .verify_readback = true, .no_verify = true, .full = true};
    assert_int_equal(flash_write(&fx->f, &im.image, &none), STFLASH_OK);
    assert_int_equal(spy.flash_read, 0);
    assert_int_equal(spy.crc_loads, 0);
    assert_int_equal(check_phase(fx, STFLASH_PHASE_VERIFY, 0), 0);
    free_image(&im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_host),
        cmocka_unit_test_setup_teardown(test_crc_erased_zero, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_blank_check_every_position, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_erased_tail_not_sent, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_crc_on_target, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_crc_on_target, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_crc_on_target, setup_f100_small, teardown),
        cmocka_unit_test_setup_teardown(test_crc_preserves_target_state, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_crc_preserves_target_state, setup_f100_small,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_verify_by_crc, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_verify_by_crc, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_verify_by_crc, setup_f100_small, teardown),
        cmocka_unit_test_setup_teardown(test_verify_fallback_small_sram, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_verify_fallback_small_sram, setup_f100, teardown),
        cmocka_unit_test_setup_teardown(test_verify_fallback_routine_fails, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_verify_fallback_routine_fails, setup_f100_small,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_verified_in_pass, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_verified_in_pass, setup_f100_small, teardown),
        cmocka_unit_test_setup_teardown(test_in_pass_skipped_not_erased, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_in_pass_skipped_not_erased, setup_f100_small,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_in_pass_ring_corrupted, setup_f103, teardown),
        cmocka_unit_test_setup_teardown(test_write_verify_readback, setup_f103, teardown),
    };
    return cmocka_run_group_tests_name("flash_crc", tests, NULL, NULL);
}
