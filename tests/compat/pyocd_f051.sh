#!/usr/bin/env bash
# pyOCD 0.13.1 with its built-in stm32f051 target (Debian's /usr/bin/python3, pyusb loading the
# stand-in libusb) on the virtual STM32F051R8: it finds the Cortex-M0 and its ROM table, reads
# DBGMCU_IDCODE at 0x40015800, chip-erases and programs; OpenOCD reads the flash back.
. "$(dirname "$0")/lib.sh"
need_pyocd
need_tool openocd openocd
OCD_TARGET=stm32f0x.cfg
# pyOCD programs whole 1 KiB pages from its RAM buffer: the image fills three pages exactly, so
# that what it programs is known.
/usr/bin/python3 -c 'import random, sys; r = random.Random(51); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(3072)))' \
    "$WORK/image.bin"

pyocd_run() {
    local log=$1
    shift
    with_usb timeout 120 /usr/bin/python3 "$@" >"$log" 2>"$log.err"
}

# The board starts with other firmware in flash: programming has to erase it.
start_sim --chip stm32f051r8 --firmware "$STFLASH_FW_DIR/image_65536.bin"

pyocd_run "$WORK/idcode.log" /usr/bin/pyocd-tool -t stm32f051 read32 0x40015800 ||
    fail "pyocd-tool read32 failed: $(tail -n 5 "$WORK/idcode.log.err")"
printf '40015800:  20006440 \n' | diff -u - "$WORK/idcode.log" >"$WORK/idcode-diff.log" ||
    fail "DBGMCU_IDCODE read by pyOCD: $(cat "$WORK/idcode-diff.log")"
pass "pyocd-tool read32 0x40015800: DBGMCU_IDCODE 0x20006440 (STM32F05x rev 2.0)"

pyocd_run "$WORK/flash.log" /usr/bin/pyocd-flashtool -t stm32f051 -ce -hp "$WORK/image.bin" ||
    fail "pyocd-flashtool failed: $(tail -n 5 "$WORK/flash.log.err")"
expect_log "$WORK/flash.log.err" "DP IDR = 0x0bb11477"
expect_log "$WORK/flash.log.err" "ROM table #0 @ 0xe00ff000 (designer=020 part=440)"
expect_log "$WORK/flash.log.err" "CPU core is Cortex-M0 r0p0"
expect_log "$WORK/flash.log.err" "4 hardware breakpoints, 0 literal comparators"
expect_log "$WORK/flash.log.err" "Programmed 3072 bytes (3 pages)"
ocd_hla "$WORK/readback.log" 'halt' "flash read_bank 0 $WORK/flash.bin" ||
    fail "openocd could not read the flash back"
expect_image_then_erased "$WORK/flash.bin" "$WORK/image.bin"
pass "pyocd-flashtool: DP, ROM table, Cortex-M0 found; chip erase, three pages programmed byte-exact, the rest erased"
