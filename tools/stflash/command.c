/* What every subcommand does first: parse its command line, answer --help, check arity. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "multi.h"

int cmd_begin(struct cli *cli, const char *command, const struct opt_spec *spec, int argc,
              char **argv, int first, struct cmdline *cl, size_t min_args, size_t max_args,
              const char *args_usage)
{
    int rc = cli_parse(cli, command, spec, argc, argv, first, cl);
    if (rc)
        return rc;
    if (cl->help) {
        help_command(command);
        return CMD_DONE;
    }
    if (cli->json && strcmp(command, "probe") != 0 && strcmp(command, "info") != 0 &&
        strcmp(command, "options") != 0 && strcmp(command, "doctor") != 0 &&
        strcmp(command, "chips") != 0) {
        out_error("option '--json' is for probe, info, options, doctor and chips only, not for "
                  "'%s'",
                  command);
        return EXIT_USAGE;
    }
    if (cl->nargs < min_args || cl->nargs > max_args) {
        if (cl->nargs > max_args)
            out_error("too many arguments for '%s' (unexpected '%s'): usage: stflash %s %s",
                      command, cl->args[max_args], command, args_usage);
        else
            out_error("missing arguments for '%s': usage: stflash %s %s", command, command,
                      args_usage);
        fprintf(stderr, "stflash: see 'stflash %s --help'\n", command);
        return EXIT_USAGE;
    }
    if (multi_selector_is_multi(cli->selector) && strcmp(command, "write") != 0 &&
        strcmp(command, "verify") != 0 && strcmp(command, "erase") != 0 &&
        strcmp(command, "read") != 0 && strcmp(command, "serve") != 0 &&
        strcmp(command, "options") != 0) {
        out_error("'%s' works on one probe: a selector naming several (%s) is for write, verify, "
                  "erase, read, options and serve; give one probe's serial",
                  command, cli->selector);
        return EXIT_USAGE;
    }
    int src = session_init(cli);
    if (src != EXIT_OK || !multi_wanted(cli, command, cl))
        return src;
    /* Several probes, --log or --serial-at: the production path runs the whole command. */
    src = multi_run(cli, command, cl);
    session_done(cli);
    return src == EXIT_OK ? CMD_DONE : src;
}

const char *cmd_opt_value(const struct cmdline *cl, int id)
{
    const char *v = NULL;
    for (size_t i = 0; i < cl->nopts; i++)
        if (cl->opts[i].id == id)
            v = cl->opts[i].value ? cl->opts[i].value : "";
    return v;
}

bool cmd_has_opt(const struct cmdline *cl, int id)
{
    return cmd_opt_value(cl, id) != NULL;
}
