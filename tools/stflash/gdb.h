/* The GDB remote server of `stflash gdbserver`: packet framing, the commands, hardware
 * breakpoints (FPB) and flash loading. Uses only the public library API. */
#ifndef STFLASH_TOOLS_GDB_H
#define STFLASH_TOOLS_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stflash/stflash.h"

/* Largest packet payload accepted and announced in qSupported (PacketSize). */
#define GDB_PACKET_MAX 0x4000

/* ---- one client connection (gdb_packet.c) ---- */

/* A packet must arrive whole within this time once its '$' is read. */
#define GDB_PACKET_DEADLINE_MS 10000u

struct gdb_conn {
    int fd;
    bool no_ack; /* after QStartNoAckMode */
    uint8_t in[4096];
    size_t in_len, in_pos;
    unsigned long bad_packets;  /* refused with a NAK (bad checksum, too long) */
    bool timed_out_in_packet;   /* the last GDB_READ_CLOSED was a packet left unfinished */
};

/* Monotonic milliseconds. */
uint64_t now_ms(void);

enum {
    GDB_READ_PACKET = 0,    /* a packet was read */
    GDB_READ_INTERRUPT = 1, /* a Ctrl-C (0x03) byte outside a packet */
    GDB_READ_TIMEOUT = 2,
    GDB_READ_CLOSED = -1, /* the client closed the connection, or an I/O error */
};

/* Reads one packet (escapes undone, NUL appended after len bytes) or a Ctrl-C. timeout_ms < 0
 * waits without limit; 0 returns GDB_READ_TIMEOUT when nothing is waiting. */
int gdb_read(struct gdb_conn *c, char *buf, size_t cap, size_t *len, int timeout_ms);
/* Sends a packet, waiting for its acknowledgement unless in no-ack mode. 0 or -1. */
int gdb_send(struct gdb_conn *c, const char *data, size_t len);
int gdb_send_str(struct gdb_conn *c, const char *s);

/* Hex helpers. */
void gdb_hex_encode(char *out, const uint8_t *in, size_t len);
/* Decodes 2 * len hex digits; false on a bad digit. */
bool gdb_hex_decode(uint8_t *out, const char *in, size_t len);
/* Parses a hex number ending at a character of `ends` (or the end); *next after it. */
bool gdb_parse_hex(const char *s, const char *ends, uint32_t *val, const char **next);

/* ---- hardware breakpoints through the Flash Patch and Breakpoint unit (gdb_bkpt.c) ---- */

#define GDB_FPB_MAX 16

struct gdb_bkpts {
    unsigned count; /* code comparators the FPB has */
    bool used[GDB_FPB_MAX];
    uint32_t addr[GDB_FPB_MAX];
    bool v2;        /* FPB version 2 (FP_CTRL.REV 1: Cortex-M7, M33): FP_COMPn = address | BE */
};

/* Reads how many comparators there are and clears them. */
int gdb_bkpt_init(struct stflash_dev *dev, struct gdb_bkpts *b);
/* 0, STFLASH_ERR_* from the probe, or -1 when every comparator is used / the address is not
 * in the code region. */
int gdb_bkpt_insert(struct stflash_dev *dev, struct gdb_bkpts *b, uint32_t addr);
int gdb_bkpt_remove(struct stflash_dev *dev, struct gdb_bkpts *b, uint32_t addr);
/* Removes every breakpoint and disables the FPB. */
void gdb_bkpt_clear(struct stflash_dev *dev, struct gdb_bkpts *b);

/* ---- flash loading (gdb_flash.c) ---- */

struct gdb_flash_range {
    uint32_t addr;
    uint32_t len;
    uint8_t *data; /* 0xff where gdb wrote nothing */
};

struct gdb_flash {
    struct gdb_flash_range *ranges;
    size_t count;
};

/* The qXfer:memory-map:read document of the target. */
int gdb_memory_map(const struct stflash_target_info *ti, char *out, size_t cap);
/* vFlashErase: records a range (rounded out to pages). 0, or -1 when out of memory / range. */
int gdb_flash_erase(struct gdb_flash *f, const struct stflash_target_info *ti, uint32_t addr,
                    uint32_t len);
/* vFlashWrite: data into an erased range. -1 when outside every erased range. */
int gdb_flash_write(struct gdb_flash *f, uint32_t addr, const uint8_t *data, size_t len);
/* vFlashDone: programs the collected ranges (stflash_write_image), then forgets them. */
int gdb_flash_done(struct gdb_flash *f, struct stflash_dev *dev);
void gdb_flash_reset(struct gdb_flash *f);

/* ---- the server (gdb_server.c) ---- */

/* Connections refused while a client is served, kept until they have read the refusal. */
#define GDB_REFUSED_MAX 4

/* A new client must send its first packet within this time. */
#define GDB_FIRST_PACKET_MS 10000u

struct gdb_server {
    struct stflash_dev *dev;
    const struct stflash_ctx *ctx; /* of dev: its last error explains failures in the log */
    struct stflash_target_info info;
    struct gdb_bkpts bkpts;
    struct gdb_flash flash;
    volatile int *stop;       /* set by a signal: end the session */
    int listen_fd;            /* -1 when none: other clients are told the server is busy */
    unsigned idle_timeout_ms; /* a client silent (and halted) this long is dropped; 0: never */
    FILE *log;                /* where the server says what happened (NULL: nowhere) */
    struct gdb_refused {
        int fd;
        uint64_t until; /* closed then at the latest (now_ms) */
    } refused[GDB_REFUSED_MAX];
    size_t refused_count;
};

/* Tells any client waiting on listen_fd that the server is busy, and closes the refused
 * connections that have read it (gdb_busy.c). Never blocks. */
void gdb_busy_poll(struct gdb_server *s);
/* Closes every refused connection. */
void gdb_busy_close_all(struct gdb_server *s);

/* Answers the q, Q and v packets other than vCont and vKill (gdb_query.c). -1 when the
 * connection is lost. */
int gdb_query(struct gdb_server *s, struct gdb_conn *c, char *pkt, size_t len);

/* Serves one client on fd until it detaches, disconnects, stays silent past the idle timeout
 * or leaves a packet unfinished. Halts the target first. Returns 0, or a library error code
 * when the target stopped answering. */
int gdb_serve(struct gdb_server *s, int fd);

#endif
