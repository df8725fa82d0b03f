#!/usr/bin/env bash
# OpenOCD 0.12 (driver hla or dap, given as $1) probes, mass-erases, programs and verifies the
# virtual Blue Pill with 128 KiB of flash over the stlink-server protocol (drivers usb and usbdap:
# hla and stlink-dap finding the probe on "USB" through the stand-in libusb; stlink-dap batches
# accesses with RW_MISC there); the board keeps its flash across client sessions and across a
# daemon restart (state file).
. "$(dirname "$0")/lib.sh"
driver=${1:?hla, dap, usb or usbdap}
ocd() { "ocd_$driver" "$@"; }
image="$STFLASH_FW_DIR/image_78128.bin"
state="$WORK/board.state"

start_sim --chip stm32f103c8 --flash-kib 128 --state "$state"

ocd "$WORK/probe.log" 'reset halt' 'flash probe 0' 'stm32f1x mass_erase 0' \
    "flash write_image $image 0x08000000" "verify_image $image 0x08000000" \
    "flash read_bank 0 $WORK/read1.bin" || fail "openocd session 1 failed"
expect_log "$WORK/probe.log" "STLINK V2J37S7"
expect_log "$WORK/probe.log" "device id = 0x20036410"
expect_log "$WORK/probe.log" "flash size = 128 KiB"
expect_log "$WORK/probe.log" "stm32x mass erase complete"
expect_log "$WORK/probe.log" "wrote 78128 bytes from file"
expect_log "$WORK/probe.log" "verified 78128 bytes"
expect_image_then_erased "$WORK/read1.bin" "$image"
pass "$driver: probe, mass erase, write_image, verify_image, read_bank"

stats=$(ctl stats 0)
[ "$(json_get "$stats" halfwords_programmed)" = 39064 ] || fail "expected 39064 half-words programmed: $stats"
[ "$(json_get "$stats" mass_erases)" = 1 ] || fail "expected one mass erase: $stats"
/usr/bin/python3 -c 'import sys; v=float(sys.argv[1]); f=float(sys.argv[2]); sys.exit(0 if v > f else 1)' \
    "$(json_get "$stats" virtual_s)" "$(json_get "$stats" floor_s)" ||
    fail "session faster than the flash itself allows: $stats"
pass "$driver: session statistics ($stats)"

# A second session sees the same flash.
ocd "$WORK/second.log" "flash read_bank 0 $WORK/read2.bin" || fail "openocd session 2 failed"
expect_equal_files "$WORK/read2.bin" "$WORK/read1.bin"

# The state file carries the flash across a restart of the daemon.
stop_sim
start_sim --chip stm32f103c8 --flash-kib 128 --state "$state"
ocd "$WORK/restart.log" "verify_image $image 0x08000000" || fail "verify after restart failed"
expect_log "$WORK/restart.log" "verified 78128 bytes"
pass "$driver: flash kept across sessions and daemon restarts"
