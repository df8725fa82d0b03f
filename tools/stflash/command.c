/* What every subcommand does first: parse its command line, answer --help, check arity. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "multi.h"

/* Commands that stream output for as long as they run: one JSON document cannot hold it. */
static const char *json_refusal(const char *command)
{
    static const struct {
        const char *command, *why;
    } streams[] = {
        {"gdbserver", "it serves GDB until the debugger leaves; use 'stflash info --json' for the "
                      "target"},
        {"serve", "it serves clients until stopped; use 'stflash probe --json' for the probes"},
        {"rtt", "it streams the target's output; write it to a file with 'stflash rtt > FILE'"},
        {"swo", "it streams the trace; write it to a file with 'stflash swo > FILE'"},
        {"run", "it streams the program's output; use 'stflash write --json' then 'stflash rtt'"},
    };
    for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++)
        if (strcmp(command, streams[i].command) == 0)
            return streams[i].why;
    return NULL;
}

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
    const char *refusal = cli->json ? json_refusal(command) : NULL;
    if (refusal) {
        out_error("option '--json' does not go with '%s': %s", command, refusal);
        return EXIT_USAGE;
    }
    if (cl->nargs < min_args || cl->nargs > max_args) {
        if (cl->nargs > max_args)
            out_error("too many arguments for '%s' (unexpected '%s'): usage: stflash %s %s",
                      command, cl->args[max_args], command, args_usage);
        else
            out_error("missing arguments for '%s': usage: stflash %s %s", command, command,
                      args_usage);
        out_see_help(command);
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
    if (cli->json && multi_selector_is_multi(cli->selector)) {
        out_error("option '--json' is for one board: a selector naming several (%s) gives one "
                  "line per board; use --log FILE for a JSON record of each board",
                  cli->selector);
        return EXIT_USAGE;
    }
    int src = session_init(cli);
    if (src != EXIT_OK || !multi_wanted(cli, command, cl))
        return src;
    if (cli->json) {
        out_error("option '--json' does not go with --log or --serial-at: the log FILE holds a "
                  "JSON record of each board");
        session_done(cli);
        return EXIT_USAGE;
    }
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
