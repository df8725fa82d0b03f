#!/usr/bin/env bash
# stlink-tools 1.7.0 `st-flash` over the stand-in libusb: write, read, erase and --reset write
# round trips on the virtual Blue Pill (64 KiB), each checked by reading the flash back.
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
full="$STFLASH_FW_DIR/image_65536.bin"
blink="$STFLASH_FW_DIR/led_toggle.bin"

stflash() {
    local log=$1
    shift
    with_usb timeout 120 st-flash "$@" >"$log" 2>&1
}

start_sim

# write + read: the whole flash.
stflash "$WORK/write.log" write "$full" 0x08000000 || fail "st-flash write failed"
expect_log "$WORK/write.log" "Flash written and verified! jolly good!"
[ "$(json_get "$(ctl stats 0)" halfwords_programmed)" = 32768 ] ||
    fail "expected 32768 half-words programmed: $(ctl stats 0)"
stflash "$WORK/read.log" read "$WORK/read1.bin" 0x08000000 65536 || fail "st-flash read failed"
expect_equal_files "$WORK/read1.bin" "$full"
pass "st-flash write and read: 64 KiB round trip"

# erase: a mass erase, after which every byte reads 0xFF.
stflash "$WORK/erase.log" erase || fail "st-flash erase failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "expected a mass erase: $(ctl stats 0)"
stflash "$WORK/read2.log" read "$WORK/read2.bin" 0x08000000 65536 || fail "st-flash read failed"
head -c 65536 /dev/zero | tr '\0' '\377' >"$WORK/erased.bin"
expect_equal_files "$WORK/read2.bin" "$WORK/erased.bin"
pass "st-flash erase: the flash reads erased"

# --reset write: the blink firmware is programmed, the chip reset, and it runs.
stflash "$WORK/reset.log" --reset write "$blink" 0x08000000 || fail "st-flash --reset write failed"
expect_log "$WORK/reset.log" "Flash written and verified! jolly good!"
stflash "$WORK/read3.log" read "$WORK/read3.bin" 0x08000000 65536 || fail "st-flash read failed"
expect_image_then_erased "$WORK/read3.bin" "$blink"
# The firmware toggles PC13 once per millisecond: 20 ms of virtual time give about 20 toggles.
status=$(ctl advance 0 20)
[ "$(json_get "$status" halted)" = False ] || fail "the core should run after --reset: $status"
toggles=$(json_get "$status" led_toggles)
[ "$toggles" -ge 10 ] || fail "the blink firmware does not run after --reset write: $status"
pass "st-flash --reset write: programmed, reset, running ($toggles LED toggles)"
