/*
 * The L4-style flash controller (STFLASH_CTRL_L4_STYLE: L4, L4+, G0, G4, WB, WL, C0): what
 * flash/l4.c (erase, program, bank layout) and flash/l4_options.c (option bytes) share. RM0351
 * §3.7 (L4), RM0432 §3.7 (L4+), RM0444 §3.7 (G0), RM0440 §5.7 (G4), RM0434 §3.10 (WB), RM0453
 * §3.7 (WL), RM0490 §3.7 (C0): the same register offsets from the block the chip row names
 * (0x40022000, 0x58004000 on WB/WL), 64-bit double-word programming, pages erased by number.
 * Internal.
 */
#ifndef STFLASH_FLASH_L4_H
#define STFLASH_FLASH_L4_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/family.h"
#include "flash/flash.h"
#include "flash/loader.h"

#define L4_ACR 0x00u
#define L4_ACR_DCEN (1u << 10)  /* not on the G0 and C0 (RM0444 §3.7.1) */
#define L4_ACR_DCRST (1u << 12) /* written only while DCEN is clear (RM0351 §3.7.1) */
#define L4_KEYR 0x08u
#define L4_OPTKEYR 0x0Cu
#define L4_SR 0x10u
#define L4_CR 0x14u
#define L4_OPTR 0x20u
#define L4_WRP1AR 0x2Cu
#define L4_WRP1BR 0x30u
#define L4_WRP2AR 0x4Cu
#define L4_WRP2BR 0x50u
#define L4_OPTR_ESE (1u << 8) /* WB, WL: security enabled (RM0434 §3.10.8, RM0453 FLASH_OPTR) */
#define L4_SFR 0x80u          /* WB, WL: secure flash start (RM0434 §3.10.17, RM0453 §3.7.16) */

/* SYSCFG_MEMRMP.FB_MODE (bit 8): bank 2 mapped at 0x08000000, bank 1 after it (RM0351 §9.2.1,
 * RM0432 §10.2.1, RM0440 §9.1.1); set by the boot loader when OPTR.BFB2 boots from bank 2. */
#define L4_SYSCFG_MEMRMP 0x40010000u
#define L4_MEMRMP_FB_MODE (1u << 8)

#define L4_KEY1 0x45670123u
#define L4_KEY2 0xCDEF89ABu
#define L4_OPTKEY1 0x08192A3Bu
#define L4_OPTKEY2 0x4C5D6E7Fu

/* FLASH_SR (RM0351 §3.7.5, RM0444 §3.7.4): the flags are cleared by writing 1. */
#define L4_SR_EOP (1u << 0)
#define L4_SR_OPERR (1u << 1)
#define L4_SR_PROGERR (1u << 3)
#define L4_SR_WRPERR (1u << 4)
#define L4_SR_PGAERR (1u << 5)
#define L4_SR_SIZERR (1u << 6)
#define L4_SR_PGSERR (1u << 7)
#define L4_SR_MISERR (1u << 8)
#define L4_SR_FASTERR (1u << 9)
#define L4_SR_RDERR (1u << 14)
#define L4_SR_OPTVERR (1u << 15)
#define L4_SR_ERRORS 0xC3FAu
#define L4_SR_BSY (1u << 16)    /* BSY1 on the G0 */
#define L4_SR_CFGBSY (1u << 18) /* G0, G4, WB, WL, C0; reserved (0) on the L4 */
#define L4_SR_BUSY (L4_SR_BSY | L4_SR_CFGBSY)

/* FLASH_CR (RM0351 §3.7.6, RM0444 §3.7.5). LOCK and OPTLOCK are set-only. */
#define L4_CR_PG (1u << 0)
#define L4_CR_PER (1u << 1)
#define L4_CR_MER1 (1u << 2)
#define L4_CR_PNB_SHIFT 3u
#define L4_CR_MER2 (1u << 15)
#define L4_CR_STRT (1u << 16)
#define L4_CR_OPTSTRT (1u << 17)
#define L4_CR_OBL_LAUNCH (1u << 27)
#define L4_CR_OPTLOCK (1u << 30)
#define L4_CR_LOCK (1u << 31)

#define L4_RDP_LEVEL0 0xAAu
#define L4_RDP_LEVEL1 0xBBu /* any value but 0xAA and 0xCC */
#define L4_RDP_LEVEL2 0xCCu

/* Deadlines: page erase 22 ms typical, 40 ms at most on the G0 (DS12232); mass erase about as
 * long; an option change that goes back to level 0 includes a mass erase. */
#define L4_IDLE_TIMEOUT_MS 100u
#define L4_ERASE_TIMEOUT_MS 200u
#define L4_MASS_ERASE_TIMEOUT_MS 1000u

/* What differs between the families of the style (from the chip row's family). */
struct l4_traits {
    uint32_t cr_bker;    /* FLASH_CR.BKER: bit 11 (L4, L4+, G4), bit 13 (G0B1); 0 if none */
    uint32_t bank2_pnb;  /* added to bank-2 page numbers (G0B1: 256) */
    uint32_t wrp_field;  /* WRPxyR STRT mask (END the same << 16) */
    unsigned nrst_stop;  /* OPTR bit: 12 (L4, L4+, G4, WB, WL), 13 (G0, C0) */
    unsigned nrst_stdby; /* 13, or 14 (G0, C0) */
    bool wrp_bank2;      /* WRP2AR/WRP2BR exist (dual-bank L4, G4, G0B1) */
};

void l4_traits_of(const struct stflash_chip_info *chip, struct l4_traits *t);

/* The FLASH_OPTR bit that makes a part of `size` bytes dual bank (dual_bank_of in flash/l4.c
 * says which), or 0 when its bank mode is fixed. */
uint32_t l4_dual_bank_bit(const struct stflash_chip_info *c, uint32_t size);

/* FLASH_CR for erasing page `index_in_bank` of the map's bank `bank` (PER, PNB and BKER); with
 * `swapped` (FB_MODE) the map's first bank is the controller's bank 2. */
uint32_t l4_page_erase_cr(const struct l4_traits *t, unsigned bank, uint32_t index_in_bank,
                          bool swapped);

/* The first address of the secure area that FLASH_SFR `sfr` describes on a `family` part with
 * `page`-byte pages from `base`, or 0 when there is none (FSD set, or SFSA past the flash):
 * WB SFSA [7:0], FSD bit 8 (RM0434 §3.10.17); WL SFSA [6:0], FSD bit 7 (RM0453 §3.7.16). */
uint32_t l4_secure_start(enum stflash_family family, uint32_t sfr, uint32_t base, uint32_t size,
                         uint32_t page);

/* ---- the key-locked controller (flash/l4_ctrl.c) ----
 *
 * The L4-style controller and its descendants, the L5/U5 and the H5 (flash/l5u5.c, flash/h5.c),
 * run the same sequences on registers that sit and are named differently: KEY1/KEY2 into a key
 * register while CR.LOCK is set, an operation as CR = bits then bits | STRT, a wait on the busy
 * flags, the error flags cleared by writing 1, OPTKEY1/OPTKEY2 clearing OPTLOCK, and a loader that
 * reports the status register's error flags. struct l4_ctrl says where and which. */

struct l4_ctrl_flag {
    uint32_t bit;
    const char *name; /* "WRPERR: write protected" */
};

struct l4_ctrl {
    const char *sr_name, *cr_name;  /* "FLASH_SR", "FLASH_CR"; "FLASH_NSSR", "FLASH_NSCR" */
    uint32_t keyr, optkeyr, sr, cr; /* offsets from the register block */
    uint32_t clr;         /* where flags are cleared by writing 1: SR, or the H5's NSCCR */
    uint32_t optlock_reg; /* the register that holds OPTLOCK: CR, or the H5's OPTCR */
    uint32_t sr_busy, sr_errors, sr_eop, sr_wrperr, sr_progerr;
    uint32_t cr_lock, cr_optlock, cr_strt;
    const struct l4_ctrl_flag *flags; /* the error flags, named, first match wins */
    unsigned nflags;
    const char *wrperr_what; /* what WRPERR means on this controller */
    /* How the loader reports the status register: its bits 15:0 in the status' upper half
     * (false), or its bits 31:16 where they are (true, the H5's flags). */
    bool ldr_sr_high;
    unsigned idle_ms, lock_ms; /* deadlines: before an operation, before locking */
};

extern const struct l4_ctrl l4_ctrl_l4; /* FLASH_SR/FLASH_CR of the L4-style controller */

uint32_t l4_regs(const struct flash_dev *f);
/* Polls the status register until the busy flags clear; *sr gets the last value. */
int l4_ctrl_wait_idle(struct flash_dev *f, const struct l4_ctrl *k, unsigned timeout_ms,
                      uint32_t *sr, const char *what, uint32_t addr);
/* KEY1/KEY2 while LOCK is set (a wrong sequence locks until reset), then CR = 0, flags cleared. */
int l4_ctrl_unlock(struct flash_dev *f, const struct l4_ctrl *k);
/* The controller unlocked, then OPTKEY1/OPTKEY2: OPTLOCK must read clear. */
int l4_ctrl_unlock_options(struct flash_dev *f, const struct l4_ctrl *k);
/* Ends the loader session, waits, sets LOCK and OPTLOCK, checks LOCK reads set. */
int l4_ctrl_lock(struct flash_dev *f, const struct l4_ctrl *k);
/* The name of the first error flag set in sr. */
const char *l4_ctrl_error_name(const struct l4_ctrl *k, uint32_t sr);
/* One operation: CR = bits, then bits | STRT; the wait; the error flags named with the address
 * (STFLASH_ERR_PROTECTED on WRPERR); CR = 0. */
int l4_ctrl_run_op(struct flash_dev *f, const struct l4_ctrl *k, uint32_t bits, unsigned timeout_ms,
                   const char *what, uint32_t addr);
/* The message of a loader failure: WRPERR, PROGERR and the other flags named with the address. */
int l4_ctrl_loader_failure(struct flash_dev *f, const struct l4_ctrl *k,
                           const struct flash_loader_stop *st, const uint8_t *data,
                           uint32_t job_addr);

/* Whether [addr, addr + len) meets the pages STRT to END (when STRT <= END) that an area
 * register `reg` (WRPxyR, SECWMxR1: STRT in the low half, END in the high, `field` wide) gives in
 * the bank at bank_base of `page`-byte pages; *first gets the first address met. */
bool l4_area_overlap(uint32_t reg, uint32_t field, uint32_t bank_base, uint32_t page, uint32_t addr,
                     uint32_t len, uint32_t *first);

/* Reads the WRP area register at `off` (named FLASH_WRP<bank+1><A|B>R by `area`) and refuses
 * [addr, addr + len) when it meets the area, in the map's bank `map_bank`. */
int l4_check_wrp_area(struct flash_dev *f, uint32_t off, uint32_t field, unsigned wrp_bank,
                      unsigned area, unsigned map_bank, uint32_t addr, uint32_t len);

/* The layout the WRP group mask is computed on: flash bytes, bank size, page size. */
void l4_mask_layout(const struct flash_dev *f, uint32_t *size, uint32_t *bank, uint32_t *page);

/* The option write refusals both controllers share: level 2 in force, user data bytes asked. */
int l4_options_writable(struct flash_dev *f, int level, uint32_t optr,
                        const struct stflash_options *o);

/* The WRP area registers for the group mask `want` when it differs from `cur` (the mask in
 * force); *nwrp gets how many registers to write: `nregs`, or 0 when nothing changes. A clear
 * refusal when the mask needs more areas than the part has. */
int l4_wrp_change(struct flash_dev *f, const struct l4_traits *tr, uint32_t want, uint32_t cur,
                  unsigned nregs, uint32_t areas[4], unsigned *nwrp);

/* Register helpers of flash/l4.c. */
int l4_wait_idle(struct flash_dev *f, unsigned timeout_ms, uint32_t *sr, const char *what,
                 uint32_t addr);
int l4_unlock_ctrl(struct flash_dev *f);
int l4_lock(struct flash_dev *f);

/* Fast programming (flash/l4_fast.c): whether a mass erase before programming `bytes` pays
 * (flash_driver.mass_erase_speeds_up), and the program op that uses it over fresh banks and
 * otherwise programs through `p` (drv_program_banks). */
struct drv_program;
bool l4_fast_worth(struct flash_dev *f, uint64_t bytes);
int l4_fast_program(struct flash_dev *f, const struct drv_program *p, uint32_t addr,
                    const uint8_t *data, size_t len);

/* ---- option bytes (flash/l4_options.c) ---- */

int l4_rdp_level_of(uint8_t rdp);

/* The 32-bit WRP mask of stflash_options (bit n clear: group n of flash_size / 32 bytes holds a
 * protected page) from the WRP area registers (wrp[0..1] bank 1 A/B, wrp[2..3] bank 2), for a
 * flash of `flash_size` bytes split into banks of `bank_size` with `page` bytes per page. */
uint32_t l4_wrp_mask(const struct l4_traits *tr, const uint32_t wrp[4], uint32_t flash_size,
                     uint32_t bank_size, uint32_t page);

/* The WRP area registers for a mask (the inverse of l4_wrp_mask, at group granularity): at most
 * two runs of protected groups per bank. STFLASH_ERR_UNSUPPORTED when the mask needs more. */
int l4_wrp_areas(const struct l4_traits *tr, uint32_t mask, uint32_t flash_size, uint32_t bank_size,
                 uint32_t page, uint32_t wrp[4]);

int l4_protection(struct flash_dev *f, struct flash_protection *out);
int l4_options_read(struct flash_dev *f, struct stflash_options *out);
int l4_options_write(struct flash_dev *f, const struct stflash_options *o);
int l4_options_load(struct flash_dev *f);
int l4_rdp_byte(struct flash_dev *f, int level, uint8_t *byte);

#endif
