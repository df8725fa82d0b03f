#!/usr/bin/env bash
# The traps of the field reports, each on a virtual board started in that state: the message, the
# exit code, that nothing is erased without consent, and that the fix stflash names works.
. "$(dirname "$0")/lib.sh"
image="$STFLASH_FW_DIR/image_65536.bin"
swd_off="$STFLASH_FW_DIR/swd_disable.elf"

# ---- flash-size register 0 and 0xFFFF ----
for reg in 0 0xFFFF; do
    P=(--probe "sim:stm32f103c8,flash-size-reg=$reg,state=$WORK/fsz$reg.state")
    expect_ok "${P[@]}" info
    expect_err "flash-size register at 0x1ffff7e0 reads 0x$(printf %04x $reg)"
    expect_err "assuming 128 KiB"
    expect_err "--flash-size"
    expect_ok "${P[@]}" info --json
    expect_json target.flash_size 131072
    expect_json target.flash_size_assumed true
    # The assumed 128 KiB is more than the chip has (64 KiB): a write there fails verification.
    random_file "$WORK/hi.bin" 1024
    expect_rc 1 "${P[@]}" write "$WORK/hi.bin" 0x08010000
    expect_err "stflash: "
    # The override: the real size, and writes beyond it are refused before anything happens.
    expect_ok "${P[@]}" --flash-size 64k info --json
    expect_json target.flash_size 65536
    expect_rc 1 "${P[@]}" --flash-size 64k write "$WORK/hi.bin" 0x08010000
    expect_err "outside"
    expect_ok "${P[@]}" --flash-size 64k write "$image" 0x08000000
    pass "flash-size register $reg: named, assumed, --flash-size override works"
done

# ---- firmware that disables SWD, NRST wired: retried under reset, the command goes on ----
# (look-only commands do not retry: they say so; target_look_only.sh)
P=(--probe "sim:stm32f103c8,state=$WORK/swd.state")
expect_ok "${P[@]}" write "$swd_off"
expect_rc 4 "${P[@]}" info
expect_err "--connect under-reset"
expect_ok "${P[@]}" erase 0x0800fc00 1k
expect_err "its firmware probably disabled or remapped the SWD pins"
expect_err "retrying with NRST held low"
expect_err "connected under reset"
expect_ok "${P[@]}" write "$swd_off"
expect_ok "${P[@]}" doctor
expect_out "only while NRST is held low"
expect_ok "${P[@]}" write "$image" 0x08000000
expect_ok "${P[@]}" verify "$image" 0x08000000
pass "SWD disabled by the firmware, NRST wired: connect under reset, then write works"

# ---- the same without NRST wired: the BOOT0 procedure, and it works ----
P=(--probe "sim:stm32f103c8,no-nrst,state=$WORK/swd2.state")
expect_ok "${P[@]}" write "$swd_off"
expect_rc 4 "${P[@]}" erase 0x0800fc00 1k
expect_err "holding NRST low did not help"
expect_err "set the BOOT0 jumper to 1"
expect_err "stflash erase"
expect_error_style
expect_rc 4 "${P[@]}" erase
pass "SWD disabled, NRST not wired: exit 4 with the BOOT0 procedure"
# Follow it: BOOT0 = 1, erase; then BOOT0 = 0 and the chip answers again.
expect_ok --probe "sim:stm32f103c8,no-nrst,boot0,state=$WORK/swd2.state" erase
expect_ok "${P[@]}" info
expect_ok "${P[@]}" -q read "$WORK/after.bin" 0x08000000 64k
all_ff "$WORK/after.bin" || fail "the flash is not erased after the BOOT0 procedure"
pass "the BOOT0 procedure recovers the chip"

# ---- unpowered target ----
P=(--probe "sim:stm32f103c8,voltage=0,state=$WORK/v0.state")
expect_rc 4 "${P[@]}" write "$image" 0x08000000
expect_err "the target is not powered"
expect_err "0.00 V"
expect_err "3.3V and GND"
expect_error_style
expect_ok --probe "sim:stm32f103c8,state=$WORK/v0.state" -q read "$WORK/v0.bin" 0x08000000 64k
all_ff "$WORK/v0.bin" || fail "something was written to an unpowered target"
pass "unpowered target: exit 4, nothing written, powered again it works"

# ---- probe in DFU mode: left by itself ----
P=(--probe "sim:stm32f103c8,mode=dfu,state=$WORK/dfu.state")
expect_ok "${P[@]}" -v write "$image" 0x08000000
expect_err "DFU"
expect_ok "${P[@]}" verify "$image" 0x08000000
pass "probe in DFU mode: left automatically"

# ---- two probes, one busy ----
start_sim --serial AAAA00000000000000000001 --board --serial BBBB00000000000000000002
T="tcp:127.0.0.1:$SIM_PORT"
# Hold board B: an stlink-server client that opened it and keeps it.
/usr/bin/python3 - "$SIM_PORT" "$WORK/holder.ready" <<'PY' &
import socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def ask(req, n):
    s.sendall(req)
    data = b""
    while len(data) < n:
        data += s.recv(n - len(data))
    return data
ask(bytes([6, 1, 0, 0]), 16)
n = struct.unpack("<I", ask(bytes([1]), 4))[0]
for i in range(n):
    info = ask(bytes([2, i, 0, 0]) + struct.pack("<I", 41), 45)
    if info[8:12] == b"BBBB":
        dev = struct.unpack("<I", info[4:8])[0]
        ask(bytes([3, 0, 0, 0]) + struct.pack("<I", dev), 8)
open(sys.argv[2], "w").close()
time.sleep(60)
PY
holder=$!
SIM_PIDS+=("$holder")
for _ in $(seq 100); do [ -e "$WORK/holder.ready" ] && break; sleep 0.05; done
[ -e "$WORK/holder.ready" ] || fail "the test's client could not open board B"

expect_ok --probe "$T" probe
expect_out "AAAA00000000000000000001"
expect_out "BBBB00000000000000000002"
expect_out "in use"
expect_rc 3 --probe "$T" info
expect_err "2 probes match"
expect_err "AAAA00000000000000000001"
expect_err "choose one with --probe $T/SERIAL"
expect_rc 3 --probe "$T/BBBB" info
expect_err "in use"
expect_ok --probe "$T/AAAA" write "$image" 0x08000000
[ "$(board_field 0 led_toggles)" -ge 0 ] || fail "no status for board A"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
expect_ok --probe "$T/BBBB" info
pass "two probes, one busy: listed with the reason, ambiguity named, the free one works"

# ---- USB permission denied (no udev rules): listed with the fix, opening says it too ----
start_sim --serial CCCC00000000000000000003
export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
# Without permission the serial cannot be read either (the device must be opened for that).
STFLASH_SIM_DENY=CCCC00000000000000000003 expect_ok --probe usb probe
expect_out "0483:3748 via usb"
expect_out "permission denied"
expect_out "49-stflash.rules"
STFLASH_SIM_DENY=CCCC00000000000000000003 expect_rc 3 --probe usb info
expect_err "49-stflash.rules"
expect_err "udevadm"
expect_error_style
expect_ok --probe usb info
unset LD_LIBRARY_PATH STFLASH_SIM_ADDR
pass "USB permission denied: the udev rules file and the command to install it"

# ---- the probe disappears in the middle of a write ----
start_sim --serial DDDD00000000000000000004
random_file "$WORK/big.bin" 65536
"$STFLASH" --probe "tcp:127.0.0.1:$SIM_PORT" write "$WORK/big.bin" 0x08000000 >"$WORK/out" 2>"$WORK/err" &
writer=$!
sleep 0.3
kill -KILL "${SIM_PIDS[-1]}"
set +e
wait "$writer"
RC=$?
set -e
[ "$RC" -ne 0 ] || fail "the write succeeded although the probe went away"
[ "$RC" -eq 3 ] || [ "$RC" -eq 1 ] || [ "$RC" -eq 4 ] || fail "unexpected exit code $RC"
grep -qiE "disconnected|connection|went away|closed" "$WORK/err" || fail "no word of the lost probe: $(cat "$WORK/err")"
grep -qE '^stflash: [a-z]' "$WORK/err" || fail "no 'stflash: <message>' line: $(cat "$WORK/err")"
! grep -q "verified" "$WORK/out" || fail "an interrupted write claims to be verified"
pass "probe lost mid-write: exit $RC, says so, nothing claimed"
