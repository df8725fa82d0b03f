#!/usr/bin/env bash
# Issue 9, point 7.
# Look-only commands (probe, info, read, options without changes) leave a running target
# running: no halt, no reset, not even when its firmware disabled SWD (they say so, and how to
# look anyway: --connect under-reset). The daemon's control port tells whether the core runs.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/led_toggle.bin"
swd_off="$STFLASH_FW_DIR/swd_disable.elf"
[ -f "$fw" ] && [ -f "$swd_off" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")

# expect_still_running WHAT: not halted, and the firmware goes on: its SysTick handler toggles
# the LED (the main loop sleeps in WFI, so the pc between interrupts is always the same).
expect_still_running() {
    [ "$(board_field 0 halted)" = False ] || fail "$1: the core is halted"
    local t0
    t0=$(board_field 0 led_toggles)
    ctl advance 0 300 >/dev/null
    [ "$(board_field 0 led_toggles)" -gt "$t0" ] || fail "$1: the firmware does not run (no LED toggle)"
}

expect_ok "${P[@]}" write --reset "$fw" 0x08000000
expect_still_running "after write --reset"
for cmd in probe info "options" "read $WORK/r.bin 0x08000000 1k"; do
    # shellcheck disable=SC2086
    expect_ok "${P[@]}" $cmd
    expect_still_running "$cmd"
done
pass "probe, info, options and read leave a running firmware running (its LED goes on blinking)"

# Firmware that disables SWD: told, left running, and seen under reset when asked.
expect_ok "${P[@]}" write --reset "$swd_off"
[ "$(board_field 0 swd_disabled)" = True ] || fail "the firmware did not disable SWD"
for cmd in probe info options "read $WORK/r.bin 0x08000000 1k"; do
    # shellcheck disable=SC2086
    run "${P[@]}" $cmd
    [ "$(board_field 0 swd_disabled)" = True ] || fail "$cmd reset the target (SWD is on again)"
    [ "$(board_field 0 halted)" = False ] || fail "$cmd halted the target"
done
expect_rc 4 "${P[@]}" info
expect_err "firmware probably disabled or remapped the SWD pins"
expect_err "left as it is"
expect_err "--connect under-reset"
expect_ok "${P[@]}" probe
expect_out "--connect under-reset"
pass "SWD disabled by the firmware: look-only commands say so and leave it running"
expect_ok "${P[@]}" --connect under-reset info
expect_out "STM32F1 medium density"
pass "--connect under-reset looks at it when asked"

# That left it halted at the reset vector, with SWD on: doctor does not call it healthy.
[ "$(board_field 0 halted)" = True ] || fail "--connect under-reset info did not leave the core halted"
expect_ok "${P[@]}" doctor
expect_out "halted at its reset vector by a vector catch"
expect_out "stflash reset"
! grep -qi "all checks passed" "$WORK/out" || fail "doctor says all checks passed on a board halted before its firmware ran"
pass "doctor reports a board left halted at its reset vector, however it got there"
