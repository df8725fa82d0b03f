#include "stlink_proto.h"

#include "core/le.h"
#include "stlink/stlink_v1.h"

static struct stlink_phase phase(enum stlink_phase_dir dir, size_t len)
{
    struct stlink_phase ph = {dir, len, 0};
    return ph;
}

static int debug_cmd_phase(const uint8_t *cmd, int ver_major, struct stlink_phase *out)
{
    size_t mem_len = le16_get(&cmd[6]);

    switch (cmd[1]) {
    case STLINK_DEBUG_READMEM_8BIT:
        /* The probe answers a one-byte 8-bit read with two bytes. */
        *out = phase(STLINK_PHASE_IN, mem_len == 1 ? 2 : mem_len);
        return 0;
    case STLINK_DEBUG_READMEM_32BIT:
    case STLINK_DEBUG_APIV2_READMEM_16BIT:
    case STLINK_DEBUG_READMEM_32BIT_NO_ADDR_INC:
        *out = phase(STLINK_PHASE_IN, mem_len);
        return 0;
    case STLINK_DEBUG_WRITEMEM_32BIT:
    case STLINK_DEBUG_WRITEMEM_8BIT:
    case STLINK_DEBUG_APIV2_WRITEMEM_16BIT:
    case STLINK_DEBUG_WRITEMEM_32BIT_NO_ADDR_INC:
        *out = phase(STLINK_PHASE_OUT, mem_len);
        return 0;
    case STLINK_DEBUG_EXIT:
        *out = phase(STLINK_PHASE_NONE, 0);
        return 0;
    case STLINK_DEBUG_APIV2_RW_MISC_OUT:
        *out = phase(STLINK_PHASE_OUT, stlink_rw_misc_out_len(le32_get(&cmd[2])));
        return 0;
    case STLINK_DEBUG_APIV2_RW_MISC_IN:
        *out = phase(STLINK_PHASE_IN, 0);
        out->len_from_rw_misc_out = 1;
        return 0;
    case STLINK_DEBUG_READCOREID:
        *out = phase(STLINK_PHASE_IN, 4);
        return 0;
    case STLINK_DEBUG_APIV2_READ_IDCODES:
    case STLINK_DEBUG_APIV2_GETLASTRWSTATUS2:
        *out = phase(STLINK_PHASE_IN, 12);
        return 0;
    case STLINK_DEBUG_APIV2_READREG:
    case STLINK_DEBUG_APIV2_READDEBUGREG:
    case STLINK_DEBUG_APIV2_READ_DAP_REG:
    case STLINK_DEBUG_APIV3_SET_COM_FREQ:
        *out = phase(STLINK_PHASE_IN, 8);
        return 0;
    case STLINK_DEBUG_APIV2_READALLREGS:
        *out = phase(STLINK_PHASE_IN, 88);
        return 0;
    case STLINK_DEBUG_APIV3_GET_COM_FREQ:
        *out = phase(STLINK_PHASE_IN, 52);
        return 0;
    case STLINK_DEBUG_APIV2_ENTER:
    case STLINK_DEBUG_APIV2_RESETSYS:
    case STLINK_DEBUG_APIV2_WRITEREG:
    case STLINK_DEBUG_APIV2_WRITEDEBUGREG:
    case STLINK_DEBUG_APIV2_GETLASTRWSTATUS:
    case STLINK_DEBUG_APIV2_DRIVE_NRST:
    case STLINK_DEBUG_APIV2_START_TRACE_RX:
    case STLINK_DEBUG_APIV2_STOP_TRACE_RX:
    case STLINK_DEBUG_APIV2_GET_TRACE_NB:
    case STLINK_DEBUG_APIV2_SWD_SET_FREQ:
    case STLINK_DEBUG_APIV2_JTAG_SET_FREQ:
    case STLINK_DEBUG_APIV2_WRITE_DAP_REG:
    case STLINK_DEBUG_APIV2_INIT_AP:
    case STLINK_DEBUG_APIV2_CLOSE_AP_DBG:
        *out = phase(STLINK_PHASE_IN, 2);
        return 0;
    default:
        (void)ver_major;
        return -1;
    }
}

int stlink_cmd_phase(const uint8_t cmd[STLINK_CMD_SIZE], int ver_major, struct stlink_phase *out)
{
    if (ver_major == 1)
        return stlink_v1_cmd_phase(cmd, out); /* ST-LINK/V1, debug API v1 (stlink_v1.c) */
    switch (cmd[0]) {
    case STLINK_CMD_GET_VERSION:
        *out = phase(STLINK_PHASE_IN, 6);
        return 0;
    case STLINK_CMD_GET_VERSION_EX:
        *out = phase(STLINK_PHASE_IN, 12);
        return 0;
    case STLINK_CMD_GET_CURRENT_MODE:
        *out = phase(STLINK_PHASE_IN, 2);
        return 0;
    case STLINK_CMD_GET_TARGET_VOLTAGE:
        *out = phase(STLINK_PHASE_IN, 8);
        return 0;
    case STLINK_CMD_DFU:
    case STLINK_CMD_SWIM:
        *out = phase(STLINK_PHASE_NONE, 0);
        return 0;
    case STLINK_CMD_DEBUG:
        return debug_cmd_phase(cmd, ver_major, out);
    default:
        return -1;
    }
}

const char *stlink_status_name(uint8_t status)
{
    switch (status) {
    case STLINK_OK:
        return "ok";
    case STLINK_FALSE:
        return "fault";
    case STLINK_SWD_AP_WAIT:
        return "AP wait";
    case STLINK_SWD_AP_FAULT:
        return "AP fault";
    case STLINK_SWD_AP_ERROR:
        return "AP error";
    case STLINK_SWD_AP_PARITY_ERROR:
        return "AP parity error";
    case STLINK_SWD_DP_WAIT:
        return "DP wait";
    case STLINK_SWD_DP_FAULT:
        return "DP fault";
    case STLINK_SWD_DP_ERROR:
        return "DP error (no SWD response)";
    case STLINK_SWD_DP_PARITY_ERROR:
        return "DP parity error";
    case STLINK_SWD_AP_WDATA_ERROR:
        return "AP write data error";
    case STLINK_SWD_AP_STICKY_ERROR:
        return "AP sticky error";
    case STLINK_SWD_AP_STICKYORUN_ERROR:
        return "AP sticky overrun";
    case STLINK_BAD_AP_ERROR:
        return "bad AP";
    case STLINK_JTAG_UNKNOWN_CMD:
        return "unknown command";
    case STLINK_JTAG_WRITE_ERROR:
        return "write error";
    case STLINK_JTAG_WRITE_VERIF_ERROR:
        return "write verify error";
    default:
        return "unknown status";
    }
}

const char *stlink_status_ident(uint8_t status)
{
    switch (status) {
    case STLINK_OK:
        return "OK";
    case STLINK_FALSE:
        return "FALSE";
    case STLINK_SWD_AP_WAIT:
        return "SWD_AP_WAIT";
    case STLINK_SWD_AP_FAULT:
        return "SWD_AP_FAULT";
    case STLINK_SWD_AP_ERROR:
        return "SWD_AP_ERROR";
    case STLINK_SWD_AP_PARITY_ERROR:
        return "SWD_AP_PARITY_ERROR";
    case STLINK_SWD_DP_WAIT:
        return "SWD_DP_WAIT";
    case STLINK_SWD_DP_FAULT:
        return "SWD_DP_FAULT";
    case STLINK_SWD_DP_ERROR:
        return "SWD_DP_ERROR";
    case STLINK_SWD_DP_PARITY_ERROR:
        return "SWD_DP_PARITY_ERROR";
    case STLINK_SWD_AP_WDATA_ERROR:
        return "SWD_AP_WDATA_ERROR";
    case STLINK_SWD_AP_STICKY_ERROR:
        return "SWD_AP_STICKY_ERROR";
    case STLINK_SWD_AP_STICKYORUN_ERROR:
        return "SWD_AP_STICKYORUN_ERROR";
    case STLINK_BAD_AP_ERROR:
        return "BAD_AP_ERROR";
    case STLINK_JTAG_UNKNOWN_CMD:
        return "JTAG_UNKNOWN_CMD";
    case STLINK_JTAG_WRITE_ERROR:
        return "JTAG_WRITE_ERROR";
    case STLINK_JTAG_WRITE_VERIF_ERROR:
        return "JTAG_WRITE_VERIF_ERROR";
    default:
        return "UNKNOWN";
    }
}
