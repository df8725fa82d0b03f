/*
 * The command line of stflash-st-flash (tools/compat/st-flash.c): stlink-tools 1.7.0's st-flash
 * arguments, parsed into struct options with its messages, and its texts about the option areas.
 */
#ifndef STFLASH_TOOLS_COMPAT_ST_FLASH_ARGS_H
#define STFLASH_TOOLS_COMPAT_ST_FLASH_ARGS_H

#include "compat.h"

enum command { CMD_NONE, CMD_READ, CMD_WRITE, CMD_ERASE, CMD_RESET };
enum area {
    AREA_MAIN,
    AREA_SYSTEM,
    AREA_OTP,
    AREA_OPTION,
    AREA_OPTION_BOOT_ADD,
    AREA_OPTCR,
    AREA_OPTCR1
};

struct options {
    bool debug, reset, opt, ihex;
    const char *serial;
    uint32_t flash_size;
    uint32_t khz;
    enum stflash_connect connect;
    enum area area;
    enum command cmd;
    const char *path;
    uint32_t addr, size, value;
    bool have_size;
};

/* What stlink-tools says about the option areas on a chip it cannot handle. stlink-tools 1.7.0
 * does not handle them on F0/F1/F3, and those are the only parts whose option bytes stflash
 * reaches (stflash options): these answers are given for every chip. */
struct area_text {
    const char *read_args, *write_args;
    const char *read_error, *read_fail;
    const char *write_error; /* followed by "Flash option write failed!" unless write_fail */
    const char *write_fail;
};
extern const struct area_text area_texts[];

/* Returns 0, or the exit status after printing the usage. `version` is set for --version. */
int st_flash_parse(int argc, char **argv, struct options *o, bool *version);

#endif
