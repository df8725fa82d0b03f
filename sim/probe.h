/*
 * The simulated ST-LINK probe: a model of the probe firmware that decodes the command blocks of
 * src/stlink/stlink_proto.h and acts on the simulated target, charging every command's USB and
 * SWD time to the virtual clock.
 */
#ifndef STFLASH_SIM_PROBE_H
#define STFLASH_SIM_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libusb/usb_events.h"
#include "target.h"

enum sim_probe_kind {
    SIM_PROBE_V2,   /* ST-LINK/V2, 0483:3748, firmware V2J37S7 */
    SIM_PROBE_V2_1, /* ST-LINK/V2-1, 0483:374b, firmware V2J37M26 */
    SIM_PROBE_V3,   /* STLINK-V3SET, 0483:374f, firmware V3J7M3 */
    SIM_PROBE_V1,   /* ST-LINK/V1 (STM32VLDiscovery), 0483:3744, firmware V1J13S0: debug API v2
                     * from J11, API v1 before (sim/probe_v1.c) */
};

/* The largest stale reply the IN endpoint holds. */
#define SIM_PROBE_STALE_MAX 63u

struct sim_probe_config {
    enum sim_probe_kind kind;
    /* Firmware version; 0: the kind's default (V2J37, V2J37M26, V3J7). Each version has exactly
     * the commands its J number brings (sim/probe.c, fw_has). */
    uint8_t fw_jtag;
    /* Every third core or debug register write answers 0x0D (write-verify error) though it
     * worked, as some firmware does. */
    bool spurious_0d;
    /* After every 8 memory commands, the next wait_burst ones answer WAIT, transferring
     * nothing. 0: only when the target itself stalls. */
    unsigned wait_burst;
    /* The IN endpoint holds the reply of a command whose client died before reading it. */
    bool stale_reply;
    uint8_t serial[32]; /* as the USB string descriptor carries it: ASCII or 12 raw bytes */
    size_t serial_len;
    uint8_t start_mode; /* enum stlink_mode at power-up */
};

struct sim_probe {
    struct sim_probe_config cfg;
    struct sim_target *target;
    uint8_t mode;
    uint32_t swd_khz;
    uint8_t last_rw_status;
    uint32_t last_rw_fault;
    uint64_t swd_transfers; /* of the command being executed */
    /* Results of the last RW_MISC_OUT batch, answered by RW_MISC_IN: a value, then a status,
     * per item. */
    uint32_t rw_misc_items;
    uint8_t rw_misc_reply[8u * 1227u];
    FILE *trace; /* every command decoded, for diagnosing clients; or NULL */
    /* V3 firmware that got DEBUG_EXIT outside debug mode answers nothing until a USB reset. */
    bool hung;
    unsigned reg_writes;   /* counts register writes, for spurious_0d */
    unsigned mem_commands; /* counts memory commands, for wait_burst */
    unsigned waits_left;   /* WAIT answers still due in the current burst */
    /* Replies still in the IN endpoint: each command's reply queues behind them (the client
     * reads old data) until a bulk IN read without a command drains them. */
    uint8_t in_fifo[SIM_PROBE_STALE_MAX];
    size_t in_fifo_len;
    /* ST-LINK/V1: the last command failed (its status wrapper says so; sim/probe_v1.c), and
     * the length of its reply: the firmware sends what the command answers, whatever the
     * command block wrapper announced. */
    bool v1_failed;
    size_t v1_reply_len;
};

void sim_probe_init(struct sim_probe *p, const struct sim_probe_config *cfg,
                    struct sim_target *target);

uint16_t sim_probe_pid(const struct sim_probe *p);
int sim_probe_version_major(const struct sim_probe *p);

/* The serial as tools print it: ASCII as is, a 12-byte binary serial as 24 hex digits. */
void sim_probe_serial_text(const struct sim_probe *p, char *out, size_t cap);

/*
 * Executes one command block with its data OUT phase (`out`, `out_len`), writes the reply into
 * `reply` (at most `cap` bytes) and returns the reply length (0 for commands without reply).
 */
size_t sim_probe_command(struct sim_probe *p, const uint8_t cmd[16], const uint8_t *out,
                         size_t out_len, uint8_t *reply, size_t cap);

/* ST-LINK/V1 firmware (sim/probe_v1.c): a DEBUG command of API v1, with p->v1_failed set when
 * its status wrapper reports a failure; the reply's length. */
size_t sim_probe_v1_debug(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out,
                          size_t out_len, uint8_t *reply, size_t cap);

#endif
