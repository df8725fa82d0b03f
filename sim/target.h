/*
 * The simulated STM32 target: a Cortex-M core (Unicorn) with the system control space, debug
 * components, the flash controller and the few peripherals firmware and debuggers touch, all as
 * the chip's family (family.h) describes them. Internal to the simulator; every module of the
 * target shares this one state structure.
 */
#ifndef STFLASH_SIM_TARGET_H
#define STFLASH_SIM_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "faults.h"

#include "bus.h"
#include "family.h"
#include "swo.h"
#include "vclock.h"

#define SIM_POLL_REGS 16u /* r0-r12, SP, LR, xPSR */

/* A simulated part: identification and geometry. */
struct sim_chip {
    const char *name;  /* command-line name, e.g. "stm32f103c8" */
    const char *descr; /* e.g. "STM32F103C8 (Blue Pill)" */
    const struct sim_family *family;
    uint16_t dev_id; /* DBGMCU_IDCODE[11:0] */
    uint32_t idcode; /* the whole DBGMCU_IDCODE: REV_ID, reserved bits as silicon reads them,
                        DEV_ID */
    uint32_t flash_kib;
    uint32_t sram_kib;
    uint32_t ccm_kib; /* core-coupled SRAM at the family's ccm_base, 0 if none */
    uint32_t page_size;
    uint32_t dp_idcode; /* SW-DP DPIDR */
    uint32_t cpuid;     /* SCB CPUID */
    uint32_t ap_idr;    /* AHB-AP IDR */
    uint64_t rom_pidr;  /* CoreSight ROM table peripheral ID (PIDR4..0) */
    /* How a clone differs from the ST part it replaces (0 on ST parts): enum sim_chip_quirk,
     * and its flash timings (0: the family's tprog_ps and erase_ps). */
    uint32_t quirks;
    sim_ps tprog_ps;       /* one program operation (a half-word, or a word with WORD_PROGRAM) */
    sim_ps erase_ps;       /* page, mass and option-byte erase */
    uint32_t eeprom_bytes; /* data EEPROM at the family's eeprom_base (L0/L1), 0 if none */
};

/* Behaviours of the clones of the F103 (docs/chips.md, "Clones
 * of the F103"; sim/chips.c says where each chip's facts come from). */
enum sim_chip_quirk {
    /* The flash-size register reads 0 unless --flash-size-reg says otherwise (CKS32, CH32). */
    SIM_CHIP_FSZ_READS_ZERO = 1u << 0,
    /* The word at 0x1FFFF7E0 holds the flash KiB in [15:0] and the SRAM KiB in [31:16] (GD32);
     * on ST parts the upper half-word is reserved and reads 0xFFFF. */
    SIM_CHIP_FSZ_WORD_SRAM = 1u << 1,
    /* A 32-bit store with FLASH_CR.PG set programs the whole word in one tPROG (GD32); on ST
     * parts the bus splits it into two half-words, one tPROG each. */
    SIM_CHIP_WORD_PROGRAM = 1u << 2,
    /* A flash write arriving while FLASH_SR.BSY is still set is lost: no bus stall, no error
     * flag (APM32). ST parts stall the bus until BSY clears. */
    SIM_CHIP_DROP_WHILE_BUSY = 1u << 3,
    /* FLASH_CR bit 15 FLOCK (set at reset, set-only by software) and FLASH_MODEKEYR at +0x24,
     * whose KEY1/KEY2 sequence clears FLOCK (CH32). The fast page mode it unlocks (FTPG, FTER)
     * is not modelled: its bits read 0 and ignore writes; compatible mode works as on the F1. */
    SIM_CHIP_CH32_FLOCK = 1u << 4,
};

/* The largest system-memory area a family maps below 0x20000000 (F2/F4, G0, L4: from
 * 0x1FFF0000, with the bank-2 option bytes of the L4 at 0x1FFFF800; F7, H7: from 0x1FF00000). */
#define SIM_SYSMEM_MAX 0x100000u /* the F7's and the H7's from 0x1FF00000 */

const struct sim_chip *sim_chip_find(const char *name);
const struct sim_chip *sim_chip_at(size_t i); /* NULL past the end */

/* How the board is wired and in which state it starts. */
struct sim_target_config {
    const struct sim_chip *chip;
    uint32_t flash_kib;      /* physical flash; 0 = the chip's */
    uint32_t flash_size_reg; /* value of the flash-size register; UINT32_MAX = the chip's
                                own (the physical size, 0 on SIM_CHIP_FSZ_READS_ZERO clones) */
    uint32_t dev_id;         /* DBGMCU_IDCODE[11:0] to report; 0 = the chip's (a clone or a
                                part the chip table does not know reports another) */
    int rdp_level;           /* 0 or 1 at power-up; 2 on families that have it */
    bool nrst_wired;         /* the probe's NRST line reaches the chip */
    bool boot0;              /* BOOT0 high: boot from system memory */
    bool wdg_hw;             /* option bit WDG_SW = 0: the IWDG starts at every reset */
    uint32_t voltage_mv;     /* target supply; 0 = unpowered */
    uint32_t secure_page;    /* WB, WL: CPU2's secure area from this flash page (FLASH_SFR.SFSA;
                                on the WL with OPTR.ESE); 0: as the family ships */
    bool no_hse;             /* F0/F1/F3: no clock for the HSE (no crystal): HSERDY never sets */
    bool pll_no_lock;        /* F0/F1/F3, G0/L4, F4/F7: the PLL never locks */
    uint32_t uid_index;      /* the board's place in its daemon: boards of one daemon get
                                different unique IDs (0 keeps the chip's base ID) */
};

/* Why the core stopped running inside Unicorn. */
enum sim_stop {
    SIM_STOP_NONE,
    SIM_STOP_DEADLINE,
    SIM_STOP_BREAKPOINT,
    SIM_STOP_STEP,
    SIM_STOP_EXCEPTION,
    SIM_STOP_BUS_FAULT,
    SIM_STOP_WATCHPOINT, /* a DWT comparator matched a data access (sim/cortexm.c) */
};

/* The flash program/erase controller of the F0, F1 and F3 (RM0008 §3.3, PM0075 §3; RM0091 §3;
 * RM0316 §4), as f1_flash.c models it. */
struct f1_fpec {
    uint32_t acr;
    uint32_t sr;
    uint32_t cr;
    uint32_t ar;
    uint32_t obr; /* option bytes loaded at the last reset */
    uint32_t wrpr;
    int key_stage; /* 0: nothing, 1: KEY1 written */
    int optkey_stage;
    int modekey_stage;  /* CH32 FLASH_MODEKEYR: 1 after KEY1 */
    bool key_locked_up; /* wrong key sequence: locked until reset */
    sim_ps busy_until;
    bool eop_pending; /* EOP to set when BSY clears */
    int rdp_level;    /* read protection loaded at the last reset: 0, 1 or 2 */
};

/* The L4-style flash controller of the L4 and G0 (RM0351 §3, RM0444 §3), as l4_flash.c models
 * it. The option registers FLASH_OPTR (+0x20) to +0x50 are kept by offset: opt[] what the
 * registers hold (loaded at reset, changed by software), optnv[] the option bytes stored. */
#define SIM_L4_OPT_WORDS 13u /* FLASH_OPTR .. FLASH_WRP2BR */
struct l4_flash {
    uint32_t acr;
    uint32_t sr;
    uint32_t cr;
    uint32_t opt[SIM_L4_OPT_WORDS];
    uint32_t loaded[SIM_L4_OPT_WORDS]; /* as the last option load left them */
    int key_stage, optkey_stage;
    bool key_locked_up; /* wrong key sequence: locked until reset */
    bool half_written;  /* the first word of a double word is latched */
    uint32_t half_addr, half_val;
    sim_ps busy_until;
    bool eop_pending;
    bool obl_pending;    /* OBL_LAUNCH: the coming reset loads the option bytes */
    int rdp_level;       /* loaded at the last option load: 0, 1 or 2 */
    bool dcache_stale;   /* an erase with DCEN set, no DCRST since: stale lines may exist */
    bool mass_erased[2]; /* the bank's last erase was a mass erase, nothing standard-programmed
                            since: fast programming allowed (l4_fast.c) */
    bool fast_active;    /* a fast-programming row is under way */
    unsigned fast_next;  /* double words of that row received so far */
    uint32_t fast_row;   /* its flash offset */
    sim_ps fast_dw_end;  /* when the double word being programmed ends */
    sim_ps fast_timeout; /* 7 ms after the row's first double word */
};

/* The TrustZone flash controller of the L5 and U5 (RM0438 §6, RM0456 §7), as l5u5_flash.c models
 * it from the non-secure side. The option registers FLASH_OPTR (+0x40) to FLASH_WRP2BR (+0x6C)
 * are kept by offset: opt[] what the registers hold, the target's optnv[] the stored options. */
#define SIM_L5U5_OPT_WORDS 12u
struct l5u5_flash {
    uint32_t acr;
    uint32_t sr; /* FLASH_NSSR */
    uint32_t cr; /* FLASH_NSCR */
    uint32_t opt[SIM_L5U5_OPT_WORDS];
    uint32_t loaded[SIM_L5U5_OPT_WORDS]; /* as the last option load left them */
    int key_stage, optkey_stage;
    bool key_locked_up;
    unsigned nbuf; /* words of the program unit latched so far */
    uint32_t buf_addr, buf[4];
    sim_ps busy_until;
    bool eop_pending;
    bool obl_pending;
    int rdp_level; /* loaded: 0, 1 or 2 (0.5 counts as 0 for the non-secure flash) */
    bool rdp_half; /* RDP 0x55 loaded with TZEN: secure debug closed */
};

/* The H5 flash controller (RM0481 §7), as h5_flash.c models it from the non-secure side. The
 * option registers are kept as _CUR (in force) and _PRG (being written) pairs: OPTSR, OPTSR2,
 * WRP1R, WRP2R; the target's optnv[0..3] holds them as stored, optnv[4] whether the array halves
 * are exchanged (the SWAP_BANK in force). */
#define SIM_H5_OPT_WORDS 4u
struct h5_flash {
    uint32_t acr;
    uint32_t sr;    /* FLASH_NSSR */
    uint32_t cr;    /* FLASH_NSCR */
    uint32_t optcr; /* FLASH_OPTCR */
    uint32_t cur[SIM_H5_OPT_WORDS], prg[SIM_H5_OPT_WORDS];
    uint32_t eccdetr; /* FLASH_ECCDETR */
    int key_stage, optkey_stage;
    bool key_locked_up;
    unsigned nbuf; /* words of the quad word latched so far */
    uint32_t buf_addr, buf[4];
    sim_ps busy_until;
    int rdp_level; /* from the product state in force */
};

/* The L0/L1 flash controller (RM0377 §3, RM0038 §3), as l0l1_flash.c models it. The option
 * words stored at 0x1FF80000 (value | complement << 16) are ob[]: +0x00 .. +0x1C, then +0x80 and
 * +0x84 (WRPR4 of the L1 categories 5 and 6). */
#define SIM_LX_OB_WORDS 10u
struct l0l1_flash {
    uint32_t acr;
    uint32_t pecr;
    uint32_t sr;
    uint32_t obr;     /* FLASH_OBR: loaded at the last option load */
    uint32_t wrpr[4]; /* FLASH_WRPR1..4: loaded at the last option load */
    int pekey_stage, prgkey_stage, optkey_stage;
    bool key_locked_up; /* wrong key sequence: locked until reset */
    unsigned hp_count;  /* words of the half-page latched so far */
    uint32_t hp_base;
    uint32_t hp_words[32];
    sim_ps busy_until;
    bool eop_pending;
    bool obl_pending; /* OBL_LAUNCH: the coming reset loads the option bytes */
    int rdp_level;    /* loaded at the last option load: 0, 1 or 2 */
};

/* The flash interface of the F2 and F4 (RM0090 §3, RM0383 §3), as f4_flash.c models it. The
 * option bytes themselves are the target's optbytes[] (f4_flash.c says the layout). */
struct f4_flash {
    uint32_t acr;
    uint32_t sr;
    uint32_t cr;
    uint32_t optcr;
    uint32_t optcr1;
    int key_stage; /* 0: nothing, 1: KEY1 written */
    int optkey_stage;
    bool cr_locked_up;  /* wrong KEYR sequence: FLASH_CR locked until reset */
    bool opt_locked_up; /* wrong OPTKEYR sequence: FLASH_OPTCR locked until reset */
    sim_ps busy_until;
    bool busy;
    int rdp_level;  /* read protection loaded at the last reset: 0, 1 or 2 */
    bool dual_bank; /* two banks: the F42x, or the F76x with nDBANK = 0 at the last reset */
};

/* The H7 flash interface (RM0433 §4, RM0455 §4), as h7_flash.c models it: two banks, each with
 * its own KEYR/CR/SR and write buffer, and the shared option registers. The option bytes stored
 * are the target's optnv[0..3] (h7_flash.c says the layout). */
struct h7_bank {
    uint32_t cr, sr;
    int key_stage;
    bool locked_up;   /* wrong KEYR sequence: FLASH_CR locked until reset */
    uint32_t wb_addr; /* the flash word the write buffer holds */
    uint32_t wb_mask; /* its bytes written so far (bit n: byte n) */
    uint8_t wb[32];
    sim_ps busy_until;
    bool busy;
};
struct h7_flash {
    struct h7_bank bank[2];
    uint32_t acr, optcr;
    uint32_t optsr_cur, optsr_prg, wpsn_cur[2], wpsn_prg[2], boot_cur, boot_prg;
    int optkey_stage;
    bool opt_locked_up;
    sim_ps opt_busy_until;
    int rdp_level; /* loaded at the last reset: 0, 1 or 2 */
};

/* The peripherals a firmware or debugger touches, as one family or the other lays them out
 * (f1_periph.c, f0_f3_periph.c): register values by the family's own indexes. */
struct sim_periph {
    uint32_t rcc[40];       /* F1: RCC_CR .. RCC_CSR; F0/F3: .. RCC_CR2; F4: .. RCC_DCKCFGR;
                               G0/L4: by offset / 4 */
    uint32_t gpio[11][11];  /* F1: GPIOA..E CRL .. LCKR; F0/F3: GPIOA..F MODER .. BRR;
                               F4: GPIOA..K MODER .. AFRH */
    uint32_t pwr[2];        /* F4: PWR_CR, PWR_CSR; G0/L4/G4: PWR_CR1 */
    uint32_t afio[8];       /* F1 AFIO */
    uint32_t syscfg[8];     /* F0/F3 SYSCFG */
    uint32_t dbgmcu_cr;     /* DBGMCU_CR, reset by power-on only */
    uint32_t dbgmcu_fz[2];  /* F0: DBGMCU_APB1_FZ, DBGMCU_APB2_FZ */
    uint32_t dbgmcu_h7[24]; /* H7: DBGMCU +0x04 .. +0x5C by offset / 4 (CR, the freeze registers) */
    uint32_t dma[2 + 4 * 7]; /* F1 DMA1: ISR, IFCR, then CCR CNDTR CPAR CMAR per channel */
    uint32_t dma_len[7];     /* CNDTR as last written: the CIRC reload value */
    uint32_t adc_cr2;        /* F1 ADC1_CR2 */
    sim_ps adc_next;         /* time of the next conversion in continuous mode */
    sim_ps hsi_ready_at;     /* F0/F1/F3: when HSIRDY, HSERDY, PLLRDY set (UINT64_MAX: off, */
    sim_ps hse_ready_at;     /* or never on this board; sim/rcc_f0f1f3.c) */
    sim_ps pll_ready_at;     /* (and G0/L4, F4/F7: sim/rcc_g0_l4.c, sim/rcc_f4.c) */
    uint64_t led_toggles;    /* changes of the board's user LED seen */
    sim_ps led_last_toggle;
};

/* The independent watchdog (sim/iwdg.c). */
struct sim_iwdg {
    bool running; /* started by KR 0xCCCC or by the WDG_SW option bit at reset */
    bool access;  /* KR 0x5555 written: PR and RLR accept writes */
    uint32_t pr, rlr;
    sim_ps expires;    /* board time when the counter reaches zero */
    uint64_t expiries; /* resets it caused since the board started */
};

/* The window watchdog (sim/wwdg.c). */
struct sim_wwdg {
    bool enabled;      /* WWDG_CR.WDGA: set by software, cleared by a reset only */
    uint32_t cfr;      /* WWDG_CFR: W[6:0], WDGTB[1:0], EWI */
    uint32_t t0;       /* the counter T[6:0] at board time `since` */
    sim_ps since;      /* moved on by the time it was frozen */
    sim_ps tick;       /* one counter step, from PCLK1 and WDGTB at the last write */
    uint64_t expiries; /* resets it caused since the board started */
};

/* System control space and debug state of the core (ARMv7-M ARM B3, C1; ARMv6-M ARM B3, C1). */
struct cortexm {
    bool halted;
    bool sleeping; /* WFI/WFE */
    bool lockup;
    bool epsr_t_clear;   /* EPSR.T is 0 (a vector with bit 0 clear): the next instruction faults */
    bool in_reset;       /* NRST held low */
    uint32_t dhcsr_ctrl; /* C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS */
    bool s_reset_st;     /* sticky: a reset happened since last read */
    bool s_retire_st;
    uint32_t dcrdr;
    bool regrdy;
    uint32_t demcr;
    uint32_t dfsr;
    uint32_t hfsr, cfsr, mmfar, bfar;
    uint32_t vtor, aircr_prigroup, scr, ccr;
    uint32_t cpacr, fpccr, fpcar, fpdscr; /* FPv4-SP (Cortex-M4F) */
    uint32_t csselr;                      /* cache size selection (Cortex-M7) */
    uint8_t shpr[12];                     /* system handler priorities 4..15 */
    uint32_t shcsr;
    uint32_t nvic_enabled[3];
    uint8_t nvic_prio[96];
    uint32_t pending[3]; /* exception numbers 0..95 */
    uint32_t active[3];
    /* SysTick (B3.3): the counter is derived from the time of its next wrap. */
    uint32_t syst_csr, syst_rvr;
    sim_ps syst_next_wrap;
    uint32_t syst_cvr_frozen; /* value while disabled */
    /* FPB and DWT (C1.11, C1.8). */
    uint32_t fp_ctrl, fp_remap, fp_comp[8];
    uint32_t dscsr; /* ARMv8-M DSCSR SBRSELEN/SBRSEL */
    /* ARMv8-M DCRSR selectors 0x18-0x23 that are not the running state's live registers: the
     * other security state's bank and the stack limits (sim/cortexm_regs.c). */
    uint32_t v8m_idle[12];
    uint32_t bp_addr[16];
    unsigned bp_count;
    uint32_t dwt_ctrl, dwt_comp[4], dwt_mask[4], dwt_function[4];
    bool watch_pending;       /* a comparator matched: halt before the next instruction */
    bool in_run;              /* Unicorn is running the core (sim/cortexm.c) */
    bool watch_update;        /* the comparators changed during a run: apply after it */
    uint32_t dwt_cyccnt_base; /* CYCCNT = base + cycles since base time when enabled */
    sim_ps dwt_cyccnt_time;
    uint32_t itm_tcr, itm_ter, itm_tpr;
    /* run control bookkeeping */
    uint64_t step_budget; /* instructions left in a single step, 0 = not stepping */
    bool stepping;
};

/* SW-DP and AHB-AP (ADIv5). */
struct sim_dap {
    uint32_t ctrl_stat;
    uint32_t select;
    uint32_t rdbuff;
    uint32_t csw;
    uint32_t tar;
};

/* A reset asked for by a register write, done when the current instruction completes. */
enum sim_reset_request {
    SIM_RESET_NONE,
    SIM_RESET_CORE,        /* AIRCR VECTRESET */
    SIM_RESET_SYSTEM,      /* AIRCR SYSRESETREQ */
    SIM_RESET_OPTION_LOAD, /* FLASH_CR OBL_LAUNCH (F0/F3) */
    SIM_RESET_WWDG,        /* a WWDG_CR write out of its window or with T6 clear */
};

/* A memory-mapped I/O window as Unicorn's callbacks see it. */
struct sim_mmio_window {
    struct sim_target *t;
    uint32_t base;
};

struct sim_target {
    struct sim_target_config cfg;
    const struct sim_chip *chip;
    uc_engine *uc;
    uc_hook hook_code, hook_intr, hook_wprot, hook_unmapped;
    uc_hook hook_watch; /* data accesses, only while a DWT comparator watches (0: none) */
    /* bit-band SRAM, the family's peripheral windows, bit-band peripherals, PPB */
    struct sim_mmio_window windows[8];

    const struct sim_family *family;
    const struct sim_core_model *cpu;
    uint8_t *flash;
    uint32_t flash_size;
    uint8_t *sram;
    uint32_t sram_size;
    uint8_t *ccm;
    uint32_t ccm_size;
    /* System memory from the family's sysmem_base to 0x20000000: boot ROM, factory data (flash
     * size, UID), option bytes. */
    uint8_t *sysmem;
    uint32_t sysmem_size;
    uint16_t optbytes[8]; /* F0/F1/F3 option bytes: value | complement << 8; F2/F4: f4_flash.c */
    uint32_t optnv[SIM_L4_OPT_WORDS]; /* L4-style option bytes (struct l4_flash) */
    uint32_t lxob[SIM_LX_OB_WORDS];   /* L0/L1 option words (struct l0l1_flash) */
    uint8_t *eeprom;                  /* data EEPROM at the family's eeprom_base (L0/L1), or NULL */
    uint32_t eeprom_size;
    uint8_t uid[12];

    sim_ps now;       /* board time */
    sim_ps cycle_ps;  /* one core clock cycle */
    uint32_t core_hz; /* the core clock (HCLK) cycle_ps stands for */
    /* SYSCLK, for the flash wait-state check (F0/F1/F3; 0 where not modelled), and whether
     * the flash is read with too few wait states for it: the core then reads the flash array
     * as flash_misread_buf (all ones) instead of its content (sim_target_set_flash_misread). */
    uint32_t sysclk_hz;
    bool flash_misread;
    bool flash_remap_pending; /* changed during a run: the mapping follows after it */
    bool flash_reads_watched; /* the core's reads of the flash reach flash->array_read */
    uc_hook hook_flash_read;  /* that hook while it is in place (0: none) */
    uint8_t *flash_misread_buf;
    uint64_t mmio_seq; /* peripheral accesses by the core (sim_target_poll_busy) */
    struct sim_poll {
        sim_ps at; /* the last read of a busy flag */
        uint64_t seq;
        uint32_t regs[SIM_POLL_REGS];
    } poll;
    sim_ps run_deadline;
    enum sim_stop stop;
    uint32_t bus_fault_addr;
    struct {
        bool pending;
        uint32_t addr;
        unsigned size;
        uint8_t bytes[4];
    } rom_fixup;              /* what flash must hold after a core store the controller handled */
    int reset_request;        /* enum sim_reset_request, pending */
    bool reset_loads_options; /* the reset under way is a power-on or option-load reset */
    int last_intno;           /* CPU exception Unicorn reported in the last run, or -1 */
    uint32_t dirty_lo, dirty_hi; /* flash the core changed during a run: cached code to drop */
    bool code_flush_pending;   /* DMA wrote RAM: all translated code dropped before the next run */
    uint64_t host_budget_cuts; /* runs that ended on the host-time budget (sim/cortexm.c) */
    uint32_t core_hz_max;      /* the fastest core clock instructions ran at since power-up */

    bool swd_disabled; /* AFIO SWJ_CFG = 100 while running */
    bool debug_locked; /* read protection level 2 loaded: the debug port is off for good */
    bool power_on;     /* the reset under way is a power-on reset */

    struct cortexm core;
    struct sim_swo swo; /* ITM to TPIU to the probe's trace receiver (sim/swo.h) */
    struct f1_fpec fpec;
    struct l4_flash l4f;
    struct f4_flash f4;
    struct h7_flash h7f;
    struct l5u5_flash l5u5f;
    struct h5_flash h5f;
    struct l0l1_flash lxf;
    struct sim_periph per;
    struct sim_dap dap;
    struct sim_iwdg iwdg;
    struct sim_wwdg wwdg;

    struct sim_stats *stats;   /* the current client session's, or NULL */
    struct sim_faults *faults; /* injected faults (sim/faults.h), or NULL */
};

/* target.c */
int sim_target_init(struct sim_target *t, const struct sim_target_config *cfg);
void sim_target_release(struct sim_target *t);
void sim_target_power_on_reset(struct sim_target *t);
void sim_target_system_reset(struct sim_target *t);
void sim_target_set_nrst(struct sim_target *t, bool low);
void sim_target_run_until(struct sim_target *t, sim_ps deadline);
void sim_target_advance(struct sim_target *t, sim_ps dt);
bool sim_target_link_up(const struct sim_target *t);
enum sim_bus_result sim_bus_read(struct sim_target *t, uint32_t addr, unsigned size, uint32_t *val,
                                 enum sim_initiator who);
enum sim_bus_result sim_bus_write(struct sim_target *t, uint32_t addr, unsigned size, uint32_t val,
                                  enum sim_initiator who);
void sim_target_do_reset_request(struct sim_target *t);
void sim_target_apply_rom_fixup(struct sim_target *t);
void sim_target_optbytes_changed(struct sim_target *t);
void sim_target_code_changed(struct sim_target *t, uint32_t addr, uint32_t len);
void sim_target_drop_all_code(struct sim_target *t);
/* A DMA controller's store: as the core's, and the translated code is dropped as a whole before
 * the core runs again (sim/target.c). */
enum sim_bus_result sim_target_dma_write(struct sim_target *t, uint32_t addr, unsigned size,
                                         uint32_t val);
void sim_target_flush_pending_code(struct sim_target *t);
/* Whether the core's data reads of the flash array reach the controller's array_read (a hook
 * that slows every read: only while the controller needs it). Set during a run, it applies
 * after the current instruction; cleared, once the run returns. */
void sim_target_watch_flash_reads(struct sim_target *t, bool on);
void sim_target_apply_flash_watch(struct sim_target *t);
/* Whether the core reads the flash array wrong (too few wait states for SYSCLK): maps the
 * all-ones buffer in its place, or the flash back; during a run, once the run stops. */
void sim_target_set_flash_misread(struct sim_target *t, bool misread);
void sim_target_remap_flash(struct sim_target *t);
/* The core reads a busy flag that stays set until `until`: a polling loop is fast-forwarded. */
void sim_target_poll_busy(struct sim_target *t, sim_ps until);
void sim_target_charge(struct sim_target *t, enum sim_cost kind, sim_ps dt);
int sim_target_rdp_level(const struct sim_target *t); /* loaded at the last reset: 0, 1, 2 */

/* cortexm.c: core state, exceptions, run control, core registers */
int cortexm_attach(struct sim_target *t);
void cortexm_reset(struct sim_target *t, bool power_on);
void cortexm_run(struct sim_target *t, sim_ps deadline);
void cortexm_set_pending(struct sim_target *t, unsigned exc);
void cortexm_halt(struct sim_target *t, uint32_t dfsr_reason);
void cortexm_debug_resume(struct sim_target *t);
int cortexm_read_core_reg(struct sim_target *t, unsigned regsel, uint32_t *val);
int cortexm_write_core_reg(struct sim_target *t, unsigned regsel, uint32_t val);
void cortexm_set_clock_hz(struct sim_target *t, uint32_t hz);
void cortexm_update_breakpoints(struct sim_target *t);
/* Whether an FPB comparator set by cortexm_update_breakpoints matches addr. */
bool cortexm_is_breakpoint(const struct cortexm *c, uint32_t addr);
/* The DWT comparators changed: watch data accesses while any is set to halt on one. */
void cortexm_update_watchpoints(struct sim_target *t);
void cortexm_timers_update(struct sim_target *t);

/* ppb.c: the private peripheral bus 0xE0000000-0xE00FFFFF */
enum sim_bus_result ppb_read(struct sim_target *t, uint32_t addr, uint32_t *val,
                             enum sim_initiator who);
enum sim_bus_result ppb_write(struct sim_target *t, uint32_t addr, uint32_t val,
                              enum sim_initiator who);
/* A CoreSight identification register (PIDR4 at 0xFD0, PIDR0-3 at 0xFE0, CIDR0-3 at 0xFF0) of a
 * component with these IDs: true with *val when `off` is one. */
bool ppb_id_register(uint32_t off, uint64_t pidr, uint32_t cidr, uint32_t *val);

/* scs.c: the system control space 0xE000E000-0xE000EFFF, by offset */
enum sim_bus_result scs_reg_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result scs_reg_write(struct sim_target *t, uint32_t off, uint32_t val,
                                  enum sim_initiator who);

/* f1_flash.c: FPEC registers, flash array writes, option bytes (F0, F1, F3) */
enum sim_bus_result f1_fpec_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result f1_fpec_write(struct sim_target *t, uint32_t off, uint32_t val,
                                  enum sim_initiator who);
/* SYSCLK or FLASH_ACR LATENCY changed: the core misreads the flash when LATENCY is too low. */
void f1_fpec_check_timing(struct sim_target *t);

/* rcc_f0f1f3.c: RCC_CR, RCC_CFGR (and the F0/F3 RCC_CFGR2) of the F0, F1 and F3 */
void rcc_f0f1f3_reset(struct sim_target *t);
void rcc_f0f1f3_settle(struct sim_target *t); /* start-up times passed, pending switch */
void rcc_f0f1f3_write_cr(struct sim_target *t, uint32_t val);
void rcc_f0f1f3_write_cfgr(struct sim_target *t, uint32_t val);
void rcc_f0f1f3_write_cfgr2(struct sim_target *t, uint32_t val);
/* rcc_g0_l4.c: RCC and PWR_CR1 of the G0, C0, L4, G4, WB and WL (offsets from RCC's base) */
void rcc_g0l4_reset(struct sim_target *t, uint32_t csr); /* csr: RCC_CSR's flags to keep */
void rcc_g0l4_settle(struct sim_target *t);
uint32_t rcc_g0l4_read(struct sim_target *t, uint32_t off);
void rcc_g0l4_write(struct sim_target *t, uint32_t off, uint32_t val);
enum sim_bus_result rcc_g0l4_pwr_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                        const uint32_t *wr);
/* HCLK, FLASH_ACR LATENCY or the voltage range changed: the flash is misread when too fast. */
void rcc_g0l4_check_timing(struct sim_target *t);
/* rcc_f4.c: RCC_CR, RCC_PLLCFGR, RCC_CFGR of the F4 and F7 (registers by offset / 4) */
void rcc_f4_reset(struct sim_target *t);
void rcc_f4_settle(struct sim_target *t);
uint32_t rcc_f4_read(struct sim_target *t, unsigned reg);
bool rcc_f4_write(struct sim_target *t, unsigned reg, uint32_t val); /* false: not one of them */
void rcc_f4_check_timing(struct sim_target *t); /* HCLK or FLASH_ACR LATENCY changed */

/* l5u5_flash.c: the non-secure flash registers of the L5 and U5 */
enum sim_bus_result h5_flash_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result h5_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who);
enum sim_bus_result l5u5_flash_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result l5u5_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                     enum sim_initiator who);

/* l4_flash.c: the L4-style flash registers (L4, G0) */
enum sim_bus_result l4_flash_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result l4_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who);
/* f4_flash.c: the F2/F4 flash interface registers (0x40023C00) and the bank-2 option bytes of
 * dual-bank parts as the core reads them at 0x1FFEC000 */
enum sim_bus_result f4_flash_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result f4_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who);
uint32_t f4_bank2_optbytes_read(const struct sim_target *t, uint32_t off);
/* h7_flash.c: the H7 flash interface registers (0x52002000, bank 2 at +0x100) */
enum sim_bus_result h7_flash_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result h7_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                   enum sim_initiator who);
/* l0l1_flash.c: the L0/L1 flash registers (0x40022000 on the L0, 0x40023C00 on the L1) */
enum sim_bus_result l0l1_flash_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result l0l1_flash_write(struct sim_target *t, uint32_t off, uint32_t val,
                                     enum sim_initiator who);

/* ppb.c: DBGMCU, wherever the family puts it */
enum sim_bus_result dbgmcu_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr, enum sim_initiator who);

/* f1_dma.c: DMA1 and ADC1 of the F1 */
enum sim_bus_result f1_dma_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr);
enum sim_bus_result f1_adc_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                  const uint32_t *wr);
void f1_dma_update(struct sim_target *t);

/* iwdg.c: the independent watchdog at 0x40003000 (F0, F1, F3) */
void sim_iwdg_reset(struct sim_target *t);
bool sim_iwdg_frozen(const struct sim_target *t);
void sim_iwdg_halted_for(struct sim_target *t, sim_ps dt);
/* Time the core was not given to run (a run cut for the host, sim/cortexm.c): not counted. */
void sim_iwdg_skip(struct sim_target *t, sim_ps dt);
sim_ps sim_iwdg_deadline(const struct sim_target *t);
bool sim_iwdg_expired(struct sim_target *t);
enum sim_bus_result sim_iwdg_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                    const uint32_t *wr);
#define SIM_IWDG_BASE 0x40003000u

/* wwdg.c: the window watchdog at 0x40002C00 (F0, F1, F3) */
void sim_wwdg_reset(struct sim_target *t);
bool sim_wwdg_frozen(const struct sim_target *t);
void sim_wwdg_halted_for(struct sim_target *t, sim_ps dt);
void sim_wwdg_skip(struct sim_target *t, sim_ps dt);
sim_ps sim_wwdg_deadline(const struct sim_target *t);
bool sim_wwdg_expired(struct sim_target *t);
enum sim_bus_result sim_wwdg_access(struct sim_target *t, uint32_t off, uint32_t *rd,
                                    const uint32_t *wr, enum sim_initiator who);
#define SIM_WWDG_BASE 0x40002C00u

/* dap.c: DP and AP registers as seen through the probe */
void dap_reset(struct sim_target *t);
int dap_read(struct sim_target *t, unsigned port, unsigned addr, uint32_t *val);
int dap_write(struct sim_target *t, unsigned port, unsigned addr, uint32_t val);

#endif
