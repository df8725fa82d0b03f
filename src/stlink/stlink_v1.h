/*
 * ST-LINK/V1 (0483:3744, the STM32VLDiscovery's probe) on the wire: the one definition shared by
 * the client (src/transport/usb_v1.c) and the stand-in libusb (sim/libusb/v1_msc.c).
 *
 * The V1 presents a USB mass-storage interface (class 08, SCSI transparent, bulk-only transport,
 * "Universal Serial Bus Mass Storage Class Bulk-Only Transport" rev. 1.0, sections 5.1 to 5.3,
 * 6.2 and 6.6). Every ST-LINK command block travels as the SCSI command block (CDB) of a 31-byte
 * command block wrapper (CBW) on the bulk OUT endpoint 0x02; the data phase the CBW announces
 * follows on OUT or on IN 0x81; a 13-byte command status wrapper (CSW) on IN ends the command.
 * Its firmware speaks debug API v1 before J11 (docs/stlink.md): its own debug-mode entry,
 * core register commands without a status byte, no GETLASTRWSTATUS; from J11 it speaks API v2
 * without any of the V2 additions (no GETLASTRWSTATUS2, target voltage, SWD clock, 16-bit or DAP
 * register commands).
 */
#ifndef STFLASH_STLINK_V1_H
#define STFLASH_STLINK_V1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stlink/stlink_proto.h"

#define STLINK_V1_CBW_SIZE 31u
#define STLINK_V1_CSW_SIZE 13u
#define STLINK_V1_CBW_SIGNATURE 0x43425355u /* "USBC", little-endian */
#define STLINK_V1_CSW_SIGNATURE 0x53425355u /* "USBS", little-endian */
#define STLINK_V1_CBW_FLAG_IN 0x80u         /* bmCBWFlags bit 7: data from the device */
/* bCBWCBLength the V1 clients give: the ST-LINK command uses at most the first 10 bytes of the
 * 16-byte CDB field. */
#define STLINK_V1_CB_LEN 10u
#define STLINK_V1_CDB_MAX 16u
#define STLINK_V1_EP_OUT 0x02u
#define STLINK_V1_EP_IN 0x81u

/* Largest memory transfer the client gives a V1 in one command: one TAR block for 32-bit
 * transfers (STLINK_TAR_BLOCK), 64 bytes for 8-bit ones (as on V2). */
#define STLINK_V1_MAX_RW32 STLINK_TAR_BLOCK
#define STLINK_V1_MAX_RW8 64u

/* bCSWStatus (BOT 5.2). */
enum stlink_v1_csw_status {
    STLINK_V1_CSW_PASSED = 0,
    STLINK_V1_CSW_FAILED = 1,
    STLINK_V1_CSW_PHASE_ERROR = 2,
};

/* The SCSI REQUEST SENSE command (SPC-3 6.27) a V1 answers after a failed command: byte 0 of a
 * CDB, 18 bytes of fixed-format sense data back. */
#define STLINK_V1_SCSI_REQUEST_SENSE 0x03u
#define STLINK_V1_SENSE_LEN 18u

/* The bulk-only mass storage reset class request (BOT 3.1): request type 0x21, request 0xFF,
 * index the interface. With clearing both endpoints' halt, the reset recovery of BOT 5.3.4. */
#define STLINK_V1_BOMS_RESET 0xFFu

/* API v1 debug sub-commands (byte 1 after 0xF2) not in stlink_proto.h. */
enum stlink_v1_debug_cmd {
    STLINK_DEBUG_APIV1_SETFP = 0x0B,
    STLINK_DEBUG_APIV1_CLEARFP = 0x0E,
    STLINK_DEBUG_APIV1_WRITEDEBUGREG = 0x0F,
    STLINK_DEBUG_APIV1_SETWATCHPOINT = 0x10,
};

/* Byte 0 of the APIV1_GETSTATUS reply. */
enum stlink_v1_core_state {
    STLINK_V1_CORE_RUNNING = 0x80,
    STLINK_V1_CORE_HALTED = 0x81,
};

/* APIV1_READALLREGS: r0-r15, xPSR, MSP, PSP, then two words (CONTROL/FAULTMASK/BASEPRI/PRIMASK
 * and one unused): 21 words, no status. */
#define STLINK_V1_ALLREGS_LEN 84u

struct stlink_v1_cbw {
    uint32_t tag;
    uint32_t data_len;
    bool data_in;
    uint8_t lun;
    uint8_t cb_len;
    uint8_t cb[STLINK_V1_CDB_MAX];
};

struct stlink_v1_csw {
    uint32_t tag;
    uint32_t residue;
    uint8_t status;
};

/* What is wrong with 13 bytes taken for a CSW. */
enum stlink_v1_csw_check {
    STLINK_V1_CSW_OK = 0,
    STLINK_V1_CSW_BAD_LENGTH,    /* not 13 bytes */
    STLINK_V1_CSW_BAD_SIGNATURE, /* not "USBS" */
    STLINK_V1_CSW_BAD_TAG,       /* not the tag of the command it ends */
    STLINK_V1_CSW_BAD_STATUS,    /* bCSWStatus above 2 (reserved) */
};

void stlink_v1_cbw_encode(const struct stlink_v1_cbw *cbw, uint8_t out[STLINK_V1_CBW_SIZE]);
/* 0, or -1 when the bytes are not a valid CBW (length, signature, CB length 1 to 16). */
int stlink_v1_cbw_decode(const uint8_t *buf, size_t len, struct stlink_v1_cbw *out);

void stlink_v1_csw_encode(const struct stlink_v1_csw *csw, uint8_t out[STLINK_V1_CSW_SIZE]);
/* Decodes `len` bytes received as the CSW of the command tagged `tag`: fields in *out (as far as
 * they came), and the first problem found. */
enum stlink_v1_csw_check stlink_v1_csw_decode(const uint8_t *buf, size_t len, uint32_t tag,
                                              struct stlink_v1_csw *out);
/* "the status wrapper's signature is not USBS", ... for messages. */
const char *stlink_v1_csw_problem(enum stlink_v1_csw_check check);

/* The phases of an API v1 command (stlink_cmd_phase with ver_major 1 comes here): what differs
 * from API v2 (debug-mode entry without reply, register replies without status, READALLREGS
 * of 84 bytes, no GETLASTRWSTATUS), the rest as on V2. -1 for what a V1 does not know. */
int stlink_v1_cmd_phase(const uint8_t cmd[STLINK_CMD_SIZE], struct stlink_phase *out);

#endif
