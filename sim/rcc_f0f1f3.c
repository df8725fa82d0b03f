/*
 * The clock controller of the F0, F1 and F3 as firmware and debuggers see it through RCC_CR and
 * RCC_CFGR (RM0008 §7.2, §7.3.1, §7.3.2; RM0091 §6.2, §6.4.1, §6.4.2; RM0316 §9.2, §9.4.1,
 * §9.4.2; the three share the bit layout used here):
 * - an oscillator or the PLL reports ready (HSIRDY, HSERDY, PLLRDY) only once its start-up time
 *   has passed in virtual time; the HSE never starts on a board without a clock for it
 *   (--no-hse), and the PLL never locks with --no-pll-lock;
 * - a switch of SYSCLK (SW) takes effect (SWS) only when the selected source is ready, and then
 *   by itself (RM0008 §7.2.6: "the switch will occur when the clock source will be ready");
 * - the PLL's configuration (PLLSRC, PLLXTPRE, PLLMUL; the F0/F3 PREDIV in RCC_CFGR2) keeps its
 *   value while the PLL is on (RM0008 §7.2.3), and a source in use by SYSCLK, directly or
 *   through the PLL, cannot be switched off (RM0008 §7.3.1 HSION, HSEON, PLLON);
 * - the core clock and the flash wait-state check (sim/f1_flash.c) follow SWS.
 * Ready bits appear when the registers are read or written and after every stretch of
 * execution (periph_update), so a pending switch takes effect at the latest by the next probe
 * command.
 */
#include "target.h"

#define RCC_CR 0u
#define RCC_CFGR 1u
#define RCC_CFGR2 11u /* F0/F3 (RM0091 §6.4.12, RM0316 §9.4.12) */

#define CR_HSION (1u << 0)
#define CR_HSIRDY (1u << 1)
#define CR_HSEON (1u << 16)
#define CR_HSERDY (1u << 17)
#define CR_PLLON (1u << 24)
#define CR_PLLRDY (1u << 25)
#define CR_WRITABLE 0x010D00F9u /* HSION, HSITRIM, HSEON, HSEBYP, CSSON, PLLON */
#define CR_RESET 0x00000083u    /* HSION, HSIRDY, HSITRIM = 16 */

#define CFGR_SW_MASK 3u
#define CFGR_SWS_MASK (3u << 2)
#define CFGR_PLLSRC (1u << 16)
#define CFGR_PLLXTPRE (1u << 17)
#define CFGR_PLL_BITS 0x003F0000u /* PLLSRC, PLLXTPRE, PLLMUL[21:18] */
#define SW_HSI 0u
#define SW_HSE 1u
#define SW_PLL 2u

#define HSI_HZ 8000000u
/* The boards' HSE clock: the Blue Pill's 8 MHz crystal, the Discovery boards' 8 MHz from the
 * ST-LINK. */
#define HSE_HZ 8000000u

/* Start-up times, the datasheets' figures (DS5319 F103x8/xB, DS8668 F051, DS9118 F303xB/xC give
 * the same): tsu(HSI) 2 µs max (DS5319 Table 24), tSU(HSE) 2 ms typical for a crystal
 * (DS5319 Table 22), PLL tLOCK 200 µs max (DS5319 Table 36, "PLL characteristics"). */
#define HSI_STARTUP_PS (2ull * SIM_PS_PER_US)
#define HSE_STARTUP_PS (2ull * SIM_PS_PER_MS)
#define PLL_LOCK_PS (200ull * SIM_PS_PER_US)
#define NEVER UINT64_MAX

static uint32_t pll_input_hz(const struct sim_target *t)
{
    uint32_t cfgr = t->per.rcc[RCC_CFGR];
    if (!(cfgr & CFGR_PLLSRC))
        return HSI_HZ / 2u;
    if (t->family == &sim_family_f1) /* PLLXTPRE: HSE / 2 */
        return HSE_HZ / ((cfgr & CFGR_PLLXTPRE) ? 2u : 1u);
    return HSE_HZ / ((t->per.rcc[RCC_CFGR2] & 0xFu) + 1u); /* PREDIV */
}

static uint32_t sysclk_hz(const struct sim_target *t)
{
    uint32_t cfgr = t->per.rcc[RCC_CFGR];
    switch ((cfgr & CFGR_SWS_MASK) >> 2) {
    case SW_HSE:
        return HSE_HZ;
    case SW_PLL: {
        uint32_t mul = ((cfgr >> 18) & 0xFu) + 2u; /* PLLMUL: 0000 x2 .. 1110 and 1111 x16 */
        return pll_input_hz(t) * (mul > 16u ? 16u : mul);
    }
    default:
        return HSI_HZ;
    }
}

/* SYSCLK changed (or may have): the core clock (HCLK, after the AHB prescaler HPRE) and the
 * flash interface's wait-state check follow. */
static void clock_changed(struct sim_target *t)
{
    uint32_t sysclk = sysclk_hz(t);
    uint32_t hpre = (t->per.rcc[RCC_CFGR] >> 4) & 0xFu;
    static const uint16_t ahb_div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    t->sysclk_hz = sysclk;
    cortexm_set_clock_hz(t, (hpre & 8u) ? sysclk / ahb_div[hpre & 7u] : sysclk);
    f1_fpec_check_timing(t);
}

void rcc_f0f1f3_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    p->rcc[RCC_CR] = CR_RESET;
    p->rcc[RCC_CFGR] = 0;
    p->hsi_ready_at = 0;
    p->hse_ready_at = NEVER;
    p->pll_ready_at = NEVER;
    clock_changed(t);
}

static bool source_ready(uint32_t cr, uint32_t sw)
{
    switch (sw) {
    case SW_HSI:
        return cr & CR_HSIRDY;
    case SW_HSE:
        return cr & CR_HSERDY;
    case SW_PLL:
        return cr & CR_PLLRDY;
    default:
        return false; /* SW = 11: not allowed */
    }
}

void rcc_f0f1f3_settle(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t *cr = &p->rcc[RCC_CR], *cfgr = &p->rcc[RCC_CFGR];
    if (t->now >= p->hsi_ready_at)
        *cr |= CR_HSIRDY;
    if (t->now >= p->hse_ready_at)
        *cr |= CR_HSERDY;
    if (t->now >= p->pll_ready_at)
        *cr |= CR_PLLRDY;
    uint32_t sw = *cfgr & CFGR_SW_MASK;
    if (sw != (*cfgr & CFGR_SWS_MASK) >> 2 && source_ready(*cr, sw)) {
        *cfgr = (*cfgr & ~CFGR_SWS_MASK) | sw << 2;
        clock_changed(t);
    }
}

/* The oscillator enables SYSCLK depends on now, directly or through the PLL. */
static uint32_t enables_in_use(const struct sim_target *t)
{
    uint32_t cfgr = t->per.rcc[RCC_CFGR];
    switch ((cfgr & CFGR_SWS_MASK) >> 2) {
    case SW_HSE:
        return CR_HSEON;
    case SW_PLL:
        return CR_PLLON | ((cfgr & CFGR_PLLSRC) ? CR_HSEON : CR_HSION);
    default:
        return CR_HSION;
    }
}

static sim_ps later(sim_ps a, sim_ps b)
{
    return a > b ? a : b;
}

void rcc_f0f1f3_write_cr(struct sim_target *t, uint32_t val)
{
    struct sim_periph *p = &t->per;
    rcc_f0f1f3_settle(t);
    uint32_t old = p->rcc[RCC_CR];
    val = (val & CR_WRITABLE) | enables_in_use(t);
    uint32_t on = val & ~old, off = old & ~val;
    uint32_t rdy = old & (CR_HSIRDY | CR_HSERDY | CR_PLLRDY);
    if (on & CR_HSION)
        p->hsi_ready_at = t->now + HSI_STARTUP_PS;
    if (off & CR_HSION) {
        p->hsi_ready_at = NEVER;
        rdy &= ~CR_HSIRDY;
    }
    if (on & CR_HSEON)
        p->hse_ready_at = t->cfg.no_hse ? NEVER : t->now + HSE_STARTUP_PS;
    if (off & CR_HSEON) {
        p->hse_ready_at = NEVER;
        rdy &= ~CR_HSERDY;
    }
    if (on & CR_PLLON) {
        /* The PLL locks once its input runs: HSI/2, or the HSE (RM0008 §7.2.3). */
        sim_ps input = (p->rcc[RCC_CFGR] & CFGR_PLLSRC) ? p->hse_ready_at : p->hsi_ready_at;
        p->pll_ready_at =
            t->cfg.pll_no_lock || input == NEVER ? NEVER : later(input, t->now) + PLL_LOCK_PS;
    }
    if (off & CR_PLLON) {
        p->pll_ready_at = NEVER;
        rdy &= ~CR_PLLRDY;
    }
    p->rcc[RCC_CR] = val | rdy;
    rcc_f0f1f3_settle(t);
}

void rcc_f0f1f3_write_cfgr(struct sim_target *t, uint32_t val)
{
    struct sim_periph *p = &t->per;
    rcc_f0f1f3_settle(t);
    uint32_t old = p->rcc[RCC_CFGR];
    if (p->rcc[RCC_CR] & CR_PLLON)
        val = (val & ~CFGR_PLL_BITS) | (old & CFGR_PLL_BITS);
    p->rcc[RCC_CFGR] = (val & ~CFGR_SWS_MASK) | (old & CFGR_SWS_MASK); /* SWS: read-only */
    clock_changed(t); /* the AHB prescaler may have changed */
    rcc_f0f1f3_settle(t);
}

void rcc_f0f1f3_write_cfgr2(struct sim_target *t, uint32_t val)
{
    rcc_f0f1f3_settle(t);
    uint32_t *cfgr2 = &t->per.rcc[RCC_CFGR2];
    if (t->per.rcc[RCC_CR] & CR_PLLON) /* PREDIV keeps its value while the PLL is on */
        val = (val & ~0xFu) | (*cfgr2 & 0xFu);
    *cfgr2 = val;
    clock_changed(t);
}
