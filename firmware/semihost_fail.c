/*
 * semihost_fail.c - a firmware test that fails: it prints what went wrong through semihosting
 * and ends with SYS_EXIT_EXTENDED, code 1 (firmware/common/semihost.h).
 */
#include "common/board.h"
#include "common/semihost.h"

static volatile uint32_t expected = 2;

int main(void)
{
    uint32_t got = 1;
    sh_puts("test_addition: ");
    if (got != expected) {
        sh_puts("FAILED (1 + 0 != 2)\n");
        sh_exit(1);
    }
    sh_puts("ok\n");
    sh_exit(0);
}
