/*
 * The L0/L1 flash controller (STFLASH_CTRL_L0_L1): what flash/l0l1.c (erase, program, the data
 * EEPROM) and flash/l0l1_options.c (option bytes) share. RM0367/RM0377 §3 (L0), RM0038 §3 (L1):
 * one register block (0x40022000 on the L0, 0x40023C00 on the L1, both banks of the dual-bank
 * parts), three lock levels in FLASH_PECR (PELOCK, then PRGLOCK and OPTLOCK), erased flash reads
 * 0x00, words or half-pages (16 words on the L0, 32 on the L1) are programmed, a page is erased
 * by writing a word into it with ERASE and PROG set. Internal.
 */
#ifndef STFLASH_FLASH_L0L1_H
#define STFLASH_FLASH_L0L1_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/family.h"
#include "flash/flash.h"

/* Register offsets (RM0377 §3.7, RM0038 §3.9). */
#define LX_ACR 0x00u
#define LX_PECR 0x04u
#define LX_PDKEYR 0x08u
#define LX_PEKEYR 0x0Cu
#define LX_PRGKEYR 0x10u
#define LX_OPTKEYR 0x14u
#define LX_SR 0x18u
#define LX_OBR 0x1Cu
#define LX_WRPR1 0x20u /* sectors 0-31 */
#define LX_WRPR2 0x80u /* sectors 32-63 (L0 category 5, L1 categories 3 to 6) */
#define LX_WRPR3 0x84u /* sectors 64-95 (L1 categories 4 to 6) */
#define LX_WRPR4 0x88u /* sectors 96-127 (L1 categories 5 and 6) */

/* Keys (RM0377 §3.3.4 "Unlocking/locking operations", RM0038 §3.3.4). */
#define LX_PEKEY1 0x89ABCDEFu
#define LX_PEKEY2 0x02030405u
#define LX_PRGKEY1 0x8C9DAEBFu
#define LX_PRGKEY2 0x13141516u
#define LX_OPTKEY1 0xFBEAD9C8u
#define LX_OPTKEY2 0x24252627u

/* FLASH_PECR (RM0377 §3.7.2, RM0038 §3.9.2). */
#define LX_PECR_PELOCK (1u << 0)
#define LX_PECR_PRGLOCK (1u << 1)
#define LX_PECR_OPTLOCK (1u << 2)
#define LX_PECR_PROG (1u << 3)
#define LX_PECR_DATA (1u << 4)
#define LX_PECR_FIX (1u << 8) /* FIX on the L0, FTDW on the L1: fixed-time data EEPROM write */
#define LX_PECR_ERASE (1u << 9)
#define LX_PECR_FPRG (1u << 10)
#define LX_PECR_OBL_LAUNCH (1u << 18)

/* FLASH_SR (RM0377 §3.7.8, RM0038 §3.9.8): the error flags are cleared by writing 1. */
#define LX_SR_BSY (1u << 0)
#define LX_SR_EOP (1u << 1)
#define LX_SR_WRPERR (1u << 8)
#define LX_SR_PGAERR (1u << 9)
#define LX_SR_SIZERR (1u << 10)
#define LX_SR_OPTVERR (1u << 11)
#define LX_SR_OPTVERRUSR (1u << 12) /* L1 */
#define LX_SR_RDERR (1u << 13)
#define LX_SR_NOTZEROERR (1u << 16) /* L0 */
#define LX_SR_FWWERR (1u << 17)     /* L0 */
#define LX_SR_ERRORS 0x00033F00u

/* The option bytes in their memory copy (RM0377 §3.4.1 Table 13, RM0038 §3.5.1): each 32-bit
 * word holds a half-word and its complement in the upper half. Word 0: RDP [7:0] (WPRMOD bit 8
 * on the L0); word 1: USER [7:0] = BOR_LEV [3:0], WDG_SW 4, nRST_STOP 5, nRST_STDBY 6, BFB2 7;
 * words 2.. : WRP bits, 16 per word. */
#define LX_OB_RDP 0x00u
#define LX_OB_USER 0x04u
#define LX_OB_WRP1 0x08u /* WRPR1 [15:0], then +0x0C [31:16] */
#define LX_OB_WRP2 0x10u /* WRPR2 (L1 categories 3 to 6; L0 category 5) */
#define LX_OB_WRP3 0x18u /* WRPR3 (L1 categories 4 to 6) */
#define LX_OB_WRP4 0x80u /* WRPR4 (L1 categories 5 and 6) */

/* FLASH_OBR (RM0377 §3.7.9, RM0038 §3.9.9): RDPRT [7:0], BOR_LEV [19:16], WDG_SW 20,
 * nRST_STOP 21, nRST_STDBY 22, BFB2 23. */
#define LX_OBR_USER_SHIFT 16u
#define LX_USER_WDG_SW (1u << 4)
#define LX_USER_NRST_STOP (1u << 5)
#define LX_USER_NRST_STDBY (1u << 6)

#define LX_RDP_LEVEL0 0xAAu
#define LX_RDP_LEVEL1 0xBBu /* any value but 0xAA and 0xCC */
#define LX_RDP_LEVEL2 0xCCu

/* Write protection: one bit per sector of 4 KiB (32 pages on the L0, 16 on the L1). */
#define LX_WRP_SECTOR 4096u

/* Deadlines: tPROG, one page erase, word or half-page program, is 3.2 ms typical and 3.94 ms at
 * most on the L0 and L1 (DS10182, DS10030 "Flash memory and data EEPROM characteristics"); an
 * option word is erased and programmed (twice tPROG); the RDP change to level 0 erases the flash
 * and the data EEPROM first. */
#define LX_TPROG_MAX_US 3940u
#define LX_IDLE_TIMEOUT_MS 100u
#define LX_OP_TIMEOUT_MS 100u
#define LX_MASS_ERASE_TIMEOUT_MS 2000u

/* The data EEPROM of a DEV_ID (RM0377 §3.3.1 Table 9, RM0367 §3.3.1, RM0038 §3.3.1 Tables 5 to 8):
 * at 0x08080000, size in bytes (0: none known). */
#define LX_EEPROM_BASE 0x08080000u
uint32_t lx_eeprom_size(const struct stflash_chip_info *chip);

/* Bytes per half-page: 64 (16 words) on the L0, 128 (32 words) on the L1. */
uint32_t lx_half_page(const struct stflash_chip_info *chip);

/* The WRPRn registers the row's largest part has (1 to 4). */
unsigned lx_wrp_regs(const struct stflash_chip_info *chip);

/* The 32-bit group mask of stflash_options (bit n clear: group n of flash_size / 32 bytes holds
 * a protected sector) from the WRP sector bits (wrp[0] sectors 0-31, ...). */
uint32_t lx_wrp_mask(const uint32_t wrp[4], unsigned nregs, uint32_t flash_size);
/* The sector bits for a group mask: a sector is protected when a group it touches is. */
void lx_wrp_sectors(uint32_t mask, uint32_t flash_size, unsigned nregs, uint32_t wrp[4]);

/* The level an RDP byte means: 0xAA 0, 0xCC 2, anything else 1. */
int lx_rdp_level_of(uint8_t rdp);

/* An option word as stored: the half-word and its complement (value | ~value << 16). */
uint32_t lx_ob_word(uint16_t value);
/* Whether a stored option word holds a half-word and its complement. */
bool lx_ob_word_valid(uint32_t word);

/* SR error flags named, for messages ("WRPERR: write protected"). */
const char *lx_sr_error_name(uint32_t sr);

/* Register helpers of flash/l0l1.c. */
uint32_t lx_regs(const struct flash_dev *f);
int lx_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                 uint32_t addr);
/* Clears PELOCK (PEKEYR sequence): the data EEPROM and FLASH_PECR become writable. */
int lx_unlock_pe(struct flash_dev *f);
int lx_lock(struct flash_dev *f);

/* ---- option bytes (flash/l0l1_options.c) ---- */

int lx_protection(struct flash_dev *f, struct flash_protection *out);
int lx_options_read(struct flash_dev *f, struct stflash_options *out);
int lx_options_write(struct flash_dev *f, const struct stflash_options *o);
int lx_options_load(struct flash_dev *f);
int lx_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

#endif
