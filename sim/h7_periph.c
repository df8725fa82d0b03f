/*
 * The H7 families: the H743 (RM0433, DS12110) and the H7A3 (RM0455, DS13195). Their memory map
 * (RM0433 and RM0455 §2 "Memory and bus architecture"), the flash interface at 0x52002000
 * (h7_flash.c), and the peripherals firmware and debuggers touch: RCC at 0x58024400 (RM0433 §8
 * RCC registers), GPIO A-K on AHB4 from 0x58020000 (§11 GPIO registers), PWR at 0x58024800 (§6
 * PWR registers), IWDG1 at 0x58004800 (sim/iwdg.c), DBGMCU at 0x5C001000 (RM0433 §60 DBGMCU
 * registers: IDCODE, CR and the freeze registers, among them DBGMCU_APB4FZ1 whose bit 18 freezes
 * IWDG1). Other blocks of the APB/AHB buses read as zero.
 *
 * Memory: the DTCM at 0x20000000 (128 KiB) is the target's SRAM, the AXI SRAM at 0x24000000 its
 * second SRAM (the family's ccm_base). The ITCM at 0x00000000 is not modelled: address 0 aliases
 * the flash, which serves the same reset vector as BOOT_ADD0 = 0x08000000. The core clock is
 * the 64 MHz HSI; the PLL is not modelled.
 */
#include <string.h>

#include "gpio.h"
#include "target.h"

/* RCC registers by slot in sim_periph.rcc[]: offset / 4 below 0x98, RCC_RSR (+0xD0) and
 * RCC_AHB4ENR (+0xE0) in the last two slots; the others are not kept. */
enum rcc_reg { RCC_CR = 0x00 / 4, RCC_CFGR = 0x10 / 4, RCC_RSR = 38, RCC_AHB4ENR = 39 };

static int rcc_slot(uint32_t off)
{
    return off == 0xD0u ? RCC_RSR : off == 0xE0u ? RCC_AHB4ENR : off < 0x98u ? (int)(off / 4) : -1;
}

#define RCC_BASE 0x58024400u
#define PWR_BASE 0x58024800u
#define GPIO_BASE 0x58020000u
#define GPIO_PORTS 11u /* A..K */
#define IWDG1_BASE 0x58004800u
#define FLASH_REGS 0x52002000u
#define DBGMCU_BASE 0x5C001000u
/* H7A3: UID at +0x800, flash size at +0x80C (RM0455 §62 device electronic signature). */
#define FSIZE_PAGE 0x08FFF000u
#define HSI_HZ 64000000u

/* GPIO reset values (RM0433 §11 GPIOx_MODER): every pin analog, but PA13/PA14/PA15 and PB3/PB4 in
 * alternate-function mode (debug pins). */
#define GPIOA_MODER_RESET 0xABFFFFFFu
#define GPIOB_MODER_RESET 0xFFFFFEBFu
#define GPIO_MODER_RESET 0xFFFFFFFFu
#define SWD_MODER_MASK 0x3C000000u /* PA13 SWDIO, PA14 SWCLK */

/* RCC_RSR (RM0433 §8 RCC_RSR): RMVF bit 16, CPURSTF 17, D1RSTF 19, D2RSTF 20, BORRSTF 21, PINRSTF
 * 22, PORRSTF 23, SFTRSTF 24, IWDG1RSTF 26. */
#define RSR_RMVF (1u << 16)
#define RSR_POWER_ON 0x00FA0000u /* CPURSTF, D1RSTF, D2RSTF, BORRSTF, PINRSTF, PORRSTF */

/* The board's user LED: LD1 (green) on PB0 on the NUCLEO-H743ZI and NUCLEO-H7A3ZI-Q. */
#define LED_PORT 1u
#define LED_PIN 0u

static bool led_on(const struct sim_target *t)
{
    return t->per.gpio[LED_PORT][GPIO_ODR] & (1u << LED_PIN);
}

static void periph_reset(struct sim_target *t)
{
    struct sim_periph *p = &t->per;
    uint32_t rsr = p->rcc[RCC_RSR];
    uint64_t toggles = p->led_toggles;
    sim_ps last = p->led_last_toggle;
    uint32_t dbg[sizeof p->dbgmcu_h7 / sizeof p->dbgmcu_h7[0]];
    memcpy(dbg, p->dbgmcu_h7, sizeof dbg); /* DBGMCU is reset by power-on only */

    memset(p, 0, sizeof *p);
    p->rcc[RCC_CR] = 0x00000025u; /* HSION, HSIRDY, HSIDIVF (RM0433 §8 RCC_CR) */
    p->rcc[RCC_RSR] = rsr;
    for (unsigned i = 0; i < GPIO_PORTS; i++)
        p->gpio[i][GPIO_MODER] = GPIO_MODER_RESET;
    p->gpio[0][GPIO_MODER] = GPIOA_MODER_RESET;
    p->gpio[1][GPIO_MODER] = GPIOB_MODER_RESET;
    p->led_toggles = toggles;
    p->led_last_toggle = last;
    memcpy(p->dbgmcu_h7, dbg, sizeof dbg);
    cortexm_set_clock_hz(t, HSI_HZ);
}

static void gpio_set_odr(struct sim_target *t, unsigned port, uint32_t odr)
{
    struct sim_periph *p = &t->per;
    uint32_t old = p->gpio[port][GPIO_ODR];
    p->gpio[port][GPIO_ODR] = odr & 0xFFFFu;
    if (port == LED_PORT && ((old ^ odr) & (1u << LED_PIN))) {
        p->led_toggles++;
        p->led_last_toggle = t->now;
    }
}

static enum sim_bus_result gpio_access(struct sim_target *t, unsigned port, unsigned reg,
                                       uint32_t *rd, const uint32_t *wr)
{
    struct sim_periph *p = &t->per;
    /* A port whose clock is off (RCC_AHB4ENR GPIOxEN, bits 0-10) ignores writes, reads zero. */
    bool clocked = p->rcc[RCC_AHB4ENR] & (1u << port);
    if (rd) {
        *rd = !clocked           ? 0
              : reg == GPIO_IDR  ? p->gpio[port][GPIO_ODR]
              : reg == GPIO_BSRR ? 0
                                 : p->gpio[port][reg];
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

static enum sim_bus_result rcc_access(struct sim_target *t, int reg, uint32_t *rd,
                                      const uint32_t *wr)
{
    uint32_t *r = t->per.rcc;
    if (reg < 0) {
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    }
    if (rd) {
        *rd = r[reg];
        return SIM_BUS_OK;
    }
    switch (reg) {
    case RCC_CR: {
        /* Oscillators and PLLs report ready at once (ON bit n, RDY bit n + 1 or n + 2 for HSI). */
        uint32_t v = *wr, ready = 0;
        if (v & 1u)
            ready |= 1u << 2;                                      /* HSIRDY */
        static const unsigned on_bits[] = {7, 12, 16, 24, 26, 28}; /* CSI, HSI48, HSE, PLL1-3 */
        for (unsigned i = 0; i < sizeof on_bits / sizeof on_bits[0]; i++)
            if (v & (1u << on_bits[i]))
                ready |= 1u << (on_bits[i] + 1u);
        r[RCC_CR] = (v & 0x15FD03BBu) | ready | (1u << 5);
        break;
    }
    case RCC_CFGR:
        r[RCC_CFGR] = (*wr & ~0x38u) | ((*wr & 7u) << 3);
        break; /* SWS follows SW */
    case RCC_RSR:
        if (*wr & RSR_RMVF)
            r[RCC_RSR] = 0;
        break;
    default:
        r[reg] = *wr;
        break;
    }
    return SIM_BUS_OK;
}

/* DBGMCU: IDCODE through the common decoder, the others plain storage. */
static enum sim_bus_result dbgmcu_h7_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                            const uint32_t *wr, enum sim_initiator who)
{
    if (off == 0)
        return dbgmcu_access(t, off, rd, wr, who);
    unsigned i = off / 4u;
    if (i >= sizeof t->per.dbgmcu_h7 / sizeof t->per.dbgmcu_h7[0]) {
        if (rd)
            *rd = 0;
        return SIM_BUS_OK;
    }
    if (rd)
        *rd = t->per.dbgmcu_h7[i];
    else
        t->per.dbgmcu_h7[i] = *wr;
    return SIM_BUS_OK;
}

/* The H7A3's UID and flash-size words at 0x08FFF800 (RM0455 §62 device electronic signature). */
static uint32_t fsize_page_read(const struct sim_target *t, uint32_t off)
{
    if (off >= 0x800u && off < 0x80Cu) {
        unsigned i = off - 0x800u;
        return (uint32_t)t->uid[i] | (uint32_t)t->uid[i + 1] << 8 | (uint32_t)t->uid[i + 2] << 16 |
               (uint32_t)t->uid[i + 3] << 24;
    }
    if (off == 0x80Cu)
        return 0xFFFF0000u | (t->cfg.flash_size_reg & 0xFFFFu);
    return 0xFFFFFFFFu;
}

static enum sim_bus_result periph_access(struct sim_target *t, uint32_t addr, uint32_t *rd,
                                         const uint32_t *wr, enum sim_initiator who)
{
    uint32_t block = addr & ~0x3FFu, off = addr & 0x3FFu;
    if (block == RCC_BASE)
        return rcc_access(t, rcc_slot(off), rd, wr);
    if ((addr & ~0xFFFu) == FLASH_REGS)
        return rd ? h7_flash_read(t, addr & 0x1FCu, rd)
                  : h7_flash_write(t, addr & 0x1FCu, *wr, who);
    if (block >= GPIO_BASE && block < GPIO_BASE + GPIO_PORTS * 0x400u) {
        if (off >= 4u * GPIO_BRR) {
            if (rd)
                *rd = 0;
            return SIM_BUS_OK;
        }
        return gpio_access(t, (block - GPIO_BASE) / 0x400u, off / 4, rd, wr);
    }
    if (block == PWR_BASE) {
        /* PWR_CSR1 (+0x04) ACTVOSRDY and PWR_D3CR (+0x18) VOSRDY (bit 13) read set: the voltage
         * scaling is ready at once (RM0433 §6 PWR_CSR1, PWR_D3CR). Others are storage. */
        if (rd)
            *rd = off == 0x04 || off == 0x18 ? (1u << 13) | t->per.pwr[off == 0x18] : 0;
        else if (off == 0x18)
            t->per.pwr[1] = *wr & ~(1u << 13);
        return SIM_BUS_OK;
    }
    if (block == IWDG1_BASE)
        return sim_iwdg_access(t, off, rd, wr);
    if ((addr & ~0xFFFu) == DBGMCU_BASE)
        return dbgmcu_h7_access(t, addr & 0xFFFu, rd, wr, who);
    if ((addr & ~0xFFFu) == FSIZE_PAGE && t->family->h7.fsize_window) {
        if (rd)
            *rd = fsize_page_read(t, addr & 0xFFFu);
        return SIM_BUS_OK;
    }
    /* Everything else reads as zero and ignores writes; USART_ISR (+0x1C) reads TXE and TC so
     * that firmware that prints does not wait forever (RM0433 §48 USART_ISR). */
    if (rd)
        *rd =
            (addr & 0xFFFF03FFu) == 0x4000001Cu || (addr & 0xFFFF03FFu) == 0x4001001Cu ? 0xC0u : 0;
    return SIM_BUS_OK;
}

/* The reset flags in the RCC_RSR layout, from the F1-style flag the board passes (RCC_CSR bit
 * 25 OBLRSTF, 26 PINRSTF, 27 PORRSTF, 28 SFTRSTF, 29 IWDGRSTF). */
static void reset_cause(struct sim_target *t, uint32_t flag)
{
    uint32_t rsr = 0;
    if (flag & (1u << 27))
        rsr |= RSR_POWER_ON;
    if (flag & (1u << 26))
        rsr |= (1u << 22) | (1u << 17) | (1u << 19);
    if (flag & (1u << 28))
        rsr |= (1u << 24) | (1u << 17) | (1u << 19);
    if (flag & (1u << 29))
        rsr |= (1u << 26) | (1u << 17) | (1u << 19);
    t->per.rcc[RCC_RSR] |= rsr;
}

/* APB1-AHB2 (0x40000000-0x4007FFFF), AHB3 with the flash interface, APB4/AHB4 (SYSCFG, IWDG1,
 * GPIO, RCC, PWR), DBGMCU and the debug components behind it. */
static const struct sim_window h743_windows[] = {
    {0x40000000u, 0x80000u},
    {0x52000000u, 0x8000u},
    {0x58000000u, 0x30000u},
    {0x5C000000u, 0x5000u},
};

/* The H7A3 adds the page with its UID and flash-size register. */
static const struct sim_window h7a3_windows[] = {
    {0x40000000u, 0x80000u}, {0x52000000u, 0x8000u}, {0x58000000u, 0x30000u},
    {0x5C000000u, 0x5000u},  {FSIZE_PAGE, 0x1000u},
};

#define US(x) ((sim_ps)(x)*SIM_PS_PER_US)
#define MS(x) ((sim_ps)(x)*SIM_PS_PER_MS)

/* What the two lines share: the Cortex-M7 (sim/cores.c; 16 KiB L1 caches on both, RM0433 §2.1,
 * RM0455 §2.1), the memory map, the flash interface. */
#define H7_COMMON                                                                                  \
    .core = &sim_core_m7, .flash_base = 0x08000000u,                                               \
    .sysmem_base = 0x1FF00000u,       /* RM0433 Table 7: system memory */                          \
        .optbytes_base = 0x1FF1F000u, /* no option-byte area in memory: a harmless spot */         \
        .sram_base = 0x20000000u, .ccm_base = 0x24000000u, .bitband = false,                       \
    .dbgmcu_base = DBGMCU_BASE, .flash = &sim_h7_flash_ops, .max_rdp_level = 2,                    \
    .periph_reset = periph_reset, .periph_access = periph_access, .reset_cause = reset_cause,      \
    .led = "pb0", .led_on = led_on

const struct sim_family sim_family_h743 = {
    .name = "h743",
    .ref = "RM0433",
    H7_COMMON,
    .flash_size_reg = 0x1FF1E880u, /* RM0433 §61 flash size */
    .uid_base = 0x1FF1E800u,       /* RM0433 §61 unique device ID */
    .syst_calib = 60000u,          /* 480 MHz / 8 */
    .windows = h743_windows,
    .n_windows = sizeof h743_windows / sizeof h743_windows[0],
    .tprog_ps = US(100),
    .erase_ps = MS(1000),
    /* DS12110 "Flash memory programming": by parallelism x8/x16/x32/x64, typical: tprog (a
     * 266-bit flash word with its ECC) 290/180/130/100 us, tERASE128KB 2/1.8/1.1/1 s, tME (one
     * bank) 13/8/6/5 s. */
    .h7 = {.word_bytes = 32,
           .sector_size = 128u * 1024u,
           .psize = true,
           .cr_start = 1u << 7,
           .snb_shift = 8,
           .snb_bits = 3,
           .wps_per_bit = 1,
           .tprog_ps = {US(290), US(180), US(130), US(100)},
           .sector_erase_ps = {MS(2000), MS(1800), MS(1100), MS(1000)},
           .bank_erase_ps = {MS(13000), MS(8000), MS(6000), MS(5000)}},
};

const struct sim_family sim_family_h7a3 = {
    .name = "h7a3",
    .ref = "RM0455",
    H7_COMMON,
    .flash_size_reg = FSIZE_PAGE + 0x80Cu, /* RM0455 §62 flash size, outside system memory */
    .uid_base = FSIZE_PAGE + 0x800u,
    .syst_calib = 35000u, /* 280 MHz / 8 */
    .windows = h7a3_windows,
    .n_windows = sizeof h7a3_windows / sizeof h7a3_windows[0],
    .tprog_ps = US(50),
    .erase_ps = MS(2),
    /* DS13195 "Flash memory programming" (typical; one parallelism): tprog of a 137-bit flash
     * word 50 us, tERASE8KB 2 ms, bank erase (1 MiB) 0.5 s. Figures not checked against the
     * datasheet's current revision. */
    .h7 = {.word_bytes = 16,
           .sector_size = 8u * 1024u,
           .psize = false,
           .cr_start = 1u << 5,
           .snb_shift = 6,
           .snb_bits = 7,
           .wps_per_bit = 4,
           .fsize_window = FSIZE_PAGE,
           .tprog_ps = {US(50), US(50), US(50), US(50)},
           .sector_erase_ps = {MS(2), MS(2), MS(2), MS(2)},
           .bank_erase_ps = {MS(500), MS(500), MS(500), MS(500)}},
};
