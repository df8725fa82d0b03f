#!/usr/bin/env bash
# stflash rtt against firmware/rtt_echo.c (its own RTT writer): the output of up channel 0 on
# stdout, channel 1's binary bytes unchanged in a file, a line from stdin echoed through down
# channel 0, the control block found by scanning SRAM and by the _SEGGER_RTT symbol at the same
# address, the core left running, and corrupt blocks refused with the field named.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/rtt_echo.bin"
elf="$STFLASH_FW_DIR/rtt_echo.elf"
[ -f "$fw" ] && [ -f "$elf" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
command -v arm-none-eabi-nm >/dev/null || fail "arm-none-eabi-nm is missing: install binutils-arm-none-eabi"
sym=$(arm-none-eabi-nm "$elf" | sed -n 's/^\([0-9a-f]*\) [BbDd] _SEGGER_RTT$/\1/p')
[ -n "$sym" ] || fail "no _SEGGER_RTT in $elf"
P=(--probe sim:stm32f103c8)
expect_ok "${P[@]}" write "$fw" 0x08000000

expected=$(printf 'rtt: hello %d\n' 0 1 2 3 4)
expect_ok "${P[@]}" rtt --duration 0.3
[ "$(cat "$WORK/out")" = "$expected" ] || fail "channel 0 printed '$(cat "$WORK/out")', expected the five hello lines"
expect_err "RTT control block at 0x$sym (found in RAM), 2 up and 1 down channel"
expect_err "up channel 0 'Terminal'"
pass "rtt: up channel 0 on stdout, the control block found by scanning SRAM"

expect_ok "${P[@]}" rtt --elf "$elf" --duration 0.3
[ "$(cat "$WORK/out")" = "$expected" ] || fail "with --elf: '$(cat "$WORK/out")'"
expect_err "RTT control block at 0x$sym (symbol _SEGGER_RTT)"
pass "rtt: the block found by the ELF symbol, at the address the scan finds"

expect_ok "${P[@]}" rtt --channel 1 --output "$WORK/defmt.bin" --duration 0.3
[ ! -s "$WORK/out" ] || fail "--output also printed on stdout: $(head -c 100 "$WORK/out")"
/usr/bin/python3 -c 'import sys; sys.exit(0 if open(sys.argv[1], "rb").read() == bytes(range(256)) else 1)' \
    "$WORK/defmt.bin" || fail "channel 1 in the file is not the bytes 0-255: $(od -An -tx1 "$WORK/defmt.bin" | head -n 3)"
expect_err "up channel 1 'defmt'"
expect_err "passed through raw"
pass "rtt --channel 1 --output: the binary channel written to the file unchanged"

set +e
printf 'ping 42\n' | "$STFLASH" "${P[@]}" rtt --duration 0.5 >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
[ "$RC" -eq 0 ] || fail "rtt with input exited with $RC"
expect_out "echo: ping 42"
pass "rtt: a line on stdin reaches down channel 0 (the firmware echoes it)"

# Ctrl-C ends it cleanly, with what came so far printed and status 0.
"$STFLASH" "${P[@]}" rtt >"$WORK/out" 2>"$WORK/err" </dev/null &
rtt_pid=$!
deadline=$((SECONDS + 10))
until grep -q "rtt: hello 4" "$WORK/out"; do
    kill -0 "$rtt_pid" 2>/dev/null || fail "rtt ended by itself: $(cat "$WORK/err")"
    [ $SECONDS -lt $deadline ] || fail "rtt printed nothing within 10 s"
    sleep 0.05
done
kill -INT "$rtt_pid"
set +e
wait_deadline "$rtt_pid" 10
RC=$?
set -e
[ "$RC" -eq 0 ] || fail "rtt stopped by SIGINT exited with $RC, expected 0"
pass "rtt: Ctrl-C (SIGINT) ends it with status 0"

expect_rc 2 "${P[@]}" rtt --channel 5 --duration 0.1
expect_err "up channel 5 does not exist: the firmware declares 2"
expect_rc 2 "${P[@]}" rtt --duration soon
expect_err "bad duration 'soon'"
expect_rc 1 "${P[@]}" rtt --address 0x20000100 --duration 0.1
expect_err "no RTT control block at 0x20000100"
pass "rtt: a channel the firmware lacks, a bad duration and a wrong address refused"

# Corrupt blocks, on a board whose core and RAM live on between commands.
start_sim --chip stm32f103c8 --firmware "$fw"
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${T[@]}" rtt --duration 0.3
expect_out "rtt: hello 4"
[ "$(board_field 0 halted)" = False ] || fail "rtt halted the core"
up_count=$(printf '0x%08x' $((0x$sym + 16)))
up0_buffer=$(printf '0x%08x' $((0x$sym + 24 + 4)))
expect_ok "${T[@]}" mem write "$up_count" 99
expect_rc 1 "${T[@]}" rtt --duration 0.3
expect_err "declares 99 up and 1 down channels"
expect_err "corrupt"
expect_ok "${T[@]}" mem write "$up_count" 2
expect_ok "${T[@]}" mem write "$up0_buffer" 0x08000000
expect_rc 1 "${T[@]}" rtt --elf "$elf" --duration 0.3
expect_err "up channel 0 has a buffer of 256 bytes at 0x08000000, outside RAM"
pass "rtt: corrupt control blocks (channel count, buffer outside RAM) refused, the field named"
