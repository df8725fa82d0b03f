#!/usr/bin/env bash
# stlink-tools 1.7.0 `st-flash` over the stand-in libusb on the virtual STM32F051R8 and
# STM32F303VC: st-info identifies the chip; the whole flash written, read back byte-exact, mass
# erased.
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
chip=${1:?stm32f051r8 or stm32f303vc}
case "$chip" in
stm32f051r8) chipid=0x0440 descr=F0xx kib=64 page=1024 sram=8192 ;;
stm32f303vc) chipid=0x0422 descr=F3xx kib=256 page=2048 sram=40960 ;;
*) fail "chip '$chip': give stm32f051r8 or stm32f303vc" ;;
esac
bytes=$((kib * 1024))
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/full.bin" "$chip" "$bytes"

run_usb() {
    local log=$1
    shift
    with_usb timeout 120 "$@" >"$log" 2>&1
}

start_sim --chip "$chip"
run_usb "$WORK/info.log" st-info --probe || fail "st-info --probe failed"
expect_log "$WORK/info.log" "chipid:     $chipid"
expect_log "$WORK/info.log" "descr:      $descr"
expect_log "$WORK/info.log" "flash:      $bytes (pagesize: $page)"
expect_log "$WORK/info.log" "sram:       $sram"
pass "$chip: st-info --probe"

run_usb "$WORK/write.log" st-flash write "$WORK/full.bin" 0x08000000 || fail "st-flash write failed"
expect_log "$WORK/write.log" "Flash written and verified! jolly good!"
run_usb "$WORK/read.log" st-flash read "$WORK/read.bin" 0x08000000 "$bytes" || fail "st-flash read failed"
expect_equal_files "$WORK/read.bin" "$WORK/full.bin"
pass "$chip: st-flash write and read: $kib KiB round trip"

run_usb "$WORK/erase.log" st-flash erase || fail "st-flash erase failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "expected a mass erase: $(ctl stats 0)"
run_usb "$WORK/read2.log" st-flash read "$WORK/read2.bin" 0x08000000 "$bytes" || fail "st-flash read failed"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/read2.bin" "$WORK/empty.bin"
pass "$chip: st-flash erase: the flash reads erased"
