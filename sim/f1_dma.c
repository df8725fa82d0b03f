/*
 * The F1's DMA1 controller and, as the one request source modelled, ADC1 in continuous mode
 * (RM0008 §13 DMA, §11 ADC). Enough for firmware that keeps a DMA stream running into SRAM by
 * itself, which goes on while the core is halted or runs a debugger's loader: ADC1 with ADON,
 * CONT and DMA set in ADC_CR2 converts every 14 ADC clocks (1.5-cycle sampling + 12.5, §11.6, at
 * the reset ADCCLK of PCLK2/2 = 4 MHz: 3.5 µs) and requests DMA1 channel 1 (RM0008 Table 78),
 * which stores ADC_DR (a fixed conversion result here) at CMAR, incrementing with MINC, reloading
 * with CIRC, setting TCIF when CNDTR reaches 0. A memory-to-memory channel (MEM2MEM) transfers
 * its whole block when enabled. Interrupts, priorities between channels and the other request
 * sources are not modelled. A system reset stops both (the registers live in sim_periph).
 */
#include "target.h"

#define DMA_CCR_EN (1u << 0)
#define DMA_CCR_DIR (1u << 4)
#define DMA_CCR_CIRC (1u << 5)
#define DMA_CCR_PINC (1u << 6)
#define DMA_CCR_MINC (1u << 7)
#define DMA_CCR_MEM2MEM (1u << 14)
#define ADC_CR2_ADON (1u << 0)
#define ADC_CR2_CONT (1u << 1)
#define ADC_CR2_DMA (1u << 8)
#define ADC_SR_EOC (1u << 1)
#define ADC_DR_VALUE 0x0800u /* mid-scale: the simulated input sits at VDDA / 2 */
#define ADC_DR_ADDR 0x4001244Cu
#define ADC_CONV_PS (SIM_PS_PER_S / 4000000u * 14u)
#define MAX_REQUESTS_PER_UPDATE 100000u

static uint32_t *chan(struct sim_target *t, unsigned ch) /* CCR, CNDTR, CPAR, CMAR of ch 1..7 */
{
    return &t->per.dma[2 + 4 * (ch - 1)];
}

static unsigned item_size(uint32_t ccr, unsigned shift)
{
    unsigned s = (ccr >> shift) & 3u;
    return s == 0 ? 1u : s == 1 ? 2u : 4u;
}

/* One transfer of channel ch: source and destination by DIR (RM0008 §13.3.3), addresses
 * incremented by the item count already done. */
static void transfer_one(struct sim_target *t, unsigned ch)
{
    uint32_t *c = chan(t, ch);
    uint32_t ccr = c[0];
    unsigned done = t->per.dma_len[ch - 1] - c[1];
    unsigned psize = item_size(ccr, 8), msize = item_size(ccr, 10);
    uint32_t paddr = c[2] + ((ccr & DMA_CCR_PINC) ? done * psize : 0);
    uint32_t maddr = c[3] + ((ccr & DMA_CCR_MINC) ? done * msize : 0);
    uint32_t v = 0;
    /* The SRAM it overwrites may hold code the core ran (sim/target.c sim_target_dma_write). */
    if (ccr & DMA_CCR_DIR) {
        (void)sim_bus_read(t, maddr, msize, &v, SIM_BY_CPU);
        (void)sim_target_dma_write(t, paddr, psize, v);
    } else {
        if (paddr == ADC_DR_ADDR)
            v = ADC_DR_VALUE;
        else
            (void)sim_bus_read(t, paddr, psize, &v, SIM_BY_CPU);
        (void)sim_target_dma_write(t, maddr, msize, v);
    }
    if (--c[1] == 0) {
        t->per.dma[0] |= 3u << (4 * (ch - 1)); /* GIF, TCIF */
        if (ccr & DMA_CCR_CIRC)
            c[1] = t->per.dma_len[ch - 1];
    }
}

static bool channel_ready(struct sim_target *t, unsigned ch)
{
    uint32_t *c = chan(t, ch);
    return (c[0] & DMA_CCR_EN) && c[1] != 0;
}

enum sim_bus_result f1_dma_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr)
{
    if (off >= 0x08u + 20u * 7u) /* past channel 7 */
        return SIM_BUS_OK;
    if (off >= 8) { /* channel registers are 20 bytes apart: CCR CNDTR CPAR CMAR, reserved */
        unsigned ch = (off - 8) / 20 + 1, reg = (off - 8) % 20 / 4;
        if (reg == 4) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        uint32_t *c = chan(t, ch);
        if (rd) {
            *rd = c[reg];
            return SIM_BUS_OK;
        }
        bool enabled = c[0] & DMA_CCR_EN;
        if (reg != 0 && enabled)
            return SIM_BUS_OK; /* CNDTR, CPAR, CMAR are read-only while EN = 1 (§13.4.4) */
        c[reg] = reg == 0 ? *wr & 0x7FFFu : reg == 1 ? *wr & 0xFFFFu : *wr;
        if (reg == 1)
            t->per.dma_len[ch - 1] = c[1];
        if (reg == 0 && !enabled && (c[0] & DMA_CCR_EN) && (c[0] & DMA_CCR_MEM2MEM))
            while (channel_ready(t, ch))
                transfer_one(t, ch);
        return SIM_BUS_OK;
    }
    if (rd)
        *rd = off == 0 ? t->per.dma[0] : 0;
    else if (off == 4)
        t->per.dma[0] &= ~*wr; /* IFCR: writing 1 clears */
    return SIM_BUS_OK;
}

enum sim_bus_result f1_adc_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    if (rd) {
        *rd = off == 0x00 ? ADC_SR_EOC : off == 0x08 ? p->adc_cr2 : off == 0x4C ? ADC_DR_VALUE : 0;
        return SIM_BUS_OK;
    }
    if (off == 0x08) {
        bool was_running =
            (p->adc_cr2 & (ADC_CR2_ADON | ADC_CR2_CONT)) == (ADC_CR2_ADON | ADC_CR2_CONT);
        p->adc_cr2 = *wr;
        if (!was_running)
            p->adc_next = t->now + ADC_CONV_PS;
    }
    return SIM_BUS_OK;
}

void f1_dma_update(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t want = ADC_CR2_ADON | ADC_CR2_CONT | ADC_CR2_DMA;
    if ((p->adc_cr2 & want) != want)
        return;
    unsigned n = 0;
    while (p->adc_next <= t->now && n++ < MAX_REQUESTS_PER_UPDATE) {
        if (channel_ready(t, 1))
            transfer_one(t, 1);
        p->adc_next += ADC_CONV_PS;
    }
    if (p->adc_next <= t->now) /* far behind (a long stretch of time): skip ahead */
        p->adc_next = t->now + ADC_CONV_PS;
}
