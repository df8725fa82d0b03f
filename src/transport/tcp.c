/*
 * The stlink-server transport: probes owned by ST's stlink-server (or by stflash-sim) reached
 * over TCP. One request, then one response (transport/stlink_server_proto.h); every connect,
 * send and receive has a deadline.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/le.h"
#include "core/net.h"
#include "stlink/stlink_proto.h"
#include "transport/stlink_server_proto.h"
#include "transport/tcp_reply.h"
#include "transport/transport.h"

#define TCP_DEFAULT_HOST "127.0.0.1"
#define TCP_CONNECT_MS 3000
/* One request and its response; the server itself gives a USB transfer a few seconds. */
#define TCP_REQUEST_MS 5000
/* How long a SEND_USB_CMD answered "busy" is repeated (the server shares the probe). */
#define TCP_BUSY_MS 2000
/* How long the rest of an error response is waited for (servers send only the status word). */
#define TCP_DRAIN_MS 50
/* Servers with API < 2 carry 1 KiB data phases only. */
#define TCP_OLD_API_MAX_DATA 1024u
/* The version of this protocol the client speaks (OpenOCD sends 1). */
#define TCP_CLIENT_API 1

struct conn {
    int fd;
    struct stflash_ctx *ctx;
    char where[96]; /* "stlink-server at 127.0.0.1:7184" */
    uint32_t api;
};

struct tcp_transport {
    struct transport base;
    struct conn c;
    uint32_t connect_id;
    char what[200];
};

/* A connection the server ended: by closing it, or by a reset (it went away with data unread);
 * the user sees one message for both. */
static int connection_lost(struct conn *c, const char *what)
{
    return ctx_fail(c->ctx, STFLASH_ERR_IO, "%s: %s: the server closed the connection", c->where,
                    what);
}

static bool peer_reset(int rc)
{
    return rc == NET_FAILED && (errno == ECONNRESET || errno == EPIPE);
}

static int send_all(struct conn *c, const uint8_t *buf, size_t len, int64_t deadline,
                    const char *what)
{
    int rc = net_send_all(c->fd, buf, len, deadline);
    if (rc == NET_TIMEOUT)
        return ctx_fail(c->ctx, STFLASH_ERR_TIMEOUT, "%s: %s: send timed out", c->where, what);
    if (peer_reset(rc))
        return connection_lost(c, what);
    if (rc != NET_OK)
        return ctx_fail(c->ctx, STFLASH_ERR_IO, "%s: %s: cannot send: %s", c->where, what,
                        strerror(errno));
    return STFLASH_OK;
}

static int recv_all(struct conn *c, uint8_t *buf, size_t len, int64_t deadline, const char *what)
{
    int rc = net_recv_all(c->fd, buf, len, deadline);
    if (rc == NET_CLOSED || peer_reset(rc))
        return connection_lost(c, what);
    if (rc == NET_TIMEOUT)
        return ctx_fail(c->ctx, STFLASH_ERR_TIMEOUT, "%s: %s: no answer within %d ms", c->where,
                        what, TCP_REQUEST_MS);
    if (rc != NET_OK)
        return ctx_fail(c->ctx, STFLASH_ERR_IO, "%s: %s: cannot receive: %s", c->where, what,
                        strerror(errno));
    return STFLASH_OK;
}

/* Reads and drops what may follow an error status, waiting briefly. */
static void drain(struct conn *c, size_t len)
{
    int64_t deadline = net_now_ms() + TCP_DRAIN_MS;
    uint8_t buf[256];
    while (len && net_wait(c->fd, POLLIN, deadline) > 0) {
        ssize_t n = recv(c->fd, buf, len < sizeof buf ? len : sizeof buf, 0);
        if (n <= 0)
            break;
        len -= (size_t)n;
    }
}

static const char *server_status_text(uint32_t status)
{
    switch (status) {
    case STLINK_SERVER_ERR_MEMORY:
        return "out of memory";
    case STLINK_SERVER_ERR_TIMEOUT:
        return "timeout";
    case STLINK_SERVER_ERR_BAD_PARAM:
        return "bad parameter";
    case STLINK_SERVER_ERR_OPEN:
        return "cannot open the probe";
    case STLINK_SERVER_ERR_TRUNCATED:
        return "truncated data";
    case STLINK_SERVER_ERR_NOT_AVAILABLE:
        return "command not available";
    case STLINK_SERVER_ERR_TCP:
        return "TCP error";
    case STLINK_SERVER_ERR_CONNECT:
        return "cannot connect";
    case STLINK_SERVER_ERR_CLOSE:
        return "close error";
    case STLINK_SERVER_ERR_BUSY:
        return "busy";
    case STLINK_SERVER_ERR_HOST:
        return "host OS error";
    default:
        return "unknown error";
    }
}

static int server_status_error(uint32_t status)
{
    switch (status) {
    case STLINK_SERVER_ERR_TIMEOUT:
        return STFLASH_ERR_TIMEOUT;
    case STLINK_SERVER_ERR_BUSY:
        return STFLASH_ERR_BUSY;
    case STLINK_SERVER_ERR_NOT_AVAILABLE:
        return STFLASH_ERR_UNSUPPORTED;
    case STLINK_SERVER_ERR_OPEN:
    case STLINK_SERVER_ERR_BAD_PARAM:
        return STFLASH_ERR_PROBE;
    default:
        return STFLASH_ERR_IO;
    }
}

static int server_fail(struct conn *c, uint32_t status, const char *what)
{
    return ctx_fail(c->ctx, server_status_error(status), "%s: %s failed: %s (status 0x%x)",
                    c->where, what, server_status_text(status), (unsigned)status);
}

/*
 * One request with a response of `resp_len` bytes. With `has_status`, the response begins with
 * a status word: anything but OK is an error (the rest of the response is dropped).
 */
static int request(struct conn *c, const uint8_t *req, size_t req_len, uint8_t *resp,
                   size_t resp_len, bool has_status, const char *what)
{
    int64_t deadline = net_now_ms() + TCP_REQUEST_MS;
    int rc = send_all(c, req, req_len, deadline, what);
    if (rc != STFLASH_OK)
        return rc;
    size_t first = has_status ? 4 : resp_len;
    rc = recv_all(c, resp, first, deadline, what);
    if (rc != STFLASH_OK)
        return rc;
    if (has_status && le32_get(resp) != STLINK_SERVER_OK) {
        drain(c, resp_len - 4);
        return server_fail(c, le32_get(resp), what);
    }
    return recv_all(c, resp + first, resp_len - first, deadline, what);
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static int conn_open(struct stflash_ctx *ctx, const char *host, int port, struct conn *c)
{
    if (!host || !*host)
        host = TCP_DEFAULT_HOST;
    if (port <= 0)
        port = STLINK_SERVER_DEFAULT_PORT;
    memset(c, 0, sizeof *c);
    c->fd = -1;
    c->ctx = ctx;
    snprintf(c->where, sizeof c->where, "stlink-server at %s:%d", host, port);
    if (port > 65535)
        return ctx_fail(ctx, STFLASH_ERR_INVALID_ARG, "%s: not a TCP port", c->where);

    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", port);
    int gai = 0;
    int rc = net_connect(host, portstr, net_now_ms() + TCP_CONNECT_MS, &c->fd, &gai);
    if (rc == NET_OK)
        return STFLASH_OK;
    if (rc == NET_NO_ADDRESS)
        return ctx_fail(ctx, STFLASH_ERR_NOT_FOUND, "%s: cannot resolve '%s': %s", c->where, host,
                        gai_strerror(gai));
    if (rc == NET_TIMEOUT)
        return ctx_fail(ctx, STFLASH_ERR_TIMEOUT, "%s: no connection within %d ms", c->where,
                        TCP_CONNECT_MS);
    if (errno == ECONNREFUSED)
        return ctx_fail(ctx, STFLASH_ERR_IO,
                        "%s: connection refused: is stlink-server (or stflash-sim) running?",
                        c->where);
    return ctx_fail(ctx, STFLASH_ERR_IO, "%s: cannot connect: %s", c->where, strerror(errno));
}

/* The shared secret of a server started with 'stflash serve --secret FILE': when the
 * environment names the file (STFLASH_SERVER_SECRET), it is sent first
 * (STLINK_SERVER_STFLASH_AUTH). A trailing newline in the file is not part of the secret. */
static int conn_auth(struct conn *c)
{
    const char *path = getenv("STFLASH_SERVER_SECRET");
    if (!path || !*path)
        return STFLASH_OK;
    uint8_t msg[STLINK_SERVER_AUTH_HDR + STLINK_SERVER_MAX_SECRET + 2];
    FILE *f = fopen(path, "rb");
    if (!f)
        return ctx_fail(c->ctx, STFLASH_ERR_IO,
                        "cannot read the secret file '%s' (STFLASH_SERVER_SECRET): %s", path,
                        strerror(errno));
    size_t n = fread(msg + STLINK_SERVER_AUTH_HDR, 1, STLINK_SERVER_MAX_SECRET + 1, f);
    fclose(f);
    while (n && (msg[STLINK_SERVER_AUTH_HDR + n - 1] == '\n' ||
                 msg[STLINK_SERVER_AUTH_HDR + n - 1] == '\r'))
        n--;
    if (n == 0 || n > STLINK_SERVER_MAX_SECRET)
        return ctx_fail(c->ctx, STFLASH_ERR_INVALID_ARG,
                        "the secret file '%s' (STFLASH_SERVER_SECRET) must hold 1 to %u bytes",
                        path, STLINK_SERVER_MAX_SECRET);
    memset(msg, 0, STLINK_SERVER_AUTH_HDR);
    msg[0] = STLINK_SERVER_STFLASH_AUTH;
    le32_put(&msg[4], (uint32_t)n);
    uint8_t resp[4];
    int rc = request(c, msg, STLINK_SERVER_AUTH_HDR + n, resp, sizeof resp, true, "AUTH");
    if (rc == STFLASH_ERR_PROBE || rc == STFLASH_ERR_UNSUPPORTED)
        rc = ctx_fail(c->ctx, STFLASH_ERR_ACCESS,
                      "%s: the server did not accept the secret of '%s' (STFLASH_SERVER_SECRET)",
                      c->where, path);
    return rc;
}

/* The largest data phase the server carries in one SEND_USB_CMD. */
static size_t data_limit(const struct conn *c)
{
    size_t limit = STLINK_SERVER_MAX_MSG - STLINK_SERVER_USB_CMD_HDR;
    return c->api < 2 && limit > TCP_OLD_API_MAX_DATA ? TCP_OLD_API_MAX_DATA : limit;
}

/* GET_SERVER_VERSION then REFRESH_DEVICE_LIST. */
static int conn_hello(struct conn *c)
{
    int arc = conn_auth(c);
    if (arc != STFLASH_OK)
        return arc;
    uint8_t req[8] = {STLINK_SERVER_GET_SERVER_VERSION, TCP_CLIENT_API, 0, 0};
    uint8_t resp[STLINK_SERVER_DEV_INFO_RESP];
    int rc = request(c, req, STLINK_SERVER_VERSION_REQ, resp, STLINK_SERVER_VERSION_RESP, false,
                     "GET_SERVER_VERSION");
    if (rc != STFLASH_OK)
        return rc;
    c->api = le32_get(resp);
    ctx_log(c->ctx, STFLASH_LOG_DEBUG, "%s: server API %u, version %u.%u.%u", c->where,
            (unsigned)c->api, (unsigned)le32_get(&resp[4]), (unsigned)le32_get(&resp[8]),
            (unsigned)le32_get(&resp[12]));
    memset(req, 0, sizeof req);
    req[0] = STLINK_SERVER_REFRESH_DEVICE_LIST;
    return request(c, req, STLINK_SERVER_REFRESH_REQ, resp, 4, true, "REFRESH_DEVICE_LIST");
}

/* Lists the server's probes; *out is freed by the caller. */
static int conn_list(struct conn *c, const char *host, int port, struct tcp_found **out,
                     size_t *count)
{
    uint8_t req[STLINK_SERVER_DEV_INFO_REQ] = {STLINK_SERVER_GET_NB_DEV};
    uint8_t resp[STLINK_SERVER_DEV_INFO_RESP];
    int rc = request(c, req, STLINK_SERVER_GET_NB_DEV_REQ, resp, 4, false, "GET_NB_DEV");
    if (rc != STFLASH_OK)
        return rc;
    uint32_t n = le32_get(resp);
    if (n > 255)
        return ctx_fail(c->ctx, STFLASH_ERR_FORMAT, "%s: reports %u probes", c->where, (unsigned)n);
    struct tcp_found *found = calloc(n + 1u, sizeof *found);
    if (!found)
        return ctx_fail(c->ctx, STFLASH_ERR_NO_MEMORY, "%s: out of memory", c->where);
    for (uint32_t i = 0; i < n; i++) {
        memset(req, 0, sizeof req);
        req[0] = STLINK_SERVER_GET_DEV_INFO;
        req[1] = (uint8_t)i;
        le32_put(&req[4], STLINK_SERVER_DEV_INFO_RECORD);
        rc = request(c, req, STLINK_SERVER_DEV_INFO_REQ, resp, STLINK_SERVER_DEV_INFO_RESP, true,
                     "GET_DEV_INFO");
        if (rc != STFLASH_OK) {
            free(found);
            return rc;
        }
        tcp_decode_dev_info(resp, host, port, &found[i]);
    }
    *out = found;
    *count = n;
    return STFLASH_OK;
}

static void normalise(const char **host, int *port)
{
    if (!*host || !**host)
        *host = TCP_DEFAULT_HOST;
    if (*port <= 0)
        *port = STLINK_SERVER_DEFAULT_PORT;
}

int tcp_enumerate(struct stflash_ctx *ctx, const char *host, int port, transport_found_fn fn,
                  void *user)
{
    normalise(&host, &port);
    struct conn c;
    int rc = conn_open(ctx, host, port, &c);
    if (rc != STFLASH_OK)
        return rc;
    struct tcp_found *found = NULL;
    size_t count = 0;
    rc = conn_hello(&c);
    if (rc == STFLASH_OK)
        rc = conn_list(&c, host, port, &found, &count);
    conn_close(&c);
    if (rc != STFLASH_OK)
        return rc;
    for (size_t i = 0; i < count; i++)
        fn(user, &found[i].info);
    free(found);
    return STFLASH_OK;
}

/* ---- one open probe ---- */

static int tcp_xfer(struct transport *tr, const uint8_t cmd[16], const uint8_t *out, size_t out_len,
                    uint8_t *in, size_t in_len)
{
    struct tcp_transport *t = (struct tcp_transport *)tr;
    struct conn *c = &t->c;
    if (c->fd < 0)
        return ctx_fail(tr->ctx, STFLASH_ERR_IO, "%s: the connection to the server is closed",
                        t->what);
    if (out_len && in_len)
        return ctx_fail(tr->ctx, STFLASH_ERR_INVALID_ARG,
                        "%s: a command cannot both send and receive data", t->what);
    size_t data = out_len ? out_len : in_len;
    size_t limit = data_limit(c);
    if (data > limit)
        return ctx_fail(tr->ctx, STFLASH_ERR_INVALID_ARG,
                        "%s: a data phase of %zu bytes exceeds the server's limit of %zu", t->what,
                        data, limit);

    uint8_t msg[STLINK_SERVER_MAX_MSG];
    memset(msg, 0, STLINK_SERVER_USB_CMD_HDR);
    msg[0] = STLINK_SERVER_SEND_USB_CMD;
    le32_put(&msg[STLINK_SERVER_USB_CONNECT_ID], t->connect_id);
    memcpy(&msg[STLINK_SERVER_USB_CMD], cmd, STLINK_CMD_SIZE);
    msg[STLINK_SERVER_USB_DIR] = in_len ? STLINK_SERVER_DIR_IN : STLINK_SERVER_DIR_OUT;
    le32_put(&msg[STLINK_SERVER_USB_LEN], (uint32_t)data);
    if (out_len)
        memcpy(&msg[STLINK_SERVER_USB_CMD_HDR], out, out_len);
    size_t msg_len = STLINK_SERVER_USB_CMD_HDR + out_len;

    int64_t busy_deadline = net_now_ms() + TCP_BUSY_MS;
    int backoff = 1;
    for (;;) {
        int64_t deadline = net_now_ms() + TCP_REQUEST_MS;
        int rc = send_all(c, msg, msg_len, deadline, "SEND_USB_CMD");
        uint8_t status[4];
        if (rc == STFLASH_OK)
            rc = recv_all(c, status, sizeof status, deadline, "SEND_USB_CMD");
        if (rc != STFLASH_OK) {
            conn_close(c); /* out of step with the server: nothing more can be sent */
            return ctx_fail(tr->ctx, rc, "%s: %s", t->what, stflash_last_error(tr->ctx));
        }
        uint32_t st = le32_get(status);
        if (st == STLINK_SERVER_OK) {
            rc = recv_all(c, in, in_len, deadline, "SEND_USB_CMD");
            if (rc != STFLASH_OK) {
                conn_close(c);
                return ctx_fail(tr->ctx, rc, "%s: %s", t->what, stflash_last_error(tr->ctx));
            }
            return STFLASH_OK;
        }
        drain(c, in_len);
        if (st == STLINK_SERVER_ERR_BUSY && net_now_ms() < busy_deadline) {
            struct timespec ts = {0, (long)backoff * 1000000L};
            nanosleep(&ts, NULL);
            if (backoff < 64)
                backoff *= 2;
            continue;
        }
        return ctx_fail(tr->ctx, server_status_error(st),
                        "%s: SEND_USB_CMD %02x %02x failed: %s (status 0x%x)", t->what, cmd[0],
                        cmd[1], server_status_text(st), (unsigned)st);
    }
}

static void tcp_close(struct transport *tr)
{
    struct tcp_transport *t = (struct tcp_transport *)tr;
    if (t->c.fd >= 0) {
        uint8_t req[STLINK_SERVER_CLOSE_REQ] = {STLINK_SERVER_CLOSE_DEV};
        uint8_t resp[4];
        le32_put(&req[4], t->connect_id);
        if (request(&t->c, req, sizeof req, resp, sizeof resp, true, "CLOSE_DEV") != STFLASH_OK)
            ctx_log(tr->ctx, STFLASH_LOG_DEBUG, "%s", stflash_last_error(tr->ctx));
        conn_close(&t->c);
    }
    free(t);
}

static const struct transport_ops tcp_ops = {tcp_xfer, tcp_close};

/* The trace endpoint through the server: SEND_USB_CMD with the trace direction, no command
 * block, `len` bytes back after the status (src/transport/stlink_server_proto.h). */
static int tcp_trace_read(struct transport *tr, uint8_t *buf, size_t len)
{
    struct tcp_transport *t = (struct tcp_transport *)tr;
    struct conn *c = &t->c;
    if (c->fd < 0)
        return ctx_fail(tr->ctx, STFLASH_ERR_IO, "%s: the connection to the server is closed",
                        t->what);
    if (len == 0)
        return STFLASH_OK;
    if (len > STLINK_SERVER_MAX_MSG - STLINK_SERVER_USB_CMD_HDR)
        return ctx_fail(tr->ctx, STFLASH_ERR_INVALID_ARG, "%s: trace read of %zu bytes", t->what,
                        len);
    uint8_t msg[STLINK_SERVER_USB_CMD_HDR] = {STLINK_SERVER_SEND_USB_CMD};
    le32_put(&msg[STLINK_SERVER_USB_CONNECT_ID], t->connect_id);
    msg[STLINK_SERVER_USB_DIR] = STLINK_SERVER_DIR_TRACE;
    le32_put(&msg[STLINK_SERVER_USB_LEN], (uint32_t)len);
    int64_t deadline = net_now_ms() + TCP_REQUEST_MS;
    uint8_t status[4];
    int rc = send_all(c, msg, sizeof msg, deadline, "SEND_USB_CMD (trace)");
    if (rc == STFLASH_OK)
        rc = recv_all(c, status, sizeof status, deadline, "SEND_USB_CMD (trace)");
    if (rc == STFLASH_OK && le32_get(status) == STLINK_SERVER_OK)
        rc = recv_all(c, buf, len, deadline, "SEND_USB_CMD (trace)");
    else if (rc == STFLASH_OK) {
        drain(c, len);
        return ctx_fail(tr->ctx, server_status_error(le32_get(status)), "%s: trace read failed: %s",
                        t->what, server_status_text(le32_get(status)));
    }
    if (rc != STFLASH_OK) {
        conn_close(c);
        return ctx_fail(tr->ctx, rc, "%s: %s", t->what, stflash_last_error(tr->ctx));
    }
    return STFLASH_OK;
}

int tcp_open(struct stflash_ctx *ctx, const char *host, int port, const char *serial,
             struct transport **out)
{
    normalise(&host, &port);
    struct tcp_transport *t = calloc(1, sizeof *t);
    if (!t)
        return ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "cannot open a probe over TCP: out of memory");
    int rc = conn_open(ctx, host, port, &t->c);
    struct tcp_found *found = NULL;
    size_t count = 0;
    if (rc == STFLASH_OK)
        rc = conn_hello(&t->c);
    if (rc == STFLASH_OK)
        rc = conn_list(&t->c, host, port, &found, &count);
    struct stflash_probe_info *infos = NULL;
    size_t index = 0;
    if (rc == STFLASH_OK) {
        infos = calloc(count + 1, sizeof *infos);
        if (!infos)
            rc = ctx_fail(ctx, STFLASH_ERR_NO_MEMORY, "%s: out of memory", t->c.where);
    }
    if (rc == STFLASH_OK) {
        for (size_t i = 0; i < count; i++)
            infos[i] = found[i].info;
        char where[128];
        snprintf(where, sizeof where, "on the %s", t->c.where);
        rc = transport_pick(ctx, infos, count, serial, where, &index);
    }
    if (rc == STFLASH_OK) {
        const struct tcp_found *f = &found[index];
        transport_describe(&f->info, t->what, sizeof t->what);
        if (f->info.status != STFLASH_OK)
            rc = ctx_fail(ctx, f->info.status, "cannot open %s: %s", t->what, f->info.status_text);
    }
    if (rc == STFLASH_OK) {
        const struct tcp_found *f = &found[index];
        uint8_t req[STLINK_SERVER_OPEN_REQ] = {STLINK_SERVER_OPEN_DEV};
        uint8_t resp[STLINK_SERVER_OPEN_RESP];
        le32_put(&req[4], f->device_id);
        rc = request(&t->c, req, sizeof req, resp, sizeof resp, true, "OPEN_DEV");
        if (rc == STFLASH_OK) {
            t->connect_id = le32_get(&resp[4]);
            t->base.info = f->info;
        } else if (rc == STFLASH_ERR_BUSY) {
            rc = ctx_fail(ctx, rc, "cannot open %s: in use by another client of the %s", t->what,
                          t->c.where);
        } else {
            rc = ctx_fail(ctx, rc, "cannot open %s: %s", t->what, stflash_last_error(ctx));
        }
    }
    free(infos);
    free(found);
    if (rc != STFLASH_OK) {
        conn_close(&t->c);
        free(t);
        return rc;
    }
    t->base.ops = &tcp_ops;
    t->base.trace_read = tcp_trace_read;
    t->base.max_data = data_limit(&t->c);
    t->base.ctx = ctx;
    *out = &t->base;
    return STFLASH_OK;
}
