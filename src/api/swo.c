/* SWO trace: the target's ITM and TPIU set up for the probe's receiver (include/stflash/swo.h). */
#include "stflash/swo.h"
#include "api/dev.h"
#include "stlink/stlink_trace.h"

#define DEMCR 0xE000EDFCu
#define DEMCR_TRCENA (1u << 24)
#define ITM_TER 0xE0000E00u
#define ITM_TPR 0xE0000E40u
#define ITM_TCR 0xE0000E80u
#define ITM_LAR 0xE0000FB0u
#define ITM_LAR_KEY 0xC5ACCE55u
#define ITM_TCR_ITMENA (1u << 0)
#define ITM_TCR_SYNCENA (1u << 2)
#define ITM_TCR_TRACEBUSID(n) ((uint32_t)(n) << 16)
#define TPIU_CSPSR 0xE0040004u
#define TPIU_ACPR 0xE0040010u
#define TPIU_SPPR 0xE00400F0u
#define TPIU_FFCR 0xE0040304u
#define TPIU_SPPR_NRZ 2u
#define TPIU_FFCR_TRIGIN 0x100u /* formatter off (EnFCont clear) */
#define TPIU_ACPR_MAX 0x1FFFu   /* PRESCALER is 13 bits on the Cortex-M3/M4 TPIU */
#define DBGMCU_CR 0xE0042004u
#define DBGMCU_TRACE_IOEN (1u << 5)
#define DBGMCU_TRACE_MODE (3u << 6)
#define DEFAULT_BAUD 2000000u

/* CPUID PARTNO (bits [15:4]) of the ARMv6-M cores, which have no ITM. */
static bool armv6m(uint32_t cpuid)
{
    uint32_t part = (cpuid >> 4) & 0xFFFu;
    return part == 0xC20u || part == 0xC60u || part == 0xD20u; /* M0, M0+, M23 */
}

/* The divider giving the rate closest to the one asked, and that rate. */
static int pick_prescaler(struct stflash_dev *dev, uint32_t core_hz, uint32_t want, uint32_t *acpr,
                          uint32_t *baud)
{
    if (want == 0)
        want = core_hz < DEFAULT_BAUD ? core_hz : DEFAULT_BAUD;
    if (want > core_hz)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "SWO at %u baud is faster than the core clock (%u Hz): the TPIU divides "
                        "the core clock, give a lower baud rate",
                        want, core_hz);
    uint32_t div = (core_hz + want / 2u) / want;
    if (div == 0)
        div = 1;
    if (div - 1u > TPIU_ACPR_MAX)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "SWO at %u baud from a %u Hz core clock needs a divider of %u, above the "
                        "TPIU's %u: give a higher baud rate",
                        want, core_hz, div, TPIU_ACPR_MAX + 1u);
    *acpr = div - 1u;
    *baud = core_hz / div;
    return STFLASH_OK;
}

int stflash_swo_start(struct stflash_dev *dev, const struct stflash_swo_config *cfg,
                      uint32_t *baud_out)
{
    if (!dev || !cfg)
        return STFLASH_ERR_INVALID_ARG;
    if (cfg->core_hz == 0)
        return ctx_fail(dev->ctx, STFLASH_ERR_INVALID_ARG,
                        "the core clock is needed to set the SWO baud rate: give it (e.g. "
                        "8000000 for an STM32F1 running from its HSI after reset)");
    if (armv6m(dev->target.cpuid))
        return ctx_fail(dev->ctx, STFLASH_ERR_UNSUPPORTED,
                        "the core (CPUID 0x%08x) is ARMv6-M: it has no ITM and no SWO output",
                        dev->target.cpuid);
    uint32_t acpr = 0, baud = 0;
    int rc = pick_prescaler(dev, cfg->core_hz, cfg->baud, &acpr, &baud);
    if (rc)
        return rc;
    uint32_t demcr;
    rc = stflash_read32(dev, DEMCR, &demcr);
    if (rc == 0)
        rc = stflash_write32(dev, DEMCR, demcr | DEMCR_TRCENA);
    if (rc)
        return rc;
    /* The SWO pin: the STM32's DBGMCU_CR where the family has it at 0xE0042000. Other parts
     * (H7: 0x5C001000; M33 parts: 0xE0044000) route the pin by their own registers. */
    uint32_t cr;
    if (stflash_read32(dev, DBGMCU_CR, &cr) == 0)
        rc = stflash_write32(dev, DBGMCU_CR, (cr & ~DBGMCU_TRACE_MODE) | DBGMCU_TRACE_IOEN);
    if (rc)
        return rc;
    static const uint32_t tpiu_regs[] = {TPIU_CSPSR, TPIU_SPPR, TPIU_FFCR, TPIU_ACPR};
    uint32_t tpiu_vals[] = {1u, TPIU_SPPR_NRZ, TPIU_FFCR_TRIGIN, acpr};
    for (unsigned i = 0; rc == 0 && i < 4; i++)
        rc = stflash_write32(dev, tpiu_regs[i], tpiu_vals[i]);
    if (rc)
        return ctx_fail(dev->ctx, rc, "setting up the TPIU: %s", stflash_last_error(dev->ctx));
    /* The receiver listens before the ITM is enabled, so the first packets are not lost. */
    rc = stlink_trace_start(&dev->sl, baud);
    if (rc)
        return rc;
    static const uint32_t itm_regs[] = {ITM_LAR, ITM_TCR, ITM_TER, ITM_TPR};
    uint32_t itm_vals[] = {ITM_LAR_KEY, ITM_TCR_ITMENA | ITM_TCR_SYNCENA | ITM_TCR_TRACEBUSID(1),
                           cfg->ports ? cfg->ports : 0xFFFFFFFFu, 0xFu};
    for (unsigned i = 0; rc == 0 && i < 4; i++)
        rc = stflash_write32(dev, itm_regs[i], itm_vals[i]);
    if (rc)
        return ctx_fail(dev->ctx, rc, "setting up the ITM: %s", stflash_last_error(dev->ctx));
    if (baud_out)
        *baud_out = baud;
    return STFLASH_OK;
}

int stflash_swo_read(struct stflash_dev *dev, uint8_t *buf, size_t cap)
{
    if (!dev || (!buf && cap))
        return STFLASH_ERR_INVALID_ARG;
    return stlink_trace_read(&dev->sl, buf, cap);
}

int stflash_swo_stop(struct stflash_dev *dev)
{
    if (!dev)
        return STFLASH_ERR_INVALID_ARG;
    return stlink_trace_stop(&dev->sl);
}
