/*
 * dma_adc.c - test firmware: ADC1 in continuous mode feeds DMA1 channel 1, circular, into a
 * 4 KiB buffer in SRAM (RM0008 §11.3.6, §13.3), then PC13 blinks from SysTick. The stream goes
 * on by itself while the core is halted or runs a debugger's flash loader in the same SRAM; only
 * a reset stops it. fw_id = FW_ID_DMA_ADC once the stream runs.
 */
#include "common/board.h"

#define RCC_AHBENR REG32(RCC_BASE + 0x14u) /* RM0008 §7.3.6 */
#define RCC_AHBENR_DMA1EN (1u << 0)
#define RCC_APB2ENR_ADC1EN (1u << 9)
#define DMA1_BASE 0x40020000u /* RM0008 §13.4 */
#define DMA1_CCR1 REG32(DMA1_BASE + 0x08u)
#define DMA1_CNDTR1 REG32(DMA1_BASE + 0x0Cu)
#define DMA1_CPAR1 REG32(DMA1_BASE + 0x10u)
#define DMA1_CMAR1 REG32(DMA1_BASE + 0x14u)
#define DMA_CCR_EN (1u << 0)
#define DMA_CCR_CIRC (1u << 5)
#define DMA_CCR_MINC (1u << 7)
#define DMA_CCR_PSIZE16 (1u << 8)
#define DMA_CCR_MSIZE16 (1u << 10)
#define ADC1_BASE 0x40012400u /* RM0008 §11.12 */
#define ADC1_CR2 REG32(ADC1_BASE + 0x08u)
#define ADC1_DR_ADDR (ADC1_BASE + 0x4Cu)
#define ADC_CR2_ADON (1u << 0)
#define ADC_CR2_CONT (1u << 1)
#define ADC_CR2_DMA (1u << 8)

#define SAMPLES 2048u
static volatile uint16_t samples[SAMPLES];

int main(void)
{
    RCC_AHBENR |= RCC_AHBENR_DMA1EN;
    RCC_APB2ENR |= RCC_APB2ENR_ADC1EN;
    DMA1_CPAR1 = ADC1_DR_ADDR;
    DMA1_CMAR1 = (uint32_t)(uintptr_t)samples;
    DMA1_CNDTR1 = SAMPLES;
    DMA1_CCR1 = DMA_CCR_MINC | DMA_CCR_CIRC | DMA_CCR_PSIZE16 | DMA_CCR_MSIZE16 | DMA_CCR_EN;
    ADC1_CR2 = ADC_CR2_ADON;                              /* wake the ADC up */
    ADC1_CR2 = ADC_CR2_ADON | ADC_CR2_CONT | ADC_CR2_DMA; /* second ADON: conversions start */
    fw_id = FW_ID_DMA_ADC;
    led_init();
    led_blink_start(FW_LED_TOGGLE_PERIOD_US);
    for (;;) {
    }
}
