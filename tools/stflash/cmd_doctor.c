/* doctor: the diagnosis ladder from the probe to the flash, each failing step with its fix. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

struct doctor {
    const struct cli *cli;
    size_t count;
    int exit_code; /* of the first failed step */
    size_t warnings;
    struct json_object *checks; /* --json: the checks array, else NULL */
};

static const char *verdict_name(enum stflash_verdict v)
{
    switch (v) {
    case STFLASH_CHECK_OK:
        return "ok";
    case STFLASH_CHECK_WARN:
        return "warn";
    case STFLASH_CHECK_FAIL:
        return "FAIL";
    case STFLASH_CHECK_SKIPPED:
        return "skip";
    }
    return "?";
}

/* The exit code a failed step stands for. */
static int step_exit_code(const char *step)
{
    if (strncmp(step, "probe", 5) == 0)
        return EXIT_NO_PROBE;
    if (strcmp(step, "target voltage") == 0 || strcmp(step, "SWD link") == 0 ||
        strcmp(step, "core") == 0)
        return EXIT_TARGET;
    if (strstr(step, "protection"))
        return EXIT_PROTECTED;
    return EXIT_FAILED;
}

static void on_check(void *user, const struct stflash_check *c)
{
    struct doctor *d = user;
    if (c->verdict == STFLASH_CHECK_WARN)
        d->warnings++;
    if (c->verdict == STFLASH_CHECK_FAIL && d->exit_code == EXIT_OK)
        d->exit_code = step_exit_code(c->step);
    if (d->cli->json) {
        struct json_object *o = jout_arr_obj(d->checks);
        jout_str(o, "step", c->step);
        jout_str(o, "verdict", verdict_name(c->verdict));
        jout_str(o, "detail", c->detail);
        jout_str(o, "fix", c->fix[0] ? c->fix : NULL);
        if (c->verdict == STFLASH_CHECK_FAIL && c->fix[0])
            jout_hint_text(c->fix); /* the error object's hint: the first failed check's fix */
    } else if (!d->cli->quiet || c->verdict == STFLASH_CHECK_FAIL) { /* -q: failures only */
        printf("[%-4s] %-17s %s\n", verdict_name(c->verdict), c->step, c->detail);
        if (c->fix[0])
            printf("%-24s fix: %s\n", "", c->fix);
    }
    fflush(stdout);
    d->count++;
}

int cmd_doctor(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {{NULL, 0, OPT_NONE, 0}};
    struct cmdline cl;
    int rc = cmd_begin(cli, "doctor", spec, argc, argv, first, &cl, 0, 0, "");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    struct doctor d = {cli, 0, EXIT_OK, 0, jout_arr(jout_root(), "checks")};
    jout_keep_on_error("checks");
    int n = stflash_doctor(cli->ctx, cli->selector, on_check, &d);
    jout_int(jout_root(), "failed", n > 0 ? n : 0);
    if (n < 0) {
        rc = fail_lib(cli, n, true);
    } else if (n > 0) {
        rc = d.exit_code != EXIT_OK ? d.exit_code : EXIT_FAILED;
        out_error("%d check%s failed: see the fix above", n, n == 1 ? "" : "s");
    } else if (!cli->json && d.warnings) {
        out_result(cli, "no check failed, %zu warning%s: see the fix above", d.warnings,
                   d.warnings == 1 ? "" : "s");
    } else if (!cli->json) {
        out_result(cli, "all checks passed");
    }
    session_done(cli);
    return rc;
}
