/* serve: share this machine's probes over the stlink-server TCP protocol (serve.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "multi.h"
#include "serve.h"
#include "stlink/stlink_proto.h"
#include "transport/stlink_server_proto.h"

enum { OPT_LISTEN = 1, OPT_SECRET };

static volatile sig_atomic_t stop_serving;

static void on_stop(int sig)
{
    (void)sig;
    stop_serving = 1;
}

/* "ADDR:PORT", "ADDR" or ":PORT" (IPv4); the default 127.0.0.1:7184. */
static int parse_listen(const char *text, struct sockaddr_in *sa)
{
    char addr[64] = "127.0.0.1";
    long port = STLINK_SERVER_DEFAULT_PORT;
    const char *colon = text ? strrchr(text, ':') : NULL;
    size_t alen = text ? (colon ? (size_t)(colon - text) : strlen(text)) : 0;
    if (alen >= sizeof addr) {
        out_error("bad --listen '%s': give ADDR:PORT, e.g. 127.0.0.1:7184", text);
        return EXIT_USAGE;
    }
    if (alen) {
        memcpy(addr, text, alen);
        addr[alen] = '\0';
    }
    if (colon) {
        char *end;
        port = strtol(colon + 1, &end, 10);
        if (!colon[1] || *end || port < 0 || port > 65535) {
            out_error("bad port in --listen '%s': give 0 to 65535 (0: any free port)", text);
            return EXIT_USAGE;
        }
    }
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1) {
        out_error("bad address in --listen '%s': give an IPv4 address such as 127.0.0.1 or "
                  "0.0.0.0",
                  text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The secret's bytes (a trailing newline is not part of it). */
static char *read_secret(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        out_error("cannot read the secret file '%s': %s", path, strerror(errno));
        return NULL;
    }
    char *buf = calloc(1, STLINK_SERVER_MAX_SECRET + 2);
    size_t n = buf ? fread(buf, 1, STLINK_SERVER_MAX_SECRET + 1, f) : 0;
    fclose(f);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    if (!buf || n < 8 || n > STLINK_SERVER_MAX_SECRET) {
        out_error("the secret file '%s' must hold 8 to %u bytes (e.g. 'head -c 24 /dev/urandom "
                  "| base64 > %s')",
                  path, STLINK_SERVER_MAX_SECRET, path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int listen_on(const struct sockaddr_in *sa, const char *text)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (const struct sockaddr *)sa, sizeof *sa) != 0 || listen(fd, 8) != 0) {
        out_error("cannot listen on %s: %s%s", text, strerror(errno),
                  errno == EADDRINUSE ? " (is stlink-server or another stflash serve running? "
                                        "choose another port with --listen)"
                                      : "");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* The probes to share, each looked at once for its USB product id. */
static int gather(struct cli *cli, struct serve *s)
{
    static struct multi_board boards[SERVE_MAX_PROBES];
    size_t n = 0;
    const char *sel = cli->selector && *cli->selector ? cli->selector : "usb:*";
    int rc = multi_expand(cli, sel, boards, SERVE_MAX_PROBES, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct serve_probe *p = &s->probes[i];
        snprintf(p->selector, sizeof p->selector, "%s", boards[i].selector);
        p->pid = STLINK_PID_V2;
        p->owner = -1;
        pthread_mutex_init(&p->lock, NULL);
        struct stflash_raw_probe *raw = NULL;
        if (stflash_raw_open(cli->ctx, p->selector, &raw) == 0) {
            const struct stflash_probe_info *info = stflash_raw_info(raw);
            p->pid = info->pid;
            snprintf(p->serial, sizeof p->serial, "%s", info->serial);
            stflash_raw_close(raw);
        } else {
            snprintf(p->serial, sizeof p->serial, "%s", boards[i].probe_serial);
            out_warn("%s: %s (shared anyway: clients are told when they open it)", p->selector,
                     stflash_last_error(cli->ctx));
        }
    }
    s->nprobes = n;
    return EXIT_OK;
}

int cmd_serve(struct cli *cli, int argc, char **argv, int first)
{
    static const struct opt_spec spec[] = {
        {"listen", 0, OPT_REQUIRED, OPT_LISTEN},
        {"secret", 0, OPT_REQUIRED, OPT_SECRET},
        {NULL, 0, OPT_NONE, 0},
    };
    struct cmdline cl;
    int rc = cmd_begin(cli, "serve", spec, argc, argv, first, &cl, 0, 0, "[--listen ADDR:PORT]");
    if (rc)
        return rc == CMD_DONE ? EXIT_OK : rc;
    const char *listen_text = cmd_opt_value(&cl, OPT_LISTEN);
    const char *secret_path = cmd_opt_value(&cl, OPT_SECRET);
    struct sockaddr_in sa;
    struct serve *s = calloc(1, sizeof *s);
    if (!s) {
        out_error("out of memory");
        session_done(cli);
        return EXIT_FAILED;
    }
    rc = parse_listen(listen_text, &sa);
    bool loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
    char *secret = NULL;
    if (rc == EXIT_OK && !loopback && !secret_path) {
        out_error("refusing to listen on %s without --secret FILE: the stlink-server protocol "
                  "has no authentication of its own; give a secret (clients name the same file "
                  "in STFLASH_SERVER_SECRET) or reach a loopback server through an SSH tunnel",
                  listen_text);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && secret_path && !(secret = read_secret(secret_path, &s->secret_len)))
        rc = EXIT_USAGE;
    if (rc == EXIT_OK)
        rc = gather(cli, s);
    if (rc == EXIT_OK) {
        s->listen_fd = listen_on(&sa, listen_text ? listen_text : "127.0.0.1:7184");
        if (s->listen_fd < 0)
            rc = EXIT_FAILED;
    }
    if (rc == EXIT_OK) {
        socklen_t len = sizeof sa;
        getsockname(s->listen_fd, (struct sockaddr *)&sa, &len);
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
        s->secret = secret;
        s->quiet = cli->quiet;
        s->stop = &stop_serving;
        pthread_mutex_init(&s->lock, NULL);
        struct sigaction act, old[3];
        memset(&act, 0, sizeof act);
        act.sa_handler = on_stop;
        sigemptyset(&act.sa_mask);
        sigaction(SIGINT, &act, &old[0]);
        sigaction(SIGTERM, &act, &old[1]);
        act.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &act, &old[2]);
        /* -q keeps only the line saying where to connect: with port 0 nothing else tells. */
        for (size_t i = 0; i < s->nprobes && !cli->quiet; i++)
            printf("probe %zu: %s (%s)\n", i, s->probes[i].serial, s->probes[i].selector);
        printf("stflash serve: ready on %s:%d, %zu probe%s%s\n", addr, ntohs(sa.sin_port),
               s->nprobes, s->nprobes == 1 ? "" : "s", secret ? ", secret required" : "");
        fflush(stdout);
        serve_run(s);
        sigaction(SIGINT, &old[0], NULL);
        sigaction(SIGTERM, &old[1], NULL);
        sigaction(SIGPIPE, &old[2], NULL);
        close(s->listen_fd);
        pthread_mutex_destroy(&s->lock);
    }
    for (size_t i = 0; i < s->nprobes; i++)
        pthread_mutex_destroy(&s->probes[i].lock);
    free(secret);
    free(s);
    session_done(cli);
    return rc;
}
