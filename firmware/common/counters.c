/*
 * counters.c - the counter block at the start of SRAM (addresses in fw_layout.h).
 */
#include "board.h"

FW_COUNTER(toggle_count);
FW_COUNTER(tick_count);
FW_COUNTER(fw_id);
FW_COUNTER(svc_count);
