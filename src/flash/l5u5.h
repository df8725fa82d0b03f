/*
 * The TrustZone flash controller of the L5 and U5 (STFLASH_CTRL_L5_U5), driven through its
 * non-secure registers: what flash/l5u5.c (erase, program, bank layout, the TrustZone refusal) and
 * flash/l5u5_options.c (option bytes) share. RM0438 §6.9 (L5), RM0456 §7.9 (U5): the same
 * offsets from 0x40022000 (the secure alias 0x50022000 is not used), double-word programming on
 * the L5, quad-word on the U5, pages erased by number in their bank. Internal.
 */
#ifndef STFLASH_FLASH_L5U5_H
#define STFLASH_FLASH_L5U5_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/family.h"
#include "flash/flash.h"
#include "flash/l4.h"

#define L5U5_NSKEYR 0x08u
#define L5U5_OPTKEYR 0x10u
#define L5U5_NSSR 0x20u
#define L5U5_NSCR 0x28u
#define L5U5_OPTR 0x40u
#define L5U5_SECWM1R1 0x50u
#define L5U5_WRP1AR 0x58u
#define L5U5_WRP1BR 0x5Cu
#define L5U5_SECWM2R1 0x60u
#define L5U5_WRP2AR 0x68u
#define L5U5_WRP2BR 0x6Cu

#define L5U5_KEY1 0x45670123u
#define L5U5_KEY2 0xCDEF89ABu
#define L5U5_OPTKEY1 0x08192A3Bu
#define L5U5_OPTKEY2 0x4C5D6E7Fu

/* FLASH_NSSR (RM0438 §6.9.7, RM0456 §7.9.7): flags cleared by writing 1. */
#define L5U5_SR_EOP (1u << 0)
#define L5U5_SR_OPERR (1u << 1)
#define L5U5_SR_PROGERR (1u << 3)
#define L5U5_SR_WRPERR (1u << 4)
#define L5U5_SR_PGAERR (1u << 5)
#define L5U5_SR_SIZERR (1u << 6)
#define L5U5_SR_PGSERR (1u << 7)
#define L5U5_SR_OPTWERR (1u << 13)
#define L5U5_SR_ERRORS 0x20FAu
#define L5U5_SR_BSY (1u << 16)

/* FLASH_NSCR (RM0438 §6.9.9, RM0456 §7.9.9). LOCK and OPTLOCK are set-only. */
#define L5U5_CR_PG (1u << 0)
#define L5U5_CR_PER (1u << 1)
#define L5U5_CR_MER1 (1u << 2)
#define L5U5_CR_PNB_SHIFT 3u
#define L5U5_CR_BKER (1u << 11)
#define L5U5_CR_MER2 (1u << 15)
#define L5U5_CR_STRT (1u << 16)
#define L5U5_CR_OPTSTRT (1u << 17)
#define L5U5_CR_OBL_LAUNCH (1u << 27)
#define L5U5_CR_OPTLOCK (1u << 30)
#define L5U5_CR_LOCK (1u << 31)

/* FLASH_OPTR (RM0438 §6.9.15, RM0456 §7.9.15). */
#define L5U5_OPTR_TZEN (1u << 31)
#define L5U5_OPTR_IWDG_SW (1u << 16)
#define L5U5_OPTR_NRST_STOP (1u << 12)
#define L5U5_OPTR_NRST_STDBY (1u << 13)
#define L5U5_OPTR_BOR_SHIFT 8u
#define L5_OPTR_DBANK (1u << 22)    /* L5: two banks of 2 KiB pages */
#define U5_OPTR_DUALBANK (1u << 21) /* U5 1 MiB and 512 KiB parts: two banks */
/* U5: bank 2 at the flash base from the next option load. The controller still names banks
 * physically: NSCR.BKER, MER1/MER2, WRP1xR/WRP2xR and SECWM1/SECWM2 keep to the physical bank
 * whatever the mapping (RM0456 §7.9.11 NSCR.BKER, §7.9.15 OPTR.SWAP_BANK). */
#define U5_OPTR_SWAP_BANK (1u << 20)

#define L5U5_RDP_LEVEL0 0xAAu
#define L5U5_RDP_LEVEL05 0x55u /* level 0.5, with TrustZone on */
#define L5U5_RDP_LEVEL1 0xBBu  /* any value but 0xAA, 0x55 (with TZEN) and 0xCC */
#define L5U5_RDP_LEVEL2 0xCCu

#define L5U5_WM_FIELD 0x7Fu /* SECWMxR1 PSTRT/PEND and WRPxyR STRT/END: pages 0-127 */

/* Deadlines: page erase 2.1 ms (L5, DS12736) and 1.5 ms (U5, DS13737) typical, a bank erase and an
 * option change going back to level 0 (a mass erase) longer. */
#define L5U5_IDLE_TIMEOUT_MS 100u
#define L5U5_ERASE_TIMEOUT_MS 200u
#define L5U5_MASS_ERASE_TIMEOUT_MS 2000u

/* ---- pure functions (tests/unit/flashmap) ---- */

/* The read protection level of an RDP byte (0, 1 or 2), and whether it is level 0.5 (0x55 with
 * TrustZone on: the secure side closed to the debugger, the non-secure flash open). */
int l5u5_rdp_level_of(uint8_t rdp, bool tzen, bool *half);

/* Whether [addr, addr + len) meets the secure area a watermark register (SECWMxR1: pages PSTRT
 * to PEND when PSTRT <= PEND) gives in a bank at bank_base of `page`-byte pages; *first gets the
 * first secure address met. */
bool l5u5_secure_overlap(uint32_t secwm, uint32_t bank_base, uint32_t page, uint32_t addr,
                         uint32_t len, uint32_t *first);

/* ---- shared by l5u5.c and l5u5_options.c ---- */

/* The L4-style sequences on the non-secure registers (flash/l4_ctrl.c). */
extern const struct l4_ctrl l5u5_ctrl;

uint32_t l5u5_regs(const struct flash_dev *f);
int l5u5_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                   uint32_t addr);
int l5u5_unlock_ctrl(struct flash_dev *f);
int l5u5_lock(struct flash_dev *f);

int l5u5_protection(struct flash_dev *f, struct flash_protection *out);
int l5u5_options_read(struct flash_dev *f, struct stflash_options *out);
int l5u5_options_write(struct flash_dev *f, const struct stflash_options *o);
int l5u5_options_load(struct flash_dev *f);
int l5u5_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

#endif
