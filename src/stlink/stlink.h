/*
 * The ST-LINK protocol, client side: version and firmware gates, modes, target voltage, SWD
 * clock, memory and register access with every status checked. Uses the wire definitions of
 * stlink_proto.h over a transport. Internal.
 */
#ifndef STFLASH_STLINK_STLINK_H
#define STFLASH_STLINK_STLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/transport.h"

/* Feature gates derived from the firmware version (docs/stlink.md). */
enum stlink_feature {
    STLINK_F_VOLTAGE = 1u << 0,    /* V2 J13+ */
    STLINK_F_RW_STATUS2 = 1u << 1, /* V2 J15+ */
    STLINK_F_SWD_FREQ = 1u << 2,   /* V2 J22+ (V3: COM_FREQ) */
    STLINK_F_DAP_REG = 1u << 3,    /* V2 J24+ */
    STLINK_F_MEM16 = 1u << 4,      /* V2 J26+ */
    STLINK_F_INIT_AP = 1u << 5,    /* V2 J28+ */
    STLINK_F_V3_FREQ = 1u << 6,    /* V3 */
};

struct stlink {
    struct transport *tr;
    struct stflash_ctx *ctx;
    unsigned hw;   /* 1 (ST-LINK/V1), 2 or 3 */
    unsigned jtag; /* firmware J number */
    unsigned swim;
    unsigned msd;
    unsigned bridge; /* V3 bridge firmware, 0 on V2 */
    unsigned api;    /* 1 (ST-LINK/V1), 2 or 3 */
    uint16_t vid, pid;
    uint32_t features; /* enum stlink_feature */
    uint32_t swd_khz;
    size_t max_rw8;           /* 64 on V2, 512 on V3 */
    uint32_t wait_timeout_ms; /* how long WAIT answers are retried (stlink_init: 500) */
    uint8_t initial_mode;     /* enum stlink_mode the probe was in when opened */
};

/* Reads the version (GET_VERSION, GET_VERSION_EX on V3), after a USB reset of the probe and
 * once more when the first read fails or is garbled (the transport's reset), and leaves DFU
 * (one DFU_EXIT), debug or SWIM mode (logged at INFO). An ST-LINK/V1 speaks debug API v1
 * (stlink_v1.h); a V2 firmware older than J11 (API v1) is refused with a message naming the
 * update tool. */
int stlink_init(struct stlink *sl, struct transport *tr);

/* The firmware version as ST writes it: "V1J13S0", "V2J37S7", "V2J37M26", "V3J7M3B5S1". */
void stlink_version_string(const struct stlink *sl, char *out, size_t cap);

/* Target voltage in volts. STFLASH_ERR_UNSUPPORTED before J13. */
int stlink_target_voltage(struct stlink *sl, double *volts);

/* Sets the SWD clock to the fastest supported value not above khz; *actual gets it. */
int stlink_set_swd_khz(struct stlink *sl, uint32_t khz, uint32_t *actual);

/* Enters SWD debug mode. STFLASH_ERR_TARGET when the target does not answer. */
int stlink_enter_swd(struct stlink *sl);
int stlink_exit_debug(struct stlink *sl);
/* Leaves the mode the probe is in now (read with GET_CURRENT_MODE): DEBUG_EXIT only in debug
 * mode (STLINK-V3 firmware stops answering USB when it gets one elsewhere), SWIM exit in SWIM
 * mode, nothing otherwise. */
int stlink_leave(struct stlink *sl);
int stlink_current_mode(struct stlink *sl, uint8_t *mode);

int stlink_read_idcode(struct stlink *sl, uint32_t *idcode);

/* Memory access of any address, alignment and length: split at the 1 KiB TAR block, the 6144
 * byte limit (and the transport's data limit), and into 8-bit transfers for unaligned edges (a
 * lone aligned halfword is one 16-bit transfer from J26 on: F1 flash and 16-bit registers need it);
 * each piece's status is read back (GETLASTRWSTATUS2), WAIT is retried with back-off up to a
 * deadline, a fault is reported with its address: STFLASH_ERR_TARGET, message "cannot read memory
 * at 0x...: fault". */
/* `buf` is written only when the whole read succeeded. */
int stlink_read_mem(struct stlink *sl, uint32_t addr, uint8_t *buf, size_t len);
int stlink_write_mem(struct stlink *sl, uint32_t addr, const uint8_t *buf, size_t len);

/* One aligned 32-bit word through the debug-register commands (READDEBUGREG / WRITEDEBUGREG,
 * debug API v2 and later): one exchange whose reply carries the access's status, where a memory
 * command needs a GETLASTRWSTATUS after it. WAIT, a lost link and faults as for memory access.
 * Debug API v1 reads through a memory command and writes with its own WRITEDEBUGREG. */
int stlink_read_debug32(struct stlink *sl, uint32_t addr, uint32_t *val);
int stlink_write_debug32(struct stlink *sl, uint32_t addr, uint32_t val);

/* Core registers by DCRSR number (see stflash.h). */
int stlink_read_reg(struct stlink *sl, unsigned regsel, uint32_t *val);
int stlink_write_reg(struct stlink *sl, unsigned regsel, uint32_t val);

/* NRST: STLINK_NRST_LOW / HIGH / PULSE. */
int stlink_drive_nrst(struct stlink *sl, int level);

/* Core system reset through the probe (RESETSYS: AIRCR SYSRESETREQ). */
int stlink_reset_sys(struct stlink *sl);

/* DP/AP registers (J24+): port 0xFFFF is the DP. STFLASH_ERR_UNSUPPORTED on older firmware. */
int stlink_read_dap(struct stlink *sl, uint16_t port, uint16_t addr, uint32_t *val);
int stlink_write_dap(struct stlink *sl, uint16_t port, uint16_t addr, uint32_t val);

#endif
