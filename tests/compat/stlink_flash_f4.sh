#!/usr/bin/env bash
# stlink-tools 1.7.0 over the stand-in libusb on the virtual STM32F407VG: st-info identifies the
# chip, st-flash reads the preloaded firmware back byte-exact and mass-erases the flash (FLASH_CR
# MER). Its write is not run: st-flash hands the F4 loader 32 KiB of data in one 32-bit memory
# command, beyond the 6144 bytes the simulated probe takes per command and the 10240-byte message
# of the stlink-server protocol the stand-in libusb speaks (docs/virtual-board.md).
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
firmware="$STFLASH_FW_DIR/image_65536.bin"

run_usb() {
    local log=$1
    shift
    with_usb timeout 120 "$@" >"$log" 2>&1
}

start_sim --chip stm32f407vg --firmware "$firmware"
run_usb "$WORK/info.log" st-info --probe || fail "st-info --probe failed"
expect_log "$WORK/info.log" "chipid:     0x0413"
expect_log "$WORK/info.log" "descr:      F4xx"
expect_log "$WORK/info.log" "flash:      1048576 (pagesize: 16384)"
pass "stm32f407vg: st-info --probe"

run_usb "$WORK/read.log" st-flash read "$WORK/read.bin" 0x08000000 65536 || fail "st-flash read failed"
expect_equal_files "$WORK/read.bin" "$firmware"
pass "stm32f407vg: st-flash read: the preloaded 64 KiB byte-exact"

run_usb "$WORK/erase.log" st-flash erase || fail "st-flash erase failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "expected a mass erase: $(ctl stats 0)"
run_usb "$WORK/read2.log" st-flash read "$WORK/read2.bin" 0x08000000 1048576 || fail "st-flash read failed"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/read2.bin" "$WORK/empty.bin"
pass "stm32f407vg: st-flash erase: the whole 1 MiB reads erased"
