#!/usr/bin/env bash
# The tool over USB: the stand-in libusb presents a daemon's probes as USB devices. Listing,
# choosing by serial (whole, prefix, usb:), a write and read through USB.
. "$(dirname "$0")/lib.sh"
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
start_sim --serial-hex 533f6b064975524918500267 --board --chip stm32f100rb --probe v2-1
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"

expect_ok probe
expect_out "Found 2 probes"
expect_out "ST-LINK/V2  serial 533F6B064975524918500267"
expect_out "0483:3748 via usb"
expect_out "ST-LINK/V2-1  serial 5354534D0000000000000002"
expect_out "0483:374b via usb"
expect_ok probe --json
expect_json probes.0.transport usb
expect_json probes.1.target.dev_id 0x420
pass "probe lists the USB probes and their chips"

expect_rc 3 info
expect_err "533F6B064975524918500267"
expect_err "--probe"
expect_error_style
pass "two probes and no selector: exit 3 listing them"

expect_ok --probe 533F6B info --json
expect_json probe.serial 533F6B064975524918500267
expect_json target.dev_id 0x410
expect_ok --probe usb:5354534D0000000000000002 info --json
expect_json target.dev_id 0x420
STFLASH_PROBE=533f6b expect_ok info --json
expect_json probe.serial 533F6B064975524918500267
pass "serial, prefix (any case), usb:SERIAL and STFLASH_PROBE"

random_file "$WORK/img.bin" 5000
expect_ok --probe 533F6B write "$WORK/img.bin" 0x08000800
expect_ok --probe 533F6B -q read "$WORK/back.bin" 0x08000800 5000
expect_same "$WORK/back.bin" "$WORK/img.bin"
pass "write and read over USB"

expect_rc 3 --probe 0000 info
expect_err "0000"
pass "no probe with that serial: exit 3"

# A loaded host: every answer of the daemon arrives 30 ms late (slow_proxy.py). Opening drains
# the IN endpoint with a 10 ms transfer (a reply left by a killed client); the stand-in must not
# take the daemon's lateness for an unplugged probe ("the probe left the bus after a USB reset",
# seen when the suite ran under load).
log="$WORK/slow_proxy.out"
/usr/bin/python3 "$(dirname "$0")/slow_proxy.py" "$SIM_PORT" 30 >"$log" &
SIM_PIDS+=("$!")
deadline=$((SECONDS + 10))
until grep -q "^port " "$log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "the slow relay is not listening"
    sleep 0.05
done
STFLASH_SIM_ADDR="127.0.0.1:$(sed -n 's/^port //p' "$log")"
expect_ok --probe 533F6B info --json
expect_json target.dev_id 0x410
expect_ok --probe 533F6B -q read "$WORK/slow.bin" 0x08000800 256
cmp -s "$WORK/slow.bin" <(head -c 256 "$WORK/img.bin") || fail "the read through the slow relay differs"
pass "a daemon that answers late (loaded host) is not taken for an unplugged probe"
