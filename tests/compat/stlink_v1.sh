#!/usr/bin/env bash
# The STM32VLDiscovery's own probe: a simulated ST-LINK/V1 (0483:3744, USB mass-storage wrapping)
# on the STM32F100RB, through the stand-in libusb, seen by unmodified clients: stlink-tools 1.7.0
# (st-info --probe, st-flash write and read) and OpenOCD 0.12 (hla_layout stlink, hla_vid_pid
# 0x0483 0x3744, target/stm32f1x.cfg) flash the 78128-byte image of an STM32VLDiscovery session byte for
# byte.
. "$(dirname "$0")/lib.sh"
need_tool st-info stlink-tools
need_tool st-flash stlink-tools
need_tool openocd openocd
image="$STFLASH_FW_DIR/image_78128.bin"
[ -f "$image" ] || fail "missing $image (built by the firmware target)"

start_sim --chip stm32f100rb --probe v1

with_usb timeout 60 st-info --probe >"$WORK/info.log" 2>&1 || fail "st-info --probe failed"
expect_log "$WORK/info.log" "Found 1 stlink programmers"
expect_log "$WORK/info.log" "version:    V1J13"
expect_log "$WORK/info.log" "chipid:     0x0420"
expect_log "$WORK/info.log" "flash:      131072 (pagesize: 1024)"
pass "st-info --probe finds the ST-LINK/V1 and the F100RB behind it"

with_usb timeout 120 st-flash write "$image" 0x08000000 >"$WORK/write.log" 2>&1 ||
    fail "st-flash write failed"
expect_log "$WORK/write.log" "Flash written and verified! jolly good!"
with_usb timeout 120 st-flash read "$WORK/st.bin" 0x08000000 131072 >"$WORK/read.log" 2>&1 ||
    fail "st-flash read failed"
expect_image_then_erased "$WORK/st.bin" "$image"
pass "st-flash writes and reads the 78128-byte image through the V1"

# OpenOCD: the seed session (mass erase, write, reset run), on a board st-flash left programmed
# with the same image: the mass erase must clear it for the read-back to prove the write.
ocd_v1() {
    local log=$1
    shift
    as_commands "$@"
    with_usb timeout 120 openocd -c 'adapter driver hla' -c 'hla_layout stlink' \
        -c 'hla_device_desc "ST-LINK"' -c 'hla_vid_pid 0x0483 0x3744' \
        -c 'transport select hla_swd' -c 'gdb_port disabled' -c 'telnet_port disabled' \
        -c 'tcl_port disabled' -f target/stm32f1x.cfg -c init "${OCD_CMDS[@]}" -c shutdown \
        >"$log" 2>&1
}
head -c 78128 "$image" | /usr/bin/python3 -c '
import sys
data = bytearray(sys.stdin.buffer.read())
sys.stdout.buffer.write(bytes(b ^ 0x5A for b in data))' >"$WORK/other.bin"
ocd_v1 "$WORK/ocd.log" 'reset halt' 'flash probe 0' 'stm32f1x mass_erase 0' \
    "flash write_image $WORK/other.bin 0x08000000" 'reset run' || fail "openocd session failed"
expect_log "$WORK/ocd.log" "VID:PID 0483:3744"
expect_log "$WORK/ocd.log" "device id = 0x10016420"
expect_log "$WORK/ocd.log" "stm32x mass erase complete"
expect_log "$WORK/ocd.log" "wrote 78128 bytes from file"
ocd_v1 "$WORK/check.log" halt "flash read_bank 0 $WORK/ocd.bin" || fail "openocd read-back failed"
expect_image_then_erased "$WORK/ocd.bin" "$WORK/other.bin"
pass "OpenOCD flashes the V1's board byte for byte"

# Firmware before J11: stlink-tools speaks debug API v1 to it (its SWD entry, READCOREID,
# GETSTATUS, registers without status bytes).
stop_sim
start_sim --chip stm32f100rb --probe v1 --probe-fw V1J10
with_usb timeout 60 st-info --probe >"$WORK/info1.log" 2>&1 || fail "st-info --probe failed (V1J10)"
expect_log "$WORK/info1.log" "version:    V1J10"
expect_log "$WORK/info1.log" "chipid:     0x0420"
pass "st-info --probe on API v1 firmware"
