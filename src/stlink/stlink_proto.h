/*
 * The ST-LINK USB command set (V2, V2-1, V3): the one definition of the wire format, shared by the
 * client and by the simulated probe. Every command is a 16-byte block sent on the bulk OUT
 * endpoint, optionally followed by a data OUT phase, then an IN phase carrying the reply.
 * Multi-byte fields are little-endian except the GET_VERSION word.
 */
#ifndef STFLASH_STLINK_PROTO_H
#define STFLASH_STLINK_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define STLINK_VID 0x0483u
#define STLINK_PID_V1 0x3744u
#define STLINK_PID_V2 0x3748u
#define STLINK_PID_V2_AUDIO 0x374au
#define STLINK_PID_V2_1 0x374bu
#define STLINK_PID_V2_1_NOMSD 0x3752u
#define STLINK_PID_V3_DFU 0x374du
#define STLINK_PID_V3E 0x374eu
#define STLINK_PID_V3S 0x374fu
#define STLINK_PID_V3_2VCP 0x3753u
#define STLINK_PID_V3_NOMSD 0x3754u
#define STLINK_PID_V3PWR 0x3757u

#define STLINK_CMD_SIZE 16
/* Largest data phase of a 16/32-bit memory command stflash sends: reads above it fail on V2
 * firmware, so both directions stay within it. */
#define STLINK_MAX_RW32 6144u
/* Largest 16/32-bit memory write the probe firmware takes in one command: clients hand their
 * flash loaders 32 KiB of data in one write on real probes (docs/virtual-board.md, "Probe"). */
#define STLINK_MAX_WRITE32 32768u
/* Largest 8-bit memory transfer: V2/V2-1, and V3 (from firmware J6 on). */
#define STLINK_V2_MAX_RW8 64u
#define STLINK_V3_MAX_RW8 512u
/* The MEM-AP TAR auto-increments only within a 1 KiB block: transfers must not cross one. */
#define STLINK_TAR_BLOCK 1024u

/* Byte 0 of a command block. */
enum stlink_cmd {
    STLINK_CMD_GET_VERSION = 0xF1,
    STLINK_CMD_DEBUG = 0xF2,
    STLINK_CMD_DFU = 0xF3,
    STLINK_CMD_SWIM = 0xF4,
    STLINK_CMD_GET_CURRENT_MODE = 0xF5,
    STLINK_CMD_GET_TARGET_VOLTAGE = 0xF7,
    STLINK_CMD_GET_VERSION_EX = 0xFB,
};

/* Byte 1 of a DFU command. */
enum stlink_dfu_cmd {
    STLINK_DFU_EXIT = 0x07,
};

/* Byte 1 of a SWIM command (only what a probe in SWIM mode needs to leave it). */
enum stlink_swim_cmd {
    STLINK_SWIM_ENTER = 0x00,
    STLINK_SWIM_EXIT = 0x01,
};

/* Byte 1 of a DEBUG command. The APIV1 codes are those of ST-LINK/V1 (stlink_v1.h). */
enum stlink_debug_cmd {
    STLINK_DEBUG_APIV1_GETSTATUS = 0x01,
    STLINK_DEBUG_APIV1_FORCEDEBUG = 0x02,
    STLINK_DEBUG_APIV1_RESETSYS = 0x03,
    STLINK_DEBUG_APIV1_READALLREGS = 0x04,
    STLINK_DEBUG_APIV1_READREG = 0x05,
    STLINK_DEBUG_APIV1_WRITEREG = 0x06,
    STLINK_DEBUG_READMEM_32BIT = 0x07,
    STLINK_DEBUG_WRITEMEM_32BIT = 0x08,
    STLINK_DEBUG_APIV1_RUNCORE = 0x09,
    STLINK_DEBUG_APIV1_STEPCORE = 0x0A,
    STLINK_DEBUG_READMEM_8BIT = 0x0C,
    STLINK_DEBUG_WRITEMEM_8BIT = 0x0D,
    STLINK_DEBUG_APIV1_ENTER = 0x20,
    STLINK_DEBUG_EXIT = 0x21,
    STLINK_DEBUG_READCOREID = 0x22,
    STLINK_DEBUG_APIV2_ENTER = 0x30,
    STLINK_DEBUG_APIV2_READ_IDCODES = 0x31,
    STLINK_DEBUG_APIV2_RESETSYS = 0x32,
    STLINK_DEBUG_APIV2_READREG = 0x33,
    STLINK_DEBUG_APIV2_WRITEREG = 0x34,
    STLINK_DEBUG_APIV2_WRITEDEBUGREG = 0x35,
    STLINK_DEBUG_APIV2_READDEBUGREG = 0x36,
    STLINK_DEBUG_APIV2_READALLREGS = 0x3A,
    STLINK_DEBUG_APIV2_GETLASTRWSTATUS = 0x3B,
    STLINK_DEBUG_APIV2_DRIVE_NRST = 0x3C,
    STLINK_DEBUG_APIV2_GETLASTRWSTATUS2 = 0x3E,
    STLINK_DEBUG_APIV2_START_TRACE_RX = 0x40,
    STLINK_DEBUG_APIV2_STOP_TRACE_RX = 0x41,
    STLINK_DEBUG_APIV2_GET_TRACE_NB = 0x42,
    STLINK_DEBUG_APIV2_SWD_SET_FREQ = 0x43,
    STLINK_DEBUG_APIV2_JTAG_SET_FREQ = 0x44,
    STLINK_DEBUG_APIV2_READ_DAP_REG = 0x45,
    STLINK_DEBUG_APIV2_WRITE_DAP_REG = 0x46,
    STLINK_DEBUG_APIV2_READMEM_16BIT = 0x47,
    STLINK_DEBUG_APIV2_WRITEMEM_16BIT = 0x48,
    STLINK_DEBUG_APIV2_INIT_AP = 0x4B,
    STLINK_DEBUG_APIV2_CLOSE_AP_DBG = 0x4C,
    STLINK_DEBUG_WRITEMEM_32BIT_NO_ADDR_INC = 0x50,
    STLINK_DEBUG_APIV2_RW_MISC_OUT = 0x51,
    STLINK_DEBUG_APIV2_RW_MISC_IN = 0x52,
    STLINK_DEBUG_READMEM_32BIT_NO_ADDR_INC = 0x54,
    STLINK_DEBUG_APIV3_SET_COM_FREQ = 0x61,
    STLINK_DEBUG_APIV3_GET_COM_FREQ = 0x62,
};

/* Byte 2 of DEBUG_APIV2_ENTER. */
enum stlink_enter_mode {
    STLINK_ENTER_JTAG_RESET = 0x00,
    STLINK_ENTER_SWD_NO_RESET = 0xA3,
    STLINK_ENTER_JTAG_NO_RESET = 0xA4,
};

/* Byte 2 of DRIVE_NRST. */
enum stlink_nrst {
    STLINK_NRST_LOW = 0,
    STLINK_NRST_HIGH = 1,
    STLINK_NRST_PULSE = 2,
};

/* Byte 0 of the GET_CURRENT_MODE reply. */
enum stlink_mode {
    STLINK_MODE_DFU = 0x00,
    STLINK_MODE_MASS = 0x01,
    STLINK_MODE_DEBUG = 0x02,
    STLINK_MODE_SWIM = 0x03,
    STLINK_MODE_BOOTLOADER = 0x04,
};

/* Status byte of a reply. */
enum stlink_status {
    STLINK_OK = 0x80,
    STLINK_FALSE = 0x81,
    STLINK_SWD_AP_WAIT = 0x10,
    STLINK_SWD_AP_FAULT = 0x11,
    STLINK_SWD_AP_ERROR = 0x12,
    STLINK_SWD_AP_PARITY_ERROR = 0x13,
    STLINK_SWD_DP_WAIT = 0x14,
    STLINK_SWD_DP_FAULT = 0x15,
    STLINK_SWD_DP_ERROR = 0x16,
    STLINK_SWD_DP_PARITY_ERROR = 0x17,
    STLINK_SWD_AP_WDATA_ERROR = 0x18,
    STLINK_SWD_AP_STICKY_ERROR = 0x19,
    STLINK_SWD_AP_STICKYORUN_ERROR = 0x1A,
    STLINK_BAD_AP_ERROR = 0x1D,
    STLINK_JTAG_UNKNOWN_CMD = 0x42,
    STLINK_JTAG_WRITE_ERROR = 0x0C,
    STLINK_JTAG_WRITE_VERIF_ERROR = 0x0D,
};

/* READ_DAP_REG / WRITE_DAP_REG port value that addresses the DP instead of an AP. */
#define STLINK_DAP_PORT_DP 0xFFFFu

/* Direction of the phase that follows a command block. */
enum stlink_phase_dir {
    STLINK_PHASE_NONE = 0, /* the command has no data phase and no reply */
    STLINK_PHASE_OUT,      /* host sends `len` bytes, no reply follows */
    STLINK_PHASE_IN,       /* probe answers `len` bytes */
};

struct stlink_phase {
    enum stlink_phase_dir dir;
    size_t len;
    /* RW_MISC_IN: the reply length is stlink_rw_misc_in_len() of the item count of the last
     * RW_MISC_OUT, which the command block does not repeat (len is 0 here). */
    int len_from_rw_misc_out;
};

/*
 * RW_MISC (V2 J32+, V3): a batch of 32-bit AP accesses. RW_MISC_OUT carries the item count as a
 * u32 at [2]; its data phase is one opcode byte per item (padded to a multiple of 4), then one
 * u32 value per item. RW_MISC_IN then answers a u32 result per item followed by a u32 status
 * per item (STLINK_OK when the access worked).
 */
enum stlink_rw_misc_op {
    STLINK_RW_MISC_ADDRESS = 1, /* the value is the address of the next WRITE */
    STLINK_RW_MISC_WRITE = 2,   /* write the value there */
    STLINK_RW_MISC_READ = 3,    /* read the word at the value; the result is the data */
    STLINK_RW_MISC_APNUM = 5,   /* the value selects the AP of what follows */
};

#define STLINK_RW_MISC_MAX_ITEMS_V2 64u
#define STLINK_RW_MISC_MAX_ITEMS_V3 1227u

static inline size_t stlink_rw_misc_out_len(uint32_t items)
{
    return ((items + 3u) & ~(size_t)3u) + 4u * (size_t)items;
}

static inline size_t stlink_rw_misc_in_len(uint32_t items)
{
    return 8u * (size_t)items;
}

/*
 * What follows a command block on the wire, derived from the block alone: used by the probe model
 * to know how much to read, by USB bridges to know which transfer comes next, and by the client to
 * size its buffers. `ver_major` is the probe's major version (2 or 3): a few reply sizes differ;
 * 1 selects debug API v1 (ST-LINK/V1 firmware before J11, stlink_v1.h).
 * Returns 0, or -1 for a command whose phases this definition does not know.
 */
int stlink_cmd_phase(const uint8_t cmd[STLINK_CMD_SIZE], int ver_major, struct stlink_phase *out);

/* Human-readable name of a status byte, for logs and error messages. */
const char *stlink_status_name(uint8_t status);

/* The identifier of a status byte as the protocol names it, e.g. "SWD_AP_FAULT", for error
 * messages ("UNKNOWN" for a value outside the table). */
const char *stlink_status_ident(uint8_t status);

/* True for the statuses a client should retry after a short back-off. */
static inline int stlink_status_is_wait(uint8_t status)
{
    return status == STLINK_SWD_AP_WAIT || status == STLINK_SWD_DP_WAIT;
}

#endif
