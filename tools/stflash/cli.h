/* The stflash command-line tool: shared state, option parsing, output and the subcommands. */
#ifndef STFLASH_TOOLS_CLI_H
#define STFLASH_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stflash/stflash.h"

/* Exit codes (documented in --help, docs/cli.md and the man page). */
enum cli_exit {
    EXIT_OK = 0,
    EXIT_FAILED = 1,        /* the operation failed */
    EXIT_USAGE = 2,         /* bad command line */
    EXIT_NO_PROBE = 3,      /* no probe, or the probe cannot be opened */
    EXIT_TARGET = 4,        /* the target does not respond */
    EXIT_VERIFY = 5,        /* verification failed */
    EXIT_PROTECTED = 6,     /* read or write protection */
    EXIT_INTERRUPTED = 128, /* plus the signal: a write stopped by Ctrl-C (130) or SIGTERM (143) */
};

/* Global options and the library context. */
struct cli {
    const char *selector; /* --probe, else $STFLASH_PROBE, else NULL */
    bool selector_from_env;
    uint32_t swd_khz; /* --freq, 0 = the probe's default */
    enum stflash_connect connect;
    bool connect_given;
    uint32_t flash_size;                    /* --flash-size, 0 = read the register */
    const struct stflash_chip_info *chip;   /* --chip, NULL = detect */
    const struct stflash_clone_info *clone; /* --chip naming an F1 clone, NULL = detect */
    bool allow_wireless_stack;              /* --allow-wireless-stack (STM32WB/WL secure area) */
    int verbose;
    bool quiet;
    bool json;
    struct stflash_ctx *ctx;
};

/* ---- command-line parsing (options.c) ---- */

enum opt_arg { OPT_NONE, OPT_REQUIRED, OPT_OPTIONAL };

struct opt_spec {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 when none */
    enum opt_arg arg;
    int id;
};

/* Global option ids (negative, so that subcommand ids can start at 1). */
enum {
    GOPT_PROBE = -100,
    GOPT_FREQ,
    GOPT_CONNECT,
    GOPT_FLASH_SIZE,
    GOPT_VERBOSE,
    GOPT_QUIET,
    GOPT_JSON,
    GOPT_HELP,
    GOPT_VERSION,
    GOPT_ALLOW_WIRELESS_STACK,
    GOPT_CHIP,
};

struct parsed_opt {
    int id;
    const char *name;  /* the long name, without "--" */
    const char *value; /* NULL when the option has none */
};

#define CLI_MAX_ARGS 16
#define CLI_MAX_OPTS 32

/* A subcommand's command line after parsing: its own options and its positional arguments.
 * Global options are applied to the struct cli as they are met. */
struct cmdline {
    const char *command;
    struct parsed_opt opts[CLI_MAX_OPTS];
    size_t nopts;
    const char *args[CLI_MAX_ARGS];
    size_t nargs;
    bool help;
    bool version;
    int next; /* command == NULL: index of the first argument that is not an option */
};

/*
 * Parses argv[first..argc) for `command`: global options anywhere, the subcommand's options
 * (spec, terminated by a NULL name), positional arguments, "--" ends the options. With
 * command == NULL (the options before the command), stops at the first positional argument.
 * Returns EXIT_OK or EXIT_USAGE (after printing the error).
 */
int cli_parse(struct cli *cli, const char *command, const struct opt_spec *spec, int argc,
              char **argv, int first, struct cmdline *out);

/* Applies one global option. Returns EXIT_OK or EXIT_USAGE (error printed). */
int cli_global_option(struct cli *cli, int id, const char *name, const char *value);

extern const struct opt_spec cli_global_opts[];

/* Numbers. Each prints "stflash: ..." naming `what` and returns EXIT_USAGE on bad input. */
int parse_address(const char *text, const char *what, uint32_t *out);
/* Sizes: decimal or 0x hex, with an optional k/K (KiB) or M (MiB) suffix; must be > 0. */
int parse_size(const char *text, const char *what, uint64_t *out);
/* SWD clock: kHz as a number, or with a k/kHz or M/MHz suffix (4M, 1800k, 1.8MHz). */
int parse_freq(const char *text, uint32_t *khz);
int parse_connect(const char *text, enum stflash_connect *out);
/* --chip: a part of the chip table (cli->chip) or an F1 clone (cli->clone). */
int parse_chip(const char *text, struct cli *cli);
/* --format and reset method names. */
int parse_image_format(const char *text, enum stflash_image_format *fmt);
int parse_reset_method(const char *text, enum stflash_reset *how);
/* write's --verify=MODE (text, NULL when not given) beside --no-verify: sets
 * wo->verify_readback, or says what is wrong (EXIT_USAGE). */
int parse_verify_mode(const char *text, struct stflash_write_options *wo);
/* Checks the syntax of a probe selector (the library checks the rest). */
int check_selector(const char *text);

/* ---- output (output.c) ---- */

void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_note(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "see 'stflash COMMAND --help'" after a usage error (NULL: the main help); --json's hint. */
void out_see_help(const char *command);
/* A result line on stdout (suppressed by --quiet). */
void out_result(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports a library failure: "stflash: " + the context's last error (or the code's text), and
 * a hint for the usual causes. `opening` is true when the error came from opening the probe.
 * Returns the exit code for it. */
int fail_lib(struct cli *cli, int rc, bool opening);
/* The exit code a library error stands for (a refused --chip is a usage error). */
int exit_code_for(int rc, bool opening);

/* Human sizes: "64 KiB", "1.5 MiB", "100 bytes". */
void fmt_size(char *buf, size_t cap, uint64_t bytes);
/* "sector" for sectored flash (F2/F4/F7 and others whose chip row lists sectors), else "page". */
const char *flash_unit_noun(const struct stflash_target_info *t);
/* Firmware version "V2J37S7", "V2J37M26", "V3J7M3". */
void fmt_firmware(char *buf, size_t cap, const struct stflash_probe_details *d);

/* ---- progress (progress.c) ---- */

void progress_setup(struct cli *cli);
/* Library callback. */
void progress_event(void *user, const struct stflash_progress *ev);
/* Bytes the library reported for a phase, summed over the runs of that phase that ended. */
uint64_t progress_phase_bytes(enum stflash_phase phase);
/* Ends an in-place progress line before another message is printed. */
void progress_break(void);
/* Progress of a phase the tool drives itself (read). */
void progress_report(enum stflash_phase phase, uint64_t done, uint64_t total, uint32_t addr);

/* ---- session (session.c) ---- */

/* Checks a selector taken from $STFLASH_PROBE, creates the library context with log and
 * progress callbacks. EXIT_OK, EXIT_USAGE or EXIT_FAILED (error printed). */
int session_init(struct cli *cli);
void session_done(struct cli *cli);
/* Opens the probe of --probe/$STFLASH_PROBE. `halt` as in stflash_open_options; connect is
 * --connect or `default_connect`. Returns EXIT_OK or the exit code (error printed). */
int session_open(struct cli *cli, enum stflash_connect default_connect, bool halt,
                 struct stflash_dev **out);
/* Loads an image file (fmt may be STFLASH_IMAGE_AUTO). Error printed, exit code returned. */
int session_load_image(struct cli *cli, const char *path, enum stflash_image_format fmt,
                       bool have_addr, uint32_t addr, struct stflash_image **out);
double now_seconds(void);

/* ---- subcommands ---- */

/* cmd_begin's answer when the subcommand has nothing more to do (its --help was printed). */
#define CMD_DONE (-1)

/*
 * Parses a subcommand's command line, prints its help when asked (returns CMD_DONE), checks the
 * number of positional arguments (args_usage shows them in the error), refuses --json for the
 * commands that stream (json_refusal), and creates the library context. Returns EXIT_OK,
 * CMD_DONE or an exit code.
 * After EXIT_OK the caller ends with session_done().
 */
int cmd_begin(struct cli *cli, const char *command, const struct opt_spec *spec, int argc,
              char **argv, int first, struct cmdline *cl, size_t min_args, size_t max_args,
              const char *args_usage);
/* The value of the last occurrence of option id ("" when it takes none), NULL when absent. */
const char *cmd_opt_value(const struct cmdline *cl, int id);
bool cmd_has_opt(const struct cmdline *cl, int id);

int cmd_probe(struct cli *cli, int argc, char **argv, int first);
int cmd_info(struct cli *cli, int argc, char **argv, int first);
int cmd_write(struct cli *cli, int argc, char **argv, int first);
int cmd_verify(struct cli *cli, int argc, char **argv, int first);
int cmd_erase(struct cli *cli, int argc, char **argv, int first);
int cmd_read(struct cli *cli, int argc, char **argv, int first);
int cmd_reset(struct cli *cli, int argc, char **argv, int first);
int cmd_chips(struct cli *cli, int argc, char **argv, int first);
int cmd_mem(struct cli *cli, int argc, char **argv, int first);
int cmd_regs(struct cli *cli, int argc, char **argv, int first);
int cmd_halt(struct cli *cli, int argc, char **argv, int first);
int cmd_resume(struct cli *cli, int argc, char **argv, int first);
int cmd_options(struct cli *cli, int argc, char **argv, int first);
int cmd_unlock(struct cli *cli, int argc, char **argv, int first);
int cmd_lock(struct cli *cli, int argc, char **argv, int first);
int cmd_doctor(struct cli *cli, int argc, char **argv, int first);
int cmd_gdbserver(struct cli *cli, int argc, char **argv, int first);
int cmd_run(struct cli *cli, int argc, char **argv, int first);
int cmd_rtt(struct cli *cli, int argc, char **argv, int first);
int cmd_swo(struct cli *cli, int argc, char **argv, int first);
int cmd_serve(struct cli *cli, int argc, char **argv, int first);

/* Prints the help of a subcommand (help.c); false when the name is unknown. */
bool help_command(const char *command);
void help_main(void);
void help_global_options(void);

#endif
