/* Pacing the polls of a full loader ring (src/flash/loader_pace.h): how long the host sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "flash/loader_pace.h"

/* An F1 half-word: at most 70 us (DS5319 Table 28), so 35 us a byte at most. */
#define F1_UNIT_US 70u
#define MS 1000000u

static void test_before_any_progress_half_the_longest_time(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    /* 256 bytes at 17.5 us, three quarters of it. */
    assert_int_equal(loader_pace_delay_ns(&p, 256, 4096), 256u * 17500u * 3u / 4u);
}

static void test_the_rate_seen_sets_the_sleep(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    p.mark_ns = 5 * MS;
    /* 1000 bytes in 26.25 ms: the typical 52.5 us a half-word. */
    loader_pace_seen_at(&p, 1000, 5 * MS + 26250000u);
    assert_int_equal(p.ns_per_byte, 26250u);
    assert_int_equal(loader_pace_delay_ns(&p, 256, 4096), 256u * 26250u * 3u / 4u);
}

static void test_rates_outside_the_datasheet_are_bounded(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    /* The loader idle (a host pause): 10 bytes in a second would be 100 ms a byte. */
    loader_pace_seen_at(&p, 10, p.mark_ns + 1000 * MS);
    assert_int_equal(p.ns_per_byte, 35000u);
    /* Faster than a quarter of the longest time: not believed either. */
    loader_pace_seen_at(&p, 4010, p.mark_ns + 1 * MS);
    assert_int_equal(p.ns_per_byte, 35000u / 4u);
    /* No progress: the rate stays, the mark moves. */
    uint64_t t = p.mark_ns + 3 * MS;
    loader_pace_seen_at(&p, 4010, t);
    assert_int_equal(p.ns_per_byte, 35000u / 4u);
    assert_int_equal(p.mark_ns, t);
}

static void test_short_waits_are_polled(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    /* 16 bytes: 210 us, about a probe round trip. */
    assert_int_equal(loader_pace_delay_ns(&p, 16, 4096), 0);
    assert_int_equal(loader_pace_delay_ns(&p, 0, 4096), 0);
    /* No program time known: never sleeps. */
    loader_pace_start(&p, F1_UNIT_US, 0, 0);
    assert_int_equal(loader_pace_delay_ns(&p, 4096, 65536), 0);
}

static void test_the_ring_and_a_ceiling_bound_the_sleep(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    /* The ring holds 1024 bytes: a quarter of their quickest time, 2.24 ms. */
    assert_int_equal(loader_pace_delay_ns(&p, 4096, 1024), 1024u * 8750u / 4u);
    /* Little in the ring: too short to sleep. */
    assert_int_equal(loader_pace_delay_ns(&p, 4096, 100), 0);
    /* A large ring of a slow flash: at most 50 ms at once. */
    loader_pace_start(&p, 100000u, 16, 0);
    assert_int_equal(loader_pace_delay_ns(&p, 65536, 65536), 50u * MS);
}

static void test_the_finish_sleeps_half_of_what_is_left(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    uint64_t t = p.mark_ns + 26250000u;
    loader_pace_seen_at(&p, 1000, t);
    /* 4 KiB left at 26.25 us a byte: 107.5 ms, half of it right after rp moved. */
    uint64_t left = 4096u * 26250u;
    assert_int_equal(loader_pace_finish_ns(&p, 5096, t), left / 2u);
    /* rp still where it was after that sleep: half of the half left. */
    assert_int_equal(loader_pace_finish_ns(&p, 5096, t + left / 2u), left / 4u);
    /* Past the expected end (a slower flash than seen): short sleeps between polls. */
    assert_int_equal(loader_pace_finish_ns(&p, 5096, t + left), 400000u);
    assert_int_equal(loader_pace_finish_ns(&p, 5096, t + 2u * left), 400000u);
    /* At most half a second, however much is left. */
    assert_int_equal(loader_pace_finish_ns(&p, 65536, t), 500u * MS);
}

static void test_the_finish_follows_the_whole_jobs_rate(void **state)
{
    (void)state;
    struct loader_pace p;
    loader_pace_start(&p, F1_UNIT_US, 2, 0);
    /* rp seen at 1 KiB, then 9 KiB 270 ms later (27 ms a KiB over the job), the last look late:
     * the last interval alone would say more, the line through both says 27 ms a KiB. */
    uint64_t t0 = p.mark_ns + 27000000u;
    loader_pace_seen_at(&p, 1024, t0);
    loader_pace_seen_at(&p, 5120, t0 + 100000000u);
    loader_pace_seen_at(&p, 9216, t0 + 216000000u);
    /* 1 KiB left: the end at t0 + 243 ms, half of the 27 ms left. */
    uint64_t now = t0 + 216000000u;
    uint64_t got = loader_pace_finish_ns(&p, 10240, now);
    assert_true(got >= 13400000u && got <= 13600000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_before_any_progress_half_the_longest_time),
        cmocka_unit_test(test_the_rate_seen_sets_the_sleep),
        cmocka_unit_test(test_rates_outside_the_datasheet_are_bounded),
        cmocka_unit_test(test_short_waits_are_polled),
        cmocka_unit_test(test_the_ring_and_a_ceiling_bound_the_sleep),
        cmocka_unit_test(test_the_finish_sleeps_half_of_what_is_left),
        cmocka_unit_test(test_the_finish_follows_the_whole_jobs_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
