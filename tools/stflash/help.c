/* --help texts of the tool and of every subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char global_options[] =
    "Global options (before or after the command):\n"
    "  --probe SELECTOR     which probe: SERIAL (or its start), usb:[SERIAL],\n"
    "                       tcp:[HOST][:PORT][/SERIAL] (an stlink-server, default\n"
    "                       127.0.0.1:7184), sim[:CHIP][,OPTION...] (the virtual board);\n"
    "                       default: $STFLASH_PROBE, else the only USB probe\n"
    "  --freq KHZ           SWD clock in kHz, or with a suffix: 4M, 1800k (default 1800 on\n"
    "                       V2, 1000 on V3; the probe takes the nearest it has)\n"
    "                       ($STFLASH_FREQ)\n"
    "  --connect MODE       normal (attach, halt for flash operations), under-reset (hold\n"
    "                       NRST while attaching), hot-plug (attach without halting)\n"
    "                       ($STFLASH_CONNECT)\n"
    "  --flash-size SIZE    flash size to assume instead of the flash-size register (128k),\n"
    "                       for clones whose register reads 0 or a wrong value\n"
    "                       ($STFLASH_FLASH_SIZE)\n"
    "  --chip NAME          the part to assume instead of the one detected (STM32F103C8, F407;\n"
    "                       'stflash chips --names'): used as given when the DEV_ID is\n"
    "                       unknown, with a warning when it has the same flash controller,\n"
    "                       refused when its controller differs; or an F1 clone\n"
    "                       (GD32F103C8, CKS32F103, CH32F103: its quirks) ($STFLASH_CHIP)\n"
    "  --allow-wireless-stack  STM32WB/WL: let write and erase reach the wireless stack's\n"
    "                       secure area (from FLASH_SFR.SFSA up), which they keep otherwise\n"
    "  -v, --verbose        more messages (-vv: every probe command)\n"
    "  -q, --quiet          only errors (and where gdbserver and serve listen)\n"
    "  --json               one JSON document on stdout: the result, or {\"error\": ...}\n"
    "                       (every command but gdbserver, serve, rtt, swo, run, read -;\n"
    "                       docs/json.md)\n"
    "  -h, --help           help (also after a command: stflash write --help)\n"
    "The environment variables in parentheses stand for an option the command line does not\n"
    "give; a bad value in one is an error that names it.\n";

static const char exit_codes[] = "Exit status:\n"
                                 "  0  success\n"
                                 "  1  the operation failed\n"
                                 "  2  usage error (bad command line)\n"
                                 "  3  no probe found, or the probe cannot be opened\n"
                                 "  4  the target does not respond\n"
                                 "  5  verification failed\n"
                                 "  6  read or write protection forbids the operation\n";

void help_global_options(void)
{
    fputs(global_options, stdout);
}

void help_main(void)
{
    fputs("Usage: stflash [OPTIONS] COMMAND [ARGS]\n"
          "Program STM32 microcontrollers through ST-LINK probes.\n"
          "\n"
          "Commands:\n"
          "  probe                    list the probes and the chip behind each\n"
          "  info                     show one probe's target in detail\n"
          "  write FILE [ADDR]        write an image (bin, Intel HEX, S-record, ELF) to flash\n"
          "  read FILE ADDR SIZE      read memory into a binary or Intel HEX file\n"
          "  erase [ADDR SIZE]        erase the whole flash, or the pages of a range\n"
          "  verify FILE [ADDR]       compare the target's memory with an image\n"
          "  reset [--halt]           reset the target\n"
          "  options [CHANGES]        show or change the option bytes (protections, watchdog)\n"
          "  unlock                   remove read protection (erases the whole flash)\n"
          "  lock                     set read protection level 1 (--allow-read-protect)\n"
          "  doctor                   check everything from the probe to the flash, with fixes\n"
          "  gdbserver [--port N]     serve gdb (target extended-remote :4242)\n"
          "  chips                    the parts stflash knows, and which it programs\n"
          "  mem read ADDR [WORDS]    print 32-bit words of memory (no halt, no reset)\n"
          "  mem write ADDR VALUE...  store 32-bit words (RAM, peripherals; not flash)\n"
          "  regs                     print the core registers of a halted core\n"
          "  halt | resume            stop the core, or let it run\n"
          "  run FIRMWARE [ARG...]    flash, reset, serve semihosting; exit with its status\n"
          "  rtt [--channel N]        the firmware's RTT output (and input), core running\n"
          "  swo --clock HZ           the firmware's ITM stimulus ports through SWO\n"
          "  serve [--listen ADDR]    share this machine's probes over TCP (stlink-server)\n"
          "\n",
          stdout);
    fputs(global_options, stdout);
    fputs("  --version            print the version\n\n", stdout);
    fputs(exit_codes, stdout);
    fputs("\n"
          "Examples:\n"
          "  stflash probe\n"
          "  stflash write firmware.elf --reset\n"
          "  stflash write firmware.bin 0x08000000\n"
          "  stflash --probe 066DFF read flash.bin 0x08000000 64k\n"
          "  stflash --probe sim:stm32f103c8 info\n"
          "\n"
          "See 'stflash COMMAND --help' and stflash(1).\n",
          stdout);
}

struct help_entry {
    const char *name;
    const char *text;
};

static const struct help_entry helps[] = {
    {"probe",
     "Usage: stflash probe\n"
     "List every ST-LINK probe the selector (--probe, $STFLASH_PROBE) matches, with its serial,\n"
     "name, USB VID:PID, transport and location, and the chip behind it. Probes that cannot be\n"
     "opened are listed with the reason. The targets are only looked at: no halt, no reset.\n"
     "\n"
     "  --json               one JSON object: {\"probes\": [...]}\n"
     "\n"
     "Exits with 3 when no probe is found.\n"},
    {"info",
     "Usage: stflash info\n"
     "Show the target of one probe: chip, DEV_ID/REV_ID, DBGMCU_IDCODE, CPUID and core, DP\n"
     "IDCODE, clone, flash (base, size, page size, the flash-size register), SRAM, and the\n"
     "probe's firmware, target voltage and SWD clock. The target is only looked at: no halt,\n"
     "no reset.\n"
     "\n"
     "  --json               one JSON object\n"},
    {"write",
     "Usage: stflash write [OPTIONS] FILE [ADDR]\n"
     "Write an image to flash (and SRAM, for parts of the image that lie there): the pages it\n"
     "touches are erased first, then programmed and verified (CRC-32 computed on the target);\n"
     "pages that already hold the image are left alone. The format is detected from the\n"
     "content (a .bin file is always raw binary); a raw binary goes to ADDR (default\n"
     "0x08000000, the start of flash), Intel HEX, S-record and ELF files carry their own\n"
     "addresses (ELF: its loadable segments at their physical addresses), and ADDR with them\n"
     "is an error. Data outside flash and SRAM is refused before anything is erased.\n"
     "\n"
     "  --format FMT         bin, ihex, srec or elf instead of detecting it\n"
     "  --mass-erase         erase the whole flash first\n"
     "  --no-verify          skip the verification\n"
     "  --verify=readback    also read the whole range back over the probe and compare it\n"
     "                       byte for byte (besides the CRC-32 on the target)\n"
     "  --full               erase and program every touched page, also those that already\n"
     "                       hold the image (no comparison with the flash first)\n"
     "  --reset[=METHOD]     how to reset the target afterwards: auto (default), hard (the\n"
     "                       NRST pin) or system (SYSRESETREQ)\n"
     "  --halt               after the reset, keep the core halted at the reset vector\n"
     "  --no-reset           no reset: the core stays halted where the write left it\n"
     "  --no-reset-before    write into the target as it is (halted, not reset first)\n"
     "  --log FILE           append one JSON line per board to FILE (docs/production.md)\n"
     "  --serial-at ADDR     write a value unique to each board at ADDR with the image:\n"
     "                       --serial-start N (a counter, needs --log) or --serial-csv FILE\n"
     "                       (UID,VALUE lines); --serial-format u32 (default) or ascii\n"
     "\n"
     "Several probes (--probe all, tcp:HOST:PORT/*, usb:*, or selectors separated by\n"
     "commas) are written in parallel, one line per board and a summary; the exit status is\n"
     "the failed boards' (1 when they failed differently).\n"
     "\n"
     "Before a write the target is reset and halted at its reset vector (its firmware may\n"
     "have switched off the clock the flash needs, or run DMA into SRAM), unless\n"
     "--no-reset-before or --connect hot-plug says otherwise (METHOD as for --reset).\n"
     "After a write the target is reset and runs the new firmware, unless --halt or\n"
     "--no-reset says otherwise; an image wholly in SRAM is left halted unless --reset\n"
     "is given (a reset would start the flash's firmware). A .bin file holding Intel HEX,\n"
     "S-record or ELF content is written raw with a warning (give --format).\n"
     "ADDR: hexadecimal with 0x, or decimal.\n"},
    {"read",
     "Usage: stflash read [OPTIONS] FILE ADDR SIZE\n"
     "Read SIZE bytes of target memory at ADDR into FILE ('-' for standard output), as raw\n"
     "binary, or as Intel HEX with --format ihex or a .hex/.ihex file name. The core keeps\n"
     "running. FILE is written only when the whole read succeeded.\n"
     "\n"
     "  --format FMT         bin or ihex\n"
     "\n"
     "ADDR: hexadecimal with 0x, or decimal. SIZE: decimal or 0x hexadecimal, with an\n"
     "optional k or M suffix (64k, 0x400, 1M).\n"},
    {"erase",
     "Usage: stflash erase [ADDR SIZE]\n"
     "Without arguments, erase the whole flash (mass erase). With ADDR and SIZE, erase every\n"
     "page the range touches (both ends rounded out to whole pages). The core is left halted.\n"
     "\n"
     "  --log FILE           append one JSON line per board to FILE\n"
     "\n"
     "ADDR: hexadecimal with 0x, or decimal. SIZE: decimal or 0x hexadecimal, with an\n"
     "optional k or M suffix.\n"},
    {"verify",
     "Usage: stflash verify [OPTIONS] FILE [ADDR]\n"
     "Compare target memory with an image; exits with 5 and names the first differing address\n"
     "when they differ. A raw binary is compared at ADDR (default 0x08000000).\n"
     "\n"
     "  --format FMT         bin, ihex, srec or elf instead of detecting it\n"
     "  --log FILE           append one JSON line per board to FILE\n"},
    {"reset",
     "Usage: stflash reset [--halt] [--hard | --system]\n"
     "Reset the target and let it run, or with --halt stop it at the reset vector.\n"
     "\n"
     "  --halt               halt at the reset vector\n"
     "  --hard               pulse the NRST pin (the probe's RST wire must reach the board)\n"
     "  --system             reset by software (AIRCR SYSRESETREQ); no wire needed\n"
     "  --reset=auto|hard|system   the same choice as one option\n"
     "\n"
     "Default (auto): a software reset (AIRCR SYSRESETREQ), which needs no wire.\n"},
    {"gdbserver",
     "Usage: stflash gdbserver [--port N] [--bind ADDR [--allow-remote]] [--idle-timeout SEC]\n"
     "                         [--semihosting] [--semihosting-dir DIR] [--rtt-port N]\n"
     "Serve the GDB remote protocol for the target, one gdb at a time: registers of the core\n"
     "(msp, psp, primask, control; basepri and faultmask on ARMv7-M; s0-s31 and fpscr with an\n"
     "FPU; the banked stack pointers, stack limits, masks and CONTROL (msp_s ... control_ns)\n"
     "on a Cortex-M33 with the Security Extension), memory, hardware breakpoints (the FPB),\n"
     "software breakpoints in SRAM and in the F3/G4 CCM or L4 SRAM2 at 0x10000000 (a\n"
     "BKPT written by the server, the original restored), watchpoints (the DWT: aligned\n"
     "blocks of 1, 2, 4 ... bytes), step, continue, Ctrl-C, and `load` into flash (the memory\n"
     "map follows the chip's erase units). The target is halted when gdb connects; detach\n"
     "lets it run, kill resets it. Monitor commands: reset [halt|run], halt, resume, erase,\n"
     "unlock confirm (removes read protection: the chip erases its flash), info, semihosting\n"
     "on|off, rtt start [ADDR] (RTT up channel 0 on a TCP port of 127.0.0.1, see --rtt-port;\n"
     "what the client writes goes to down channel 0), rtt channels, rtt stop, help.\n"
     "Another gdb connecting meanwhile is told\n"
     "that the server is busy. Malformed packets are refused (NAK); a client that sends nothing\n"
     "within 10 s of connecting, or leaves a packet unfinished for 10 s, is disconnected; a\n"
     "vanished peer is found by TCP keepalive. Stop with Ctrl-C.\n"
     "\n"
     "  -p, --port N         TCP port (default 4242; 0: any free port, printed)\n"
     "  --bind ADDR          IPv4 address to listen on (default 127.0.0.1, this computer only)\n"
     "  --allow-remote       permit a --bind address other than loopback (the protocol has no\n"
     "                       authentication: whoever connects controls the target)\n"
     "  --idle-timeout SEC   disconnect a gdb silent for SEC seconds while the target is halted\n"
     "                       (default 0: never)\n"
     "  --semihosting        serve the program's semihosting calls (BKPT 0xAB) while gdb\n"
     "                       continues: its console on gdb's (also `monitor semihosting on`)\n"
     "  --semihosting-dir DIR  the same, its files opened in DIR (names relative to it;\n"
     "                       absolute names, '..' and symbolic links refused)\n"
     "  --rtt-port N         where 'monitor rtt start' serves RTT up channel 0, on 127.0.0.1\n"
     "                       (default 0: any free port, printed)\n"},
    {"options",
     "Usage: stflash options [CHANGES]\n"
     "Show the option bytes (every family stflash programs): read protection in force and\n"
     "stored, write-protected flash, watchdog and reset options, user data. With changes, store "
     "them\n"
     "and reset the target so that they load (it is left halted at its reset vector); the\n"
     "result is read back and checked. Without changes the target is only looked at.\n"
     "\n"
     "  --wrp none|all|MASK  write-protected groups: MASK bit n set = group n protected\n"
     "  --rdp 1              set read protection level 1 (needs --allow-read-protect; level 0\n"
     "                       is 'stflash unlock', which erases the flash)\n"
     "  --wdg-sw 0|1         1: the watchdog starts by software, 0: at reset\n"
     "  --nrst-stop 0|1      1: no reset when entering Stop mode\n"
     "  --nrst-stdby 0|1     1: no reset when entering Standby mode\n"
     "  --data0 N, --data1 N  user data bytes (0 to 255)\n"
     "  --ndbank 0|1         STM32F76x/F77x: 0 two banks of 16-128 KiB sectors, 1 one bank of\n"
     "                       32-256 KiB sectors (the layout changes at the reset)\n"
     "  --ndboot 0|1         STM32F76x/F77x: 0 boots from either bank (dual boot)\n"
     "  --boot-add0 ADDR, --boot-add1 ADDR  STM32F7: boot address with BOOT0 low / high, a\n"
     "                       multiple of 16 KiB\n"
     "  --dual-bank 0|1      L4/L4+/G4/G0B1 parts with a bank-mode option bit: 1 two banks,\n"
     "                       0 one (the page size and page numbers follow it)\n"
     "  --dangerous-write-protect  permit protecting flash groups that are not protected now\n"
     "  --allow-read-protect   permit setting read protection\n"
     "  --rdp 2 --permanent-rdp2  level 2 locks the chip for good (parts that have it; the\n"
     "                       STM32F1 does not)\n"
     "  --tzen 1 --allow-trustzone  turn TrustZone on (L5, U5; at level 0 only): the flash\n"
     "                       becomes secure and stflash can no longer write it; it turns off\n"
     "                       only through 'stflash lock' then 'stflash unlock' (erases all)\n"
     "  --product-state 0xNN --allow-product-state  STM32H5: the lifecycle state that replaces\n"
     "                       RDP (open 0xED, provisioning 0x17, iROT-provisioned 0x2E,\n"
     "                       TZ-closed 0xC6, closed 0x72, locked 0x5C: for good); refused\n"
     "                       without the flag\n"
     "  --swap-bank 0|1      H5, H7, U5: 1 maps bank 2 at the flash base from the next reset\n"},
    {"unlock",
     "Usage: stflash unlock [--yes]\n"
     "Remove read protection level 1: the chip erases its whole flash (the hardware does it),\n"
     "then the target is reset and checked to run at level 0; it is left halted at its reset\n"
     "vector. A chip that is not read protected is left alone. On the L5/U5 it also leaves\n"
     "level 0.5 and turns TrustZone off (TZEN clears only in this regression).\n"
     "\n"
     "  -y, --yes            do not ask: on a terminal stflash asks before erasing, without\n"
     "                       one it needs --yes\n"},
    {"lock", "Usage: stflash lock --allow-read-protect\n"
             "Set read protection level 1: the debugger can no longer read the flash, and only\n"
             "'stflash unlock' (which erases the flash) removes it. The target is reset.\n"
             "\n"
             "  --allow-read-protect  confirm (required, as for options --rdp 1)\n"},
    {"chips",
     "Usage: stflash chips [--names | --json]\n"
     "List the chip table: each DEV_ID with its family, part numbers, core, the flash and SRAM of\n"
     "its largest part, the erase units, and whether stflash programs its flash (the others are\n"
     "identified, and their memory, registers and reset work). No probe is opened.\n"
     "\n"
     "  --names  one part name a line (STM32F103x8: x stands for the package letter), the\n"
     "           names --chip takes, for scripts and shell completion\n"},
    {"mem",
     "Usage: stflash mem read ADDR [WORDS]\n"
     "       stflash mem write ADDR VALUE...\n"
     "Read WORDS 32-bit words (default 1, at most 4096) from ADDR and print them, four a line;\n"
     "or store each VALUE as a 32-bit word from ADDR on (SRAM, peripheral registers). ADDR is a\n"
     "multiple of 4. Flash is not written by stores: use write. The target is attached\n"
     "without a halt or a reset (--connect hot-plug unless --connect says otherwise).\n"},
    {"regs",
     "Usage: stflash regs\n"
     "Print r0-r12, sp, lr, pc, xpsr, msp, psp, control, faultmask, basepri and primask of a\n"
     "halted core (stflash halt stops it; a running core is refused, not halted).\n"},
    {"halt", "Usage: stflash halt\n"
             "Stop the core where it is and print its pc. No reset.\n"},
    {"resume", "Usage: stflash resume\n"
               "Let a halted core run on from where it stopped. No reset.\n"},
    {"rtt",
     "Usage: stflash rtt [--channel N] [--elf FILE | --address ADDR] [--output FILE]\n"
     "                   [--duration S]\n"
     "Show what the firmware writes to an RTT up channel (SEGGER's Real-Time Transfer: ring\n"
     "buffers in the target's RAM), while the core runs: the target is attached without a halt\n"
     "or a reset, and only memory is read and written. Lines typed on standard input go to\n"
     "down channel 0. The control block (\"SEGGER RTT\") is searched in the chip's SRAM unless\n"
     "--elf or --address says where it is; it is checked (channel counts, buffers inside RAM,\n"
     "offsets inside the buffers) and a corrupt one is refused. A channel named \"defmt...\"\n"
     "is passed through raw (decode it with defmt-print). Ends with Ctrl-C or --duration.\n"
     "\n"
     "  -c, --channel N      up channel to show (default 0)\n"
     "  --elf FILE           take the address of the symbol _SEGGER_RTT from the firmware's ELF\n"
     "  --address ADDR       the control block's address\n"
     "  -o, --output FILE    write the channel's bytes to FILE, unchanged, instead of stdout\n"
     "  --duration S         stop after S seconds (default: run until Ctrl-C)\n"},
    {"swo",
     "Usage: stflash swo --clock HZ [--baud HZ] [--port N|all] [--duration S]\n"
     "Show what the firmware writes to its ITM stimulus ports, sent through the SWO pin and\n"
     "received by the probe, while the core runs (no halt, no reset). The target's trace path\n"
     "is set up first: DEMCR TRCENA, DBGMCU_CR TRACE_IOEN, the TPIU (NRZ, formatter off, the\n"
     "baud rate divided from the core clock) and the ITM (enabled, the ports unmasked). One\n"
     "port's bytes are printed as they are (text, for a printf on port 0); with --port all,\n"
     "one line per write: \"port N: 0xVALUE\". Ends with Ctrl-C or --duration. Cortex-M3 and\n"
     "later (the Cortex-M0/M0+ have no ITM); ST-LINK/V2 firmware J13 or later.\n"
     "\n"
     "  --clock HZ           the core clock the firmware runs at (8M, 72000000): required\n"
     "  --baud HZ            SWO rate (default 2 MHz or the core clock if lower; the\n"
     "                       ST-LINK/V2 takes at most 2 MHz)\n"
     "  --port N|all         stimulus port to show (default 0), or all of them\n"
     "  --duration S         stop after S seconds (default: run until Ctrl-C)\n"},
    {"doctor",
     "Usage: stflash doctor\n"
     "Check, in order: probe found, probe opened, probe firmware, target voltage, SWD link,\n"
     "core, chip, clone, read protection, write protection, flash size; print what was found\n"
     "and, for each warning or failure, what to do. Nothing is written, erased or reset,\n"
     "except that a target that does not answer is tried under reset (left halted).\n"
     "Exits with the code of the first failed step (3 probe, 4 target, 6 protection, else 1).\n"},
    {"run",
     "Usage: stflash run [--timeout SEC] [--semihosting-dir DIR] [--rtt] [--no-flash] FIRMWARE\n"
     "       [ARG...]\n"
     "Write FIRMWARE to flash as write does (only what differs), reset the target, let it run\n"
     "and serve its semihosting calls (BKPT 0xAB): its console goes to stdout (its stderr\n"
     "stream to stderr) and reads stdin, its files live in DIR. Ends when the firmware exits\n"
     "(SYS_EXIT, SYS_EXIT_EXTENDED) with its status: 0 for ADP_Stopped_ApplicationExit with\n"
     "code 0, the code for another code, 1 for any other reason. Everything after FIRMWARE\n"
     "is its command line (SYS_GET_CMDLINE), options too (a -- right after FIRMWARE is\n"
     "dropped): stflash's own options go before FIRMWARE. The target is left halted.\n"
     "\n"
     "  --timeout SEC        stop the firmware (halted) after SEC seconds: exit status 124\n"
     "  --semihosting-dir DIR  the directory the firmware's files are opened in; names are\n"
     "                       relative to it (absolute names, '..' and symbolic links refused).\n"
     "                       Without it every file is refused; the console still works\n"
     "  --rtt                also stream RTT up channel 0 to stdout: the control block is the\n"
     "                       ELF symbol _SEGGER_RTT, else found in SRAM once the firmware has\n"
     "                       set it up (read without halting the core)\n"
     "  --no-flash           run what the flash holds (reset and serve only)\n"
     "  --format FMT         the file's format when its name does not tell (bin, ihex, srec,\n"
     "                       elf)\n"
     "\n"
     "Ctrl-C halts the firmware and exits with 130. A crash (a HardFault, caught as it is taken)\n"
     "ends the run with status 1 and the faulting address, as does a halt that is no\n"
     "semihosting call (another BKPT). The firmware's status may be any number: stflash's own\n"
     "failures (no probe 3, target 4, ...) are told on stderr.\n"},
    {"serve",
     "Usage: stflash serve [--listen ADDR:PORT] [--secret FILE]\n"
     "Share this machine's probes (every USB probe, or those --probe names) over the\n"
     "stlink-server TCP protocol: stflash (--probe tcp:HOST:PORT/SERIAL), OpenOCD\n"
     "(hla_stlink_backend tcp) and ST's tools on other machines use them. A client that opens\n"
     "a probe has it until it closes it or goes away; others are told it is busy.\n"
     "\n"
     "  --listen ADDR:PORT   where to listen (default 127.0.0.1:7184; port 0: any free one)\n"
     "  --secret FILE        demand the secret in FILE from every client (stflash clients\n"
     "                       name the file in $STFLASH_SERVER_SECRET); needed for any\n"
     "                       address other than loopback\n"
     "\n"
     "Runs until interrupted (Ctrl-C, SIGTERM).\n"},
};

bool help_command(const char *command)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (strcmp(helps[i].name, command) == 0) {
            fputs(helps[i].text, stdout);
            putchar('\n');
            fputs(global_options, stdout);
            putchar('\n');
            fputs(exit_codes, stdout);
            return true;
        }
    return false;
}
