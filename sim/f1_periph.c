/*
 * The F1 family (RM0008, RM0041): its memory map and the peripherals that firmware and debuggers
 * touch: RCC (clock tree: sim/rcc_f0f1f3.c; enables), GPIO ports A-E (the Blue Pill LED is PC13),
 * AFIO (SWJ_CFG can switch the debug port off) and the flash controller's register block. Other
 * peripheral blocks read as zero and ignore writes; addresses in no peripheral block answer with a
 * bus error. References: RM0008 §3.3 Table 3 (memory map), §7.3 (RCC), §9.2 (GPIO), §9.4 (AFIO).
 */
#include <string.h>

#include "f1_map.h"
#include "gpio.h"
#include "target.h"

enum rcc_reg {
    RCC_CR,
    RCC_CFGR,
    RCC_CIR,
    RCC_APB2RSTR,
    RCC_APB1RSTR,
    RCC_AHBENR,
    RCC_APB2ENR,
    RCC_APB1ENR,
    RCC_BDCR,
    RCC_CSR
};

enum f1_gpio_reg {
    F1_GPIO_CRL,
    F1_GPIO_CRH,
    F1_GPIO_IDR,
    F1_GPIO_ODR,
    F1_GPIO_BSRR,
    F1_GPIO_BRR,
    F1_GPIO_LCKR
};

#define AFIO_MAPR 1u
#define APB2ENR_AFIOEN (1u << 0)
#define APB2ENR_IOPAEN_SHIFT 2u

/* Peripheral blocks present on the F1 (RM0008 Table 3) that read as zero here. */
static const uint32_t quiet_blocks[] = {
    0x40000000u, 0x40000400u, 0x40000800u, 0x40000C00u, 0x40001000u, 0x40001400u, 0x40002800u,
    0x40002C00u, 0x40003800u, 0x40003C00u, 0x40004400u, 0x40004800u, 0x40004C00u, 0x40005000u,
    0x40005400u, 0x40005800u, 0x40005C00u, 0x40006000u, 0x40006400u, 0x40006800u, 0x40006C00u,
    0x40007000u, 0x40007400u, 0x40010400u, 0x40012800u, 0x40012C00u, 0x40013000u, 0x40013400u,
    0x40013800u, 0x40013C00u, 0x40018000u, 0x40020400u, 0x40023000u,
};

/* USART status registers read "transmitter empty, transfer complete" so firmware that prints
 * does not wait forever (RM0008 §27.6.1, SR reset value 0x00C0). */
static bool is_usart_sr(uint32_t addr)
{
    return addr == 0x40013800u || addr == 0x40004400u || addr == 0x40004800u ||
           addr == 0x40004C00u || addr == 0x40005000u;
}

static void f1_periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t csr = p->rcc[RCC_CSR];
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    uint32_t dbgmcu_cr = p->dbgmcu_cr; /* DBGMCU is reset by power-on only (RM0008 §31.16.3) */

    memset(p, 0, sizeof *p);
    p->rcc[RCC_AHBENR] = 0x00000014u;
    p->rcc[RCC_CSR] =
        csr; /* reset flags survive a system reset; power-on: sim_target_power_on_reset */
    for (unsigned i = 0; i < 5; i++) {
        p->gpio[i][F1_GPIO_CRL] = 0x44444444u;
        p->gpio[i][F1_GPIO_CRH] = 0x44444444u;
    }
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    p->dbgmcu_cr = dbgmcu_cr;
    rcc_f0f1f3_reset(t); /* HSI on and ready, SYSCLK = HSI */
}

static void rcc_write(struct sim_target *t, unsigned reg, uint32_t val)
{
    uint32_t *r = t->per.rcc;
    switch (reg) {
    case RCC_CR:
        rcc_f0f1f3_write_cr(t, val);
        break;
    case RCC_CFGR:
        rcc_f0f1f3_write_cfgr(t, val);
        break;
    case RCC_CSR:
        r[RCC_CSR] = (val & (1u << 24)) ? 0 : (r[RCC_CSR] & 0xFE000000u) | (val & 1u);
        break;
    default:
        r[reg] = val;
        break;
    }
}

/* After every stretch of execution: oscillators that became ready, DMA and ADC. */
static void f1_update(struct sim_target *t)
{
    rcc_f0f1f3_settle(t);
    f1_dma_update(t);
}

static void gpio_set_odr(struct sim_target *t, unsigned port, uint32_t odr)
{
    struct sim_periph *p = &t->per;
    uint32_t old = p->gpio[port][F1_GPIO_ODR];
    p->gpio[port][F1_GPIO_ODR] = odr & 0xFFFFu;
    if (port == 2 && ((old ^ odr) & (1u << 13))) {
        p->led_toggles++;
        p->led_last_toggle = t->now;
    }
}

static enum sim_bus_result gpio_access(struct sim_target *t, unsigned port, unsigned reg,
                                       uint32_t *rd, const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    /* A port whose clock is off ignores writes and reads as zero. */
    bool clocked = p->rcc[RCC_APB2ENR] & (1u << (APB2ENR_IOPAEN_SHIFT + port));
    if (rd) {
        if (!clocked)
            *rd = 0;
        else if (reg == F1_GPIO_IDR)
            *rd = p->gpio[port][F1_GPIO_ODR];
        else if (reg == F1_GPIO_BSRR || reg == F1_GPIO_BRR)
            *rd = 0;
        else
            *rd = p->gpio[port][reg];
        return SIM_BUS_OK;
    }
    if (!clocked)
        return SIM_BUS_OK;
    uint32_t odr = p->gpio[port][F1_GPIO_ODR];
    switch (reg) {
    case F1_GPIO_CRL:
    case F1_GPIO_CRH:
    case F1_GPIO_LCKR:
        p->gpio[port][reg] = *wr;
        break;
    case F1_GPIO_ODR:
        gpio_set_odr(t, port, *wr);
        break;
    case F1_GPIO_BSRR:
        gpio_set_odr(t, port, sim_gpio_bsrr(odr, *wr));
        break;
    case F1_GPIO_BRR:
        gpio_set_odr(t, port, sim_gpio_brr(odr, *wr));
        break;
    default:
        break;
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result afio_access(struct sim_target *t, unsigned reg, uint32_t *rd,
                                       const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    if (reg >= 8)
        return SIM_BUS_OK;
    if (rd) {
        /* SWJ_CFG is write-only (RM0008 §9.4.2). */
        *rd = reg == AFIO_MAPR ? p->afio[reg] & ~0x07000000u : p->afio[reg];
        return SIM_BUS_OK;
    }
    if (!(p->rcc[RCC_APB2ENR] & APB2ENR_AFIOEN))
        return SIM_BUS_OK;
    p->afio[reg] = *wr;
    if (reg == AFIO_MAPR) {
        /* SWJ_CFG = 100: JTAG-DP and SW-DP both disabled; the pins become GPIO until reset. */
        t->swd_disabled = ((*wr >> 24) & 7u) == 4u;
    }
    return SIM_BUS_OK;
}

static enum sim_bus_result periph_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0x3FFu, off = addr & 0x3FFu;

    if (block == F1_RCC_BASE) {
        if (off >= 0x28)
            return SIM_BUS_FAULT;
        if (rd) {
            rcc_f0f1f3_settle(t);
            *rd = t->per.rcc[off / 4];
        } else
            rcc_write(t, off / 4, *wr);
        return SIM_BUS_OK;
    }
    if (block == F1_FLASH_REGS)
        return rd ? f1_fpec_read(t, off, rd) : f1_fpec_write(t, off, *wr, who);
    if (block >= F1_GPIOA_BASE && block < F1_GPIOA_BASE + 5u * 0x400u) {
        if (off >= 0x1C) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (block - F1_GPIOA_BASE) / 0x400u, off / 4, rd, wr);
    }
    if (block == 0x40020000u) /* DMA1 (RM0008 Table 3) */
        return f1_dma_access(t, off, rd, wr);
    if (block == 0x40012400u) /* ADC1 */
        return f1_adc_access(t, off, rd, wr);
    if (block == SIM_IWDG_BASE)
        return off < 0x10u ? sim_iwdg_access(t, off, rd, wr) : SIM_BUS_OK;
    if (block == SIM_WWDG_BASE)
        return off < 0xCu ? sim_wwdg_access(t, off, rd, wr, who) : SIM_BUS_OK;
    if (block == F1_AFIO_BASE)
        return afio_access(t, off / 4, rd, wr);
    for (unsigned i = 0; i < sizeof quiet_blocks / sizeof quiet_blocks[0]; i++)
        if (block == quiet_blocks[i]) {
            if (rd)
                *rd = is_usart_sr(addr) ? 0xC0u : 0;
            return SIM_BUS_OK;
        }
    return SIM_BUS_FAULT;
}

static void f1_reset_cause(struct sim_target *t, uint32_t flag)
{
    t->per.rcc[RCC_CSR] |= flag; /* RM0008 §7.3.10 */
}

/* The Blue Pill's LED on PC13 lights when the pin is low. */
static bool f1_led_on(const struct sim_target *t)
{
    return !(t->per.gpio[2][F1_GPIO_ODR] & (1u << 13));
}

/* RM0008 Table 3: APB1, APB2 and AHB up to the CRC unit. */
static const struct sim_window f1_windows[] = {{F1_PERIPH_BASE, F1_PERIPH_END - F1_PERIPH_BASE}};

const struct sim_family sim_family_f1 = {
    .name = "f1",
    .ref = "RM0008",
    .core = &sim_core_m3,
    .flash_base = F1_FLASH_BASE,
    .sysmem_base = F1_SYSMEM_PAGE,
    .flash_size_reg = F1_FLASH_SIZE_REG,
    .uid_base = F1_UID_BASE,
    .optbytes_base = F1_OPTBYTES,
    .sram_base = F1_SRAM_BASE,
    .bitband = true,
    .windows = f1_windows,
    .n_windows = sizeof f1_windows / sizeof f1_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0008 §31.6.1 */
    .dbgmcu_core_zero = true,
    .syst_calib = 9000u, /* PM0056 §4.5.4: 9 MHz reference at 72 MHz */
    .tprog_ps = SIM_F1_TPROG_PS,
    .erase_ps = SIM_F1_ERASE_PS,
    .flash = &sim_fpec_ops,
    .fpec = {.rdp_level0 = F1_RDP_KEY},
    .max_rdp_level = 1,
    .periph_reset = f1_periph_reset,
    .periph_access = periph_access,
    .reset_cause = f1_reset_cause,
    .periph_update = f1_update,
    .led = "pc13",
    .led_on = f1_led_on,
};
