#!/usr/bin/env bash
# Two virtual probes on the stand-in libusb: `st-flash --serial` (stlink-tools 1.7.0) programs the
# board whose probe has that serial and leaves the other alone; libstlink reads the serials with
# raw GET_DESCRIPTOR control transfers.
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
image="$STFLASH_FW_DIR/gdb_target.bin"
size=$(stat -c %s "$image")

# libstlink 1.7.0 takes only 24-character serials (as real ST-LINKs have) or 12-byte binary ones.
start_sim --serial 066DFF485550755187034646 --board --serial 0670FF383333464257213729

for target in 1 0; do
    serial=$( [ $target = 0 ] && echo 066DFF485550755187034646 || echo 0670FF383333464257213729 )
    other=$((1 - target))
    with_usb timeout 120 st-flash --serial "$serial" write "$image" 0x08000000 \
        >"$WORK/write$target.log" 2>&1 || fail "st-flash --serial $serial write failed"
    expect_log "$WORK/write$target.log" "Flash written and verified! jolly good!"
    # The last session of the chosen board programmed the image; the other board's last session
    # (libstlink opens every probe to read its serial) programmed nothing.
    [ "$(json_get "$(ctl stats $target)" halfwords_programmed)" = $(((size + 1) / 2)) ] ||
        fail "board $target ($serial) should have been programmed: $(ctl stats $target)"
    [ "$(json_get "$(ctl stats $other)" halfwords_programmed)" = 0 ] ||
        fail "board $other was programmed instead of board $target: $(ctl stats $other)"
    with_usb timeout 120 st-flash --serial "$serial" read "$WORK/read$target.bin" 0x08000000 \
        "$size" >"$WORK/read$target.log" 2>&1 || fail "st-flash --serial $serial read failed"
    expect_equal_files "$WORK/read$target.bin" "$image"
    pass "st-flash --serial $serial: board $target programmed, board $other untouched"
done

# Board 1 was programmed first, then board 0 only: board 1's flash still holds the image and
# board 0's flash beyond it is erased (a fresh chip).
with_usb timeout 120 st-flash --serial 066DFF485550755187034646 read "$WORK/full0.bin" 0x08000000 65536 \
    >"$WORK/full0.log" 2>&1 || fail "st-flash read of board 0 failed"
expect_image_then_erased "$WORK/full0.bin" "$image"

# A serial no probe has: st-flash finds nothing to program.
if with_usb timeout 120 st-flash --serial 066EFF000000000000000000 write "$image" 0x08000000 \
    >"$WORK/none.log" 2>&1; then
    fail "st-flash wrote to a probe with a serial nobody has"
fi
pass "st-flash --serial with an unknown serial fails"
