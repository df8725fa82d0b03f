#!/usr/bin/env bash
# write at its edges: a .bin file that holds Intel HEX or S-record text is written raw with a
# warning naming --format; an image wholly in SRAM is not followed by a reset (which would start
# the flash firmware) unless --reset asks for one.
. "$(dirname "$0")/lib.sh"

printf ':100000000102030405060708090A0B0C0D0E0F1068\n:00000001FF\n' >"$WORK/hex.bin"
expect_ok --probe sim:stm32f103c8 write "$WORK/hex.bin" 0x08000000
expect_err "holds Intel HEX text: its bytes are used as they are"
expect_err "give --format ihex"
printf 'S00600004844521B\nS1130000000102030405060708090A0B0C0D0E0F74\n' >"$WORK/srec.bin"
expect_ok --probe sim:stm32f103c8 write "$WORK/srec.bin" 0x08000000
expect_err "holds S-record text"
expect_ok --probe sim:stm32f103c8 write --format bin "$WORK/hex.bin" 0x08000000
expect_no_err "Intel HEX text"
random_file "$WORK/plain.bin" 64
expect_ok --probe sim:stm32f103c8 write "$WORK/plain.bin" 0x08000000
expect_no_err "text"
pass "a .bin holding Intel HEX or S-record text: written raw with a warning naming --format"

# The SRAM part runs apart from the text checks, so that it fails on its own.
random_file "$WORK/ram.bin" 256
expect_ok --probe sim:stm32f103c8 write "$WORK/ram.bin" 0x20001000
expect_out "left halted (no reset: the image is in SRAM"
! grep -q "reset, running" "$WORK/out" || fail "an SRAM image is followed by a reset"
expect_ok --probe sim:stm32f103c8 write "$WORK/ram.bin" 0x20001000 --reset
expect_out "reset, running"
expect_ok --probe sim:stm32f103c8 write "$WORK/plain.bin" 0x08000000
expect_out "reset, running"
pass "an image in SRAM is not followed by a reset unless --reset asks; flash images are"
