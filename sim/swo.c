/* The SWO trace path of the virtual board (sim/swo.h). */
#include <string.h>

#include "swo.h"
#include "target.h"

#define DEMCR_TRCENA (1u << 24)     /* ARMv7-M ARM C1.6.5 */
#define ITM_TCR_ITMENA (1u << 0)    /* C1.7.6 */
#define DBGMCU_TRACE_IOEN (1u << 5) /* RM0008 §31.16.3: trace pins assigned */
#define DBGMCU_TRACE_MODE (3u << 6) /* 00: asynchronous (SWO) */
#define TPIU_SPPR_NRZ 2u            /* SPPR 1: Manchester, 2: NRZ (UART) */
#define TPIU_FFCR_ENFCONT (1u << 1) /* continuous formatting: frames the ST-LINK cannot read */
#define ITM_LAR_KEY 0xC5ACCE55u
#define BAUD_TOLERANCE_PCT 3u /* a UART receiver's margin */

void sim_swo_init(struct sim_swo *s)
{
    memset(s, 0, sizeof *s);
    s->sppr = 1u;     /* Manchester */
    s->ffcr = 0x102u; /* TrigIn, EnFCont */
    s->cspsr = 1u;
}

bool sim_tpiu_access(struct sim_target *t, uint32_t off, uint32_t *rd, const uint32_t *wr)
{
    struct sim_swo *s = &t->swo;
    uint32_t *reg = off == 0x004   ? &s->cspsr
                    : off == 0x010 ? &s->acpr
                    : off == 0x0F0 ? &s->sppr
                    : off == 0x304 ? &s->ffcr
                                   : NULL;
    uint32_t mask = off == 0x010 ? 0x1FFFu : off == 0x0F0 ? 3u : 0xFFFFFFFFu;
    if (reg) {
        if (rd)
            *rd = *reg;
        else
            *reg = *wr & mask;
        return true;
    }
    if (rd && off == 0x000) { /* SSPSR: port size 1 supported */
        *rd = 1u;
        return true;
    }
    if (rd && off == 0x300) { /* FFSR: FtNonStop, the formatter cannot be stopped */
        *rd = 1u << 3;
        return true;
    }
    if (rd && off == 0xFC8) { /* DEVID: NRZ and Manchester supported, no trace data port */
        *rd = 0xCA0u;
        return true;
    }
    return false;
}

bool sim_itm_lock_access(struct sim_target *t, uint32_t off, uint32_t *rd, const uint32_t *wr)
{
    if (off == 0xFB0) {
        if (rd)
            *rd = 0;
        else
            t->swo.itm_unlocked = *wr == ITM_LAR_KEY;
        return true;
    }
    if (off == 0xFB4 && rd) { /* LSR: lock implemented (bit 0), locked (bit 1) */
        *rd = 1u | (t->swo.itm_unlocked ? 0u : 2u);
        return true;
    }
    return false;
}

/* Whether the probe decodes what the pin carries: NRZ, no formatter, the baud it listens at. */
static bool receivable(const struct sim_target *t)
{
    const struct sim_swo *s = &t->swo;
    if (!s->rx_on || s->rx_hz == 0 || s->sppr != TPIU_SPPR_NRZ || (s->ffcr & TPIU_FFCR_ENFCONT))
        return false;
    uint64_t core_hz = t->cycle_ps ? 1000000000000ull / t->cycle_ps : 0;
    uint64_t baud = core_hz / (s->acpr + 1u);
    uint64_t diff = baud > s->rx_hz ? baud - s->rx_hz : s->rx_hz - baud;
    return diff * 100u <= (uint64_t)s->rx_hz * BAUD_TOLERANCE_PCT;
}

static void pin_send(struct sim_target *t, const uint8_t *bytes, size_t n)
{
    struct sim_swo *s = &t->swo;
    s->bytes_sent += n;
    if ((t->per.dbgmcu_cr & (DBGMCU_TRACE_IOEN | DBGMCU_TRACE_MODE)) != DBGMCU_TRACE_IOEN) {
        s->bytes_lost += n; /* the SWO pin is not driven by the TPIU */
        return;
    }
    if (!receivable(t)) {
        s->bytes_lost += n;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (s->len == SIM_SWO_BUFFER) {
            s->bytes_lost += n - i;
            return;
        }
        s->buf[(s->head + s->len) % SIM_SWO_BUFFER] = bytes[i];
        s->len++;
    }
}

void sim_itm_stimulus(struct sim_target *t, unsigned port, unsigned size, uint32_t value)
{
    const struct cortexm *c = &t->core;
    if (!(c->demcr & DEMCR_TRCENA) || !(c->itm_tcr & ITM_TCR_ITMENA) ||
        !((c->itm_ter >> port) & 1u))
        return; /* the write is ignored (C1.7.6, C1.7.3) */
    /* Instrumentation packet (D4.2.8): header A[4:0] << 3 | 0 | SS, SS 01/10/11 for 1/2/4
     * payload bytes, then the payload, least significant byte first. */
    uint8_t pkt[5];
    unsigned ss = size == 1 ? 1u : size == 2 ? 2u : 3u;
    unsigned n = size == 1 ? 1u : size == 2 ? 2u : 4u;
    pkt[0] = (uint8_t)((port & 31u) << 3 | ss);
    for (unsigned i = 0; i < n; i++)
        pkt[1 + i] = (uint8_t)(value >> (8u * i));
    pin_send(t, pkt, 1u + n);
}

void sim_swo_rx_start(struct sim_swo *s, uint32_t hz)
{
    s->rx_on = true;
    s->rx_hz = hz;
    s->head = s->len = 0;
}

void sim_swo_rx_stop(struct sim_swo *s)
{
    s->rx_on = false;
}

size_t sim_swo_rx_count(const struct sim_swo *s)
{
    return s->len;
}

size_t sim_swo_rx_take(struct sim_swo *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; n < cap && s->len; n++) {
        out[n] = s->buf[s->head];
        s->head = (s->head + 1u) % SIM_SWO_BUFFER;
        s->len--;
    }
    return n;
}
