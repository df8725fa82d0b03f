/*
 * The clock controller and the regulator's voltage range of the G0, C0, L4, G4, WB and WL, as far
 * as the core clock and the flash's wait states go (RM0444 §5.2, §5.4; RM0490 §5.4; RM0351 §6.2,
 * §6.4, §5.4.1; RM0440 §7.2, §7.4, §6.4.1; RM0434 §7.4):
 * - the PLL reports ready (PLLRDY) only once its lock time has passed in virtual time, and never
 *   with --no-pll-lock; MSI, HSI16/HSI48 and the HSE report ready at once;
 * - a switch of SYSCLK (SW) takes effect (SWS) only when the selected source is ready;
 * - PLLCFGR's configuration (source, M, N, P, Q, R) keeps its value while the PLL is on or not
 *   yet stopped (RM0351 §6.4.4, RM0444 §5.4.4: "written only when the PLL is disabled"), and a
 *   source in use by SYSCLK cannot be switched off;
 * - PWR_CR1 (0x40007000; not on the WB, WL, C0) holds the voltage range VOS, range 1 after
 *   reset; without its clock (PWREN) it reads as zero and ignores writes;
 * - the flash is misread (sim_target_set_flash_misread) when HCLK is above what FLASH_ACR LATENCY
 *   allows in the voltage range in force, or above the range's limit: the tables of
 *   "Number of wait states according to CPU clock (HCLK) frequency" (RM0351 §3.3.3 Table 11,
 *   RM0444 §3.3.4, RM0440 §3.3.3 Table 9 normal mode, RM0490 §3.3.4, RM0434 §3.3.4,
 *   RM0453 §3.3.4).
 * Ready bits and pending switches settle when RCC is read or written and after every stretch of
 * execution (periph_update).
 */
#include "g0_l4.h"
#include "target.h"

#define CR_MSION (1u << 0)
#define CR_MSIRDY (1u << 1)
#define CR_MSIRGSEL (1u << 3)
#define CR_HSION (1u << 8)
#define CR_HSIRDY (1u << 10)
#define CR_HSEON (1u << 16)
#define CR_HSERDY (1u << 17)
#define CR_PLLON (1u << 24)
#define CR_PLLRDY (1u << 25)
/* PLLCFGR's enable bits (P, Q, R outputs: G0 16, 24, 28; L4/G4 16, 20, 24): writable always. */
#define PLLCFGR_ENABLES ((1u << 16) | (1u << 20) | (1u << 24) | (1u << 28))
#define PWR_CR1_RESET 0x00000200u /* VOS = 01: range 1 */

#define HSI16_HZ 16000000u
#define HSI48_HZ 48000000u
#define HSE_HZ 8000000u     /* the Nucleo boards' 8 MHz from the ST-LINK's MCO */
#define G4_HSE_HZ 24000000u /* the 24 MHz crystal of the Nucleo-G474RE (UM2505 §6.7.1) */
#define WB_HSE_HZ 32000000u /* the 32 MHz HSE32 crystal of the Nucleo-WB55RG (UM2435 §7.6) */
/* PLL lock time: 40 µs at most (DS10198, DS12232, DS12288 "PLL characteristics" tLOCK). */
#define PLL_LOCK_PS (40ull * SIM_PS_PER_US)
#define NEVER UINT64_MAX

static uint32_t hse_hz(const struct sim_target *t)
{
    return is_g4(t) ? G4_HSE_HZ : is_wb_wl(t) ? WB_HSE_HZ : HSE_HZ;
}

/* MSI ranges 0-11 (RM0351 §6.4.1). */
static const uint32_t msi_hz[12] = {100000u,  200000u,  400000u,   800000u,   1000000u,  2000000u,
                                    4000000u, 8000000u, 16000000u, 24000000u, 32000000u, 48000000u};

static uint32_t pll_hz(struct sim_target *t, uint32_t src_hz)
{
    uint32_t pll = *rcc(t, RCC_PLLCFGR);
    /* PLLM [6:4] + 1; [7:4] + 1 on the G4 (RM0440 §7.4.4). */
    uint32_t m = ((pll >> 4) & (is_g4(t) ? 0xFu : 7u)) + 1u, n = (pll >> 8) & 0x7Fu;
    /* PLLR: G0 and WB [31:29] + 1 (RM0444 §5.4.4, RM0434 §7.4.4); L4 and G4 [26:25],
     * (R + 1) * 2 (RM0351 §6.4.4, RM0440 §7.4.4). */
    uint32_t r = is_g0(t) || is_wb_wl(t) ? ((pll >> 29) & 7u) + 1u : (((pll >> 25) & 3u) + 1u) * 2u;
    return n ? (uint32_t)((uint64_t)src_hz * n / m / r) : src_hz;
}

/* SWS's field: G0 [5:3] from SW [2:0], the others [3:2] from SW [1:0]. */
static unsigned sws(const struct sim_target *t, uint32_t cfgr)
{
    return is_g0(t) ? (cfgr >> 3) & 7u : (cfgr >> 2) & 3u;
}

/* The SW value meaning the PLL: G0 010, the others 11. */
static unsigned sw_pll(const struct sim_target *t)
{
    return is_g0(t) ? 2u : 3u;
}

static uint32_t core_clock_hz(struct sim_target *t)
{
    uint32_t cr = *rcc(t, RCC_CR), cfgr = *rcc(t, RCC_CFGR), sysclk;
    uint32_t range = ((cr & CR_MSIRGSEL) ? (cr >> 4) : (*rcc(t, L4_RCC_CSR) >> 8)) & 0xFu;
    uint32_t msi = msi_hz[range < 12u ? range : 11u];
    if (is_g0(t)) {
        /* HSIDIV; the C0's HSI runs at 48 MHz (RM0490 RCC: HSI48) */
        uint32_t hsisys = (is_c0(t) ? HSI48_HZ : HSI16_HZ) >> ((cr >> 11) & 7u);
        switch (sws(t, cfgr)) {
        case 1:
            sysclk = hse_hz(t);
            break;
        case 2:
            sysclk = pll_hz(t, (*rcc(t, RCC_PLLCFGR) & 3u) == 3u ? hse_hz(t) : HSI16_HZ);
            break;
        default:
            sysclk = hsisys;
            break;
        }
    } else {
        uint32_t src = *rcc(t, RCC_PLLCFGR) & 3u;
        switch (sws(t, cfgr)) {
        case 1:
            sysclk = HSI16_HZ;
            break;
        case 2:
            sysclk = hse_hz(t);
            break;
        case 3:
            sysclk = pll_hz(t, src == 1 ? msi : src == 3 ? hse_hz(t) : HSI16_HZ);
            break;
        default:
            sysclk = msi;
            break;
        }
    }
    uint32_t hpre = (cfgr >> (is_g0(t) ? 8 : 4)) & 0xFu;
    static const uint16_t ahb_div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    return (hpre & 8u) ? sysclk / ahb_div[hpre & 7u] : sysclk;
}

/* The highest HCLK, in MHz, for 0, 1, 2 ... wait states in voltage ranges 1 and 2 (0 ends a
 * row; the last entry is the range's limit). */
struct ws_table {
    uint8_t range1[8], range2[8];
};
static const struct ws_table l4_ws = {{16, 32, 48, 64, 80}, {6, 12, 18, 26}};
static const struct ws_table g0_ws = {{24, 48, 64}, {8, 16}};
static const struct ws_table c0_ws = {{24, 48}, {0}}; /* one voltage range only */
static const struct ws_table g4_ws = {{30, 60, 90, 120, 150}, {12, 24, 26}};
static const struct ws_table wb_ws = {{18, 36, 54, 64}, {6, 12, 16}};
static const struct ws_table wl_ws = {{18, 36, 48}, {6, 12, 16}};

static const struct ws_table *ws_table(const struct sim_target *t)
{
    return is_c0(t)   ? &c0_ws
           : is_g0(t) ? &g0_ws
           : is_g4(t) ? &g4_ws
           : is_wb(t) ? &wb_ws
           : is_wl(t) ? &wl_ws
                      : &l4_ws;
}

static bool range2(const struct sim_target *t)
{
    return !is_wb_wl(t) && !is_c0(t) && ((t->per.pwr[0] >> 9) & 3u) == 2u;
}

void rcc_g0l4_check_timing(struct sim_target *t)
{
    const uint8_t *row = range2(t) ? ws_table(t)->range2 : ws_table(t)->range1;
    unsigned last = 0; /* the range's limit: more wait states than its row has allow no more */
    while (last + 1u < sizeof ws_table(t)->range1 && row[last + 1u])
        last++;
    uint32_t latency = t->l4f.acr & 0xFu;
    uint64_t max_mhz = row[latency < last ? latency : last];
    sim_target_set_flash_misread(t, t->core_hz > max_mhz * 1000000u);
}

static void clock_changed(struct sim_target *t)
{
    cortexm_set_clock_hz(t, core_clock_hz(t));
    rcc_g0l4_check_timing(t);
}

static bool source_ready(const struct sim_target *t, uint32_t cr, unsigned sw)
{
    if (is_g0(t)) /* 000 HSISYS, 001 HSE, 010 PLLRCLK */
        return sw == 0 ? cr & CR_HSIRDY : sw == 1 ? cr & CR_HSERDY : sw == 2 ? cr & CR_PLLRDY : 0;
    switch (sw) { /* 00 MSI, 01 HSI16, 10 HSE, 11 PLL */
    case 0:
        return cr & CR_MSIRDY;
    case 1:
        return cr & CR_HSIRDY;
    case 2:
        return cr & CR_HSERDY;
    default:
        return cr & CR_PLLRDY;
    }
}

void rcc_g0l4_settle(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t *cr = rcc(t, RCC_CR), *cfgr = rcc(t, RCC_CFGR);
    if ((*cr & CR_PLLON) && t->now >= p->pll_ready_at)
        *cr |= CR_PLLRDY;
    unsigned sw = *cfgr & (is_g0(t) ? 7u : 3u);
    if (sw != sws(t, *cfgr) && source_ready(t, *cr, sw)) {
        *cfgr = is_g0(t) ? (*cfgr & ~0x38u) | sw << 3 : (*cfgr & ~0xCu) | sw << 2;
        clock_changed(t);
    }
}

void rcc_g0l4_reset(struct sim_target *t, uint32_t csr)
{
    if (is_c0(t)) {
        /* HSION, HSIRDY; HSIDIV /4: HSISYS 12 MHz (RM0490 RCC_CR) */
        *rcc(t, RCC_CR) = 0x00001500u;
        *rcc(t, 0x38u) = 0x00000100u;                  /* RCC_AHBENR: FLASHEN */
        *rcc(t, G0_RCC_CSR) = csr ? csr : 0x0C000000u; /* RCC_CSR2: PWRRSTF | PINRSTF */
    } else if (is_g0(t)) {
        *rcc(t, RCC_CR) = 0x00000500u;                 /* HSION, HSIRDY; HSISYS = HSI16 */
        *rcc(t, 0x38u) = 0x00000100u;                  /* RCC_AHBENR: FLASHEN */
        *rcc(t, G0_RCC_CSR) = csr ? csr : 0x0C000000u; /* PWRRSTF | PINRSTF */
    } else if (is_g4(t)) {
        /* RM0440 §7.4.1, §7.4.3: HSION, HSIRDY; SW = SWS = HSI16 (there is no MSI). */
        *rcc(t, RCC_CR) = 0x00000500u;
        *rcc(t, RCC_CFGR) = 0x00000005u;
        *rcc(t, 0x48u) = 0x00000100u;                  /* RCC_AHB1ENR: FLASHEN */
        *rcc(t, L4_RCC_CSR) = csr ? csr : 0x0C000000u; /* BORRSTF | PINRSTF */
    } else {
        *rcc(t, RCC_CR) = 0x00000063u;                 /* MSION, MSIRDY, MSIRANGE 6 (4 MHz) */
        *rcc(t, 0x48u) = 0x00000100u;                  /* RCC_AHB1ENR: FLASHEN */
        *rcc(t, L4_RCC_CSR) = csr ? csr : 0x0C000600u; /* BORRSTF | PINRSTF, MSISRANGE 6 */
    }
    *rcc(t, RCC_PLLCFGR) = 0x00001000u;
    t->per.pll_ready_at = NEVER;
    t->per.pwr[0] = PWR_CR1_RESET;
    clock_changed(t);
}

uint32_t rcc_g0l4_read(struct sim_target *t, uint32_t off)
{
    rcc_g0l4_settle(t);
    return *rcc(t, off);
}

/* The enables of the oscillators SYSCLK runs from now, directly or through the PLL. */
static uint32_t enables_in_use(struct sim_target *t)
{
    uint32_t cfgr = *rcc(t, RCC_CFGR), src = *rcc(t, RCC_PLLCFGR) & 3u;
    unsigned s = sws(t, cfgr);
    if (s == sw_pll(t)) {
        uint32_t in = src == 1 && !is_g0(t) ? CR_MSION : src == 3 ? CR_HSEON : CR_HSION;
        return CR_PLLON | in;
    }
    if (is_g0(t))
        return s == 1 ? CR_HSEON : CR_HSION;
    return s == 0 ? CR_MSION : s == 1 ? CR_HSION : CR_HSEON;
}

static void write_cr(struct sim_target *t, uint32_t val)
{
    struct sim_periph *p = &t->per;
    uint32_t old = *rcc(t, RCC_CR);
    val |= enables_in_use(t);
    if (is_g0(t))
        val |= CR_HSION; /* HSISYS always runs on the G0 and C0 (RM0444 §5.4.1) */
    /* Ready bits: the oscillators at once, the PLL after its lock time. */
    uint32_t ready = 0;
    if (val & CR_MSION && !is_g0(t) && !is_g4(t))
        ready |= CR_MSIRDY;
    if (val & CR_HSION)
        ready |= CR_HSIRDY;
    if (val & CR_HSEON)
        ready |= CR_HSERDY;
    if ((val & CR_PLLON) && !(old & CR_PLLON))
        p->pll_ready_at = t->cfg.pll_no_lock ? NEVER : t->now + PLL_LOCK_PS;
    if (!(val & CR_PLLON))
        p->pll_ready_at = NEVER;
    else if (old & CR_PLLRDY)
        ready |= CR_PLLRDY;
    *rcc(t, RCC_CR) = (val & ~(CR_MSIRDY | CR_HSIRDY | CR_HSERDY | CR_PLLRDY)) | ready;
    clock_changed(t);
}

void rcc_g0l4_write(struct sim_target *t, uint32_t off, uint32_t val)
{
    rcc_g0l4_settle(t);
    uint32_t *reg = rcc(t, off);
    switch (off) {
    case RCC_CR:
        write_cr(t, val);
        break;
    case RCC_CFGR: { /* SWS is read-only: it follows SW when the source is ready */
        uint32_t sws_mask = is_g0(t) ? 0x38u : 0xCu;
        *reg = (val & ~sws_mask) | (*reg & sws_mask);
        clock_changed(t);
        break;
    }
    case RCC_PLLCFGR:
        if (*rcc(t, RCC_CR) & (CR_PLLON | CR_PLLRDY))
            val = (*reg & ~PLLCFGR_ENABLES) | (val & PLLCFGR_ENABLES);
        *reg = val;
        clock_changed(t);
        break;
    default:
        if (off == rcc_csr_off(t)) /* RMVF (bit 23) clears the reset flags */
            *reg = (val & (1u << 23)) ? *reg & 0x00FFFFFFu
                                      : (*reg & 0xFE000000u) | (val & 0x00FFFFFFu);
        else
            *reg = val;
        break;
    }
    rcc_g0l4_settle(t);
}

enum sim_bus_result rcc_g0l4_pwr_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                        const uint32_t *wr)
{
    uint32_t enr = *rcc(t, is_g0(t) ? G0_RCC_APBENR1 : L4_RCC_APB1ENR1);
    bool clocked = enr & (1u << 28); /* PWREN */
    if (rd) {
        *rd = clocked && off == 0 ? t->per.pwr[0] : 0;
        return SIM_BUS_OK;
    }
    if (clocked && off == 0) {
        uint32_t vos = (*wr >> 9) & 3u;
        /* VOS 00 and 11 are not allowed: the field keeps its value */
        t->per.pwr[0] =
            vos == 1u || vos == 2u ? *wr : (*wr & ~(3u << 9)) | (t->per.pwr[0] & (3u << 9));
        rcc_g0l4_check_timing(t);
    }
    return SIM_BUS_OK;
}
