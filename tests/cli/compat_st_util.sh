#!/usr/bin/env bash
# stflash-st-util against st-util of stlink-tools 1.7.0 on the same virtual board (over USB
# through the stand-in libusb): the same help and version, the same log lines when serving and
# when gdb connects, and the gdb session of tests/compat/stlink_gdb.sh (tests/lib/gdb_target.sh)
# run against ours; -n keeps the target running where it was, -u connects under reset,
# --semihosting is taken (served: tests/cli/gdb_semihost.sh), bad options are refused.
. "$(dirname "$0")/lib.sh"
: "${STFLASH_ST_UTIL:?path of stflash-st-util}"
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
command -v st-util >/dev/null || fail "st-util is not installed: install the Debian package stlink-tools"
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
st-util --version | grep -qx 'v1.7.0' || fail "the output is compared with stlink-tools 1.7.0, this is $(st-util --version)"
elf="$STFLASH_FW_DIR/gdb_target.elf"
. "$(dirname "$0")/../lib/gdb_target.sh"

# ---- help and version, byte for byte ----
st-util --help >"$WORK/real.out" 2>&1 || fail "st-util --help failed"
"$STFLASH_ST_UTIL" --help >"$WORK/ours.out" 2>&1 || fail "stflash-st-util --help failed"
cmp -s "$WORK/real.out" "$WORK/ours.out" || fail "--help differs: $(diff "$WORK/real.out" "$WORK/ours.out" | head)"
[ "$("$STFLASH_ST_UTIL" --version)" = "$(st-util --version)" ] || fail "--version differs"
[ "$("$STFLASH_ST_UTIL" -V)" = v1.7.0 ] || fail "-V does not print the version"
pass "--help, --version as st-util 1.7.0; -V as --version"

# ---- bad options: refused with a message and status 1 ----
for args in "--bogus" "-p abc" "-p 70000" "--freq=abc" "extra"; do
    set +e
    # shellcheck disable=SC2086
    "$STFLASH_ST_UTIL" $args >"$WORK/out" 2>"$WORK/err"
    rc=$?
    set -e
    [ $rc -eq 1 ] || fail "stflash-st-util $args exited with $rc, expected 1"
    grep -qE "ERROR stflash: (unknown option|invalid|unexpected argument)" "$WORK/err" ||
        fail "stflash-st-util $args: no message naming the problem: $(cat "$WORK/err")"
done
pass "unknown options, bad ports and frequencies, stray arguments refused (status 1)"

start_sim --chip stm32f103cb
usb=(env LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT")
no_stamp() { sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8} //' "$1"; }

# server NAME ARGS...: a server (real: st-util, ours: stflash-st-util) on a free port; PORT.
server() {
    local name=$1
    shift
    PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local exe=st-util
    [ "$name" = ours ] && exe=$STFLASH_ST_UTIL
    "${usb[@]}" "$exe" -p "$PORT" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    SERVER_PID=$!
    SIM_PIDS+=("$SERVER_PID")
    local deadline=$((SECONDS + 20))
    until grep -q "Listening at .*:$PORT" "$WORK/$name.err" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || fail "$exe exited: $(cat "$WORK/$name.err")"
        [ $SECONDS -lt $deadline ] || fail "$exe not listening after 20 s"
        sleep 0.05
    done
}
server_stop() {
    kill -TERM "$SERVER_PID"
    wait_deadline "$SERVER_PID" 10 || [ $? -ne 124 ] || fail "$SERVER_PID did not end within 10 s of SIGTERM"
}
gdb_with() {
    timeout 120 gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
        -ex "target extended-remote :$PORT" "$@" >"$WORK/gdb.log" 2>&1 || true
    cp "$WORK/gdb.log" "$WORK/out"
}

# ---- the log of a short session, real and ours ----
for side in real ours; do
    server $side
    gdb_with -ex 'printf "P pc=%#x\n", $pc'
    sleep 0.5
    server_stop
    no_stamp "$WORK/$side.err" | grep -vE '^(DEBUG|INFO|WARN|ERROR) stflash: ' >"$WORK/$side.log"
done
head -n 1 "$WORK/real.out" >"$WORK/real.first"
head -n 1 "$WORK/ours.out" >"$WORK/ours.first"
cmp -s "$WORK/real.first" "$WORK/ours.first" || fail "the first line on stdout differs"
# Ours listens on 127.0.0.1 only: the Listening lines differ in that.
sed -n '1,5p' "$WORK/real.log" | sed -E 's/Listening at \*:[0-9]+/Listening at ADDR/' >"$WORK/real.head"
sed -n '1,5p' "$WORK/ours.log" | sed -E 's/Listening at 127\.0\.0\.1:[0-9]+/Listening at ADDR/' >"$WORK/ours.head"
diff "$WORK/real.head" "$WORK/ours.head" >"$WORK/log.diff" ||
    fail "the log lines differ from st-util's: $(cat "$WORK/log.diff")"
grep -qxF "INFO gdb-server.c: GDB connected." "$WORK/ours.log" || fail "no 'GDB connected.'"
pass "startup and connection log lines as st-util 1.7.0 prints them (listening on 127.0.0.1)"

# ---- the gdb session both GDB servers pass ----
server ours
gdb_target_script "$PORT" "$WORK/session.gdb" detach
timeout 120 gdb-multiarch -nx -batch -x "$WORK/session.gdb" "$elf" >"$WORK/gdb.log" 2>&1 ||
    { cp "$WORK/gdb.log" "$WORK/out"; fail "gdb-multiarch session failed"; }
gdb_target_check "$WORK/gdb.log" stflash-st-util
# After the detach the firmware runs; a new gdb is served, and the target is reset for it
# (st-util's default): it stands at the reset vector.
gdb_with -ex 'printf "R at_reset=%d\n", $pc == (unsigned)&Reset_Handler' "$elf"
grep -qxF "R at_reset=1" "$WORK/out" || fail "the target was not reset when gdb connected"
server_stop
pass "a second gdb served after the first; the target reset for it"

# -n: no reset on connection: the firmware left running is found in its loop.
server ours -n
gdb_with -ex load -ex 'monitor reset' -ex 'hbreak marker' -ex continue -ex delete -ex detach "$elf"
gdb_with -ex 'printf "N at_reset=%d counter_moved=%d\n", $pc == (unsigned)&Reset_Handler, counter > 1' "$elf"
grep -qxF "N at_reset=0 counter_moved=1" "$WORK/out" || fail "-n reset the target, or it did not run"
server_stop
pass "-n: the target is not reset when gdb connects"

# -u and --semihosting: served (the calls themselves: tests/cli/gdb_semihost.sh).
server ours -u --semihosting
gdb_with -ex 'printf "U pc=%#x\n", $pc' "$elf"
grep -qE '^U pc=0x8' "$WORK/out" || fail "-u: no session"
! grep -qiE "semihosting.*not implemented|WARN" "$WORK/ours.err" ||
    fail "--semihosting still warns: $(grep -iE 'semihosting|WARN' "$WORK/ours.err")"
server_stop
pass "-u connects under reset; --semihosting is taken without a warning"
