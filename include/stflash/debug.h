/*
 * Hardware breakpoints and watchpoints of a Cortex-M target: the code comparators of the Flash
 * Patch and Breakpoint unit (FPB, ARMv7-M ARM C1.11; the BPU of ARMv6-M, ARMv6-M ARM C1.8) and
 * the address comparators of the Data Watchpoint and Trace unit (DWT, ARMv7-M ARM C1.8, ARMv6-M
 * ARM C1.8). The encoders are pure functions; the rest reads and writes the target through an
 * opened device and keeps what is set in a struct stflash_hwbreak the caller owns.
 */
#ifndef STFLASH_DEBUG_H
#define STFLASH_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "stflash/stflash.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

/* Comparators kept track of; cores with more use this many. */
#define STFLASH_HW_COMPARATORS_MAX 16

enum stflash_watch_kind {
    STFLASH_WATCH_WRITE = 0,  /* gdb's Z2 (watch) */
    STFLASH_WATCH_READ = 1,   /* Z3 (rwatch) */
    STFLASH_WATCH_ACCESS = 2, /* Z4 (awatch) */
};

/* The FPB's number of code comparators: FP_CTRL NUM_CODE, bits [14:12]:[7:4] (C1.11.3). */
unsigned stflash_fpb_code_count(uint32_t fp_ctrl);

/* The FPB version: FP_CTRL REV, bits [31:28], plus one (1: FPBv1, 2: FPBv2). */
unsigned stflash_fpb_version(uint32_t fp_ctrl);

/*
 * The FP_COMPn value that breaks on the instruction at addr (half-word aligned). FPBv1 matches
 * a word of the code region (below 0x20000000) and REPLACE, bits [31:30], chooses the half-word:
 * 01 lower, 10 upper; ENABLE is bit 0. FPBv2: BPADDR[31:1] in bits [31:1] and BE (bit 0), any
 * address. Errors: STFLASH_ERR_INVALID_ARG (odd address), STFLASH_ERR_RANGE (FPBv1, address
 * outside the code region).
 */
int stflash_fpb_comparator(unsigned fpb_version, uint32_t addr, uint32_t *comp);

/* What a DWT comparator is programmed with to watch [addr, addr + len). */
struct stflash_dwt_setting {
    uint32_t comp;     /* DWT_COMPn: the address */
    uint32_t mask;     /* DWT_MASKn: low address bits ignored */
    uint32_t function; /* DWT_FUNCTIONn: 5 read, 6 write, 7 read or write */
};

/*
 * Encodes a data watchpoint. The comparator matches an aligned power-of-two block (MASK is the
 * number of low bits ignored, C1.8.10), so len must be a power of two and addr a multiple of
 * it; ARMv6-M and ARMv7-M use the same FUNCTION values for data addresses (ARMv6-M ARM C1.8.4,
 * ARMv7-M ARM C1.8.17). max_mask_bits is the largest MASK the core takes (0: 31).
 * Errors: STFLASH_ERR_INVALID_ARG (len 0 or not a power of two, addr not a multiple of len,
 * a block larger than the mask allows, an unknown kind).
 */
int stflash_dwt_watchpoint(uint32_t addr, uint32_t len, enum stflash_watch_kind kind,
                           unsigned max_mask_bits, struct stflash_dwt_setting *out);

struct stflash_hwbreak {
    unsigned fpb_version; /* 1 or 2 */
    unsigned bp_count;    /* code comparators in use here (at most STFLASH_HW_COMPARATORS_MAX) */
    bool bp_used[STFLASH_HW_COMPARATORS_MAX];
    uint32_t bp_addr[STFLASH_HW_COMPARATORS_MAX];
    unsigned wp_count;      /* DWT comparators: DWT_CTRL NUMCOMP, bits [31:28] */
    unsigned max_mask_bits; /* largest DWT_MASK value the comparators keep */
    struct stflash_hw_watch {
        bool used;
        uint32_t addr, len;
        enum stflash_watch_kind kind;
    } wp[STFLASH_HW_COMPARATORS_MAX];
};

/* Reads the FPB and DWT configuration, clears every comparator and enables the DWT (DEMCR
 * TRCENA, which is DWTENA on ARMv6-M). The core should be halted. */
int stflash_hwbreak_init(struct stflash_dev *dev, struct stflash_hwbreak *hb);

/* Hardware breakpoint at addr. Setting one already set is not an error. Errors:
 * STFLASH_ERR_BUSY (every comparator used), those of stflash_fpb_comparator, probe errors. */
int stflash_hwbreak_insert(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr);
/* Removing one that is not set is not an error. */
int stflash_hwbreak_remove(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr);

/* Data watchpoint. Errors: STFLASH_ERR_BUSY (every comparator used), those of
 * stflash_dwt_watchpoint, probe errors. */
int stflash_watch_insert(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr,
                         uint32_t len, enum stflash_watch_kind kind);
int stflash_watch_remove(struct stflash_dev *dev, struct stflash_hwbreak *hb, uint32_t addr,
                         uint32_t len, enum stflash_watch_kind kind);

/* After a halt: the watchpoint whose comparator matched (DWT_FUNCTIONn MATCHED, bit 24, which
 * reading clears), as its index in hb->wp, or -1 when none did. */
int stflash_watch_hit(struct stflash_dev *dev, struct stflash_hwbreak *hb, int *index);

/* Removes every breakpoint and watchpoint and disables the FPB. Best effort. */
void stflash_hwbreak_clear(struct stflash_dev *dev, struct stflash_hwbreak *hb);

/* Software breakpoints: BKPT #0 written over the instruction's first halfword in RAM, the
 * original kept here and written back on removal (src/api/swbreak.c). */
#define STFLASH_SWBREAK_MAX 32
struct stflash_swbreak {
    struct stflash_swbreak_slot {
        bool used;
        uint32_t addr;
        uint16_t orig; /* the halfword BKPT replaced */
    } slot[STFLASH_SWBREAK_MAX];
};

/* Inserts one at addr (halfword aligned); one already there is not an error. Errors:
 * STFLASH_ERR_INVALID_ARG (an odd address, or memory that did not take the BKPT: flash or
 * ROM), STFLASH_ERR_BUSY (STFLASH_SWBREAK_MAX set), probe errors. */
int stflash_swbreak_insert(struct stflash_dev *dev, struct stflash_swbreak *sb, uint32_t addr);
/* Writes the original halfword back; removing one that is not set is not an error. */
int stflash_swbreak_remove(struct stflash_dev *dev, struct stflash_swbreak *sb, uint32_t addr);
/* Whether addr lies in memory code can run from and a BKPT can be written to: the SRAM region,
 * and the CCM SRAM of the parts that fetch code from it, the L4's SRAM2 at 0x10000000 among them
 * (stflash_chip_code_ram(); chip NULL: an unknown part, the SRAM region only). Elsewhere (flash,
 * the F4's data-only CCM) a breakpoint takes an FPB comparator. */
bool stflash_swbreak_fits(const struct stflash_chip_info *chip, uint32_t addr);
/* Whether one is set at addr. */
bool stflash_swbreak_has(const struct stflash_swbreak *sb, uint32_t addr);
/* Writes every original back and forgets them. Best effort. */
void stflash_swbreak_clear(struct stflash_dev *dev, struct stflash_swbreak *sb);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
