#!/usr/bin/env bash
# Semihosting in the GDB server: gdb-multiarch in batch mode loads firmware/semihost_hello.c and
# continues; the server serves the calls unseen by gdb (the console on gdb's through O packets,
# result.txt in --semihosting-dir), and the exit ends the continue as the program's exit.
# `monitor semihosting off` leaves the BKPT to gdb as a stop; `on` serves it again, and a stepi
# onto it performs the call and steps past it. The failing
# firmware exits with code 1. stflash-st-util --semihosting serves the same calls (its console on
# its stdout, its files in its working directory).
. "$(dirname "$0")/lib.sh"
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
hello="$STFLASH_FW_DIR/semihost_hello.elf"
failing="$STFLASH_FW_DIR/semihost_fail.elf"
[ -f "$hello" ] && [ -f "$failing" ] || fail "semihosting firmware not built in $STFLASH_FW_DIR"

# files_dir DIR: a directory for the firmware, with link.txt leading outside (it must be refused).
files_dir() {
    mkdir -p "$1"
    echo "outside" >"$WORK/outside.txt"
    ln -sf "$WORK/outside.txt" "$1/link.txt"
}
files_dir "$WORK/files"

# start_server ARGS...: stflash gdbserver on the in-process virtual board; PORT.
start_server() {
    : >"$WORK/server.out" # not the last server's line: the job's redirection may come later
    "$STFLASH" --probe sim:stm32f103cb gdbserver --port 0 "$@" >"$WORK/server.out" 2>"$WORK/err" &
    SERVER_PID=$!
    SIM_PIDS+=("$SERVER_PID")
    local deadline=$((SECONDS + 10))
    until grep -q "listening for gdb on 127.0.0.1:" "$WORK/server.out" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || fail "stflash gdbserver exited: $(cat "$WORK/err")"
        [ $SECONDS -lt $deadline ] || fail "stflash gdbserver not listening after 10 s"
        sleep 0.05
    done
    PORT=$(sed -n 's/^listening for gdb on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/server.out")
}

# gdb_run ELF LOG COMMANDS...: a batch session that loads ELF and resets the target first.
gdb_run() {
    local elf=$1 log=$2
    shift 2
    local args=()
    for c in "$@"; do args+=(-ex "$c"); done
    timeout 60 gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
        -ex "target extended-remote :$PORT" -ex load -ex "monitor reset halt" "${args[@]}" \
        "$elf" >"$log" 2>&1 || { cp "$log" "$WORK/out"; fail "gdb-multiarch session failed"; }
    cp "$log" "$WORK/out"
}

# ---- served from the start (--semihosting-dir) ----
start_server --semihosting-dir "$WORK/files"
gdb_run "$hello" "$WORK/gdb1.log" continue 'printf "exit=%d\n", $_exitcode'
grep -qxF "hello from SYS_WRITE0" "$WORK/gdb1.log" || fail "no SYS_WRITE0 output on gdb's console"
grep -qxF "hello from SYS_WRITE" "$WORK/gdb1.log" || fail "no SYS_WRITE output on gdb's console"
grep -qxF "escapes refused" "$WORK/gdb1.log" || fail "the escape checks did not pass"
grep -qF "exited normally]" "$WORK/gdb1.log" || fail "gdb did not see the program exit"
grep -qxF "exit=0" "$WORK/gdb1.log" || fail "exit code not 0"
[ "$(cat "$WORK/files/result.txt")" = "semihosting file write: ok" ] || fail "result.txt not written"
[ "$(cat "$WORK/outside.txt")" = "outside" ] || fail "the file behind link.txt was written"
! grep -qF "hello from" "$WORK/server.out" || fail "the console went to the server's stdout too"
pass "gdbserver --semihosting-dir: hello and a file write through gdb's continue; exit seen by gdb"

# ---- monitor semihosting off: the call is a stop for gdb; on: served again ----
rm -f "$WORK/files/result.txt"
gdb_run "$failing" "$WORK/gdb2.log" "monitor semihosting off" continue \
    'printf "insn=%#x\n", *(unsigned short *)$pc' 'set var $bk = $pc' "monitor semihosting on" \
    stepi 'printf "stepped=%d\n", $pc == $bk + 2' continue 'printf "exit=%d\n", $_exitcode'
grep -qxF "semihosting off" "$WORK/gdb2.log" || fail "monitor semihosting off not answered"
grep -qF "SIGTRAP" "$WORK/gdb2.log" || fail "with semihosting off the BKPT did not stop gdb"
grep -qxF "insn=0xbeab" "$WORK/gdb2.log" || fail "the stop was not on BKPT 0xAB"
grep -qxF "stepped=1" "$WORK/gdb2.log" || fail "stepi did not perform the call and step past it"
grep -qF "test_addition: " "$WORK/gdb2.log" || fail "no output from the call stepped over"
grep -qF "FAILED (1 + 0 != 2)" "$WORK/gdb2.log" || fail "no output after semihosting on"
grep -qF "exited with code 01]" "$WORK/gdb2.log" || fail "the failing firmware's exit code not seen"
grep -qxF "exit=1" "$WORK/gdb2.log" || fail "exit code not 1"
pass "monitor semihosting off stops on the BKPT; on serves it (stepi too); the failing firmware exits 1"

# A call whose parameter the target cannot read (a bad pointer): a stop for gdb, the reason logged.
gdb_run "$failing" "$WORK/gdb2b.log" "monitor semihosting off" continue 'set var $r0 = 4' \
    'set var $r1 = 0xA0000000' "monitor semihosting on" continue \
    'printf "still=%d\n", *(unsigned short *)$pc == 0xbeab'
grep -qxF "still=1" "$WORK/gdb2b.log" || fail "a call with a bad pointer did not stop on the BKPT"
expect_err "semihosting call not served: semihosting: SYS_WRITE0 cannot read 0xa0000000"
pass "a call with a bad pointer: gdb sees the stop, the server says why"
kill -TERM "$SERVER_PID"
wait_deadline "$SERVER_PID" 10 || [ $? -ne 124 ] || fail "the gdb server did not end within 10 s of SIGTERM"

# ---- without --semihosting: monitor semihosting on, files refused with the option named ----
start_server
gdb_run "$hello" "$WORK/gdb3.log" "monitor semihosting on" continue 'printf "exit=%d\n", $_exitcode'
grep -qxF "hello from SYS_WRITE0" "$WORK/gdb3.log" || fail "monitor semihosting on: no output"
grep -qxF "FAILED: open result.txt for writing" "$WORK/gdb3.log" || fail "the file was not refused"
grep -qxF "exit=13" "$WORK/gdb3.log" || fail "exit code not 13"
expect_err "give 'stflash gdbserver --semihosting-dir DIR'"
pass "monitor semihosting on without a directory: console served, files refused (the fix named)"
kill -TERM "$SERVER_PID"
wait_deadline "$SERVER_PID" 10 || [ $? -ne 124 ] || fail "the gdb server did not end within 10 s of SIGTERM"

# ---- stflash-st-util --semihosting, over USB (the stand-in libusb) ----
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
start_sim --chip stm32f103cb
files_dir "$WORK/stutil"
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$WORK/stutil" && exec env LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" \
    STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT" "$STFLASH_ST_UTIL" -p "$PORT" --semihosting \
    >"$WORK/stutil.out" 2>"$WORK/stutil.err") &
SERVER_PID=$!
SIM_PIDS+=("$SERVER_PID")
deadline=$((SECONDS + 20))
until grep -q "Listening at .*:$PORT" "$WORK/stutil.err" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || fail "stflash-st-util exited: $(cat "$WORK/stutil.err")"
    [ $SECONDS -lt $deadline ] || fail "stflash-st-util not listening after 20 s"
    sleep 0.05
done
! grep -qi "not implemented" "$WORK/stutil.err" || fail "--semihosting still said not implemented"
gdb_run "$hello" "$WORK/gdb4.log" continue 'printf "exit=%d\n", $_exitcode'
grep -qxF "exit=0" "$WORK/gdb4.log" || fail "st-util --semihosting: exit code not 0"
grep -qxF "hello from SYS_WRITE0" "$WORK/stutil.out" || fail "st-util --semihosting: no console output on its stdout"
[ "$(cat "$WORK/stutil/result.txt")" = "semihosting file write: ok" ] ||
    fail "st-util --semihosting: result.txt not written in its working directory"
pass "stflash-st-util --semihosting: console on its stdout, files in its working directory"
