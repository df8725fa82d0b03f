#!/usr/bin/env bash
# Reset modes through a daemon, whose control port tells whether the core runs and where it
# stopped: reset (run), reset --halt (at the reset vector), --hard, --system, write --reset,
# write --halt, connect under reset, and a board whose NRST wire is missing.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$fw" ] || fail "no test firmware $fw: install gcc-arm-none-eabi and build"
start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
# The reset handler: the second word of the vector table.
reset_pc=$(/usr/bin/python3 -c 'import struct,sys; print("0x%08x" % (struct.unpack_from("<I", open(sys.argv[1],"rb").read(), 4)[0] & ~1))' "$fw")

expect_halted() {
    [ "$(board_field 0 halted)" = True ] || fail "$1: the core is not halted"
    if [ -n "${2:-}" ]; then
        [ "$(board_field 0 pc)" = "$2" ] || fail "$1: pc is $(board_field 0 pc), expected $2"
    fi
}
expect_running() {
    [ "$(board_field 0 halted)" = False ] || fail "$1: the core is halted"
    local before after
    before=$(board_field 0 led_toggles)
    ctl advance 0 300 >/dev/null
    after=$(board_field 0 led_toggles)
    [ "$after" -gt "$before" ] || fail "$1: the firmware does not run (LED toggles $before -> $after)"
}

expect_ok "${P[@]}" write --reset "$fw" 0x08000000
expect_out "reset, running"
expect_running "write --reset"
pass "write --reset: the new firmware runs"

expect_ok "${P[@]}" reset --halt
expect_out "halted at the reset vector"
expect_halted "reset --halt" "$reset_pc"
pass "reset --halt stops at the reset handler ($reset_pc)"

expect_ok "${P[@]}" reset
expect_out "reset, running"
expect_running "reset"
expect_ok "${P[@]}" reset --system
expect_running "reset --system"
expect_ok "${P[@]}" reset --hard
expect_running "reset --hard"
expect_ok "${P[@]}" reset --reset=system --halt
expect_halted "reset --reset=system --halt" "$reset_pc"
expect_ok "${P[@]}" --connect under-reset reset
expect_running "--connect under-reset reset"
expect_ok "${P[@]}" --connect hot-plug reset --halt
expect_halted "--connect hot-plug reset --halt" "$reset_pc"
pass "reset: auto, system, hard, --reset=METHOD, under reset, hot plug"

expect_ok "${P[@]}" write --halt "$fw" 0x08000000
expect_halted "write --halt"
expect_ok "${P[@]}" write --reset --halt "$fw" 0x08000000
expect_halted "write --reset --halt" "$reset_pc"
expect_ok "${P[@]}" write --reset=system "$fw" 0x08000000
expect_running "write --reset=system"
pass "write --halt, --reset --halt, --reset=system"

# A board whose NRST does not reach the chip: a hard reset says so; auto and system work.
start_sim --no-nrst
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${P[@]}" -q write "$fw" 0x08000000
expect_rc 4 "${P[@]}" reset --hard
expect_err "NRST"
expect_error_style
expect_ok "${P[@]}" reset
expect_running "reset without NRST"
expect_ok "${P[@]}" reset --system --halt
expect_halted "reset --system --halt without NRST" "$reset_pc"
pass "no NRST wire: --hard fails with exit 4, auto and system work"

# What the code does (a software reset by default: it works without the NRST wire, above) is what the help,
# the header, docs/cli.md and the man page say.
src=$(dirname "$0")/../..
expect_ok reset --help
expect_out "Default (auto): a software reset (AIRCR SYSRESETREQ)"
! grep -qi "NRST when" "$WORK/out" "$src/include/stflash/stflash.h" "$src/docs/cli.md" "$src/man/stflash.1" ||
    fail "a document still says the default reset pulses NRST when wired"
grep -qF 'Default (auto): a software reset' "$src/man/stflash.1" || fail "stflash(1) lacks the default reset"
grep -qF 'The default (`auto`) is a software reset' "$src/docs/cli.md" || fail "docs/cli.md lacks the default reset"
pass "the default reset is documented as the software reset it is"

# The probe lost right after the reset request: no "reset, running", a failure naming the lost
# connection. The relay passes the AIRCR write (its value 0x05fa0004) and its answer, then
# closes both ends.
reset_lost() {
    local log="$WORK/proxy$#.out"
    /usr/bin/python3 "$(dirname "$0")/cut_proxy.py" "$SIM_PORT" 0400fa05 >"$log" &
    local proxy=$! deadline=$((SECONDS + 10))
    SIM_PIDS+=("$proxy")
    until grep -q "^port " "$log" 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "the relay is not listening"
        sleep 0.05
    done
    local port
    port=$(sed -n 's/^port //p' "$log")
    expect_rc 1 --probe "tcp:127.0.0.1:$port" reset "$@"
    wait "$proxy" || true
    grep -qx cut "$log" || fail "the relay never saw the reset request"
    expect_err "closed the connection"
    ! grep -qF "reset" "$WORK/out" || fail "a reset reported done after the probe was lost: $(cat "$WORK/out")"
}
reset_lost
reset_lost --halt
pass "the probe lost during a reset: exit 1, not reported done"
