#!/usr/bin/env bash
# Issue 9, point 11 (the library side: tests/unit/stlink/test_stlink_quirks.c).
# Long error messages reach the user whole: the BOOT0 recovery procedure and the udev fix end
# with their last words, not in the middle of a sentence.
. "$(dirname "$0")/lib.sh"
swd_off="$STFLASH_FW_DIR/swd_disable.elf"
[ -f "$swd_off" ] || fail "no test firmware $swd_off: build the firmware (arm-none-eabi-gcc)"

# error_ends TEXT: the error line on stderr (the first that is not a warning) ends with TEXT.
error_ends() {
    local line
    line=$(grep -v '^stflash: warning:' "$WORK/err" | grep -m 1 '^stflash: ' || true)
    [ "${line%"$1"}" != "$line" ] || fail "the error does not end with \"$1\": $line"
}

# Firmware that disables SWD, no NRST wire: the BOOT0 procedure, to its last step.
P=(--probe "sim:stm32f103c8,no-nrst,state=$WORK/swd.state")
expect_ok "${P[@]}" write "$swd_off"
expect_rc 4 "${P[@]}" erase 0x0800fc00 1k
expect_err "holding NRST low did not help"
error_ends "and use --connect under-reset"
expect_rc 4 "${P[@]}" --connect under-reset info
expect_err "even with NRST held low"
error_ends "and use --connect under-reset"
pass "the BOOT0 procedure is printed whole"

# No permission on the USB device: the udev fix, to its last words.
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
start_sim --serial CCCC00000000000000000003
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
STFLASH_SIM_DENY=CCCC00000000000000000003 expect_rc 3 --probe usb info
expect_err "49-stflash.rules"
error_ends "then replug the probe"
# doctor's verdict line carries the same message.
STFLASH_SIM_DENY=CCCC00000000000000000003 expect_rc 3 --probe usb doctor
grep -q '^\[FAIL\] probe found .*then replug the probe$' "$WORK/out" ||
    fail "doctor does not show the udev fix whole: $(grep FAIL "$WORK/out" | head -n 1)"
pass "the udev fix is printed whole"
