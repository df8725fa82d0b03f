#!/usr/bin/env bash
# stflash gdbserver over TCP to a virtual-board daemon; gdb-multiarch in batch mode loads the test
# firmware (firmware/gdb_target.c), stops at a hardware breakpoint, steps, reads and writes memory
# and registers, and checks what the program does with them.
. "$(dirname "$0")/lib.sh"
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
elf="$STFLASH_FW_DIR/gdb_target.elf"
[ -f "$elf" ] || fail "no $elf: build the firmware"

start_sim
# -q: errors only, and the one line that says where the server listens (with --port 0 the only
# way to learn the port).
"$STFLASH" -q --probe "tcp:127.0.0.1:$SIM_PORT" gdbserver --port 0 >"$WORK/server.out" 2>"$WORK/err" &
SERVER_PID=$!
SIM_PIDS+=("$SERVER_PID") # ended at exit
deadline=$((SECONDS + 10))
until grep -q "listening for gdb on 127.0.0.1:" "$WORK/server.out" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "stflash gdbserver exited: $(cat "$WORK/err")"
    [ $SECONDS -lt $deadline ] || fail "stflash gdbserver not listening after 10 s"
    sleep 0.05
done
port=$(sed -n 's/^listening for gdb on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/server.out")
# The command it names is the one the server is made for (a new connection after the first).
grep -qF "(target extended-remote 127.0.0.1:$port)" "$WORK/server.out" ||
    fail "the server does not name 'target extended-remote': $(cat "$WORK/server.out")"
[ -n "$port" ] && [ "$port" -ne 0 ] || fail "no port in: $(cat "$WORK/server.out")"
pass "gdbserver --port 0 listens on 127.0.0.1:$port"

gdb_session() {
    timeout 120 gdb-multiarch -nx -batch -x "$1" "$elf" >"$2" 2>&1 || {
        cp "$2" "$WORK/out"
        fail "gdb-multiarch session failed"
    }
}
. "$(dirname "$0")/../lib/gdb_target.sh"
gdb_target_script "$port" "$WORK/session.gdb" detach
gdb_session "$WORK/session.gdb" "$WORK/gdb.log"
cp "$WORK/gdb.log" "$WORK/out"

gdb_target_check "$WORK/gdb.log" "stflash gdbserver"
expect_out "target reset, halted at the reset vector"

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
# Halted at the reset handler first: a core that happened to stop on one of the seven addresses
# (the firmware runs between sessions) would have gdb step off it with six inserted, and all fit.
{
    echo "target extended-remote :$port"
    echo "monitor reset halt"
    echo "maintenance flush register-cache" # gdb's register cache does not see the reset
    for i in 0 1 2 3 4 5 6; do echo "hbreak *0x$(printf '%x' $((0x08000040 + 4 * i)))"; done
    echo "continue"
} >"$WORK/third.gdb"
timeout 120 gdb-multiarch -nx -batch -x "$WORK/third.gdb" "$elf" >"$WORK/out" 2>&1 || true
expect_out "Could not insert hardware breakpoint"
kill -0 "$SERVER_PID" || fail "the server exited"
pass "a seventh hardware breakpoint is refused"

[ "$(wc -l <"$WORK/server.out")" -eq 1 ] && [ ! -s "$WORK/err" ] ||
    fail "gdbserver -q printed more than where it listens: $(cat "$WORK/server.out" "$WORK/err")"
pass "gdbserver -q prints only where it listens"
