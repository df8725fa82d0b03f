#!/usr/bin/env bash
# st-util (stlink-tools 1.7.0) serves GDB over the stand-in libusb; gdb-multiarch in batch mode
# loads the test firmware (firmware/gdb_target.c), stops at a hardware breakpoint, steps, reads
# and writes memory and registers, and checks what the program does with them.
. "$(dirname "$0")/lib.sh"
need_tool st-util stlink-tools
need_tool gdb-multiarch gdb-multiarch
elf="$STFLASH_FW_DIR/gdb_target.elf"

start_sim
port=$(free_port)
start_bg "$WORK/st-util.log" st-util --listen_port="$port"
wait_for_log "$WORK/st-util.log" "Listening at *:$port" "$BG_PID"

# Each pass of the firmware's loop: work(i) adds i to counter and records it in history[i % 8],
# svc #0 counts in svc_count (0x2000000C), then marker(); i advances by `step` (1 after reset).
cat >"$WORK/session.gdb" <<EOF
set pagination off
set confirm off
target extended-remote :$port
load
monitor reset
hbreak marker
continue
printf "A counter=%u step=%d svc=%u\n", counter, step, *(unsigned int *)0x2000000C
continue
printf "B counter=%u svc=%u\n", counter, *(unsigned int *)0x2000000C
set var step = 5
continue
printf "C counter=%u history6=%d svc=%u\n", counter, history[6], *(unsigned int *)0x2000000C
stepi
printf "D left_marker=%d\n", \$pc != (unsigned int)&marker
info symbol \$pc
hbreak work
continue
printf "E n=%d r0=%u\n", n, \$r0
set var \$r0 = 100
delete 2
continue
printf "F counter=%u history4=%d\n", counter, history[100 % 8]
set var counter = 1000
continue
printf "G counter=%u\n", counter
x/2wx 0x20000008
printf "H pc_is_marker=%d\n", \$pc == (unsigned int)&marker
kill
EOF
with_usb timeout 120 gdb-multiarch -nx -batch -x "$WORK/session.gdb" "$elf" >"$WORK/gdb.log" 2>&1 ||
    fail "gdb-multiarch session failed"

expect_line() {
    grep -qxF -- "$1" "$WORK/gdb.log" || fail "expected the line \"$1\" from gdb"
}
expect_log "$WORK/gdb.log" "Start address 0x"
# First stop: work(0) ran once, one SVC taken.
expect_line "A counter=0 step=1 svc=1"
expect_line "B counter=1 svc=2"
# step = 5 written into SRAM: the next pass works on i = 1 + 5.
expect_line "C counter=7 history6=7 svc=3"
pass "load, hardware breakpoint, continue; a variable written by GDB changes the program's course"

# One instruction stepped out of marker() lands back in main().
expect_line "D left_marker=1"
grep -qE '^main \+ [0-9]+ in section \.text$' "$WORK/gdb.log" || fail "stepi did not return to main"
# At work's entry the argument is i = 6 + 5 in r0; writing r0 = 100 makes it work(100).
expect_line "E n=11 r0=11"
expect_line "F counter=107 history4=107"
# counter written in memory; the next pass (i = 16) adds to it.
expect_line "G counter=1016"
# Five passes, five SVCs; fw_id says the gdb_target firmware runs.
grep -qE '^0x20000008 <fw_id>:[[:space:]]+0xf1d00003[[:space:]]+0x00000005$' "$WORK/gdb.log" ||
    fail "x/2wx 0x20000008 should show fw_id 0xf1d00003 and svc_count 5"
expect_line "H pc_is_marker=1"
pass "stepi, registers and memory read and written through st-util"
