/*
 * The simulated STM32 target: a Cortex-M3 (Unicorn) with the system control space, debug
 * components, the F1 flash controller and the few peripherals firmware and debuggers touch.
 * Internal to the simulator; every module of the target shares this one state structure.
 */
#ifndef STFLASH_SIM_TARGET_H
#define STFLASH_SIM_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unicorn/unicorn.h>

#include "vclock.h"

/* A simulated part: identification and geometry. */
struct sim_chip {
    const char *name;  /* command-line name, e.g. "stm32f103c8" */
    const char *descr; /* e.g. "STM32F103C8 (Blue Pill)" */
    uint16_t dev_id;   /* DBGMCU_IDCODE[11:0] */
    uint32_t idcode;   /* the whole DBGMCU_IDCODE: REV_ID, reserved bits as silicon reads them,
                          DEV_ID */
    uint32_t flash_kib;
    uint32_t sram_kib;
    uint32_t page_size;
    uint32_t dp_idcode; /* SW-DP DPIDR */
    uint32_t cpuid;     /* SCB CPUID */
    uint32_t ap_idr;    /* AHB-AP IDR */
    uint64_t rom_pidr;  /* CoreSight ROM table peripheral ID (PIDR4..0) */
    /* How a clone differs from the ST part it replaces (0 on ST parts): enum sim_chip_quirk,
     * and its flash timings (0: the F1's, SIM_F1_TPROG_PS and SIM_F1_ERASE_PS). */
    uint32_t quirks;
    sim_ps tprog_ps; /* one program operation (a half-word, or a word with WORD_PROGRAM) */
    sim_ps erase_ps; /* page, mass and option-byte erase */
};

/* Behaviours of the clones of the F103 (stm32-chip-table.md Table 5, stm32-targets.md "Clones
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

const struct sim_chip *sim_chip_find(const char *name);
const struct sim_chip *sim_chip_at(size_t i); /* NULL past the end */

/* How the board is wired and in which state it starts. */
struct sim_target_config {
    const struct sim_chip *chip;
    uint32_t flash_kib;      /* physical flash; 0 = the chip's */
    uint32_t flash_size_reg; /* value of the flash-size register; UINT32_MAX = the chip's
                                own (the physical size, 0 on SIM_CHIP_FSZ_READS_ZERO clones) */
    int rdp_level;           /* 0 or 1 at power-up */
    bool nrst_wired;         /* the probe's NRST line reaches the chip */
    bool boot0;              /* BOOT0 high: boot from system memory */
    uint32_t voltage_mv;     /* target supply; 0 = unpowered */
};

/* Access outcome on the bus. */
enum sim_bus_result {
    SIM_BUS_OK = 0,
    SIM_BUS_FAULT,  /* the access is answered with an AHB error */
    SIM_BUS_STALL,  /* the slave stalls (caller decides how to wait) */
};

/* Who is on the bus: some rules differ for the core and the debugger. */
enum sim_initiator {
    SIM_BY_CPU,
    SIM_BY_DEBUG,
};

/* Why the core stopped running inside Unicorn. */
enum sim_stop {
    SIM_STOP_NONE,
    SIM_STOP_DEADLINE,
    SIM_STOP_BREAKPOINT,
    SIM_STOP_STEP,
    SIM_STOP_EXCEPTION,
    SIM_STOP_BUS_FAULT,
};

/* F1 flash program/erase controller (RM0008 §3.3, PM0075 §3). */
struct f1_fpec {
    uint32_t acr;
    uint32_t sr;
    uint32_t cr;
    uint32_t ar;
    uint32_t obr;       /* option bytes loaded at the last reset */
    uint32_t wrpr;
    int key_stage;      /* 0: nothing, 1: KEY1 written */
    int optkey_stage;
    int modekey_stage;  /* CH32 FLASH_MODEKEYR: 1 after KEY1 */
    bool key_locked_up; /* wrong key sequence: locked until reset */
    sim_ps busy_until;
    bool eop_pending;   /* EOP to set when BSY clears */
};

/* F1 peripherals a firmware or debugger touches. */
struct f1_periph {
    uint32_t rcc[10];       /* RCC_CR .. RCC_CSR */
    uint32_t gpio[5][7];    /* GPIOA..E: CRL, CRH, IDR, ODR, BSRR, BRR, LCKR */
    uint32_t afio[8];
    uint32_t dbgmcu_cr;
    uint64_t pc13_toggles;  /* Blue Pill LED changes seen */
    sim_ps pc13_last_toggle;
};

/* Cortex-M3 system control space and debug state (ARMv7-M ARM B3, C1). */
struct cortexm {
    bool halted;
    bool sleeping;       /* WFI/WFE */
    bool lockup;
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
    uint8_t shpr[12];        /* system handler priorities 4..15 */
    uint32_t shcsr;
    uint32_t nvic_enabled[3];
    uint8_t nvic_prio[96];
    uint32_t pending[3];     /* exception numbers 0..95 */
    uint32_t active[3];
    /* SysTick (B3.3): the counter is derived from the time of its next wrap. */
    uint32_t syst_csr, syst_rvr;
    sim_ps syst_next_wrap;
    uint32_t syst_cvr_frozen; /* value while disabled */
    /* FPB and DWT (C1.11, C1.8). */
    uint32_t fp_ctrl, fp_remap, fp_comp[8];
    uint32_t bp_addr[16];
    unsigned bp_count;
    uint32_t dwt_ctrl, dwt_comp[4], dwt_mask[4], dwt_function[4];
    uint32_t dwt_cyccnt_base; /* CYCCNT = base + cycles since base time when enabled */
    sim_ps dwt_cyccnt_time;
    uint32_t itm_tcr, itm_ter, itm_tpr;
    /* run control bookkeeping */
    uint64_t step_budget;     /* instructions left in a single step, 0 = not stepping */
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
    struct sim_mmio_window windows[4]; /* bit-band SRAM, peripherals, bit-band peripherals, PPB */

    uint8_t *flash;
    uint32_t flash_size;
    uint8_t *sram;
    uint32_t sram_size;
    uint8_t sysmem[4096];   /* the 4 KiB page at 0x1FFFF000: boot ROM, factory data, option bytes */
    uint16_t optbytes[8];   /* option bytes at 0x1FFFF800: value | complement << 8 */
    uint8_t uid[12];

    sim_ps now;             /* board time */
    sim_ps cycle_ps;        /* one core clock cycle */
    sim_ps run_deadline;
    enum sim_stop stop;
    uint32_t bus_fault_addr;
    struct {
        bool pending;
        uint32_t addr;
        unsigned size;
        uint8_t bytes[4];
    } rom_fixup; /* what flash must hold after a core store the controller handled */
    int reset_request;      /* 1: core reset (VECTRESET), 2: system reset, pending */
    int last_intno;         /* CPU exception Unicorn reported in the last run, or -1 */
    uint32_t dirty_lo, dirty_hi; /* flash the core changed during a run: cached code to drop */

    bool swd_disabled;      /* AFIO SWJ_CFG = 100 while running */

    struct cortexm core;
    struct f1_fpec fpec;
    struct f1_periph per;
    struct sim_dap dap;

    struct sim_stats *stats; /* the current client session's, or NULL */
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
enum sim_bus_result sim_bus_read(struct sim_target *t, uint32_t addr, unsigned size,
                                 uint32_t *val, enum sim_initiator who);
enum sim_bus_result sim_bus_write(struct sim_target *t, uint32_t addr, unsigned size,
                                  uint32_t val, enum sim_initiator who);
void sim_target_do_reset_request(struct sim_target *t);
void sim_target_apply_rom_fixup(struct sim_target *t);
void sim_target_optbytes_changed(struct sim_target *t);
void sim_target_code_changed(struct sim_target *t, uint32_t addr, uint32_t len);
void sim_target_drop_all_code(struct sim_target *t);
void sim_target_charge(struct sim_target *t, enum sim_cost kind, sim_ps dt);

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
void cortexm_timers_update(struct sim_target *t);

/* scs.c: the private peripheral bus 0xE0000000-0xE00FFFFF */
enum sim_bus_result scs_read(struct sim_target *t, uint32_t addr, uint32_t *val,
                             enum sim_initiator who);
enum sim_bus_result scs_write(struct sim_target *t, uint32_t addr, uint32_t val,
                              enum sim_initiator who);

/* f1_flash.c: FPEC registers, flash array writes, option bytes */
void f1_fpec_reset(struct sim_target *t);
enum sim_bus_result f1_fpec_read(struct sim_target *t, uint32_t off, uint32_t *val);
enum sim_bus_result f1_fpec_write(struct sim_target *t, uint32_t off, uint32_t val,
                                  enum sim_initiator who);
enum sim_bus_result f1_flash_write(struct sim_target *t, uint32_t addr, unsigned size,
                                   uint32_t val, enum sim_initiator who);
enum sim_bus_result f1_optbytes_write(struct sim_target *t, uint32_t addr, unsigned size,
                                      uint32_t val, enum sim_initiator who);
bool f1_read_protected(const struct sim_target *t);
void f1_fpec_update(struct sim_target *t);

/* f1_periph.c: RCC, GPIO, AFIO, DBGMCU */
void f1_periph_reset(struct sim_target *t);
enum sim_bus_result f1_periph_read(struct sim_target *t, uint32_t addr, uint32_t *val);
enum sim_bus_result f1_periph_write(struct sim_target *t, uint32_t addr, unsigned size,
                                    uint32_t val, enum sim_initiator who);
uint32_t f1_core_clock_hz(const struct sim_target *t);

/* dap.c: DP and AP registers as seen through the probe */
void dap_reset(struct sim_target *t);
int dap_read(struct sim_target *t, unsigned port, unsigned addr, uint32_t *val);
int dap_write(struct sim_target *t, unsigned port, unsigned addr, uint32_t val);

#endif
