#!/usr/bin/env bash
# stflash gdbserver through the remote protocol as gdb speaks it (tests/cli/gdbserver_rsp.py):
# vCont with c, s, C, S and t; Ctrl-C during a continue answered at once with the stop reply;
# a second client refused with a message while one is connected; a new connection served after
# the first one ends.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/rtt_echo.bin"
[ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
P=(--probe sim:stm32f103c8)
expect_ok "${P[@]}" write "$fw" 0x08000000

start_gdbserver "${P[@]}"
/usr/bin/python3 "$(dirname "$0")/gdbserver_rsp.py" "$GDB_PORT" >"$WORK/out" 2>"$WORK/err" ||
    fail "session: $(cat "$WORK/out" "$WORK/err")"
expect_out "status: T05"
expect_out "vCont?: vCont;c;C;s;S;t"
expect_out "vCont;s: T05"
expect_out "s moved: 1"
expect_out "vCont;S: T05"
expect_out "S moved: 1"
pass "vCont;s and vCont;S step one instruction"
expect_out "vCont;c then Ctrl-C: T02"
expect_out "vCont;c stopped within 0.25 s: 1"
expect_out "vCont;C05 then Ctrl-C: T02"
expect_out "vCont;C05 stopped within 0.25 s: 1"
pass "vCont;c and vCont;C run until Ctrl-C, which halts at once"
expect_out "vCont;t: T00"
pass "vCont;t stops with signal 0"
expect_out "second: E.busy: another gdb is connected to this stflash gdbserver; detach or quit it first"
expect_out "second closed: 1"
expect_out "first still served: T05"
grep -qF "another gdb tried to connect" "$WORK/server.err" || fail "the server did not log the refused client"
pass "a second client is refused with a message; the first is still served"
expect_out "detach: OK"
expect_out "new client: T05"
expect_out "new client reads pc: 1"
expect_out "new client detach: OK"
pass "a new connection is served after the first one ends"
