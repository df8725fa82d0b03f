/*
 * The GPIO port registers the simulated families share: the word offsets of the F0/F2/F3/F4/F7,
 * G0/G4, H7, L0/L1/L4/L5, U5 and WB/WL ports (RM0090 §8.4, RM0091 §8.4, RM0351 §8.5; BRR at 0x28
 * only where the family has it), and what a write to ODR's set/reset registers does to ODR, on
 * those and on the F1 (RM0008 §9.2.5-§9.2.6).
 */
#ifndef STFLASH_SIM_GPIO_H
#define STFLASH_SIM_GPIO_H

#include <stdint.h>

enum sim_gpio_reg {
    GPIO_MODER,
    GPIO_OTYPER,
    GPIO_OSPEEDR,
    GPIO_PUPDR,
    GPIO_IDR,
    GPIO_ODR,
    GPIO_BSRR,
    GPIO_LCKR,
    GPIO_AFRL,
    GPIO_AFRH,
    GPIO_BRR, /* not on the F2/F4/F7 and H7: their ports end at AFRH */
    GPIO_COUNT
};

/* ODR after a BSRR write: the low half sets, the high half resets, and a bit given both ways is
 * set (RM0008 §9.2.5, RM0090 §8.4.7: "BSx has priority"). */
static inline uint32_t sim_gpio_bsrr(uint32_t odr, uint32_t val)
{
    return ((odr & ~(val >> 16)) | val) & 0xFFFFu;
}

/* ODR after a BRR write: the low half resets (RM0008 §9.2.6). */
static inline uint32_t sim_gpio_brr(uint32_t odr, uint32_t val)
{
    return odr & ~val & 0xFFFFu;
}

#endif
