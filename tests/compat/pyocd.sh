#!/usr/bin/env bash
# pyOCD 0.13.1 (Debian's /usr/bin/python3, pyusb loading the stand-in libusb by soname) lists the
# virtual probe, reads DBGMCU_IDCODE and programs the flash; OpenOCD reads the flash back.
. "$(dirname "$0")/lib.sh"
need_pyocd
need_tool openocd openocd
old="$STFLASH_FW_DIR/image_65536.bin"
# pyOCD 0.13.1 programs whole 2 KiB sectors from its RAM buffer, whatever the image's length: the
# image is padded with erased bytes to a sector, so that what it programs is known.
image="$WORK/gdb_target_2k.bin"
/usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(d + b"\xff" * (2048 - len(d)))' \
    "$STFLASH_FW_DIR/gdb_target.bin" "$image"

# pyOCD 0.13.1 knows no STM32F103C8; its stm32f103rc target drives the same flash controller.
pyocd_run() {
    local log=$1
    shift
    with_usb timeout 120 /usr/bin/python3 "$@" >"$log" 2>"$log.err"
}

# The board starts with another image in flash: programming has to erase it.
start_sim --firmware "$old"

pyocd_run "$WORK/list.log" /usr/bin/pyocd-flashtool -l || fail "pyocd-flashtool -l failed"
cat >"$WORK/list.expected" <<'OUT'
## => Board Name | Unique ID
-- -- ----------------------
 0 => STM32 STLinkV2 | 5354534D0000000000000001
OUT
diff -u "$WORK/list.expected" "$WORK/list.log" >"$WORK/list-diff.log" ||
    fail "pyocd-flashtool -l: $(cat "$WORK/list-diff.log")"
pass "pyocd-flashtool -l: the probe, its product string and serial"

pyocd_run "$WORK/idcode.log" /usr/bin/pyocd-tool -t stm32f103rc read32 0xE0042000 ||
    fail "pyocd-tool read32 failed: $(tail -n 5 "$WORK/idcode.log.err")"
printf 'e0042000:  20036410 \n' | diff -u - "$WORK/idcode.log" >"$WORK/idcode-diff.log" ||
    fail "DBGMCU_IDCODE read by pyOCD: $(cat "$WORK/idcode-diff.log")"
pass "pyocd-tool read32 0xE0042000: DBGMCU_IDCODE 0x20036410 (STM32F103 medium density)"

# A chip erase: the stm32f103rc target's 2 KiB sectors span two of the C8's 1 KiB pages.
pyocd_run "$WORK/flash.log" /usr/bin/pyocd-flashtool -t stm32f103rc -ce -hp "$image" ||
    fail "pyocd-flashtool failed: $(tail -n 5 "$WORK/flash.log.err")"
expect_log "$WORK/flash.log.err" "Programmed"
ocd_hla "$WORK/readback.log" 'halt' "flash read_bank 0 $WORK/flash.bin" ||
    fail "openocd could not read the flash back"
expect_image_then_erased "$WORK/flash.bin" "$image"
pass "pyocd-flashtool: a 2 KiB sector programmed, the rest of the flash erased"
