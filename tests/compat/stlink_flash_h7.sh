#!/usr/bin/env bash
# stlink-tools 1.7.0 over the stand-in libusb on the virtual STM32H743ZI: st-info identifies the
# chip; st-flash writes an image over sectors 0 and 1 of bank 1 (it programs the flash words
# itself, 64 bytes per memory write with PG and PSIZE x64 in FLASH_CR1) and reads it back
# byte-exact.
#
# Bank 2 is out of its reach: st-flash 1.7.0 unlocks FLASH_CR1 only (its H74x row has no
# dual-bank flag), so its bank-2 sector erase meets a locked FLASH_CR2 (ignored, RM0433 §4.5.1)
# and its stores into bank 2 find PG clear in FLASH_CR2 (PGSERR, nothing programmed, RM0433
# §4.3.9): the write fails its verification and bank 2 keeps what it held. The board does what
# the manual says; the test checks that it does.
. "$(dirname "$0")/lib.sh"
need_tool st-flash stlink-tools
need_tool st-info stlink-tools
firmware="$STFLASH_FW_DIR/image_65536.bin"

run_usb() {
    local log=$1
    shift
    with_usb timeout 120 "$@" >"$log" 2>&1
}

size=$((128 * 1024 + 20 * 1024 + 8)) # whole words: st-flash reads words
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/image.bin" h743 "$size"

start_sim --chip stm32h743zi --firmware "$firmware"
run_usb "$WORK/info.log" st-info --probe || fail "st-info --probe failed"
expect_log "$WORK/info.log" "chipid:     0x0450"
expect_log "$WORK/info.log" "descr:      H74x/H75x"
expect_log "$WORK/info.log" "flash:      2097152 (pagesize: 131072)"
pass "stm32h743zi: st-info --probe"

run_usb "$WORK/write.log" st-flash write "$WORK/image.bin" 0x08000000 || fail "st-flash write failed"
expect_log "$WORK/write.log" "Flash written and verified! jolly good!"
stats=$(ctl stats 0)
[ "$(json_get "$stats" sectors_erased)" = 2 ] || fail "expected sectors 0 and 1 erased: $stats"
run_usb "$WORK/read.log" st-flash read "$WORK/read.bin" 0x08000000 "$size" || fail "st-flash read failed"
expect_equal_files "$WORK/read.bin" "$WORK/image.bin"
pass "stm32h743zi: st-flash write and read over sectors 0 and 1: byte-exact"

# Bank 2: refused as the manual says, nothing programmed, bank 2 unchanged (erased).
head -c 4096 "$WORK/image.bin" >"$WORK/bank2.bin"
run_usb "$WORK/write2.log" st-flash write "$WORK/bank2.bin" 0x08100000 &&
    fail "st-flash wrote bank 2 through a locked FLASH_CR2"
expect_log "$WORK/write2.log" "Verification of flash failed"
[ "$(json_get "$(ctl stats 0)" program_ops)" = 0 ] || fail "bank 2 programmed: $(ctl stats 0)"
run_usb "$WORK/read2.log" st-flash read "$WORK/read2.bin" 0x08100000 4096 || fail "st-flash read failed"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/read2.bin" "$WORK/empty.bin"
pass "stm32h743zi: st-flash's bank-2 write meets the locked FLASH_CR2: nothing programmed"
