/*
 * semihost.h - semihosting calls from the test programs: BKPT 0xAB with the operation in r0 and
 * the parameter in r1, the result back in r0 ("Semihosting for AArch32 and AArch64" v2.0).
 */
#ifndef STFLASH_FW_SEMIHOST_H
#define STFLASH_FW_SEMIHOST_H

#include <stdint.h>

#define SH_SYS_OPEN 0x01
#define SH_SYS_CLOSE 0x02
#define SH_SYS_WRITEC 0x03
#define SH_SYS_WRITE0 0x04
#define SH_SYS_WRITE 0x05
#define SH_SYS_READ 0x06
#define SH_SYS_ISTTY 0x09
#define SH_SYS_SEEK 0x0A
#define SH_SYS_FLEN 0x0C
#define SH_SYS_CLOCK 0x10
#define SH_SYS_ERRNO 0x13
#define SH_SYS_GET_CMDLINE 0x15
#define SH_SYS_EXIT 0x18
#define SH_SYS_EXIT_EXTENDED 0x20
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* Open modes (SYS_OPEN): "r" is 0, "w" 4, "a" 8. */
#define SH_MODE_R 0u
#define SH_MODE_W 4u

static inline int32_t sh_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt #0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

static inline uint32_t sh_strlen(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

static inline void sh_puts(const char *s)
{
    sh_call(SH_SYS_WRITE0, s);
}

static inline int32_t sh_open(const char *name, uint32_t mode)
{
    uint32_t block[3] = {(uint32_t)name, mode, sh_strlen(name)};
    return sh_call(SH_SYS_OPEN, block);
}

/* The bytes NOT written. */
static inline int32_t sh_write(int32_t handle, const void *buf, uint32_t len)
{
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)buf, len};
    return sh_call(SH_SYS_WRITE, block);
}

/* The bytes NOT read. */
static inline int32_t sh_read(int32_t handle, void *buf, uint32_t len)
{
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)buf, len};
    return sh_call(SH_SYS_READ, block);
}

static inline int32_t sh_one(uint32_t op, int32_t handle)
{
    uint32_t block[1] = {(uint32_t)handle};
    return sh_call(op, block);
}

/* SYS_EXIT_EXTENDED: ends the program with a status code. */
__attribute__((noreturn)) static inline void sh_exit(uint32_t code)
{
    uint32_t block[2] = {SH_ADP_STOPPED_APPLICATION_EXIT, code};
    for (;;)
        sh_call(SH_SYS_EXIT_EXTENDED, block);
}

#endif
