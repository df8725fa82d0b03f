/* Semihosting (include/stflash/semihost.h) against the virtual board: the simulated core halts
 * on BKPT 0xAB with DFSR.BKPT when halting debug is on and escalates it to HardFault when it is
 * off (ARMv7-M ARM C1.6); each call served through the library gets its result in r0 and the PC
 * past the BKPT; files stay inside the directory given. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "stflash/semihost.h"
#include "stflash/sim.h"
#include "stflash/stflash.h"

#define CODE 0x20000100u  /* bkpt #0xab; b . */
#define BLOCK 0x20000400u /* parameter blocks */
#define NAME 0x20000500u  /* strings */
#define BUF 0x20000600u   /* data */
#define DFSR 0xE000ED30u
#define DHCSR 0xE000EDF0u
#define HFSR 0xE000ED2Cu
#define FAIL 0xFFFFFFFFu

struct fixture {
    char dir[64]; /* the board's state and, in files/, the semihosting directory */
    char files[96];
    struct stflash_ctx *ctx;
    struct stflash_dev *dev;
    struct stflash_semihost *sh;
    char out[512]; /* console output, stream 1 then 2 as it came */
    size_t out_len;
    int streams; /* bit n: stream n was written */
};

static void console_write(void *user, int stream, const char *data, size_t len)
{
    struct fixture *f = user;
    assert_true(f->out_len + len < sizeof f->out);
    memcpy(f->out + f->out_len, data, len);
    f->out_len += len;
    f->out[f->out_len] = '\0';
    f->streams |= 1 << stream;
}

static const char input[] = "typed\n";

static long console_read(void *user, char *buf, size_t len)
{
    (void)user;
    size_t n = len < sizeof input - 1 ? len : sizeof input - 1;
    memcpy(buf, input, n);
    return (long)n;
}

static void open_board(struct fixture *f, bool with_dir)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/stflash-semihost.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->files, sizeof f->files, "%s/files", f->dir);
    assert_int_equal(mkdir(f->files, 0700), 0);
    char sel[160];
    snprintf(sel, sizeof sel, "sim:stm32f103cb,state=%s/board.state", f->dir);
    assert_int_equal(stflash_ctx_new(&f->ctx), STFLASH_OK);
    struct stflash_open_options o = {.selector = sel, .halt = true};
    assert_int_equal(stflash_open(f->ctx, &o, &f->dev), STFLASH_OK);
    static const uint8_t code[] = {0xAB, 0xBE, 0xFE, 0xE7};
    assert_int_equal(stflash_mem_write(f->dev, CODE, code, sizeof code), 0);
    struct stflash_semihost_config cfg = {
        .dir = with_dir ? f->files : NULL,
        .cmdline = "fw.elf --fast",
        .console_write = console_write,
        .console_read = console_read,
        .user = f,
    };
    assert_int_equal(stflash_semihost_new(f->ctx, &cfg, &f->sh), 0);
}

static void close_board(struct fixture *f)
{
    stflash_semihost_free(f->sh);
    stflash_close(f->dev);
    stflash_ctx_free(f->ctx);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
}

static void wait_halted(struct fixture *f)
{
    for (int i = 0; i < 1000; i++) {
        bool halted = false;
        assert_int_equal(stflash_is_halted(f->dev, &halted), 0);
        if (halted)
            return;
        usleep(1000);
    }
    fail_msg("the core did not halt within 1 s");
}

/* Runs the BKPT at CODE with r0 = op, r1 = arg; returns r0 after the call was served. */
static uint32_t call(struct fixture *f, uint32_t op, uint32_t arg,
                     struct stflash_semihost_result *res)
{
    assert_int_equal(stflash_reg_write(f->dev, 0, op), 0);
    assert_int_equal(stflash_reg_write(f->dev, 1, arg), 0);
    assert_int_equal(stflash_reg_write(f->dev, 15, CODE), 0);
    assert_int_equal(stflash_run(f->dev), 0);
    wait_halted(f);
    uint32_t dfsr = 0, pc = 0, r0 = 0;
    assert_int_equal(stflash_read32(f->dev, DFSR, &dfsr), 0);
    assert_true(dfsr & 2u); /* DFSR.BKPT */
    assert_int_equal(stflash_semihost_serve(f->dev, f->sh, res), 0);
    assert_int_equal(stflash_read32(f->dev, DFSR, &dfsr), 0);
    assert_false(dfsr & 2u); /* cleared for the next halt */
    assert_int_equal(stflash_reg_read(f->dev, 15, &pc), 0);
    assert_int_equal(pc, res->outcome == STFLASH_SEMIHOST_SERVED ? CODE + 2u : CODE);
    assert_int_equal(stflash_reg_read(f->dev, 0, &r0), 0);
    return r0;
}

static uint32_t served(struct fixture *f, uint32_t op, uint32_t arg)
{
    struct stflash_semihost_result res;
    uint32_t r0 = call(f, op, arg, &res);
    assert_int_equal(res.outcome, STFLASH_SEMIHOST_SERVED);
    assert_int_equal(res.op, op);
    return r0;
}

static void put_words(struct fixture *f, uint32_t a, uint32_t w0, uint32_t w1, uint32_t w2)
{
    uint32_t w[3] = {w0, w1, w2};
    for (int i = 0; i < 3; i++)
        assert_int_equal(stflash_write32(f->dev, a + 4u * (uint32_t)i, w[i]), 0);
}

static void put_string(struct fixture *f, uint32_t a, const char *s)
{
    assert_int_equal(stflash_mem_write(f->dev, a, (const uint8_t *)s, strlen(s) + 1), 0);
}

static uint32_t sys_open(struct fixture *f, const char *name, uint32_t mode)
{
    put_string(f, NAME, name);
    put_words(f, BLOCK, NAME, mode, (uint32_t)strlen(name));
    return served(f, 0x01, BLOCK);
}

/* The simulated core halts on BKPT 0xAB only with halting debug on; off, it is a HardFault with
 * HFSR.DEBUGEVT (ARMv7-M ARM C1.6, B3.2.16). */
static void sim_bkpt_halts_with_debug(void **state)
{
    (void)state;
    struct fixture f;
    open_board(&f, false);
    struct stflash_semihost_result res;
    put_string(&f, NAME, "hi\n");
    call(&f, 0x04, NAME, &res); /* SYS_WRITE0 */
    assert_string_equal(f.out, "hi\n");

    uint32_t hfsr = 0, dfsr = 0;
    assert_int_equal(stflash_write32(f.dev, HFSR, 0xFFFFFFFFu), 0); /* write-one-to-clear */
    assert_int_equal(stflash_write32(f.dev, DFSR, 0x1Fu), 0);
    assert_int_equal(stflash_reg_write(f.dev, 15, CODE), 0);
    assert_int_equal(stflash_write32(f.dev, DHCSR, 0xA05F0000u), 0); /* C_DEBUGEN off: runs */
    usleep(20000);
    assert_int_equal(stflash_halt(f.dev), 0);
    assert_int_equal(stflash_read32(f.dev, HFSR, &hfsr), 0);
    assert_int_equal(stflash_read32(f.dev, DFSR, &dfsr), 0);
    assert_true(hfsr & (1u << 31)); /* DEBUGEVT */
    assert_false(dfsr & 2u);
    /* Not a semihosting halt: the library leaves it alone. */
    assert_int_equal(stflash_semihost_serve(f.dev, f.sh, &res), 0);
    assert_int_equal(res.outcome, STFLASH_SEMIHOST_NOT_A_CALL);
    close_board(&f);
}

static void console_calls(void **state)
{
    (void)state;
    struct fixture f;
    open_board(&f, false);
    put_string(&f, NAME, "A");
    served(&f, 0x03, NAME); /* SYS_WRITEC */
    put_string(&f, NAME, "-zero\n");
    served(&f, 0x04, NAME); /* SYS_WRITE0 */
    assert_string_equal(f.out, "A-zero\n");
    uint32_t out = sys_open(&f, ":tt", 4), err = sys_open(&f, ":tt", 8),
             in = sys_open(&f, ":tt", 0);
    assert_true(out > 0 && out != FAIL && err > 0 && err != FAIL && in > 0 && in != FAIL);
    put_string(&f, BUF, "to stderr\n");
    put_words(&f, BLOCK, err, BUF, 10);
    assert_int_equal(served(&f, 0x05, BLOCK), 0); /* SYS_WRITE: nothing left unwritten */
    assert_int_equal(f.streams, (1 << 1) | (1 << 2));
    /* SYS_READ of the console: what it has (one line), the rest counted as not read. */
    put_words(&f, BLOCK, in, BUF, 16);
    assert_int_equal(served(&f, 0x06, BLOCK), 16u - (sizeof input - 1));
    char back[8] = {0};
    assert_int_equal(stflash_mem_read(f.dev, BUF, (uint8_t *)back, 6), 0);
    assert_string_equal(back, "typed\n");
    assert_int_equal(served(&f, 0x07, 0), 't'); /* SYS_READC */
    put_words(&f, BLOCK, out, 0, 0);
    assert_int_equal(served(&f, 0x09, BLOCK), 1); /* SYS_ISTTY */
    put_words(&f, BLOCK, out, 0, 0);
    assert_int_equal(served(&f, 0x02, BLOCK), 0);    /* SYS_CLOSE */
    assert_int_equal(served(&f, 0x02, BLOCK), FAIL); /* closed already */
    assert_int_equal(served(&f, 0x13, 0), EBADF);    /* SYS_ERRNO */
    /* The feature file: "SHFB" and EXIT_EXTENDED | STDOUT_STDERR. */
    uint32_t feat = sys_open(&f, ":semihosting-features", 0);
    put_words(&f, BLOCK, feat, 0, 0);
    assert_int_equal(served(&f, 0x0C, BLOCK), 5); /* SYS_FLEN */
    put_words(&f, BLOCK, feat, BUF, 8);
    assert_int_equal(served(&f, 0x06, BLOCK), 3); /* 5 of 8 read */
    uint8_t fb[5];
    assert_int_equal(stflash_mem_read(f.dev, BUF, fb, 5), 0);
    assert_memory_equal(fb, "SHFB\x03", 5);
    close_board(&f);
}

static void other_calls(void **state)
{
    (void)state;
    struct fixture f;
    open_board(&f, false);
    put_words(&f, BLOCK, BUF, 64, 0);
    assert_int_equal(served(&f, 0x15, BLOCK), 0); /* SYS_GET_CMDLINE */
    char line[32] = {0};
    uint32_t len = 0;
    assert_int_equal(stflash_mem_read(f.dev, BUF, (uint8_t *)line, 14), 0);
    assert_string_equal(line, "fw.elf --fast");
    assert_int_equal(stflash_read32(f.dev, BLOCK + 4, &len), 0);
    assert_int_equal(len, 13);
    put_words(&f, BLOCK, BUF, 5, 0);
    assert_int_equal(served(&f, 0x15, BLOCK), FAIL); /* the buffer is too short */
    /* SYS_HEAPINFO: four zero words where r1's word points. */
    put_words(&f, BLOCK, BUF, 0, 0);
    put_words(&f, BUF, 1, 2, 3);
    served(&f, 0x16, BLOCK);
    uint32_t w = 1;
    assert_int_equal(stflash_read32(f.dev, BUF + 8, &w), 0);
    assert_int_equal(w, 0);
    put_words(&f, BLOCK, 0xFFFFFFFEu, 0, 0);
    assert_int_equal(served(&f, 0x08, BLOCK), 1); /* SYS_ISERROR of -2 */
    uint32_t t = served(&f, 0x11, 0);             /* SYS_TIME */
    assert_true(t > 1700000000u);
    assert_true(served(&f, 0x10, 0) < 1000u);        /* SYS_CLOCK: centiseconds since the start */
    assert_int_equal(served(&f, 0x12, BLOCK), FAIL); /* SYS_SYSTEM never runs */
    assert_int_equal(served(&f, 0x7F, BLOCK), FAIL); /* unknown */
    close_board(&f);
}

static void exits(void **state)
{
    (void)state;
    struct fixture f;
    open_board(&f, false);
    struct stflash_semihost_result res;
    call(&f, 0x18, 0x20026u, &res); /* SYS_EXIT, ADP_Stopped_ApplicationExit */
    assert_int_equal(res.outcome, STFLASH_SEMIHOST_EXITED);
    assert_int_equal(res.exit_status, 0);
    call(&f, 0x18, 0x20023u, &res); /* a run-time error */
    assert_int_equal(res.outcome, STFLASH_SEMIHOST_EXITED);
    assert_int_equal(res.exit_reason, 0x20023u);
    assert_int_equal(res.exit_status, 1);
    put_words(&f, BLOCK, 0x20026u, 3, 0);
    call(&f, 0x20, BLOCK, &res); /* SYS_EXIT_EXTENDED with code 3 */
    assert_int_equal(res.exit_status, 3);
    put_words(&f, BLOCK, 0x20026u, 256, 0);
    call(&f, 0x20, BLOCK, &res); /* 256 is no success */
    assert_int_equal(res.exit_status, 1);
    put_words(&f, BLOCK, 0x20026u, 0, 0);
    call(&f, 0x20, BLOCK, &res);
    assert_int_equal(res.exit_status, 0);
    close_board(&f);
}

static void files_confined(void **state)
{
    (void)state;
    struct fixture f;
    open_board(&f, true);
    /* Write, seek, length, read back in a subdirectory. */
    char path[160];
    snprintf(path, sizeof path, "%s/sub", f.files);
    assert_int_equal(mkdir(path, 0700), 0);
    uint32_t h = sys_open(&f, "sub/data.bin", 5); /* "wb" */
    assert_true(h != FAIL && h != 0);
    put_string(&f, BUF, "0123456789");
    put_words(&f, BLOCK, h, BUF, 10);
    assert_int_equal(served(&f, 0x05, BLOCK), 0);
    put_words(&f, BLOCK, h, 0, 0);
    assert_int_equal(served(&f, 0x09, BLOCK), 0); /* not a terminal */
    assert_int_equal(served(&f, 0x02, BLOCK), 0);
    h = sys_open(&f, "sub/data.bin", 1); /* "rb" */
    put_words(&f, BLOCK, h, 0, 0);
    assert_int_equal(served(&f, 0x0C, BLOCK), 10);
    put_words(&f, BLOCK, h, 6, 0);
    assert_int_equal(served(&f, 0x0A, BLOCK), 0); /* SYS_SEEK to 6 */
    put_words(&f, BLOCK, h, BUF + 0x40, 8);
    assert_int_equal(served(&f, 0x06, BLOCK), 4); /* "6789", 4 of 8 not read */
    char back[5] = {0};
    assert_int_equal(stflash_mem_read(f.dev, BUF + 0x40, (uint8_t *)back, 4), 0);
    assert_string_equal(back, "6789");
    put_words(&f, BLOCK, h, BUF, 4);
    assert_int_equal(served(&f, 0x06, BLOCK), 4); /* at the end: nothing */
    put_words(&f, BLOCK, h, 0, 0);
    assert_int_equal(served(&f, 0x02, BLOCK), 0);
    /* Appending. */
    h = sys_open(&f, "sub/data.bin", 8);
    put_words(&f, BLOCK, h, BUF, 2);
    assert_int_equal(served(&f, 0x05, BLOCK), 0);
    put_words(&f, BLOCK, h, 0, 0);
    served(&f, 0x02, BLOCK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/sub/data.bin", f.files);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 12);

    /* Escapes: "..", absolute, a link to a file outside, a link to a directory outside. */
    char outside[128], link[160];
    snprintf(outside, sizeof outside, "%s/outside.txt", f.dir);
    int fd = open(outside, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    close(fd);
    snprintf(link, sizeof link, "%s/link.txt", f.files);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(link, sizeof link, "%s/up", f.files);
    assert_int_equal(symlink(f.dir, link), 0);
    const char *bad[] = {"../outside.txt",
                         "sub/../../outside.txt",
                         outside,
                         "link.txt",
                         "up/outside.txt",
                         "",
                         "sub"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sys_open(&f, bad[i], 4), FAIL);
        assert_int_not_equal(served(&f, 0x13, 0), 0); /* SYS_ERRNO */
    }
    assert_int_equal(stat(outside, &st), 0);
    assert_int_equal(st.st_size, 0); /* untouched */
    /* SYS_RENAME and SYS_REMOVE inside the directory; the link is removed, not its target. */
    put_string(&f, NAME, "sub/data.bin");
    put_string(&f, NAME + 0x40, "moved.bin");
    uint32_t block[4] = {NAME, 12, NAME + 0x40, 9};
    for (int i = 0; i < 4; i++)
        assert_int_equal(stflash_write32(f.dev, BLOCK + 4u * (uint32_t)i, block[i]), 0);
    assert_int_equal(served(&f, 0x0F, BLOCK), 0);
    snprintf(path, sizeof path, "%s/moved.bin", f.files);
    assert_int_equal(stat(path, &st), 0);
    put_string(&f, NAME + 0x40, "../moved.bin");
    put_string(&f, NAME, "moved.bin");
    block[1] = 9;
    block[3] = 12;
    for (int i = 0; i < 4; i++)
        assert_int_equal(stflash_write32(f.dev, BLOCK + 4u * (uint32_t)i, block[i]), 0);
    assert_int_equal(served(&f, 0x0F, BLOCK), EACCES); /* out of the directory: refused */
    assert_int_equal(stat(path, &st), 0);
    put_words(&f, BLOCK, NAME, 9, 0);
    assert_int_equal(served(&f, 0x0E, BLOCK), 0); /* SYS_REMOVE moved.bin */
    assert_int_not_equal(stat(path, &st), 0);
    put_string(&f, NAME, "link.txt");
    put_words(&f, BLOCK, NAME, 8, 0);
    assert_int_equal(served(&f, 0x0E, BLOCK), 0);
    assert_int_equal(stat(outside, &st), 0);
    put_string(&f, NAME, "../outside.txt");
    put_words(&f, BLOCK, NAME, 14, 0);
    assert_int_equal(served(&f, 0x0E, BLOCK), EACCES);
    assert_int_equal(stat(outside, &st), 0);

    assert_int_equal(sys_open(&f, "missing.txt", 0), FAIL);
    assert_int_equal(served(&f, 0x13, 0), ENOENT);
    assert_int_equal(sys_open(&f, "x", 12), FAIL); /* no mode 12 */
    close_board(&f);
}

static void no_directory(void **state)
{
    (void)state;
    struct fixture f;
    open_board(&f, false);
    assert_int_equal(sys_open(&f, "result.txt", 4), FAIL);
    assert_int_equal(served(&f, 0x13, 0), EACCES);
    char path[128];
    snprintf(path, sizeof path, "%s/files/result.txt", f.dir);
    assert_int_not_equal(access(path, F_OK), 0);
    /* A directory that does not exist is refused up front. */
    struct stflash_semihost *sh = NULL;
    struct stflash_semihost_config cfg = {.dir = "/nonexistent/stflash",
                                          .console_write = console_write};
    assert_int_equal(stflash_semihost_new(f.ctx, &cfg, &sh), STFLASH_ERR_NOT_FOUND);
    assert_non_null(strstr(stflash_last_error(f.ctx), "/nonexistent/stflash"));
    close_board(&f);
}

int main(void)
{
    stflash_sim_register();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sim_bkpt_halts_with_debug),
        cmocka_unit_test(console_calls),
        cmocka_unit_test(other_calls),
        cmocka_unit_test(exits),
        cmocka_unit_test(files_confined),
        cmocka_unit_test(no_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
