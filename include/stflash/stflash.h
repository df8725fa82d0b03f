/*
 * stflash: program and debug STM32 microcontrollers through ST-LINK probes.
 *
 * Conventions (as in every stflash header):
 * - Every fallible function returns an enum stflash_error (negative) or a count >= 0.
 * - Out-parameters are written only on success.
 * - The library never prints and never exits: messages go to the context's log callback,
 *   progress to its progress callback. The message of the last failure of a context, naming
 *   the address, register or probe involved, is kept and returned by stflash_last_error().
 * - Handles are opaque. A struct stflash_dev belongs to the context that opened it and must be
 *   closed before the context is freed. Nothing is global: two contexts may run side by side.
 */
#ifndef STFLASH_STFLASH_H
#define STFLASH_STFLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/chip.h"
#include "stflash/error.h"
#include "stflash/image.h"
#include "stflash/version.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

/* ---- context ---- */

enum stflash_log_level {
    STFLASH_LOG_ERROR = 0,
    STFLASH_LOG_WARN = 1,
    STFLASH_LOG_INFO = 2,
    STFLASH_LOG_DEBUG = 3, /* every probe command */
};

typedef void (*stflash_log_fn)(void *user, enum stflash_log_level level, const char *msg);

enum stflash_phase {
    STFLASH_PHASE_ERASE,
    STFLASH_PHASE_PROGRAM,
    STFLASH_PHASE_VERIFY,
    STFLASH_PHASE_READ,
};

/* A progress event: `done` of `total` bytes of one phase. A phase starts with done == 0 and
 * ends with done == total (or with an error returned by the operation). */
struct stflash_progress {
    enum stflash_phase phase;
    uint64_t done;
    uint64_t total;
    uint32_t address; /* where the phase is now */
};

typedef void (*stflash_progress_fn)(void *user, const struct stflash_progress *ev);

struct stflash_ctx;

/* Creates a context. Errors: STFLASH_ERR_NO_MEMORY. */
int stflash_ctx_new(struct stflash_ctx **out);
void stflash_ctx_free(struct stflash_ctx *ctx);
void stflash_ctx_set_log(struct stflash_ctx *ctx, enum stflash_log_level max_level,
                         stflash_log_fn fn, void *user);
void stflash_ctx_set_progress(struct stflash_ctx *ctx, stflash_progress_fn fn, void *user);

/* Asks the operation under way in this context to stop at its next safe point; safe to call from
 * a signal handler (SIGINT, SIGTERM). A flash write stops between erase units, never in the
 * middle of an erase or a program operation, locks the flash controller, leaves the core halted
 * and fails with STFLASH_ERR_CANCELLED, its message saying what was written and what was not.
 * The request stays: later flash jobs in this context stop before they erase anything. */
void stflash_cancel(struct stflash_ctx *ctx);

/* The message of the last failure in this context, whole whatever its length; "" if none.
 * Valid until the next call. */
const char *stflash_last_error(const struct stflash_ctx *ctx);

/* ---- probes ---- */

/*
 * Probe selectors:
 *   NULL or ""            any probe (an error when several are attached)
 *   SERIAL                a USB probe whose serial is SERIAL or starts with it
 *   usb:[SERIAL]          USB only
 *   tcp:[HOST][:PORT][/SERIAL]   a probe of an stlink-server (default 127.0.0.1:7184)
 *   sim[:CHIP][,OPTION...]       the virtual board in-process; its flash and option bytes are
 *                                kept in a state file (state=FILE, else STFLASH_SIM_STATE, else
 *                                ~/.cache/stflash/sim-CHIP.state) so consecutive commands see
 *                                the same chip. Options: rdp=0|1, flash-size-reg=N,
 *                                dev-id=N (the DEV_ID to report), flash-kib=N, voltage=V, no-nrst,
 * boot0, probe=v2|v2-1|v3, probe-fw=VERSION, spurious-0d, wait-burst=N, stale-reply, fault=SPEC (an
 * injected fault, docs/virtual-board.md), mode=dfu|mass|debug, serial=TEXT, serial-hex=HEX,
 * state=FILE (board options take effect when the state file is created)
 */
struct stflash_probe_info {
    char transport[8];      /* "usb", "tcp", "sim" */
    char serial[64];        /* as printed: ASCII, or 24 hex digits for a binary serial */
    uint8_t serial_raw[32]; /* as the probe reports it */
    size_t serial_raw_len;
    uint16_t vid, pid;
    char name[32];     /* "ST-LINK/V2", "ST-LINK/V2-1", "STLINK-V3" */
    char location[64]; /* bus/port for USB, host:port for TCP, state file for sim */
    int status;        /* STFLASH_OK when it can be opened, else why not */
    char status_text[256];
};

/* Lists the probes a selector may match, the ones that cannot be opened included (with their
 * status). *out is an array of *count entries, freed with stflash_probe_list_free.
 * Errors: STFLASH_ERR_INVALID_ARG (malformed selector), STFLASH_ERR_NO_MEMORY. */
int stflash_probe_list(struct stflash_ctx *ctx, const char *selector,
                       struct stflash_probe_info **out, size_t *count);
void stflash_probe_list_free(struct stflash_probe_info *list);

/* ---- opening a probe and connecting to the target ---- */

enum stflash_connect {
    STFLASH_CONNECT_NORMAL,      /* attach and halt, no reset */
    STFLASH_CONNECT_UNDER_RESET, /* NRST held low while attaching, target halted at reset */
    STFLASH_CONNECT_HOT_PLUG,    /* attach without halting */
};

struct stflash_open_options {
    const char *selector; /* see above */
    uint32_t swd_khz;     /* 0: 1800 on V2, 1000 on V3 */
    enum stflash_connect connect;
    bool halt;                    /* halt after attaching (ignored for hot-plug) */
    uint32_t flash_size_override; /* bytes; 0: read the flash-size register */
    /* STM32WB/WL: let writes and erases reach the wireless stack's secure area (from
     * FLASH_SFR.SFSA up; stflash_target_info secure_flash_start). Without it they are refused
     * before anything is touched, and a mass erase keeps that area. */
    bool allow_wireless_stack;
    /* Use this chip table row instead of the detected one (stflash_chip_lookup finds it by
     * name). When the DEV_ID is unknown or unreadable it is used as given; when the detected
     * row has the same flash controller style it replaces it with a warning; a different
     * style is refused with STFLASH_ERR_CHIP_MISMATCH (its registers would be the wrong ones). */
    const struct stflash_chip_info *chip_override;
    /* Treat the target as this F1 clone (stflash_clone_lookup finds it by part number) instead
     * of the one identified, or when none is: its quirks (flash-size fallback, page size,
     * programming width) apply. The target must report the clone's DEV_ID, or an unknown one
     * (then the ST row of the clone's DEV_ID is used); another is refused with
     * STFLASH_ERR_CHIP_MISMATCH. */
    const struct stflash_clone_info *clone_override;
};

struct stflash_dev;

/*
 * Opens the probe the selector names, leaves DFU/mass-storage mode, enters SWD and identifies
 * the target. No reset and no halt unless the options ask for them.
 * Errors: STFLASH_ERR_NOT_FOUND (no probe), STFLASH_ERR_INVALID_ARG (ambiguous selector: the
 * message lists the candidates), STFLASH_ERR_ACCESS (USB permission), STFLASH_ERR_BUSY,
 * STFLASH_ERR_PROBE, STFLASH_ERR_TARGET (no SWD answer), STFLASH_ERR_IO, STFLASH_ERR_TIMEOUT.
 */
int stflash_open(struct stflash_ctx *ctx, const struct stflash_open_options *opts,
                 struct stflash_dev **out);
void stflash_close(struct stflash_dev *dev);

struct stflash_probe_details {
    struct stflash_probe_info info;
    unsigned hw_version;   /* 2 or 3 */
    unsigned jtag_version; /* the "J" number */
    unsigned swim_version;
    unsigned msd_version;
    unsigned api_version;
    uint32_t swd_khz;
    double target_volts;
};

int stflash_probe_details(struct stflash_dev *dev, struct stflash_probe_details *out);

/* What the target is. */
struct stflash_target_info {
    uint32_t dp_idcode; /* SW-DP DPIDR */
    uint32_t cpuid;
    uint32_t dbgmcu_idcode;
    uint16_t dev_id, rev_id;
    const struct stflash_chip_info *chip; /* NULL: unknown part, generic Cortex-M access */
    const char *clone_name;               /* e.g. "CKS32F103", NULL for a genuine part */
    uint32_t flash_base;
    uint32_t flash_size;         /* bytes actually used */
    uint32_t flash_size_reg_raw; /* what the register read, in KiB */
    bool flash_size_assumed;     /* the register was unreadable or implausible */
    bool flash_size_unreadable;  /* reading the register failed (read protection on some parts) */
    uint32_t page_size; /* erase unit at flash_base (the smallest sector of sectored flash);
                           units elsewhere may differ: stflash_flash_unit() */
    uint32_t sram_base, sram_size;
    bool flash_supported;    /* a flash driver exists for this part */
    int rdp_level;           /* read protection in force: 0, 1 (2 = permanent); -1 unknown */
    uint32_t wrp_mask;       /* write protection in force: bit n set = group n protected */
    uint32_t wrp_group_size; /* bytes per write-protection group, 0 if unknown */
    /* STM32WB/WL: first address of the wireless stack's secure area (FLASH_SFR.SFSA), which
     * the core cannot read, program or erase; 0: none (other parts, or its security disabled). */
    uint32_t secure_flash_start;
};

int stflash_target_info(struct stflash_dev *dev, struct stflash_target_info *out);

/* ---- memory, registers, run control ---- */

/* Reads or writes target memory (any alignment and length; flash is read-only here). Errors:
 * STFLASH_ERR_TARGET with the faulting address in the message, STFLASH_ERR_PROBE. */
int stflash_mem_read(struct stflash_dev *dev, uint32_t addr, uint8_t *buf, size_t len);
int stflash_mem_write(struct stflash_dev *dev, uint32_t addr, const uint8_t *buf, size_t len);
int stflash_read32(struct stflash_dev *dev, uint32_t addr, uint32_t *val);
int stflash_write32(struct stflash_dev *dev, uint32_t addr, uint32_t val);

enum stflash_reset {
    STFLASH_RESET_AUTO,   /* the default: a system reset (AIRCR SYSRESETREQ), no wire needed */
    STFLASH_RESET_HARD,   /* NRST pulse */
    STFLASH_RESET_SYSTEM, /* AIRCR SYSRESETREQ */
};

int stflash_halt(struct stflash_dev *dev);
int stflash_run(struct stflash_dev *dev);
int stflash_step(struct stflash_dev *dev);
/* Resets the target; with halt, it stops at the reset vector (vector catch). */
int stflash_reset(struct stflash_dev *dev, enum stflash_reset how, bool halt);
int stflash_is_halted(struct stflash_dev *dev, bool *halted);

/* Core registers by DCRSR number: 0-12 r0-r12, 13 sp, 14 lr, 15 pc, 16 xpsr, 17 msp, 18 psp,
 * 20 control/faultmask/basepri/primask. */
int stflash_reg_read(struct stflash_dev *dev, unsigned regsel, uint32_t *val);
int stflash_reg_write(struct stflash_dev *dev, unsigned regsel, uint32_t val);

/* ---- flash ---- */

/* What a write found in the flash before it erased anything (stflash_write_options.report). */
struct stflash_write_report {
    uint32_t units_touched;   /* erase units (pages or sectors) of flash the image touches */
    uint32_t units_unchanged; /* of them, those that already held the image: left alone */
    uint64_t bytes_unchanged; /* the size of those units */
};

struct stflash_write_options {
    bool mass_erase; /* erase the whole flash first instead of the touched pages */
    bool no_verify;  /* skip the verification */
    /* Erase and program every touched page, also those that already hold the image. By default
     * (false) the pages whose content matches the image are compared on the target (CRC-32)
     * and left alone, so writing the same firmware again erases and programs nothing. */
    bool full;
    /* Besides the CRC-32 comparison on the target, read the whole written range back over the
     * probe and compare it byte for byte (slower; ignored with no_verify). By default (false) a
     * range the flash loader verified while programming (the CRC-32 of the flash after
     * programming, computed on the target, against the image's) is not checked again. */
    bool verify_readback;
    /* When not NULL: filled in with what the flash held before the write (no unit unchanged
     * after a mass erase or with full, which compare nothing; all zero for an image with no
     * data in flash). */
    struct stflash_write_report *report;
};

/* Erases the erase units (pages or sectors) [addr, addr + len) touches (both ends rounded out to
 * units). STFLASH_ERR_RANGE when part of the range is not flash (outside, or in a hole between
 * banks). */
int stflash_flash_erase(struct stflash_dev *dev, uint32_t addr, uint32_t len);

/* The erase unit (page or sector) holding addr: its first address and size. Units differ in size
 * on sectored flash and on some clones. Errors: STFLASH_ERR_RANGE (not flash),
 * STFLASH_ERR_UNSUPPORTED (no flash driver for the part). */
int stflash_flash_unit(struct stflash_dev *dev, uint32_t addr, uint32_t *unit_addr,
                       uint32_t *unit_size);
int stflash_flash_mass_erase(struct stflash_dev *dev);

/*
 * Writes an image: segments in flash are programmed (erasing the pages they touch first, through
 * a loader running in target SRAM) and verified (by CRC-32 computed in target SRAM, or by reading
 * back when that cannot run); pages that already hold the image are skipped unless opts->full.
 * Segments in SRAM are written as they are.
 * Data outside every flash and SRAM region is refused before anything is touched. The flash
 * controller is locked again at the end, whatever happened. Errors name the address and cause.
 */
int stflash_write_image(struct stflash_dev *dev, const struct stflash_image *img,
                        const struct stflash_write_options *opts);

/* Compares target memory with the image. STFLASH_ERR_VERIFY names the first differing address. */
int stflash_verify_image(struct stflash_dev *dev, const struct stflash_image *img);

/* ---- protection and option bytes (F0/F1/F3, F2/F4/F7) ---- */

struct stflash_options {
    int rdp_level;        /* in force (loaded at the last reset): 0, 1 or 2 */
    int rdp_level_stored; /* what the next reset loads; the level stflash_options_write stores */
    uint8_t rdp;          /* stored RDP byte (read only): F1 0xA5 = level 0; F0/F3 0xAA = level
                             0, 0xCC = level 2, anything else level 1 */
    bool wdg_sw;          /* watchdog started by software (not at reset) */
    bool nrst_stop;       /* no reset when entering Stop mode */
    bool nrst_stdby;      /* no reset when entering Standby mode */
    uint8_t data0, data1; /* user data bytes */
    uint32_t wrp;         /* stored WRP bits: bit n CLEAR = group n write protected */
    uint32_t wrp_in_force;
    uint32_t wrp_group_size; /* bytes per WRP bit */
    bool option_error;       /* a byte and its complement disagreed at the last reset */
    /* Fields some families have, each present when its flag says so. */
    bool has_data; /* data0 and data1 exist (F0/F1/F3) */
    bool has_bor;  /* bor_level exists (F2/F4/F7 BOR_LEV, kept as stored by writes) */
    int bor_level; /* brown-out reset threshold: 1, 2 or 3 (highest), 0 = off */
    /* The boot addresses: F7 FLASH_OPTCR1 (RM0410 §3.4), written here; H7 FLASH_BOOT_CUR
     * (RM0433 §4.9.24), read only here. */
    bool has_boot_add;       /* boot_add0, boot_add1 and boot_add_shift exist */
    uint32_t boot_add0;      /* address booted with BOOT0 low: BOOT_ADD0 << boot_add_shift */
    uint32_t boot_add1;      /* address booted with BOOT0 high: BOOT_ADD1 << boot_add_shift */
    unsigned boot_add_shift; /* 14 on the F7 (16 KiB steps), 16 on the H7 (64 KiB steps) */
    /* F76x/F77x (RM0410 §3.4): the bank layout and dual boot. */
    bool has_ndbank;    /* ndbank and ndboot exist (F76x/F77x) */
    bool ndbank;        /* nDBANK: 1 one bank, 0 two banks; the layout follows at the next reset */
    bool ndboot;        /* nDBOOT: 0 boots from either bank (dual boot) */
    bool has_swap_bank; /* swap_bank exists (H7 SWAP_BANK_OPT, H5 and U5 SWAP_BANK) */
    bool swap_bank;     /* bank 2 mapped at the flash base (stored; in force from the next
                           reset) */
    bool has_trustzone; /* tzen and rdp_half exist (L5, U5: FLASH_OPTR.TZEN) */
    bool tzen;          /* TrustZone on: secure flash only the secure side programs */
    bool rdp_half;      /* read protection level 0.5 (RDP 0x55 with TrustZone on): rdp_level
                           is 0, the non-secure flash open, the secure side closed to debug */
    /* dual_bank exists: the option bit choosing two banks (L4 DUALBANK on parts below 1 MiB,
     * L4+ DBANK/DB1M, G4 DBANK, G0B1 DUAL_BANK); the bank layout and page numbers follow it
     * from the next option load. */
    bool has_dual_bank;
    bool dual_bank;
    /* H5 (RM0481 §7.6.11): the lifecycle state that replaces RDP (open 0xED, provisioning 0x17,
     * iROT-provisioned 0x2E, TZ-closed 0xC6, closed 0x72, locked 0x5C); rdp_level is the level
     * that matches it (0 open, 2 locked, 1 the others). A change needs
     * STFLASH_PERMIT_PRODUCT_STATE. */
    bool has_product_state;
    uint8_t product_state;
};

/* Reads the option bytes, as in force and as stored. Works under read protection. The option
 * functions support the F0, F1, F2, F3, F4 and F7 families (STFLASH_ERR_UNSUPPORTED for others,
 * and for option-byte changes on the GD32F1x0/F3x0/E23x, whose option writes differ). On the
 * F2/F4/F7 the options are FLASH_OPTCR: wrp has one bit per sector (wrp_group_size 0), bits 12-23
 * for bank 2 of the F42x/F43x (FLASH_OPTCR1); the F7 adds the boot addresses, the F76x/F77x
 * nDBANK and nDBOOT (a device opened before an nDBANK change keeps the old flash layout: open it
 * again). The H5 reports its product state (has_product_state) with the level that matches it; its
 * SWAP_BANK, as the H7's, changes through swap_bank and takes effect at the next reset. */
int stflash_options_read(struct stflash_dev *dev, struct stflash_options *out);

/* Permission to write the dangerous fields; without it such a write is refused. */
enum stflash_options_permit {
    STFLASH_PERMIT_WRITE_PROTECT = 1u << 0, /* clear WRP bits (protect flash pages) */
    STFLASH_PERMIT_READ_PROTECT = 1u << 1,  /* set RDP to level 1 */
    STFLASH_PERMIT_RDP_LEVEL2 = 1u << 2,    /* set RDP to level 2: PERMANENT, no way back */
    STFLASH_PERMIT_TRUSTZONE = 1u << 3,     /* turn TrustZone on (TZEN): the flash becomes secure
                                               and only a full-erase regression turns it off */
    STFLASH_PERMIT_PRODUCT_STATE = 1u << 4, /* change the H5's product state: most changes close
                                               the debugger or cannot be undone */
};

/* The RDP byte of level 2 on the parts that have it (F0, F3; not the STM32F1). */
#define STFLASH_RDP_LEVEL2 0xCCu

/*
 * Stores new option bytes (rdp_level_stored, wdg_sw, nrst_*, data0/1, wrp of *opts; the RDP
 * byte is the family's encoding of the level, the user bits opts does not describe are kept)
 * and resets the target so they take effect (on the F0/F3 through the option-byte loader,
 * FLASH_CR.OBL_LAUNCH); the result is read back and checked. Changing RDP from level 1 to 0
 * erases the whole flash (the hardware does it): use stflash_unlock for that, this refuses it.
 * Errors: STFLASH_ERR_PROTECTED (a dangerous change without its permit, the message names it),
 * STFLASH_ERR_UNSUPPORTED (not an F0/F1/F3, level 2 on an F1, a clone whose option writes are
 * not handled: refused before anything is erased), STFLASH_ERR_VERIFY (the reset loaded other
 * values).
 */
int stflash_options_write(struct stflash_dev *dev, const struct stflash_options *opts,
                          unsigned permits);

/* Removes read protection level 1: erases the option bytes (which erases the whole flash), stores
 * the level 0 RDP byte (0xA5 on the F1, 0xAA on the F0/F3) keeping the other options, resets
 * the target and checks that level 0 is in force. On the L5/U5 it also leaves level 0.5 and
 * turns TrustZone off (TZEN clears only in this regression). */
int stflash_unlock(struct stflash_dev *dev);

/* Sets read protection level 1 (the debugger can no longer read the flash) and resets. */
int stflash_lock(struct stflash_dev *dev);

/* ---- diagnosis ---- */

enum stflash_verdict {
    STFLASH_CHECK_OK,
    STFLASH_CHECK_WARN, /* works, but something deserves attention */
    STFLASH_CHECK_FAIL, /* this step fails; the ones after it may be skipped */
    STFLASH_CHECK_SKIPPED,
};

struct stflash_check {
    const char *step; /* "probe found", "probe opened", "probe firmware", "target voltage",
                         "SWD link", "core", "chip", "clone", "read protection",
                         "write protection", "flash size" */
    enum stflash_verdict verdict;
    const char *detail; /* what was found, whole; valid during the callback only */
    const char *fix;    /* for WARN and FAIL: what to do, "" otherwise; valid as detail */
};

typedef void (*stflash_check_fn)(void *user, const struct stflash_check *check);

/*
 * Walks the ladder from the probe to the flash, calling fn once per step in order, without
 * writing or erasing anything and without a reset, unless the target does not answer on SWD:
 * then connecting under reset is tried (NRST held low, the core left halted at its reset vector),
 * as stflash_open does. Returns the number of failed steps (>= 0), or an error when the checks
 * could not run at all.
 */
int stflash_doctor(struct stflash_ctx *ctx, const char *selector, stflash_check_fn fn, void *user);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
