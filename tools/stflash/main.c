/* stflash: the command-line tool. Global options, then one subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#if STFLASH_WITH_SIM
#include "sim_plugin.h"
#endif

#ifndef STFLASH_CLI_VERSION
#define STFLASH_CLI_VERSION "unknown"
#endif

#define COMMAND_LIST                                                                               \
    "probe, info, write, read, erase, verify, reset, options, unlock, lock, doctor, gdbserver, "   \
    "chips, mem, regs, halt, resume, run, rtt, swo or serve"

struct command {
    const char *name;
    int (*run)(struct cli *cli, int argc, char **argv, int first);
};

static const struct command commands[] = {
    {"probe", cmd_probe}, {"info", cmd_info},       {"write", cmd_write},
    {"read", cmd_read},   {"erase", cmd_erase},     {"verify", cmd_verify},
    {"reset", cmd_reset}, {"options", cmd_options}, {"unlock", cmd_unlock},
    {"lock", cmd_lock},   {"doctor", cmd_doctor},   {"gdbserver", cmd_gdbserver},
    {"chips", cmd_chips}, {"mem", cmd_mem},         {"regs", cmd_regs},
    {"halt", cmd_halt},   {"resume", cmd_resume},   {"run", cmd_run},
    {"rtt", cmd_rtt},     {"swo", cmd_swo},         {"serve", cmd_serve},
};

/* --json before "--": known before parsing, so that usage errors are JSON documents too. */
static bool wants_json(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--json") == 0)
            return true;
    return false;
}

/* 1 when the command line gives --NAME (as "--NAME VALUE" or "--NAME=VALUE"). */
static bool given(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0 &&
            (argv[i][2 + n] == '\0' || argv[i][2 + n] == '='))
            return true;
    return false;
}

static int run(int argc, char **argv);
/* The global options' environment variables (STFLASH_PROBE is checked when used, in
 * session.c): the command line wins; a bad value names its variable. */
static int env_options(struct cli *cli, int argc, char **argv)
{
    static const struct {
        const char *var, *option;
        int id;
    } vars[] = {
        {"STFLASH_FREQ", "freq", GOPT_FREQ},
        {"STFLASH_CONNECT", "connect", GOPT_CONNECT},
        {"STFLASH_FLASH_SIZE", "flash-size", GOPT_FLASH_SIZE},
        {"STFLASH_CHIP", "chip", GOPT_CHIP},
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *value = getenv(vars[i].var);
        if (!value || !*value || given(argc, argv, vars[i].option))
            continue;
        if (cli_global_option(cli, vars[i].id, vars[i].option, value)) {
            out_error("the value comes from the environment variable %s: fix it, unset it, or "
                      "give --%s",
                      vars[i].var, vars[i].option);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (wants_json(argc, argv) && !jout_start()) {
        out_error("--json: cannot set up the output streams");
        return EXIT_FAILED;
    }
    return jout_finish(run(argc, argv));
}

static int run(int argc, char **argv)
{
    struct cli cli;
    memset(&cli, 0, sizeof cli);
    cli.connect = STFLASH_CONNECT_NORMAL;
#if STFLASH_WITH_SIM
    tools_sim_register(); /* --probe sim: the virtual board, loaded on first use */
#endif

    const char *env = getenv("STFLASH_PROBE");
    if (env && *env) {
        cli.selector = env; /* checked when used: --probe may replace it */
        cli.selector_from_env = true;
    }

    if (env_options(&cli, argc, argv))
        return EXIT_USAGE;

    struct cmdline pre;
    if (cli_parse(&cli, NULL, NULL, argc, argv, 1, &pre))
        return EXIT_USAGE;
    if (pre.help) {
        help_main();
        return EXIT_OK;
    }
    if (pre.version) {
        printf("stflash %s\n", STFLASH_CLI_VERSION);
        return EXIT_OK;
    }
    if (pre.next >= argc) {
        out_error("no command given: use " COMMAND_LIST);
        out_see_help(NULL);
        return EXIT_USAGE;
    }
    const char *name = argv[pre.next];
    if (strcmp(name, "help") == 0) {
        if (pre.next + 1 < argc) {
            if (help_command(argv[pre.next + 1]))
                return EXIT_OK;
            out_error("unknown command '%s': use " COMMAND_LIST, argv[pre.next + 1]);
            return EXIT_USAGE;
        }
        help_main();
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run(&cli, argc, argv, pre.next + 1);
    out_error("unknown command '%s': use " COMMAND_LIST, name);
    out_see_help(NULL);
    return EXIT_USAGE;
}
