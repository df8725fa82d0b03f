/*
 * A flash register block locked by FLASH_CR.LOCK and opened by the KEY1, KEY2 sequence into
 * FLASH_KEYR, with busy bits in FLASH_SR: the F2/F4/F7 flash interface (RM0090 §3.5.1, §3.9) and
 * each bank of the H7's (RM0433 §4.5.1, §4.9). flash/f4.c and flash/h7.c wait, unlock and lock
 * their controllers through these. Internal.
 */
#ifndef STFLASH_FLASH_KEYED_CTRL_H
#define STFLASH_FLASH_KEYED_CTRL_H

#include <stdint.h>

#include "flash/flash.h"

/* RM0090 §3.5.1, RM0433 §4.5.1: the same two keys on both. */
#define KEYED_KEY1 0x45670123u
#define KEYED_KEY2 0xCDEF89ABu

struct keyed_ctrl {
    uint32_t regs;         /* the register block */
    uint32_t keyr, cr, sr; /* register offsets */
    uint32_t lock;         /* FLASH_CR.LOCK */
    uint32_t busy;         /* FLASH_SR bits set while an operation is under way */
    unsigned bank;         /* for messages: 0 for the one controller, n for bank n */
};

/* Polls FLASH_SR until no busy bit is set: STFLASH_ERR_TIMEOUT after timeout_ms (with the last
 * value in *sr), or the probe's error. No message. */
int keyed_wait_idle(struct flash_dev *f, const struct keyed_ctrl *c, unsigned timeout_ms,
                    uint32_t *sr);

/* The key sequence when FLASH_CR.LOCK is set. A wrong sequence locks FLASH_CR until the next
 * reset (the write is answered with a bus error): the message says so. */
int keyed_unlock(struct flash_dev *f, const struct keyed_ctrl *c);

/* Waits up to timeout_ms for an operation still under way, sets LOCK and reads it back. */
int keyed_lock(struct flash_dev *f, const struct keyed_ctrl *c, unsigned timeout_ms);

#endif
