#!/usr/bin/env bash
# gdb-multiarch `load` and hardware breakpoints through stflash gdbserver on one virtual board
# (the STM32F407VG: Cortex-M4F, FPB version 1; the STM32F767ZI: Cortex-M7, FPB version 2, whose
# comparators hold the breakpoint address itself, ARMv7-M C1.11.5): the session of
# tests/lib/gdb_target.sh, then one hardware breakpoint more than the FPB has comparators, which
# gdb must be refused.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32f407vg or stm32f767zi}
case "$chip" in
stm32f407vg) comparators=6 ;;
stm32f767zi) comparators=8 ;;
*) fail "chip '$chip': give stm32f407vg or stm32f767zi" ;;
esac
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
elf="$STFLASH_FW_DIR/gdb_target.elf"
[ -f "$elf" ] || fail "no $elf: build the firmware"

start_sim --chip "$chip"
start_gdbserver --probe "tcp:127.0.0.1:$SIM_PORT"
port=$GDB_PORT
[ -n "$port" ] && [ "$port" -ne 0 ] || fail "no port in: $(cat "$WORK/server.out")"

. "$(dirname "$0")/../lib/gdb_target.sh"
gdb_target_script "$port" "$WORK/session.gdb" detach
timeout 120 gdb-multiarch -nx -batch -x "$WORK/session.gdb" "$elf" >"$WORK/gdb.log" 2>&1 || {
    cp "$WORK/gdb.log" "$WORK/out"
    fail "gdb-multiarch session failed"
}
cp "$WORK/gdb.log" "$WORK/out"
gdb_target_check "$WORK/gdb.log" "$chip"

# As many hardware breakpoints as the FPB has instruction comparators, then one more.
{
    echo "target extended-remote :$port"
    # Halted at the reset handler first (and gdb told so: a monitor command leaves its register
    # cache as it was): a core stopped on one of the addresses would have gdb step off it with an
    # internal breakpoint, the one it then names as refused.
    echo "monitor reset halt"
    echo "maintenance flush register-cache"
    for i in $(seq 0 "$comparators"); do echo "hbreak *0x$(printf '%x' $((0x08000040 + 4 * i)))"; done
    echo "continue"
} >"$WORK/more.gdb"
timeout 120 gdb-multiarch -nx -batch -x "$WORK/more.gdb" "$elf" >"$WORK/out" 2>&1 || true
expect_out "Cannot insert hardware breakpoint $((comparators + 1))."
grep -qF "Cannot insert hardware breakpoint $comparators." "$WORK/out" &&
    fail "only $((comparators - 1)) hardware breakpoints accepted"
kill -0 "$SERVER_PID" || fail "the server exited"
pass "$chip: $comparators hardware breakpoints, the next one refused"
