/*
 * The server side of the stlink-server protocol for stflash serve (serve.h). Hostile input: a
 * request's length is bounded before it is trusted (sim/server_request.c frames it), an unknown
 * command byte is answered "not available", a request left half-sent for PARTIAL_TIMEOUT_MS or a
 * client idle without an open probe for IDLE_TIMEOUT_MS is closed, and a reply that cannot be
 * delivered within SEND_DEADLINE_MS drops the client. Whatever ends a client, the probe it held
 * is closed (every command it sent had reached the probe whole) and free for the next.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/le.h"
#include "core/net.h"
#include "serve.h"
#include "server_request.h"
#include "stlink/stlink_proto.h"
#include "transport/stlink_server_proto.h"

#define MAX_CLIENTS 16
#define RX_CAP (STLINK_SERVER_USB_CMD_HDR + STLINK_SERVER_MAX_OUT + 64)
#define DEVICE_ID_BASE 0x1000u
#define SEND_DEADLINE_MS 2000
#define PARTIAL_TIMEOUT_MS 10000
#define IDLE_TIMEOUT_MS 120000
#define POLL_MS 200

struct client {
    struct serve *s;
    int fd;
    int id;
    bool authenticated;
    struct serve_probe *probe; /* the one it holds open, or NULL */
    uint8_t rx[RX_CAP];
    size_t rx_len;
};

static void logf_(struct serve *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct serve *s, const char *fmt, ...)
{
    if (s->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&s->lock);
    fputs("stflash serve: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&s->lock);
    va_end(ap);
}

static bool send_all(struct client *c, const void *buf, size_t len)
{
    return net_send_all(c->fd, buf, len, net_now_ms() + SEND_DEADLINE_MS) == NET_OK;
}

static bool reply_status(struct client *c, uint32_t status)
{
    uint8_t buf[4];
    le32_put(buf, status);
    return send_all(c, buf, sizeof buf);
}

/* Lets go of the probe the client holds: closed, free for the next client. */
static void release(struct client *c, const char *why)
{
    struct serve_probe *p = c->probe;
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    stflash_raw_close(p->raw);
    stflash_ctx_free(p->ctx);
    p->raw = NULL;
    p->ctx = NULL;
    p->owner = -1;
    pthread_mutex_unlock(&p->lock);
    c->probe = NULL;
    logf_(c->s, "probe %s: %s", p->serial, why);
}

static bool open_probe(struct client *c, uint32_t device_id)
{
    struct serve *s = c->s;
    uint8_t buf[STLINK_SERVER_OPEN_RESP] = {0};
    if (device_id < DEVICE_ID_BASE || device_id - DEVICE_ID_BASE >= s->nprobes)
        return reply_status(c, STLINK_SERVER_ERR_OPEN);
    struct serve_probe *p = &s->probes[device_id - DEVICE_ID_BASE];
    if (c->probe) /* one probe per connection, as ST's server */
        return reply_status(c, STLINK_SERVER_ERR_BUSY);
    pthread_mutex_lock(&p->lock);
    uint32_t status = STLINK_SERVER_OK;
    char why[300] = "";
    if (p->owner >= 0) {
        status = STLINK_SERVER_ERR_BUSY;
    } else if (stflash_ctx_new(&p->ctx) != 0) {
        status = STLINK_SERVER_ERR_MEMORY;
    } else if (stflash_raw_open(p->ctx, p->selector, &p->raw) != 0) {
        snprintf(why, sizeof why, "%s", stflash_last_error(p->ctx));
        stflash_ctx_free(p->ctx);
        p->ctx = NULL;
        status = STLINK_SERVER_ERR_OPEN;
    } else {
        p->owner = c->id;
        pthread_mutex_lock(&s->lock);
        p->connect_id = s->next_connect_id++;
        pthread_mutex_unlock(&s->lock);
        c->probe = p;
    }
    pthread_mutex_unlock(&p->lock);
    if (status == STLINK_SERVER_OK)
        logf_(s, "probe %s: opened by client %d", p->serial, c->id);
    else if (why[0])
        logf_(s, "probe %s: cannot open: %s", p->serial, why);
    le32_put(buf, status);
    le32_put(&buf[4], status == STLINK_SERVER_OK ? p->connect_id : 0);
    return send_all(c, buf, sizeof buf);
}

static bool usb_cmd(struct client *c, const uint8_t *rx)
{
    struct serve_probe *p = c->probe;
    uint32_t len = le32_get(&rx[STLINK_SERVER_USB_LEN]);
    uint8_t dir = rx[STLINK_SERVER_USB_DIR];
    if (!p || le32_get(&rx[STLINK_SERVER_USB_CONNECT_ID]) != p->connect_id)
        return reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
    if (dir == STLINK_SERVER_DIR_TRACE) /* SWO is not relayed */
        return reply_status(c, STLINK_SERVER_ERR_NOT_AVAILABLE);
    if ((dir != STLINK_SERVER_DIR_OUT && dir != STLINK_SERVER_DIR_IN) ||
        len > (dir == STLINK_SERVER_DIR_OUT ? STLINK_SERVER_MAX_OUT : STLINK_SERVER_MAX_MSG))
        return reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
    size_t in_len = dir == STLINK_SERVER_DIR_IN ? len : 0;
    uint8_t *resp = calloc(1, 4 + in_len);
    if (!resp)
        return reply_status(c, STLINK_SERVER_ERR_MEMORY);
    pthread_mutex_lock(&p->lock);
    int rc = stflash_raw_xfer(p->raw, &rx[STLINK_SERVER_USB_CMD],
                              dir == STLINK_SERVER_DIR_OUT ? rx + STLINK_SERVER_USB_CMD_HDR : NULL,
                              dir == STLINK_SERVER_DIR_OUT ? len : 0, resp + 4, in_len);
    char why[300] = "";
    if (rc != 0)
        snprintf(why, sizeof why, "%s", stflash_last_error(p->ctx));
    pthread_mutex_unlock(&p->lock);
    bool ok;
    if (rc == 0) {
        le32_put(resp, STLINK_SERVER_OK);
        ok = send_all(c, resp, 4 + in_len);
    } else {
        logf_(c->s, "probe %s: %s", p->serial, why);
        ok = reply_status(c, rc == STFLASH_ERR_TIMEOUT ? STLINK_SERVER_ERR_TIMEOUT
                                                       : STLINK_SERVER_ERR_HOST);
    }
    free(resp);
    return ok;
}

/* Equal without telling by its timing how much of the secret matched. */
static bool same_secret(const uint8_t *a, size_t alen, const char *b, size_t blen)
{
    uint8_t diff = (uint8_t)(alen != blen);
    for (size_t i = 0; i < alen; i++)
        diff |= (uint8_t)(a[i] ^ (uint8_t)b[i % (blen ? blen : 1)]);
    return diff == 0;
}

/* One whole request; false closes the connection. */
static bool handle(struct client *c, const uint8_t *rx, size_t len)
{
    struct serve *s = c->s;
    uint8_t buf[STLINK_SERVER_DEV_INFO_RESP] = {0};
    if (s->secret && !c->authenticated) {
        bool ok = rx[0] == STLINK_SERVER_STFLASH_AUTH &&
                  same_secret(rx + STLINK_SERVER_AUTH_HDR, len - STLINK_SERVER_AUTH_HDR, s->secret,
                              s->secret_len);
        if (!ok) {
            logf_(s, "client %d: %s; closed", c->id,
                  rx[0] == STLINK_SERVER_STFLASH_AUTH ? "wrong secret" : "no secret given");
            (void)reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
            return false;
        }
        c->authenticated = true;
        return reply_status(c, STLINK_SERVER_OK);
    }
    switch (rx[0]) {
    case STLINK_SERVER_STFLASH_AUTH: /* none demanded: accepted */
        return reply_status(c, STLINK_SERVER_OK);
    case STLINK_SERVER_GET_SERVER_VERSION:
        le32_put(&buf[0], 2); /* API 2: data phases up to the message limit */
        le32_put(&buf[4], 2);
        le32_put(&buf[8], 1);
        le32_put(&buf[12], 0);
        return send_all(c, buf, STLINK_SERVER_VERSION_RESP);
    case STLINK_SERVER_REFRESH_DEVICE_LIST:
        return reply_status(c, STLINK_SERVER_OK);
    case STLINK_SERVER_GET_NB_DEV:
        le32_put(buf, (uint32_t)s->nprobes);
        return send_all(c, buf, 4);
    case STLINK_SERVER_GET_DEV_INFO: {
        unsigned i = rx[1];
        if (i >= s->nprobes)
            return reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
        struct serve_probe *p = &s->probes[i];
        le32_put(buf, STLINK_SERVER_OK);
        le32_put(&buf[STLINK_SERVER_INFO_DEVICE_ID], DEVICE_ID_BASE + i);
        snprintf((char *)&buf[STLINK_SERVER_INFO_SERIAL], STLINK_SERVER_SERIAL_LEN, "%s",
                 p->serial);
        le16_put(&buf[STLINK_SERVER_INFO_VID], STLINK_VID);
        le16_put(&buf[STLINK_SERVER_INFO_PID], p->pid);
        pthread_mutex_lock(&p->lock);
        buf[STLINK_SERVER_INFO_IN_USE] = p->owner >= 0 && p->owner != c->id;
        pthread_mutex_unlock(&p->lock);
        return send_all(c, buf, STLINK_SERVER_DEV_INFO_RESP);
    }
    case STLINK_SERVER_OPEN_DEV:
        return open_probe(c, le32_get(&rx[4]));
    case STLINK_SERVER_CLOSE_DEV:
        if (!c->probe || le32_get(&rx[4]) != c->probe->connect_id)
            return reply_status(c, STLINK_SERVER_ERR_CLOSE);
        release(c, "closed by its client");
        return reply_status(c, STLINK_SERVER_OK);
    case STLINK_SERVER_SEND_USB_CMD:
        return usb_cmd(c, rx);
    case STLINK_SERVER_GET_NB_OF_DEV_CLIENTS:
        le32_put(buf, STLINK_SERVER_OK);
        le32_put(&buf[4], c->probe ? 1 : 0);
        return send_all(c, buf, 8);
    default:
        return reply_status(c, STLINK_SERVER_ERR_NOT_AVAILABLE);
    }
}

/* Serves the requests in rx; false closes the connection. */
static bool take_requests(struct client *c)
{
    while (c->rx_len) {
        size_t need = sim_request_length(c->rx, c->rx_len);
        if (need == 0 || need > sizeof c->rx)
            return false; /* longer than any valid request */
        if (c->rx_len < need)
            return true;
        if (!handle(c, c->rx, need))
            return false;
        memmove(c->rx, c->rx + need, c->rx_len - need);
        c->rx_len -= need;
    }
    return true;
}

static void *client_thread(void *arg)
{
    struct client *c = arg;
    struct serve *s = c->s;
    int64_t last = net_now_ms(), partial_since = 0;
    const char *why = "disconnected";
    while (!*s->stop) {
        int r = net_wait(c->fd, POLLIN, net_now_ms() + POLL_MS);
        int64_t now = net_now_ms();
        if (r < 0) {
            why = "connection error";
            break;
        }
        if (r == 0) {
            if (partial_since && now - partial_since > PARTIAL_TIMEOUT_MS) {
                why = "request left unfinished";
                break;
            }
            if (!c->probe && now - last > IDLE_TIMEOUT_MS) {
                why = "idle with no probe open";
                break;
            }
            continue;
        }
        ssize_t got = recv(c->fd, c->rx + c->rx_len, sizeof c->rx - c->rx_len, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (got <= 0)
            break;
        last = now;
        c->rx_len += (size_t)got;
        if (!take_requests(c)) {
            why = "closed (not this protocol, or a reply it did not take)";
            break;
        }
        partial_since = c->rx_len ? (partial_since ? partial_since : now) : 0;
    }
    if (c->probe)
        release(c, "its client went away; closed");
    logf_(s, "client %d: %s", c->id, why);
    close(c->fd);
    pthread_mutex_lock(&s->lock);
    s->clients--;
    pthread_mutex_unlock(&s->lock);
    free(c);
    return NULL;
}

static void accept_one(struct serve *s)
{
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        close(fd);
        return;
    }
    pthread_mutex_lock(&s->lock);
    bool full = s->clients >= MAX_CLIENTS;
    if (!full)
        s->clients++;
    int id = ++s->next_client;
    pthread_mutex_unlock(&s->lock);
    struct client *c = full ? NULL : calloc(1, sizeof *c);
    if (!c) {
        if (!full) {
            pthread_mutex_lock(&s->lock);
            s->clients--;
            pthread_mutex_unlock(&s->lock);
        }
        logf_(s, "refusing a client: %s", full ? "too many clients" : "out of memory");
        close(fd);
        return;
    }
    c->s = s;
    c->fd = fd;
    c->id = id;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    if (pthread_create(&t, &attr, client_thread, c) != 0) {
        close(fd);
        free(c);
        pthread_mutex_lock(&s->lock);
        s->clients--;
        pthread_mutex_unlock(&s->lock);
    } else {
        logf_(s, "client %d connected", id);
    }
    pthread_attr_destroy(&attr);
}

int serve_run(struct serve *s)
{
    while (!*s->stop) {
        if (net_wait(s->listen_fd, POLLIN, net_now_ms() + POLL_MS) > 0)
            accept_one(s);
    }
    /* The client threads see the stop within POLL_MS and close their probes. */
    for (int waited = 0; waited < 100; waited++) {
        pthread_mutex_lock(&s->lock);
        int left = s->clients;
        pthread_mutex_unlock(&s->lock);
        if (!left)
            break;
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}
