/*
 * The fault campaign on the in-process virtual board: RUNS writes of a small random image (one to
 * three pages, not page aligned), each with one injected fault (sim/faults.h) at a random point,
 * each in its own process with a deadline. Each outcome is classified:
 *   verified  the write reported success and the flash (the board's state, saved when the write
 *             closed it) holds the image
 *   failed    the write reported a failure with a message; running it again without the fault
 *             then succeeds and the flash holds the image
 *   corrupt   the write reported success but the flash differs (silent corruption)
 *   rerun2    the same, but the first run again failed too (on a loaded host a deadline of the
 *             library can pass although no fault is armed) and the second finished the job
 *   stuck     a failure that the same write, run again twice, does not repair
 *   hang      the run passed its deadline
 * Prints the counts per fault kind; exits 1 on any corrupt, stuck or hang outcome, or when a kind
 * never caused a failure (the fault was not injected at all).
 *
 * Usage: fault_campaign RUNS SEED [JOBS] [DIR]
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stflash/image.h"
#include "stflash/sim.h"
#include "stflash/stflash.h"

#define FLASH_BASE 0x08000000u
#define PAGE 1024u
#define RUN_DEADLINE_S 60

enum outcome { VERIFIED, FAILED, FAILED_TWICE, CORRUPT, STUCK, SETUP, HANG, N_OUTCOMES };
static const char *const outcome_names[] = {"verified", "failed", "rerun2", "corrupt",
                                            "stuck",    "setup",  "hang"};

static const char *const kinds[] = {"disconnect", "silence", "wait",     "ap-fault", "reset",
                                    "power",      "pgerr",   "wrprterr", "bsy",      "flip"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static uint32_t rng(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*s >> 33);
}

struct run {
    unsigned kind;
    char fault[64];
    uint32_t addr, len;
    uint64_t seed;
};

/* Chooses the image and where the fault strikes. Counts: a write of this size takes a few hundred
 * probe commands and programs len / 2 half-words. */
static void plan_run(uint64_t *s, unsigned index, struct run *r)
{
    r->kind = index % N_KINDS;
    r->seed = rng(s) | (uint64_t)rng(s) << 32;
    r->len = 2u * (1u + rng(s) % (3u * PAGE / 2u));
    r->addr = FLASH_BASE + 4u * PAGE + 2u * (rng(s) % (2u * PAGE));
    uint32_t hw = r->len / 2u;
    uint32_t in_image = r->addr + 2u * (rng(s) % hw);
    const char *k = kinds[r->kind];
    switch (r->kind) {
    case 0: /* disconnect */
    case 1: /* silence */
        snprintf(r->fault, sizeof r->fault, "%s:%u", k, 1u + rng(s) % 600u);
        break;
    case 2: /* wait */
        snprintf(r->fault, sizeof r->fault, "%s:%u", k, 1u + rng(s) % 16u);
        break;
    case 3: { /* ap-fault: the image, the loader's SRAM or the flash controller */
        static const uint32_t areas[][2] = {{0x20000000u, 0x1000u}, {0x40022000u, 0x20u}};
        unsigned a = rng(s) % 3u;
        uint32_t at = a == 2 ? in_image : areas[a][0] + 4u * (rng(s) % (areas[a][1] / 4u));
        snprintf(r->fault, sizeof r->fault, "%s:0x%08x", k, at);
        break;
    }
    case 4: /* reset */
    case 5: /* power */
    case 8: /* bsy */
        snprintf(r->fault, sizeof r->fault, "%s:%u", k, 1u + rng(s) % hw);
        break;
    default: /* pgerr, wrprterr, flip: a unit of the image */
        snprintf(r->fault, sizeof r->fault, "%s:0x%08x", k, in_image);
        break;
    }
}

static int open_board(struct stflash_ctx *ctx, const char *state, const char *fault,
                      struct stflash_dev **dev)
{
    char sel[512];
    snprintf(sel, sizeof sel, "sim:stm32f103c8,state=%s%s%s", state, fault ? ",fault=" : "",
             fault ? fault : "");
    struct stflash_open_options o = {
        .selector = sel, .connect = STFLASH_CONNECT_UNDER_RESET, .halt = true};
    return stflash_open(ctx, &o, dev);
}

/* One write, as `stflash write` does it: open, write and verify, close. */
static int write_once(const char *state, const char *fault, const struct stflash_image *img,
                      char *msg, size_t cap)
{
    struct stflash_ctx *ctx;
    if (stflash_ctx_new(&ctx) != STFLASH_OK)
        return -1;
    struct stflash_dev *dev = NULL;
    int rc = open_board(ctx, state, fault, &dev);
    if (rc == STFLASH_OK) {
        struct stflash_write_options w = {0};
        rc = stflash_write_image(dev, img, &w);
    }
    snprintf(msg, cap, "%s", rc == STFLASH_OK ? "" : stflash_last_error(ctx));
    if (dev)
        stflash_close(dev);
    stflash_ctx_free(ctx);
    return rc;
}

/* What the flash holds, from the board's state file (saved when the board is closed: its flash
 * image is the file's last `flash` bytes, sim/board.c): 1 when the image's range matches, 0 when
 * not, -1 when the file cannot be read. Cheaper than a second connection to the board. */
static int flash_holds(const char *state, const uint8_t *data, uint32_t addr, uint32_t len)
{
    FILE *f = fopen(state, "rb");
    if (!f) {
        fprintf(stderr, "cannot open the state file %s: %s\n", state, strerror(errno));
        return -1;
    }
    char line[128];
    unsigned flash = 0;
    while (fgets(line, sizeof line, f) && line[0] != '\n')
        sscanf(line, "flash %u", &flash);
    uint8_t *back = malloc(len);
    int res = -1;
    if (back && flash >= addr - FLASH_BASE + len && fseek(f, -(long)flash, SEEK_END) == 0 &&
        fseek(f, (long)(addr - FLASH_BASE), SEEK_CUR) == 0 && fread(back, 1, len, f) == len)
        res = memcmp(back, data, len) == 0;
    else
        fprintf(stderr, "cannot read the flash from the state file %s\n", state);
    fclose(f);
    free(back);
    return res;
}

static enum outcome child(const struct run *r, const char *state)
{
    stflash_sim_register();
    uint64_t s = r->seed;
    uint8_t *data = malloc(r->len);
    if (!data)
        return SETUP;
    for (uint32_t i = 0; i < r->len; i++)
        data[i] = (uint8_t)rng(&s);
    struct stflash_image *img = NULL;
    struct stflash_image_error ierr;
    if (stflash_image_parse_buffer(data, r->len, STFLASH_IMAGE_BIN, r->addr, &img, &ierr) !=
        STFLASH_OK)
        return SETUP;
    unlink(state); /* a blank chip */
    char msg[1024];
    int rc = write_once(state, r->fault, img, msg, sizeof msg);
    enum outcome o;
    int holds = rc == STFLASH_OK ? flash_holds(state, data, r->addr, r->len) : 0;
    if (holds < 0) {
        o = SETUP;
    } else if (rc == STFLASH_OK) {
        o = holds ? VERIFIED : CORRUPT;
    } else if (!msg[0]) {
        o = CORRUPT; /* a failure nobody is told about */
    } else {
        char again[1024];
        o = STUCK;
        for (int k = 0; k < 2 && o == STUCK; k++) {
            if (write_once(state, NULL, img, again, sizeof again) == STFLASH_OK &&
                flash_holds(state, data, r->addr, r->len) == 1)
                o = k == 0 ? FAILED : FAILED_TWICE;
            else
                fprintf(stderr, "fault %s: run again (%d): %s\n", r->fault, k + 1, again);
        }
    }
    if (o != VERIFIED && o != FAILED && o != FAILED_TWICE)
        fprintf(stderr, "fault %s, image 0x%08x+%u: %s (write said: %s)\n", r->fault, r->addr,
                r->len, outcome_names[o], rc == STFLASH_OK ? "success" : msg);
    if (getenv("FAULT_CAMPAIGN_VERBOSE"))
        fprintf(stderr, "fault %-22s 0x%08x+%-5u %-8s %s\n", r->fault, r->addr, r->len,
                outcome_names[o], msg);
    stflash_image_free(img);
    free(data);
    return o;
}

struct slot {
    pid_t pid;
    unsigned kind;
    time_t started;
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fault_campaign RUNS SEED [JOBS] [DIR]\n");
        return 2;
    }
    unsigned runs = (unsigned)strtoul(argv[1], NULL, 0);
    uint64_t seed = strtoull(argv[2], NULL, 0);
    unsigned jobs = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 0) : 2;
    const char *dir = argc > 4 ? argv[4] : ".";
    if (runs == 0 || jobs == 0 || jobs > 16) {
        fprintf(stderr, "fault_campaign: give RUNS from 1 and JOBS from 1 to 16\n");
        return 2;
    }
    unsigned counts[N_KINDS][N_OUTCOMES] = {{0}};
    struct slot slots[16] = {{0}};
    unsigned started = 0, done = 0;
    uint64_t s = seed;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (done < runs) {
        for (unsigned j = 0; j < jobs && started < runs; j++) {
            if (slots[j].pid)
                continue;
            struct run r;
            plan_run(&s, started++, &r);
            char state[600];
            snprintf(state, sizeof state, "%s/campaign-%u.state", dir, j);
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                perror("fork");
                return 2;
            }
            if (pid == 0)
                _exit(child(&r, state));
            slots[j] = (struct slot){pid, r.kind, time(NULL)};
        }
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid == 0) {
            usleep(2000);
            for (unsigned j = 0; j < jobs; j++)
                if (slots[j].pid && time(NULL) - slots[j].started > RUN_DEADLINE_S) {
                    kill(slots[j].pid, SIGKILL);
                    slots[j].started = time(NULL) + 1000000; /* counted once, as a hang */
                    counts[slots[j].kind][HANG]++;
                    fprintf(stderr, "run of kind %s passed its %d s deadline\n",
                            kinds[slots[j].kind], RUN_DEADLINE_S);
                }
            continue;
        }
        if (pid < 0) {
            perror("waitpid");
            return 2;
        }
        for (unsigned j = 0; j < jobs; j++) {
            if (slots[j].pid != pid)
                continue;
            bool hung = slots[j].started > time(NULL) + 1000;
            if (!hung) {
                int o = WIFEXITED(status) ? WEXITSTATUS(status) : SETUP;
                counts[slots[j].kind][o < N_OUTCOMES ? o : SETUP]++;
                if (!WIFEXITED(status))
                    fprintf(stderr, "run of kind %s died (signal %d)\n", kinds[slots[j].kind],
                            WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            }
            slots[j].pid = 0;
            done++;
        }
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    unsigned total[N_OUTCOMES] = {0};
    bool bad = false;
    printf("%-12s", "fault");
    for (int o = 0; o < N_OUTCOMES; o++)
        printf(" %9s", outcome_names[o]);
    printf("\n");
    for (unsigned k = 0; k < N_KINDS; k++) {
        printf("%-12s", kinds[k]);
        for (int o = 0; o < N_OUTCOMES; o++) {
            printf(" %9u", counts[k][o]);
            total[o] += counts[k][o];
        }
        printf("\n");
        /* Every kind must have struck at least once where the writes are long enough to meet
         * it (a campaign of a few runs may miss some). */
        bool survivable = strcmp(kinds[k], "wait") == 0; /* WAIT is retried, not a failure */
        unsigned expected =
            survivable ? counts[k][VERIFIED] : counts[k][FAILED] + counts[k][FAILED_TWICE];
        if (runs >= 10u * N_KINDS && expected == 0) {
            fprintf(stderr, "fault kind %s never had its expected outcome (%s)\n", kinds[k],
                    survivable ? "verified" : "failed");
            bad = true;
        }
    }
    printf("%-12s", "all");
    for (int o = 0; o < N_OUTCOMES; o++)
        printf(" %9u", total[o]);
    printf("\n%u writes in %.1f s (seed %llu)\n", runs,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           (unsigned long long)seed);
    if (total[CORRUPT] || total[STUCK] || total[HANG] || total[SETUP])
        bad = true;
    return bad ? 1 : 0;
}
