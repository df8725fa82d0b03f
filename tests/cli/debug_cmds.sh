#!/usr/bin/env bash
# mem read|write, regs, halt and resume on the virtual board behind the daemon (whose core and
# SRAM live on between commands): memory words printed and stored, registers of a halted core,
# a running core left running by mem and refused by regs, stores into flash refused.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${P[@]}" write "$fw" 0x08000000

# The vector table as words: the initial sp and the reset vector of the firmware.
expect_ok "${P[@]}" mem read 0x08000000 2
want=$(/usr/bin/python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(8); print("0x08000000: %08x %08x" % struct.unpack("<II", d))' "$fw")
[ "$(cat "$WORK/out")" = "$want" ] || fail "mem read printed '$(cat "$WORK/out")', expected '$want'"
[ "$(board_field 0 halted)" = False ] || fail "mem read halted the core"
expect_ok "${P[@]}" mem read 0xE000ED00
grep -qE '^0xe000ed00: 41[0-9a-f]{6}$' "$WORK/out" || fail "CPUID not read: $(cat "$WORK/out")"
pass "mem read: words in order, the running core left running"

expect_rc 1 "${P[@]}" regs
expect_err "the core is running"
expect_err "stflash halt"
[ "$(board_field 0 halted)" = False ] || fail "regs halted the core"
expect_ok "${P[@]}" halt
expect_out "halted at pc 0x"
[ "$(board_field 0 halted)" = True ] || fail "the core does not stay halted after 'halt'"
pc=$(sed -n 's/halted at pc \(0x[0-9a-f]*\)/\1/p' "$WORK/out")
expect_ok "${P[@]}" regs
grep -q "^r0 " "$WORK/out" || fail "no r0 line: $(cat "$WORK/out")"
grep -q "pc    $pc" "$WORK/out" || fail "regs shows another pc than halt ($pc): $(cat "$WORK/out")"
expect_out "primask"
pass "halt stops the core and keeps it stopped; regs reads a halted core and refuses a running one"

expect_ok "${P[@]}" mem write 0x20004000 0x12345678 0xDEADBEEF
expect_ok "${P[@]}" mem read 0x20004000 2
[ "$(cat "$WORK/out")" = "0x20004000: 12345678 deadbeef" ] || fail "stored words read back as '$(cat "$WORK/out")'"
expect_rc 2 "${P[@]}" mem write 0x08000000 1
expect_err "a store does not program flash"
expect_rc 2 "${P[@]}" mem read 0x20000002
expect_err "multiple of 4"
expect_rc 2 "${P[@]}" mem erase 0x20000000
expect_err "give read or write"
pass "mem write stores words in SRAM; flash, unaligned addresses and unknown actions are refused"

expect_ok "${P[@]}" resume
expect_out "running"
[ "$(board_field 0 halted)" = False ] || fail "the core is still halted after 'resume'"
t0=$(board_field 0 led_toggles)
ctl advance 0 300 >/dev/null
[ "$(board_field 0 led_toggles)" -gt "$t0" ] || fail "the firmware does not run after 'resume'"
pass "resume lets the firmware run on"
