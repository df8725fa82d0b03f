/*
 * libFuzzer harness of the GDB server's packet framing (tools/stflash/gdb_rsp.c): any byte
 * stream, fed byte by byte, gives packets that fit their buffer, are NUL-terminated, and come
 * with a checksum that matched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_rsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A small buffer too, so that the overflow path is reached often. */
    static char big[0x4000 + 1], small[16];
    char *bufs[2] = {big, small};
    size_t caps[2] = {sizeof big, sizeof small};
    for (int k = 0; k < 2; k++) {
        struct gdb_rsp r;
        gdb_rsp_init(&r, bufs[k], caps[k]);
        for (size_t i = 0; i < size; i++) {
            enum gdb_rsp_event ev = gdb_rsp_feed(&r, data[i]);
            if (ev == RSP_PACKET && (r.len >= caps[k] || bufs[k][r.len] != '\0'))
                abort();
            if (ev == RSP_INTERRUPT && data[i] != 0x03)
                abort();
        }
    }
    return 0;
}
