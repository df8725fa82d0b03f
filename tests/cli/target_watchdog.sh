#!/usr/bin/env bash
# Issue 9, point 2 (watchdogs; the window watchdog: tests/unit/flash/test_sim_wwdg.c).
# A board whose option bytes start the independent watchdog at every reset (WDG_SW = 0, the
# daemon's --wdg-hw): a 64 KiB write and its verify complete byte-exact, because the tool freezes
# the watchdog while the core is halted (DBGMCU) and reloads it while its loader and CRC routine
# run. The same board left alone resets itself: the watchdog model is really running.
. "$(dirname "$0")/lib.sh"
start_sim --wdg-hw
P=(--probe "tcp:127.0.0.1:$SIM_PORT")

ctl advance 0 2000 >/dev/null
[ "$(board_field 0 watchdog_resets)" -ge 3 ] ||
    fail "the hardware watchdog did not reset the idle board (watchdog_resets $(board_field 0 watchdog_resets))"
pass "the hardware watchdog resets a board nobody reloads"

head -c 65536 /dev/urandom >"$WORK/img.bin"
before=$(board_field 0 watchdog_resets)
# --halt: the image is random bytes, which would lock the core up and let the watchdog fire
# after the write, a reset the write is not to blame for.
expect_ok "${P[@]}" write --halt "$WORK/img.bin" 0x08000000
after=$(board_field 0 watchdog_resets)
[ "$after" = "$before" ] || fail "the watchdog reset the chip during the write ($before -> $after)"
expect_ok "${P[@]}" read "$WORK/back.bin" 0x08000000 64k
cmp -s "$WORK/img.bin" "$WORK/back.bin" || fail "the flash differs from the image after the write"
pass "a 64 KiB write under the hardware watchdog is byte-exact, with no watchdog reset"
