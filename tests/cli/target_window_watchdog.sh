#!/usr/bin/env bash
# Issue 9, point 2: the window watchdog (sim/wwdg.c; its rules and the DBGMCU freeze:
# tests/unit/flash/test_sim_wwdg.c) with firmware that runs it (firmware/wwdg_refresh.c):
# refreshed in its window the firmware runs on with no reset; `write` resets the chip first,
# which stops the watchdog (only a reset clears WDGA), so a 64 KiB write over it is byte-exact;
# `write --no-reset-before` lets it run under the flash loader, and the chip resets mid-write:
# a failure, not a success, and the write without that option finishes the job.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/wwdg_refresh.bin"
[ -f "$fw" ] || fail "no test firmware $fw: install gcc-arm-none-eabi and build"
start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
resets() { board_field 0 window_watchdog_resets; }

expect_ok "${P[@]}" write --reset "$fw" 0x08000000
ctl advance 0 2000 >/dev/null
toggles=$(board_field 0 led_toggles)
[ "$(resets)" = 0 ] ||
    fail "firmware that refreshes in the window was reset $(resets) times (host budget cuts: $(board_field 0 host_budget_cuts))"
[ "$toggles" -gt 100 ] || fail "the firmware does not run (LED toggles $toggles)"
pass "firmware refreshing the window watchdog in its window runs for 2 s without a reset"

head -c 65536 /dev/urandom >"$WORK/img.bin"
# --halt: random bytes are no program; run, they would lock the core up.
expect_ok "${P[@]}" write --halt "$WORK/img.bin" 0x08000000
[ "$(resets)" = 0 ] || fail "the window watchdog reset the chip during the write"
expect_ok "${P[@]}" -q read "$WORK/back.bin" 0x08000000 64k
expect_same "$WORK/back.bin" "$WORK/img.bin"
pass "write resets first: a 64 KiB write over the running window watchdog is byte-exact"

expect_ok "${P[@]}" write --reset "$fw" 0x08000000
ctl advance 0 100 >/dev/null
head -c 65536 /dev/urandom >"$WORK/img2.bin"
run "${P[@]}" write --no-reset-before "$WORK/img2.bin" 0x08000000
[ "$RC" -ne 0 ] || fail "a write under a running window watchdog reported success"
[ "$(resets)" -ge 1 ] || fail "no window watchdog reset during the loader run"
grep -q "the target was reset while the flash loader ran" "$WORK/err" ||
    fail "the failure does not name the reset: $(cat "$WORK/err")"
expect_ok "${P[@]}" write --halt "$WORK/img2.bin" 0x08000000
expect_ok "${P[@]}" verify "$WORK/img2.bin" 0x08000000
pass "--no-reset-before: the window watchdog resets the chip under the loader, the write fails; without it the job is done"
