/*
 * bench/rusage.c: rusage OUT COMMAND [ARG...] runs COMMAND and writes to OUT its peak resident
 * set (KiB), its host CPU time (user + system, seconds) and its wall time (seconds), for that
 * process alone: the resource usage wait4 gives for the child, to the microsecond. A wrapper's
 * own start-up (a shell's, /usr/bin/time's: some milliseconds) is not in it. Exits with
 * COMMAND's status. Built by bench/lib.sh.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rusage OUT COMMAND [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("rusage: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("rusage: wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    FILE *f = fopen(argv[1], "w");
    if (!f ||
        fprintf(f, "%ld %.6f %.6f\n", ru.ru_maxrss, seconds(ru.ru_utime) + seconds(ru.ru_stime),
                wall) < 0 ||
        fclose(f) != 0) {
        perror(argv[1]);
        return 2;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
