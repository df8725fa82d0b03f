/*
 * The flash controller of the H5 (STFLASH_CTRL_H5), driven through its non-secure registers with
 * TrustZone off: what flash/h5.c (erase, program, bank layout) and flash/h5_options.c (option
 * bytes, product state) share. RM0481 §7.11 (register map): the block at 0x40022000 (the secure
 * alias 0x50022000 is not used), 8 KiB sectors in two banks selected by NSCR.BKSEL, 128-bit
 * quad-word programming, flags cleared through NSCCR. The sequences are the L4-style
 * controller's, run on the H5's registers (struct l4_ctrl, flash/l4.h). Internal.
 */
#ifndef STFLASH_FLASH_H5_H
#define STFLASH_FLASH_H5_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l4.h"

/* RM0481 §7.11 register map. */
#define H5_NSKEYR 0x04u
#define H5_OPTKEYR 0x0Cu
#define H5_OPTCR 0x1Cu
#define H5_NSSR 0x20u
#define H5_NSCR 0x28u
#define H5_NSCCR 0x30u
#define H5_OPTSR_CUR 0x50u
#define H5_OPTSR_PRG 0x54u
#define H5_OPTSR2_CUR 0x70u
#define H5_WRP1R_CUR 0xE8u
#define H5_WRP1R_PRG 0xECu
#define H5_ECCDETR 0x104u
#define H5_WRP2R_CUR 0x1E8u
#define H5_WRP2R_PRG 0x1ECu

/* FLASH_NSSR (RM0481 §7.11); the flags clear through FLASH_NSCCR, same bits (§7.11). */
#define H5_SR_BSY (1u << 0)
#define H5_SR_WBNE (1u << 1)
#define H5_SR_DBNE (1u << 3)
#define H5_SR_EOP (1u << 16)
#define H5_SR_WRPERR (1u << 17)
#define H5_SR_PGSERR (1u << 18)
#define H5_SR_STRBERR (1u << 19)
#define H5_SR_INCERR (1u << 20)
#define H5_SR_OPTCHANGEERR (1u << 23)
#define H5_SR_ERRORS 0x00FE0000u /* WRPERR to OPTCHANGEERR, with OBKERR and OBKWERR */
#define H5_SR_BUSY (H5_SR_BSY | H5_SR_DBNE)

/* FLASH_NSCR (RM0481 §7.11). LOCK is set-only; BKSEL picks the physical bank, whatever
 * SWAP_BANK says. */
#define H5_CR_LOCK (1u << 0)
#define H5_CR_PG (1u << 1)
#define H5_CR_SER (1u << 2)
#define H5_CR_BER (1u << 3)
#define H5_CR_STRT (1u << 5)
#define H5_CR_SNB_SHIFT 6u
#define H5_CR_SNB_MASK (0x7Fu << 6)
#define H5_CR_MER (1u << 15)
#define H5_CR_BKSEL (1u << 31)

/* FLASH_OPTCR (RM0481 §7.11): OPTLOCK set-only, OPTSTRT stores the _PRG registers. */
#define H5_OPTCR_OPTLOCK (1u << 0)
#define H5_OPTCR_OPTSTRT (1u << 1)

/* FLASH_OPTSR_CUR / _PRG (RM0481 §7.11). */
#define H5_OPTSR_IWDG_SW (1u << 3)
#define H5_OPTSR_NRST_STOP (1u << 6)
#define H5_OPTSR_NRST_STDBY (1u << 7)
#define H5_OPTSR_PS_SHIFT 8u
#define H5_OPTSR_PS_MASK (0xFFu << 8)
#define H5_OPTSR_SWAP_BANK (1u << 31)

/* FLASH_OPTSR2_CUR.TZEN [31:24] (RM0481 §7.11): 0xC3 TrustZone off, 0xB4 on. */
#define H5_OPTSR2_TZEN_SHIFT 24u
#define H5_TZEN_OFF 0xC3u

/* PRODUCT_STATE (RM0481 §7.6.11 "Product state transitions"): replaces the RDP levels. */
#define H5_PS_OPEN 0xEDu
#define H5_PS_PROVISIONING 0x17u
#define H5_PS_IROT_PROVISIONED 0x2Eu
#define H5_PS_TZ_CLOSED 0xC6u
#define H5_PS_CLOSED 0x72u
#define H5_PS_LOCKED 0x5Cu

/* WRPxR: one bit per group of four sectors, 0 = protected (RM0481 §7.11). */
#define H5_WRP_SECTORS_PER_BIT 4u

/* Deadlines: a sector erase takes milliseconds, a bank erase longer; an option change with a
 * product-state regression erases the flash. Generous, as the datasheet figures are not checked. */
#define H5_IDLE_TIMEOUT_MS 100u
#define H5_ERASE_TIMEOUT_MS 200u
#define H5_MASS_ERASE_TIMEOUT_MS 4000u

/* ---- pure functions (tests/unit/flash_h5) ---- */

/* The name of a PRODUCT_STATE value ("open", ...), or NULL for a value RM0481 does not list. */
const char *h5_product_state_name(uint8_t ps);

/* The read protection level that matches a product state: 0 open (debug and flash open), 2 locked
 * (permanent), 1 the others (the debugger closed or the state moving on to closed). */
int h5_product_state_level(uint8_t ps);

/* FLASH_NSCR for a sector erase of sector `snb` of the map's bank `bank` (0 or 1); with
 * `swapped` (SWAP_BANK) the map's first bank is the physical bank 2. */
uint32_t h5_sector_erase_cr(unsigned bank, uint32_t snb, bool swapped);

/* The stflash WRP group mask (bit n clear: 1/32 of the flash holds a protected sector) from the
 * two WRPxR values of a flash of `flash_size` bytes in two banks of 8 KiB sectors. */
uint32_t h5_wrp_mask(const uint32_t wrp[2], uint32_t flash_size);

/* ---- shared by h5.c and h5_options.c ---- */

extern const struct l4_ctrl h5_ctrl;

int h5_unlock(struct flash_dev *f);
int h5_lock(struct flash_dev *f);

int h5_protection(struct flash_dev *f, struct flash_protection *out);
int h5_options_read(struct flash_dev *f, struct stflash_options *out);
int h5_options_write(struct flash_dev *f, const struct stflash_options *o);
int h5_options_load(struct flash_dev *f);
int h5_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

#endif
