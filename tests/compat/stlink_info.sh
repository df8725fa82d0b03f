#!/usr/bin/env bash
# stlink-tools 1.7.0 `st-info --probe` finds the virtual probes through the stand-in libusb and
# identifies the Blue Pill: the probe block is compared byte for byte.
. "$(dirname "$0")/lib.sh"
need_tool st-info stlink-tools

# A clone V2 with a 12-byte binary serial as Blue Pill clone probes have (serial
# 533f6b064975524918500267), and a second board with the daemon's default ASCII serial.
start_sim --serial-hex 533f6b064975524918500267 --board --probe v3
with_usb timeout 60 st-info --probe >"$WORK/probe.out" 2>"$WORK/probe.log" ||
    fail "st-info --probe failed: $(cat "$WORK/probe.log")"
# stlink-tools 1.7.0 prints serials in uppercase and no longer prints the older versions'
# openocd: "\x53\x3f..." line. The board's 64 KiB of flash, 20 KiB of SRAM and DEV_ID 0x410 come
# from the simulated chip, read through the probe.
cat >"$WORK/probe.expected" <<'OUT'
Found 2 stlink programmers
1.
  version:    V2J37S7
  serial:     533F6B064975524918500267
  flash:      65536 (pagesize: 1024)
  sram:       20480
  chipid:     0x0410
  descr:      F1xx Medium-density
2.
  version:    V3J7S1
  serial:     5354534D0000000000000002
  flash:      65536 (pagesize: 1024)
  sram:       20480
  chipid:     0x0410
  descr:      F1xx Medium-density
OUT
diff -u "$WORK/probe.expected" "$WORK/probe.out" >"$WORK/probe-diff.log" ||
    fail "st-info --probe printed something else: $(cat "$WORK/probe-diff.log")"
pass "st-info --probe: V2 clone with a binary serial and a V3, byte for byte"

# Probing went through each probe: every board had its own session.
for b in 0 1; do
    [ "$(json_get "$(ctl stats "$b")" sessions)" -ge 1 ] || fail "board $b was never opened"
done

# No daemon, no probes: the stand-in lists none and nothing crashes.
stop_sim
with_usb timeout 60 st-info --probe >"$WORK/none.out" 2>"$WORK/none.log" || true
printf 'Found 0 stlink programmers\n' | diff -u - "$WORK/none.out" >"$WORK/none-diff.log" ||
    fail "without a daemon st-info should find no probe: $(cat "$WORK/none-diff.log")"
pass "st-info --probe without a daemon: no probe"
