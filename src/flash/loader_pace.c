/* Pacing the polls of a full loader ring (flash/loader_pace.h). */
#include <time.h>

#include "flash/loader_pace.h"

/* Waits shorter than this are left to polling: a probe round trip is about as long. */
#define PACE_MIN_NS 400000u
/* Longest single sleep: a loader that stopped is still noticed soon (its deadline is longer). */
#define PACE_MAX_NS 50000000u
/* Longest sleep before the end of a job: a loader that failed early is noticed at most this late.
 */
#define DRAIN_MAX_NS 500000000u

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u),
                          .tv_nsec = (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL);
}

void loader_pace_start(struct loader_pace *p, uint32_t unit_us, uint32_t unit, uint32_t rp)
{
    uint64_t max = unit ? (uint64_t)unit_us * 1000u / unit : 0;
    /* Typical program times are about three quarters of the longest (F1: 52.5 of 70 us, DS5319
     * Table 28); until a rate is seen, half the longest is assumed, which undersleeps. */
    *p = (struct loader_pace){.mark_ns = now_ns(),
                              .mark_rp = rp,
                              .ns_per_byte = max / 2u,
                              .min_ns_per_byte = max / 4u,
                              .max_ns_per_byte = max};
}

void loader_pace_seen(struct loader_pace *p, uint32_t rp)
{
    loader_pace_seen_at(p, rp, now_ns());
}

void loader_pace_seen_at(struct loader_pace *p, uint32_t rp, uint64_t t)
{
    if (rp > p->mark_rp) {
        uint64_t rate = (t - p->mark_ns) / (rp - p->mark_rp);
        if (rate < p->min_ns_per_byte)
            rate = p->min_ns_per_byte;
        if (rate > p->max_ns_per_byte)
            rate = p->max_ns_per_byte;
        p->ns_per_byte = rate;
        if (!p->first_ns) {
            p->first_ns = t;
            p->first_rp = rp;
        }
    }
    p->mark_ns = t;
    p->mark_rp = rp;
}

uint64_t loader_pace_delay_ns(const struct loader_pace *p, uint32_t need, uint32_t in_ring)
{
    /* Three quarters of the expected time: the rest is polled, so a faster flash than seen
     * costs a poll or two, never an idle loader. */
    uint64_t ns = (uint64_t)need * p->ns_per_byte * 3u / 4u;
    uint64_t ring_ns = (uint64_t)in_ring * p->min_ns_per_byte / 4u;
    if (ns > ring_ns)
        ns = ring_ns;
    if (ns > PACE_MAX_NS)
        ns = PACE_MAX_NS;
    return ns < PACE_MIN_NS ? 0 : ns;
}

void loader_pace_wait(const struct loader_pace *p, uint32_t need, uint32_t in_ring)
{
    uint64_t ns = loader_pace_delay_ns(p, need, in_ring);
    if (ns)
        sleep_ns(ns);
}

/* When the loader will be done: on the line through the first and the last advance seen once
 * they are apart (each is seen up to a poll late, which the whole job's span makes small), else
 * from the last at the rate seen. */
static uint64_t expected_end_ns(const struct loader_pace *p, uint32_t len)
{
    if (p->first_ns && p->mark_rp > p->first_rp && p->mark_ns > p->first_ns && len > p->first_rp) {
        double rate = (double)(p->mark_ns - p->first_ns) / (double)(p->mark_rp - p->first_rp);
        return p->first_ns + (uint64_t)(rate * (double)(len - p->first_rp));
    }
    return p->mark_ns + (uint64_t)(len > p->mark_rp ? len - p->mark_rp : 0) * p->ns_per_byte;
}

uint64_t loader_pace_finish_ns(const struct loader_pace *p, uint32_t len, uint64_t now)
{
    uint64_t end = expected_end_ns(p, len);
    uint64_t ns = end > now ? (end - now) / 2u : 0;
    if (ns > DRAIN_MAX_NS)
        ns = DRAIN_MAX_NS;
    return ns < PACE_MIN_NS ? PACE_MIN_NS : ns;
}

void loader_pace_finish(const struct loader_pace *p, uint32_t len)
{
    sleep_ns(loader_pace_finish_ns(p, len, now_ns()));
}
