/*
 * F0/F1/F3 option bytes through the FPEC (PM0075 §2.5 "Option byte programming", §3.7 FLASH_OBR,
 * §3.8 FLASH_WRPR; RM0008 §3.3.3). The option bytes live at 0x1FFFF800 as eight half-words, each
 * a byte and its complement; the controller loads them into FLASH_OBR and FLASH_WRPR at reset, so
 * new values take effect after the next reset only. Internal.
 */
#ifndef STFLASH_FLASH_F1_H
#define STFLASH_FLASH_F1_H

#include <stdbool.h>
#include <stdint.h>

#include "flash/flash.h"

/* RDP value meaning "no read protection" (PM0075 §2.5). */
#define F1_OB_RDP_NONE 0xA5u

struct f1_option_bytes {
    uint8_t rdp;     /* 0xA5: no read protection; anything else: level 1 */
    uint8_t user;    /* WDG_SW bit 0, nRST_STOP bit 1, nRST_STDBY bit 2 */
    uint8_t data[2]; /* user data bytes */
    uint8_t wrp[4];  /* WRP0..WRP3: a cleared bit write-protects its group of pages */
};

struct f1_option_state {
    uint32_t obr;                  /* FLASH_OBR: options loaded at the last reset */
    uint32_t wrpr;                 /* FLASH_WRPR: write protection loaded at the last reset */
    bool read_protected;           /* FLASH_OBR.RDPRT */
    bool option_error;             /* FLASH_OBR.OPTERR: a byte and its complement differed */
    struct f1_option_bytes stored; /* what is stored now (loaded at the next reset) */
    uint16_t raw[8];               /* the stored half-words, byte | complement << 8 */
};

/* The option bytes as loaded (OBR, WRPR) and as stored. Reading the stored copy works under
 * read protection too. */
int f1_option_read(struct flash_dev *f, struct f1_option_state *out);

/*
 * Erases the option bytes and programs all eight anew; they take effect at the next reset.
 * Beware: erasing the option bytes while read protection is active makes the hardware erase the
 * whole main flash (PM0075 §2.4.1), which is how level 1 is removed. Locks the controller again
 * whatever happens. Errors name the option byte address and the FLASH_SR cause.
 */
int f1_option_write(struct flash_dev *f, const struct f1_option_bytes *ob);

#endif
