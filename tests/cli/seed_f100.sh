#!/usr/bin/env bash
# An STM32VLDiscovery session (STM32F100RB: mass erase, write a 78128-byte image at
# 0x08000000, reset and run), with stflash on the in-process virtual board, then again through
# a daemon whose control port shows the core running after the reset.
. "$(dirname "$0")/lib.sh"
image="$STFLASH_FW_DIR/image_78128.bin"
[ -f "$image" ] || fail "missing $image (built by the firmware target)"
[ "$(stat -c %s "$image")" = 78128 ] || fail "image_78128.bin is not 78128 bytes"

flow() {
    expect_ok "${P[@]}" info
    expect_out "DBGMCU_IDCODE:     0x10016420"
    expect_out "flash:             128 KiB (131072 bytes) at 0x08000000, 1 KiB pages"
    expect_ok "${P[@]}" erase
    expect_out "erased the whole flash (128 KiB at 0x08000000)"
    expect_ok "${P[@]}" write "$image" 0x08000000
    expect_out "wrote 78128 bytes at 0x08000000..0x0801312f"
    expect_out "verified"
    expect_ok "${P[@]}" verify "$image" 0x08000000
    expect_out "identical"
    expect_ok "${P[@]}" reset
    expect_out "reset, running"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" 0x08000000 128k
    /usr/bin/python3 - "$WORK/flash.bin" "$image" <<'PY' || fail "flash does not hold the image followed by erased flash"
import sys
flash = open(sys.argv[1], 'rb').read()
image = open(sys.argv[2], 'rb').read()
assert flash[:len(image)] == image
assert flash[len(image):] == b'\xff' * (len(flash) - len(image))
PY
}

P=(--probe sim:stm32f100rb)
flow
pass "seed flow on sim:stm32f100rb (in-process)"

start_sim --chip stm32f100rb
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
flow
expect_ok "${P[@]}" reset
[ "$(board_field 0 halted)" = False ] || fail "the core is halted after reset"
pass "seed flow through the daemon; the core runs after the reset"
