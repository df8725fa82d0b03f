#!/usr/bin/env bash
# SWO from firmware/itm_hello.c (ITM stimulus port 0 text, port 1 words) on the virtual board,
# whose ITM writes go through its TPIU model into the simulated probe's trace receiver: read by
# `stflash swo` in-process and over TCP, and by st-trace of stlink-tools 1.7.0 through the
# stand-in libusb (the trace endpoint). A wrong core clock gives a wrong baud rate and no data;
# a Cortex-M0 (no ITM) and a missing --clock are refused.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/itm_hello.bin"
[ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
command -v st-trace >/dev/null || fail "st-trace is not installed: install the Debian package stlink-tools"
P=(--probe sim:stm32f103c8)
expect_ok "${P[@]}" write "$fw" 0x08000000

expect_ok "${P[@]}" swo --clock 8M --duration 0.6
[ "$(head -n 3 "$WORK/out")" = "$(printf 'itm: hello %d\n' 0 1 2)" ] ||
    fail "port 0 printed '$(head -n 3 "$WORK/out")', expected the hello lines from 0 on"
expect_err "SWO at 2000000 baud from a 8000000 Hz core clock, stimulus port 0"
pass "swo: stimulus port 0 as text, from the first write on"

expect_ok "${P[@]}" swo --clock 8000000 --baud 1M --port all --duration 0.6
expect_out "port 0: 0x69"
expect_out "port 1: 0x00000000"
expect_out "port 1: 0x00000001"
expect_err "SWO at 1000000 baud"
pass "swo --port all: one line per packet, 1-byte writes on port 0 and 4-byte words on port 1"

expect_ok "${P[@]}" swo --clock 72M --duration 0.2
[ ! -s "$WORK/out" ] || fail "a wrong clock still printed: $(head -n 2 "$WORK/out")"
expect_err "no SWO data came"
expect_rc 2 "${P[@]}" swo --duration 0.2
expect_err "give the core clock with --clock HZ"
expect_rc 2 "${P[@]}" swo --clock 8M --port 32
expect_err "bad port '32'"
expect_rc 1 --probe "sim:stm32f051r8,state=$WORK/f0.state" swo --clock 8M --duration 0.2
expect_err "ARMv6-M: it has no ITM"
pass "swo: a wrong core clock receives nothing and says why; no --clock, a bad port, a Cortex-M0 refused"

# Over TCP and over USB (the stand-in libusb) from a daemon running the firmware.
start_sim --chip stm32f103c8 --firmware "$fw"
expect_ok --probe "tcp:127.0.0.1:$SIM_PORT" swo --clock 8M --duration 0.3
expect_out "itm: hello"
# st-trace runs until interrupted: stopped once it printed five lines (or after 10 s).
STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT" LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" \
    st-trace --clock=8 --trace=2000000 >"$WORK/out" 2>"$WORK/err" &
trace_pid=$!
deadline=$((SECONDS + 10))
while [ "$(grep -c "^itm: hello" "$WORK/out")" -lt 5 ] && [ $SECONDS -lt $deadline ] &&
    kill -0 "$trace_pid" 2>/dev/null; do
    sleep 0.1
done
kill -INT "$trace_pid" 2>/dev/null || true
# st-trace leaves its read loop on SIGINT; what it does then is its own affair, so one that
# does not end within 10 s is reported with its stacks and killed, and only its output is judged.
wait_deadline "$trace_pid" 10 || true
grep -q "^itm: hello [0-9]$" "$WORK/out" || fail "st-trace printed no ITM text: $(head -c 300 "$WORK/out")"
grep -A1 "^itm: hello 3$" "$WORK/out" | grep -q "^itm: hello 4$" || fail "st-trace's lines are out of order: $(head -n 6 "$WORK/out")"
pass "SWO over TCP, and st-trace 1.7.0 reading the trace endpoint through the stand-in libusb"
