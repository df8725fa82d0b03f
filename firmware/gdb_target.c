/*
 * gdb_target.c - test firmware for the GDB server tests (built with -g -O1).
 *
 * Each pass of the main loop calls work(i), makes a supervisor call (svc #0) and calls marker().
 *   work()   noinline: adds its argument to `counter`, records it in `history`
 *   marker() noinline, empty: a place for breakpoints
 *   SVC_Handler increments svc_count (FW_SVC_COUNT_ADDR): exception entry and return
 *   step     in .data (initialised from flash), the loop increment: "set var step = 2" works
 */
#include "common/board.h"

#define HISTORY_LEN 8

unsigned int counter;
int history[HISTORY_LEN];
int step = 1;

__attribute__((noinline)) unsigned int work(int n);
__attribute__((noinline)) void marker(void);

__attribute__((noinline)) unsigned int work(int n)
{
    counter += (unsigned int)n;
    history[(unsigned int)n % HISTORY_LEN] = (int)counter;
    return counter;
}

__attribute__((noinline)) void marker(void)
{
    __asm__ volatile("" ::: "memory"); /* keeps the call in place */
}

void SVC_Handler(void)
{
    svc_count++;
}

int main(void)
{
    fw_id = FW_ID_GDB_TARGET;
    for (int i = 0;; i = (i + step) & 0x7FFF) {
        work(i);
        __asm__ volatile("svc #0" ::: "memory");
        marker();
    }
}
