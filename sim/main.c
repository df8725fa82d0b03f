/* stflash-sim: runs virtual boards and serves them over the stlink-server TCP protocol. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "board_options.h"
#include "server.h"
#include "stlink/stlink_proto.h"
#include "transport/stlink_server_proto.h"

#define MAX_BOARDS 8
#define DEFAULT_CONTROL_PORT 7185

static volatile int stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *out)
{
    fputs(
        "usage: stflash-sim [OPTIONS] [BOARD OPTIONS] [--board BOARD OPTIONS]...\n"
        "\n"
        "Runs virtual boards (a simulated ST-LINK wired to a simulated STM32) and serves them\n"
        "over the stlink-server TCP protocol, so OpenOCD (backend tcp), stflash (tcp:) and the\n"
        "stand-in libusb can use them like probes on USB.\n"
        "\n"
        "Options:\n"
        "  --port N              stlink-server port (default 7184; 0 = any free port)\n"
        "  --control-port N      line-based control port (default 7185; 0 = any free port,\n"
        "                        -1 = none)\n"
        "  --bind ADDR           listen address (default 127.0.0.1; others need\n"
        "                        --allow-remote: the protocol has no authentication)\n"
        "  --allow-remote        permit a --bind address other than loopback\n"
        "  --quiet               no session log on stderr\n"
        "  --trace               log every probe command on stderr\n"
        "  --list-chips          list the simulated parts and exit\n"
        "  --version             print the version and exit\n"
        "  --help                this text\n"
        "\n"
        "Board options (apply to the current board; --board starts the next one):\n"
        "  --chip NAME           simulated part (default stm32f103c8; see --list-chips)\n"
        "  --flash-kib N         physical flash size in KiB (default: the part's)\n"
        "  --flash-size-reg V    value the flash-size register reads, in KiB (0 and 0xFFFF\n"
        "                        model clones and early silicon; default: the physical size,\n"
        "                        0 on the cks32f103c8 and ch32f103c8 clones)\n"
        "  --dev-id ID           DEV_ID the DBGMCU_IDCODE register reports (default: the\n"
        "                        part's; another models a clone the chip table does not know)\n"
        "  --rdp 0|1|2           read protection level at power-up (default 0; level 2,\n"
        "                        debug locked for good, on the F0, F3, F4, F7 only: --chip\n"
        "                        first)\n"
        "  --secure-page N       WB, WL: CPU2's secure area from flash page N (FLASH_SFR.SFSA;\n"
        "                        on the WL with OPTR.ESE; --chip first)\n"
        "  --firmware FILE[@ADDR] raw binary preloaded into flash (default 0x08000000)\n"
        "  --no-nrst             the probe's NRST wire does not reach the chip\n"
        "  --boot0               BOOT0 high: the chip boots its system memory\n"
        "  --wdg-hw              option bit WDG_SW = 0: the watchdog runs from every reset\n"
        "  --no-hse              F0/F1/F3: no HSE clock (no crystal): HSERDY never sets\n"
        "  --pll-no-lock         F0/F1/F3, G0/L4, F4/F7: the PLL never locks (PLLRDY never sets)\n"
        "  --voltage V           target supply in volts (default 3.3; 0 = unpowered)\n"
        "  --probe v2|v2-1|v3|v1 probe model (default v2: 0483:3748, firmware V2J37S7; v1:\n"
        "                        the STM32VLDiscovery's ST-LINK/V1, 0483:3744, V1J13S0)\n"
        "  --probe-fw VERSION    probe firmware, e.g. V2J21, V2J24, V2J26, V2J29, V2J37, V3J7,\n"
        "                        V1J13 (debug API v2), V1J10 (API v1)\n"
        "                        (after --probe): exactly the commands that version has\n"
        "  --spurious-0d         every third register write answers 0x0D (write-verify\n"
        "                        error) though it worked, as some firmware does\n"
        "  --wait-burst N        after every 8 memory commands, N answer WAIT (nothing moved)\n"
        "  --fault SPEC          inject one fault (sim/faults.h): disconnect:N, silence:N,\n"
        "                        wait:N, reset:N, power:N, bsy:N (N a count or random/SEED),\n"
        "                        ap-fault:ADDR, pgerr:ADDR, wrprterr:ADDR, flip:ADDR\n"
        "  --stale-reply         the probe's IN endpoint holds a reply left by a client that\n"
        "                        was killed (USB: drained by a bulk IN read)\n"
        "  --probe-mode M        probe mode at start: mass (default), dfu, debug\n"
        "  --serial TEXT         probe serial (ASCII)\n"
        "  --serial-hex HEX      probe serial as raw bytes, e.g. 12 bytes like clone V2s\n"
        "  --state FILE          keep flash and option bytes in FILE (loaded at start when it\n"
        "                        exists, saved at exit and by the control command 'save')\n"
        "\n"
        "Control port commands: boards | status B | stats B | advance B MS | save B |\n"
        "fault B SPEC | quit\n"
        "(B: board index or serial; save writes the --state file; anything else closes the\n"
        "connection)\n",
        out);
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "stflash-sim: ");
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    return 2;
}

int main(int argc, char **argv)
{
    struct sim_board_config cfgs[MAX_BOARDS];
    size_t nboards = 1;
    struct sim_server_config scfg = {.bind_addr = "127.0.0.1",
                                     .port = STLINK_SERVER_DEFAULT_PORT,
                                     .control_port = DEFAULT_CONTROL_PORT,
                                     .log = stderr};
    bool allow_remote = false, trace = false;
    sim_board_defaults(&cfgs[0], 0);

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        struct sim_board_config *b = &cfgs[nboards - 1];
        unsigned long v;
        bool takes_value = true;
        bool board_option = strncmp(opt, "--", 2) == 0;

        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(opt, "--version") == 0) {
            printf("stflash-sim %s\n", STFLASH_SIM_VERSION);
            return 0;
        } else if (strcmp(opt, "--list-chips") == 0) {
            for (size_t k = 0; sim_chip_at(k); k++)
                printf("%-12s %s (DEV_ID 0x%03x, %u KiB flash, %u KiB SRAM)\n",
                       sim_chip_at(k)->name, sim_chip_at(k)->descr, sim_chip_at(k)->dev_id,
                       sim_chip_at(k)->flash_kib, sim_chip_at(k)->sram_kib);
            return 0;
        } else if (strcmp(opt, "--board") == 0) {
            if (nboards == MAX_BOARDS)
                return fail("at most %d boards", MAX_BOARDS);
            sim_board_defaults(&cfgs[nboards], nboards);
            nboards++;
            takes_value = false;
        } else if (strcmp(opt, "--allow-remote") == 0) {
            allow_remote = true;
            takes_value = false;
        } else if (strcmp(opt, "--trace") == 0) {
            trace = true;
            takes_value = false;
        } else if (strcmp(opt, "--quiet") == 0) {
            scfg.log = NULL;
            takes_value = false;
        } else if (board_option && sim_board_flag(b, opt + 2)) {
            takes_value = false;
        } else if (!val) {
            return fail("option '%s' needs a value (see --help)", opt);
        } else if (strcmp(opt, "--port") == 0 || strcmp(opt, "--control-port") == 0) {
            if (strcmp(val, "-1") == 0 && opt[2] == 'c')
                v = (unsigned long)-1;
            else if (sim_parse_ulong(val, 65535, &v) != 0)
                return fail("'%s' is not a TCP port number", val);
            if (opt[2] == 'p')
                scfg.port = (int)v;
            else
                scfg.control_port = (int)v;
        } else if (strcmp(opt, "--bind") == 0) {
            scfg.bind_addr = val;
        } else if (strcmp(opt, "--chip") == 0) {
            b->target.chip = sim_chip_find(val);
            if (!b->target.chip)
                return fail("unknown chip '%s' (see --list-chips)", val);
        } else if (strcmp(opt, "--firmware") == 0) {
            char *at = strrchr(argv[i + 1], '@');
            if (at) {
                *at = '\0';
                if (sim_parse_ulong(at + 1, UINT32_MAX, &v) != 0)
                    return fail("--firmware: '%s' is not an address", at + 1);
                b->firmware_addr = (uint32_t)v;
            }
            b->firmware_path = argv[i + 1];
        } else if (strcmp(opt, "--state") == 0) {
            b->state_path = val;
        } else {
            char hint[256];
            int rc = board_option ? sim_board_option(b, opt + 2, val, hint, sizeof hint) : 1;
            if (rc > 0)
                return fail("unknown option '%s' (see --help)", opt);
            if (rc < 0)
                return fail("%s '%s': %s", opt, val, hint);
        }
        if (takes_value)
            i++;
    }
    if (strcmp(scfg.bind_addr, "127.0.0.1") != 0 && !allow_remote)
        return fail("refusing to listen on %s: the stlink-server protocol has no "
                    "authentication; add --allow-remote if you mean it",
                    scfg.bind_addr);

    static struct sim_board boards[MAX_BOARDS];
    struct sim_board *board_ptrs[MAX_BOARDS];
    char err[512];
    for (size_t k = 0; k < nboards; k++) {
        if (sim_board_init(&boards[k], &cfgs[k], err, sizeof err) != 0) {
            fprintf(stderr, "stflash-sim: board %zu: %s\n", k, err);
            return 1;
        }
        if (boards[k].note[0])
            fprintf(stderr, "stflash-sim: board %zu: %s\n", k, boards[k].note);
        board_ptrs[k] = &boards[k];
        if (trace)
            boards[k].probe.trace = stderr;
    }
    scfg.boards = board_ptrs;
    scfg.nboards = nboards;
    struct sim_server *server = sim_server_create(&scfg, err, sizeof err);
    if (!server) {
        fprintf(stderr, "stflash-sim: %s\n", err);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t k = 0; k < nboards; k++) {
        char serial[80];
        sim_probe_serial_text(&boards[k].probe, serial, sizeof serial);
        printf("board %zu: %s, probe %04x:%04x serial %s\n", k, boards[k].target.chip->descr,
               STLINK_VID, sim_probe_pid(&boards[k].probe), serial);
    }
    printf("stflash-sim: ready on %s:%d", scfg.bind_addr, sim_server_port(server));
    if (sim_server_control_port(server))
        printf(" (control port %d)", sim_server_control_port(server));
    printf("\n");

    int rc = sim_server_run(server, &stop_requested) == 0 ? 0 : 1;
    sim_server_free(server);
    for (size_t k = 0; k < nboards; k++) {
        if (boards[k].state_path &&
            sim_board_save(&boards[k], boards[k].state_path, err, sizeof err) != 0) {
            fprintf(stderr, "stflash-sim: board %zu: %s\n", k, err);
            rc = 1;
        }
        sim_board_release(&boards[k]);
    }
    return rc;
}
