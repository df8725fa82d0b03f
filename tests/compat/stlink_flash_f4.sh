#!/usr/bin/env bash
# stlink-tools 1.7.0 over the stand-in libusb on a virtual F4 (argument: stm32f407vg, the default,
# stm32f411re or stm32f429zi): st-info identifies the chip, st-flash reads the preloaded firmware back byte-exact, writes an image across sector
# boundaries (its loader gets 32 KiB per 32-bit memory write) and mass-erases the flash (FLASH_CR
# MER).
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
firmware="$STFLASH_FW_DIR/image_65536.bin"
chip=${1:-stm32f407vg}
case $chip in # what st-info says of each (its chip table), and the flash size
stm32f407vg) chipid=0x0413 descr="F4xx" flash=1048576 ;;
stm32f411re) chipid=0x0431 descr="stm32f411re" flash=524288 ;;
stm32f429zi) chipid=0x0419 descr="F42x/F43x" flash=2097152 ;;
*) fail "no expectations for $chip" ;;
esac

run_usb() {
    local log=$1
    shift
    with_usb timeout 120 "$@" >"$log" 2>&1
}

start_sim --chip "$chip" --firmware "$firmware"
run_usb "$WORK/info.log" st-info --probe || fail "st-info --probe failed"
expect_log "$WORK/info.log" "chipid:     $chipid"
expect_log "$WORK/info.log" "descr:      $descr"
expect_log "$WORK/info.log" "flash:      $flash (pagesize: 16384)"
pass "$chip: st-info --probe"

run_usb "$WORK/read.log" st-flash read "$WORK/read.bin" 0x08000000 65536 || fail "st-flash read failed"
expect_equal_files "$WORK/read.bin" "$firmware"
pass "$chip: st-flash read: the preloaded 64 KiB byte-exact"

# 100 KiB + 12 at 0x08004000: sectors 1-5 (16, 16, 16, 64 and 128 KiB) of which the last is
# touched in part; what st-flash leaves of the preloaded firmware before the image stays.
/usr/bin/python3 -c 'import random, sys; r = random.Random(7); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(100 * 1024 + 12)))' "$WORK/image.bin"
run_usb "$WORK/write.log" st-flash write "$WORK/image.bin" 0x08004000 || fail "st-flash write failed: $(tail -5 "$WORK/write.log")"
expect_log "$WORK/write.log" "Flash written and verified! jolly good!"
run_usb "$WORK/wread.log" st-flash read "$WORK/wread.bin" 0x08004000 $((100 * 1024 + 12)) || fail "st-flash read failed"
expect_equal_files "$WORK/wread.bin" "$WORK/image.bin"
run_usb "$WORK/head.log" st-flash read "$WORK/head.bin" 0x08000000 16384 || fail "st-flash read failed"
head -c 16384 "$firmware" >"$WORK/head_expected.bin"
expect_equal_files "$WORK/head.bin" "$WORK/head_expected.bin"
pass "$chip: st-flash write at 0x08004000: 100 KiB across five sectors byte-exact, sector 0 kept"

run_usb "$WORK/erase.log" st-flash erase || fail "st-flash erase failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "expected a mass erase: $(ctl stats 0)"
run_usb "$WORK/read2.log" st-flash read "$WORK/read2.bin" 0x08000000 "$flash" || fail "st-flash read failed"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/read2.bin" "$WORK/empty.bin"
pass "$chip: st-flash erase: the whole $((flash / 1024)) KiB reads erased"
