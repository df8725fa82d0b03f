/*
 * What the st-info and st-flash compatible front-ends share: the log line format of
 * stlink-tools 1.7.0, the values it prints for each chip, and opening the probe.
 */
#ifndef STFLASH_TOOLS_COMPAT_H
#define STFLASH_TOOLS_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

/* The stlink-tools release whose command line and output these front-ends reproduce. */
#define COMPAT_ST_VERSION "1.7.0"

/* stlink-tools exits with -1 on every failure. */
#define COMPAT_EXIT_FAIL 255

enum compat_level { CL_DEBUG, CL_INFO, CL_WARN, CL_ERROR };

/* "2021-01-01T12:00:00 INFO common.c: message" on stderr, as stlink-tools logs. */
void compat_log(enum compat_level level, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* What stlink-tools 1.7.0 knows of a DEV_ID: its description, page size and SRAM size. */
struct compat_chip {
    uint16_t dev_id;
    const char *descr;
    uint32_t page_size;
    uint32_t sram_size;
};

/* NULL for a DEV_ID stlink-tools 1.7.0 does not know. */
const struct compat_chip *compat_chip(uint16_t dev_id);

/* What st-info and st-flash show of a target. */
struct compat_target {
    bool ok;             /* the target answered */
    uint16_t chip_id;    /* DEV_ID, 0 when the target does not answer */
    const char *descr;   /* NULL: not known to stlink-tools */
    uint32_t flash_size; /* the flash-size register as is (0 when it reads 0) */
    uint32_t page_size;
    uint32_t sram_size;
    struct stflash_target_info info;
};

void compat_describe(struct stflash_dev *dev, struct compat_target *out);

/* The version as stlink-tools prints it: "V2J37S7". */
void compat_version(const struct stflash_probe_details *d, char *buf, size_t cap);

/* The session: library context (log lines in the stlink-tools format), selector. */
struct compat {
    struct stflash_ctx *ctx;
    bool debug;
    char selector[256];
    bool have_selector;
};

/* Creates the context; the probe comes from $STFLASH_PROBE and `serial` (either may be NULL).
 * Returns 0, or -1 after printing why. */
int compat_init(struct compat *c, const char *prog, const char *serial, bool debug);
void compat_done(struct compat *c);

/*
 * Opens the probe. On failure prints what stlink-tools prints (a warning when there is no
 * probe, an error naming the cause otherwise), plus the library's explanation, and returns the
 * library error code.
 */
int compat_open(struct compat *c, enum stflash_connect connect, uint32_t khz, uint32_t flash_size,
                bool halt, struct stflash_dev **out);

/* Logs the library's last error as an ERROR line. */
void compat_log_failure(struct compat *c, int rc);

/* Parses --freq values as stlink-tools does: kHz, or with a k or M suffix. -1 when invalid. */
int compat_parse_freq(const char *text, uint32_t *khz);

/* The MD5 of DATA into OUT. */
void compat_md5(const uint8_t *data, size_t len, uint8_t out[16]);

#endif
