/* STM32F1 memory map and register addresses used by the simulator (RM0008 §3.3 "Memory map",
 * §3.3.3 "Embedded Flash memory", §30.1 "Unique device ID", §30.2 "Flash size register"). */
#ifndef STFLASH_SIM_F1_MAP_H
#define STFLASH_SIM_F1_MAP_H

#define F1_FLASH_BASE 0x08000000u
#define F1_SYSMEM_PAGE 0x1FFFF000u /* system memory (boot ROM) + factory data + option bytes */
#define F1_SYSMEM_PAGE_SIZE 0x1000u
#define F1_FLASH_SIZE_REG 0x1FFFF7E0u /* u16, KiB (RM0008 §30.2) */
#define F1_UID_BASE 0x1FFFF7E8u       /* 96 bits (RM0008 §30.1) */
#define F1_OPTBYTES 0x1FFFF800u       /* 8 half-words (RM0008 §3.3.3 Table 5) */
#define F1_SRAM_BASE 0x20000000u
#define F1_SRAM_BITBAND 0x22000000u
#define F1_PERIPH_BASE 0x40000000u
#define F1_PERIPH_END 0x40024000u
#define F1_PERIPH_BITBAND 0x42000000u
#define F1_BITBAND_SIZE 0x02000000u
#define F1_PPB_BASE 0xE0000000u
#define F1_PPB_END 0xE0100000u

#define F1_AFIO_BASE 0x40010000u
#define F1_GPIOA_BASE 0x40010800u
#define F1_RCC_BASE 0x40021000u
#define F1_FLASH_REGS 0x40022000u

/* FPEC registers (RM0008 §3.4 / PM0075 §4). */
#define FLASH_ACR 0x00u
#define FLASH_KEYR 0x04u
#define FLASH_OPTKEYR 0x08u
#define FLASH_SR 0x0Cu
#define FLASH_CR 0x10u
#define FLASH_AR 0x14u
#define FLASH_OBR 0x1Cu
#define FLASH_WRPR 0x20u
#define FLASH_MODEKEYR 0x24u /* CH32 only: unlocks the fast page mode (FLOCK) */

#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu

#define FLASH_SR_BSY (1u << 0)
#define FLASH_SR_PGERR (1u << 2)
#define FLASH_SR_WRPRTERR (1u << 4)
#define FLASH_SR_EOP (1u << 5)

#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_PER (1u << 1)
#define FLASH_CR_MER (1u << 2)
#define FLASH_CR_OPTPG (1u << 4)
#define FLASH_CR_OPTER (1u << 5)
#define FLASH_CR_STRT (1u << 6)
#define FLASH_CR_LOCK (1u << 7)
#define FLASH_CR_OPTWRE (1u << 9)
#define FLASH_CR_ERRIE (1u << 10)
#define FLASH_CR_EOPIE (1u << 12)
#define FLASH_CR_FLOCK (1u << 15) /* CH32 only: fast page mode locked; reads 0 on the F1 */

#define FLASH_OBR_OPTERR (1u << 0)
#define FLASH_OBR_RDPRT (1u << 1)

#define F1_RDP_KEY 0xA5u /* RDP byte value meaning "not protected" (PM0075 §2.5) */

#endif
