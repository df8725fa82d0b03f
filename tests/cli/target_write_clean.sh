#!/usr/bin/env bash
# write resets and halts the target before it programs: firmware that switched the HSI off (the
# F1 flash controller then refuses to program and erase, PM0075 §2.3, as the virtual board
# does) is written over; --no-reset-before writes into the target as it is, and fails there.
. "$(dirname "$0")/lib.sh"
hse="$STFLASH_FW_DIR/clock_hse.bin"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$hse" ] && [ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")

expect_ok "${P[@]}" write --reset "$hse" 0x08000000
ctl advance 0 50 >/dev/null
expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/cr.bin" 0x40021000 4
cr=$(od -An -tx4 "$WORK/cr.bin" | tr -d ' ')
(( (0x$cr & 3) == 0 )) || fail "the firmware did not switch the HSI off (RCC_CR $cr)"

expect_rc 4 "${P[@]}" write --no-reset-before "$fw" 0x08000000
expect_err "PGERR"
pass "with the HSI off, the flash controller refuses (--no-reset-before)"

expect_ok "${P[@]}" write --reset "$hse" 0x08000000
ctl advance 0 50 >/dev/null
expect_ok "${P[@]}" write "$fw" 0x08000000
expect_out "verified"
expect_ok "${P[@]}" verify "$fw" 0x08000000
pass "write resets first: firmware that switched the HSI off is written over"
