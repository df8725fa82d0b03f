/*
 * semihost_hello.c - a firmware test that passes, through semihosting (firmware/common/semihost.h):
 * prints through SYS_WRITE0 and SYS_WRITE on ":tt", writes result.txt in the host's directory
 * and reads it back, checks that names outside the directory are refused (a "../" name, an
 * absolute name, and link.txt, which the test makes a symbolic link to a file outside), then
 * ends with SYS_EXIT (ADP_Stopped_ApplicationExit: status 0). Any check failing ends it with
 * SYS_EXIT_EXTENDED and a non-zero code instead.
 */
#include "common/board.h"
#include "common/semihost.h"

static const char report[] = "semihosting file write: ok\n";

static void check(int ok, const char *what, uint32_t code)
{
    if (ok)
        return;
    sh_puts("FAILED: ");
    sh_puts(what);
    sh_puts("\n");
    sh_exit(code);
}

int main(void)
{
    sh_puts("hello from SYS_WRITE0\n");
    int32_t tt = sh_open(":tt", SH_MODE_W);
    check(tt > 0, "open :tt", 10);
    static const char line[] = "hello from SYS_WRITE\n";
    check(sh_write(tt, line, sizeof line - 1) == 0, "write to :tt", 11);
    check(sh_one(SH_SYS_ISTTY, tt) == 1, ":tt is a terminal", 12);

    int32_t f = sh_open("result.txt", SH_MODE_W);
    check(f > 0, "open result.txt for writing", 13);
    check(sh_write(f, report, sizeof report - 1) == 0, "write result.txt", 14);
    check(sh_one(SH_SYS_ISTTY, f) == 0, "result.txt is no terminal", 15);
    check(sh_one(SH_SYS_CLOSE, f) == 0, "close result.txt", 16);

    f = sh_open("result.txt", SH_MODE_R);
    check(f > 0, "open result.txt for reading", 17);
    check(sh_one(SH_SYS_FLEN, f) == (int32_t)(sizeof report - 1), "length of result.txt", 18);
    char back[sizeof report];
    check(sh_read(f, back, sizeof report - 1) == 0, "read result.txt", 19);
    for (uint32_t i = 0; i + 1 < sizeof report; i++)
        check(back[i] == report[i], "result.txt read back as written", 20);
    /* Past the end: nothing read, the whole length is answered. */
    check(sh_read(f, back, 4) == 4, "read at the end of result.txt", 21);
    sh_one(SH_SYS_CLOSE, f);

    check(sh_open("../escape.txt", SH_MODE_W) == -1, "../escape.txt refused", 22);
    check(sh_open("/tmp/stflash-semihost-escape.txt", SH_MODE_W) == -1, "absolute name refused",
          23);
    check(sh_open("link.txt", SH_MODE_W) == -1, "symbolic link refused", 24);
    check(sh_call(SH_SYS_ERRNO, 0) != 0, "errno after a refusal", 25);
    sh_puts("escapes refused\n");
    sh_call(SH_SYS_EXIT, (const void *)SH_ADP_STOPPED_APPLICATION_EXIT);
    for (;;)
        ;
}
