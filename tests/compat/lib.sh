# Shared helpers for the compatibility tests: start a virtual-board daemon on free ports, drive
# third-party clients against it, check their output and the board's state.
# Environment: STFLASH_SIM (daemon binary), STFLASH_FW_DIR (built firmware and images).
set -euo pipefail

: "${STFLASH_SIM:?path of stflash-sim}"
: "${STFLASH_FW_DIR:?folder of the built firmware}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stflash-compat.XXXXXX")
export XDG_STATE_HOME="$WORK/state" # recovery files of the stflash tools stay here
# The OpenOCD target configuration of the board under test (the F0 and F3 tests change it).
OCD_TARGET=stm32f1x.cfg
. "$(dirname "${BASH_SOURCE[0]}")/../lib/sim.sh"

fail() {
    echo "FAIL: $*" >&2
    for f in "$WORK"/*.log "$WORK"/sim*.err; do
        [ -f "$f" ] && { echo "---- $f" >&2; tail -n 40 "$f" >&2; }
    done
    exit 1
}

pass() {
    echo "ok: $*"
}

# json_get JSON FIELD
json_get() {
    /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# expect_log FILE TEXT: the log contains TEXT (fixed string).
expect_log() {
    grep -qF -- "$2" "$1" || fail "expected \"$2\" in $(basename "$1")"
}

# expect_equal_files A B: byte-for-byte equal.
expect_equal_files() {
    cmp "$1" "$2" >/dev/null || fail "$(basename "$1") differs from $(basename "$2"): $(cmp "$1" "$2" 2>&1 | head -n 1)"
}

# expect_image_then_erased READBACK IMAGE: the read-back flash starts with IMAGE, the rest is 0xFF.
expect_image_then_erased() {
    /usr/bin/python3 - "$1" "$2" <<'PY' || fail "flash contents do not match $(basename "$2")"
import sys
flash = open(sys.argv[1], 'rb').read()
image = open(sys.argv[2], 'rb').read()
if flash[:len(image)] != image:
    first = next(i for i in range(len(image)) if flash[i] != image[i])
    sys.exit(f"first difference at offset {first:#x}: {flash[first]:#04x} != {image[first]:#04x}")
rest = flash[len(image):]
if rest != b'\xff' * len(rest):
    sys.exit("flash beyond the image is not erased")
PY
}

# as_commands COMMANDS...: each argument as one OpenOCD -c command (in the array OCD_CMDS).
as_commands() {
    OCD_CMDS=()
    local c
    for c in "$@"; do OCD_CMDS+=(-c "$c"); done
}

# ocd_hla LOG COMMANDS...: OpenOCD 0.12 with the hla driver over the stlink-server backend.
ocd_hla() {
    local log=$1
    shift
    as_commands "$@"
    timeout 120 openocd -c 'adapter driver hla' -c 'hla_layout stlink' -c 'hla_device_desc "ST-LINK"' \
        -c 'hla_vid_pid 0x0483 0x3748' -c "hla_stlink_backend tcp $SIM_PORT" \
        -c 'transport select hla_swd' -c 'gdb_port disabled' -c 'telnet_port disabled' \
        -c 'tcl_port disabled' -f "target/$OCD_TARGET" -c init "${OCD_CMDS[@]}" -c shutdown >"$log" 2>&1
}

# ocd_dap LOG COMMANDS...: OpenOCD 0.12 with the DAP-level stlink-dap driver over TCP.
ocd_dap() {
    local log=$1
    shift
    as_commands "$@"
    timeout 120 openocd -f interface/stlink-dap.cfg -c "st-link backend tcp $SIM_PORT" \
        -c 'transport select dapdirect_swd' -c 'gdb_port disabled' -c 'telnet_port disabled' \
        -c 'tcl_port disabled' -f "target/$OCD_TARGET" -c init "${OCD_CMDS[@]}" -c shutdown >"$log" 2>&1
}

# ---- clients over the stand-in libusb (sim/libusb): the daemon's probes appear as USB devices ----
# Environment: STFLASH_LIBUSB_DIR (folder of the stand-in libusb-1.0.so.0).

BG_PIDS=()

# stop_bg: ends the background clients started with start_bg.
stop_bg() {
    local pid
    for pid in "${BG_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait_deadline "$pid" 10 2>&1 || true
    done
    BG_PIDS=()
}
trap 'stop_bg; cleanup' EXIT

# need_tool PROGRAM PACKAGE: fails, naming the Debian package, when PROGRAM is missing.
need_tool() {
    command -v "$1" >/dev/null 2>&1 ||
        fail "$1 not found: install the Debian package $2 (scripts/install-deps.sh)"
}

# need_pyocd: Debian's python3 with pyOCD and pyusb (the python3 first on PATH may be another).
need_pyocd() {
    need_tool /usr/bin/python3 python3
    /usr/bin/python3 -c 'import pyocd, usb.core' 2>/dev/null ||
        fail "pyOCD or pyusb missing from /usr/bin/python3: install the Debian package python3-pyocd"
}

# usb_env: the environment that puts the stand-in libusb in front of the system one and points it
# at the running daemon (for `env`).
usb_env() {
    : "${STFLASH_LIBUSB_DIR:?folder of the stand-in libusb-1.0.so.0}"
    [ -f "$STFLASH_LIBUSB_DIR/libusb-1.0.so.0" ] ||
        fail "no libusb-1.0.so.0 in $STFLASH_LIBUSB_DIR (build the stflash_libusb target)"
    USB_ENV=(LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
             STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT")
}

# with_usb COMMAND...: runs COMMAND with the stand-in libusb.
with_usb() {
    usb_env
    env "${USB_ENV[@]}" "$@"
}

# start_bg LOG COMMAND...: starts COMMAND in the background with the stand-in libusb, output in
# LOG; its process id in BG_PID. It is stopped at exit.
start_bg() {
    local log=$1
    shift
    usb_env
    env "${USB_ENV[@]}" "$@" >"$log" 2>&1 &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_log FILE TEXT PID: waits (10 s at most) until FILE contains TEXT, while PID lives.
wait_for_log() {
    local deadline=$((SECONDS + 10))
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        kill -0 "$3" 2>/dev/null || fail "$(basename "$1"): the program exited before \"$2\""
        [ $SECONDS -lt $deadline ] || fail "no \"$2\" in $(basename "$1") after 10 s"
        sleep 0.05
    done
}

# ocd_usb LOG COMMANDS...: OpenOCD 0.12 with interface/stlink.cfg (hla) finding the probe on "USB"
# through the stand-in libusb.
ocd_usb() {
    local log=$1
    shift
    as_commands "$@"
    with_usb timeout 120 openocd -f interface/stlink.cfg -c 'gdb_port disabled' \
        -c 'telnet_port disabled' -c 'tcl_port disabled' -f "target/$OCD_TARGET" -c init \
        "${OCD_CMDS[@]}" -c shutdown >"$log" 2>&1
}

# ocd_usbdap LOG COMMANDS...: OpenOCD 0.12 with the DAP-level stlink-dap driver over the stand-in
# libusb (it batches accesses with RW_MISC there).
ocd_usbdap() {
    local log=$1
    shift
    as_commands "$@"
    with_usb timeout 120 openocd -f interface/stlink-dap.cfg -c 'transport select dapdirect_swd' \
        -c 'gdb_port disabled' -c 'telnet_port disabled' -c 'tcl_port disabled' \
        -f "target/$OCD_TARGET" -c init "${OCD_CMDS[@]}" -c shutdown >"$log" 2>&1
}
