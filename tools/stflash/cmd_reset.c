/* reset: reset the target and let it run, or halt it at the reset vector. */
#include <stdio.h>

#include "cli.h"
#include "json_out.h"

enum { OPT_HALT = 1, OPT_HARD, OPT_SYSTEM, OPT_RESET };

int cmd_reset(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"halt", 0, OPT_NONE, OPT_HALT},
        {"hard", 0, OPT_NONE, OPT_HARD},
        {"system", 0, OPT_NONE, OPT_SYSTEM},
        {"reset", 0, OPT_REQUIRED, OPT_RESET},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc =
        cmd_begin(cli, "reset", spec, argc, argv, first, &cl, 0, 0, "[--halt] [--hard | --system]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    bool halt = cmd_has_opt(&cl, OPT_HALT);
    enum stflash_reset how = STFLASH_RESET_AUTO;
    int methods = 0;
    if (cmd_has_opt(&cl, OPT_HARD)) {
        how = STFLASH_RESET_HARD;
        methods++;
    }
    if (cmd_has_opt(&cl, OPT_SYSTEM)) {
        how = STFLASH_RESET_SYSTEM;
        methods++;
    }
    const char *m = cmd_opt_value(&cl, OPT_RESET);
    if (m) {
        methods++;
        if (parse_reset_method(m, &how)) {
            session_done(cli);
            return EXIT_USAGE;
        }
    }
    if (methods > 1) {
        out_error("give one reset method: --hard, --system or --reset=METHOD");
        session_done(cli);
        return EXIT_USAGE;
    }

    struct stflash_dev *dev = NULL;
    /* No need to halt before a reset. */
    rc = session_open(cli, STFLASH_CONNECT_NORMAL, false, &dev);
    if (rc == EXIT_OK) {
        int lrc = stflash_reset(dev, how, halt);
        if (lrc != 0)
            rc = fail_lib(cli, lrc, false);
        else
            out_result(cli, "reset%s", halt ? ", halted at the reset vector" : ", running");
        jout_str(jout_root(), "method",
                 how == STFLASH_RESET_HARD     ? "hard"
                 : how == STFLASH_RESET_SYSTEM ? "system"
                                               : "auto");
        jout_bool(jout_root(), "halted", halt);
    }
    stflash_close(dev);
    session_done(cli);
    return rc;
}
