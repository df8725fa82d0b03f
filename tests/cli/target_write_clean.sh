#!/usr/bin/env bash
# Issue 9, point 3.
# write resets and halts the target before it programs: firmware that switched the HSI off (the
# F1 flash controller then refuses to program and erase, PM0075 §2.3, as the virtual board
# does), and firmware whose DMA stream writes into SRAM all the time (over the flash loader), are
# written over; --no-reset-before writes into the target as it is, and fails on both.
. "$(dirname "$0")/lib.sh"
hse="$STFLASH_FW_DIR/clock_hse.bin"
dma="$STFLASH_FW_DIR/dma_adc.bin"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$hse" ] && [ -f "$dma" ] && [ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
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

# A DMA stream into SRAM that goes on while the core is halted.
expect_ok "${P[@]}" write --reset "$dma" 0x08000000
ctl advance 0 50 >/dev/null
expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/s1.bin" 0x20000000 8k
ctl advance 0 5 >/dev/null
expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/s2.bin" 0x20000000 8k
grep -c . <(od -An -tx2 -v "$WORK/s1.bin" | tr ' ' '\n' | grep -x 0800) >/dev/null ||
    fail "the DMA stream did not write its samples (0x0800) into SRAM"
head -c 65536 /dev/urandom >"$WORK/img.bin"
run "${P[@]}" write --no-reset-before "$WORK/img.bin" 0x08000000
[ "$RC" -ne 0 ] || fail "a write into SRAM that DMA overwrites succeeded: the DMA model does not reach the loader"
pass "with a DMA stream into SRAM, a write without the reset first fails (--no-reset-before)"

expect_ok "${P[@]}" write --reset "$dma" 0x08000000
ctl advance 0 50 >/dev/null
expect_ok "${P[@]}" write "$WORK/img.bin" 0x08000000
expect_ok "${P[@]}" -q read "$WORK/back.bin" 0x08000000 64k
cmp -s "$WORK/img.bin" "$WORK/back.bin" || fail "the flash differs from the image"
pass "write resets first: the DMA stream stops and a 64 KiB write is byte-exact"
