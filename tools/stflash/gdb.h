/* The GDB remote server of `stflash gdbserver`: packet framing, the commands, hardware
 * breakpoints (FPB) and flash loading. Uses only the public library API. */
#ifndef STFLASH_TOOLS_GDB_H
#define STFLASH_TOOLS_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stflash/debug.h"
#include "stflash/semihost.h"
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
    unsigned long bad_packets; /* refused with a NAK (bad checksum, too long) */
    bool timed_out_in_packet;  /* the last GDB_READ_CLOSED was a packet left unfinished */
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

/* ---- the registers of the core (gdb_regs.c) ---- */

#define GDB_REGS_MAX 64
#define GDB_G_REGS 17 /* r0-r15, xpsr: what g and G carry; the others go by p and P */

enum gdb_reg_how {
    GDB_REG_DIRECT,  /* one DCRSR selector */
    GDB_REG_SPECIAL, /* byte `byte` of selector sel: 20, or ARMv8-M 0x22 (Secure) and 0x23
                        (Non-secure), each PRIMASK 0, BASEPRI 1, FAULTMASK 2, CONTROL 3 */
    GDB_REG_DOUBLE,  /* selectors sel (low word) and sel + 1 (high word) */
};

struct gdb_reg {
    const char *name;
    unsigned bits;
    enum gdb_reg_how how;
    unsigned sel;
    unsigned byte;       /* GDB_REG_SPECIAL: which byte of the selector's word */
    const char *type;    /* gdb's type name */
    const char *feature; /* the target-description feature it belongs to */
};

struct gdb_core {
    const char *name; /* "Cortex-M4", ... */
    bool v6m;         /* ARMv6-M: no BASEPRI, no FAULTMASK, DWT without CYCCNT */
    bool fpu;         /* floating-point registers */
    struct gdb_reg regs[GDB_REGS_MAX];
    unsigned nregs; /* gdb's register numbers are the indexes */
    char xml[8192]; /* the target description */
    size_t xml_len;
};

/* Reads CPUID and MVFR0 and lays out the registers and the target description. */
int gdb_core_detect(struct stflash_dev *dev, struct gdb_core *k);
/* Writes k->xml from k->regs; -1 when it does not fit. */
int gdb_core_describe(struct gdb_core *k);
/* Register regnum as gdb wants it: 2 * bits / 8 hex digits (NUL-terminated) into hex. */
int gdb_reg_read(struct stflash_dev *dev, const struct gdb_core *k, unsigned regnum, char *hex);
/* From len hex digits, exactly the register's size. */
int gdb_reg_write(struct stflash_dev *dev, const struct gdb_core *k, unsigned regnum,
                  const char *hex, size_t len);

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

/* The qXfer:memory-map:read document of the target: the flash as its erase map lays it out
 * (one region per run of equal erase units, with their size as blocksize), SRAM, system memory.
 * Length written, or -1 when it does not fit. */
int gdb_memory_map(struct stflash_dev *dev, const struct stflash_target_info *ti, char *out,
                   size_t cap);
/* vFlashErase: records a range (rounded out to erase units). 0, or -1 when out of memory or
 * outside the flash. */
int gdb_flash_erase(struct gdb_flash *f, struct stflash_dev *dev,
                    const struct stflash_target_info *ti, uint32_t addr, uint32_t len);
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
    struct stflash_hwbreak hw; /* breakpoints and watchpoints set for gdb */
    struct stflash_swbreak sw; /* software breakpoints in RAM set for gdb */
    struct gdb_core core;      /* of the connected target, read when a client connects */
    char *memory_map;          /* qXfer:memory-map document, made at the first request */
    size_t memory_map_len;
    struct gdb_flash flash;
    volatile int *stop;       /* set by a signal: end the session */
    int listen_fd;            /* -1 when none: other clients are told the server is busy */
    unsigned idle_timeout_ms; /* a client silent (and halted) this long is dropped; 0: never */
    bool reset_on_connect;    /* reset (and halt) the target when a client connects */
    FILE *log;                /* where the server says what happened (NULL: nowhere) */
    struct gdb_refused {
        int fd;
        uint64_t until; /* closed then at the latest (now_ms) */
    } refused[GDB_REFUSED_MAX];
    size_t refused_count;
    struct stflash_semihost *semihost; /* NULL: semihosting not available */
    bool semihosting;                  /* served (monitor semihosting on|off) */
    bool semihost_to_stdout;           /* the program's console to stdout, not gdb's console */
    struct gdb_conn *semihost_conn;    /* gdb, while a call is served during a continue */
    bool semihost_conn_lost;
    unsigned rtt_port;   /* --rtt-port: where `monitor rtt start` serves up channel 0 (0: any) */
    struct gdb_rtt *rtt; /* RTT state (gdb_rtt.c), NULL until `monitor rtt` */
};

/* Tells any client waiting on listen_fd that the server is busy, and closes the refused
 * connections that have read it (gdb_busy.c). Never blocks. */
void gdb_busy_poll(struct gdb_server *s);
/* Closes every refused connection. */
void gdb_busy_close_all(struct gdb_server *s);

/* Answers the q, Q and v packets other than vCont and vKill (gdb_query.c). -1 when the
 * connection is lost. */
int gdb_query(struct gdb_server *s, struct gdb_conn *c, char *pkt, size_t len);

/* qRcmd (gdb's `monitor`): hex is the command, hex encoded; its output goes out as O packets,
 * then the final reply, OK or E01 (gdb_monitor.c). -1 when the connection is lost. */
int gdb_monitor(struct gdb_server *s, struct gdb_conn *c, const char *hex);

/* Serves one client on fd until it detaches, disconnects, stays silent past the idle timeout
 * or leaves a packet unfinished. Halts the target first. Returns 0, or a library error code
 * when the target stopped answering. */
int gdb_serve(struct gdb_server *s, int fd);

/* ---- semihosting (gdb_semihost.c) ---- */

enum {
    GDB_SEMIHOST_RESUMED = 0, /* a call was served and the core runs on */
    GDB_SEMIHOST_STOP = 1,    /* not a call, not served, or served in a step: the stop reply */
    GDB_SEMIHOST_EXITED = 2,  /* the program exited: send W */
    GDB_SEMIHOST_ERROR = -1,  /* the target failed to run on */
    GDB_SEMIHOST_LOST = -2,   /* gdb's connection failed */
};

/* Creates s->semihost (files confined to dir, NULL: refused; dir_hint says how to give one),
 * served from now when on. A library error code. */
int gdb_semihost_setup(struct gdb_server *s, struct stflash_ctx *ctx, const char *dir,
                       const char *dir_hint, bool on);
/* After a halt while gdb continues (resume: the core runs on after the call) or steps (it
 * stays halted past the BKPT): serves the call the core halted on, console output to gdb
 * through c. *exit_status set for GDB_SEMIHOST_EXITED. */
int gdb_semihost_halted(struct gdb_server *s, struct gdb_conn *c, bool resume, int *exit_status);
/* ---- RTT (gdb_rtt.c) ---- */

/* `monitor rtt ACTION [ARG]`: start [ADDR], stop, channels. Text for the gdb console in text;
 * 0, or -1 when the command failed (text says why). */
int gdb_rtt_command(struct gdb_server *s, const char *action, const char *arg, char *text,
                    size_t cap);
/* Moves bytes between the target's RTT rings and the RTT client; called whenever the server
 * polls. */
void gdb_rtt_poll(struct gdb_server *s);
/* Closes the RTT port and frees the state. */
void gdb_rtt_release(struct gdb_server *s);

#endif
