#!/usr/bin/env bash
# pyOCD 0.13.1 with its built-in stm32l475xg target (the L475 and L476 share the die, DEV_ID
# 0x415, and the 1 MiB flash in two banks of 2 KiB pages, RM0351 §3.3.1) on the virtual
# STM32L476RG, through the stand-in libusb: its own flash algorithm, running on the core, erases
# the pages an image needs on both sides of bank 2's start (0x08080000, BKER) and programs it over
# other firmware; then a chip erase (MER1 and MER2) and an image at the start. OpenOCD
# (target/stm32l4x.cfg) reads the flash back byte-exact.
. "$(dirname "$0")/lib.sh"
need_pyocd
need_tool openocd openocd
OCD_TARGET=stm32l4x.cfg
page=2048

image() {
    /usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
        "$WORK/$1" "l476-$1" "$2"
}

pyocd_flash() {
    local log=$1
    shift
    with_usb timeout 120 /usr/bin/python3 /usr/bin/pyocd-flashtool -t stm32l475xg -hp "$@" \
        >"$log" 2>"$log.err" || fail "pyocd-flashtool failed: $(tail -n 5 "$log.err")"
}

# readback_is IMAGE OFFSET OLD_UPTO: the whole flash read by OpenOCD holds IMAGE at OFFSET, the
# board's firmware below OLD_UPTO and erased bytes elsewhere (bank 0 of stm32l4x.cfg: both
# flash banks).
readback_is() {
    ocd_hla "$WORK/readback.log" halt "flash read_bank 0 $WORK/flash.bin" ||
        fail "openocd could not read the flash back"
    /usr/bin/python3 - "$WORK/flash.bin" "$@" "$STFLASH_FW_DIR/image_65536.bin" <<'PY' ||
import sys
flash = open(sys.argv[1], 'rb').read()
image, off, old_upto = open(sys.argv[2], 'rb').read(), int(sys.argv[3]), int(sys.argv[4])
old = open(sys.argv[5], 'rb').read()
want = bytearray(old[:old_upto] + b'\xff' * (1024 * 1024 - old_upto))
want[off:off + len(image)] = image
if len(flash) != len(want):
    sys.exit("read %d bytes, expected 1 MiB" % len(flash))
if flash != bytes(want):
    sys.exit("first difference at offset 0x%x" % next(i for i in range(len(flash)) if flash[i] != want[i]))
PY
        fail "flash contents after pyOCD"
}

start_sim --chip stm32l476rg --firmware "$STFLASH_FW_DIR/image_65536.bin"
# Two pages before bank 2, three in it.
image across.bin $((5 * page))
pyocd_flash "$WORK/across.log" -a 0x0807F000 "$WORK/across.bin"
expect_log "$WORK/across.log.err" "DP IDR = 0x2ba01477"
expect_log "$WORK/across.log.err" "ROM table #0 @ 0xe00ff000 (designer=020 part=415)"
expect_log "$WORK/across.log.err" "CPU core is Cortex-M4 r0p1"
expect_log "$WORK/across.log.err" "FPU present"
expect_log "$WORK/across.log.err" "Programmed $((5 * page)) bytes (5 pages)"
[ "$(json_get "$(ctl stats 0)" pages_erased)" = 5 ] || fail "expected five page erases: $(ctl stats 0)"
readback_is "$WORK/across.bin" $((0x7F000)) 65536
pass "pyocd-flashtool stm32l475xg: Cortex-M4F found; five pages across 0x08080000 erased and programmed byte-exact, the firmware below kept"

image start.bin $((3 * page))
pyocd_flash "$WORK/ce.log" -ce "$WORK/start.bin"
expect_log "$WORK/ce.log.err" "Programmed $((3 * page)) bytes (3 pages)"
[ "$(json_get "$(ctl stats 0)" mass_erases)" -ge 1 ] || fail "expected a mass erase: $(ctl stats 0)"
readback_is "$WORK/start.bin" 0 0
pass "pyocd-flashtool stm32l475xg -ce: both banks erased, three pages programmed byte-exact, the rest erased"
