/*
 * The F0/F1/F3 flash program/erase controller (FPEC): what flash/f1.c (erase, program) and
 * flash/fpec_options.c (option bytes) share. PM0075 §3 (F1), RM0091 §3-4 (F0), RM0316 §4 (F3):
 * the same register map and procedures; the F0/F3 FLASH_OBR layout and RDP encodings differ from
 * the F1's. The option bytes live at 0x1FFFF800 as eight half-words, each a byte and its
 * complement; the controller loads them into FLASH_OBR and FLASH_WRPR at reset (F1) or at power-on
 * and OBL_LAUNCH (F0/F3), so new values take effect after that only. Internal.
 */
#ifndef STFLASH_FLASH_F1_H
#define STFLASH_FLASH_F1_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/family.h"
#include "flash/flash.h"

/* FPEC register offsets from a bank's register block (PM0075 §3.1-§3.8; bank 2 of XL parts at
 * +0x40 repeats KEYR, SR, CR and AR at the same offsets). */
#define FPEC_KEYR 0x04u    /* PM0075 §3.2 FLASH_KEYR */
#define FPEC_OPTKEYR 0x08u /* PM0075 §3.3 FLASH_OPTKEYR */
#define FPEC_SR 0x0Cu      /* PM0075 §3.4 FLASH_SR */
#define FPEC_CR 0x10u      /* PM0075 §3.5 FLASH_CR */
#define FPEC_AR 0x14u      /* PM0075 §3.6 FLASH_AR */
#define FPEC_OBR 0x1Cu     /* PM0075 §3.7 FLASH_OBR */
#define FPEC_WRPR 0x20u    /* PM0075 §3.8 FLASH_WRPR */

/* Unlock keys for KEYR and OPTKEYR (PM0075 §2.3.1 "Unlocking the Flash memory", §3.2, §3.3). */
#define FPEC_KEY1 0x45670123u
#define FPEC_KEY2 0xCDEF89ABu

/* FLASH_SR bits (PM0075 §3.4); the error and EOP bits are cleared by writing 1. */
#define SR_BSY (1u << 0)
#define SR_PGERR (1u << 2)
#define SR_WRPRTERR (1u << 4)
#define SR_EOP (1u << 5)
#define SR_STICKY (SR_PGERR | SR_WRPRTERR | SR_EOP)

/* FLASH_CR bits (PM0075 §3.5; RM0091 §3.5.5 adds OBL_LAUNCH on the F0/F3). LOCK can only be set
 * by software; writing 0 leaves it alone. */
#define CR_PG (1u << 0)
#define CR_PER (1u << 1)
#define CR_MER (1u << 2)
#define CR_OPTPG (1u << 4)
#define CR_OPTER (1u << 5)
#define CR_STRT (1u << 6)
#define CR_LOCK (1u << 7)
#define CR_OPTWRE (1u << 9)
#define CR_OBL_LAUNCH (1u << 13)

/* Deadlines. Page erase 20-40 ms (DS5319 "Flash memory characteristics"); mass erase of a bank
 * about as long as a page erase. */
#define ERASE_TIMEOUT_MS 100u
#define MASS_ERASE_TIMEOUT_MS 1000u
#define IDLE_TIMEOUT_MS 100u

/* Register helpers of flash/f1.c. */
int fpec_write_reg(struct flash_dev *f, uint32_t regs, uint32_t off, uint32_t val);
int fpec_wait_idle(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr);
int fpec_idle_or_fail(struct flash_dev *f, uint32_t regs, unsigned timeout_ms, uint32_t *sr,
                      const char *what, uint32_t addr);
int fpec_unlock_bank(struct flash_dev *f, uint32_t regs);
int fpec_lock(struct flash_dev *f);

/* ---- option bytes (flash/fpec_options.c) ---- */

#define FPEC_OB_BASE 0x1FFFF800u
#define FPEC_OB_COUNT 8u

/* RDP bytes (PM0075 §2.5 for the F1; RM0091 §4.1 and RM0316 §4.1 for the F0/F3). */
#define F1_OB_RDP_NONE 0xA5u
#define F0_OB_RDP_LEVEL0 0xAAu
#define F0_OB_RDP_LEVEL2 0xCCu

/* Where the option bits sit in FLASH_OBR: the F1's (PM0075 §3.7), or the F0/F3's (RM0091
 * §4, RM0316 §4), which GD32F1x0/F3x0/E23x parts answering an F1 DEV_ID share
 * (STFLASH_CLONE_F0_STYLE_OPTIONS). */
enum fpec_ob_layout {
    FPEC_OB_F1,
    FPEC_OB_F0,
};

/* The stored option bytes: one byte of each half-word (the complements aside). */
struct fpec_option_bytes {
    uint8_t rdp;
    uint8_t user;    /* WDG_SW bit 0, nRST_STOP bit 1, nRST_STDBY bit 2, family bits above */
    uint8_t data[2]; /* user data bytes */
    uint8_t wrp[4];  /* WRP0..WRP3: a cleared bit write-protects its group of pages */
};

enum fpec_ob_layout fpec_ob_layout_of(const struct flash_dev *f);

/* The RDP level a stored RDP byte means, and the byte of a level (STFLASH_ERR_UNSUPPORTED for
 * level 2 on the F1, which has none). */
int fpec_rdp_level_of(enum fpec_ob_layout layout, uint8_t rdp);
int fpec_rdp_byte_of(enum fpec_ob_layout layout, int level, uint8_t *byte);

/* Decodes FLASH_OBR, FLASH_WRPR and the eight stored half-words (byte | complement << 8). */
void fpec_options_decode(enum fpec_ob_layout layout, uint32_t obr, uint32_t wrpr,
                         const uint16_t raw[FPEC_OB_COUNT], struct stflash_options *o);

/* The bytes to store for o: the RDP byte of o->rdp_level_stored, the three user bits of o with
 * the stored user bits above them kept, data and WRP from o. */
int fpec_options_encode(enum fpec_ob_layout layout, const struct stflash_options *o,
                        const struct fpec_option_bytes *stored, struct fpec_option_bytes *out);

/* Whether FLASH_OBR says read protection is active. */
bool fpec_obr_read_protected(const struct flash_dev *f, uint32_t obr);

/* The family operations (flash/family.h). */
int fpec_protection(struct flash_dev *f, struct flash_protection *out);
int fpec_options_read(struct flash_dev *f, struct stflash_options *out);
int fpec_options_write(struct flash_dev *f, const struct stflash_options *o);
int fpec_options_load(struct flash_dev *f);
int fpec_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

/* Reads the stored option bytes as they are (for tests and the writer). */
int fpec_option_bytes_read(struct flash_dev *f, struct fpec_option_bytes *out,
                           uint16_t raw[FPEC_OB_COUNT]);

/* Erases the option bytes and programs all eight anew (no policy: the caller checked what may
 * change). Under read protection the erase also erases the whole main flash (PM0075 §2.4.1).
 * Locks the controller again whatever happens. */
int fpec_option_bytes_write(struct flash_dev *f, const struct fpec_option_bytes *ob);

#endif
