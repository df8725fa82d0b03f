#!/usr/bin/env bash
# The STM32VLDiscovery's ST-LINK/V1 (0483:3744) on its STM32F100RB, through the stand-in libusb
# (USB mass-storage wrapping): probe, info, the STM32VLDiscovery flow (erase, write the 78128-byte
# image, verify, reset, read), the API v1 firmware (before J11), malformed status wrappers, and
# the doctor's usb-storage rung.
. "$(dirname "$0")/lib.sh"
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
image="$STFLASH_FW_DIR/image_78128.bin"
[ -f "$image" ] || fail "missing $image (built by the firmware target)"

start_sim --chip stm32f100rb --probe v1 --serial-hex 3f066d06513f3f5148480167
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"

expect_ok probe
expect_out "ST-LINK/V1  serial 3F066D06513F3F5148480167"
expect_out "0483:3744 via usb"
expect_out "firmware: V1J13"
expect_out "STM32F1 value line, DEV_ID 0x420"
expect_ok info
expect_out "firmware:          V1J13, API v2"
expect_out "SWD clock:         chosen by the probe (ST-LINK/V1)"
expect_out "DBGMCU_IDCODE:     0x10016420"
expect_out "flash:             128 KiB (131072 bytes) at 0x08000000, 1 KiB pages"
pass "probe and info see the ST-LINK/V1 and its F100RB"

expect_ok erase
expect_out "erased the whole flash (128 KiB at 0x08000000)"
expect_ok write "$image" 0x08000000
expect_out "wrote 78128 bytes at 0x08000000..0x0801312f"
expect_out "verified"
expect_ok verify "$image" 0x08000000
expect_out "identical"
expect_ok reset
expect_out "reset, running"
[ "$(board_field 0 halted)" = False ] || fail "the core is halted after reset"
expect_ok -q read "$WORK/flash.bin" 0x08000000 128k
/usr/bin/python3 - "$WORK/flash.bin" "$image" <<'PY' || fail "flash does not hold the image followed by erased flash"
import sys
flash = open(sys.argv[1], 'rb').read()
image = open(sys.argv[2], 'rb').read()
assert flash[:len(image)] == image
assert flash[len(image):] == b'\xff' * (len(flash) - len(image))
PY
pass "the STM32VLDiscovery flow through the V1: erase, write, verify, reset, read"

# A malformed status wrapper or one of another command: a clear error, not a hang, not data.
STFLASH_SIM_USB_FAULT=csw-tag:4 expect_rc 3 info
expect_error_style
expect_err "the status wrapper's tag is not the command's"
expect_err "expected 0x"
expect_err "unplug and replug the probe"
STFLASH_SIM_USB_FAULT=csw-sig:3 expect_rc 3 info
expect_err "the status wrapper's signature is not USBS"
STFLASH_SIM_USB_FAULT=csw-phase:5 expect_rc 3 info
expect_err "the probe reports a phase error for command"
expect_err "bulk-only reset recovery"
expect_ok info # the probe answers again afterwards
pass "wrong tags and signatures in status wrappers, and phase errors, are reported"

# The kernel's usb-storage holding the V1: opening detaches it; doctor names the quirk.
STFLASH_SIM_USB_STORAGE=1 expect_ok doctor
expect_out "[warn] usb-storage"
expect_out "options usb-storage quirks=483:3744:i"
expect_out "stflash-stlinkv1.conf"
expect_ok doctor
expect_out "[ok  ] usb-storage       not held by usb-storage"
pass "doctor: a V1 held by usb-storage, and the fix"
stop_sim

# Firmware before J11 speaks debug API v1: its own SWD entry, registers without status bytes,
# no GETLASTRWSTATUS.
start_sim --chip stm32f100rb --probe v1 --probe-fw V1J10
export STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
expect_ok info
expect_out "firmware:          V1J10, API v1"
random_file "$WORK/small.bin" 3000
expect_ok write "$WORK/small.bin" 0x08000400
expect_ok -q read "$WORK/back.bin" 0x08000400 3000
expect_same "$WORK/back.bin" "$WORK/small.bin"
expect_ok halt
expect_ok regs
expect_out "pc"
expect_ok resume
expect_rc 1 --connect under-reset info
expect_err "NRST"
pass "API v1 firmware: info, write, read, registers; no NRST"
