/*
 * The F0 and F3 families: their memory maps and the peripherals that firmware and debuggers
 * touch. Both keep the F1's flash controller (f1_flash.c) at 0x40022000 and the first ten RCC
 * registers at the F1's offsets, and move GPIO to AHB2 at 0x48000000 with the MODER/AFR layout;
 * the F0 (Cortex-M0) has DBGMCU at 0x40015800 on the APB, the F3 (Cortex-M4F) in the PPB.
 * References: RM0091 §2.2 Table 1 (F0 memory map), §6.4 (RCC), §8.4 (GPIO), §9.1 (SYSCFG),
 * §32.9 (DBGMCU); RM0316 §3.2 Table 2 (F3 memory map), §9.4 (RCC), §11.4 (GPIO), §12.1 (SYSCFG).
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
    RCC_CSR,
    RCC_AHBRSTR,
    RCC_CFGR2,
    RCC_CFGR3,
    RCC_CR2,
    RCC_COUNT
};

#define RCC_BASE 0x40021000u
#define GPIO_BASE 0x48000000u
#define GPIO_PORTS 6u /* A..F */
#define SYSCFG_BASE 0x40010000u
#define F0_DBGMCU_BASE 0x40015800u /* RM0091 §32.9 */
#define AHBENR_IOPAEN_SHIFT 17u    /* IOPAEN .. IOPFEN: bits 17..22 (RM0091 §6.4.6) */
/* GPIOA after reset (RM0091 §8.4.1, RM0316 §11.4.1): PA13 (SWDIO) and PA14 (SWCLK) in
 * alternate-function mode, pulled up and down. */
#define GPIOA_MODER_RESET 0x28000000u
#define GPIOA_OSPEEDR_RESET 0x0C000000u
#define GPIOA_PUPDR_RESET 0x24000000u
#define SWD_MODER_MASK 0x3C000000u

/* Peripheral blocks of the F0 and F3 (RM0091 Table 1, RM0316 Table 2) that read as zero here. */
static const uint32_t quiet_blocks[] = {
    0x40000000u, 0x40000400u, 0x40000800u, 0x40001000u, 0x40001400u, 0x40002000u, 0x40002800u,
    0x40002C00u, 0x40003400u, 0x40003800u, 0x40003C00u, 0x40004000u, 0x40004400u, 0x40004800u,
    0x40004C00u, 0x40005000u, 0x40005400u, 0x40005800u, 0x40005C00u, 0x40006000u, 0x40006400u,
    0x40006C00u, 0x40007000u, 0x40007400u, 0x40007800u, 0x40010400u, 0x40012400u, 0x40012C00u,
    0x40013000u, 0x40013400u, 0x40013800u, 0x40013C00u, 0x40014000u, 0x40014400u, 0x40014800u,
    0x40020000u, 0x40020400u, 0x40023000u, 0x40024000u, 0x50000000u, 0x50000400u,
};

/* USART_ISR (+0x1C) reads "transmitter empty, transfer complete" so firmware that prints does
 * not wait forever (RM0091 §27.8.8: TXE bit 7, TC bit 6). */
static bool is_usart_isr(uint32_t addr)
{
    return addr == 0x4001381Cu || addr == 0x4000441Cu || addr == 0x4000481Cu ||
           addr == 0x40004C1Cu || addr == 0x4000501Cu;
}

/* The board's user LED: PC9 (green LD3) on the F0 Discovery, PE9 (red LD3) on the F3 Discovery;
 * both light when the pin is high. */
static unsigned led_port(const struct sim_target *t)
{
    return t->family == &sim_family_f0 ? 2u : 4u;
}

static bool led_on(const struct sim_target *t)
{
    return t->per.gpio[led_port(t)][GPIO_ODR] & (1u << 9);
}

static void periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t csr = p->rcc[RCC_CSR];
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    /* DBGMCU is reset by power-on only (RM0091 §32.9.2). */
    uint32_t dbgmcu_cr = p->dbgmcu_cr, fz0 = p->dbgmcu_fz[0], fz1 = p->dbgmcu_fz[1];

    memset(p, 0, sizeof *p);
    p->rcc[RCC_AHBENR] = 0x00000014u; /* SRAMEN, FLITFEN */
    p->rcc[RCC_CSR] =
        csr; /* reset flags survive a system reset; power-on: sim_target_power_on_reset */
    p->gpio[0][GPIO_MODER] = GPIOA_MODER_RESET;
    p->gpio[0][GPIO_OSPEEDR] = GPIOA_OSPEEDR_RESET;
    p->gpio[0][GPIO_PUPDR] = GPIOA_PUPDR_RESET;
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    p->dbgmcu_cr = dbgmcu_cr;
    p->dbgmcu_fz[0] = fz0;
    p->dbgmcu_fz[1] = fz1;
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
    case RCC_CFGR2:
        rcc_f0f1f3_write_cfgr2(t, val);
        break;
    case RCC_CSR: /* RMVF (bit 24) clears the reset flags */
        r[RCC_CSR] = (val & (1u << 24)) ? 0 : (r[RCC_CSR] & 0xFE000000u) | (val & 1u);
        break;
    default:
        r[reg] = val;
        break;
    }
}

static void gpio_set_odr(struct sim_target *t, unsigned port, uint32_t odr)
{
    struct sim_periph *p = &t->per;
    uint32_t old = p->gpio[port][GPIO_ODR];
    p->gpio[port][GPIO_ODR] = odr & 0xFFFFu;
    if (port == led_port(t) && ((old ^ odr) & (1u << 9))) {
        p->led_toggles++;
        p->led_last_toggle = t->now;
    }
}

static enum sim_bus_result gpio_access(struct sim_target *t, unsigned port, unsigned reg,
                                       uint32_t *rd, const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    /* A port whose clock is off ignores writes and reads as zero. */
    bool clocked = p->rcc[RCC_AHBENR] & (1u << (AHBENR_IOPAEN_SHIFT + port));
    if (rd) {
        if (!clocked)
            *rd = 0;
        else if (reg == GPIO_IDR)
            *rd = p->gpio[port][GPIO_ODR];
        else if (reg == GPIO_BSRR || reg == GPIO_BRR)
            *rd = 0;
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
        /* RM0091 §32.3.2: PA13/PA14 are SWDIO/SWCLK only in alternate-function mode; firmware
         * that makes them GPIO cuts the debugger off until reset. */
        if (port == 0)
            t->swd_disabled = (*wr & SWD_MODER_MASK) != (GPIOA_MODER_RESET & SWD_MODER_MASK);
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

    if (block == RCC_BASE) {
        if (off >= 4u * RCC_COUNT)
            return SIM_BUS_FAULT;
        if (rd) {
            rcc_f0f1f3_settle(t);
            *rd = t->per.rcc[off / 4];
        } else {
            rcc_write(t, off / 4, *wr);
        }
        return SIM_BUS_OK;
    }
    if (block == F1_FLASH_REGS)
        return rd ? f1_fpec_read(t, off, rd) : f1_fpec_write(t, off, *wr, who);
    if (block >= GPIO_BASE && block < GPIO_BASE + GPIO_PORTS * 0x400u) {
        if (off >= 4u * GPIO_COUNT) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (block - GPIO_BASE) / 0x400u, off / 4, rd, wr);
    }
    if (block == SYSCFG_BASE) {
        /* CFGR1 MEM_MODE, EXTICR, CFGR2: storage (the SRAM remap at 0 is not modelled). */
        if (off >= sizeof t->per.syscfg)
            return SIM_BUS_FAULT;
        if (rd)
            *rd = t->per.syscfg[off / 4];
        else
            t->per.syscfg[off / 4] = *wr;
        return SIM_BUS_OK;
    }
    if (block == SIM_IWDG_BASE)
        return off < 0x10u ? sim_iwdg_access(t, off, rd, wr) : SIM_BUS_OK;
    if (block == SIM_WWDG_BASE)
        return off < 0xCu ? sim_wwdg_access(t, off, rd, wr, who) : SIM_BUS_OK;
    if (block == F0_DBGMCU_BASE && t->family->dbgmcu_base == F0_DBGMCU_BASE)
        return dbgmcu_access(t, off, rd, wr, who);
    for (unsigned i = 0; i < sizeof quiet_blocks / sizeof quiet_blocks[0]; i++)
        if (block == quiet_blocks[i]) {
            if (rd)
                *rd = is_usart_isr(addr) ? 0xC0u : 0;
            return SIM_BUS_OK;
        }
    return SIM_BUS_FAULT;
}

static void reset_cause(struct sim_target *t, uint32_t flag)
{
    t->per.rcc[RCC_CSR] |= flag; /* RM0091 §6.4.10 */
}

/* APB and AHB1 (to TSC), AHB2 (GPIOA..F); the F3 adds the ADCs on AHB3. */
static const struct sim_window f0_windows[] = {
    {0x40000000u, 0x24400u},
    {GPIO_BASE, GPIO_PORTS * 0x400u},
};

static const struct sim_window f3_windows[] = {
    {0x40000000u, 0x24400u},
    {GPIO_BASE, GPIO_PORTS * 0x400u},
    {0x50000000u, 0x800u},
};

/* F0/F3 option bytes (RM0091 §4.1, RM0316 §4.1): 0xAA level 0, 0xCC level 2; FLASH_OBR with
 * RDPRT [2:1]; OBL_LAUNCH; level 1 left by programming RDP back to 0xAA (mass erase). The F0
 * loads new option bytes only at a power-on reset or through OBL_LAUNCH, not at a system reset
 * (RM0091 §4); the F3 loads them at every system reset (RM0316 §4). */
#define F0_F3_FPEC(por_only)                                                                       \
    {                                                                                              \
        .rdp_level0 = 0xAA, .rdp_level2 = 0xCC, .obl_launch = true, .f0_obr = true,                \
        .unlock_on_program = true, .load_on_por_only = (por_only),                                 \
    }

const struct sim_family sim_family_f0 = {
    .name = "f0",
    .ref = "RM0091",
    .core = &sim_core_m0,
    .flash_base = F1_FLASH_BASE,
    .sysmem_base = 0x1FFFEC00u,    /* RM0091 Table 1: 3 KiB system memory on the F05x */
    .flash_size_reg = 0x1FFFF7CCu, /* RM0091 §33.2 */
    .uid_base = 0x1FFFF7ACu,       /* RM0091 §33.1 */
    .optbytes_base = F1_OPTBYTES,
    .sram_base = F1_SRAM_BASE,
    .bitband = false, /* ARMv6-M */
    .windows = f0_windows,
    .n_windows = sizeof f0_windows / sizeof f0_windows[0],
    .dbgmcu_base = F0_DBGMCU_BASE,
    .dbgmcu_freeze = true,
    .syst_calib = 6000u, /* 48 MHz / 8: TENMS 6000 */
    /* DS8668 Table 43 "Flash memory characteristics": tPROG 40-60 us per half-word (53.5 typ),
     * page and mass erase 20-40 ms (the F1's 20 ms as the low figure). */
    .tprog_ps = 53500ull * 1000ull,
    .erase_ps = 20ull * SIM_PS_PER_MS,
    .flash = &sim_fpec_ops,
    .fpec = F0_F3_FPEC(true),
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_update = rcc_f0f1f3_settle,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pc9",
    .led_on = led_on,
};

const struct sim_family sim_family_f3 = {
    .name = "f3",
    .ref = "RM0316",
    .core = &sim_core_m4,
    .flash_base = F1_FLASH_BASE,
    .sysmem_base = 0x1FFFD800u,    /* RM0316 Table 2: 8 KiB system memory */
    .flash_size_reg = 0x1FFFF7CCu, /* RM0316 §34.2 */
    .uid_base = 0x1FFFF7ACu,       /* RM0316 §34.1 */
    .optbytes_base = F1_OPTBYTES,
    .sram_base = F1_SRAM_BASE,
    .ccm_base = 0x10000000u, /* RM0316 §3.3: CCM SRAM */
    .bitband = true,
    .windows = f3_windows,
    .n_windows = sizeof f3_windows / sizeof f3_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0316 §33.6.1 */
    .dbgmcu_freeze = true,
    .syst_calib = 9000u, /* 72 MHz / 8 */
    /* DS9118 Table 40 "Flash memory characteristics": tPROG 40-60 us per half-word (53.5 typ),
     * page and mass erase 20-40 ms. */
    .tprog_ps = 53500ull * 1000ull,
    .erase_ps = 20ull * SIM_PS_PER_MS,
    .flash = &sim_fpec_ops,
    .fpec = F0_F3_FPEC(false),
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_update = rcc_f0f1f3_settle,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .led = "pe9",
    .led_on = led_on,
};
