/*
 * The SWO trace path of the virtual board: ITM stimulus port writes become ITM packets, the
 * TPIU sends them on the SWO pin, and the probe's trace receiver, when started, keeps the
 * bytes it can decode for the trace endpoint. References: ARMv7-M ARM (DDI 0403) D4.2 (ITM
 * packets), C1.7 (ITM registers); Cortex-M3/M4 TRM TPIU chapter (ACPR, SPPR, FFCR); RM0008
 * §31.17 (TRACE_IOEN in DBGMCU_CR). Internal to the virtual board.
 */
#ifndef STFLASH_SIM_SWO_H
#define STFLASH_SIM_SWO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The probe's trace buffer (what it holds between two reads of the trace endpoint). */
#define SIM_SWO_BUFFER 4096u

struct sim_swo {
    /* TPIU (power-on reset values: Manchester, formatter on). */
    uint32_t acpr, sppr, ffcr, cspsr;
    bool itm_unlocked; /* ITM_LAR got 0xC5ACCE55 (software access; the debugger needs none) */
    /* The probe's receiver: START_TRACE_RX / STOP_TRACE_RX. */
    bool rx_on;
    uint32_t rx_hz;
    uint8_t buf[SIM_SWO_BUFFER];
    size_t head, len;
    uint64_t bytes_sent; /* on the pin since the board started */
    uint64_t bytes_lost; /* sent but not received: receiver off, wrong baud or encoding, full */
};

struct sim_target;

/* The 32 stimulus ports (ARMv7-M ARM C1.7.1). */
#define SIM_ITM_STIM_BASE 0xE0000000u
#define SIM_ITM_STIM_END 0xE0000080u

/* Power-on state. */
void sim_swo_init(struct sim_swo *s);

/* TPIU registers (block 0xE0040000, off = offset in it). Always SIM_BUS_OK semantics: returns
 * true when the offset is a modelled register. */
bool sim_tpiu_access(struct sim_target *t, uint32_t off, uint32_t *rd, const uint32_t *wr);

/* ITM_LAR and ITM_LSR (offsets 0xFB0, 0xFB4 of the ITM block): true when off is one of them. */
bool sim_itm_lock_access(struct sim_target *t, uint32_t off, uint32_t *rd, const uint32_t *wr);

/* A write of `size` bytes (1, 2, 4) to stimulus port `port` (0-31). */
void sim_itm_stimulus(struct sim_target *t, unsigned port, unsigned size, uint32_t value);

/* The probe's side: start (clears the buffer), stop, bytes waiting, and taking them. */
void sim_swo_rx_start(struct sim_swo *s, uint32_t hz);
void sim_swo_rx_stop(struct sim_swo *s);
size_t sim_swo_rx_count(const struct sim_swo *s);
size_t sim_swo_rx_take(struct sim_swo *s, uint8_t *out, size_t cap);

#endif
