#!/usr/bin/env bash
# Clones of the F103 on the in-process virtual board (--probe sim:CHIP): info names each clone
# and gives its flash size (a flash-size register reading 0 gives the clone's usual size, with a
# warning naming the clone); an image at the start of the flash and one in its last page are
# written, verified and read back byte for byte; the whole flash reads back as written around
# them. A genuine STM32F103C8 is shown the same way for comparison.
. "$(dirname "$0")/lib.sh"
FLASH=0x08000000

# check CHIP CLONE_NAME FLASH_BYTES ASSUMED
check() {
    local chip=$1 name=$2 size=$3 assumed=$4
    local P=(--probe "sim:$chip,state=$WORK/$chip.state")

    expect_ok "${P[@]}" info
    if [ "$name" = null ]; then
        expect_out "genuine ST part"
    else
        expect_out "$name"
    fi
    if [ "$assumed" = true ]; then
        expect_err "flash-size register at 0x1ffff7e0 reads 0x0000"
        expect_err "assuming $((size / 1024)) KiB for $name"
    else
        expect_no_err "flash-size register"
    fi
    expect_ok "${P[@]}" info --json
    expect_json target.clone "$name"
    expect_json target.flash_size "$size"
    expect_json target.flash_size_assumed "$assumed"
    expect_json target.sram_size 20480
    pass "$chip: info names ${name/null/no clone}, $((size / 1024)) KiB flash"

    random_file "$WORK/$chip-low.bin" 20000
    random_file "$WORK/$chip-top.bin" 1024
    local top=$((FLASH + size - 1024))
    expect_ok "${P[@]}" write "$WORK/$chip-low.bin" $FLASH
    expect_out "verified"
    expect_ok "${P[@]}" write "$WORK/$chip-top.bin" "$top"
    expect_ok "${P[@]}" verify "$WORK/$chip-low.bin" $FLASH
    expect_out "identical"
    expect_ok "${P[@]}" verify "$WORK/$chip-top.bin" "$top"
    expect_out "identical"
    expect_ok "${P[@]}" -q read "$WORK/$chip-low.back" $FLASH 20000
    expect_same "$WORK/$chip-low.back" "$WORK/$chip-low.bin"
    expect_ok "${P[@]}" -q read "$WORK/$chip-top.back" "$top" 1024
    expect_same "$WORK/$chip-top.back" "$WORK/$chip-top.bin"
    # The whole flash: the two images, erased flash between them.
    expect_ok "${P[@]}" -q read "$WORK/$chip-all.back" $FLASH "$size"
    /usr/bin/python3 - "$WORK/$chip-all.back" "$WORK/$chip-low.bin" "$WORK/$chip-top.bin" <<'PY' ||
import sys
flash, low, top = (open(p, 'rb').read() for p in sys.argv[1:4])
want = low + b'\xff' * (len(flash) - len(low) - len(top)) + top
sys.exit(0 if flash == want else 1)
PY
        fail "$chip: the whole flash does not read back as written"
    pass "$chip: write, verify and read back at both ends of the flash"
}

check stm32f103c8 null 65536 false
check cks32f103c8 CKS32F103/CS32F103 131072 true
check gd32f103c8 GD32F103 65536 false
check apm32f103c8 APM32F103 65536 false
check ch32f103c8 CH32F103 65536 true
