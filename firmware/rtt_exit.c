/*
 * rtt_exit.c - a firmware test that logs through RTT and then exits through semihosting, for
 * `stflash run --rtt` (tests/cli/run_semihost.sh). Its command line (SYS_GET_CMDLINE) is
 * "rtt_exit.elf LINES STATUS": LINES lines "rtt: line NN" on up channel 0 (40 are more than its
 * 256-byte buffer holds, so the host must read while it runs; a few fit, so the firmware may be
 * gone before the host has even found the block), then the exit: status 0 through SYS_EXIT
 * (ADP_Stopped_ApplicationExit), any other through SYS_EXIT_EXTENDED with that code
 * (firmware/common/semihost.h).
 */
#include <stdint.h>

#include "common/board.h"
#include "common/rtt.h"
#include "common/semihost.h"

/* The command line's numbers after the program's name, into v (0 where missing). */
static void arguments(uint32_t *v, unsigned n)
{
    static char cmdline[80];
    uint32_t block[2] = {(uint32_t)cmdline, sizeof cmdline};
    for (unsigned i = 0; i < n; i++)
        v[i] = 0;
    if (sh_call(SH_SYS_GET_CMDLINE, block) != 0)
        return;
    const char *p = cmdline;
    for (unsigned i = 0; i < n; i++) {
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
        for (; *p >= '0' && *p <= '9'; p++)
            v[i] = v[i] * 10u + (uint32_t)(*p - '0');
    }
}

int main(void)
{
    uint32_t arg[2];
    arguments(arg, 2);
    uint32_t lines = arg[0] < 100u ? arg[0] : 99u, status = arg[1];
    rtt_start();
    for (uint32_t i = 0; i < lines; i++) {
        char line[] = "rtt: line 00\n";
        line[10] = (char)('0' + i / 10);
        line[11] = (char)('0' + i % 10);
        rtt_put_text(&_SEGGER_RTT.up[0], line);
    }
    if (status == 0)
        for (;;)
            sh_call(SH_SYS_EXIT, (const void *)SH_ADP_STOPPED_APPLICATION_EXIT);
    sh_exit(status);
}
