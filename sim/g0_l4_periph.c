/*
 * The G0, L4, G4 and WB families: their memory maps and the peripherals that firmware and
 * debuggers touch. All have the L4-style flash controller (l4_flash.c) at 0x40022000 (WB:
 * 0x58004000), RCC at 0x40021000 (WB: 0x58000000) with the reset flags in RCC_CSR bits 25-31,
 * GPIO in the MODER/AFR layout (the G0's on the IOPORT bus at 0x50000000, the others' on AHB2 at
 * 0x48000000) and SYSCFG at 0x40010000; the G0 (Cortex-M0+) has DBGMCU at 0x40015800, the others
 * (Cortex-M4F) in the PPB. Other registers of the peripheral buses read as zero and ignore
 * writes. References: RM0444 §2.2 Table 6 (G0 memory map), §5.4 (RCC), §7.4 (GPIO), §40.9
 * (DBGMCU); RM0351 §2.2.2 Table 1 (L4 memory map), §6.4 (RCC), §8.4 (GPIO), §48.6 (DBGMCU);
 * RM0440 §2.2.2 Table 3 (G4 memory map), §7.4 (RCC), §9.4 (GPIO), §46.6 (DBGMCU); RM0434 §2.2.2
 * Table 4 (WB memory map), §7.4 (RCC), §9.4 (GPIO), §38.13 (DBGMCU).
 */
#include <string.h>

#include "g0_l4.h"
#include "gpio.h"
#include "target.h"

#define RCC_BASE 0x40021000u
#define FLASH_REGS 0x40022000u
#define WB_RCC_BASE 0x58000000u /* AHB4 on the WB (RM0434 §2.2.2) */
#define WB_FLASH_REGS 0x58004000u
#define SYSCFG_BASE 0x40010000u
#define G0_DBGMCU_BASE 0x40015800u
#define G0_GPIO_BASE 0x50000000u
#define L4_GPIO_BASE 0x48000000u
#define GPIO_PORTS 6u /* A..F (the L4's G and H read as zero) */

#define PWR_BASE 0x40007000u
#define SWD_MODER_MASK 0x3C000000u /* PA13, PA14 */
#define LED_PIN                                                                                    \
    5u /* PA5: LD4 on the Nucleo-G071RB (UM2324), LD2 on the                                       \
          Nucleo-L476RG (UM1724) and Nucleo-G474RE (UM2505); PB5:                                  \
          LED1 on the Nucleo-WB55RG (UM2435) */

/* The port of the board's LED: GPIOB on the Nucleo-WB55RG and Nucleo-WL55JC, GPIOA elsewhere. */
static unsigned led_port(const struct sim_target *t)
{
    return is_wb_wl(t) ? 1u : 0u;
}

/* Its pin: PB15 (LED1) on the Nucleo-WL55JC (UM2592), 5 elsewhere. */
static unsigned led_pin(const struct sim_target *t)
{
    return is_wl(t) ? 15u : LED_PIN;
}

/* GPIOA after reset (RM0444 §7.4.1, RM0351 §8.4.1): analog mode but PA13 (SWDIO) and PA14
 * (SWCLK) in alternate-function mode, pulled up and down (the L4 pulls PA15 up too). */
static uint32_t gpioa_moder_reset(const struct sim_target *t)
{
    return is_g0(t) ? 0xEBFFFFFFu : 0xABFFFFFFu;
}

static bool led_on(const struct sim_target *t)
{
    return t->per.gpio[led_port(t)][GPIO_ODR] & (1u << led_pin(t));
}

static void periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t csr = *rcc(t, rcc_csr_off(t));
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    /* DBGMCU is reset by power-on only (RM0444 §40.9.2, RM0351 §48.6.2). */
    uint32_t dbgmcu_cr = p->dbgmcu_cr, fz0 = p->dbgmcu_fz[0], fz1 = p->dbgmcu_fz[1];

    memset(p, 0, sizeof *p);
    rcc_g0l4_reset(t, csr);
    for (unsigned port = 0; port < GPIO_PORTS; port++)
        p->gpio[port][GPIO_MODER] = 0xFFFFFFFFu;
    p->gpio[0][GPIO_MODER] = gpioa_moder_reset(t);
    if (is_wb_wl(t)) /* PB3, PB4: JTDO, NJTRST (RM0434 §9.4.1; RM0453 GPIOB_MODER) */
        p->gpio[1][GPIO_MODER] = 0xFFFFFEBFu;
    p->gpio[0][GPIO_OSPEEDR] = 0x0C000000u;
    if (is_wb_wl(t))
        p->gpio[1][GPIO_PUPDR] = 0x00000100u; /* PB4 pulled up */
    p->gpio[0][GPIO_PUPDR] = is_g0(t) ? 0x24000000u : 0x64000000u;
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    p->dbgmcu_cr = dbgmcu_cr;
    p->dbgmcu_fz[0] = fz0;
    p->dbgmcu_fz[1] = fz1;
}

static void gpio_set_odr(struct sim_target *t, unsigned port, uint32_t odr)
{
    struct sim_periph *p = &t->per;
    uint32_t old = p->gpio[port][GPIO_ODR];
    p->gpio[port][GPIO_ODR] = odr & 0xFFFFu;
    if (port == led_port(t) && ((old ^ odr) & (1u << led_pin(t)))) {
        p->led_toggles++;
        p->led_last_toggle = t->now;
    }
}

static enum sim_bus_result gpio_access(struct sim_target *t, unsigned port, unsigned reg,
                                       uint32_t *rd, const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    /* A port whose clock is off ignores writes and reads as zero (RCC_IOPENR on the G0,
     * RCC_AHB2ENR on the L4: bit n for port n). */
    bool clocked = *rcc(t, is_g0(t) ? G0_RCC_IOPENR : L4_RCC_AHB2ENR) & (1u << port);
    if (rd) {
        if (!clocked || reg == GPIO_BSRR || reg == GPIO_BRR)
            *rd = 0;
        else if (reg == GPIO_IDR)
            *rd = p->gpio[port][GPIO_ODR];
        else
            *rd = p->gpio[port][reg];
        return SIM_BUS_OK;
    }
    if (!clocked)
        return SIM_BUS_OK;
    uint32_t odr = p->gpio[port][GPIO_ODR];
    switch (reg) {
    case GPIO_ODR:
        gpio_set_odr(t, port, *wr);
        break;
    case GPIO_BSRR:
        gpio_set_odr(t, port, sim_gpio_bsrr(odr, *wr));
        break;
    case GPIO_BRR:
        gpio_set_odr(t, port, sim_gpio_brr(odr, *wr));
        break;
    case GPIO_IDR:
        break;
    case GPIO_MODER:
        p->gpio[port][reg] = *wr;
        /* PA13/PA14 are SWDIO/SWCLK only in alternate-function mode: firmware that makes them
         * anything else cuts the debugger off until reset. */
        if (port == 0)
            t->swd_disabled = (*wr & SWD_MODER_MASK) != (gpioa_moder_reset(t) & SWD_MODER_MASK);
        break;
    default:
        p->gpio[port][reg] = *wr;
        break;
    }
    return SIM_BUS_OK;
}

/* USART/LPUART ISR (+0x1C) reads "transmitter empty, transfer complete" so firmware that prints
 * does not wait forever (RM0444 §33.8.8, RM0351 §40.8.8: TXE bit 7, TC bit 6). */
static bool is_usart_isr(uint32_t addr)
{
    return addr == 0x4001381Cu || addr == 0x4000441Cu || addr == 0x4000481Cu ||
           addr == 0x40004C1Cu || addr == 0x4000501Cu || addr == 0x4000801Cu;
}

static enum sim_bus_result periph_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0x3FFu, off = addr & 0x3FFu;
    uint32_t gpio = is_g0(t) ? G0_GPIO_BASE : L4_GPIO_BASE;

    if (block == (is_wb_wl(t) ? WB_RCC_BASE : RCC_BASE)) {
        if (off >= sizeof t->per.rcc) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        if (rd)
            *rd = rcc_g0l4_read(t, off);
        else
            rcc_g0l4_write(t, off, *wr);
        return SIM_BUS_OK;
    }
    if (block == PWR_BASE && !is_wb_wl(t) && !is_c0(t))
        return rcc_g0l4_pwr_access(t, off, rd, wr);
    if (block == (is_wb_wl(t) ? WB_FLASH_REGS : FLASH_REGS))
        return rd ? l4_flash_read(t, off, rd) : l4_flash_write(t, off, *wr, who);
    if (block >= gpio && block < gpio + GPIO_PORTS * 0x400u) {
        if (off >= 4u * GPIO_COUNT) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (block - gpio) / 0x400u, off / 4, rd, wr);
    }
    if (block == SYSCFG_BASE && off < sizeof t->per.syscfg) {
        if (rd)
            *rd = t->per.syscfg[off / 4];
        else
            t->per.syscfg[off / 4] = *wr;
        return SIM_BUS_OK;
    }
    if (block == G0_DBGMCU_BASE && t->family->dbgmcu_base == G0_DBGMCU_BASE)
        return dbgmcu_access(t, off, rd, wr, who);
    if (rd)
        *rd = is_usart_isr(addr) ? 0xC0u : 0;
    return SIM_BUS_OK;
}

static void reset_cause(struct sim_target *t, uint32_t flag)
{
    *rcc(t, rcc_csr_off(t)) |= flag; /* RM0444 §5.4.25, RM0351 §6.4.29 */
}

/* G0: APB and AHB (to RNG/AES at 0x40026000), IOPORT. */
static const struct sim_window g0_windows[] = {
    {0x40000000u, 0x26400u},
    {G0_GPIO_BASE, GPIO_PORTS * 0x400u},
};

/* L4: APB1, APB2, AHB1 (to TSC at 0x40024000), AHB2 GPIOA..H. */
static const struct sim_window l4_windows[] = {
    {0x40000000u, 0x24400u},
    {L4_GPIO_BASE, 0x2000u},
};

const struct sim_family sim_family_g0 = {
    .name = "g0",
    .ref = "RM0444",
    .core = &sim_core_m0p,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,    /* RM0444 §3.3.1 Table 9: system memory, OTP, options */
    .flash_size_reg = 0x1FFF75E0u, /* RM0444 §41.1 */
    .uid_base = 0x1FFF7590u,       /* RM0444 §41.2 */
    .optbytes_base = 0x1FFF7800u,  /* RM0444 §3.4.1 */
    .sram_base = 0x20000000u,
    .bitband = false, /* ARMv6-M */
    .windows = g0_windows,
    .n_windows = sizeof g0_windows / sizeof g0_windows[0],
    .dbgmcu_base = G0_DBGMCU_BASE,
    .dbgmcu_freeze = true, /* DBGMCU_APB_FZ1, _FZ2 */
    .syst_calib = 8000u,   /* 64 MHz / 8 */
    /* DS12232 "Flash memory characteristics": 64-bit programming 85 us typical, page and mass
     * erase 22 ms typical. */
    .tprog_ps = 85ull * SIM_PS_PER_US,
    .erase_ps = 22ull * SIM_PS_PER_MS,
    /* DS12232 same table, fast programming of a 32-double-word row (tprog_row) 1.7 ms typical
     * (not checked against the datasheet). */
    .tprog_row_fast_ps = 1700ull * SIM_PS_PER_US,
    .flash = &sim_l4flash_ops,
    /* RM0444 §3.7.8 FLASH_OPTR: shipped 0xFFFFFEAA; RDP [7:0] to IRHEN bit 29. PNB [8:3] for
     * the 64 pages of the G07x (§3.7.5). WRP1AR/BR STRT [5:0], END [21:16]. */
    .l4 =
        {
            .optr_default = 0xFFFFFEAAu,
            .optr_writable = 0x3F4FFFFFu,
            .wrp_field = 0x3Fu,
            .pnb_bits = 6,
            .pcrop1b = true,
            .cfgbsy = true,
            .fast_row_dw = 32,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pa5",
    .led_on = led_on,
};

/* The G0B1 (RM0444, DS13560): the G0 with two banks. */
const struct sim_family sim_family_g0b1 = {
    .name = "g0b1",
    .ref = "RM0444",
    .core = &sim_core_m0p,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,
    .flash_size_reg = 0x1FFF75E0u,
    .uid_base = 0x1FFF7590u,
    .optbytes_base = 0x1FFF7800u,
    .sram_base = 0x20000000u,
    .bitband = false,
    .windows = g0_windows,
    .n_windows = sizeof g0_windows / sizeof g0_windows[0],
    .dbgmcu_base = G0_DBGMCU_BASE,
    .dbgmcu_freeze = true,
    .syst_calib = 8000u,
    /* DS13560 "Flash memory characteristics": as the G071's (DS12232), 85 us per double word
     * and 22 ms per page or mass erase typical. */
    .tprog_ps = 85ull * SIM_PS_PER_US,
    .erase_ps = 22ull * SIM_PS_PER_MS,
    /* The G071's fast-programming row time (DS12232, not checked against either datasheet). */
    .tprog_row_fast_ps = 1700ull * SIM_PS_PER_US,
    .flash = &sim_l4flash_ops,
    /* RM0444 §3.7.8 FLASH_OPTR on the G0B1: shipped 0xFFFFFEAA with DUAL_BANK (bit 21) set and
     * nSWAP_BANK (bit 20); PNB [12:3], BKER bit 13, bank 2's pages from 256 (§3.7.5); WRP and
     * PCROP of bank 2 at +0x44..+0x50; WRPxyR STRT [6:0]. */
    .l4 =
        {
            .optr_default = 0xFFFFFEAAu,
            .optr_writable = 0x3F7FFFFFu,
            .wrp_field = 0x7Fu,
            .pnb_bits = 10,
            .cr_bker = 1u << 13,
            .optr_dualbank = 1u << 21,
            .bank2_options = true,
            .pcrop1b = true,
            .cfgbsy = true,
            .bank2_pnb = 256,
            .fast_row_dw = 32,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pa5",
    .led_on = led_on,
};

const struct sim_family sim_family_l4 = {
    .name = "l4",
    .ref = "RM0351",
    .core = &sim_core_m4,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,    /* RM0351 §3.3.1 Table 7: system memory, OTP, options */
    .flash_size_reg = 0x1FFF75E0u, /* RM0351 §49.2 */
    .uid_base = 0x1FFF7590u,       /* RM0351 §49.1 */
    .optbytes_base = 0x1FFF7800u,  /* RM0351 §3.4.1 */
    .sram_base = 0x20000000u,
    .ccm_base = 0x10000000u, /* SRAM2 (RM0351 §2.4) */
    .bitband = true,
    .windows = l4_windows,
    .n_windows = sizeof l4_windows / sizeof l4_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0351 §48.6.1 */
    .dbgmcu_freeze = true,      /* DBGMCU_APB1FZR1, APB1FZR2 */
    .syst_calib = 10000u,       /* 80 MHz / 8 */
    /* DS10198 "Flash memory characteristics": 64-bit programming 81.69 us typical, page erase
     * 22.02 ms, mass erase 22.13 ms typical. */
    .tprog_ps = 81690ull * 1000ull,
    .erase_ps = 22020ull * SIM_PS_PER_US,
    /* DS10198 same table, fast programming of a 32-double-word row (tprog_row) 1.91 ms typical
     * (not checked against the datasheet). */
    .tprog_row_fast_ps = 1910ull * SIM_PS_PER_US,
    .flash = &sim_l4flash_ops,
    /* RM0351 §3.7.8 FLASH_OPTR: shipped 0xFFEFF8AA; RDP, BOR_LEV, nRST_*, IWDG_*, WWDG_SW, BFB2
     * (20), DUALBANK (21), nBOOT1, SRAM2_PE, SRAM2_RST. PNB [10:3], BKER bit 11 (§3.7.5). The
     * 1 MiB parts are always two banks of 512 KiB; DUALBANK splits the 256/512 KiB ones. */
    .l4 =
        {
            .optr_default = 0xFFEFF8AAu,
            .optr_writable = 0x03BF77FFu,
            .wrp_field = 0xFFu,
            .pnb_bits = 8,
            .cr_bker = 1u << 11,
            .optr_dualbank = 1u << 21,
            .dual_bank_at_max = true,
            .bank2_options = true,
            .fast_row_dw = 32,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pa5",
    .led_on = led_on,
};

/* G4: APB1, APB2, AHB1 (to CRC at 0x40023000 and beyond), AHB2 GPIOA..G. */
static const struct sim_window g4_windows[] = {
    {0x40000000u, 0x24400u},
    {L4_GPIO_BASE, 0x2000u},
};

/* WB: APB1, APB2, AHB1; AHB2 GPIOA..E, H; AHB4 RCC, PWR, EXTI, IPCC, HSEM, FLASH. */
static const struct sim_window wb_windows[] = {
    {0x40000000u, 0x24400u},
    {L4_GPIO_BASE, 0x2000u},
    {WB_RCC_BASE, 0x4400u},
};

const struct sim_family sim_family_g4 = {
    .name = "g4",
    .ref = "RM0440",
    .core = &sim_core_m4,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,    /* RM0440 §5.3.1 Table 9: system memory, OTP, options */
    .flash_size_reg = 0x1FFF75E0u, /* RM0440 §47.2 */
    .uid_base = 0x1FFF7590u,       /* RM0440 §47.1 */
    .optbytes_base = 0x1FFF7800u,  /* RM0440 §5.4.1 */
    .sram_base = 0x20000000u,
    .ccm_base = 0x10000000u, /* CCM SRAM (RM0440 §2.4) */
    .bitband = true,
    .windows = g4_windows,
    .n_windows = sizeof g4_windows / sizeof g4_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0440 §46.6.1 */
    .dbgmcu_freeze = true,      /* DBGMCU_APB1FZR1, APB1FZR2 */
    .syst_calib = 21250u,       /* 170 MHz / 8 */
    /* DS12288 "Flash memory characteristics": 64-bit programming 81.7 us typical, page erase
     * 22.02 ms, mass erase 22.13 ms typical. */
    .tprog_ps = 81700ull * 1000ull,
    .erase_ps = 22020ull * SIM_PS_PER_US,
    .flash = &sim_l4flash_ops,
    /* RM0440 §5.7.8 FLASH_OPTR: shipped 0xFFEFF8AA (DBANK set); RDP, BOR_LEV, nRST_STOP/STDBY/
     * SHDW, IWDG_*, WWDG_SW, BFB2 (20), DBANK (22), nBOOT1, SRAM_PE, CCMSRAM_RST, nSWBOOT0,
     * nBOOT0, NRST_MODE, IRHEN. PNB [9:3], BKER bit 11 (§5.7.5); WRPxyR STRT [6:0]. DBANK = 1:
     * two banks of 2 KiB pages; DBANK = 0: one bank of 4 KiB pages (§5.3.1). */
    .l4 =
        {
            .optr_default = 0xFFEFF8AAu,
            .optr_writable = 0x7FDF77FFu,
            .wrp_field = 0x7Fu,
            .pnb_bits = 7,
            .cr_bker = 1u << 11,
            .optr_dualbank = 1u << 22,
            .bank2_options = true,
            .single_bank_page = 4096u,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pa5",
    .led_on = led_on,
};

const struct sim_family sim_family_wb = {
    .name = "wb",
    .ref = "RM0434",
    .core = &sim_core_m4,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,    /* RM0434 §3.3.1 Table 6: system memory, OTP, options */
    .flash_size_reg = 0x1FFF75E0u, /* RM0434 §39.1.2 */
    .uid_base = 0x1FFF7590u,       /* RM0434 §39.1.1 */
    .optbytes_base = 0x1FFF8000u,  /* RM0434 §3.4.1 */
    .sram_base = 0x20000000u,
    .bitband = true,
    .windows = wb_windows,
    .n_windows = sizeof wb_windows / sizeof wb_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0434 §38.13.1 */
    .dbgmcu_freeze = true,      /* DBGMCU_APB1FZR1 +0x3C, C2APB1FZR1 +0x40 (RM0434 §38.13.6) */
    .dbgmcu_fz_off = 0x3Cu,
    .syst_calib = 8000u, /* 64 MHz / 8 */
    /* DS11929 "Flash memory characteristics": 64-bit programming 81.7 us typical, page (4 KiB)
     * erase 22.02 ms, mass erase 22.13 ms typical. */
    .tprog_ps = 81700ull * 1000ull,
    .erase_ps = 22020ull * SIM_PS_PER_US,
    .flash = &sim_l4flash_ops,
    /* RM0434 §3.10.8 FLASH_OPTR: RDP, ESE (8, set by the wireless firmware, read only here),
     * BOR_LEV [11:9], nRST_STOP/STDBY/SHDW, IWDG_*, WWDG_SW, nBOOT1, SRAM2_PE, SRAM2_RST,
     * nSWBOOT0, nBOOT0, AGC_TRIM [31:29]. PNB [10:3], one bank (§3.10.6); PCROP1B at +0x34/+0x38;
     * WRP1xR STRT [7:0]; CFGBSY (§3.10.5). FLASH_SFR: the SFSA page 0xCB of a board shipped with
     * the BLE stack (pages 0xCB-0xFF, from 0x080CB000, are the stack's and the FUS's), FSD = 0.
     */
    .l4 =
        {
            .optr_default = 0x0F8F71AAu,
            .optr_writable = 0xEF8F7EFFu,
            .wrp_field = 0xFFu,
            .pnb_bits = 8,
            .pcrop1b = true,
            .cfgbsy = true,
            .sfr_default = 0x000000CBu,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pb5",
    .led_on = led_on,
};

/* The WL55 (RM0453, DS13293): CPU1 a Cortex-M4 without FPU (CPU2, the Cortex-M0+, is not
 * modelled); RCC and the flash registers at 0x58000000 and 0x58004000 as on the WB; GPIO A, B, C
 * and H on AHB2. */
const struct sim_family sim_family_wl = {
    .name = "wl",
    .ref = "RM0453",
    .core = &sim_core_m4_nofpu,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,    /* system memory, OTP at 0x1FFF7000, options at 0x1FFF7800 */
    .flash_size_reg = 0x1FFF75E0u, /* RM0453 FLASH_SIZE */
    .uid_base = 0x1FFF7590u,       /* RM0453 UID */
    .optbytes_base = 0x1FFF7800u,  /* RM0453 §4.4: the option bytes, FLASH_SFR's at 0x1FFF7870 */
    .sram_base = 0x20000000u,
    .bitband = true,
    .windows = wb_windows,
    .n_windows = sizeof wb_windows / sizeof wb_windows[0],
    .dbgmcu_base = 0xE0042000u,
    .dbgmcu_freeze = true, /* DBGMCU_APB1FZR1 at +0x3C as on the WB */
    .dbgmcu_fz_off = 0x3Cu,
    .syst_calib = 6000u, /* 48 MHz / 8 */
    /* The WB's figures (DS11929 "Flash memory characteristics": 64-bit programming 81.7 us,
     * page erase 22.02 ms typical), the same flash technology; DS13293's own table unverified. */
    .tprog_ps = 81700ull * 1000ull,
    .erase_ps = 22020ull * SIM_PS_PER_US,
    .flash = &sim_l4flash_ops,
    /* RM0453 §4 FLASH_OPTR: RDP, ESE (8, read only here: set with the board's secure page),
     * BOR_LEV [11:9], nRST_STOP/STDBY/SHDW [14:12], IWDG_SW/STOP/STDBY, WWDG_SW [19:16], nBOOT1
     * (23), SRAM2_PE, SRAM_RST, nSWBOOT0, nBOOT0 [27:24], BOOT_LOCK (30), C2BOOT_LOCK (31, CPU2's);
     * shipped with security disabled. FLASH_CR.PNB [9:3], one bank of 128 pages, MER alone;
     * WRP1xR STRT [6:0]; PCROP1B; CFGBSY. FLASH_SFR: FSD set (no secure area) unless the board
     * starts with one. */
    .l4 =
        {
            .optr_default = 0x0F8F70AAu,
            .optr_writable = 0x4F8F7EFFu,
            .wrp_field = 0x7Fu,
            .pnb_bits = 7,
            .pcrop1b = true,
            .cfgbsy = true,
            .sfr_default = 0x000000FFu,
            .sfr_wl = true,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pb15",
    .led_on = led_on,
};

/* The C031 (RM0490): the G0's controller, RCC and IOPORT GPIO; HSI48, one bank. */
const struct sim_family sim_family_c0 = {
    .name = "c0",
    .ref = "RM0490",
    .core = &sim_core_m0p,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FFF0000u,
    .flash_size_reg = 0x1FFF75A0u, /* RM0490 FLASH_SIZE */
    .uid_base = 0x1FFF7550u,       /* RM0490 UID */
    .optbytes_base = 0x1FFF7800u,
    .sram_base = 0x20000000u,
    .bitband = false, /* ARMv6-M */
    .windows = g0_windows,
    .n_windows = sizeof g0_windows / sizeof g0_windows[0],
    .dbgmcu_base = G0_DBGMCU_BASE,
    .dbgmcu_freeze = true, /* DBGMCU_APB_FZ1, _FZ2 */
    .syst_calib = 6000u,   /* 48 MHz / 8 */
    /* The G0's figures (DS12232 "Flash memory characteristics": 64-bit programming 85 us, page
     * or mass erase 22 ms typical); the C031 datasheet's own table unverified. */
    .tprog_ps = 85ull * SIM_PS_PER_US,
    .erase_ps = 22ull * SIM_PS_PER_MS,
    .flash = &sim_l4flash_ops,
    /* RM0490 FLASH_OPTR in the G0's layout (RDP, BOR, nRST_*, IWDG_*, WWDG_SW, RAM_PARITY,
     * nBOOT_SEL, nBOOT1, nBOOT0, NRST_MODE, IRHEN), shipped as the G0's; 16 pages of 2 KiB, one
     * bank, no PCROP; WRP1xR as the G0's; CFGBSY. */
    .l4 =
        {
            .optr_default = 0xFFFFFEAAu,
            .optr_writable = 0x3F4FFFFFu,
            .wrp_field = 0x3Fu,
            .pnb_bits = 6,
            .cfgbsy = true,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_g0l4_settle,
    .led = "pa5",
    .led_on = led_on,
};
