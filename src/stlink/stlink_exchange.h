/*
 * The ST-LINK client's exchanges and status checks, shared by its files (stlink.c: version,
 * modes, clock, SWD entry; stlink_mem.c: memory and register access). Not for the layers above,
 * which use stlink.h. Internal.
 */
#ifndef STFLASH_STLINK_EXCHANGE_H
#define STFLASH_STLINK_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"

/* First back-off after a WAIT answer; it doubles on each retry up to a bound. */
#define STLINK_BACKOFF_FIRST_MS 1u

/* Monotonic milliseconds, for deadlines. */
uint64_t stlink_now_ms(void);

/* Sleeps the back-off, bounded by the deadline, and doubles it. False once the deadline passed. */
bool stlink_back_off(uint64_t deadline, unsigned *backoff_ms);

/* A command block of bytes b0, b1 and zeros. */
void stlink_cmd_init(uint8_t cmd[STLINK_CMD_SIZE], uint8_t b0, uint8_t b1);

/* Sends a command block with its data phase and receives its reply. The lengths come from
 * stlink_cmd_phase(): `in` must hold `in_cap` bytes at least the reply length. Transport
 * failures are returned with the transport's message. */
int stlink_exchange(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], const uint8_t *out,
                    size_t out_len, uint8_t *in, size_t in_cap);

/* Wraps a transport failure with what was being done (the transport's message is kept). */
int stlink_wrap_fail(struct stlink *sl, int err, const char *what);

/* The SWD link was lost (the firmware dropped it after line errors). */
bool stlink_status_is_link(uint8_t st);

/* The error an unsuccessful status maps to. */
int stlink_status_error(uint8_t st);

/* Records "WHAT: REASON (IDENT)" for an unsuccessful status and returns its error. */
int stlink_fail_status(struct stlink *sl, uint8_t st, const char *what);

/* A command whose reply starts with a status byte: WAIT is retried with back-off until the
 * deadline (sl->wait_timeout_ms); *status gets the last status (still WAIT when the deadline
 * passed). */
int stlink_status_cmd(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], uint8_t *rep,
                      size_t rep_cap, uint8_t *status);

/* stlink_status_cmd, then an unsuccessful status becomes an error naming `what`. */
int stlink_checked_cmd(struct stlink *sl, const uint8_t cmd[STLINK_CMD_SIZE], uint8_t *rep,
                       size_t rep_cap, const char *what);

#endif
