/*
 * libFuzzer harness of the virtual-board daemon's control port (sim/server_control.c), run as
 * the daemon runs it: the client's bytes arrive in pieces into a receive buffer of the daemon's
 * size, and every whole line is answered. Whatever the bytes: no crash, no sanitizer report, no
 * hang; every reply is whole lines; a partial line never grows past the line limit without the
 * connection being closed; and no file appears but the board's own state file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "board_options.h"
#include "server_control.h"

/* As RX_CAP in sim/server.c: a whole stlink-server request fits, so any line does. */
#define RX_CAP 4096
/* One `advance` runs the core for real: a short cap keeps each input well within -timeout. */
#define FUZZ_ADVANCE_MAX_MS 20

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct sim_board board;
static struct sim_board *boards[1] = {&board};
static char dir[] = "/tmp/stflash-fuzz-control-XXXXXX";
static char state[sizeof dir + 8];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    snprintf(state, sizeof state, "%s/state", dir);
    struct sim_board_config cfg;
    sim_board_defaults(&cfg, 0);
    cfg.state_path = state;
    char err[256];
    if (sim_board_init(&board, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz_control: cannot build the virtual board: %s\n", err);
        abort();
    }
    return 0;
}

/* The control port writes no file but the state file: the directory holds nothing else. */
static void check_no_other_file(void)
{
    DIR *d = opendir(dir);
    if (!d)
        abort();
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "state"))
            abort(); /* also a save's temporary file left behind */
    closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t rx[RX_CAP];
    size_t rx_len = 0, pos = 0;
    /* Pieces of a size the input decides, as TCP segments would cut it. */
    size_t piece = 1 + size % 97;
    struct sim_control ctl = {
        .boards = boards, .nboards = 1, .advance_max_ms = FUZZ_ADVANCE_MAX_MS};
    bool open = true;
    while (open && pos < size && !ctl.quit) {
        size_t n = size - pos < piece ? size - pos : piece;
        if (n > sizeof rx - rx_len)
            n = sizeof rx - rx_len;
        memcpy(rx + rx_len, data + pos, n);
        rx_len += n;
        pos += n;
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        if (!out)
            abort();
        open = sim_control_take_lines(&ctl, rx, &rx_len, out);
        fclose(out);
        if (len && text[len - 1] != '\n')
            abort(); /* a reply cut short */
        free(text);
        if (open && !ctl.quit && rx_len > SIM_CONTROL_LINE_MAX)
            abort(); /* a partial line longer than any command was kept */
    }
    check_no_other_file();
    return 0;
}
