/*
 * The F2/F4/F7 flash interface: what flash/f4.c (erase, program, bank layout) and
 * flash/f4_options.c (FLASH_OPTCR) share, and the pure parts the unit tests check. RM0033 §2.3
 * (F2), RM0090 §3 (F4), RM0368/RM0383 §3 (F401/F411), RM0385 §3 and RM0410 §3 (F7): one register
 * block at 0x40023C00 for every bank, sectors of 16/64/128 KiB (32/128/256 KiB on the F74x and
 * the single-bank F76x), a program width (PSIZE) set by the supply voltage, and the option bytes
 * in FLASH_OPTCR (FLASH_OPTCR1 for the second bank of the F42x/F43x). Internal.
 */
#ifndef STFLASH_FLASH_F4_H
#define STFLASH_FLASH_F4_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/erase_map.h"
#include "flash/family.h"
#include "flash/flash.h"

/* Register offsets (RM0090 §3.9, RM0410 §3.7). */
#define F4_ACR 0x00u
#define F4_KEYR 0x04u
#define F4_OPTKEYR 0x08u
#define F4_SR 0x0Cu
#define F4_CR 0x10u
#define F4_OPTCR 0x14u
#define F4_OPTCR1 0x18u /* F42x/F43x/F469/F479: nWRP of bank 2; F7: BOOT_ADD0/1 */

/* Option keys (RM0090 §3.6.2; the FLASH_CR keys: flash/keyed_ctrl.h). */
#define F4_OPTKEY1 0x08192A3Bu
#define F4_OPTKEY2 0x4C5D6E7Fu

/* FLASH_ACR (RM0090 §3.9.1): ICEN/DCEN enable the ART caches, ICRST/DCRST reset them and can be
 * written only while the cache is disabled. F7 (RM0410 §3.7.1): ARTEN bit 9 and ARTRST bit 11
 * (the F4's ICEN/ICRST places); bits 10 and 12 are reserved. */
#define F4_ACR_ICEN (1u << 9)
#define F4_ACR_DCEN (1u << 10)
#define F4_ACR_ICRST (1u << 11)
#define F4_ACR_DCRST (1u << 12)

/* FLASH_SR (RM0090 §3.9.4; RM0410 §3.7.4 calls bit 7 ERSERR); flags cleared by writing 1. */
#define F4_SR_EOP (1u << 0)
#define F4_SR_OPERR (1u << 1)
#define F4_SR_WRPERR (1u << 4)
#define F4_SR_PGAERR (1u << 5)
#define F4_SR_PGPERR (1u << 6)
#define F4_SR_PGSERR (1u << 7)
#define F4_SR_RDERR (1u << 8)
#define F4_SR_BSY (1u << 16)
#define F4_SR_ERRORS                                                                               \
    (F4_SR_OPERR | F4_SR_WRPERR | F4_SR_PGAERR | F4_SR_PGPERR | F4_SR_PGSERR | F4_SR_RDERR)

/* FLASH_CR (RM0090 §3.9.5 and §3.9.8 for the F42x/F43x; RM0410 §3.7.5). SNB is 4 bits [6:3]
 * on single-bank parts, 5 bits [7:3] on dual-bank ones, where SNB[4] selects bank 2. MER1 (bit
 * 15) erases bank 2 (the F7 calls bits 2 and 15 MER1 and MER2). LOCK is set-only. */
#define F4_CR_PG (1u << 0)
#define F4_CR_SER (1u << 1)
#define F4_CR_MER (1u << 2)
#define F4_CR_SNB_SHIFT 3u
#define F4_CR_PSIZE_SHIFT 8u
#define F4_CR_MER1 (1u << 15)
#define F4_CR_STRT (1u << 16)
#define F4_CR_LOCK (1u << 31)

/* FLASH_OPTCR (RM0090 §3.9.10, RM0410 §3.7.6). */
#define F4_OPTCR_OPTLOCK (1u << 0)
#define F4_OPTCR_OPTSTRT (1u << 1)
#define F4_OPTCR_BOR_SHIFT 2u     /* BOR_LEV [3:2] */
#define F4_OPTCR_WDG_SW (1u << 5) /* F7: IWDG_SW */
#define F4_OPTCR_NRST_STOP (1u << 6)
#define F4_OPTCR_NRST_STDBY (1u << 7)
#define F4_OPTCR_RDP_SHIFT 8u   /* RDP [15:8] */
#define F4_OPTCR_NWRP_SHIFT 16u /* nWRP [27:16], one bit per sector */
#define F4_OPTCR_NWRP_MASK (0xFFFu << F4_OPTCR_NWRP_SHIFT)
#define F7_OPTCR_NDBANK (1u << 29) /* F76x/F77x: 1 = single bank */
#define F7_OPTCR_NDBOOT (1u << 28) /* F76x/F77x: 0 = dual boot */
#define F4_OPTCR_DB1M (1u << 30)   /* F42x/F43x 1 MiB: 1 = dual bank */
#define F4_OPTCR_SPRMOD (1u << 31) /* F42x/F401/F411: nWRP bits select PCROP when set */

/* RDP bytes (RM0090 §3.7.3): 0xAA level 0, 0xCC level 2, anything else level 1. */
#define F4_RDP_LEVEL0 0xAAu
#define F4_RDP_LEVEL1 0x55u
#define F4_RDP_LEVEL2 0xCCu

/* Program/erase parallelism, FLASH_CR.PSIZE (RM0090 §3.6.2 Table 6 "Program/erase
 * parallelism"): x8 from 1.8 V, x16 from 2.1 V, x32 from 2.7 V to 3.6 V; x64 needs an external
 * VPP and is never chosen. */
enum f4_psize {
    F4_PSIZE_X8 = 0,
    F4_PSIZE_X16 = 1,
    F4_PSIZE_X32 = 2,
};

/* The width for a measured supply voltage; volts <= 0 (not measured) gives x32, the width of the
 * usual 3.3 V board. */
enum f4_psize f4_psize_for_volts(double volts);

/* The FLASH_CR value that erases sector `index_in_bank` of `bank` (SER, SNB, PSIZE; STRT not
 * set): SNB = index on bank 1, 0x10 | index on bank 2 (RM0090 §3.9.8: sectors 12-23 are coded
 * 0b10000-0b11011). */
uint32_t f4_sector_erase_cr(unsigned bank, unsigned index_in_bank, enum f4_psize psize);

/* The FLASH_CR value of a mass erase (MER, MER1 as well when the map has two banks; PSIZE). */
uint32_t f4_mass_erase_cr(unsigned banks, enum f4_psize psize);

/*
 * Lays out m for the chip row, the flash size and FLASH_OPTCR as read: the F42x/F43x/F469/F479
 * (DEV_ID 0x419/0x434) are two banks of 12 sectors at 2 MiB, two banks of 8 sectors at 1 MiB
 * with DB1M set, one bank otherwise; the F76x/F77x (0x451) are one bank of 32/128/256 KiB sectors
 * with nDBANK set, two banks of 16/64/128 KiB sectors when it is clear (RM0410 §3.3.1); other
 * rows have one layout. The program unit is the PSIZE width. Errors as flash_map_from_chip.
 */
int f4_map_layout(struct flash_map *m, const struct stflash_chip_info *chip, uint32_t flash_size,
                  uint32_t optcr, enum f4_psize psize, char *why, size_t why_len);

/* Whether the row's bank layout depends on an OPTCR bit (and OPTCR1 holds bank-2 nWRP bits). */
bool f4_has_optcr1_wrp(const struct stflash_chip_info *chip);

/* The nWRP bit that covers a sector: its number in bank 1; 12 + its number in bank 2 (OPTCR1
 * on the F42x/F43x); on the dual-bank F76x one bit per two sectors (RM0410 §3.4.2). */
unsigned f4_wrp_bit(const struct stflash_chip_info *chip, const struct flash_map *m,
                    const struct flash_unit *u);

/* ---- option bytes (flash/f4_options.c) ---- */

int f4_rdp_level_of(uint8_t rdp);
int f4_rdp_byte_of(int level, uint8_t *byte);

/* nWRP bits in FLASH_OPTCR: 12, or 15 on the F413/F423 (RM0430 §3.8.10). */
unsigned f4_nwrp_bits(const struct stflash_chip_info *chip);

/* Decodes FLASH_OPTCR with `bits` nWRP bits (f4_nwrp_bits), and the bank-2 nWRP bits of OPTCR1
 * into wrp bits 12-23 when has_optcr1. wrp bits the chip does not have read 1 (not protected). */
void f4_options_decode(uint32_t optcr, uint32_t optcr1, bool has_optcr1, unsigned bits,
                       struct stflash_options *o);

/* The FLASH_OPTCR and OPTCR1 values that store o, keeping the bits o does not describe (BOR_LEV,
 * DB1M, SPRMOD, nDBANK, ...) as they are in optcr/optcr1. OPTLOCK and OPTSTRT are clear in the
 * result. STFLASH_ERR_INVALID_ARG for an RDP level other than 0-2. */
int f4_options_encode(const struct stflash_options *o, uint32_t optcr, uint32_t optcr1,
                      bool has_optcr1, unsigned bits, uint32_t *new_optcr, uint32_t *new_optcr1);

/* Register helpers of flash/f4.c. */
int f4_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr);
int f4_lock(struct flash_dev *f);

/* The family operations (flash/family.h). */
int f4_protection(struct flash_dev *f, struct flash_protection *out);
int f4_options_read(struct flash_dev *f, struct stflash_options *out);
int f4_options_write(struct flash_dev *f, const struct stflash_options *o);
int f4_options_load(struct flash_dev *f);
int f4_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

/* Deadlines (host time). Sector erase up to 4 s for 128 KiB at x8 (DS8626 "Flash memory
 * programming": tERASE128KB max), scaled by the sector size; mass erase up to 32 s at x8 (tME
 * max); an option change from level 1 to 0 includes a mass erase. */
#define F4_IDLE_TIMEOUT_MS 1000u
#define F4_MASS_ERASE_TIMEOUT_MS 64000u

#endif
