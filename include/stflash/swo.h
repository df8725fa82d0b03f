/*
 * SWO: the core's Instrumentation Trace Macrocell (ITM) sends what the firmware writes to its
 * stimulus ports as packets through the TPIU, one pin (SWO) at a UART-like baud rate, into the
 * ST-LINK's trace receiver. References: ARMv7-M ARM (DDI 0403) C1.6.5 (DEMCR), C1.7 (ITM),
 * D4.2 (ITM packets); Cortex-M3/M4 TRM, TPIU chapter (ACPR, SPPR, FFCR); RM0008 §31.16.3
 * (DBGMCU_CR TRACE_IOEN, TRACE_MODE). ARMv6-M cores (Cortex-M0/M0+) have no ITM.
 */
#ifndef STFLASH_SWO_H
#define STFLASH_SWO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

struct stflash_swo_config {
    uint32_t core_hz; /* the core clock feeding the TPIU (e.g. 8000000 after an STM32F1 reset) */
    uint32_t baud;    /* SWO rate; 0: 2 MHz or the core clock, whichever is lower */
    uint32_t ports;   /* stimulus ports enabled (ITM_TER bit n = port n); 0: all 32 */
};

/*
 * Sets up the trace path and starts the probe's receiver, without halting the core: DEMCR
 * TRCENA; DBGMCU_CR TRACE_IOEN with TRACE_MODE asynchronous (where the DBGMCU sits at
 * 0xE0042000); TPIU port size 1, SPPR 2 (NRZ), ACPR = core_hz / baud - 1, FFCR 0x100 (formatter
 * off); the receiver; then ITM LAR unlocked, TCR ITMENA + SYNCENA + TraceBusID 1, TER = ports,
 * TPR all unprivileged. *baud_out (may be NULL) gets the rate the TPIU really produces (core_hz
 * divided by a whole number), which the receiver is set to. Errors: STFLASH_ERR_INVALID_ARG (no
 * core clock, a baud above the clock or the probe's limit), STFLASH_ERR_UNSUPPORTED (an ARMv6-M
 * core, probe firmware before V2J13, a connection without the trace endpoint), probe errors.
 */
int stflash_swo_start(struct stflash_dev *dev, const struct stflash_swo_config *cfg,
                      uint32_t *baud_out);

/* Takes the bytes the receiver holds, at most cap: the count (0: none yet). */
int stflash_swo_read(struct stflash_dev *dev, uint8_t *buf, size_t cap);

/* Stops the receiver (the target's ITM setup is left as it is). */
int stflash_swo_stop(struct stflash_dev *dev);

/* ---- ITM packet decoding (D4.2), a pure byte-at-a-time decoder ---- */

enum stflash_itm_kind {
    STFLASH_ITM_SYNC,      /* synchronisation: 47 or more zero bits, then a one */
    STFLASH_ITM_OVERFLOW,  /* 0x70: the ITM dropped packets */
    STFLASH_ITM_STIMULUS,  /* instrumentation packet: a stimulus port write */
    STFLASH_ITM_HARDWARE,  /* hardware source packet (DWT): event counters, PC samples... */
    STFLASH_ITM_TIMESTAMP, /* local or global timestamp */
    STFLASH_ITM_EXTENSION, /* extension packet (stimulus port page) */
    STFLASH_ITM_RESERVED,  /* a header the architecture reserves: the stream is out of step */
};

struct stflash_itm_packet {
    enum stflash_itm_kind kind;
    unsigned source; /* STIMULUS: the port (0-31); HARDWARE: the discriminator */
    unsigned size;   /* payload bytes: 1, 2 or 4 for source packets */
    uint32_t value;  /* the payload, little-endian (the low 32 bits for timestamps) */
};

struct stflash_itm_decoder {
    uint8_t header;
    unsigned need, got; /* payload bytes of a source packet */
    bool continued;     /* in a protocol packet's continuation bytes */
    unsigned zeros;     /* zero bytes in a row (a synchronisation packet under way) */
    uint32_t value;
};

void stflash_itm_init(struct stflash_itm_decoder *d);

/* Feeds one byte; true when it completes a packet (then *out holds it). */
bool stflash_itm_feed(struct stflash_itm_decoder *d, uint8_t byte, struct stflash_itm_packet *out);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
