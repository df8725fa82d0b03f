#!/usr/bin/env bash
# Issue 9, points 1, 8, 9 and 10 (each section names its point).
# The tool against a virtual probe as strict as real ST-LINK firmware: a V3 that hangs after
# DEBUG_EXIT outside debug mode, a reply left in the IN endpoint by a killed client, spurious
# 0x0D answers to register writes, WAIT bursts, and what a detach leaves on the core.
. "$(dirname "$0")/lib.sh"
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$fw" ] || fail "no test firmware $fw: build the firmware (arm-none-eabi-gcc)"

# hang_probe: sends DEBUG_EXIT (F2 21) to the daemon's first probe over the stlink-server
# protocol, as a client that leaves debug mode blindly does after a failed SWD entry.
hang_probe() {
    /usr/bin/python3 - "$SIM_PORT" <<'PY' || fail "could not send DEBUG_EXIT to the daemon"
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
def ask(req, n):
    s.sendall(req)
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise SystemExit("daemon closed the connection")
        data += chunk
    return data
ask(bytes([0x06, 1, 0, 0]), 16)                      # GET_SERVER_VERSION
ask(bytes([0x00, 0]), 4)                             # REFRESH_DEVICE_LIST
info = ask(bytes([0x02, 0, 0, 0]) + struct.pack("<I", 41), 45)
dev = struct.unpack_from("<I", info, 4)[0]
resp = ask(bytes([0x03, 0, 0, 0]) + struct.pack("<I", dev), 8)
assert struct.unpack_from("<I", resp)[0] == 1, "open refused"
conn = struct.unpack_from("<I", resp, 4)[0]
cmd = bytes([0xF2, 0x21]) + bytes(14)
hdr = bytes([0x05, 0, 0, 0]) + struct.pack("<I", conn) + cmd + bytes([0, 0, 0, 0]) + struct.pack("<I", 0)
assert struct.unpack_from("<I", ask(hdr, 4))[0] == 1, "DEBUG_EXIT refused"
ask(bytes([0x04, 0, 0, 0]) + struct.pack("<I", conn), 4)  # CLOSE_DEV
PY
}

# ---- point 1: a failed SWD entry must not be followed by DEBUG_EXIT (V3 hangs) ----
start_sim --probe v3 --voltage 0
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_rc 4 "${T[@]}" info
expect_err "not powered"
# Over TCP there is no USB reset: a hung probe would answer nothing useful now.
expect_rc 4 "${T[@]}" info
expect_err "not powered"
expect_no_err "version"
pass "V3 with an unpowered target: the probe still answers after a failed SWD entry"

# ---- a hung V3 over TCP: the server reports the timeout (no reply of zeros taken as one) ----
hang_probe
expect_rc 4 "${T[@]}" info
expect_err "timeout"
expect_err "the probe itself does not answer"
pass "TCP: a hung probe is reported as not answering, with the fix"

# ---- point 9: a hung V3 on USB answers again after a USB reset ----
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
expect_ok probe --json
expect_out "not powered"
expect_err "resetting the probe's USB device"
expect_rc 4 info
expect_err "not powered"
pass "USB: a probe hung by DEBUG_EXIT outside debug mode is reset and answers"
stop_sim

# ---- point 9: a reply left in the IN endpoint by a killed client is drained at open ----
random_file "$WORK/img.bin" 4096
start_sim --stale-reply
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
expect_ok info --json
expect_json target.dev_id 0x410
expect_ok write "$WORK/img.bin" 0x08000000
expect_ok -q read "$WORK/back.bin" 0x08000000 4096
expect_same "$WORK/back.bin" "$WORK/img.bin"
pass "USB: an old reply in the probe is dropped at open"
stop_sim

# ---- point 10: a 12-byte serial is shown in hex even when its bytes are printable ----
start_sim --serial-hex 414243444546474849504A4B
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
expect_ok probe --json
expect_json probes.0.serial 414243444546474849504A4B
pass "USB: a 12-byte serial of printable bytes is shown as 24 hex digits"
stop_sim
unset LD_LIBRARY_PATH STFLASH_SIM_ADDR

# ---- point 8: register writes answered 0x0D (write-verify error) worked ----
start_sim --spurious-0d --firmware "$fw"
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
random_file "$WORK/img64.bin" 65536
expect_ok "${T[@]}" write "$WORK/img64.bin" 0x08000000
expect_ok "${T[@]}" -q read "$WORK/back64.bin" 0x08000000 64k
expect_same "$WORK/back64.bin" "$WORK/img64.bin"
expect_ok "${T[@]}" reset --halt
expect_ok "${T[@]}" reset
pass "spurious 0x0D on register writes: write, read, reset work"
stop_sim

# ---- point 10: WAIT repeats the whole transfer (the address after WAIT means nothing) ----
start_sim --wait-burst 3
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${T[@]}" write "$WORK/img64.bin" 0x08000000
expect_ok "${T[@]}" -q read "$WORK/back64.bin" 0x08000000 64k
expect_same "$WORK/back64.bin" "$WORK/img64.bin"
pass "WAIT bursts: a 64 KiB write and read are byte-exact"
stop_sim

# ---- point 10: detach leaves no vector catch armed and halting debug off on a running core ----
start_sim --firmware "$fw"
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${T[@]}" reset --halt
expect_ok "${T[@]}" reset
expect_ok "${T[@]}" -q read "$WORK/scs.bin" 0xE000EDF0 16
/usr/bin/python3 - "$WORK/scs.bin" <<'PY' || fail "the core was left with debug state set"
import struct, sys
dhcsr, _, _, demcr = struct.unpack("<4I", open(sys.argv[1], "rb").read())
# ARMv7-M ARM C1.6.3 / C1.6.5: C_DEBUGEN is bit 0 of DHCSR; vector catches are DEMCR bits 0, 4-10
bad = []
if dhcsr & 1:
    bad.append("DHCSR.C_DEBUGEN set (0x%08x)" % dhcsr)
if demcr & 0x7F1:
    bad.append("vector catch armed (DEMCR 0x%08x)" % demcr)
if dhcsr & (1 << 17):
    bad.append("core halted")
if bad:
    sys.exit("; ".join(bad))
PY
pass "detach: a running core is left without halting debug and vector catches"
