/* The framing of stlink-server requests, apart from the sockets (server_request.c). */
#ifndef STFLASH_SIM_SERVER_REQUEST_H
#define STFLASH_SIM_SERVER_REQUEST_H

#include <stddef.h>
#include <stdint.h>

/* The length of the request that starts at rx, once `have` (>= 1) bytes are in: at most the
 * header length plus a 32-bit count, computed in size_t so that no length wraps. 1 for an
 * unknown command byte. */
size_t sim_request_length(const uint8_t *rx, size_t have);

#endif
