/*
 * The ST-LINK client against a stflash-sim daemon over the stlink-server protocol
 * (transport/tcp.c). The daemon's path is the first argument.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "board_checks.h"
#include "stlink/stlink.h"
#include "stlink/stlink_proto.h"

#define SERIAL_V2 "5354534D0000000000000001"
#define SERIAL_V3 "5354534D0000000000000002"

static const char *daemon_path;

struct fixture {
    struct stflash_ctx *ctx;
    pid_t pid;
    int port;
};

/* Starts the daemon with two boards (a V2 and a V3) and waits for its "ready on" line. */
static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    if (stflash_ctx_new(&f.ctx) != STFLASH_OK)
        return -1;
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    f.pid = fork();
    if (f.pid < 0)
        return -1;
    if (f.pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(daemon_path, daemon_path, "--port", "0", "--control-port", "-1", "--quiet", "--board",
              "--probe", "v3", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char text[4096] = "";
    size_t used = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!strstr(text, "ready on 127.0.0.1:")) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left =
            10000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t n = read(pipefd[0], text + used, sizeof text - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
        text[used] = '\0';
    }
    close(pipefd[0]);
    const char *ready = strstr(text, "ready on 127.0.0.1:");
    if (!ready) {
        fprintf(stderr, "stflash-sim did not get ready: %s\n", text);
        kill(f.pid, SIGKILL);
        waitpid(f.pid, NULL, 0);
        return -1;
    }
    f.port = atoi(ready + strlen("ready on 127.0.0.1:"));
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kill(f->pid, SIGTERM);
    int status = 0;
    waitpid(f->pid, &status, 0);
    stflash_ctx_free(f->ctx);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

struct seen {
    unsigned count;
    struct stflash_probe_info info[4];
};

static void on_found(void *user, const struct stflash_probe_info *info)
{
    struct seen *s = user;
    if (s->count < 4)
        s->info[s->count] = *info;
    s->count++;
}

static void test_enumerate(void **state)
{
    struct fixture *f = *state;
    struct seen seen = {0};
    assert_int_equal(tcp_enumerate(f->ctx, "127.0.0.1", f->port, on_found, &seen), STFLASH_OK);
    assert_int_equal(seen.count, 2);
    char location[64];
    snprintf(location, sizeof location, "127.0.0.1:%d", f->port);
    assert_string_equal(seen.info[0].transport, "tcp");
    assert_string_equal(seen.info[0].serial, SERIAL_V2);
    assert_int_equal(seen.info[0].pid, STLINK_PID_V2);
    assert_string_equal(seen.info[0].name, "ST-LINK/V2");
    assert_string_equal(seen.info[0].location, location);
    assert_int_equal(seen.info[0].status, STFLASH_OK);
    assert_string_equal(seen.info[1].serial, SERIAL_V3);
    assert_int_equal(seen.info[1].pid, STLINK_PID_V3S);
    assert_string_equal(seen.info[1].name, "STLINK-V3");
}

static void test_v2_board(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    assert_int_equal(tcp_open(f->ctx, NULL, f->port, SERIAL_V2, &tr), STFLASH_OK);
    assert_string_equal(tr->info.serial, SERIAL_V2);
    struct stlink sl;
    check_connect(&sl, tr, 1800, 1800);
    check_sram_round_trips(&sl);
    check_unmapped(&sl);
    check_core_registers(&sl);
    assert_int_equal(stlink_exit_debug(&sl), STFLASH_OK);
    transport_close(tr);
}

static void test_v3_board_by_prefix(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL;
    /* a unique prefix selects, case does not matter */
    assert_int_equal(tcp_open(f->ctx, "localhost", f->port, "5354534d000000000000000", &tr),
                     STFLASH_ERR_INVALID_ARG);
    assert_non_null(strstr(stflash_last_error(f->ctx), SERIAL_V2));
    assert_non_null(strstr(stflash_last_error(f->ctx), SERIAL_V3));
    assert_int_equal(tcp_open(f->ctx, "localhost", f->port, "5354534d0000000000000002", &tr),
                     STFLASH_OK);
    struct stlink sl;
    check_connect(&sl, tr, 4000, 3300);
    assert_int_equal(sl.hw, 3);
    check_sram_round_trips(&sl);
    check_unmapped(&sl);
    transport_close(tr);
}

static void test_busy_and_ambiguous(void **state)
{
    struct fixture *f = *state;
    struct transport *tr = NULL, *second = NULL;
    assert_int_equal(tcp_open(f->ctx, NULL, f->port, NULL, &second), STFLASH_ERR_INVALID_ARG);
    assert_non_null(strstr(stflash_last_error(f->ctx), "several probes"));
    assert_int_equal(tcp_open(f->ctx, NULL, f->port, SERIAL_V2, &tr), STFLASH_OK);
    assert_int_equal(tcp_open(f->ctx, NULL, f->port, SERIAL_V2, &second), STFLASH_ERR_BUSY);
    assert_non_null(strstr(stflash_last_error(f->ctx), "in use"));
    assert_null(second);
    struct seen seen = {0};
    assert_int_equal(tcp_enumerate(f->ctx, NULL, f->port, on_found, &seen), STFLASH_OK);
    assert_int_equal(seen.info[0].status, STFLASH_ERR_BUSY);
    assert_int_equal(seen.info[1].status, STFLASH_OK);
    assert_int_equal(tcp_open(f->ctx, NULL, f->port, "nosuchserial", &second),
                     STFLASH_ERR_NOT_FOUND);
    transport_close(tr);
    assert_int_equal(tcp_open(f->ctx, NULL, f->port, SERIAL_V2, &second), STFLASH_OK);
    transport_close(second);
}

static void test_connection_refused(void **state)
{
    struct fixture *f = *state;
    /* a port nobody listens on: bind one, note it, close it */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    int port = ntohs(sa.sin_port);
    close(fd);
    struct transport *tr = NULL;
    assert_int_equal(tcp_open(f->ctx, NULL, port, NULL, &tr), STFLASH_ERR_IO);
    assert_non_null(strstr(stflash_last_error(f->ctx), "connection refused"));
    assert_null(tr);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s STFLASH-SIM\n", argv[0]);
        return 2;
    }
    daemon_path = argv[1];
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enumerate),          cmocka_unit_test(test_v2_board),
        cmocka_unit_test(test_v3_board_by_prefix), cmocka_unit_test(test_busy_and_ambiguous),
        cmocka_unit_test(test_connection_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
