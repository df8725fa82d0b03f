#!/usr/bin/env bash
# stflash gdbserver over TCP to a virtual-board daemon; gdb-multiarch in batch mode loads the test
# firmware (firmware/gdb_target.c), stops at a hardware breakpoint, steps, reads and writes memory
# and registers, and checks what the program does with them.
. "$(dirname "$0")/lib.sh"
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
elf="$STFLASH_FW_DIR/gdb_target.elf"
[ -f "$elf" ] || fail "no $elf: build the firmware"

start_sim
"$STFLASH" --probe "tcp:127.0.0.1:$SIM_PORT" gdbserver --port 0 >"$WORK/server.out" 2>"$WORK/err" &
SERVER_PID=$!
SIM_PIDS+=("$SERVER_PID") # ended at exit
deadline=$((SECONDS + 10))
until grep -q "listening for gdb on 127.0.0.1:" "$WORK/server.out" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "stflash gdbserver exited: $(cat "$WORK/err")"
    [ $SECONDS -lt $deadline ] || fail "stflash gdbserver not listening after 10 s"
    sleep 0.05
done
port=$(sed -n 's/^listening for gdb on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/server.out")
[ -n "$port" ] && [ "$port" -ne 0 ] || fail "no port in: $(cat "$WORK/server.out")"
pass "gdbserver --port 0 listens on 127.0.0.1:$port"

# Each pass of the firmware's loop: work(i) adds i to counter and records it in history[i % 8],
# svc #0 counts in svc_count (0x2000000C), then marker(); i advances by `step` (1 after reset).
gdb_session() {
    timeout 120 gdb-multiarch -nx -batch -x "$1" "$elf" >"$2" 2>&1 || {
        cp "$2" "$WORK/out"
        fail "gdb-multiarch session failed"
    }
}
cat >"$WORK/session.gdb" <<EOF2
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
printf "H pc_is_marker=%d xpsr_thumb=%d\n", \$pc == (unsigned int)&marker, (\$xpsr >> 24) & 1
delete
detach
EOF2
gdb_session "$WORK/session.gdb" "$WORK/gdb.log"
cp "$WORK/gdb.log" "$WORK/out"

expect_line() {
    grep -qxF -- "$1" "$WORK/gdb.log" || fail "expected the line \"$1\" from gdb"
}
expect_out "Start address 0x"
expect_out "target reset, halted at the reset vector"
# First stop: work(0) ran once, one SVC taken.
expect_line "A counter=0 step=1 svc=1"
expect_line "B counter=1 svc=2"
# step = 5 written into SRAM: the next pass works on i = 1 + 5.
expect_line "C counter=7 history6=7 svc=3"
pass "load, hardware breakpoint, continue; a variable written by gdb changes the program's course"

expect_line "D left_marker=1"
grep -qE '^main \+ [0-9]+ in section \.text$' "$WORK/gdb.log" || fail "stepi did not return to main"
# At work's entry the argument is i = 6 + 5 in r0; writing r0 = 100 makes it work(100).
expect_line "E n=11 r0=11"
expect_line "F counter=107 history4=107"
expect_line "G counter=1016"
grep -qE '^0x20000008 <fw_id>:[[:space:]]+0xf1d00003[[:space:]]+0x00000005$' "$WORK/gdb.log" ||
    fail "x/2wx 0x20000008 should show fw_id 0xf1d00003 and svc_count 5"
expect_line "H pc_is_marker=1 xpsr_thumb=1"
pass "stepi, registers and memory read and written through stflash gdbserver"

# After the detach the firmware runs on; a second gdb attaches (the target halts), sees counter
# advanced, interrupts a continue with Ctrl-C (SIGINT to gdb), and loads the same image again.
cat >"$WORK/second.gdb" <<EOF2
set pagination off
set confirm off
target extended-remote :$port
printf "I counter_moved=%d\n", counter != 1016
set var \$before = svc_count
shell (sleep 1; kill -INT \$PPID) &
continue
printf "J interrupted_ran=%d\n", svc_count != \$before
load
kill
EOF2
gdb_session "$WORK/second.gdb" "$WORK/gdb2.log"
cp "$WORK/gdb2.log" "$WORK/out"
grep -qxF "I counter_moved=1" "$WORK/gdb2.log" || fail "the target did not run after the detach"
kill -0 "$SERVER_PID" || fail "the server exited with the first client"
pass "detach lets the target run; a second client attaches"
grep -qxF "J interrupted_ran=1" "$WORK/gdb2.log" || fail "continue did not run, or Ctrl-C did not stop it"
grep -qF "SIGINT" "$WORK/gdb2.log" || fail "no SIGINT stop after the interrupt"
expect_out "Start address 0x"
pass "Ctrl-C interrupts a continue; load again; kill"

# The FPB of the STM32F1 has six code comparators: a seventh hardware breakpoint is refused.
{
    echo "target extended-remote :$port"
    for i in 0 1 2 3 4 5 6; do echo "hbreak *0x$(printf '%x' $((0x08000040 + 4 * i)))"; done
    echo "continue"
} >"$WORK/third.gdb"
timeout 120 gdb-multiarch -nx -batch -x "$WORK/third.gdb" "$elf" >"$WORK/out" 2>&1 || true
expect_out "Could not insert hardware breakpoint"
kill -0 "$SERVER_PID" || fail "the server exited"
pass "a seventh hardware breakpoint is refused"
