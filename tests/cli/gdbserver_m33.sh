#!/usr/bin/env bash
# stflash gdbserver on a Cortex-M33 board (the virtual STM32U575ZI, STM32L552ZE or STM32H563ZI):
# gdb-multiarch loads the test firmware (firmware/gdb_target.c, plain Thumb-2 that runs on every
# ARMv7-M and ARMv8-M core) into the flash controller's banks through the server's flash load, and
# the session of tests/lib/gdb_target.sh stops at hardware breakpoints set through the FPBv2
# (FP_COMPn = address | BE), steps, and reads and writes memory and registers.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32u575zi, stm32l552ze or stm32h563zi}
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
elf="$STFLASH_FW_DIR/gdb_target.elf"
[ -f "$elf" ] || fail "no $elf: build the firmware"

start_sim --chip "$chip"
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

. "$(dirname "$0")/../lib/gdb_target.sh"
gdb_target_script "$port" "$WORK/session.gdb" kill
timeout 120 gdb-multiarch -nx -batch -x "$WORK/session.gdb" "$elf" >"$WORK/gdb.log" 2>&1 || {
    cp "$WORK/gdb.log" "$WORK/out"
    fail "gdb-multiarch session failed"
}
cp "$WORK/gdb.log" "$WORK/out"
gdb_target_check "$WORK/gdb.log" "$chip: stflash gdbserver"
