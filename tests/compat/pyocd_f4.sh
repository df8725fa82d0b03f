#!/usr/bin/env bash
# pyOCD 0.13.1 with its built-in stm32f439xi target on a virtual F4 (argument: stm32f429zi, the
# default, stm32f407vg or stm32f411re), through the stand-in libusb. The F439 is the F429 with
# crypto (the same die, DEV_ID 0x419, the same flash); the F407 and F411 share its first sectors
# (4 x 16 KiB, 64 KiB, 128 KiB ..., RM0090 §3.3, RM0383 §3.3) and its flash interface, and its
# flash algorithm works in their first 16 KiB of SRAM. pyOCD has no F407 or F411 target; its
# stm32f412xg target puts its buffer at 0x20020000, past their 128 KiB of SRAM. pyOCD
# finds the Cortex-M4 and its FPU, erases the sectors an image needs with its own flash algorithm
# running on the core, and programs it; OpenOCD reads the flash back byte-exact.
. "$(dirname "$0")/lib.sh"
need_pyocd
need_tool openocd openocd
OCD_TARGET=stm32f4x.cfg
chip=${1:-stm32f429zi}
# 40 000 bytes: sectors 0-2 (16 KiB each), the last one partly.
/usr/bin/python3 -c 'import random, sys; r = random.Random(429); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(40000)))' \
    "$WORK/image.bin"

# The board starts with other firmware in flash: programming has to erase it.
start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
with_usb timeout 120 /usr/bin/python3 /usr/bin/pyocd-flashtool -t stm32f439xi -hp "$WORK/image.bin" \
    >"$WORK/flash.log" 2>"$WORK/flash.log.err" ||
    fail "pyocd-flashtool failed: $(tail -n 5 "$WORK/flash.log.err")"
expect_log "$WORK/flash.log.err" "CPU core is Cortex-M4 r0p1"
expect_log "$WORK/flash.log.err" "FPU present"
expect_log "$WORK/flash.log.err" "Programmed 40000 bytes (3 pages)"
[ "$(json_get "$(ctl stats 0)" sectors_erased)" -ge 3 ] || fail "expected sector erases: $(ctl stats 0)"
ocd_hla "$WORK/readback.log" halt "flash read_bank 0 $WORK/flash.bin 0 65536" ||
    fail "openocd could not read the flash back"
/usr/bin/python3 - "$WORK/flash.bin" "$WORK/image.bin" "$STFLASH_FW_DIR/image_65536.bin" <<'PY' ||
import sys
flash, image, old = (open(p, 'rb').read() for p in sys.argv[1:4])
# The image, then sector 2's erased rest, then sector 3 as the old firmware left it.
want = image + b'\xff' * (48 * 1024 - len(image)) + old[48 * 1024:64 * 1024]
sys.exit(0 if flash == want else "flash differs from the image and the kept sector 3")
PY
    fail "flash contents after pyOCD"
pass "$chip, pyocd-flashtool stm32f439xi: Cortex-M4 found; sectors 0-2 erased and programmed byte-exact, sector 3 kept"
