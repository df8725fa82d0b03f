/*
 * The H7 flash interface: what flash/h7.c (erase, program) and flash/h7_options.c (OPTSR, WPSN,
 * BOOT) share, and the pure parts the unit tests check. RM0433 §4 (H742/H743/H750/H753), RM0455
 * §4 (H7A3/H7B3/H7B0): two banks with a register block each (bank 1 at 0x52002000, bank 2 at
 * +0x100: KEYR, CR, SR, CCR, PRAR, SCAR, WPSN, CRC and ECC registers of their own), one
 * OPTKEYR/OPTCR/OPTSR shared by both (the bank-2 offsets are aliases), programming by flash words
 * of 256 bits with ECC (128 bits on the H7A3/H7B3), sectors of 128 KiB (8 KiB on the H7A3/H7B3).
 * Internal.
 */
#ifndef STFLASH_FLASH_H7_H
#define STFLASH_FLASH_H7_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/erase_map.h"
#include "flash/family.h"
#include "flash/flash.h"

/* Register offsets in a bank's block (RM0433 §4.9 register map, RM0455 §4.9). */
#define H7_ACR 0x00u
#define H7_KEYR 0x04u
#define H7_OPTKEYR 0x08u
#define H7_CR 0x0Cu
#define H7_SR 0x10u
#define H7_CCR 0x14u
#define H7_OPTCR 0x18u
#define H7_OPTSR_CUR 0x1Cu
#define H7_OPTSR_PRG 0x20u
#define H7_OPTCCR 0x24u
#define H7_WPSN_CUR 0x38u /* RM0455: FLASH_WPSGN_CURxR, one bit per group of 4 sectors */
#define H7_WPSN_PRG 0x3Cu
#define H7_BOOT_CUR 0x40u
#define H7_BOOT_PRG 0x44u
#define H7_ECC_FA 0x60u /* FLASH_ECC_FAxR: FAIL_ECC_ADDR, in flash words from the bank's base */
#define H7_BANK2_OFFSET 0x100u

/* Option keys (RM0433 §4.5.1 "FLASH configuration protection"; the FLASH_CR keys:
 * flash/keyed_ctrl.h). */
#define H7_OPTKEY1 0x08192A3Bu
#define H7_OPTKEY2 0x4C5D6E7Fu

/* FLASH_CR (RM0433 §4.9.4): LOCK, PG, SER, BER, PSIZE [5:4], FW, START, SNB [10:8]. The
 * H7A3/H7B3 (RM0455 §4.9.4) have no PSIZE: FW is bit 4, START bit 5, SSN [12:6]. */
#define H7_CR_LOCK (1u << 0)
#define H7_CR_PG (1u << 1)
#define H7_CR_SER (1u << 2)
#define H7_CR_BER (1u << 3)
#define H7_CR_PSIZE_SHIFT 4u
#define H7_CR_START (1u << 7)
#define H7_CR_SNB_SHIFT 8u
#define H7AB_CR_START (1u << 5)
#define H7AB_CR_SNB_SHIFT 6u

/* PSIZE x64: the reset value of FLASH_CR (0x00000031, RM0433 §4.9.4) and the fastest erase. */
#define H7_PSIZE_X64 3u

/* FLASH_SR (RM0433 §4.9.5, RM0455 §4.9.5) and FLASH_CCR (the same bits, write 1 to clear). */
#define H7_SR_BSY (1u << 0)
#define H7_SR_WBNE (1u << 1)
#define H7_SR_QW (1u << 2)
#define H7_SR_CRC_BUSY (1u << 3)
#define H7_SR_EOP (1u << 16)
#define H7_SR_WRPERR (1u << 17)
#define H7_SR_PGSERR (1u << 18)
#define H7_SR_STRBERR (1u << 19)
#define H7_SR_INCERR (1u << 21)
#define H7_SR_OPERR (1u << 22)
#define H7_SR_RDPERR (1u << 23)
#define H7_SR_RDSERR (1u << 24)
#define H7_SR_SNECCERR (1u << 25)
#define H7_SR_DBECCERR (1u << 26)
#define H7_SR_CRCEND (1u << 27)
#define H7_SR_CRCRDERR (1u << 28)
#define H7_SR_ERRORS                                                                               \
    (H7_SR_WRPERR | H7_SR_PGSERR | H7_SR_STRBERR | H7_SR_INCERR | H7_SR_OPERR | H7_SR_RDPERR |     \
     H7_SR_RDSERR | H7_SR_SNECCERR | H7_SR_DBECCERR | H7_SR_CRCRDERR)
#define H7_SR_BUSY (H7_SR_BSY | H7_SR_WBNE | H7_SR_QW)

/* FLASH_OPTCR (RM0433 §4.9.7). MER erases both banks (RM0433 §4.3.10). */
#define H7_OPTCR_OPTLOCK (1u << 0)
#define H7_OPTCR_OPTSTART (1u << 1)
#define H7_OPTCR_MER (1u << 4)
#define H7_OPTCR_SWAP_BANK (1u << 31)

/* FLASH_OPTSR_CUR/PRG (RM0433 §4.9.8-§4.9.9). The H7A3/H7B3 have the same fields at the same
 * places (RM0455 §4.9.8: IWDG_SW, NRST_STOP, NRST_STBY, RDP, FZ_IWDG_STOP/SDBY, SWAP_BANK). */
#define H7_OPTSR_OPT_BUSY (1u << 0)
#define H7_OPTSR_BOR_SHIFT 2u /* BOR_LEV [3:2]: 00 off, 01 level 1, 10 level 2, 11 level 3 */
#define H7_OPTSR_IWDG1_SW (1u << 4)
#define H7_OPTSR_NRST_STOP (1u << 6)
#define H7_OPTSR_NRST_STBY (1u << 7)
#define H7_OPTSR_RDP_SHIFT 8u
#define H7_OPTSR_FZ_IWDG_STOP (1u << 16)
#define H7_OPTSR_FZ_IWDG_SDBY (1u << 17)
#define H7_OPTSR_OPTCHANGEERR (1u << 30) /* read only; OPTCCR bit 30 clears it */
#define H7_OPTSR_SWAP_BANK_OPT (1u << 31)
#define H7_OPTCCR_CLR_OPTCHANGEERR (1u << 30)

/* RDP bytes (RM0433 §4.5.3): 0xAA level 0, 0xCC level 2, anything else level 1. */
#define H7_RDP_LEVEL0 0xAAu
#define H7_RDP_LEVEL1 0x55u
#define H7_RDP_LEVEL2 0xCCu

/* What differs between the two H7 controller styles. */
struct h7_layout {
    uint32_t cr_start;    /* FLASH_CR.START */
    unsigned snb_shift;   /* FLASH_CR.SNB / SSN */
    uint32_t snb_mask;    /* its width, unshifted */
    bool psize;           /* FLASH_CR.PSIZE exists (set to x64) */
    unsigned wps_per_bit; /* sectors one WPSN bit protects: 1 (RM0433), 4 (RM0455 WPSGN) */
    unsigned wps_bits;    /* WPSN bits per bank: 8 (RM0433), 32 (RM0455) */
};

/* The layout of a controller style (STFLASH_CTRL_H7 or STFLASH_CTRL_H7AB). */
const struct h7_layout *h7_layout_of(enum stflash_flash_ctrl ctrl);

/* The FLASH_CR value that erases sector `index_in_bank` of a bank (SER, SNB, PSIZE; START not
 * set). */
uint32_t h7_sector_erase_cr(const struct h7_layout *l, unsigned index_in_bank);
/* The FLASH_CR value of a bank erase (BER, PSIZE; START not set). */
uint32_t h7_bank_erase_cr(const struct h7_layout *l);
/* The FLASH_CR value to program with (PG, PSIZE). */
uint32_t h7_program_cr(const struct h7_layout *l);

/* The error flags of FLASH_SR by name ("WRPERR, PGSERR") into buf; returns buf. */
const char *h7_sr_flags(uint32_t sr, char *buf, size_t cap);
/* What the first error flag of sr means, for messages. */
const char *h7_sr_cause(uint32_t sr);

/* ---- option bytes (flash/h7_options.c) ---- */

int h7_rdp_level_of(uint8_t rdp);
int h7_rdp_byte_of(int level, uint8_t *byte);

/* Which stflash_options.wrp bit covers a unit of the map: on the H743 one bit per sector, bank 1
 * in bits 0-7 and bank 2 in bits 8-15; on the H7A3 one bit per 64 KiB (two WPSGN bits of four
 * 8 KiB sectors each), bank 1 in bits 0-15 and bank 2 in bits 16-31. */
unsigned h7_wrp_bit(const struct h7_layout *l, const struct flash_unit *u);

/* The option registers as read or to be written. */
struct h7_optregs {
    uint32_t optsr;   /* FLASH_OPTSR_CUR or _PRG */
    uint32_t wpsn[2]; /* FLASH_WPSN_CUR1R/2R or _PRG (WPSGN on the H7A3) */
    uint32_t boot;    /* FLASH_BOOT_CURR or _PRGR: BOOT_ADD0 [15:0], BOOT_ADD1 [31:16] */
};

/* Decodes the option registers: RDP, IWDG1_SW, nRST_STOP/STBY, BOR_LEV, SWAP_BANK, the boot
 * addresses and the write protection (h7_wrp_bit) of a chip with `banks` banks; the bits of a
 * bank the chip does not have read 1 (not protected). */
void h7_options_decode(const struct h7_layout *l, unsigned banks, const struct h7_optregs *r,
                       struct stflash_options *o);

/* The option registers that store o, keeping the bits o does not describe as they are in cur.
 * STFLASH_ERR_INVALID_ARG for an RDP level other than 0-2. */
int h7_options_encode(const struct h7_layout *l, unsigned banks, const struct stflash_options *o,
                      const struct h7_optregs *cur, struct h7_optregs *out);

/* Register helpers of flash/h7.c. */
int h7_wait_idle(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr);

/* The family operations (flash/family.h). */
int h7_protection(struct flash_dev *f, struct flash_protection *out);
int h7_options_read(struct flash_dev *f, struct stflash_options *out);
int h7_options_write(struct flash_dev *f, const struct stflash_options *o);
int h7_options_load(struct flash_dev *f);
int h7_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

/* Deadlines (host time): a 128 KiB sector erase takes up to 4 s at x8 and a bank or mass erase
 * up to 26 s (DS12110 "Flash memory programming": tERASE128KB, tME max); an option change from
 * level 1 to 0 includes the mass erase. */
#define H7_IDLE_TIMEOUT_MS 1000u
#define H7_SECTOR_TIMEOUT_MS 5000u
#define H7_MASS_ERASE_TIMEOUT_MS 60000u

#endif
