/*
 * What sim/probe.c (the command decoder) and sim/probe_memory.c (memory commands and RW_MISC
 * batches) share inside the simulated probe. Internal to the virtual board.
 */
#ifndef STFLASH_SIM_PROBE_INTERNAL_H
#define STFLASH_SIM_PROBE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

/* Commands that came with a firmware version (real-stlink-firmware facts, kept in
 * docs/virtual-board.md): what older firmware answers as an unknown command. */
enum fw_feature {
    FW_VOLTAGE,    /* GET_TARGET_VOLTAGE: V2 J13 */
    FW_RW_STATUS2, /* GETLASTRWSTATUS2: V2 J15 */
    FW_SWD_FREQ,   /* SWD_SET_FREQ: V2 J22 (V3 uses SET_COM_FREQ) */
    FW_DAP_REG,    /* READ/WRITE_DAP_REG: V2 J24 */
    FW_MEM16,      /* READMEM/WRITEMEM_16BIT: V2 J26 */
    FW_INIT_AP,    /* INIT_AP / CLOSE_AP: V2 J28 */
    FW_RW_MISC,    /* RW_MISC_OUT/IN: V2 J32, V3 J2 */
    FW_RW8_512,    /* 8-bit transfers of up to 512 bytes: V3 J6 */
};

/* Whether the probe's firmware version has the feature (older firmware answers an unknown
 * command). */
bool probe_fw_has(const struct sim_probe *p, enum fw_feature f);

/* One debugger bus access, waiting (as the probe's own retries do) while the target stalls:
 * STLINK_OK, or the SWD status the probe answers. rd NULL: a write of wr. */
uint8_t probe_bus_access(struct sim_probe *p, uint32_t addr, unsigned size, uint32_t *rd,
                         uint32_t wr);

/* READMEM/WRITEMEM_8BIT, _16BIT, _32BIT: the reply's length. */
size_t probe_mem_cmd(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out, size_t out_len,
                     uint8_t *reply, size_t cap);

/* RW_MISC_OUT runs a batch of 32-bit AP accesses; RW_MISC_IN answers their results. */
void probe_rw_misc_out(struct sim_probe *p, const uint8_t *cmd, const uint8_t *out, size_t out_len);
size_t probe_rw_misc_in(struct sim_probe *p, uint8_t *reply, size_t cap);

#endif
