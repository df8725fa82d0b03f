/*
 * Faults the virtual board injects on request, one at a time, to test what a client does when
 * the hardware misbehaves: a probe that disappears or stops answering, the target reset or
 * powered off while programming, flash errors, a cell that does not take its value. Chosen by
 * the board option fault=SPEC (the daemon's --fault SPEC, its control command "fault B SPEC",
 * the in-process selector sim:CHIP,fault=SPEC). SPEC is KIND[:ARG]:
 *
 *   disconnect:N    the probe is gone after command N: no reply to anything after it (the
 *                   daemon closes the client's connection)
 *   silence:N       command N is executed but its reply never comes
 *   wait:N          bursts of N WAIT answers (the --wait-burst model)
 *   ap-fault:ADDR   the first debugger access covering ADDR answers FAULT
 *   reset:N         a system reset when the Nth half-word is programmed (it and the rest are
 *                   lost); done at the probe's next command
 *   power:N         power lost at the Nth half-word: it is left half programmed, nothing after it
 *                   is programmed, and the chip goes through a power-on reset
 *   pgerr:ADDR      programming the half-word at ADDR sets PGERR and programs nothing
 *   wrprterr:ADDR   the same with WRPRTERR
 *   bsy:N           BSY stays set after the Nth half-word, until a reset
 *   flip:ADDR       the first half-word programmed at or after ADDR with a 0 bit keeps that bit at
 *                   1 (a cell that does not take the value), without an error flag
 *   none            no fault
 * For the counted kinds, N may be "random/SEED": a number from 1 to 400 drawn from SEED.
 * Counts start when the fault is armed (board start, control command). USB stalls and short
 * reads are injected by the stand-in libusb (sim/libusb/usb_faults.c).
 */
#ifndef STFLASH_SIM_FAULTS_H
#define STFLASH_SIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sim_fault_kind {
    SIM_FAULT_NONE,
    SIM_FAULT_DISCONNECT,
    SIM_FAULT_SILENCE,
    SIM_FAULT_WAIT,
    SIM_FAULT_AP_FAULT,
    SIM_FAULT_RESET,
    SIM_FAULT_POWER,
    SIM_FAULT_PGERR,
    SIM_FAULT_WRPRTERR,
    SIM_FAULT_BSY,
    SIM_FAULT_FLIP,
};

struct sim_fault_plan {
    enum sim_fault_kind kind;
    uint32_t arg; /* command or half-word count, address, or burst length */
};

/* What the target must go through before the probe's next command. */
enum sim_fault_reset { SIM_FAULT_RESET_NO, SIM_FAULT_RESET_SYSTEM, SIM_FAULT_RESET_POWER };

struct sim_faults {
    struct sim_fault_plan plan;
    uint64_t commands;     /* probe commands since the fault was armed */
    uint64_t halfwords;    /* half-words programmed since then */
    bool fired;            /* the fault happened */
    bool gone;             /* disconnect: the probe answers nothing any more */
    bool reply_dropped;    /* silence: the last command's reply never comes */
    bool programming_lost; /* reset/power: writes are lost until the reset is done */
    enum sim_fault_reset reset_due;
    bool bsy_stuck;
};

/* Parses SPEC; -1 with a hint naming the valid forms when it is not one. */
int sim_fault_parse(const char *spec, struct sim_fault_plan *out, char *hint, size_t hint_len);

/* Arms a fault, forgetting the counts and what an earlier one did. */
void sim_faults_arm(struct sim_faults *f, const struct sim_fault_plan *plan);

/* "power:120 fired" and the like, for status reports. */
void sim_faults_describe(const struct sim_faults *f, char *out, size_t cap);

/* ---- hooks of the probe model (sim/probe.c) ---- */

/* Called for every firmware command before it runs: false when the probe is gone (the command
 * is not executed and answers nothing). Sets reply_dropped for the command whose reply is lost. */
bool sim_faults_command(struct sim_faults *f);

/* The reset the target must go through now (then forgotten). */
enum sim_fault_reset sim_faults_take_reset(struct sim_faults *f);

/* True (once) when a debugger access to [addr, addr + len) must answer FAULT. */
bool sim_faults_ap_fault(struct sim_faults *f, uint32_t addr, uint32_t len);

/* ---- hooks of the flash controller (sim/f1_flash.c) ---- */

enum sim_fault_program {
    SIM_FAULT_PROGRAM_OK,       /* program *hw (possibly changed: a flipped or half-set cell) */
    SIM_FAULT_PROGRAM_LOST,     /* nothing happens: the chip is being reset or lost power */
    SIM_FAULT_PROGRAM_PGERR,    /* set PGERR, program nothing */
    SIM_FAULT_PROGRAM_WRPRTERR, /* set WRPRTERR, program nothing */
};

/* Called for each half-word about to be programmed at `addr` with *hw. */
enum sim_fault_program sim_faults_program(struct sim_faults *f, uint32_t addr, uint16_t *hw);

/* The controller was reset: a stuck BSY clears. */
void sim_faults_fpec_reset(struct sim_faults *f);

#endif
