#include "core/net.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int net_wait(int fd, short events, int64_t deadline)
{
    for (;;) {
        int timeout = -1;
        if (deadline != NET_NO_DEADLINE) {
            int64_t left = deadline - net_now_ms();
            if (left <= 0)
                return 0;
            timeout = left < INT_MAX ? (int)left : INT_MAX;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, timeout);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* One address: NET_OK with *fd, or the failure with its errno in *err (0 for a timeout). */
static int connect_one(const struct addrinfo *ai, int64_t deadline, int *fd, int *err)
{
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (s < 0) {
        *err = errno;
        return NET_FAILED;
    }
    int rc = NET_OK;
    if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0) {
        rc = NET_FAILED;
        *err = errno;
        if (errno == EINPROGRESS || errno == EINTR) {
            int w = net_wait(s, POLLOUT, deadline);
            socklen_t len = sizeof *err;
            *err = w < 0 ? errno : 0;
            if (w == 0)
                rc = NET_TIMEOUT;
            else if (w > 0 && getsockopt(s, SOL_SOCKET, SO_ERROR, err, &len) == 0 && *err == 0)
                rc = NET_OK;
        }
    }
    if (rc != NET_OK) {
        close(s);
        return rc;
    }
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    *fd = s;
    return NET_OK;
}

int net_connect(const char *host, const char *port, int64_t deadline, int *fd, int *gai_code)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        if (gai_code)
            *gai_code = gai;
        return NET_NO_ADDRESS;
    }
    int err = 0;
    bool timed_out = false;
    int rc = NET_FAILED;
    for (struct addrinfo *ai = res; ai && rc != NET_OK; ai = ai->ai_next) {
        int e = 0;
        rc = connect_one(ai, deadline, fd, &e);
        timed_out |= rc == NET_TIMEOUT;
        if (e)
            err = e;
    }
    freeaddrinfo(res);
    if (rc == NET_OK)
        return NET_OK;
    /* A refusal from one address says more than a timeout from another. */
    if (timed_out && !err)
        return NET_TIMEOUT;
    errno = err;
    return NET_FAILED;
}

/* After a send or receive that failed: NET_OK to try again (interrupted, or the socket is ready
 * again within the deadline), else what to return. */
static int retry(int fd, short events, int64_t deadline)
{
    if (errno == EINTR)
        return NET_OK;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        return NET_FAILED;
    int w = net_wait(fd, events, deadline);
    if (w > 0)
        return NET_OK;
    return w == 0 ? NET_TIMEOUT : NET_FAILED;
}

int net_send_all(int fd, const void *buf, size_t len, int64_t deadline)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        int rc = n < 0 ? retry(fd, POLLOUT, deadline) : NET_FAILED;
        if (rc != NET_OK)
            return rc;
    }
    return NET_OK;
}

int net_recv_all(int fd, void *buf, size_t len, int64_t deadline)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = recv(fd, p, len, 0);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        int rc = n == 0 ? NET_CLOSED : retry(fd, POLLIN, deadline);
        if (rc != NET_OK)
            return rc;
    }
    return NET_OK;
}
