#!/usr/bin/env bash
# stlink-tools 1.7.0 `st-flash` over the stand-in libusb on the virtual STM32L053R8 and
# STM32L152RE (L0/L1 flash controller, half-page programming, erased value 0x00): st-info
# identifies the chip; an image written at an address (across the bank boundary on the L152RE),
# read back byte-exact.
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
chip=${1:?stm32l053r8 or stm32l152re}
case "$chip" in
stm32l053r8) chipid=0x0417 kib=64 page=128 base=$((0x08000000 + 4096)) size=$((40 * 128)) ;;
stm32l152re) chipid=0x0437 kib=512 page=256 base=$((0x08040000 - 8 * 256)) size=$((24 * 256)) ;;
*) fail "chip '$chip': give stm32l053r8 or stm32l152re" ;;
esac
bytes=$((kib * 1024))
hbase=0x$(printf %08x $base)
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/image.bin" "$chip" "$size"

run_usb() {
    local log=$1
    shift
    with_usb timeout 120 "$@" >"$log" 2>&1
}

start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
run_usb "$WORK/info.log" st-info --probe || fail "st-info --probe failed"
expect_log "$WORK/info.log" "chipid:     $chipid"
expect_log "$WORK/info.log" "flash:      $bytes (pagesize: $page)"
pass "$chip: st-info --probe"

run_usb "$WORK/write.log" st-flash write "$WORK/image.bin" "$hbase" || fail "st-flash write failed"
expect_log "$WORK/write.log" "Flash written and verified! jolly good!"
[ "$(json_get "$(ctl stats 0)" halfwords_programmed)" -ge $((size / 2)) ] ||
    fail "too few words programmed: $(ctl stats 0)"
run_usb "$WORK/read.log" st-flash read "$WORK/read.bin" "$hbase" "$size" || fail "st-flash read failed"
expect_equal_files "$WORK/read.bin" "$WORK/image.bin"
pass "$chip: st-flash write and read at $hbase: $size bytes round trip"
