/*
 * The L0 and L1 families: their memory maps and the peripherals that firmware and debuggers
 * touch. Both have the L0/L1 flash controller (l0l1_flash.c), the data EEPROM at 0x08080000, the
 * option bytes and factory data at 0x1FF80000, the IWDG at 0x40003000 (iwdg.c) and GPIO in the
 * MODER/AFR layout. The L0 (Cortex-M0+): RCC at 0x40021000 with RCC_CSR at +0x50, flash
 * registers at 0x40022000, GPIO on the IOPORT bus at 0x50000000, DBGMCU at 0x40015800. The L1
 * (Cortex-M3): GPIO at 0x40020000 on AHB, RCC at 0x40023800 with RCC_CSR at +0x34, flash
 * registers at 0x40023C00, DBGMCU in the PPB. Other registers of the peripheral buses read as
 * zero and ignore writes. References: RM0367 §2.2.2 Table 3 and RM0377 §2.2 (L0 memory map),
 * §7.3 (RCC), §9.4 (GPIO), §27.9 (DBGMCU); RM0038 §2.3 Table 5 (L1 memory map), §6.3 (RCC),
 * §7.4 (GPIO), §30.16 (DBGMCU).
 */
#include <string.h>

#include "gpio.h"
#include "target.h"

#define L0_RCC 0x40021000u
#define L0_FLASH 0x40022000u
#define L0_DBGMCU 0x40015800u
#define L0_GPIO 0x50000000u
#define L1_RCC 0x40023800u
#define L1_FLASH 0x40023C00u
#define L1_GPIO 0x40020000u
#define GPIO_PORTS 8u /* A..H by their 0x400 slots (L0: H at slot 7; L1: A..E, H, F, G) */

/* RCC offsets: RCC_CR +0x00 (both), RCC_CFGR +0x0C (L0) / +0x08 (L1), the GPIO clock enables
 * RCC_IOPENR +0x2C (L0) / RCC_AHBENR +0x1C (L1), RCC_CSR +0x50 (L0) / +0x34 (L1). */
#define RCC_CR 0x00u

#define MSI_RESET_HZ 2097000u /* MSI range 5 after reset (RM0377 §7.2.3, RM0038 §6.2.3) */
#define HSI16_HZ 16000000u
#define HSE_HZ 8000000u            /* the Nucleo boards' 8 MHz from the ST-LINK's MCO */
#define PLL_HZ 32000000u           /* the PLL is not modelled: the usual 32 MHz setting */
#define SWD_MODER_MASK 0x3C000000u /* PA13, PA14 */
#define LED_PIN 5u                 /* PA5: LD2 on the Nucleo-L053R8 and Nucleo-L152RE (UM1724) */

static bool is_l0(const struct sim_target *t)
{
    return t->family == &sim_family_l0;
}

static uint32_t *rcc(struct sim_target *t, uint32_t off)
{
    return &t->per.rcc[off / 4u];
}

static uint32_t cfgr_off(const struct sim_target *t)
{
    return is_l0(t) ? 0x0Cu : 0x08u;
}

static uint32_t gpioen_off(const struct sim_target *t)
{
    return is_l0(t) ? 0x2Cu : 0x1Cu;
}

static uint32_t csr_off(const struct sim_target *t)
{
    return is_l0(t) ? 0x50u : 0x34u;
}

/* GPIOA after reset: the L0's pins in analog mode, the L1's inputs; PA13 (SWDIO) and PA14
 * (SWCLK) in alternate-function mode on both (RM0377 §9.4.1, RM0038 §7.4.1). */
static uint32_t gpioa_moder_reset(const struct sim_target *t)
{
    return is_l0(t) ? 0xEBFFFCFFu : 0xA8000000u;
}

static bool led_on(const struct sim_target *t)
{
    return t->per.gpio[0][GPIO_ODR] & (1u << LED_PIN);
}

/* SYSCLK from RCC_CFGR.SWS [3:2] (0 MSI, 1 HSI16, 2 HSE, 3 PLL), divided by HPRE [7:4]. */
static uint32_t core_clock_hz(struct sim_target *t)
{
    uint32_t cfgr = *rcc(t, cfgr_off(t)), sysclk;
    switch ((cfgr >> 2) & 3u) {
    case 1:
        sysclk = HSI16_HZ;
        break;
    case 2:
        sysclk = HSE_HZ;
        break;
    case 3:
        sysclk = PLL_HZ;
        break;
    default:
        sysclk = MSI_RESET_HZ;
        break;
    }
    uint32_t hpre = (cfgr >> 4) & 0xFu;
    static const uint16_t ahb_div[8] = {2, 4, 8, 16, 64, 128, 256, 512};
    return (hpre & 8u) ? sysclk / ahb_div[hpre & 7u] : sysclk;
}

static void periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t csr = *rcc(t, csr_off(t));
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    /* DBGMCU is reset by power-on only (RM0377 §27.9.2, RM0038 §30.16.2). */
    uint32_t dbgmcu_cr = p->dbgmcu_cr, fz0 = p->dbgmcu_fz[0], fz1 = p->dbgmcu_fz[1];

    memset(p, 0, sizeof *p);
    *rcc(t, RCC_CR) = 0x00000300u;                 /* MSION, MSIRDY */
    *rcc(t, csr_off(t)) = csr ? csr : 0x0C000000u; /* PORRSTF | PINRSTF */
    for (unsigned port = 0; port < GPIO_PORTS; port++)
        p->gpio[port][GPIO_MODER] = is_l0(t) ? 0xFFFFFFFFu : 0;
    p->gpio[0][GPIO_MODER] = gpioa_moder_reset(t);
    p->gpio[0][GPIO_OSPEEDR] = 0x0C000000u;
    p->gpio[0][GPIO_PUPDR] = 0x24000000u;
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    p->dbgmcu_cr = dbgmcu_cr;
    p->dbgmcu_fz[0] = fz0;
    p->dbgmcu_fz[1] = fz1;
    cortexm_set_clock_hz(t, core_clock_hz(t));
}

static void rcc_write(struct sim_target *t, uint32_t off, uint32_t val)
{
    if (off == RCC_CR) {
        /* Oscillators and the PLL report ready at once: HSI16 (0 -> 2), MSI (8 -> 9), HSE
         * (16 -> 17), PLL (24 -> 25). */
        uint32_t ready = ((val & 1u) << 2) | ((val & (1u << 8)) << 1) | ((val & (1u << 16)) << 1) |
                         ((val & (1u << 24)) << 1);
        *rcc(t, off) = (val & ~((1u << 2) | (1u << 9) | (1u << 17) | (1u << 25))) | ready;
    } else if (off == cfgr_off(t)) {
        *rcc(t, off) = (val & ~0xCu) | ((val & 3u) << 2); /* SWS follows SW */
    } else if (off == csr_off(t)) {
        /* RMVF (L0 bit 23, L1 bit 24) clears the reset flags (bits 24/25 to 31). */
        uint32_t *csr = rcc(t, off), rmvf = is_l0(t) ? 1u << 23 : 1u << 24;
        uint32_t flags = is_l0(t) ? 0xFF000000u : 0xFE000000u;
        *csr = (val & rmvf) ? *csr & ~flags : (*csr & flags) | (val & ~flags & ~rmvf);
    } else {
        *rcc(t, off) = val;
    }
    cortexm_set_clock_hz(t, core_clock_hz(t));
}

static void gpio_set_odr(struct sim_target *t, unsigned port, uint32_t odr)
{
    struct sim_periph *p = &t->per;
    uint32_t old = p->gpio[port][GPIO_ODR];
    p->gpio[port][GPIO_ODR] = odr & 0xFFFFu;
    if (port == 0 && ((old ^ odr) & (1u << LED_PIN))) {
        p->led_toggles++;
        p->led_last_toggle = t->now;
    }
}

/* The port in slot n (0x400 apart) is clocked by bit n of the enable register: A..E, then H at
 * slot 7 on the L0 (RCC_IOPENR); A..E, H, F, G on the L1 (RCC_AHBENR). */
static enum sim_bus_result gpio_access(struct sim_target *t, unsigned port, unsigned reg,
                                       uint32_t *rd, const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    bool clocked = *rcc(t, gpioen_off(t)) & (1u << port);
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
        /* PA13/PA14 leaving alternate-function mode cut the debugger off until reset. */
        if (port == 0)
            t->swd_disabled = (*wr & SWD_MODER_MASK) != (gpioa_moder_reset(t) & SWD_MODER_MASK);
        break;
    default:
        p->gpio[port][reg] = *wr;
        break;
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result periph_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0x3FFu, off = addr & 0x3FFu;
    uint32_t rcc_base = is_l0(t) ? L0_RCC : L1_RCC, flash = is_l0(t) ? L0_FLASH : L1_FLASH;
    uint32_t gpio = is_l0(t) ? L0_GPIO : L1_GPIO;

    if (block == rcc_base) {
        if (off >= sizeof t->per.rcc) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        if (rd)
            *rd = *rcc(t, off);
        else
            rcc_write(t, off, *wr);
        return SIM_BUS_OK;
    }
    if (block == flash)
        return rd ? l0l1_flash_read(t, off, rd) : l0l1_flash_write(t, off, *wr, who);
    if (block >= gpio && block < gpio + GPIO_PORTS * 0x400u) {
        if (off >= 4u * GPIO_COUNT) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (block - gpio) / 0x400u, off / 4, rd, wr);
    }
    if (block == SIM_IWDG_BASE)
        return off < 0x10u ? sim_iwdg_access(t, off, rd, wr) : SIM_BUS_OK;
    if (block == L0_DBGMCU && t->family->dbgmcu_base == L0_DBGMCU)
        return dbgmcu_access(t, off, rd, wr, who);
    if (rd)
        *rd = 0;
    return SIM_BUS_OK;
}

static void reset_cause(struct sim_target *t, uint32_t flag)
{
    *rcc(t, csr_off(t)) |= flag; /* RM0377 §7.3.21, RM0038 §6.3.14 */
}

/* L0: APB1, APB2 (DBGMCU at 0x40015800), AHB (to AES at 0x40026000); IOPORT. */
static const struct sim_window l0_windows[] = {
    {0x40000000u, 0x26400u},
    {L0_GPIO, 0x2000u},
};

/* L1: APB1, APB2, AHB (GPIO at 0x40020000 to DMA2 at 0x40026400). */
static const struct sim_window l1_windows[] = {
    {0x40000000u, 0x27000u},
};

const struct sim_family sim_family_l0 = {
    .name = "l0",
    .ref = "RM0367",
    .core = &sim_core_m0p,
    .flash_base = 0x08000000u,
    /* RM0367 §3.3.1 Table 12: system memory from 0x1FF00000, the user option bytes at
     * 0x1FF80000, factory data (UID 0x1FF80050, flash size 0x1FF8007C: RM0367 §28.1, §28.2). */
    .sysmem_base = 0x1FF00000u,
    .sysmem_len = 0x81000u,
    .flash_size_reg = 0x1FF8007Cu,
    .uid_base = 0x1FF80050u,
    .optbytes_base = 0x1FF80000u,
    .optbytes_len = 0x20u,
    .eeprom_base = 0x08080000u,
    .erased_zero = true,
    .sram_base = 0x20000000u,
    .bitband = false, /* ARMv6-M */
    .windows = l0_windows,
    .n_windows = sizeof l0_windows / sizeof l0_windows[0],
    .dbgmcu_base = L0_DBGMCU,
    .dbgmcu_freeze = true, /* DBGMCU_APB1_FZ, _APB2_FZ */
    .syst_calib = 4000u,   /* 32 MHz / 8 */
    /* DS10182 (STM32L053x6/x8) "Flash memory and data EEPROM characteristics": tprog, a word,
     * a half-page, a page erase or a data EEPROM word, 3.2 ms typical (3.94 ms at most). */
    .tprog_ps = 3200ull * SIM_PS_PER_US,
    .erase_ps = 3200ull * SIM_PS_PER_US,
    .flash = &sim_l0l1_flash_ops,
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pa5",
    .led_on = led_on,
};

const struct sim_family sim_family_l1 = {
    .name = "l1",
    .ref = "RM0038",
    .core = &sim_core_m3,
    .flash_base = 0x08000000u,
    /* RM0038 §3.3.1 Table 8 (categories 5 and 6): system memory from 0x1FF00000, the option
     * bytes at 0x1FF80000 (WRPR4 words at +0x80), factory data (flash size 0x1FF800CC, UID
     * 0x1FF800D0: RM0038 §31.1, §31.2). */
    .sysmem_base = 0x1FF00000u,
    .sysmem_len = 0x81000u,
    .flash_size_reg = 0x1FF800CCu,
    .uid_base = 0x1FF800D0u,
    .optbytes_base = 0x1FF80000u,
    .optbytes_len = 0x88u,
    .eeprom_base = 0x08080000u,
    .erased_zero = true,
    .sram_base = 0x20000000u,
    .bitband = true,
    .windows = l1_windows,
    .n_windows = sizeof l1_windows / sizeof l1_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0038 §30.6.1 */
    .dbgmcu_freeze = true,      /* DBGMCU_APB1_FZ, _APB2_FZ */
    .syst_calib = 4000u,        /* 32 MHz / 8 */
    /* DS10030 (STM32L151xE/L152xE) "Flash memory and data EEPROM characteristics": tprog,
     * a word, a half-page, a page erase or a data EEPROM word, 3.28 ms typical (3.94 ms at
     * most). */
    .tprog_ps = 3280ull * SIM_PS_PER_US,
    .erase_ps = 3280ull * SIM_PS_PER_US,
    .flash = &sim_l0l1_flash_ops,
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pa5",
    .led_on = led_on,
};
