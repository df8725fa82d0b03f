/*
 * The clock recipes of flash/clock.h, per family: how each reaches a faster SYSCLK from its reset
 * clock without an external clock, the wait states first.
 *
 * WB and WL are left at their reset clock: their second core (the radio stack's) shares SYSCLK
 * and the flash with the one being programmed. The L5/U5/H5 start in a low voltage range that a
 * faster clock would have to raise; the L0/L1 and H7 have no recipe yet.
 */
#include "flash/clock.h"

/* F0/F1/F3 (RM0008 §7.3.1-7.3.2, RM0091 §6.4.1-2, RM0316 §9.4.1-2): RCC_CR, RCC_CFGR; the PLL
 * fed with HSI/2 (PLLSRC = 0), PLLMUL [21:18]. */
#define FPEC_CR 0x40021000u
#define FPEC_CFGR 0x40021004u
#define FPEC_CR_PLLON (1u << 24)
#define FPEC_CR_PLLRDY (1u << 25)
#define FPEC_CFGR_PLL 0x003F0000u /* PLLSRC, PLLXTPRE, PLLMUL */
#define FPEC_PLLMUL(x) ((uint32_t)((x)-2) << 18)
#define FPEC_PPRE1 (7u << 8)
#define FPEC_PPRE1_DIV2 (4u << 8)
#define FPEC_ACR_PRFTBE (1u << 4)

/* Guards: SYSCLK from HSI undivided (SW, SWS, HPRE zero), the PLL off. */
#define FPEC_GUARDS                                                                                \
    {                                                                                              \
        {FPEC_CFGR, 0xFFu, 0u},                                                                    \
        {                                                                                          \
            FPEC_CR, FPEC_CR_PLLON | FPEC_CR_PLLRDY, 0u                                            \
        }                                                                                          \
    }

/* Steps: wait states, the PLL's configuration, the PLL on, SYSCLK switched to it. */
#define FPEC_STEPS(acr_mask, acr_bits, cfgr_mask, cfgr_bits)                                       \
    {                                                                                              \
        {CLOCK_REG_ACR, acr_mask, acr_bits, 0, 0, 0, false},                                       \
            {FPEC_CFGR, cfgr_mask, cfgr_bits, 0, 0, 0, false}, {FPEC_CR,        FPEC_CR_PLLON,     \
                                                                FPEC_CR_PLLON,  FPEC_CR,           \
                                                                FPEC_CR_PLLRDY, FPEC_CR_PLLRDY,    \
                                                                false},                            \
        {                                                                                          \
            FPEC_CFGR, 3u, 2u, FPEC_CFGR, 3u << 2, 2u << 2, true                                   \
        }                                                                                          \
    }

/* F100 (value line): 24 MHz at most (RM0041 §6.2), zero wait states (its FLASH_ACR has no
 * LATENCY). Every other F1: HSI/2 x 9 = 36 MHz, one wait state above 24 MHz and the prefetch
 * buffer on (RM0008 §3.3.3). Not more: the F101 (36 MHz at most) answers with the DEV_ID of the
 * F103 and cannot be told apart from it, and x9 is a multiplier the connectivity line (F105/F107,
 * whose PLLMUL lacks x16) has too (RM0008 §8.3.2). F0: 48 MHz at most (RM0091 §6.2), one wait
 * state above 24 MHz (RM0091 §3.5.1). F3: 64 MHz, two wait states above 48 MHz (RM0316 §4.5.1),
 * APB1 at most 36 MHz (RM0316 §9.2). */
const struct flash_clock_recipe flash_clock_fpec[] = {
    {STFLASH_FAMILY_F1,
     0x420,
     "PLL from HSI/2",
     24000000u,
     {0},
     FPEC_GUARDS,
     FPEC_STEPS(0u, 0u, FPEC_CFGR_PLL, FPEC_PLLMUL(6))},
    {STFLASH_FAMILY_F1,
     0x428,
     "PLL from HSI/2",
     24000000u,
     {0},
     FPEC_GUARDS,
     FPEC_STEPS(0u, 0u, FPEC_CFGR_PLL, FPEC_PLLMUL(6))},
    {STFLASH_FAMILY_F1,
     0,
     "PLL from HSI/2",
     36000000u,
     {0},
     FPEC_GUARDS,
     FPEC_STEPS(7u | FPEC_ACR_PRFTBE, 1u | FPEC_ACR_PRFTBE, FPEC_CFGR_PLL, FPEC_PLLMUL(9))},
    {STFLASH_FAMILY_F0,
     0,
     "PLL from HSI/2",
     48000000u,
     {0},
     FPEC_GUARDS,
     FPEC_STEPS(7u | FPEC_ACR_PRFTBE, 1u | FPEC_ACR_PRFTBE, FPEC_CFGR_PLL, FPEC_PLLMUL(12))},
    {STFLASH_FAMILY_F3,
     0,
     "PLL from HSI/2",
     64000000u,
     {0},
     FPEC_GUARDS,
     FPEC_STEPS(7u | FPEC_ACR_PRFTBE, 2u | FPEC_ACR_PRFTBE, FPEC_CFGR_PLL | FPEC_PPRE1,
                FPEC_PLLMUL(16) | FPEC_PPRE1_DIV2)},
    {STFLASH_FAMILY_UNKNOWN, 0, NULL, 0, {0}, {{0}}, {{0}}},
};

/* The RCC of the L4, L4+, G0, G4 and C0 at 0x40021000: RCC_CR +0x00, RCC_CFGR +0x08, RCC_PLLCFGR
 * +0x0C (RM0351 §6.4, RM0432 §6.4, RM0444 §5.4, RM0440 §7.4, RM0490 §5.4). */
#define L4_CR 0x40021000u
#define L4_CFGR 0x40021008u
#define L4_PLLCFGR 0x4002100Cu
#define L4_CR_MSION (1u << 0)
#define L4_CR_MSIRDY (1u << 1)
#define L4_CR_MSIRGSEL (1u << 3)
#define L4_CR_MSIRANGE(r) ((uint32_t)(r) << 4)
#define L4_CR_HSIRDY (1u << 10)
#define G0_CR_HSIDIV(d) ((uint32_t)(d) << 11)
#define L4_CR_PLLON (1u << 24)
#define L4_CR_PLLRDY (1u << 25)
/* The power controller's PWR_CR1 at 0x40007000, VOS [10:9] = 01: range 1, the reset value
 * (RM0351 §5.4.1, RM0444 §4.4.1, RM0440 §6.4.1); its clock PWREN is bit 28 of RCC_APB1ENR1
 * (+0x58: RM0351 §6.4.19, RM0440 §7.4.17) or RCC_APBENR1 (+0x3C: RM0444 §5.4.15). */
#define PWR_CR1 0x40007000u
#define PWR_VOS_RANGE1 (1u << 9)
#define PWR_VOS_MASK (3u << 9)
#define VOS_RANGE1(enr)                                                                            \
    {                                                                                              \
        enr, 1u << 28, PWR_CR1, PWR_VOS_MASK, PWR_VOS_RANGE1                                       \
    }

/* Wait states first, then checked as the reference manuals ask ("check that the new number of
 * wait states is taken into account by reading FLASH_ACR": RM0351 §3.3.3, RM0444 §3.3.4,
 * RM0440 §3.3.3, RM0490 §3.3.4). */
#define ACR_STEP(mask, ws)                                                                         \
    {                                                                                              \
        CLOCK_REG_ACR, mask, ws, CLOCK_REG_ACR, mask, ws, false                                    \
    }

/* L4: MSI range 11 (48 MHz, RM0351 §6.2.3; MSIRANGE may change while MSIRDY is set, and MSIRGSEL
 * makes RCC_CR's range the one in use), two wait states in range 1 (RM0351 §3.3.3 Table 11:
 * 16 MHz per wait state). The guards: SYSCLK from MSI undivided (CFGR SW, SWS, HPRE zero), MSI
 * on and ready with the range of RCC_CSR (MSIRGSEL clear), the PLL off. L4+: the same, its
 * LATENCY four bits wide (RM0432 §3.3.3 Table 12: 20 MHz per wait state in range 1). */
#define MSI48_GUARDS                                                                               \
    {                                                                                              \
        {L4_CFGR, 0xFFu, 0u},                                                                      \
        {                                                                                          \
            L4_CR, L4_CR_MSION | L4_CR_MSIRDY | L4_CR_MSIRGSEL | L4_CR_PLLON,                      \
                L4_CR_MSION | L4_CR_MSIRDY                                                         \
        }                                                                                          \
    }
#define MSI48_STEPS(acr_mask)                                                                      \
    {                                                                                              \
        ACR_STEP(acr_mask, 2u),                                                                    \
        {                                                                                          \
            L4_CR, L4_CR_MSIRANGE(0xF) | L4_CR_MSIRGSEL, L4_CR_MSIRANGE(11) | L4_CR_MSIRGSEL,      \
                L4_CR, L4_CR_MSIRDY, L4_CR_MSIRDY, true                                            \
        }                                                                                          \
    }

/* G0 and G4: the PLL from HSI16 /1 x 8 /2 = 64 MHz (VCO 128 MHz: RM0444 §5.2.4 and RM0440 §7.2.4
 * allow 64-344 and 96-344 MHz), PLLR out; two wait states in range 1 (RM0444 §3.3.4: 24 MHz per
 * wait state; RM0440 §3.3.3 Table 9: 30 MHz per wait state). PLLCFGR is written with the PLL
 * off and ready bit clear (RM0444 §5.4.4), so putting it back waits for PLLRDY to clear. G0:
 * PLLSRC [1:0] = 10, PLLM [6:4], PLLN [14:8], PLLREN bit 28, PLLR [31:29] = 001 (/2); SW [2:0] =
 * 010, SWS [5:3]. G4: PLLM [7:4], PLLREN bit 24, PLLR [26:25] = 00 (/2); SW [1:0] = 11,
 * SWS [3:2], reset SW = SWS = 01 (HSI16). */
#define G0_PLLCFGR_MASK (3u | (7u << 4) | (0x7Fu << 8) | (1u << 28) | (7u << 29))
#define G0_PLLCFGR_64 (2u | (8u << 8) | (1u << 28) | (1u << 29))
#define G4_PLLCFGR_MASK (3u | (0xFu << 4) | (0x7Fu << 8) | (1u << 24) | (3u << 25))
#define G4_PLLCFGR_64 (2u | (8u << 8) | (1u << 24))
#define PLL_STEPS(acr_mask, pll_mask, pll_bits, sw_mask, sw_pll, sws_mask, sws_pll)                \
    {                                                                                              \
        ACR_STEP(acr_mask, 2u), {L4_PLLCFGR, pll_mask, pll_bits, 0, 0, 0, false},                  \
            {L4_CR, L4_CR_PLLON, L4_CR_PLLON, L4_CR, L4_CR_PLLRDY, L4_CR_PLLRDY, true},            \
        {                                                                                          \
            L4_CFGR, sw_mask, sw_pll, L4_CFGR, sws_mask, sws_pll, true                             \
        }                                                                                          \
    }

/* C0: HSISYS = HSI48 / HSIDIV, /4 (12 MHz) after reset; /1 gives 48 MHz with one wait state
 * (RM0490 §3.3.4: 24 MHz per wait state). The C0 has one voltage range. */

const struct flash_clock_recipe flash_clock_l4_style[] = {
    {STFLASH_FAMILY_L4, 0, "MSI range 11", 48000000u, VOS_RANGE1(0x40021058u), MSI48_GUARDS,
     MSI48_STEPS(7u)},
    {STFLASH_FAMILY_L4P, 0, "MSI range 11", 48000000u, VOS_RANGE1(0x40021058u), MSI48_GUARDS,
     MSI48_STEPS(0xFu)},
    {STFLASH_FAMILY_G0,
     0,
     "PLL from HSI16",
     64000000u,
     VOS_RANGE1(0x4002103Cu),
     /* SYSCLK from HSISYS (SW, SWS, HPRE, PPRE zero), HSIDIV /1, HSI16 ready, the PLL off */
     {{L4_CFGR, 0x7F3Fu, 0u}, {L4_CR, G0_CR_HSIDIV(7) | L4_CR_HSIRDY | L4_CR_PLLON, L4_CR_HSIRDY}},
     PLL_STEPS(7u, G0_PLLCFGR_MASK, G0_PLLCFGR_64, 7u, 2u, 7u << 3, 2u << 3)},
    {STFLASH_FAMILY_G4,
     0,
     "PLL from HSI16",
     64000000u,
     VOS_RANGE1(0x40021058u),
     /* SYSCLK from HSI16 (SW = SWS = 01; HPRE, PPRE1, PPRE2 zero), HSI16 ready, the PLL off */
     {{L4_CFGR, 0x3FFFu, 0x5u}, {L4_CR, L4_CR_HSIRDY | L4_CR_PLLON, L4_CR_HSIRDY}},
     PLL_STEPS(0xFu, G4_PLLCFGR_MASK, G4_PLLCFGR_64, 3u, 3u, 3u << 2, 3u << 2)},
    {STFLASH_FAMILY_C0,
     0,
     "HSI48 undivided",
     48000000u,
     {0},
     /* SYSCLK from HSISYS (SW, SWS, HPRE, PPRE zero), HSIDIV /4 as after reset, HSI48 ready */
     {{L4_CFGR, 0x7F3Fu, 0u},
      {L4_CR, G0_CR_HSIDIV(7) | L4_CR_HSIRDY, G0_CR_HSIDIV(2) | L4_CR_HSIRDY}},
     {ACR_STEP(7u, 1u), {L4_CR, G0_CR_HSIDIV(7), 0u, 0, 0, 0, false}}},
    {STFLASH_FAMILY_UNKNOWN, 0, NULL, 0, {0}, {{0}}, {{0}}},
};

/* F2/F4/F7 (RM0033 §5.3, RM0090 §6.3, RM0383 §6.3, RM0410 §5.3): RCC_CR 0x40023800 (HSIRDY 1,
 * PLLON 24, PLLRDY 25), RCC_PLLCFGR +0x04 (PLLM [5:0], PLLN [14:6], PLLP [17:16], PLLSRC 22),
 * RCC_CFGR +0x08 (SW [1:0], SWS [3:2], HPRE [7:4], PPRE1 [12:10], PPRE2 [15:13]). The PLL from
 * HSI (16 MHz) / 8 x 96 / 4: 48 MHz, VCO input 2 MHz and output 192 MHz (in 1-2 and 64-432 MHz,
 * RM0033 §5.3.2; 100-432 MHz, RM0090 §6.3.2, RM0410 §5.3.2). 48 MHz is allowed in every voltage
 * scale of every part (the F401's lowest, scale 3, allows 60 MHz: RM0368 §5.1.3), so no scale is
 * checked. APB1 at HCLK / 2 (the F2's APB1 takes 30 MHz at most, RM0033 §5.2), three wait states:
 * enough for 48 MHz down to the lowest supply (16 MHz per wait state from 1.8 V on the F411,
 * RM0383 §3.4.1 Table 6; 20 MHz on the F40x/F42x, RM0090 §3.5.1 Tables 10-11; RM0410 §3.3.2
 * Table 7), checked by reading FLASH_ACR back (RM0090 §3.5.1). PLLCFGR is written with the PLL
 * off (RM0090 §6.3.2), so putting it back waits for PLLRDY to clear. */
#define F4_CR 0x40023800u
#define F4_PLLCFGR 0x40023804u
#define F4_CFGR 0x40023808u
#define F4_PLLCFGR_MASK (0x3Fu | (0x1FFu << 6) | (3u << 16) | (1u << 22))
#define F4_PLLCFGR_48 (8u | (96u << 6) | (1u << 16))
#define F4_CR_HSIRDY (1u << 1)

const struct flash_clock_recipe flash_clock_f2_f4_f7[] = {
#define F4_RECIPE(fam)                                                                             \
    {                                                                                              \
        fam, 0, "PLL from HSI", 48000000u, {0},                                                    \
            {{F4_CFGR, 0xFFFFu, 0u}, {F4_CR, F4_CR_HSIRDY | L4_CR_PLLON, F4_CR_HSIRDY}},           \
        {                                                                                          \
            ACR_STEP(7u, 3u), {F4_PLLCFGR, F4_PLLCFGR_MASK, F4_PLLCFGR_48, 0, 0, 0, false},        \
                {F4_CR, L4_CR_PLLON, L4_CR_PLLON, F4_CR, L4_CR_PLLRDY, L4_CR_PLLRDY, true},        \
                {F4_CFGR, 7u << 10, 4u << 10, 0, 0, 0, false},                                     \
            {                                                                                      \
                F4_CFGR, 3u, 2u, F4_CFGR, 3u << 2, 2u << 2, true                                   \
            }                                                                                      \
        }                                                                                          \
    }
    F4_RECIPE(STFLASH_FAMILY_F2),
    F4_RECIPE(STFLASH_FAMILY_F4),
    F4_RECIPE(STFLASH_FAMILY_F7),
    {STFLASH_FAMILY_UNKNOWN, 0, NULL, 0, {0}, {{0}}, {{0}}},
#undef F4_RECIPE
};
