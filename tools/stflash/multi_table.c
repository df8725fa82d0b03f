/*
 * What a production run shows: on a terminal, a table redrawn in place (probe, chip, phase,
 * progress, result), on stderr like the single-board progress; elsewhere one line per board on
 * stdout when it finishes. Then a summary naming every failure.
 */
#include <stdio.h>
#include <string.h>

#include "multi.h"

static const char *state_text(const struct multi_board *b)
{
    switch (b->state) {
    case BOARD_WAITING:
        return "waiting";
    case BOARD_RUNNING:
        return "";
    case BOARD_OK:
        return "ok";
    case BOARD_FAILED:
        return "FAILED";
    }
    return "";
}

static const char *probe_name(const struct multi_board *b)
{
    return b->probe_serial[0] ? b->probe_serial : b->selector;
}

void multi_table_draw(struct multi_view *v)
{
    FILE *f = stderr;
    if (v->drawn)
        fprintf(f, "\033[%zuA", v->drawn); /* back to the table's first line */
    fprintf(f, "\r\033[K%-3s %-26s %-28s %-8s %8s  %s\n", "#", "probe", "chip", "phase", "progress",
            "result");
    for (size_t i = 0; i < v->count; i++) {
        const struct multi_board *b = &v->boards[i];
        char progress[16] = "";
        if (b->state == BOARD_RUNNING && b->total)
            snprintf(progress, sizeof progress, "%3u%%", (unsigned)(b->done * 100u / b->total));
        char result[120];
        if (b->state == BOARD_FAILED)
            snprintf(result, sizeof result, "FAILED: %.100s", b->error ? b->error : "");
        else if (b->state == BOARD_OK)
            snprintf(result, sizeof result, "ok, %.80s (%.1f s)", b->result, b->seconds);
        else
            snprintf(result, sizeof result, "%s", state_text(b));
        fprintf(f, "\r\033[K%-3zu %-26.26s %-28.28s %-8s %8s  %s\n", i, probe_name(b), b->chip,
                b->state == BOARD_RUNNING ? b->phase : "", progress, result);
    }
    fflush(f);
    v->drawn = v->count + 1;
}

void multi_board_line(const struct multi_board *b, const char *command)
{
    if (b->state == BOARD_OK)
        printf("board %d %s: %s %s: ok, %s in %.2f s\n", b->index, probe_name(b),
               b->chip[0] ? b->chip : "unknown chip", command, b->result, b->seconds);
    else
        printf("board %d %s: %s %s: FAILED: %s\n", b->index, probe_name(b),
               b->chip[0] ? b->chip : "unknown chip", command, b->error ? b->error : "");
    fflush(stdout);
}

void multi_summary(const struct multi_board *boards, size_t count, const char *command, bool quiet)
{
    size_t failed = 0;
    for (size_t i = 0; i < count; i++)
        failed += boards[i].state != BOARD_OK;
    if (!quiet) {
        printf("%s on %zu board%s: %zu ok, %zu failed\n", command, count, count == 1 ? "" : "s",
               count - failed, failed);
        fflush(stdout);
    }
    for (size_t i = 0; i < count; i++)
        if (boards[i].state != BOARD_OK)
            fprintf(stderr, "stflash: board %d (%s) failed: %s\n", boards[i].index,
                    probe_name(&boards[i]), boards[i].error ? boards[i].error : "not run");
}
