#!/usr/bin/env bash
# Images that do not fit are refused before anything is touched: the flash keeps every byte.
. "$(dirname "$0")/lib.sh"
P=(--probe sim:stm32f103c8)
FLASH=0x08000000

random_file "$WORK/background.bin" 65536
expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH

check_untouched() {
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
    expect_same "$WORK/flash.bin" "$WORK/background.bin"
}

random_file "$WORK/img.bin" 3000
# Runs past the end of flash.
expect_rc 1 "${P[@]}" write "$WORK/img.bin" 0x0800ff00
expect_err "lies outside every memory region"
expect_err "0x08010000"
expect_error_style
check_untouched
pass "binary running past the end of flash: refused, nothing written"

# Entirely outside.
expect_rc 1 "${P[@]}" write "$WORK/img.bin" 0x09000000
expect_err "lies outside every memory region"
check_untouched
pass "binary outside every region: refused"

# A multi-segment image whose second segment is out of range: nothing of the first is written.
random_file "$WORK/a.bin" 512
srec_cat "$WORK/a.bin" -binary -offset 0x08000000 "$WORK/img.bin" -binary -offset 0x08020000 \
    -o "$WORK/split.hex" -intel -address-length=4
expect_rc 1 "${P[@]}" write "$WORK/split.hex"
expect_err "0x08020000"
check_untouched
expect_rc 1 "${P[@]}" write --mass-erase "$WORK/split.hex"
check_untouched
pass "Intel HEX with a segment out of range: refused whole, even with --mass-erase"

# The last bytes of flash plus one.
expect_rc 1 "${P[@]}" write "$WORK/img.bin" 0x0800fffe
check_untouched
pass "two bytes short of the end: refused"
