/*
 * The daemon's network side: the stlink-server TCP protocol (src/transport/stlink_server_proto.h)
 * for probe clients, and a line-based control port for tests and benchmarks. One thread, poll().
 *
 * Hostile input: every request length is bounded before it is trusted; a client that stops
 * reading is dropped once a reply cannot be delivered within SEND_DEADLINE_MS; a request left
 * half-sent for PARTIAL_TIMEOUT_MS, or a connection with no open probe session idle for
 * IDLE_TIMEOUT_MS, is closed; when every slot is taken the longest-idle client without a session
 * makes room. The control port only speaks its own line protocol: anything else closes the
 * connection, and it writes no file but the state file the operator named with --state.
 */
#include <arpa/inet.h>
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
#include <unistd.h>

#include "core/le.h"
#include "core/net.h"
#include "libusb/usb_events.h"
#include "server.h"
#include "server_control.h"
#include "server_request.h"
#include "stlink/stlink_proto.h"
#include "transport/stlink_server_proto.h"

#define MAX_CLIENTS 32
#define MAX_CONTROL_CLIENTS 8
#define RX_CAP (STLINK_SERVER_USB_CMD_HDR + STLINK_SERVER_MAX_OUT + 64)
#define DEVICE_ID_BASE 0x1000u
#define SEND_DEADLINE_MS 2000
#define PARTIAL_TIMEOUT_MS 10000
#define IDLE_TIMEOUT_MS 120000
/* One `advance` may cost real time in proportion (the core executes): bounded per command. */
#define ADVANCE_MAX_MS 10000
#define AUTOSAVE_IDLE_MS 500

enum client_kind { CLIENT_PROBE, CLIENT_CONTROL };

struct client {
    int fd;
    enum client_kind kind;
    uint8_t rx[RX_CAP];
    size_t rx_len;
    int board; /* opened board index, or -1 */
    uint32_t connect_id;
    int64_t last_active_ms;   /* net_now_ms() of the last byte received */
    int64_t partial_since_ms; /* when the pending partial request began, 0 when none */
};

struct sim_server {
    struct sim_server_config cfg;
    int probe_fd;
    int control_fd;
    struct client clients[MAX_CLIENTS];
    uint32_t next_connect_id;
    bool quit;
    sim_ps busy_ps; /* real time spent in board commands, every board (board.h busy_clock) */
};

static void logf_(struct sim_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct sim_server *s, const char *fmt, ...)
{
    if (!s->cfg.log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->cfg.log, fmt, ap);
    va_end(ap);
    fflush(s->cfg.log);
}

/* Listens on addr:*port; port 0 picks a free port, written back to *port. */
static int listen_on(const char *addr, int *port, char *err, size_t errlen)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)*port)};
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "'%s' is not an IPv4 address", addr);
        close(fd);
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s%s", addr, *port, strerror(errno),
                 errno == EADDRINUSE ? " (another daemon or stlink-server running? pick another "
                                       "port with --port)"
                                     : "");
        close(fd);
        return -1;
    }
    socklen_t len = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        *port = ntohs(sa.sin_port);
    return fd;
}

struct sim_server *sim_server_create(const struct sim_server_config *cfg, char *err, size_t errlen)
{
    struct sim_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->probe_fd = s->control_fd = -1;
    s->next_connect_id = 1;
    for (size_t k = 0; k < cfg->nboards; k++)
        cfg->boards[k]->busy_clock = &s->busy_ps;
    for (int i = 0; i < MAX_CLIENTS; i++)
        s->clients[i].fd = -1;
    s->probe_fd = listen_on(cfg->bind_addr, &s->cfg.port, err, errlen);
    if (s->probe_fd < 0)
        goto fail;
    if (cfg->control_port >= 0) {
        s->control_fd = listen_on(cfg->bind_addr, &s->cfg.control_port, err, errlen);
        if (s->control_fd < 0)
            goto fail;
    }
    return s;
fail:
    sim_server_free(s);
    return NULL;
}

int sim_server_port(const struct sim_server *s)
{
    return s->cfg.port;
}

int sim_server_control_port(const struct sim_server *s)
{
    return s->control_fd >= 0 ? s->cfg.control_port : 0;
}

void sim_server_free(struct sim_server *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->cfg.nboards; k++)
        s->cfg.boards[k]->busy_clock = NULL;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0)
            close(s->clients[i].fd);
    if (s->probe_fd >= 0)
        close(s->probe_fd);
    if (s->control_fd >= 0)
        close(s->control_fd);
    free(s);
}

/* A reply goes out whole before the next client is served; a client that does not take it
 * within the deadline is dropped by the caller. */
static bool send_all(int fd, const void *buf, size_t len)
{
    return net_send_all(fd, buf, len, net_now_ms() + SEND_DEADLINE_MS) == NET_OK;
}

static void drop_client(struct sim_server *s, struct client *c)
{
    if (c->board >= 0) {
        struct sim_board *b = s->cfg.boards[c->board];
        sim_board_session_end(b);
        logf_(s, "board %d: client left without closing the probe; session ended\n", c->board);
    }
    close(c->fd);
    c->fd = -1;
    c->board = -1;
    c->rx_len = 0;
    c->partial_since_ms = 0;
}

/* ---- stlink-server requests ---- */

static bool board_in_use(struct sim_server *s, int index)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0 && s->clients[i].board == index)
            return true;
    return false;
}

static bool reply_status(struct client *c, uint32_t status)
{
    uint8_t buf[4];
    le32_put(buf, status);
    return send_all(c->fd, buf, 4);
}

static bool handle_usb_cmd(struct sim_server *s, struct client *c, const uint8_t *rx)
{
    uint32_t len = le32_get(&rx[STLINK_SERVER_USB_LEN]);
    uint8_t dir = rx[STLINK_SERVER_USB_DIR];
    if (c->board < 0 || le32_get(&rx[STLINK_SERVER_USB_CONNECT_ID]) != c->connect_id)
        return reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
    if (len > (dir == STLINK_SERVER_DIR_OUT ? STLINK_SERVER_MAX_OUT : STLINK_SERVER_MAX_MSG))
        return reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
    struct sim_board *b = s->cfg.boards[c->board];
    static const uint8_t none[1];
    uint8_t *resp = malloc(4 + (size_t)len + 64);
    if (!resp)
        return reply_status(c, STLINK_SERVER_ERR_MEMORY);
    const uint8_t *out = dir == STLINK_SERVER_DIR_OUT ? rx + STLINK_SERVER_USB_CMD_HDR : none;
    size_t out_len = dir == STLINK_SERVER_DIR_OUT ? len : 0;
    size_t in_cap = dir == STLINK_SERVER_DIR_IN || dir == STLINK_SERVER_DIR_TRACE ? len : 0;
    memset(resp + 4, 0, in_cap);
    if (dir == STLINK_SERVER_DIR_TRACE) {
        /* The trace endpoint: what the probe's SWO receiver holds, the rest zeros (clients ask
         * for the count GET_TRACE_NB gave). */
        sim_swo_rx_take(&b->target.swo, resp + 4, in_cap);
    } else {
        bool was_hung = b->probe.hung;
        sim_board_command(b, &rx[STLINK_SERVER_USB_CMD], out, out_len, resp + 4, in_cap);
        if (was_hung && b->probe.hung && rx[STLINK_SERVER_USB_CMD] != SIM_PROBE_USB_READ_IN) {
            /* A probe that answers nothing: on USB the transfer times out, which is what the
             * server reports (the status word alone), not a reply of zeros. */
            free(resp);
            return reply_status(c, STLINK_SERVER_ERR_TIMEOUT);
        }
    }
    if (b->faults.gone || b->faults.reply_dropped) {
        /* Injected faults: a probe that is gone drops the connection; a reply that never comes
         * leaves the client waiting (until its own deadline). */
        free(resp);
        if (b->faults.gone)
            logf_(s, "board %d: the probe is gone (injected fault): connection closed\n", c->board);
        return !b->faults.gone;
    }
    le32_put(resp, STLINK_SERVER_OK);
    bool ok = send_all(c->fd, resp, 4 + in_cap);
    free(resp);
    return ok;
}

static bool handle_request(struct sim_server *s, struct client *c, const uint8_t *rx)
{
    uint8_t buf[64] = {0};
    switch (rx[0]) {
    case STLINK_SERVER_GET_SERVER_VERSION:
        /* api 2: transfers up to the message limit; no multi-client locking */
        le32_put(&buf[0], 2);
        le32_put(&buf[4], 2);
        le32_put(&buf[8], 1);
        le32_put(&buf[12], 0);
        return send_all(c->fd, buf, STLINK_SERVER_VERSION_RESP);
    case STLINK_SERVER_REFRESH_DEVICE_LIST:
        return reply_status(c, STLINK_SERVER_OK);
    case STLINK_SERVER_GET_NB_DEV:
        le32_put(buf, (uint32_t)s->cfg.nboards);
        return send_all(c->fd, buf, 4);
    case STLINK_SERVER_GET_DEV_INFO: {
        unsigned i = rx[1];
        if (i >= s->cfg.nboards)
            return reply_status(c, STLINK_SERVER_ERR_BAD_PARAM);
        struct sim_board *b = s->cfg.boards[i];
        le32_put(buf, STLINK_SERVER_OK);
        le32_put(&buf[STLINK_SERVER_INFO_DEVICE_ID], DEVICE_ID_BASE + i);
        sim_probe_serial_text(&b->probe, (char *)&buf[STLINK_SERVER_INFO_SERIAL],
                              STLINK_SERVER_SERIAL_LEN);
        le16_put(&buf[STLINK_SERVER_INFO_VID], STLINK_VID);
        le16_put(&buf[STLINK_SERVER_INFO_PID], sim_probe_pid(&b->probe));
        buf[STLINK_SERVER_INFO_IN_USE] = board_in_use(s, (int)i) ? 1 : 0;
        return send_all(c->fd, buf, STLINK_SERVER_DEV_INFO_RESP);
    }
    case STLINK_SERVER_OPEN_DEV: {
        uint32_t id = le32_get(&rx[4]);
        if (id < DEVICE_ID_BASE || id - DEVICE_ID_BASE >= s->cfg.nboards)
            return reply_status(c, STLINK_SERVER_ERR_OPEN);
        int index = (int)(id - DEVICE_ID_BASE);
        if (c->board >= 0 || board_in_use(s, index)) {
            le32_put(buf, STLINK_SERVER_ERR_BUSY);
            return send_all(c->fd, buf, STLINK_SERVER_OPEN_RESP);
        }
        c->board = index;
        c->connect_id = s->next_connect_id++;
        sim_board_session_begin(s->cfg.boards[index]);
        logf_(s, "board %d: session opened\n", index);
        le32_put(buf, STLINK_SERVER_OK);
        le32_put(&buf[4], c->connect_id);
        return send_all(c->fd, buf, STLINK_SERVER_OPEN_RESP);
    }
    case STLINK_SERVER_CLOSE_DEV:
        if (c->board < 0 || le32_get(&rx[4]) != c->connect_id)
            return reply_status(c, STLINK_SERVER_ERR_CLOSE);
        sim_board_session_end(s->cfg.boards[c->board]);
        if (s->cfg.log) {
            logf_(s, "board %d: session closed: ", c->board);
            sim_board_write_stats_json(s->cfg.boards[c->board], s->cfg.log);
        }
        c->board = -1;
        return reply_status(c, STLINK_SERVER_OK);
    case STLINK_SERVER_SEND_USB_CMD:
        return handle_usb_cmd(s, c, rx);
    case STLINK_SERVER_GET_NB_OF_DEV_CLIENTS:
        le32_put(buf, STLINK_SERVER_OK);
        le32_put(&buf[4], c->board >= 0 ? 1 : 0);
        return send_all(c->fd, buf, 8);
    default:
        return reply_status(c, STLINK_SERVER_ERR_NOT_AVAILABLE);
    }
}

static bool serve_probe_client(struct sim_server *s, struct client *c)
{
    for (;;) {
        if (c->rx_len == 0)
            return true;
        size_t need = sim_request_length(c->rx, c->rx_len);
        if (need == 0 || need > sizeof c->rx)
            return false; /* longer than any valid request */
        if (c->rx_len < need)
            return true;
        if (!handle_request(s, c, c->rx))
            return false;
        memmove(c->rx, c->rx + need, c->rx_len - need);
        c->rx_len -= need;
    }
}

/* ---- control port: one command per line, one reply line (sim/server_control.c) ---- */

static bool serve_control_client(struct sim_server *s, struct client *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return false;
    struct sim_control ctl = {
        .boards = s->cfg.boards, .nboards = s->cfg.nboards, .advance_max_ms = ADVANCE_MAX_MS};
    bool keep = sim_control_take_lines(&ctl, c->rx, &c->rx_len, out);
    fclose(out);
    bool sent = send_all(c->fd, text, len);
    free(text);
    s->quit |= ctl.quit;
    return keep && sent;
}

static int count_clients(const struct sim_server *s, enum client_kind kind)
{
    int n = 0;
    for (int i = 0; i < MAX_CLIENTS; i++)
        n += s->clients[i].fd >= 0 && s->clients[i].kind == kind;
    return n;
}

/* The slot for a new client: a free one, else the longest-idle client of `kind` (any kind
 * when kind_full is false) that holds no probe session, which is closed; -1 when none. */
static int free_slot(struct sim_server *s, enum client_kind kind, bool kind_full)
{
    int victim = -1;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &s->clients[i];
        if (c->fd < 0) {
            if (!kind_full)
                return i;
            continue;
        }
        if (c->board >= 0 || (kind_full && c->kind != kind))
            continue;
        if (victim < 0 || c->last_active_ms < s->clients[victim].last_active_ms)
            victim = i;
    }
    if (victim >= 0) {
        logf_(s, "closing an idle client to make room for a new one\n");
        drop_client(s, &s->clients[victim]);
    }
    return victim;
}

static void accept_client(struct sim_server *s, int lfd, enum client_kind kind)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        close(fd);
        return;
    }
    bool kind_full = kind == CLIENT_CONTROL && count_clients(s, kind) >= MAX_CONTROL_CLIENTS;
    int i = free_slot(s, kind, kind_full);
    if (i < 0) {
        close(fd);
        return;
    }
    s->clients[i] =
        (struct client){.fd = fd, .kind = kind, .board = -1, .last_active_ms = net_now_ms()};
}

/* Closes clients that hold a half-sent request too long, or sit idle with no session. */
static void expire_clients(struct sim_server *s)
{
    int64_t now = net_now_ms();
    for (int i = 0; i < MAX_CLIENTS; i++) {
        struct client *c = &s->clients[i];
        if (c->fd < 0)
            continue;
        bool stuck =
            c->rx_len > 0 && c->partial_since_ms && now - c->partial_since_ms > PARTIAL_TIMEOUT_MS;
        bool idle = c->board < 0 && now - c->last_active_ms > IDLE_TIMEOUT_MS;
        if (stuck || idle) {
            logf_(s, "closing a client: %s\n",
                  stuck ? "request left unfinished" : "idle with no probe session");
            drop_client(s, c);
        }
    }
}

/* A board with a state file writes it once its clients pause (AUTOSAVE_IDLE_MS), so that a
 * daemon killed without a chance to save keeps the flash it acknowledged before that pause. */
static void autosave_boards(struct sim_server *s)
{
    for (size_t k = 0; k < s->cfg.nboards; k++) {
        char err[512];
        if (sim_board_autosave(s->cfg.boards[k], AUTOSAVE_IDLE_MS, err, sizeof err) != 0)
            logf_(s, "board %zu: %s\n", k, err);
    }
}

int sim_server_run(struct sim_server *s, volatile int *stop_flag)
{
    while (!s->quit && !(stop_flag && *stop_flag)) {
        struct pollfd pfd[MAX_CLIENTS + 2];
        int map[MAX_CLIENTS + 2];
        int n = 0;
        pfd[n] = (struct pollfd){.fd = s->probe_fd, .events = POLLIN};
        map[n++] = -1;
        if (s->control_fd >= 0) {
            pfd[n] = (struct pollfd){.fd = s->control_fd, .events = POLLIN};
            map[n++] = -2;
        }
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (s->clients[i].fd >= 0) {
                pfd[n] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
                map[n++] = i;
            }
        int r = poll(pfd, (nfds_t)n, 200);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (int k = 0; k < n; k++) {
            if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (map[k] == -1) {
                accept_client(s, s->probe_fd, CLIENT_PROBE);
                continue;
            }
            if (map[k] == -2) {
                accept_client(s, s->control_fd, CLIENT_CONTROL);
                continue;
            }
            struct client *c = &s->clients[map[k]];
            if (c->fd != pfd[k].fd)
                continue; /* closed (or replaced) earlier in this round */
            ssize_t got = recv(c->fd, c->rx + c->rx_len, sizeof c->rx - c->rx_len, 0);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                continue;
            if (got <= 0) {
                drop_client(s, c);
                continue;
            }
            c->last_active_ms = net_now_ms();
            c->rx_len += (size_t)got;
            bool ok =
                c->kind == CLIENT_PROBE ? serve_probe_client(s, c) : serve_control_client(s, c);
            if (!ok)
                drop_client(s, c);
            else if (c->rx_len == 0)
                c->partial_since_ms = 0;
            else if (!c->partial_since_ms)
                c->partial_since_ms = c->last_active_ms;
        }
        expire_clients(s);
        autosave_boards(s);
    }
    return 0;
}
