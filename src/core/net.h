/*
 * TCP helpers shared by the stlink-server client (src/transport/tcp.c), the daemon (sim/server.c)
 * and the stand-in libusb (sim/libusb): connect with a deadline, send all, receive exactly N bytes.
 * Deadlines are net_now_ms() times; NET_NO_DEADLINE waits as long as it takes. Built as its own
 * library, without sanitizers and position-independent, so the stand-in libusb can link it.
 */
#ifndef STFLASH_CORE_NET_H
#define STFLASH_CORE_NET_H

#include <stddef.h>
#include <stdint.h>

#define NET_NO_DEADLINE INT64_MAX

enum net_result {
    NET_OK = 0,
    NET_TIMEOUT = -1,   /* the deadline passed */
    NET_CLOSED = -2,    /* the peer closed the connection before all was received */
    NET_FAILED = -3,    /* a system call failed: errno says why */
    NET_NO_ADDRESS = -4 /* the host name did not resolve */
};

/* Milliseconds on the monotonic clock. */
int64_t net_now_ms(void);

/* Waits for `events` (poll flags) on fd until the deadline: 1 ready, 0 deadline passed, -1 error.
 */
int net_wait(int fd, short events, int64_t deadline);

/*
 * Connects to host:port over TCP, trying each address the name resolves to, and returns the
 * socket in *fd: non-blocking, close-on-exec, with Nagle's algorithm off (every request is one
 * small message waiting for its answer). NET_NO_ADDRESS leaves getaddrinfo's code in *gai_code
 * (when not NULL); NET_TIMEOUT means every address that was tried timed out.
 */
int net_connect(const char *host, const char *port, int64_t deadline, int *fd, int *gai_code);

/* Sends all of buf: NET_OK, NET_TIMEOUT or NET_FAILED. SIGPIPE is not raised. */
int net_send_all(int fd, const void *buf, size_t len, int64_t deadline);

/* Receives exactly len bytes: NET_OK, NET_TIMEOUT, NET_CLOSED or NET_FAILED. */
int net_recv_all(int fd, void *buf, size_t len, int64_t deadline);

#endif
