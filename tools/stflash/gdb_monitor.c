/*
 * gdb's `monitor` commands (qRcmd): reset [halt|run], halt, resume, erase, unlock, info, help; rtt
 * in gdb_rtt.c. What a command says goes to the gdb console as O packets, which may come only
 * before qRcmd's final reply; the final reply is OK, or E01 when the command failed or is unknown
 * (gdb then reports the error, and a batch script stops there).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gdb.h"

static const char help_text[] =
    "monitor commands of stflash gdbserver:\n"
    "  reset [halt]  reset the target and halt it at the reset vector\n"
    "  reset run     reset the target and let it run (then `monitor halt` or Ctrl-C)\n"
    "  halt          halt the target\n"
    "  resume        let the target run (gdb still believes it halted: `monitor halt` first\n"
    "                when you use gdb again, or `continue` instead)\n"
    "  erase         erase the whole flash (mass erase)\n"
    "  unlock confirm  remove read protection: the chip erases its whole flash\n"
    "  info          the core, chip, memories, protection and debug units\n"
    "  semihosting on|off  serve the program's semihosting calls (BKPT 0xAB) while gdb\n"
    "                continues: its console on gdb's, its files in --semihosting-dir\n"
    "  rtt start [ADDR]  find the RTT control block (at ADDR, else in SRAM) and serve up\n"
    "                channel 0 on a TCP port of 127.0.0.1 (input goes to down channel 0)\n"
    "  rtt stop | channels  close the RTT port; list the RTT channels\n"
    "  help          this list\n";

static int console(struct gdb_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text for the gdb console: one "O" packet of hex-encoded text. */
static int console(struct gdb_conn *c, const char *fmt, ...)
{
    char text[1024];
    static char packet[2 * sizeof text + 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    packet[0] = 'O';
    gdb_hex_encode(packet + 1, (const uint8_t *)text, strlen(text));
    return gdb_send_str(c, packet);
}

/* A failed command: the reason on the console, then E01. */
static int failed(struct gdb_server *s, struct gdb_conn *c, const char *what, int rc)
{
    const char *why = s->ctx ? stflash_last_error(s->ctx) : NULL;
    if (console(c, "%s failed: %s\n", what, why && *why ? why : stflash_strerror(rc)))
        return -1;
    return gdb_send_str(c, "E01");
}

static int info(struct gdb_server *s, struct gdb_conn *c)
{
    const struct stflash_target_info *ti = &s->info;
    const char *chip = ti->chip && ti->chip->name ? ti->chip->name : "unknown part";
    char rdp[24] = "unknown";
    if (ti->rdp_level >= 0)
        snprintf(rdp, sizeof rdp, "level %d", ti->rdp_level);
    return console(c,
                   "target: %s%s%s (DBGMCU_IDCODE 0x%08x), %s%s, CPUID 0x%08x\n"
                   "flash: 0x%08x, %u KiB%s\n"
                   "sram: 0x%08x, %u KiB\n"
                   "read protection: %s\n"
                   "breakpoints: %u (FPBv%u), watchpoints: %u (DWT)\n",
                   chip, ti->clone_name ? " clone " : "", ti->clone_name ? ti->clone_name : "",
                   ti->dbgmcu_idcode, s->core.name, s->core.fpu ? " with FPU" : "", ti->cpuid,
                   ti->flash_base, ti->flash_size / 1024u,
                   ti->flash_supported ? "" : " (no flash driver: load cannot program it)",
                   ti->sram_base, ti->sram_size / 1024u, rdp, s->hw.bp_count, s->hw.fpb_version,
                   s->hw.wp_count);
}

int gdb_monitor(struct gdb_server *s, struct gdb_conn *c, const char *hex)
{
    char cmd[128];
    size_t n = strlen(hex) / 2;
    if (strlen(hex) % 2 || n >= sizeof cmd || !gdb_hex_decode((uint8_t *)cmd, hex, n))
        return gdb_send_str(c, "E01");
    cmd[n] = '\0';
    char line[sizeof cmd];
    memcpy(line, cmd, sizeof line);
    /* Words separated by any amount of blank. */
    char *words[3] = {NULL, NULL, NULL};
    size_t nw = 0;
    for (char *p = strtok(cmd, " \t"); p; p = strtok(NULL, " \t"))
        if (nw < 3)
            words[nw++] = p;
        else
            nw++;
    const char *w0 = words[0] ? words[0] : "", *w1 = words[1];
    int rc;
    if (strcmp(w0, "reset") == 0 && nw <= 2 &&
        (!w1 || strcmp(w1, "halt") == 0 || strcmp(w1, "run") == 0)) {
        bool halt = !w1 || strcmp(w1, "halt") == 0;
        rc = stflash_reset(s->dev, STFLASH_RESET_AUTO, halt);
        if (rc)
            return failed(s, c, "reset", rc);
        if (console(c, halt ? "target reset, halted at the reset vector\n"
                            : "target reset and running\n"))
            return -1;
    } else if (strcmp(w0, "halt") == 0 && nw == 1) {
        if ((rc = stflash_halt(s->dev)))
            return failed(s, c, "halt", rc);
        if (console(c, "target halted\n"))
            return -1;
    } else if (strcmp(w0, "resume") == 0 && nw == 1) {
        if ((rc = stflash_run(s->dev)))
            return failed(s, c, "resume", rc);
        if (console(c, "target running\n"))
            return -1;
    } else if (strcmp(w0, "erase") == 0 && nw == 1) {
        if ((rc = stflash_flash_mass_erase(s->dev)))
            return failed(s, c, "erase", rc);
        if (console(c, "flash erased\n"))
            return -1;
    } else if (strcmp(w0, "unlock") == 0 && nw <= 2) {
        /* The consent `stflash unlock --yes` asks for: the chip erases its flash (cmd_protect.c).
         */
        if (!w1 || strcmp(w1, "confirm") != 0) {
            if (console(c, "unlock removes read protection and the chip erases its whole flash: "
                           "'monitor unlock confirm' does it\n"))
                return -1;
            return gdb_send_str(c, "E01");
        }
        if ((rc = stflash_unlock(s->dev)))
            return failed(s, c, "unlock", rc);
        s->info.rdp_level = 0;
        if (console(c, "read protection removed; the flash is erased and the target halted at "
                       "its reset vector\n"))
            return -1;
    } else if (strcmp(w0, "info") == 0 && nw == 1) {
        if (info(s, c))
            return -1;
    } else if (strcmp(w0, "semihosting") == 0 && nw == 2 &&
               (strcmp(w1, "on") == 0 || strcmp(w1, "off") == 0)) {
        if (!s->semihost) {
            if (console(c, "semihosting is not available in this server\n"))
                return -1;
            return gdb_send_str(c, "E01");
        }
        s->semihosting = strcmp(w1, "on") == 0;
        if (console(c, "semihosting %s\n", s->semihosting ? "on" : "off"))
            return -1;
    } else if (strcmp(w0, "rtt") == 0 && nw >= 2 && nw <= 3) {
        char text[2048];
        rc = gdb_rtt_command(s, w1, words[2], text, sizeof text);
        if (console(c, "%s", text))
            return -1;
        if (rc)
            return gdb_send_str(c, "E01");
    } else if (strcmp(w0, "help") == 0 && nw == 1) {
        if (console(c, "%s", help_text))
            return -1;
    } else {
        if (console(c, "unknown monitor command '%s': 'monitor help' lists them\n", line))
            return -1;
        return gdb_send_str(c, "E01");
    }
    return gdb_send_str(c, "OK");
}
