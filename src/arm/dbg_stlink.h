/* The debug-access seam implemented over an ST-LINK. Internal. */
#ifndef STFLASH_ARM_DBG_STLINK_H
#define STFLASH_ARM_DBG_STLINK_H

#include "arm/dbg.h"
#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"

struct dbg_stlink {
    struct dbg base; /* first: a struct dbg * points here */
    struct stlink *sl;
};

void dbg_stlink_init(struct dbg_stlink *d, struct stlink *sl);

#endif
