/*
 * The L5 and U5 families (Cortex-M33 with TrustZone, run here with TZEN = 0 or with the flash
 * made secure by the option bytes): memory maps and the peripherals firmware and debuggers touch.
 * The flash controller is l5u5_flash.c at 0x40022000; RCC at 0x40021000 (L5) or 0x46020C00
 * (U5) with the reset flags in RCC_CSR bits 25-31 and RMVF bit 23; GPIO A-H in the MODER/AFR
 * layout at 0x42020000; DBGMCU at 0xE0044000 in the PPB. Only the non-secure aliases are mapped
 * (the secure ones at 0x0C000000, 0x30000000 and 0x50000000 are not). References: RM0438 §2.3
 * Table 4 (L5 memory map), §9.8 (RCC), §11.4 (GPIO), §40.4 (DBGMCU), §45 (device electronic
 * signature); RM0456 §2.3 Table 4 (U5 memory map), §11.8 (RCC), §13.4 (GPIO), §75.5 (DBGMCU),
 * §76 (device electronic signature).
 */
#include <string.h>

#include "gpio.h"
#include "target.h"

#define FLASH_REGS 0x40022000u
#define L5_RCC_BASE 0x40021000u
#define U5_RCC_BASE 0x46020C00u
#define H5_RCC_BASE 0x44020C00u /* RM0481 §2.3 memory map (non-secure AHB3) */
#define GPIO_BASE 0x42020000u
#define GPIO_PORTS 8u /* A..H */

#define L5_RCC_CSR 0x94u /* RM0438 §9.8.30 */
#define U5_RCC_CSR 0xF4u /* RM0456 §11.8.49 */
#define RCC_CSR_RMVF (1u << 23)
#define RCC_CSR_FLAGS 0xFE000000u

#define MSI_RESET_HZ 4000000u /* MSI(S) range 4 at reset (RM0438 §9.2.3, RM0456 §11.4.4) */
#define HSI_H5_HZ 64000000u   /* H5: HSI, HSIDIV 00 at reset */
#define GPIOA_MODER_RESET 0xABFFFFFFu /* PA13/PA14/PA15 in AF mode (RM0438 §11.4.1) */
#define SWD_MODER_MASK 0x3C000000u
#define LED_PORT 2u /* PC7: LD1 on the Nucleo-L552ZE-Q (UM2581) and Nucleo-U575ZI-Q (UM2861) */
#define LED_PIN 7u

static bool is_h5(const struct sim_target *t)
{
    return t->family == &sim_family_h5;
}

/* The H5's RCC_RSR sits where the U5's RCC_CSR does, with RMVF at bit 23 and the flags above
 * (RM0481 §11.8 RCC_RSR): the H5 takes the U5's RCC model. */
static bool is_u5(const struct sim_target *t)
{
    return t->family == &sim_family_u5 || is_h5(t);
}

/* The user LED: PC7 on the L5/U5 Nucleo boards, PB0 (LD1) on the Nucleo-H563ZI (UM3115). */
static unsigned led_port(const struct sim_target *t)
{
    return is_h5(t) ? 1u : LED_PORT;
}

static unsigned led_pin(const struct sim_target *t)
{
    return is_h5(t) ? 0u : LED_PIN;
}

/* RCC registers by offset: the store holds 40 words; the U5's RCC_CSR (beyond them) takes the
 * last slot. Other offsets read as zero. */
static uint32_t *rcc(struct sim_target *t, uint32_t off)
{
    uint32_t csr = is_u5(t) ? U5_RCC_CSR : L5_RCC_CSR;
    if (off == csr)
        return &t->per.rcc[39];
    return off / 4u < 39u ? &t->per.rcc[off / 4u] : NULL;
}

static bool led_on(const struct sim_target *t)
{
    return t->per.gpio[led_port(t)][GPIO_ODR] & (1u << led_pin(t));
}

static void periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t csr = p->rcc[39];
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    /* DBGMCU is reset by power-on only (RM0438 §40.4.3, RM0456 §75.5.3). */
    uint32_t dbgmcu_cr = p->dbgmcu_cr, fz0 = p->dbgmcu_fz[0], fz1 = p->dbgmcu_fz[1];

    memset(p, 0, sizeof *p);
    /* RCC_CR: L5 MSION, MSIRDY, MSIRANGE 6 (4 MHz); U5 MSISON, MSISRDY (bit 2); H5 HSION,
     * HSIRDY, HSIDIVF (RM0481 §11.8 RCC_CR, reset value 0x23: HSI at 64 MHz). */
    p->rcc[0] = is_h5(t) ? 0x00000023u : is_u5(t) ? 0x00000005u : 0x00000063u;
    p->rcc[39] = csr ? csr : 0x0C000000u; /* RCC_CSR: BORRSTF | PINRSTF */
    for (unsigned port = 0; port < GPIO_PORTS; port++)
        p->gpio[port][GPIO_MODER] = 0xFFFFFFFFu;
    p->gpio[0][GPIO_MODER] = GPIOA_MODER_RESET;
    p->gpio[0][GPIO_OSPEEDR] = 0x0C000000u;
    p->gpio[0][GPIO_PUPDR] = 0x64000000u;
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    p->dbgmcu_cr = dbgmcu_cr;
    p->dbgmcu_fz[0] = fz0;
    p->dbgmcu_fz[1] = fz1;
    cortexm_set_clock_hz(t, is_h5(t) ? HSI_H5_HZ : MSI_RESET_HZ);
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
    if (rd) {
        *rd = reg == GPIO_BSRR || reg == GPIO_BRR ? 0
              : reg == GPIO_IDR                   ? p->gpio[port][GPIO_ODR]
                                                  : p->gpio[port][reg];
        return SIM_BUS_OK;
    }
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
        /* PA13/PA14 are SWDIO/SWCLK only in alternate-function mode. */
        if (port == 0)
            t->swd_disabled = (*wr & SWD_MODER_MASK) != (GPIOA_MODER_RESET & SWD_MODER_MASK);
        break;
    default:
        p->gpio[port][reg] = *wr;
        break;
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result rcc_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                      const uint32_t *wr)
{
    uint32_t *r = rcc(t, off);
    if (rd) {
        *rd = r ? *r : 0;
        return SIM_BUS_OK;
    }
    if (!r)
        return SIM_BUS_OK;
    if (r == &t->per.rcc[39]) /* RMVF clears the reset flags */
        *r =
            (*wr & RCC_CSR_RMVF) ? *r & ~RCC_CSR_FLAGS : (*r & RCC_CSR_FLAGS) | (*wr & 0x00FFFFFFu);
    else if (off == 0 && is_h5(t)) /* HSIRDY (bit 1) follows HSION (bit 0) */
        *r = (*wr & ~0x2u) | ((*wr & 1u) << 1);
    else if (off == 0) /* MSIRDY (L5 bit 1) or MSISRDY (U5 bit 2) follows the ON bit 0 */
        *r = is_u5(t) ? (*wr & ~0x4u) | ((*wr & 1u) << 2) : (*wr & ~0x2u) | ((*wr & 1u) << 1);
    else
        *r = *wr;
    return SIM_BUS_OK;
}

static enum sim_bus_result periph_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who)
{
    uint32_t rcc_base = is_h5(t) ? H5_RCC_BASE : is_u5(t) ? U5_RCC_BASE : L5_RCC_BASE;
    if (is_h5(t) && addr >= FLASH_REGS && addr < FLASH_REGS + 0x400u)
        return rd ? h5_flash_read(t, addr - FLASH_REGS, rd)
                  : h5_flash_write(t, addr - FLASH_REGS, *wr, who);
    if (addr >= FLASH_REGS && addr < FLASH_REGS + 0x400u)
        return rd ? l5u5_flash_read(t, addr - FLASH_REGS, rd)
                  : l5u5_flash_write(t, addr - FLASH_REGS, *wr, who);
    if (addr >= rcc_base && addr < rcc_base + 0x400u)
        return rcc_access(t, addr - rcc_base, rd, wr);
    if (addr >= GPIO_BASE && addr < GPIO_BASE + GPIO_PORTS * 0x400u) {
        uint32_t off = addr & 0x3FFu;
        if (off >= 4u * GPIO_COUNT) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (addr - GPIO_BASE) / 0x400u, off / 4u, rd, wr);
    }
    if (rd)
        *rd = 0;
    return SIM_BUS_OK;
}

static void reset_cause(struct sim_target *t, uint32_t flag)
{
    t->per.rcc[39] |= flag; /* RM0438 §9.8.30, RM0456 §11.8.49 */
}

/* L5: APB1, APB2, AHB1 (to the flash registers and beyond), AHB2 GPIO. */
static const struct sim_window l5_windows[] = {
    {0x40000000u, 0x30000u},
    {GPIO_BASE, GPIO_PORTS * 0x400u},
};

/* U5: the same, and AHB3 with PWR and RCC at 0x46020800/0x46020C00. */
static const struct sim_window u5_windows[] = {
    {0x40000000u, 0x30000u},
    {GPIO_BASE, GPIO_PORTS * 0x400u},
    {0x46020000u, 0x1000u},
};

const struct sim_family sim_family_l5 = {
    .name = "l5",
    .ref = "RM0438",
    .core = &sim_core_m33,
    .flash_base = 0x08000000u,
    /* The engineering and device-signature area (RM0438 §2.3 Table 4, §45): flash size at
     * 0x0BFA05E0, UID at 0x0BFA0590. The bootloader at 0x0BF90000 is not modelled. */
    .sysmem_base = 0x0BFA0000u,
    .sysmem_end = 0x0BFA1000u,
    .flash_size_reg = 0x0BFA05E0u,
    .uid_base = 0x0BFA0590u,
    .sram_base = 0x20000000u,
    .windows = l5_windows,
    .n_windows = sizeof l5_windows / sizeof l5_windows[0],
    .dbgmcu_base = 0xE0044000u,
    .dbgmcu_freeze = true, /* DBGMCU_APB1FZR1, APB1FZR2 */
    .syst_calib = 13750u,  /* 110 MHz / 8 */
    /* DS12736 "Flash memory characteristics": 64-bit programming 81.7 us, page erase 2.1 ms
     * (typical). */
    .tprog_ps = 81700ull * 1000ull,
    .erase_ps = 2100ull * SIM_PS_PER_US,
    .flash = &sim_l5u5_flash_ops,
    /* RM0438 §6.9.15 FLASH_OPTR: shipped 0x7FEFF8AA (TZEN 0, DBANK 1, DB256K 1); RDP, BOR_LEV,
     * nRST_*, IWDG_*, WWDG_SW, SWAP_BANK (20), DB256K (21), DBANK (22), SRAM2_PE, SRAM2_RST,
     * nSWBOOT0, nBOOT0, PA15_PUPEN, TZEN (31). DBANK 1: two banks of 128 x 2 KiB pages; 0: one
     * bank of 128 x 4 KiB (§6.3.1). PNB [9:3] (§6.9.11). */
    .l5u5 =
        {
            .unit = 8,
            .optr_default = 0x7FEFF8AAu,
            .optr_writable = 0x9F7F77FFu,
            .pnb_bits = 7,
            .optr_dbank = 1u << 22,
            .page_single = 4096,
            .page_dual = 2048,
            .wm_field = 0x7Fu,
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pc7",
    .led_on = led_on,
};

const struct sim_family sim_family_u5 = {
    .name = "u5",
    .ref = "RM0456",
    .core = &sim_core_m33,
    .flash_base = 0x08000000u,
    /* RM0456 §2.3 Table 4, §76: flash size at 0x0BFA07A0, UID at 0x0BFA0700. */
    .sysmem_base = 0x0BFA0000u,
    .sysmem_end = 0x0BFA1000u,
    .flash_size_reg = 0x0BFA07A0u,
    .uid_base = 0x0BFA0700u,
    .sram_base = 0x20000000u,
    .windows = u5_windows,
    .n_windows = sizeof u5_windows / sizeof u5_windows[0],
    .dbgmcu_base = 0xE0044000u,
    .dbgmcu_freeze = true,
    .syst_calib = 20000u, /* 160 MHz / 8 */
    /* DS13737 "Flash memory characteristics": 128-bit programming 118 us, page erase 1.5 ms
     * (typical). */
    .tprog_ps = 118ull * SIM_PS_PER_US,
    .erase_ps = 1500ull * SIM_PS_PER_US,
    .flash = &sim_l5u5_flash_ops,
    /* RM0456 §7.9.15 FLASH_OPTR: shipped 0x1FEFF8AA (TZEN 0, DUALBANK 1). The 2 MiB parts are
     * always two banks of 128 x 8 KiB pages; DUALBANK (21) splits the 1 MiB and 512 KiB ones
     * (§7.3.1). PNB [10:3] (§7.9.11). */
    .l5u5 =
        {
            .unit = 16,
            .optr_default = 0x1FEFF8AAu,
            .optr_writable = 0xFFFFF7FFu,
            .pnb_bits = 8,
            .optr_dbank = 1u << 21,
            .dual_bank_at_max = true,
            .page_single = 8192,
            .page_dual = 8192,
            .wm_field = 0x7Fu,
            .optr_swap_bank = 1u << 20, /* RM0456 §7.9.15 */
        },
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pc7",
    .led_on = led_on,
};

/* H5: the same buses, and AHB3 with PWR and RCC at 0x44020800/0x44020C00 (RM0481 §2.3). */
static const struct sim_window h5_windows[] = {
    {0x40000000u, 0x30000u},
    {GPIO_BASE, GPIO_PORTS * 0x400u},
    {0x44020000u, 0x1000u},
};

const struct sim_family sim_family_h5 = {
    .name = "h5",
    .ref = "RM0481",
    .core = &sim_core_m33,
    .flash_base = 0x08000000u,
    /* The page of the device electronic signature (RM0481 "Device electronic signature"): UID at
     * 0x08FFF800, flash size at 0x08FFF80C. The bootloader at 0x0BF80000 is not modelled. */
    .sysmem_base = 0x08FFF000u,
    .sysmem_end = 0x09000000u,
    .flash_size_reg = 0x08FFF80Cu,
    .uid_base = 0x08FFF800u,
    .sram_base = 0x20000000u,
    .windows = h5_windows,
    .n_windows = sizeof h5_windows / sizeof h5_windows[0],
    .dbgmcu_base = 0xE0044000u,
    .dbgmcu_freeze = true,
    .syst_calib = 31250u, /* 250 MHz / 8 */
    /* Quad-word programming 66 us and sector erase 1.9 ms: the typical figures this model uses;
     * not checked against the datasheet (DS14258 "Flash memory characteristics"). */
    .tprog_ps = 66ull * SIM_PS_PER_US,
    .erase_ps = 1900ull * SIM_PS_PER_US,
    .flash = &sim_h5_flash_ops,
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pb0",
    .led_on = led_on,
};
