#!/usr/bin/env bash
# RTT in the GDB server: `monitor rtt start` finds the control block of firmware/rtt_echo.c and
# serves up channel 0 on a port of 127.0.0.1 while gdb lets the target run; a line sent to the
# port reaches down channel 0 (the firmware echoes it); `monitor rtt channels` lists them,
# `monitor rtt stop` closes the port; a bad subcommand and an unaligned address are refused.
# The client is tests/cli/gdbserver_rtt.py (the remote protocol, as gdb speaks it).
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/rtt_echo.bin"
[ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
P=(--probe sim:stm32f103c8)
expect_ok "${P[@]}" write "$fw" 0x08000000

start_gdbserver "${P[@]}"
/usr/bin/python3 "$(dirname "$0")/gdbserver_rtt.py" "$GDB_PORT" >"$WORK/out" 2>"$WORK/err" ||
    fail "RTT session: $(cat "$WORK/out" "$WORK/err")"
expect_out "start: RTT control block at 0x200"
expect_out "up: rtt: hello 0|rtt: hello 1|rtt: hello 2|rtt: hello 3|rtt: hello 4|"
expect_out "echo: echo: ping 7"
expect_out "stop: T02"
expect_out "up   0 'Terminal': 256 bytes at 0x2000"
expect_out "down 0 'Terminal': 32 bytes at 0x2000"
expect_out "bogus: usage: monitor rtt start [ADDR] | stop | channels E01"
expect_out "unaligned: bad RTT control block address '0x20000102'"
expect_out "stop rtt: RTT stopped OK"
expect_out "port: closed"
expect_out "detach: OK"
grep -q "RTT up channel 0 served on 127.0.0.1:" "$WORK/server.err" || fail "the server log does not name the RTT port: $(cat "$WORK/server.err")"
pass "gdbserver: monitor rtt start serves up channel 0 on 127.0.0.1 while the target runs, input reaches down channel 0, channels listed, stop closes the port"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
