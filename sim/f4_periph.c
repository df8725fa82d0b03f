/*
 * The F4 families: the F405/407 (RM0090, DS8626), the F427/429 (RM0090, DS9405) and the F411
 * (RM0383, DS10314). Their memory map (RM0090 §2.3 Table 1, RM0383 §2.3 Table 1), the flash
 * interface at 0x40023C00 (f4_flash.c), and the peripherals firmware and debuggers touch: RCC
 * at 0x40023800 (RM0090 §7.3), GPIO A-K on AHB1 from 0x40020000 (§8.4), PWR (§5.4), SYSCFG
 * (§9.2), DBGMCU in the PPB (§38.16). Other blocks of the APB and AHB buses read as zero.
 *
 * The F76x/F77x (RM0410, DS11532) share this map of RCC, GPIO, PWR, SYSCFG and the flash
 * interface (RM0410 §2.2.2 Table 1) with a Cortex-M7 core, no bit-band regions and no CCM,
 * system memory from 0x1FF00000 and the USARTs' status in USART_ISR (+0x1C, RM0410 §34.8.8).
 */
#include <string.h>

#include "gpio.h"
#include "target.h"

/* RCC registers by offset / 4 (RM0090 §7.3.24 register map). */
enum rcc_reg {
    RCC_CR = 0,
    RCC_PLLCFGR = 1,
    RCC_CFGR = 2,
    RCC_AHB1ENR = 12,
    RCC_AHB1LPENR = 20,
    RCC_AHB2LPENR = 21,
    RCC_AHB3LPENR = 22,
    RCC_APB1LPENR = 24,
    RCC_APB2LPENR = 25,
    RCC_CSR = 29,
    RCC_PLLI2SCFGR = 33,
    RCC_PLLSAICFGR = 34,
    RCC_COUNT = 36
};

#define RCC_BASE 0x40023800u
#define FLASH_REGS 0x40023C00u
#define GPIO_BASE 0x40020000u
#define GPIO_PORTS 11u /* A..K */
#define PWR_BASE 0x40007000u
#define SYSCFG_BASE 0x40013800u
#define BANK2_OPTBYTES 0x1FFEC000u /* RM0090 §3.7.1 Table 16: bank 2's option bytes */

/* GPIOA and GPIOB after reset (RM0090 §8.4): the JTAG/SWD pins in alternate-function mode. */
#define GPIOA_MODER_RESET 0xA8000000u
#define GPIOA_OSPEEDR_RESET 0x0C000000u
#define GPIOA_PUPDR_RESET 0x64000000u
#define GPIOB_MODER_RESET 0x00000280u
#define GPIOB_OSPEEDR_RESET 0x000000C0u
#define GPIOB_PUPDR_RESET 0x00000100u
#define SWD_MODER_MASK 0x3C000000u /* PA13 SWDIO, PA14 SWCLK */

/* The board's user LED: PD12 (green LD4, STM32F4DISCOVERY), PG13 (green LD3, 32F429IDISCOVERY),
 * PA5 (green LD2, NUCLEO-F411RE); each lights when the pin is high. */
static void led_pin(const struct sim_target *t, unsigned *port, unsigned *pin)
{
    if (t->family == &sim_family_f42x) {
        *port = 6;
        *pin = 13;
    } else if (t->family == &sim_family_f76x) { /* PB0: green LD1, NUCLEO-F767ZI */
        *port = 1;
        *pin = 0;
    } else if (t->family == &sim_family_f411) {
        *port = 0;
        *pin = 5;
    } else {
        *port = 3;
        *pin = 12;
    }
}

static bool led_on(const struct sim_target *t)
{
    unsigned port, pin;
    led_pin(t, &port, &pin);
    return t->per.gpio[port][GPIO_ODR] & (1u << pin);
}

static void periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t csr = p->rcc[RCC_CSR];
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    /* DBGMCU is reset by power-on only (RM0090 §38.16.3). */
    uint32_t dbgmcu_cr = p->dbgmcu_cr, fz0 = p->dbgmcu_fz[0], fz1 = p->dbgmcu_fz[1];

    memset(p, 0, sizeof *p);
    rcc_f4_reset(t);
    p->rcc[RCC_AHB1ENR] = 0x00100000u; /* CCMDATARAMEN */
    p->rcc[RCC_AHB1LPENR] = 0x7E6791FFu;
    p->rcc[RCC_AHB2LPENR] = 0x000000F1u;
    p->rcc[RCC_AHB3LPENR] = 0x00000001u;
    p->rcc[RCC_APB1LPENR] = 0x36FEC9FFu;
    p->rcc[RCC_APB2LPENR] = 0x00075F33u;
    p->rcc[RCC_CSR] = csr ? csr : 0x0E000000u; /* PORRSTF | PINRSTF | BORRSTF after power-on */
    p->rcc[RCC_PLLI2SCFGR] = 0x20003000u;
    p->rcc[RCC_PLLSAICFGR] = t->family == &sim_family_f42x ? 0x24003000u : 0;
    p->gpio[0][GPIO_MODER] = GPIOA_MODER_RESET;
    p->gpio[0][GPIO_OSPEEDR] = GPIOA_OSPEEDR_RESET;
    p->gpio[0][GPIO_PUPDR] = GPIOA_PUPDR_RESET;
    p->gpio[1][GPIO_MODER] = GPIOB_MODER_RESET;
    p->gpio[1][GPIO_OSPEEDR] = GPIOB_OSPEEDR_RESET;
    p->gpio[1][GPIO_PUPDR] = GPIOB_PUPDR_RESET;
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    p->dbgmcu_cr = dbgmcu_cr;
    p->dbgmcu_fz[0] = fz0;
    p->dbgmcu_fz[1] = fz1;
}

static void rcc_write(struct sim_target *t, unsigned reg, uint32_t val)
{
    uint32_t *r = t->per.rcc;
    if (rcc_f4_write(t, reg, val))
        return;
    if (reg == RCC_CSR) /* RMVF (bit 24) clears the reset flags; LSION bit 0, LSIRDY bit 1 */
        r[RCC_CSR] =
            (val & (1u << 24)) ? 0 : (r[RCC_CSR] & 0xFE000000u) | (val & 1u) | ((val & 1u) << 1);
    else
        r[reg] = val;
}

static void gpio_set_odr(struct sim_target *t, unsigned port, uint32_t odr)
{
    struct sim_periph *p = &t->per;
    unsigned led_port, pin;
    led_pin(t, &led_port, &pin);
    uint32_t old = p->gpio[port][GPIO_ODR];
    p->gpio[port][GPIO_ODR] = odr & 0xFFFFu;
    if (port == led_port && ((old ^ odr) & (1u << pin))) {
        p->led_toggles++;
        p->led_last_toggle = t->now;
    }
}

static enum sim_bus_result gpio_access(struct sim_target *t, unsigned port, unsigned reg,
                                       uint32_t *rd, const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    /* A port whose clock is off (RCC_AHB1ENR GPIOxEN, bits 0-10) ignores writes, reads zero. */
    bool clocked = p->rcc[RCC_AHB1ENR] & (1u << port);
    if (rd) {
        if (!clocked)
            *rd = 0;
        else if (reg == GPIO_IDR)
            *rd = p->gpio[port][GPIO_ODR];
        else if (reg == GPIO_BSRR)
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
    case GPIO_IDR:
        break;
    case GPIO_MODER:
        p->gpio[port][reg] = *wr;
        /* PA13/PA14 are SWDIO/SWCLK only in alternate-function mode (RM0090 §38.3.2); firmware
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

/* USART_SR (+0x00) reads "transmitter empty, transfer complete" (RM0090 §30.6.1: TXE bit 7,
 * TC bit 6) so firmware that prints does not wait forever; on the F7 the same bits are in
 * USART_ISR (+0x1C). */
static bool is_usart_sr(const struct sim_target *t, uint32_t addr)
{
    static const uint32_t usarts[] = {0x40011000u, 0x40004400u, 0x40004800u, 0x40004C00u,
                                      0x40005000u, 0x40011400u, 0x40007800u, 0x40007C00u};
    uint32_t sr = t->family == &sim_family_f76x ? 0x1Cu : 0x00u;
    for (unsigned i = 0; i < sizeof usarts / sizeof usarts[0]; i++)
        if (addr == usarts[i] + sr)
            return true;
    return false;
}

static enum sim_bus_result periph_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0x3FFu, off = addr & 0x3FFu;

    if (block == RCC_BASE) {
        if (off >= 4u * RCC_COUNT) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        if (rd)
            *rd = rcc_f4_read(t, off / 4);
        else
            rcc_write(t, off / 4, *wr);
        return SIM_BUS_OK;
    }
    if (block == FLASH_REGS)
        return rd ? f4_flash_read(t, off, rd) : f4_flash_write(t, off, *wr, who);
    if (block >= GPIO_BASE && block < GPIO_BASE + GPIO_PORTS * 0x400u) {
        if (off >= 4u * GPIO_BRR) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (block - GPIO_BASE) / 0x400u, off / 4, rd, wr);
    }
    if (block == PWR_BASE && off < 8u) {
        /* PWR_CR storage; PWR_CSR: VOSRDY (bit 14) set, ODRDY/ODSWRDY (bits 16/17) follow
         * PWR_CR ODEN/ODSWEN (F42x over-drive, RM0090 §5.4.2). */
        if (rd)
            *rd = off == 0 ? t->per.pwr[0] : (1u << 14) | (t->per.pwr[0] & (3u << 16));
        else if (off == 0)
            t->per.pwr[0] = *wr;
        return SIM_BUS_OK;
    }
    if (block == SYSCFG_BASE && off < sizeof t->per.syscfg) {
        /* MEMRMP, PMC, EXTICR: storage (the remap at address 0 is not modelled). */
        if (rd)
            *rd = t->per.syscfg[off / 4];
        else
            t->per.syscfg[off / 4] = *wr;
        return SIM_BUS_OK;
    }
    if ((addr & ~0xFFFu) == BANK2_OPTBYTES) {
        if (rd)
            *rd = f4_bank2_optbytes_read(t, addr & 0xFFFu);
        return SIM_BUS_OK;
    }
    /* Everything else on APB1, APB2, AHB1 and AHB2 reads as zero and ignores writes. */
    if (rd)
        *rd = is_usart_sr(t, addr) ? 0xC0u : 0;
    return SIM_BUS_OK;
}

static void reset_cause(struct sim_target *t, uint32_t flag)
{
    t->per.rcc[RCC_CSR] |= flag; /* RM0090 §7.3.21: SFTRSTF bit 28, PINRSTF bit 26 */
}

/* APB1, APB2 and AHB1 (0x40000000-0x4007FFFF), AHB2 (USB OTG FS to RNG). */
static const struct sim_window f4_windows[] = {
    {0x40000000u, 0x80000u},
    {0x50000000u, 0x61000u},
};

/* The F42x adds the page of bank 2's option bytes. */
static const struct sim_window f42x_windows[] = {
    {0x40000000u, 0x80000u},
    {0x50000000u, 0x61000u},
    {BANK2_OPTBYTES, 0x1000u},
};

#define MS(x) ((sim_ps)(x)*SIM_PS_PER_MS)

/* Sector erase times, typical, by parallelism x8 / x16 / x32: DS8626 Table 42, DS9405 Table 46
 * and DS10314 Table 43 give the same figures (16 KiB 400/300/250 ms, 64 KiB 1200/700/550 ms,
 * 128 KiB 2/1.3/1 s); tPROG 16 us per access. */
#define F4_SECTOR_ERASE                                                                            \
    {                                                                                              \
        {MS(400), MS(300), MS(250)}, {MS(1200), MS(700), MS(550)},                                 \
        {                                                                                          \
            MS(2000), MS(1300), MS(1000)                                                           \
        }                                                                                          \
    }

/* What the three lines share: Cortex-M4F, memory map, DBGMCU in the PPB, the flash interface.
 * The CCM data RAM is on the D-bus only (RM0090 §2.3.1): a fetch from it is a bus error. */
#define F4_COMMON                                                                                  \
    .core = &sim_core_m4, .flash_base = 0x08000000u,                                               \
    .sysmem_base = 0x1FFF0000u,        /* RM0090 Table 1: system memory, OTP, option bytes */      \
        .flash_size_reg = 0x1FFF7A22u, /* RM0090 §39.2 */                                         \
        .uid_base = 0x1FFF7A10u,       /* RM0090 §39.1 */                                         \
        .optbytes_base = 0x1FFFC000u,  /* RM0090 §3.7.1 Table 16 */                               \
        .sram_base = 0x20000000u, .ccm_base = 0x10000000u, .bitband = true, .ccm_data_only = true, \
    .dbgmcu_base = 0xE0042000u, .dbgmcu_freeze = true, .tprog_ps = 16ull * SIM_PS_PER_US,          \
    .erase_ps = MS(250), .flash = &sim_f4_flash_ops, .max_rdp_level = 2,                           \
    .periph_reset = periph_reset, .periph_access = periph_access, .reset_cause = reset_cause,      \
    .periph_update = rcc_f4_settle, .led_on = led_on

const struct sim_family sim_family_f40x = {
    .name = "f40x",
    .ref = "RM0090",
    F4_COMMON,
    .windows = f4_windows,
    .n_windows = sizeof f4_windows / sizeof f4_windows[0],
    .syst_calib = 21000u, /* 168 MHz / 8 */
    /* DS8626 Table 42: mass erase (1 MiB) 16 / 11 / 8 s. OPTCR: nWRP [27:16], RDP, USER. */
    .f4 = {.latency_mask = 0x7u,
           .optcr_mask = 0x0FFFFFECu,
           .sector_erase_ps = F4_SECTOR_ERASE,
           .mass_erase_ps = {MS(16000), MS(11000), MS(8000)},
           .bank_erase_ps = {MS(16000), MS(11000), MS(8000)}},
    .led = "pd12",
};

const struct sim_family sim_family_f42x = {
    .name = "f42x",
    .ref = "RM0090",
    F4_COMMON,
    .windows = f42x_windows,
    .n_windows = sizeof f42x_windows / sizeof f42x_windows[0],
    .syst_calib = 22500u, /* 180 MHz / 8 */
    /* DS9405 Table 46: mass erase and bank erase 16 / 11 / 8 s. OPTCR adds BFB2 (bit 4), DB1M
     * (30), SPRMOD (31); OPTCR1 holds bank 2's nWRP; FLASH_SR RDERR. */
    .f4 = {.dual_bank = true,
           .latency_mask = 0xFu,
           .optcr_mask = 0xCFFFFFFCu,
           .rderr = true,
           .sector_erase_ps = F4_SECTOR_ERASE,
           .mass_erase_ps = {MS(16000), MS(11000), MS(8000)},
           .bank_erase_ps = {MS(16000), MS(11000), MS(8000)}},
    .led = "pg13",
};

const struct sim_family sim_family_f411 = {
    .name = "f411",
    .ref = "RM0383",
    F4_COMMON,
    .windows = f4_windows,
    .n_windows = sizeof f4_windows / sizeof f4_windows[0],
    .syst_calib = 12500u, /* 100 MHz / 8 */
    /* DS10314 Table 43: mass erase (512 KiB) 8 / 5.5 / 4 s. OPTCR adds SPRMOD (31); RDERR. */
    .f4 = {.latency_mask = 0xFu,
           .optcr_mask = 0x8FFFFFECu,
           .rderr = true,
           .sector_erase_ps = F4_SECTOR_ERASE,
           .mass_erase_ps = {MS(8000), MS(5500), MS(4000)},
           .bank_erase_ps = {MS(8000), MS(5500), MS(4000)}},
    .led = "pa5",
};

/* Sector erase times by parallelism x8 / x16 / x32 for the F76x/F77x (DS11532, table "Flash
 * memory programming", typical values): the dual-bank layout's 16/64/128 KiB sectors as on the
 * F4, the single-bank layout's 32/128/256 KiB sectors; mass and bank erase 16 / 11 / 8 s; tPROG
 * 16 us per access. */
#define F7_SINGLE_BANK_ERASE                                                                       \
    {                                                                                              \
        {MS(400), MS(300), MS(250)}, {MS(1200), MS(700), MS(550)},                                 \
        {                                                                                          \
            MS(2000), MS(1300), MS(1000)                                                           \
        }                                                                                          \
    }

/* NUCLEO-F767ZI (RM0410, DS11532): Cortex-M7 at 216 MHz, 2 MiB of flash whose layout FLASH_OPTCR
 * nDBANK chooses, system memory and OTP from 0x1FF00000 (RM0410 §2.2.2 Table 1), flash size and
 * UID at 0x1FF0F442 / 0x1FF0F420 (§45.1-§45.2), the option rows at 0x1FFF0000 (§3.4.1). */
const struct sim_family sim_family_f76x = {
    .name = "f76x",
    .ref = "RM0410",
    .core = &sim_core_m7,
    .flash_base = 0x08000000u,
    .sysmem_base = 0x1FF00000u,
    .flash_size_reg = 0x1FF0F442u,
    .uid_base = 0x1FF0F420u,
    .optbytes_base = 0x1FFF0000u,
    .sram_base = 0x20000000u, /* DTCM 128 KiB, SRAM1 368 KiB, SRAM2 16 KiB in a row */
    .windows = f4_windows,
    .n_windows = sizeof f4_windows / sizeof f4_windows[0],
    .dbgmcu_base = 0xE0042000u, /* RM0410 §40.16 */
    .dbgmcu_freeze = true,
    .syst_calib = 27000u, /* 216 MHz / 8 */
    .tprog_ps = 16ull * SIM_PS_PER_US,
    .erase_ps = MS(250),
    .flash = &sim_f4_flash_ops,
    /* RM0410 §3.7: FLASH_ACR LATENCY [3:0], PRFTEN 8, ARTEN 9, ARTRST 11; FLASH_OPTCR reset
     * 0xFFFFAAFD (BOR off, watchdogs by software, nDBOOT, nDBANK: one bank), FLASH_OPTCR1 reset
     * 0x00400080 (BOOT_ADD0 0x0080: flash on ITCM at 0x00200000, BOOT_ADD1 0x0040: system
     * memory at 0x00100000). FLASH_SR has no RDERR on these parts. */
    .f4 = {.latency_mask = 0xFu,
           .optcr_mask = 0xFFFFFFFCu,
           .sector_erase_ps = F4_SECTOR_ERASE,
           .mass_erase_ps = {MS(16000), MS(11000), MS(8000)},
           .bank_erase_ps = {MS(16000), MS(11000), MS(8000)},
           .ndbank = true,
           .acr_mask = 0xB0Fu,
           .optcr_default = 0xFFFFAAFDu,
           .optcr1_default = 0x00400080u,
           .single_bank_erase_ps = F7_SINGLE_BANK_ERASE},
    .max_rdp_level = 2,
    .periph_reset = periph_reset,
    .periph_access = periph_access,
    .reset_cause = reset_cause,
    .periph_update = rcc_f4_settle,
    .led = "pb0",
    .led_on = led_on,
};
