#!/usr/bin/env bash
# erase of a range (the pages it touches, nothing else) and mass erase, checked with read.
. "$(dirname "$0")/lib.sh"
P=(--probe sim:stm32f103c8)
FLASH=0x08000000

random_file "$WORK/background.bin" 65536
expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH

# One byte: its whole page.
expect_ok "${P[@]}" erase 0x08000400 1
expect_out "erased 0x08000400..0x080007ff (1 page)"
expect_err "erasing whole pages: 0x08000400..0x080007ff"
erased_pages "$WORK/background.bin" 1 1 1024 "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "erase of one byte erases its page, nothing else"

# A range across a page boundary: both pages.
expect_ok "${P[@]}" erase 0x08002bf0 0x20
expect_out "erased 0x08002800..0x08002fff (2 pages)"
erased_pages "$WORK/expected.bin" 10 2 1024 "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "erase across a page boundary"

# Whole pages given exactly: no note.
expect_ok "${P[@]}" erase 0x08008000 4k
expect_out "erased 0x08008000..0x08008fff (4 pages)"
expect_no_err "erasing whole pages"
erased_pages "$WORK/expected.bin" 32 4 1024 "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "erase of whole pages (k suffix)"

# The last page, size in hex.
expect_ok "${P[@]}" erase 0x0800fc00 0x400
erased_pages "$WORK/expected.bin" 63 1 1024 "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "erase of the last page"

# Out of flash: refused, nothing erased.
expect_rc 1 "${P[@]}" erase 0x0800fc00 2k
expect_err "0x0800fc00"
expect_error_style
expect_rc 1 "${P[@]}" erase 0x20000000 1k
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "erase outside the flash refused, nothing erased"

# Mass erase.
expect_ok "${P[@]}" erase
expect_out "erased the whole flash (64 KiB at 0x08000000)"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "mass erase"

# The bigger part: 128 KiB.
expect_ok --probe "sim:stm32f103cb,state=$WORK/cb.state" -q write "$WORK/background.bin" 0x08010000
expect_ok --probe "sim:stm32f103cb,state=$WORK/cb.state" erase
expect_out "erased the whole flash (128 KiB at 0x08000000)"
expect_ok --probe "sim:stm32f103cb,state=$WORK/cb.state" -q read "$WORK/flash.bin" $FLASH 128k
all_ff "$WORK/flash.bin" || fail "128 KiB flash not blank after mass erase"
pass "mass erase of a 128 KiB part"
