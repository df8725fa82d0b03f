/*
 * Pacing the polls of a full loader ring (flash/loader.c). While the ring is too full for the next
 * chunk the host waits for the loader to program some of it; polling the loader's read index
 * back to back costs one probe round trip each and keeps the host busy for nothing. Instead the
 * host sleeps most of the time the flash needs for the room it waits for, at the rate seen so far
 * (bounded by the datasheet's longest program time), and polls from then on. The ring still
 * holds far more than the loader programs meanwhile, so it never runs dry for the sleep.
 */
#ifndef STFLASH_FLASH_LOADER_PACE_H
#define STFLASH_FLASH_LOADER_PACE_H

#include <stdint.h>

struct loader_pace {
    uint64_t mark_ns;     /* when rp was last seen to advance */
    uint32_t mark_rp;     /* its value then */
    uint64_t ns_per_byte; /* the programming rate seen, within the bounds below */
    uint64_t min_ns_per_byte, max_ns_per_byte;
    uint64_t first_ns; /* when rp was first seen to advance (0: not yet) */
    uint32_t first_rp; /* its value then */
};

/* unit_us: the longest time one program unit of `unit` bytes takes (datasheet); rp: the bytes
 * programmed so far. */
void loader_pace_start(struct loader_pace *p, uint32_t unit_us, uint32_t unit, uint32_t rp);

/* The loader's read index advanced to rp, now_ns later on CLOCK_MONOTONIC than the last mark. */
void loader_pace_seen_at(struct loader_pace *p, uint32_t rp, uint64_t now_ns);
void loader_pace_seen(struct loader_pace *p, uint32_t rp);

/* How long loader_pace_wait sleeps, in nanoseconds (0: not at all). */
uint64_t loader_pace_delay_ns(const struct loader_pace *p, uint32_t need, uint32_t in_ring);

/* Once everything is in the ring, between the polls for the job's end (nothing is fed
 * meanwhile, so no ring runs dry): sleeps half of what is left of the time the loader needs for
 * the job's `len` bytes, on the line through the first and the last advance of rp seen, so that
 * each look that finds rp where it was is followed by a shorter sleep; PACE_MIN between looks
 * once that time is up, so that a slower flash than seen is polled, not spun on.
 * loader_pace_finish_ns says how long, at `now`. */
void loader_pace_finish(const struct loader_pace *p, uint32_t len);
uint64_t loader_pace_finish_ns(const struct loader_pace *p, uint32_t len, uint64_t now);

/* Sleeps part of the time the loader needs to program `need` more bytes, never more than a
 * quarter of what the `in_ring` bytes it holds take; nothing for waits too short to matter. */
void loader_pace_wait(const struct loader_pace *p, uint32_t need, uint32_t in_ring);

#endif
