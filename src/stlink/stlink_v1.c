/* ST-LINK/V1 mass-storage wrapping and API v1 command phases (see stlink_v1.h). */
#include "stlink/stlink_v1.h"

#include <string.h>

#include "core/le.h"

void stlink_v1_cbw_encode(const struct stlink_v1_cbw *cbw, uint8_t out[STLINK_V1_CBW_SIZE])
{
    /* BOT 5.1: signature, tag, transfer length, flags, LUN, CB length, CB (16 bytes). */
    memset(out, 0, STLINK_V1_CBW_SIZE);
    le32_put(&out[0], STLINK_V1_CBW_SIGNATURE);
    le32_put(&out[4], cbw->tag);
    le32_put(&out[8], cbw->data_len);
    out[12] = cbw->data_in ? STLINK_V1_CBW_FLAG_IN : 0;
    out[13] = cbw->lun & 0x0Fu;
    out[14] = cbw->cb_len & 0x1Fu;
    memcpy(&out[15], cbw->cb, STLINK_V1_CDB_MAX);
}

int stlink_v1_cbw_decode(const uint8_t *buf, size_t len, struct stlink_v1_cbw *out)
{
    if (len != STLINK_V1_CBW_SIZE || le32_get(buf) != STLINK_V1_CBW_SIGNATURE)
        return -1;
    uint8_t cb_len = buf[14] & 0x1Fu;
    if (cb_len == 0 || cb_len > STLINK_V1_CDB_MAX)
        return -1;
    out->tag = le32_get(&buf[4]);
    out->data_len = le32_get(&buf[8]);
    out->data_in = (buf[12] & STLINK_V1_CBW_FLAG_IN) != 0;
    out->lun = buf[13] & 0x0Fu;
    out->cb_len = cb_len;
    memcpy(out->cb, &buf[15], STLINK_V1_CDB_MAX);
    return 0;
}

void stlink_v1_csw_encode(const struct stlink_v1_csw *csw, uint8_t out[STLINK_V1_CSW_SIZE])
{
    /* BOT 5.2: signature, tag, residue, status. */
    le32_put(&out[0], STLINK_V1_CSW_SIGNATURE);
    le32_put(&out[4], csw->tag);
    le32_put(&out[8], csw->residue);
    out[12] = csw->status;
}

enum stlink_v1_csw_check stlink_v1_csw_decode(const uint8_t *buf, size_t len, uint32_t tag,
                                              struct stlink_v1_csw *out)
{
    memset(out, 0, sizeof *out);
    if (len >= 8)
        out->tag = le32_get(&buf[4]);
    if (len >= 12)
        out->residue = le32_get(&buf[8]);
    if (len >= 13)
        out->status = buf[12];
    /* BOT 6.3: a CSW is valid when it is 13 bytes long with the signature; meaningful when its
     * tag is the CBW's and its status is not reserved. */
    if (len != STLINK_V1_CSW_SIZE)
        return STLINK_V1_CSW_BAD_LENGTH;
    if (le32_get(buf) != STLINK_V1_CSW_SIGNATURE)
        return STLINK_V1_CSW_BAD_SIGNATURE;
    if (out->tag != tag)
        return STLINK_V1_CSW_BAD_TAG;
    if (out->status > STLINK_V1_CSW_PHASE_ERROR)
        return STLINK_V1_CSW_BAD_STATUS;
    return STLINK_V1_CSW_OK;
}

const char *stlink_v1_csw_problem(enum stlink_v1_csw_check check)
{
    switch (check) {
    case STLINK_V1_CSW_OK:
        return "valid";
    case STLINK_V1_CSW_BAD_LENGTH:
        return "the status wrapper is not 13 bytes long";
    case STLINK_V1_CSW_BAD_SIGNATURE:
        return "the status wrapper's signature is not USBS";
    case STLINK_V1_CSW_BAD_TAG:
        return "the status wrapper's tag is not the command's";
    case STLINK_V1_CSW_BAD_STATUS:
        return "the status wrapper's status is a reserved value";
    default:
        return "the status wrapper is malformed";
    }
}

static int v1_debug_phase(const uint8_t cmd[STLINK_CMD_SIZE], struct stlink_phase *out)
{
    struct stlink_phase ph = {STLINK_PHASE_IN, 2, 0};
    switch (cmd[1]) {
    case STLINK_DEBUG_APIV1_ENTER:
    case STLINK_DEBUG_EXIT:
        ph.dir = STLINK_PHASE_NONE; /* the CSW alone answers */
        ph.len = 0;
        break;
    case STLINK_DEBUG_APIV1_READREG:
    case STLINK_DEBUG_READCOREID:
        ph.len = 4;
        break;
    case STLINK_DEBUG_APIV1_READALLREGS:
        ph.len = STLINK_V1_ALLREGS_LEN;
        break;
    case STLINK_DEBUG_APIV1_GETSTATUS:
    case STLINK_DEBUG_APIV1_FORCEDEBUG:
    case STLINK_DEBUG_APIV1_RESETSYS:
    case STLINK_DEBUG_APIV1_WRITEREG:
    case STLINK_DEBUG_APIV1_RUNCORE:
    case STLINK_DEBUG_APIV1_STEPCORE:
    case STLINK_DEBUG_APIV1_SETFP:
    case STLINK_DEBUG_APIV1_CLEARFP:
    case STLINK_DEBUG_APIV1_WRITEDEBUGREG:
    case STLINK_DEBUG_APIV1_SETWATCHPOINT:
        break;
    case STLINK_DEBUG_READMEM_32BIT:
    case STLINK_DEBUG_WRITEMEM_32BIT:
    case STLINK_DEBUG_READMEM_8BIT:
    case STLINK_DEBUG_WRITEMEM_8BIT:
        return stlink_cmd_phase(cmd, 2, out); /* as on V2 */
    default:
        return -1;
    }
    *out = ph;
    return 0;
}

int stlink_v1_cmd_phase(const uint8_t cmd[STLINK_CMD_SIZE], struct stlink_phase *out)
{
    switch (cmd[0]) {
    case STLINK_CMD_GET_VERSION:
    case STLINK_CMD_GET_CURRENT_MODE:
    case STLINK_CMD_DFU:
        return stlink_cmd_phase(cmd, 2, out);
    case STLINK_CMD_DEBUG:
        return v1_debug_phase(cmd, out);
    default:
        return -1; /* no voltage, no SWIM, no GET_VERSION_EX */
    }
}
