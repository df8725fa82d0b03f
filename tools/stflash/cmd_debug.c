/* mem read|write, regs, halt, resume: a look at the target and small changes from the command
 * line. The target is attached without a reset (hot-plug unless --connect says otherwise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

#define MEM_WORDS_MAX 4096u /* 16 KiB: larger dumps are for 'read' */

/* Opens the probe without halting or resetting the target. */
static int open_quietly(struct cli *cli, struct stflash_dev **dev)
{
    return session_open(cli, STFLASH_CONNECT_HOT_PLUG, false, dev);
}

static int finish(struct cli *cli, struct stflash_dev *dev, int rc)
{
    stflash_close(dev);
    session_done(cli);
    return rc;
}

static int parse_aligned(const char *text, uint32_t *addr)
{
    if (parse_address(text, "address", addr))
        return EXIT_USAGE;
    if (*addr & 3u) {
        out_error("bad address '%s': mem reads and writes 32-bit words, give a multiple of 4",
                  text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int mem_read(struct cli *cli, const struct cmdline *cl)
{
    uint32_t addr;
    uint64_t count = 1;
    if (cl->nargs > 3) {
        out_error("too many arguments for 'mem read': usage: stflash mem read ADDR [WORDS]");
        return EXIT_USAGE;
    }
    if (parse_aligned(cl->args[1], &addr) ||
        (cl->nargs == 3 && parse_size(cl->args[2], "word count", &count)))
        return EXIT_USAGE;
    if (count > MEM_WORDS_MAX || count * 4u > 0x100000000ull - addr) {
        out_error("bad word count '%s': at most %u words, inside the address space (use 'read' "
                  "for more)",
                  cl->args[2], MEM_WORDS_MAX);
        return EXIT_USAGE;
    }
    uint8_t *buf = malloc((size_t)count * 4u);
    if (!buf) {
        out_error("out of memory");
        return EXIT_FAILED;
    }
    struct stflash_dev *dev = NULL;
    int rc = open_quietly(cli, &dev);
    if (rc == EXIT_OK) {
        int lrc = stflash_mem_read(dev, addr, buf, (size_t)count * 4u);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
        /* --json: the words as an array; -q: nothing but errors. */
        bool text = !cli->json && !cli->quiet;
        jout_hex(jout_root(), "address", addr, 8);
        struct json_object *words = jout_arr(jout_root(), "words");
        for (uint64_t i = 0; lrc == 0 && i < count; i++) {
            const uint8_t *w = buf + i * 4u;
            uint32_t v =
                (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
            char hex[12];
            snprintf(hex, sizeof hex, "0x%08x", v);
            if (words)
                json_object_array_add(words, json_object_new_string(hex));
            if (text && i % 4u == 0)
                printf("%s0x%08x:", i ? "\n" : "", addr + (uint32_t)i * 4u);
            if (text)
                printf(" %08x", v);
        }
        if (lrc == 0 && text)
            putchar('\n');
    }
    free(buf);
    stflash_close(dev);
    return rc;
}

static int mem_write(struct cli *cli, const struct cmdline *cl)
{
    uint32_t addr, values[CLI_MAX_ARGS];
    size_t n = cl->nargs - 2;
    if (n == 0) {
        out_error("missing value for 'mem write': usage: stflash mem write ADDR VALUE...");
        return EXIT_USAGE;
    }
    if (parse_aligned(cl->args[1], &addr))
        return EXIT_USAGE;
    for (size_t i = 0; i < n; i++)
        if (parse_address(cl->args[2 + i], "value", &values[i]))
            return EXIT_USAGE;
    if ((uint64_t)addr + 4u * n > 0x100000000ull) {
        out_error("bad range: %zu words at 0x%08x run past the end of the address space", n, addr);
        return EXIT_USAGE;
    }
    struct stflash_dev *dev = NULL;
    int rc = open_quietly(cli, &dev);
    if (rc == EXIT_OK) {
        struct stflash_target_info t;
        int lrc = stflash_target_info(dev, &t);
        /* Stores into flash do not program it: the flash controller does (write, erase). */
        if (lrc == 0 && t.flash_size && addr < t.flash_base + t.flash_size &&
            addr + 4u * n > t.flash_base) {
            out_error("0x%08x is in flash (0x%08x-0x%08x): a store does not program flash; use "
                      "'stflash write' with an image",
                      addr, t.flash_base, t.flash_base + t.flash_size - 1u);
            stflash_close(dev);
            return EXIT_USAGE;
        }
        for (size_t i = 0; lrc == 0 && i < n; i++)
            lrc = stflash_write32(dev, addr + 4u * (uint32_t)i, values[i]);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
        else
            out_result(cli, "wrote %zu word%s at 0x%08x", n, n == 1 ? "" : "s", addr);
        jout_hex(jout_root(), "address", addr, 8);
        jout_int(jout_root(), "words_written", lrc == 0 ? (int64_t)n : 0);
    }
    stflash_close(dev);
    return rc;
}

int cmd_mem(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "mem", spec, argc, argv, first, &cl, 2, CLI_MAX_ARGS,
                       "read ADDR [WORDS] | write ADDR VALUE...");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    if (strcmp(cl.args[0], "read") == 0)
        rc = mem_read(cli, &cl);
    else if (strcmp(cl.args[0], "write") == 0)
        rc = mem_write(cli, &cl);
    else {
        out_error("unknown 'mem' action '%s': give read or write", cl.args[0]);
        rc = EXIT_USAGE;
    }
    session_done(cli);
    return rc;
}

int cmd_regs(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{NULL, 0, OPT_NONE, 0}};
    static const char *const names[] = {"r0", "r1", "r2",   "r3",  "r4",  "r5",  "r6",
                                        "r7", "r8", "r9",   "r10", "r11", "r12", "sp",
                                        "lr", "pc", "xpsr", "msp", "psp"};
    struct cmdline cl;
    int rc = cmd_begin(cli, "regs", spec, argc, argv, first, &cl, 0, 0, "");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct stflash_dev *dev = NULL;
    rc = open_quietly(cli, &dev);
    if (rc != EXIT_OK)
        return finish(cli, dev, rc);
    bool halted = false;
    int lrc = stflash_is_halted(dev, &halted);
    if (lrc != 0)
        return finish(cli, dev, fail_lib(cli, lrc, false));
    if (!halted) {
        out_error("the core is running: its registers can be read only while it is halted; run "
                  "'stflash halt' first (and 'stflash resume' afterwards)");
        return finish(cli, dev, EXIT_FAILED);
    }
    uint32_t v[20];
    for (unsigned i = 0; lrc == 0 && i < 19; i++)
        lrc = stflash_reg_read(dev, i, &v[i]);
    if (lrc == 0)
        lrc = stflash_reg_read(dev, 20, &v[19]);
    if (lrc != 0)
        return finish(cli, dev, fail_lib(cli, lrc, false));
    /* DCRSR 20: CONTROL [31:24], FAULTMASK [23:16], BASEPRI [15:8], PRIMASK [7:0] (ARMv7-M
     * ARM C1.6.3). */
    struct json_object *r = jout_root();
    for (unsigned i = 0; i < 19; i++)
        jout_hex(r, names[i], v[i], 8);
    jout_hex(r, "control", v[19] >> 24, 2);
    jout_int(r, "faultmask", (v[19] >> 16) & 1u);
    jout_hex(r, "basepri", (v[19] >> 8) & 0xFFu, 2);
    jout_int(r, "primask", v[19] & 1u);
    if (cli->json || cli->quiet)
        return finish(cli, dev, EXIT_OK);
    for (unsigned i = 0; i < 19; i++)
        printf("%-5s 0x%08x%s", names[i], v[i], i % 4u == 3u || i == 18 ? "\n" : "   ");
    printf("control 0x%02x  faultmask %u  basepri 0x%02x  primask %u\n", v[19] >> 24,
           (v[19] >> 16) & 1u, (v[19] >> 8) & 0xFFu, v[19] & 1u);
    return finish(cli, dev, EXIT_OK);
}

/* halt and resume: one call and its report. */
static int run_control(struct cli *cli, int argc, char **argv, int first, const char *name,
                       bool halt)
{
    static const struct opt_spec spec[] = {{NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, name, spec, argc, argv, first, &cl, 0, 0, "");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct stflash_dev *dev = NULL;
    rc = open_quietly(cli, &dev);
    if (rc != EXIT_OK)
        return finish(cli, dev, rc);
    int lrc = halt ? stflash_halt(dev) : stflash_run(dev);
    uint32_t pc = 0;
    if (lrc == 0 && halt)
        lrc = stflash_reg_read(dev, 15, &pc);
    if (lrc != 0)
        return finish(cli, dev, fail_lib(cli, lrc, false));
    jout_bool(jout_root(), "halted", halt);
    if (halt)
        jout_hex(jout_root(), "pc", pc, 8);
    if (halt)
        out_result(cli, "halted at pc 0x%08x", pc);
    else
        out_result(cli, "running");
    return finish(cli, dev, EXIT_OK);
}

int cmd_halt(struct cli *cli, int argc, char **argv, int first)
{
    return run_control(cli, argc, argv, first, "halt", true);
}

int cmd_resume(struct cli *cli, int argc, char **argv, int first)
{
    return run_control(cli, argc, argv, first, "resume", false);
}
