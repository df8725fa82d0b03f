#!/usr/bin/env bash
# stlink-tools 1.7.0 over the stand-in libusb on the virtual STM32U575ZI and STM32L552ZE: st-info
# reads their DEV_ID from DBGMCU_IDCODE at 0xE0044000 (where the Cortex-M33 parts have it), but
# st-flash 1.7.0 has no entry for DEV_ID 0x482 or 0x472 and refuses them (it cannot program the
# L5 or U5: stflash and OpenOCD do, see openocd_l5u5.sh and tests/cli/l5u5.sh). Nothing is written.
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
start_sim --chip stm32u575zi --serial 0660FF000000000000000575 --board --chip stm32l552ze \
    --serial 0660FF000000000000000552
with_usb timeout 60 st-info --probe >"$WORK/info.log" 2>&1 || fail "st-info --probe failed"
expect_log "$WORK/info.log" "chipid:     0x0482"
expect_log "$WORK/info.log" "chipid:     0x0472"
pass "st-info reads DEV_ID 0x482 and 0x472 at 0xE0044000"

printf 'abcdefgh' >"$WORK/image.bin"
for n in 0 1; do
    serial=$( [ $n = 0 ] && echo 0660FF000000000000000575 || echo 0660FF000000000000000552 )
    with_usb timeout 60 st-flash --serial "$serial" write "$WORK/image.bin" 0x08000000 \
        >"$WORK/write$n.log" 2>&1 && fail "st-flash 1.7.0 wrote to board $n, which it does not know"
    expect_log "$WORK/write$n.log" "unknown chip id!"
    [ "$(json_get "$(ctl stats "$n")" halfwords_programmed)" = 0 ] ||
        fail "board $n was programmed: $(ctl stats "$n")"
done
pass "st-flash 1.7.0 refuses the U575 and the L552 (unknown chip id), nothing programmed"
