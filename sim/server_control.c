/*
 * The control port's line protocol (sim/server_control.h). It only speaks its own commands:
 * anything else (an HTTP request, binary garbage) is answered with an error and closes the
 * connection, and the only file it writes is the state file the operator named with --state.
 */
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "server_control.h"

#define BINARY_LINE_ERROR "error not a control command (binary data); closing\n"

static int board_by_ref(const struct sim_control *ctl, const char *ref)
{
    if (!ref || !*ref)
        return ctl->nboards == 1 ? 0 : -1;
    char *end;
    long i = strtol(ref, &end, 10);
    if (*end == '\0' && i >= 0 && (size_t)i < ctl->nboards)
        return (int)i;
    for (size_t k = 0; k < ctl->nboards; k++) {
        char serial[80];
        sim_probe_serial_text(&ctl->boards[k]->probe, serial, sizeof serial);
        if (strcmp(serial, ref) == 0)
            return (int)k;
    }
    return -1;
}

/* A control line is printable ASCII (tabs allowed); anything else is not this protocol. */
static bool line_is_text(const char *line)
{
    for (const unsigned char *p = (const unsigned char *)line; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\r') || *p >= 0x7f)
            return false;
    return true;
}

static void advance(struct sim_control *ctl, int b, const char *arg2, const char *extra, FILE *out)
{
    /* Let the board run for a number of virtual milliseconds with no client. */
    char *end = NULL;
    unsigned long long ms = arg2 ? strtoull(arg2, &end, 10) : 0;
    if (!arg2 || *end || arg2[0] == '-' || extra)
        fputs("error usage: advance B MS\n", out);
    else if (ms > ctl->advance_max_ms)
        fprintf(out, "error advance %llu ms is more than %u ms at once; send several\n", ms,
                ctl->advance_max_ms);
    else {
        sim_target_advance(&ctl->boards[b]->target, (sim_ps)ms * SIM_PS_PER_MS);
        sim_board_write_status_json(ctl->boards[b], out);
    }
}

static void fault(struct sim_control *ctl, int b, const char *arg2, const char *extra, FILE *out)
{
    /* Arms an injected fault (sim/faults.h) on the board, replacing the one before. */
    struct sim_fault_plan plan;
    char hint[256];
    if (!arg2 || extra)
        fputs("error usage: fault B SPEC\n", out);
    else if (sim_fault_parse(arg2, &plan, hint, sizeof hint) != 0)
        fprintf(out, "error fault '%.40s': %s\n", arg2, hint);
    else {
        sim_board_arm_fault(ctl->boards[b], &plan);
        char what[48];
        sim_faults_describe(&ctl->boards[b]->faults, what, sizeof what);
        fprintf(out, "ok fault %s\n", what);
    }
}

static void save(struct sim_control *ctl, int b, const char *arg2, FILE *out)
{
    /* Only the state file the operator chose (--state): a client never names a path. */
    char err[512];
    struct sim_board *bd = ctl->boards[b];
    if (arg2)
        fputs("error save takes no file name: the board saves to the state file given "
              "with --state\n",
              out);
    else if (!bd->state_path)
        fputs("error the board has no state file (start it with --state FILE)\n", out);
    else if (sim_board_save(bd, bd->state_path, err, sizeof err) != 0)
        fprintf(out, "error %s\n", err);
    else
        fprintf(out, "ok saved %s\n", bd->state_path);
}

/* Answers one line; false when the line is not this protocol (the caller closes). */
static bool control_line(struct sim_control *ctl, char *line, FILE *out)
{
    if (!line_is_text(line)) {
        fputs(BINARY_LINE_ERROR, out);
        return false;
    }
    char *rest = NULL;
    char *verb = strtok_r(line, " \t\r", &rest);
    char *arg = strtok_r(NULL, " \t\r", &rest);
    char *arg2 = strtok_r(NULL, " \t\r", &rest);
    char *extra = strtok_r(NULL, " \t\r", &rest);
    static const char *const verbs[] = {"boards", "status", "stats", "advance",
                                        "save",   "fault",  "quit"};
    bool known = false;
    for (size_t k = 0; verb && k < sizeof verbs / sizeof verbs[0]; k++)
        known |= strcmp(verb, verbs[k]) == 0;
    if (verb && !known) {
        /* Also what an HTTP request line ("POST / HTTP/1.1") gets: nothing after it is read. */
        fprintf(out,
                "error unknown command '%.40s' (boards, status, stats, advance, save, fault, "
                "quit); closing\n",
                verb);
        return false;
    }
    int b = board_by_ref(ctl, arg);
    if (!verb) {
        fputs("error empty command\n", out);
    } else if (strcmp(verb, "boards") == 0) {
        for (size_t k = 0; k < ctl->nboards; k++)
            sim_board_write_status_json(ctl->boards[k], out);
        fputs("end\n", out);
    } else if (strcmp(verb, "quit") == 0) {
        ctl->quit = true;
        fputs("ok\n", out);
    } else if (b < 0) {
        fprintf(out, "error no board '%.40s' (give an index or a serial)\n", arg ? arg : "");
    } else if (strcmp(verb, "stats") == 0) {
        sim_board_write_stats_json(ctl->boards[b], out);
    } else if (strcmp(verb, "status") == 0) {
        sim_board_write_status_json(ctl->boards[b], out);
    } else if (strcmp(verb, "advance") == 0) {
        advance(ctl, b, arg2, extra, out);
    } else if (strcmp(verb, "fault") == 0) {
        fault(ctl, b, arg2, extra, out);
    } else {
        save(ctl, b, arg2, out);
    }
    return true;
}

bool sim_control_take_lines(struct sim_control *ctl, uint8_t *buf, size_t *len, FILE *out)
{
    while (!ctl->quit) {
        uint8_t *nl = memchr(buf, '\n', *len);
        if (!nl)
            return *len <= SIM_CONTROL_LINE_MAX; /* a longer line is no command */
        if (nl - buf > SIM_CONTROL_LINE_MAX)
            return false;
        if (memchr(buf, '\0', (size_t)(nl - buf))) {
            fputs(BINARY_LINE_ERROR, out);
            return false;
        }
        *nl = '\0';
        if (!control_line(ctl, (char *)buf, out))
            return false;
        size_t used = (size_t)(nl - buf) + 1;
        memmove(buf, buf + used, *len - used);
        *len -= used;
    }
    return true;
}
