/*
 * Production programming: one flash job run on several probes at once (one thread per board),
 * the per-board record (--log), per-board data (--serial-at). docs/production.md.
 */
#ifndef STFLASH_TOOLS_MULTI_H
#define STFLASH_TOOLS_MULTI_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define MULTI_MAX_BOARDS 64
#define MULTI_MAX_PHASES 12
#define MULTI_SELECTOR_LEN 320

/* Options of the production path, ids shared by write, verify and erase (cmd_flash.c). */
enum {
    MOPT_LOG = 60,
    MOPT_SERIAL_AT,
    MOPT_SERIAL_FORMAT,
    MOPT_SERIAL_START,
    MOPT_SERIAL_CSV,
};

enum multi_state { BOARD_WAITING, BOARD_RUNNING, BOARD_OK, BOARD_FAILED };

struct multi_phase {
    char name[12];
    double seconds;
};

/* One board: written by its own thread, read by the table under the run's lock. */
struct multi_board {
    int index;
    char selector[MULTI_SELECTOR_LEN]; /* the one probe, as stflash_open takes it */
    char probe_serial[64];
    enum multi_state state;
    char phase[12];
    uint64_t done, total;
    char chip[64];
    uint16_t dev_id;
    bool have_uid;
    uint8_t uid[12];
    bool have_data;
    uint32_t data_addr;
    uint8_t data[64];
    size_t data_len;
    char data_text[48]; /* the value as the log shows it */
    uint32_t flash_base, flash_size;
    uint64_t erased_lo, erased_end; /* erase: the range erased, [lo, end); 0, 0 when none */
    struct multi_phase phases[MULTI_MAX_PHASES];
    size_t nphases;
    double phase_start, start, seconds;
    int rc; /* library error, 0 when it worked */
    int exit_code;
    char *error;      /* heap, the failure whole */
    char result[160]; /* what was done, one line */
};

/* ---- selectors (multi_select.c) ---- */

/* Whether the selector names several probes: "all", a list, or a "/\*" or "usb:*" element. */
bool multi_selector_is_multi(const char *text);
/* Checks the syntax of every element (check_selector); EXIT_OK or EXIT_USAGE. */
int multi_check_selector(const char *text);
/* Expands the selector into one entry per probe (boards[i].selector, .probe_serial). Servers
 * and USB are asked as the elements require; duplicates are refused. Error printed. */
int multi_expand(struct cli *cli, const char *text, struct multi_board *boards, size_t cap,
                 size_t *count);

/* ---- running (multi.c) ---- */

/* Whether the command runs on the production path: a selector naming several probes, --log or
 * --serial-at. */
bool multi_wanted(const struct cli *cli, const char *command, const struct cmdline *cl);
/* Runs the command on every board; returns the exit status (error printed). */
int multi_run(struct cli *cli, const char *command, const struct cmdline *cl);

/* ---- display (multi_table.c) ---- */

struct multi_view {
    pthread_mutex_t *lock;
    struct multi_board *boards;
    size_t count;
    bool tty;
    size_t drawn; /* lines drawn on the terminal, to move back over */
};

/* Redraws the table (terminal). */
void multi_table_draw(struct multi_view *v);
/* The line of a finished board (not a terminal), and the summary at the end. */
void multi_board_line(const struct multi_board *b, const char *command);
/* The summary: the count on stdout (not with --quiet), each failure on stderr. */
void multi_summary(const struct multi_board *boards, size_t count, const char *command, bool quiet);

/* ---- the record (multi_log.c) ---- */

struct multi_log;
/* Opens FILE for appending (O_APPEND, created 0644); NULL with the error printed. */
struct multi_log *multi_log_open(const char *path);
void multi_log_close(struct multi_log *log);
/* Appends the board's line and fsyncs; false when the record could not be written. */
bool multi_log_board(struct multi_log *log, const struct multi_board *b, const char *command,
                     const char *image_path, const char *image_sha256,
                     const struct stflash_image *img);
/* Values given to boards in successful records: for uniqueness. Read from the file once. */
struct multi_log_seen {
    char uid[25];
    char value[48];
};
/* Reads the data values the file holds (missing file: none). -1 with the error printed. */
int multi_log_read_seen(const char *path, struct multi_log_seen **out, size_t *count);

/* SHA-256 of a file's bytes (what sha256sum prints), lowercase hex; -1 when it cannot be read. */
int multi_file_sha256(const char *path, char out[65]);

/* ---- per-board data (multi_serial.c) ---- */

enum serial_format { SERIAL_U32, SERIAL_ASCII };

struct multi_serial {
    bool enabled;
    uint32_t addr;
    enum serial_format format;
    bool from_csv;
    uint64_t next;              /* counter */
    struct multi_log_seen *csv; /* UID -> value rows */
    size_t ncsv;
    struct multi_log_seen *seen; /* from the log */
    size_t nseen;
    struct multi_log_seen *given; /* this run */
    size_t ngiven;
    size_t given_cap;
};

/* Parses --serial-* options; EXIT_OK or EXIT_USAGE (error printed). */
int multi_serial_setup(struct multi_serial *s, const struct cmdline *cl, const char *log_path);
void multi_serial_free(struct multi_serial *s);
/* Chooses the board's value from its UID (call under the run's lock): b->data*. Returns 0, or
 * -1 with the reason in err. */
int multi_serial_assign(struct multi_serial *s, struct multi_board *b, char *err, size_t cap);
/* The image with the board's data laid over it (new image, freed by the caller). */
int multi_serial_image(const struct stflash_image *img, const struct multi_board *b,
                       struct stflash_image **out, char *err, size_t cap);

#endif
