#!/usr/bin/env bash
# pyOCD 0.13.1 on the virtual STM32F767ZI through the stand-in libusb. It has no STM32F7 target
# built in (nor the Cortex-M7 among its core names): its generic cortex_m target walks the ROM
# tables from the AHB-AP BASE, the MCU table at 0xE00FD000 with ST's IDs down to the Cortex-M7's
# processor (0x4C8) and PPB (0x4C7) tables and their components (Cortex-M7 TRM §9.1), counts the
# FPB's 8 code comparators, halts the core and reads and writes memory.
. "$(dirname "$0")/lib.sh"
need_pyocd

pyocd_run() {
    local log=$1
    shift
    with_usb timeout 120 /usr/bin/python3 "$@" >"$log" 2>"$log.err"
}

start_sim --chip stm32f767zi --firmware "$STFLASH_FW_DIR/gdb_target.bin"
pyocd_run "$WORK/id.log" /usr/bin/pyocd-tool -t cortex_m -d info read32 0xE0042000 ||
    fail "pyocd-tool read32 failed: $(tail -n 5 "$WORK/id.log.err")"
printf 'e0042000:  10016451 \n' | diff -u - "$WORK/id.log" >"$WORK/id-diff.log" ||
    fail "DBGMCU_IDCODE read by pyOCD: $(cat "$WORK/id-diff.log")"
log="$WORK/id.log.err"
expect_log "$log" "DP IDR = 0x5ba02477"
expect_log "$log" "AP#0 IDR = 0x74770001"
expect_log "$log" "AP#0 ROM table #0 @ 0xe00fd000 (designer=020 part=451)"
expect_log "$log" "AP#0 ROM table #1 @ 0xe00fe000 (designer=43b part=4c8)"
expect_log "$log" "AP#0 ROM table #2 @ 0xe00ff000 (designer=43b part=4c7)"
expect_log "$log" "<e0002000:FPB class=14 designer=43b part=00e>"
expect_log "$log" "<e0041000:??? class=9 designer=43b part=975"
expect_log "$log" "<e0040000:??? class=9 designer=43b part=9a9"
expect_log "$log" "8 hardware breakpoints"
expect_log "$log" "4 hardware watchpoints"
pass "pyocd-tool: the MCU, processor and PPB ROM tables walked; FPB with 8 code comparators; DBGMCU_IDCODE 0x10016451"

pyocd_run "$WORK/mem.log" /usr/bin/pyocd-tool -t cortex_m write32 0x20010000 0x7f7f0451 ||
    fail "pyocd-tool write32 failed: $(tail -n 5 "$WORK/mem.log.err")"
pyocd_run "$WORK/mem2.log" /usr/bin/pyocd-tool -t cortex_m read32 0x20010000 ||
    fail "pyocd-tool read32 failed: $(tail -n 5 "$WORK/mem2.log.err")"
printf '20010000:  7f7f0451 \n' | diff -u - "$WORK/mem2.log" >"$WORK/mem-diff.log" ||
    fail "SRAM word read back by pyOCD: $(cat "$WORK/mem-diff.log")"
pyocd_run "$WORK/halt.log" /usr/bin/pyocd-tool -t cortex_m halt ||
    fail "pyocd-tool halt failed: $(tail -n 5 "$WORK/halt.log.err")"
expect_log "$WORK/halt.log" "Successfully halted device"
[ "$(json_get "$(ctl status 0)" halted)" = True ] || fail "the board's core is not halted: $(ctl status 0)"
pass "pyocd-tool: SRAM written and read back, the core halted"
