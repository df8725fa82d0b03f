/*
 * Semihosting (include/stflash/semihost.h): the state kept between calls and the serving of one
 * call over the debug-access seam. The operations follow "Semihosting for AArch32 and AArch64",
 * version 2.0 (ARM). Internal.
 */
#ifndef STFLASH_ARM_SEMIHOST_H
#define STFLASH_ARM_SEMIHOST_H

#include <stdint.h>
#include <time.h>

#include "arm/dbg.h"
#include "stflash/semihost.h"

/* Operation numbers (r0), semihosting v2.0 chapter 5. */
enum semihost_op {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0A,
    SYS_FLEN = 0x0C,
    SYS_TMPNAM = 0x0D,
    SYS_REMOVE = 0x0E,
    SYS_RENAME = 0x0F,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_SYSTEM = 0x12,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18, /* angel_SWIreason_ReportException */
    SYS_EXIT_EXTENDED = 0x20,
};

/* BKPT 0xAB in Thumb state: the semihosting trap of M-profile cores (semihosting v2.0 §2.1). */
#define SEMIHOST_BKPT_INSN 0xBEABu

/* Bytes moved per probe transfer by SYS_READ and SYS_WRITE. */
#define SEMIHOST_XFER 4096u

/* Longest file name taken from the program, and a buffer that holds one with its NUL. */
#define SEMIHOST_NAME_MAX 1024u
#define SEMIHOST_NAME_BUF (SEMIHOST_NAME_MAX + 1u)

/* Files the program may hold open at once. */
#define SEMIHOST_HANDLES 16

enum semihost_kind {
    SH_FREE = 0,
    SH_FILE,     /* a host file under the directory */
    SH_TT_IN,    /* ":tt" opened for reading: the console input */
    SH_TT_OUT,   /* ":tt" for writing: the console output */
    SH_TT_ERR,   /* ":tt" for appending: the error output (v2.0 §2.1.3 STDOUT_STDERR) */
    SH_FEATURES, /* ":semihosting-features" (v2.0 §2.1.2) */
};

struct semihost_handle {
    enum semihost_kind kind;
    int fd;       /* SH_FILE */
    uint32_t pos; /* SH_FEATURES: the read position */
};

struct stflash_semihost {
    struct stflash_ctx *ctx;
    struct stflash_semihost_config cfg;
    char *dir;      /* copy of cfg.dir, for messages */
    char *cmdline;  /* copy of cfg.cmdline ("" when none) */
    char *dir_hint; /* copy of cfg.dir_hint */
    int dir_fd;     /* the directory, or -1: files refused */
    struct semihost_handle h[SEMIHOST_HANDLES];
    int last_errno;        /* what SYS_ERRNO answers: the host errno of the last failed call */
    struct timespec start; /* SYS_CLOCK counts from here */
    uint64_t warned_ops;   /* operations 0..63 already warned about as not served */
    uint8_t xfer[SEMIHOST_XFER];
};

/* Serves the call the halted core sits on (see stflash_semihost_serve). */
int semihost_serve(struct dbg *d, struct stflash_semihost *sh, struct stflash_semihost_result *res);

/* ---- files (arm/semihost_files.c) ---- */

/* SYS_OPEN of name (len bytes, not NUL-terminated) with open mode 0..11: the handle (1 and up),
 * or -1 with sh->last_errno set; refusals are logged as warnings naming the name and why. */
int32_t semihost_open(struct stflash_semihost *sh, const char *name, size_t len, uint32_t mode);
/* The handle's entry, or NULL (and last_errno EBADF) when it is not open. */
struct semihost_handle *semihost_handle(struct stflash_semihost *sh, uint32_t handle);
/* SYS_REMOVE and SYS_RENAME of names under the directory (checked as SYS_OPEN's): 0, or the
 * host errno (also in sh->last_errno). */
int32_t semihost_remove(struct stflash_semihost *sh, const char *name, size_t len);
int32_t semihost_rename(struct stflash_semihost *sh, const char *from, size_t from_len,
                        const char *to, size_t to_len);
/* SYS_CLOSE: 0, or -1. */
int32_t semihost_close(struct stflash_semihost *sh, uint32_t handle);

#endif
