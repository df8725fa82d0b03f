/*
 * stflash error codes: every fallible library function returns one of these (negative) or a
 * count >= 0. Out-parameters are written only on success. stflash_strerror() never returns NULL.
 */
#ifndef STFLASH_ERROR_H
#define STFLASH_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif
#pragma GCC visibility push(default) /* the library exports what is declared here */

enum stflash_error {
    STFLASH_OK = 0,
    STFLASH_ERR_INVALID_ARG = -1,    /* a caller's argument is out of range or malformed */
    STFLASH_ERR_NO_MEMORY = -2,      /* an allocation failed */
    STFLASH_ERR_IO = -3,             /* a file or socket operation failed (errno is kept) */
    STFLASH_ERR_FORMAT = -4,         /* input data does not follow its format (image, reply) */
    STFLASH_ERR_UNSUPPORTED = -5,    /* the probe, chip or format lacks the requested feature */
    STFLASH_ERR_NOT_FOUND = -6,      /* no probe, chip, symbol or region matches */
    STFLASH_ERR_TIMEOUT = -7,        /* a deadline passed while waiting on hardware */
    STFLASH_ERR_PROBE = -8,          /* the probe answered with an error status */
    STFLASH_ERR_TARGET = -9,         /* the target faulted or does not answer */
    STFLASH_ERR_PROTECTED = -10,     /* read or write protection forbids the operation */
    STFLASH_ERR_VERIFY = -11,        /* read-back differs from what was written */
    STFLASH_ERR_BUSY = -12,          /* the probe is in use by another client */
    STFLASH_ERR_ACCESS = -13,        /* permission denied (USB device node, file) */
    STFLASH_ERR_OVERLAP = -14,       /* two pieces of data claim the same address */
    STFLASH_ERR_RANGE = -15,         /* an address lies outside every known memory region */
    STFLASH_ERR_CANCELLED = -16,     /* stflash_cancel() stopped the operation at a safe point */
    STFLASH_ERR_CHIP_MISMATCH = -17, /* a chip or clone override does not fit the target */
};

/* Short lowercase description, e.g. "read protection active". */
const char *stflash_strerror(int err);

/* The enumerator's name, e.g. "STFLASH_ERR_PROTECTED". */
const char *stflash_error_name(int err);

#pragma GCC visibility pop
#ifdef __cplusplus
}
#endif

#endif
