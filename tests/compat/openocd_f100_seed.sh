#!/usr/bin/env bash
# An STM32VLDiscovery session (a 78128-byte NuttX image), replayed on the virtual STM32F100RB: reset halt, flash probe,
# mass erase, write a 78128-byte image at 0x08000000, reset run.
. "$(dirname "$0")/lib.sh"
image="$STFLASH_FW_DIR/image_78128.bin"
start_sim --chip stm32f100rb

ocd_hla "$WORK/seed.log" 'reset halt' 'flash probe 0' 'stm32f1x mass_erase 0' \
    "flash write_image $image 0x08000000" 'reset run' || fail "openocd session failed"
expect_log "$WORK/seed.log" "halted due to debug-request"
expect_log "$WORK/seed.log" "device id = 0x10016420"
expect_log "$WORK/seed.log" "flash size = 128 KiB"
expect_log "$WORK/seed.log" "stm32x mass erase complete"
expect_log "$WORK/seed.log" "wrote 78128 bytes from file"
pass "seed session replayed"

ocd_hla "$WORK/check.log" halt "flash read_bank 0 $WORK/flash.bin" || fail "read-back failed"
expect_image_then_erased "$WORK/flash.bin" "$image"
pass "flash holds the image byte for byte"
