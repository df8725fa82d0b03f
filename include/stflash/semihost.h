/*
 * Semihosting: the program on the target asks the host for console and file I/O by executing
 * BKPT 0xAB with the operation number in r0 and a parameter (usually the address of a parameter
 * block) in r1 ("Semihosting for AArch32 and AArch64", version 2.0, ARM: the operation numbers,
 * the ":tt" console file, the open modes and return values). With halting debug enabled the
 * BKPT halts the core (ARMv7-M ARM C1.6, DFSR.BKPT); the host serves the call, writes the result
 * in r0, moves the PC past the BKPT and lets the core run on.
 *
 * Files are confined to a directory the caller names: names are relative to it, absolute names,
 * ".." components and symbolic links are refused, so that nothing outside it is reachable
 * (SYS_OPEN, SYS_REMOVE and SYS_RENAME alike). Without a directory every file is refused (the
 * console still works). SYS_SYSTEM is never run.
 */
#ifndef STFLASH_SEMIHOST_H
#define STFLASH_SEMIHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

/* The reason codes of SYS_EXIT that matter here (angel_SWIreason_ReportException). */
#define STFLASH_SEMIHOST_ADP_APPLICATION_EXIT 0x20026u /* ADP_Stopped_ApplicationExit */
#define STFLASH_SEMIHOST_ADP_RUNTIME_ERROR 0x20023u    /* ADP_Stopped_RunTimeErrorUnknown */

struct stflash_semihost_config {
    /* Directory the program's files live in; NULL: every SYS_OPEN of a file is refused. */
    const char *dir;
    /* What SYS_GET_CMDLINE answers; NULL: the empty string. */
    const char *cmdline;
    /* Added to the warning logged when a file is refused for want of a directory: how the user
     * gives one (e.g. "give --semihosting-dir DIR"). May be NULL. */
    const char *dir_hint;
    /* Console output: stream 1 is the program's stdout, 2 its stderr. */
    void (*console_write)(void *user, int stream, const char *data, size_t len);
    /* Console input (SYS_READ of ":tt", SYS_READC): the bytes read, 0 at the end of the input,
     * -1 on an error. NULL: the program reads the end of the input at once. */
    long (*console_read)(void *user, char *buf, size_t len);
    void *user;
};

struct stflash_semihost;

/* Errors: STFLASH_ERR_INVALID_ARG (no console_write), STFLASH_ERR_NOT_FOUND (dir is not a
 * directory that can be opened: the message names it), STFLASH_ERR_NO_MEMORY. */
int stflash_semihost_new(struct stflash_ctx *ctx, const struct stflash_semihost_config *cfg,
                         struct stflash_semihost **out);
/* Closes the files the program left open. */
void stflash_semihost_free(struct stflash_semihost *sh);

enum stflash_semihost_outcome {
    STFLASH_SEMIHOST_NOT_A_CALL = 0, /* the halt is not a semihosting call: nothing was done */
    STFLASH_SEMIHOST_SERVED = 1,     /* served: r0 holds the result, the PC is past the BKPT;
                                        the caller lets the core run (stflash_run) */
    STFLASH_SEMIHOST_EXITED = 2,     /* SYS_EXIT or SYS_EXIT_EXTENDED: the program ended; the
                                        core stays halted on the BKPT */
};

struct stflash_semihost_result {
    enum stflash_semihost_outcome outcome;
    uint32_t op;          /* the operation number (r0) */
    uint32_t exit_reason; /* EXITED: the ADP_Stopped_* reason */
    uint32_t exit_code;   /* EXITED: SYS_EXIT_EXTENDED's subcode (0 for SYS_EXIT) */
    /* EXITED: the status a process would end with: 0 for ADP_Stopped_ApplicationExit with
     * code 0, the code for it with another code (1 when the low 8 bits are 0), 1 for any other
     * reason. */
    int exit_status;
};

/*
 * Looks at a halted core: when it halted on BKPT 0xAB (DFSR.BKPT set and that instruction at
 * the PC), serves the call and clears DFSR.BKPT. Does not let the core run. Console output goes
 * to console_write before this returns. Errors: probe and target errors (reading the registers
 * or the parameter block failed: the message names the address).
 */
int stflash_semihost_serve(struct stflash_dev *dev, struct stflash_semihost *sh,
                           struct stflash_semihost_result *res);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
