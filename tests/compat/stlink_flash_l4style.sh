#!/usr/bin/env bash
# stlink-tools 1.7.0 `st-flash` over the stand-in libusb on the virtual STM32G071RB, STM32L476RG,
# STM32G474RE and STM32WB55RG (L4-style flash controller, double-word programming): st-info
# identifies the chip; an image written at an address (across the bank boundary on the L476 and
# G474), read back byte-exact; the flash erased. st-flash erases the WB55 page by page: the chip
# refuses the pages of the wireless stack's secure area (from FLASH_SFR.SFSA, RM0434 §3.5.3).
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
chip=${1:?stm32g071rb, stm32l476rg, stm32g474re or stm32wb55rg}
case "$chip" in
stm32g071rb) chipid=0x0460 kib=128 page=2048 base=$((0x08000000)) size=$((10 * 2048 + 1000)) ;;
# 40 KiB across the bank boundary: st-flash hands its loader 32 KiB per 32-bit memory write.
stm32l476rg) chipid=0x0415 kib=1024 page=2048 base=$((0x08080000 - 2 * 2048)) size=$((40 * 1024 + 24)) ;;
stm32g474re) chipid=0x0469 kib=512 page=2048 base=$((0x08040000 - 2 * 2048)) size=6144 ;;
stm32wb55rg) chipid=0x0495 kib=1024 page=4096 base=$((0x08020000)) size=6144 ;;
*) fail "chip '$chip': give stm32g071rb, stm32l476rg, stm32g474re or stm32wb55rg" ;;
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
    fail "too few double words programmed: $(ctl stats 0)"
run_usb "$WORK/read.log" st-flash read "$WORK/read.bin" "$hbase" "$size" || fail "st-flash read failed"
expect_equal_files "$WORK/read.bin" "$WORK/image.bin"
pass "$chip: st-flash write and read at $hbase: $size bytes round trip"

if [ "$chip" = stm32wb55rg ]; then
    # st-flash erases a WB page by page: the pages below the stack go, the chip refuses the
    # secure ones (nothing erased, no mass erase), which then read as zeros.
    run_usb "$WORK/erase.log" st-flash erase || fail "st-flash erase failed"
    [ "$(json_get "$(ctl stats 0)" pages_erased)" = $((0xCB)) ] ||
        fail "expected the 203 pages below the stack erased: $(ctl stats 0)"
    [ "$(json_get "$(ctl stats 0)" mass_erases)" = 0 ] || fail "a mass erase ran: $(ctl stats 0)"
    run_usb "$WORK/read2.log" st-flash read "$WORK/read2.bin" 0x08000000 "$bytes" || fail "st-flash read failed"
    /usr/bin/python3 - "$WORK/read2.bin" $((0xCB000)) <<'PY' || fail "not erased below the stack, or the stack's area not hidden"
import sys
d, s = open(sys.argv[1], 'rb').read(), int(sys.argv[2])
sys.exit(0 if d[:s] == b'\xff' * s and d[s:] == bytes(len(d) - s) else 1)
PY
    pass "$chip: st-flash erase: the pages below the wireless stack read erased; the stack's area is kept"
    exit 0
fi
run_usb "$WORK/erase.log" st-flash erase || fail "st-flash erase failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" -ge 1 ] || fail "expected a mass erase: $(ctl stats 0)"
run_usb "$WORK/read2.log" st-flash read "$WORK/read2.bin" 0x08000000 "$bytes" || fail "st-flash read failed"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/read2.bin" "$WORK/empty.bin"
pass "$chip: st-flash erase: the flash reads erased"
