/*
 * The clock controller of the F4 and F7 families as far as the core clock and the flash's wait
 * states go (RM0090 §6.2, §6.3.1-§6.3.3; RM0383 §6.3; RM0410 §5.3):
 * - the main PLL reports ready (PLLRDY) only once its lock time has passed in virtual time, and
 *   never with --no-pll-lock; HSI, HSE, PLLI2S and PLLSAI report ready at once;
 * - a switch of SYSCLK (SW) takes effect (SWS) only when the selected source is ready;
 * - PLLCFGR keeps its value while the PLL is on ("written only when the PLL is disabled",
 *   RM0090 §6.3.2), and the PLL cannot be stopped while it is SYSCLK (§6.3.1);
 * - the flash is misread (sim_target_set_flash_misread) when HCLK is above what FLASH_ACR
 *   LATENCY allows at the board's supply voltage: RM0090 §3.5.1 Tables 10 and 11, RM0410 §3.3.2
 *   Table 7 (30, 24, 22, 20 MHz per wait state from 2.7, 2.4, 2.1 and 1.8 V), RM0383 §3.4.1
 *   Table 6 (30, 24, 18, 16 MHz: the F411).
 * Ready bits and pending switches settle when RCC is read or written and after every stretch of
 * execution (periph_update).
 */
#include "target.h"

#define RCC_CR 0u
#define RCC_PLLCFGR 1u
#define RCC_CFGR 2u
#define CR_HSION (1u << 0)
#define CR_HSEON (1u << 16)
#define CR_PLLON (1u << 24)
#define CR_PLLRDY (1u << 25)
#define CR_WRITABLE 0x150D00F9u
#define SW_PLL 2u
#define HSI_HZ 16000000u
#define HSE_HZ 8000000u /* the boards' 8 MHz crystal or the ST-LINK's MCO */
/* Main PLL lock time: 100 µs (DS8626, DS10314, DS11532 "Main PLL characteristics" tLOCK, at
 * VCO frequencies up to 432 MHz: 75 to 300 µs). */
#define PLL_LOCK_PS (100ull * SIM_PS_PER_US)
#define NEVER UINT64_MAX

/* SYSCLK from SWS (HSI, HSE, or the main PLL: source / PLLM * PLLN / PLLP), then the AHB
 * prescaler (RM0090 §6.3.2, §6.3.3). */
static uint32_t core_clock_hz(const struct sim_target *t)
{
    uint32_t cfgr = t->per.rcc[RCC_CFGR], pll = t->per.rcc[RCC_PLLCFGR];
    uint64_t sysclk;
    switch ((cfgr >> 2) & 3u) {
    case 1:
        sysclk = HSE_HZ;
        break;
    case 2: {
        uint32_t m = pll & 0x3Fu, n = (pll >> 6) & 0x1FFu, p = (((pll >> 16) & 3u) + 1u) * 2u;
        uint64_t src = (pll & (1u << 22)) ? HSE_HZ : HSI_HZ;
        sysclk = (m >= 2 && n >= 2) ? src * n / m / p : HSI_HZ;
        break;
    }
    default:
        sysclk = HSI_HZ;
        break;
    }
    uint32_t hpre = (cfgr >> 4) & 0xFu;
    static const uint16_t ahb_div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    if (hpre & 8u)
        sysclk /= ahb_div[hpre & 7u];
    return sysclk > 0 && sysclk <= 0xFFFFFFFFu ? (uint32_t)sysclk : HSI_HZ;
}

/* MHz per wait state at the board's supply voltage. */
static uint32_t mhz_per_ws(const struct sim_target *t)
{
    bool f411 = t->family == &sim_family_f411;
    uint32_t mv = t->cfg.voltage_mv;
    if (mv >= 2700)
        return 30;
    if (mv >= 2400)
        return 24;
    if (mv >= 2100)
        return f411 ? 18 : 22;
    return f411 ? 16 : 20;
}

void rcc_f4_check_timing(struct sim_target *t)
{
    uint64_t latency = t->f4.acr & t->family->f4.latency_mask;
    sim_target_set_flash_misread(t, t->core_hz > mhz_per_ws(t) * 1000000ull * (latency + 1u));
}

static void clock_changed(struct sim_target *t)
{
    cortexm_set_clock_hz(t, core_clock_hz(t));
    rcc_f4_check_timing(t);
}

void rcc_f4_settle(struct sim_target *t)
{
    uint32_t *r = t->per.rcc;
    if ((r[RCC_CR] & CR_PLLON) && t->now >= t->per.pll_ready_at)
        r[RCC_CR] |= CR_PLLRDY;
    uint32_t sw = r[RCC_CFGR] & 3u;
    bool ready = sw == 0   ? r[RCC_CR] & (1u << 1)
                 : sw == 1 ? r[RCC_CR] & (1u << 17)
                           : sw == SW_PLL && (r[RCC_CR] & CR_PLLRDY);
    if (sw != ((r[RCC_CFGR] >> 2) & 3u) && ready) {
        r[RCC_CFGR] = (r[RCC_CFGR] & ~0xCu) | sw << 2;
        clock_changed(t);
    }
}

void rcc_f4_reset(struct sim_target *t)
{
    t->per.rcc[RCC_CR] = 0x00000083u; /* HSION, HSIRDY, HSITRIM = 16 */
    t->per.rcc[RCC_PLLCFGR] = 0x24003010u;
    t->per.rcc[RCC_CFGR] = 0;
    t->per.pll_ready_at = NEVER;
    clock_changed(t);
}

uint32_t rcc_f4_read(struct sim_target *t, unsigned reg)
{
    rcc_f4_settle(t);
    return t->per.rcc[reg];
}

/* RCC_CR, RCC_PLLCFGR and RCC_CFGR; false for the other registers. */
bool rcc_f4_write(struct sim_target *t, unsigned reg, uint32_t val)
{
    uint32_t *r = t->per.rcc;
    rcc_f4_settle(t);
    switch (reg) {
    case RCC_CR: {
        uint32_t sws = (r[RCC_CFGR] >> 2) & 3u;
        /* The oscillator SYSCLK runs from, directly or through the PLL, stays on. */
        if (sws == 0)
            val |= CR_HSION;
        else if (sws == 1)
            val |= CR_HSEON;
        else
            val |= CR_PLLON | ((r[RCC_PLLCFGR] & (1u << 22)) ? CR_HSEON : CR_HSION);
        /* Ready bits: the oscillators and the other PLLs at once, the main PLL after its lock
         * time. HSI, HSE, PLLI2S, PLLSAI: each ON bit followed by its RDY bit. */
        uint32_t ready = 0;
        static const unsigned on_bits[] = {0, 16, 26, 28};
        for (unsigned i = 0; i < sizeof on_bits / sizeof on_bits[0]; i++)
            if (val & (1u << on_bits[i]))
                ready |= 1u << (on_bits[i] + 1u);
        if ((val & CR_PLLON) && !(r[RCC_CR] & CR_PLLON))
            t->per.pll_ready_at = t->cfg.pll_no_lock ? NEVER : t->now + PLL_LOCK_PS;
        if (!(val & CR_PLLON))
            t->per.pll_ready_at = NEVER;
        else if (r[RCC_CR] & CR_PLLRDY)
            ready |= CR_PLLRDY;
        r[RCC_CR] = (val & CR_WRITABLE) | ready;
        break;
    }
    case RCC_CFGR: /* SWS is read-only: it follows SW when the source is ready */
        r[RCC_CFGR] = (val & ~0xCu) | (r[RCC_CFGR] & 0xCu);
        clock_changed(t);
        break;
    case RCC_PLLCFGR:
        if (!(r[RCC_CR] & (CR_PLLON | CR_PLLRDY)))
            r[RCC_PLLCFGR] = val;
        break;
    default:
        return false;
    }
    rcc_f4_settle(t);
    return true;
}
