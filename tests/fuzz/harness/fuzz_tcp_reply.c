/*
 * libFuzzer harness of the stlink-server client's reply decoding (src/transport/tcp_reply.c):
 * any GET_DEV_INFO record gives a NUL-terminated serial and name, and a status.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transport/tcp_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t resp[STLINK_SERVER_DEV_INFO_RESP];
    memset(resp, 0, sizeof resp);
    memcpy(resp, data, size < sizeof resp ? size : sizeof resp);
    struct tcp_found f;
    tcp_decode_dev_info(resp, "127.0.0.1", 7184, &f);
    if (strnlen(f.info.serial, sizeof f.info.serial) == sizeof f.info.serial ||
        strnlen(f.info.name, sizeof f.info.name) == sizeof f.info.name ||
        f.info.serial_raw_len > STLINK_SERVER_SERIAL_LEN)
        abort();
    if (f.info.vid != 0x0483 && f.info.status == 0)
        abort(); /* another vendor's device is never usable */
    return 0;
}
