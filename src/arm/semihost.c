/*
 * Serving one semihosting call of a halted Cortex-M: the core halted on BKPT 0xAB (DFSR.BKPT,
 * ARMv7-M ARM C1.6.1), r0 holds the operation, r1 its parameter. The result goes back in r0
 * and the PC moves past the 2-byte BKPT; the caller lets the core run. Operation numbers,
 * parameter blocks and results: "Semihosting for AArch32 and AArch64" v2.0, chapter 6.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arm/cortexm.h"
#include "arm/semihost.h"
#include "core/ctx.h"
#include "core/le.h"

#define DFSR_BKPT (1u << 1)

/* Bytes moved per probe transfer by SYS_READ and SYS_WRITE. */
#define CHUNK SEMIHOST_XFER

/* Longest string SYS_WRITE0 prints (a program passing a pointer to garbage ends somewhere). */
#define WRITE0_MAX 65536u

/* Result of a failed call in r0. */
#define FAIL 0xFFFFFFFFu

struct call {
    struct dbg *d;
    struct stflash_semihost *sh;
    uint32_t r1;
    uint32_t args[4]; /* the parameter block words */
};

static int read_args(struct call *c, unsigned n)
{
    uint8_t b[16];
    int rc = dbg_read(c->d, c->r1, b, 4u * n);
    if (rc)
        return ctx_fail(c->d->ctx, rc, "semihosting: cannot read the parameter block at 0x%08x: %s",
                        c->r1, stflash_last_error(c->d->ctx));
    for (unsigned i = 0; i < n; i++)
        c->args[i] = le32_get(b + 4 * i);
    return 0;
}

static void console_out(struct stflash_semihost *sh, int stream, const char *data, size_t len)
{
    if (len)
        sh->cfg.console_write(sh->cfg.user, stream, data, len);
}

static long console_in(struct stflash_semihost *sh, char *buf, size_t len)
{
    if (!sh->cfg.console_read)
        return 0;
    return sh->cfg.console_read(sh->cfg.user, buf, len);
}

/* SYS_WRITE0: the NUL-terminated string at addr, read in pieces that never cross a 64-byte
 * boundary (so never past the end of a memory region). */
static int write0(struct call *c, uint32_t addr)
{
    char buf[64];
    uint32_t done = 0;
    while (done < WRITE0_MAX) {
        uint32_t n = 64u - (addr & 63u);
        int rc = dbg_read(c->d, addr, (uint8_t *)buf, n);
        if (rc)
            return ctx_fail(c->d->ctx, rc, "semihosting: SYS_WRITE0 cannot read 0x%08x: %s", addr,
                            stflash_last_error(c->d->ctx));
        size_t len = strnlen(buf, n);
        console_out(c->sh, 1, buf, len);
        if (len < n)
            return 0;
        addr += n;
        done += n;
    }
    return 0;
}

/* SYS_WRITE [handle, buffer, length]: r0 = the bytes NOT written. */
static int sys_write(struct call *c, uint32_t *r0)
{
    int rc = read_args(c, 3);
    if (rc)
        return rc;
    uint32_t addr = c->args[1], len = c->args[2], done = 0;
    struct semihost_handle *h = semihost_handle(c->sh, c->args[0]);
    if (!h || h->kind == SH_TT_IN || h->kind == SH_FEATURES) {
        if (h)
            c->sh->last_errno = EBADF;
        *r0 = len;
        return 0;
    }
    uint8_t *buf = c->sh->xfer;
    while (done < len) {
        uint32_t n = len - done < CHUNK ? len - done : CHUNK;
        rc = dbg_read(c->d, addr + done, buf, n);
        if (rc)
            return ctx_fail(c->d->ctx, rc, "semihosting: SYS_WRITE cannot read 0x%08x: %s",
                            addr + done, stflash_last_error(c->d->ctx));
        if (h->kind == SH_FILE) {
            ssize_t w = write(h->fd, buf, n);
            if (w < 0) {
                c->sh->last_errno = errno;
                break;
            }
            done += (uint32_t)w;
            if ((uint32_t)w < n)
                break;
        } else {
            console_out(c->sh, h->kind == SH_TT_ERR ? 2 : 1, (const char *)buf, n);
            done += n;
        }
    }
    *r0 = len - done;
    return 0;
}

/* SYS_READ [handle, buffer, length]: r0 = the bytes NOT read (length at the end of the file). */
static int sys_read(struct call *c, uint32_t *r0)
{
    int rc = read_args(c, 3);
    if (rc)
        return rc;
    uint32_t addr = c->args[1], len = c->args[2], done = 0;
    struct semihost_handle *h = semihost_handle(c->sh, c->args[0]);
    if (!h || h->kind == SH_TT_OUT || h->kind == SH_TT_ERR) {
        if (h)
            c->sh->last_errno = EBADF;
        *r0 = len;
        return 0;
    }
    static const uint8_t features[5] = {'S', 'H', 'F', 'B',
                                        0x03u}; /* EXIT_EXTENDED, STDOUT_STDERR (v2.0 §2.1.2) */
    uint8_t *buf = c->sh->xfer;
    while (done < len) {
        uint32_t want = len - done < CHUNK ? len - done : CHUNK;
        long got;
        if (h->kind == SH_FEATURES) {
            uint32_t left = h->pos < sizeof features ? (uint32_t)sizeof features - h->pos : 0;
            got = want < left ? want : left;
            memcpy(buf, features + h->pos, (size_t)got);
            h->pos += (uint32_t)got;
        } else if (h->kind == SH_TT_IN) {
            got = console_in(c->sh, (char *)buf, want);
        } else {
            got = (long)read(h->fd, buf, want);
        }
        if (got < 0) {
            c->sh->last_errno = errno ? errno : EIO;
            break;
        }
        if (got > 0) {
            rc = dbg_write(c->d, addr + done, buf, (size_t)got);
            if (rc)
                return ctx_fail(c->d->ctx, rc, "semihosting: SYS_READ cannot write 0x%08x: %s",
                                addr + done, stflash_last_error(c->d->ctx));
            done += (uint32_t)got;
        }
        /* The console answers what it has: one line at a time, like a terminal. */
        if (got == 0 || h->kind == SH_TT_IN)
            break;
    }
    *r0 = len - done;
    return 0;
}

static int sys_seek(struct call *c, uint32_t *r0)
{
    int rc = read_args(c, 2);
    if (rc)
        return rc;
    struct semihost_handle *h = semihost_handle(c->sh, c->args[0]);
    *r0 = FAIL;
    if (!h)
        return 0;
    if (h->kind == SH_FEATURES) {
        h->pos = c->args[1];
        *r0 = 0;
    } else if (h->kind != SH_FILE) {
        c->sh->last_errno = ESPIPE;
    } else if (lseek(h->fd, (off_t)c->args[1], SEEK_SET) < 0) {
        c->sh->last_errno = errno;
    } else {
        *r0 = 0;
    }
    return 0;
}

static int sys_flen(struct call *c, uint32_t *r0)
{
    int rc = read_args(c, 1);
    if (rc)
        return rc;
    struct semihost_handle *h = semihost_handle(c->sh, c->args[0]);
    struct stat st;
    *r0 = FAIL;
    if (!h)
        return 0;
    if (h->kind == SH_FEATURES)
        *r0 = 5;
    else if (h->kind != SH_FILE)
        c->sh->last_errno = EBADF;
    else if (fstat(h->fd, &st) != 0)
        c->sh->last_errno = errno;
    else if (st.st_size > 0x7FFFFFFF)
        c->sh->last_errno = EOVERFLOW;
    else
        *r0 = (uint32_t)st.st_size;
    return 0;
}

/* A name of len bytes at addr into buf (SEMIHOST_NAME_BUF bytes; longer names are left for
 * semihost_files.c to refuse, read no further). */
static int read_name(struct call *c, uint32_t addr, uint32_t len, char *buf, const char *op)
{
    int rc = 0;
    if (len && len < SEMIHOST_NAME_BUF && (rc = dbg_read(c->d, addr, (uint8_t *)buf, len)))
        return ctx_fail(c->d->ctx, rc, "semihosting: %s cannot read the name at 0x%08x: %s", op,
                        addr, stflash_last_error(c->d->ctx));
    return 0;
}

static int sys_open(struct call *c, uint32_t *r0)
{
    int rc = read_args(c, 3);
    if (rc)
        return rc;
    char name[SEMIHOST_NAME_BUF];
    if ((rc = read_name(c, c->args[0], c->args[2], name, "SYS_OPEN")))
        return rc;
    *r0 = (uint32_t)semihost_open(c->sh, name, c->args[2], c->args[1]);
    return 0;
}

/* SYS_REMOVE [name, length]: 0, or the host's error number. */
static int sys_remove(struct call *c, uint32_t *r0)
{
    char name[SEMIHOST_NAME_BUF];
    int rc = read_args(c, 2);
    if (rc == 0)
        rc = read_name(c, c->args[0], c->args[1], name, "SYS_REMOVE");
    if (rc == 0)
        *r0 = (uint32_t)semihost_remove(c->sh, name, c->args[1]);
    return rc;
}

/* SYS_RENAME [old name, length, new name, length]: 0, or the host's error number. */
static int sys_rename(struct call *c, uint32_t *r0)
{
    char from[SEMIHOST_NAME_BUF], to[SEMIHOST_NAME_BUF];
    int rc = read_args(c, 4);
    if (rc == 0)
        rc = read_name(c, c->args[0], c->args[1], from, "SYS_RENAME");
    if (rc == 0)
        rc = read_name(c, c->args[2], c->args[3], to, "SYS_RENAME");
    if (rc == 0)
        *r0 = (uint32_t)semihost_rename(c->sh, from, c->args[1], to, c->args[3]);
    return rc;
}

/* SYS_GET_CMDLINE [buffer, length]: the command line, NUL-terminated; length set to its
 * length without the NUL. */
static int sys_get_cmdline(struct call *c, uint32_t *r0)
{
    int rc = read_args(c, 2);
    if (rc)
        return rc;
    size_t n = strlen(c->sh->cmdline);
    *r0 = FAIL;
    if (n + 1 > c->args[1])
        return 0;
    if ((rc = dbg_write(c->d, c->args[0], (const uint8_t *)c->sh->cmdline, n + 1)) ||
        (rc = dbg_write32(c->d, c->r1 + 4, (uint32_t)n)))
        return ctx_fail(c->d->ctx, rc, "semihosting: SYS_GET_CMDLINE cannot write: %s",
                        stflash_last_error(c->d->ctx));
    *r0 = 0;
    return 0;
}

/* SYS_HEAPINFO: r1 points to the address of four words (heap base and limit, stack base and
 * limit). Zeros: the C library uses the limits of its own link. */
static int sys_heapinfo(struct call *c)
{
    uint32_t block;
    int rc = dbg_read32(c->d, c->r1, &block);
    static const uint8_t zeros[16];
    if (rc == 0)
        rc = dbg_write(c->d, block, zeros, sizeof zeros);
    if (rc)
        return ctx_fail(c->d->ctx, rc, "semihosting: SYS_HEAPINFO cannot reach its block: %s",
                        stflash_last_error(c->d->ctx));
    return 0;
}

static void exited(struct stflash_semihost_result *res, uint32_t reason, uint32_t code)
{
    res->outcome = STFLASH_SEMIHOST_EXITED;
    res->exit_reason = reason;
    res->exit_code = code;
    if (reason != STFLASH_SEMIHOST_ADP_APPLICATION_EXIT)
        res->exit_status = 1;
    else if (code == 0)
        res->exit_status = 0;
    else
        res->exit_status = (code & 0xFFu) ? (int)(code & 0xFFu) : 1;
}

static int not_served(struct call *c, uint32_t op, uint32_t *r0, const char *why)
{
    if (op >= 64 || !(c->sh->warned_ops & (1ull << op))) {
        if (op < 64)
            c->sh->warned_ops |= 1ull << op;
        ctx_log(c->d->ctx, STFLASH_LOG_WARN,
                "semihosting: operation 0x%02x %s: the program gets -1", (unsigned)op, why);
    }
    c->sh->last_errno = ENOSYS;
    *r0 = FAIL;
    return 0;
}

/* Performs operation op; *set_r0 false for the operations that return nothing. */
static int perform(struct call *c, uint32_t op, uint32_t *r0, bool *set_r0,
                   struct stflash_semihost_result *res)
{
    struct stflash_semihost *sh = c->sh;
    int rc;
    *set_r0 = true;
    switch (op) {
    case SYS_OPEN:
        return sys_open(c, r0);
    case SYS_CLOSE:
        if ((rc = read_args(c, 1)))
            return rc;
        *r0 = (uint32_t)semihost_close(sh, c->args[0]);
        return 0;
    case SYS_WRITEC: {
        uint8_t ch;
        *set_r0 = false;
        if ((rc = dbg_read(c->d, c->r1, &ch, 1)))
            return ctx_fail(c->d->ctx, rc, "semihosting: SYS_WRITEC cannot read 0x%08x: %s", c->r1,
                            stflash_last_error(c->d->ctx));
        console_out(sh, 1, (const char *)&ch, 1);
        return 0;
    }
    case SYS_WRITE0:
        *set_r0 = false;
        return write0(c, c->r1);
    case SYS_WRITE:
        return sys_write(c, r0);
    case SYS_READ:
        return sys_read(c, r0);
    case SYS_READC: {
        char ch;
        *r0 = console_in(sh, &ch, 1) == 1 ? (uint8_t)ch : FAIL;
        return 0;
    }
    case SYS_ISERROR:
        if ((rc = read_args(c, 1)))
            return rc;
        *r0 = (c->args[0] & 0x80000000u) ? 1u : 0u;
        return 0;
    case SYS_ISTTY: {
        if ((rc = read_args(c, 1)))
            return rc;
        struct semihost_handle *h = semihost_handle(sh, c->args[0]);
        bool tty = h && (h->kind == SH_TT_IN || h->kind == SH_TT_OUT || h->kind == SH_TT_ERR);
        *r0 = !h ? FAIL : tty ? 1u : 0u;
        return 0;
    }
    case SYS_SEEK:
        return sys_seek(c, r0);
    case SYS_FLEN:
        return sys_flen(c, r0);
    case SYS_CLOCK: {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t cs = (int64_t)(now.tv_sec - sh->start.tv_sec) * 100 +
                     (now.tv_nsec - sh->start.tv_nsec) / 10000000;
        *r0 = (uint32_t)(cs & 0x7FFFFFFF);
        return 0;
    }
    case SYS_TIME:
        *r0 = (uint32_t)time(NULL);
        return 0;
    case SYS_ERRNO:
        *r0 = (uint32_t)sh->last_errno;
        return 0;
    case SYS_GET_CMDLINE:
        return sys_get_cmdline(c, r0);
    case SYS_HEAPINFO:
        *set_r0 = false;
        return sys_heapinfo(c);
    case SYS_EXIT:
        /* AArch32: r1 holds the reason itself (v2.0 §6.26). */
        exited(res, c->r1, 0);
        return 0;
    case SYS_EXIT_EXTENDED:
        if ((rc = read_args(c, 2)))
            return rc;
        exited(res, c->args[0], c->args[1]);
        return 0;
    case SYS_SYSTEM:
        return not_served(c, op, r0, "(SYS_SYSTEM, a host shell command) is never run");
    case SYS_REMOVE:
        return sys_remove(c, r0);
    case SYS_RENAME:
        return sys_rename(c, r0);
    case SYS_TMPNAM:
        return not_served(c, op, r0, "(SYS_TMPNAM, naming temporary files) is not served");
    default:
        return not_served(c, op, r0, "is unknown");
    }
}

int semihost_serve(struct dbg *d, struct stflash_semihost *sh, struct stflash_semihost_result *res)
{
    memset(res, 0, sizeof *res);
    uint32_t dfsr = 0, pc = 0, r0 = 0, r1 = 0;
    uint16_t insn = 0;
    int rc = dbg_read32(d, CM_DFSR, &dfsr);
    if (rc || !(dfsr & DFSR_BKPT))
        return rc;
    if ((rc = d->ops->read_reg(d, CM_REG_PC, &pc)))
        return rc;
    /* An unreadable PC (a core run off into nowhere) is no semihosting call either. */
    if (dbg_read16(d, pc & ~1u, &insn) != 0 || insn != SEMIHOST_BKPT_INSN)
        return 0;
    if ((rc = d->ops->read_reg(d, 0, &r0)) || (rc = d->ops->read_reg(d, 1, &r1)))
        return rc;
    /* DFSR is write-one-to-clear (C1.6.1): the next halt's reason starts clean. */
    if ((rc = dbg_write32(d, CM_DFSR, DFSR_BKPT)))
        return rc;
    struct call c = {.d = d, .sh = sh, .r1 = r1};
    uint32_t result = 0;
    bool set_r0 = true;
    res->op = r0;
    if ((rc = perform(&c, r0, &result, &set_r0, res)))
        return rc;
    if (res->outcome == STFLASH_SEMIHOST_EXITED)
        return 0; /* the core stays on the BKPT: there is nothing to go back to */
    if (set_r0 && (rc = d->ops->write_reg(d, 0, result)))
        return rc;
    if ((rc = d->ops->write_reg(d, CM_REG_PC, (pc & ~1u) + 2u)))
        return rc;
    res->outcome = STFLASH_SEMIHOST_SERVED;
    return 0;
}
