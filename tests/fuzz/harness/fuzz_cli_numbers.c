/*
 * libFuzzer harness of the command line's parsers (tools/stflash/options.c): addresses, sizes,
 * SWD clocks, connect modes and probe selectors, from any text.
 * A value accepted must be in its range.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The parsers explain every refusal on stderr: keep the run's log readable. Sanitizer
     * reports go to file descriptor 2 itself and still show. */
    stderr = fopen("/dev/null", "w");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char text[257];
    memcpy(text, data, size);
    text[size] = '\0';
    uint32_t u32;
    uint64_t u64;
    enum stflash_connect connect;
    (void)parse_address(text, "address", &u32);
    if (parse_size(text, "size", &u64) == EXIT_OK && u64 == 0)
        abort(); /* sizes are at least one byte */
    (void)parse_freq(text, &u32);
    (void)parse_connect(text, &connect);
    (void)check_selector(text);
    return 0;
}
