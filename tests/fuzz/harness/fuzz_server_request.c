/*
 * libFuzzer harness of the virtual-board daemon's request framing (sim/server_request.c), run
 * as the daemon runs it: bytes arrive in pieces, a request is taken once its length is in.
 * Every length must be at least 1 (the stream always advances) and computed without wrapping.
 */
#include <stdint.h>
#include <stdlib.h>

#include "server_request.h"
#include "transport/stlink_server_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;
    while (pos < size) {
        size_t have = size - pos;
        /* As the daemon: ask with what has come so far, then with all of it. */
        size_t need = sim_request_length(data + pos, have < 4 ? have : 4);
        if (need == 0)
            abort();
        need = sim_request_length(data + pos, have);
        if (need == 0 || need > (size_t)STLINK_SERVER_USB_CMD_HDR + UINT32_MAX)
            abort();
        if (need > have)
            break; /* the rest of a request that never came */
        pos += need;
    }
    return 0;
}
