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

# ---- a flash size larger than the chip's: refused before anything is erased ----
# --flash-size beyond what any part of the DEV_ID has.
expect_rc 1 "${P[@]}" --flash-size 1M write "$WORK/img.bin" 0x08010000
expect_err "--flash-size 1024 KiB is more than any STM32F1 medium density has (128 KiB at most)"
expect_error_style
expect_rc 1 "${P[@]}" --flash-size 1M write "$WORK/img.bin" 0x08000000
check_untouched
pass "--flash-size 1M on a 64 KiB chip: refused, nothing erased"

# A size the DEV_ID allows (128 KiB) on a chip with 64 KiB: the end of the job is read first.
random_file "$WORK/tail.bin" 2048
for job in "write $WORK/tail.bin 0x0800fc00" "write $WORK/img.bin 0x08010000" "erase 0x0800fc00 2k" \
           "verify $WORK/tail.bin 0x0800fc00"; do
    expect_rc 1 "${P[@]}" --flash-size 128k $job
    expect_err "the flash ends at 0x0800ffff (64 KiB)"
    expect_err "--flash-size 64k"
    expect_no_err "crashed"
    check_untouched
done
pass "--flash-size 128k on a 64 KiB chip: write, erase and verify past the end refused, naming the end"

# A flash-size register that reads 0 (the size assumed is the DEV_ID's largest, 128 KiB), on an
# STM32F103C8 and on clones; the flash they really have is 64 KiB.
for board in "stm32f103c8,flash-size-reg=0" "ch32f103c8,flash-size-reg=0,flash-kib=64" \
             "cks32f103c8,flash-size-reg=0,flash-kib=64"; do
    Q=(--probe "sim:$board,state=$WORK/reg0.state")
    rm -f "$WORK/reg0.state"
    expect_ok "${Q[@]}" -q write "$WORK/background.bin" $FLASH
    extra=()
    [ "${board%%,*}" = stm32f103c8 ] || extra=(--flash-size 128k) # clones assume their usual size
    expect_rc 1 "${Q[@]}" "${extra[@]}" write "$WORK/tail.bin" 0x0800fc00
    expect_err "the flash ends at 0x0800ffff (64 KiB)"
    expect_err "--flash-size 64k"
    expect_no_err "crashed"
    expect_ok "${Q[@]}" -q read "$WORK/flash.bin" $FLASH 64k
    expect_same "$WORK/flash.bin" "$WORK/background.bin"
    pass "$board: a write past the real end names it, nothing erased"
done
