#!/usr/bin/env bash
# The integration tests under valgrind's memcheck, kept short (jobs of a few KiB): the tool's
# write, read, verify and erase on the virtual board in its own process, error paths, a daemon
# (under valgrind too) with the tool as its client over TCP and over the stand-in libusb, an
# injected probe loss, and the GDB server with a client. Any invalid access or definite or
# indirect leak in any of these processes fails the test; the report is printed.
# Environment (tests/valgrind/CMakeLists.txt): STFLASH, STFLASH_SIM and STFLASH_LIBUSB_DIR of a
# build without sanitizers, STFLASH_VALGRIND.
. "$(dirname "$0")/../cli/lib.sh"
: "${STFLASH_VALGRIND:?path of valgrind}"
[ -x /usr/bin/python3 ] || fail "needs /usr/bin/python3 (Debian package python3)"

# Every program runs under valgrind: wrappers stand in for the tool and the daemon. The reports
# go to sim_vg_<pid>.err, which the failure message of lib.sh prints. (Code the virtual board's
# CPU emulator generates at run time is checked by valgrind's default, --smc-check=all-non-file.)
mkdir -p "$WORK/bin"
for prog in stflash:"$STFLASH" stflash-sim:"$STFLASH_SIM"; do
    cat >"$WORK/bin/${prog%%:*}" <<WRAP
#!/bin/sh
exec "$STFLASH_VALGRIND" -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
    --log-file="$WORK/sim_vg_%p.err" "${prog#*:}" "\$@"
WRAP
    chmod +x "$WORK/bin/${prog%%:*}"
done
STFLASH="$WORK/bin/stflash"
STFLASH_SIM="$WORK/bin/stflash-sim"

reports() {
    local f bad=0
    for f in "$WORK"/sim_vg_*.err; do
        [ -s "$f" ] || continue
        echo "---- valgrind: $(basename "$f")" >&2
        cat "$f" >&2
        bad=1
    done
    return $bad
}

# ---- the tool with the virtual board in its process ----
# Small jobs: under valgrind the emulated core runs far slower than real time, and the tool's
# deadlines are in real time (a loader's: twice the datasheet time plus 3 s, src/flash/loader.c).
# 1000 bytes at 0x08000300 cover two pages partly: the bytes kept around them are exercised too.
S=(--probe "sim:state=$WORK/local.state")
random_file "$WORK/img.bin" 1000
expect_ok "${S[@]}" write "$WORK/img.bin" 0x08000300
expect_ok "${S[@]}" verify "$WORK/img.bin" 0x08000300
expect_ok "${S[@]}" -q read "$WORK/back.bin" 0x08000300 1000
expect_same "$WORK/back.bin" "$WORK/img.bin"
expect_ok "${S[@]}" erase 0x08000000 2k
expect_ok "${S[@]}" info --json
expect_rc 1 "${S[@]}" write "$WORK/missing.bin" 0x08000000
expect_rc 1 "${S[@]}" write "$WORK/img.bin" 0x08fff000
expect_rc 5 "${S[@]}" verify "$WORK/img.bin" 0x08000300
reports || fail "valgrind found errors in the tool (in-process virtual board)"
pass "write, verify, read, erase, info and three failures: no invalid access, no leak"

# ---- a daemon with the tool as its client: TCP, the stand-in libusb, a probe lost ----
start_sim
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${T[@]}" write "$WORK/img.bin" 0x08000300
expect_ok "${T[@]}" -q read "$WORK/back2.bin" 0x08000300 1000
expect_same "$WORK/back2.bin" "$WORK/img.bin"
ctl advance 0 10 >/dev/null
LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT" \
    expect_ok verify "$WORK/img.bin" 0x08000300
ctl fault 0 disconnect:40 >/dev/null
run "${T[@]}" write "$WORK/img.bin" 0x08000300
[ "$RC" -ne 0 ] && [ "$RC" -ne 99 ] || fail "a write with the probe lost exited with $RC"
stop_sim
reports || fail "valgrind found errors in the daemon or its clients"
pass "a daemon and its clients over TCP and USB, and a probe lost mid-write: no invalid access, no leak"

# ---- the GDB server with a client ----
"$STFLASH" --probe "sim:state=$WORK/gdb.state" gdbserver --port 0 >"$WORK/gdb.out" 2>"$WORK/gdb.err" &
GDB_PID=$!
SIM_PIDS+=("$GDB_PID")
deadline=$((SECONDS + 60))
until grep -q "listening for gdb on 127.0.0.1:" "$WORK/gdb.out" 2>/dev/null; do
    kill -0 "$GDB_PID" 2>/dev/null || fail "stflash gdbserver exited: $(cat "$WORK/gdb.err")"
    [ $SECONDS -lt $deadline ] || fail "stflash gdbserver not listening after 60 s"
    sleep 0.1
done
port=$(sed -n 's/^listening for gdb on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/gdb.out")
/usr/bin/python3 "$(dirname "$0")/gdb_client.py" "$port" || fail "the GDB session failed: $(tail -n 5 "$WORK/gdb.err")"
kill -TERM "$GDB_PID"
wait "$GDB_PID" || fail "stflash gdbserver exited with $? ($(cat "$WORK/gdb.err"))"
reports || fail "valgrind found errors in the GDB server"
pass "the GDB server with a client: no invalid access, no leak"
