#!/usr/bin/env bash
# stflash run on the virtual board with firmware tests built from source that report through
# semihosting (firmware/semihost_hello.c, firmware/semihost_fail.c): the passing one exits 0,
# prints through SYS_WRITE0 and SYS_WRITE, writes result.txt inside --semihosting-dir only (a
# "../" name, an absolute name and a symbolic link out are refused); the failing one exits 1
# with its message; without a directory the file is refused with a message naming the option;
# --timeout and Ctrl-C stop a firmware that never exits, with their own status; a crash is caught
# (HardFault vector catch) and named; over TCP too; --rtt streams RTT up channel 0, all of it
# when the firmware exits (firmware/rtt_exit.c).
. "$(dirname "$0")/lib.sh"
hello="$STFLASH_FW_DIR/semihost_hello.elf"
failing="$STFLASH_FW_DIR/semihost_fail.elf"
[ -f "$hello" ] && [ -f "$failing" ] || fail "semihosting firmware not built in $STFLASH_FW_DIR"
sim=(--probe sim:stm32f103cb)

# ---- a passing firmware test ----
mkdir -p "$WORK/files" "$WORK/outside"
echo "outside, untouched" >"$WORK/outside/target.txt"
ln -s "$WORK/outside/target.txt" "$WORK/files/link.txt"
expect_ok "${sim[@]}" run --semihosting-dir "$WORK/files" --timeout 20 "$hello"
printf 'hello from SYS_WRITE0\nhello from SYS_WRITE\nescapes refused\n' >"$WORK/want"
cmp -s "$WORK/want" "$WORK/out" || fail "the firmware's console differs: $(diff "$WORK/want" "$WORK/out")"
[ "$(cat "$WORK/files/result.txt")" = "semihosting file write: ok" ] ||
    fail "result.txt not written in the directory: $(ls -la "$WORK/files")"
[ ! -e "$WORK/escape.txt" ] || fail "../escape.txt was created outside the directory"
[ ! -e /tmp/stflash-semihost-escape.txt ] || fail "an absolute name was created"
[ "$(cat "$WORK/outside/target.txt")" = "outside, untouched" ] || fail "the link's target was written"
expect_err 'the program'"'"'s file "../escape.txt" is refused'
expect_err '"link.txt" is refused: a symbolic link'
pass "run: a passing firmware test exits 0, its console on stdout, its file in the directory only"

# Run again: the flash already holds it (nothing written), the run is the same.
rm "$WORK/files/result.txt"
expect_ok "${sim[@]}" run --semihosting-dir "$WORK/files" "$hello"
cmp -s "$WORK/want" "$WORK/out" || fail "second run: the console differs"
[ -f "$WORK/files/result.txt" ] || fail "second run: no result.txt"
expect_ok "${sim[@]}" run --no-flash --semihosting-dir "$WORK/files" "$hello"
cmp -s "$WORK/want" "$WORK/out" || fail "--no-flash: the console differs"
pass "run again and with --no-flash: the same"

# ---- a failing firmware test ----
expect_rc 1 "${sim[@]}" run --timeout 20 "$failing"
[ "$(cat "$WORK/out")" = "test_addition: FAILED (1 + 0 != 2)" ] ||
    fail "the failing firmware's console: $(cat "$WORK/out")"
expect_err "the firmware exited with code 1"
pass "run: a failing firmware test exits 1 with its message"

# ---- no directory: files refused, with the fix named; the console still works ----
rm -f "$WORK/files/result.txt"
expect_rc 13 "${sim[@]}" run --timeout 20 "$hello"
expect_out "hello from SYS_WRITE0"
expect_out "FAILED: open result.txt for writing"
expect_err "no directory for its files was given; give 'stflash run --semihosting-dir DIR'"
pass "run without --semihosting-dir: the file refused with the option named, console served"

# ---- help and bad command lines ----
expect_ok run --help
expect_out "Usage: stflash run"
expect_out "--semihosting-dir DIR"
expect_ok help run
expect_out "Usage: stflash run"
expect_ok --help
expect_out "run FIRMWARE [ARG...]"
expect_rc 2 "${sim[@]}" run --semihosting-dir "$WORK/nonexistent" "$hello"
expect_err "cannot open the semihosting directory '$WORK/nonexistent'"
expect_rc 2 "${sim[@]}" run --timeout abc "$hello"
expect_err "invalid --timeout 'abc'"
expect_rc 2 "${sim[@]}" run
expect_err "missing arguments for 'run'"
pass "run --help; a missing directory, a bad --timeout and no firmware refused (status 2)"

# ---- a firmware that never exits: --timeout, then Ctrl-C ----
loop="$STFLASH_FW_DIR/led_toggle.elf"
start=$SECONDS
expect_rc 124 "${sim[@]}" run --timeout 1 "$loop"
expect_err "the firmware did not exit within --timeout 1 s: halted at 0x"
[ $((SECONDS - start)) -lt 15 ] || fail "--timeout 1 took $((SECONDS - start)) s"
pass "run --timeout: status 124, the message names the option"

set +e
"$STFLASH" "${sim[@]}" run --no-flash "$loop" >"$WORK/out" 2>"$WORK/err" &
pid=$!
set -e
# Past the opening and the reset: the tool is serving the running firmware then.
sleep 1.5
kill -INT "$pid"
set +e
wait "$pid"
RC=$?
set -e
[ "$RC" -eq 130 ] || fail "Ctrl-C: status $RC, expected 130"
expect_err "interrupted: the firmware is halted at 0x"
pass "run: Ctrl-C halts the firmware and exits 130"

# ---- a firmware that crashes: caught as a HardFault, status 1, the faulting address named ----
# Vector table (SP, reset at 0x40, HardFault at 0x48), then at 0x40: movs r0, #0xA0;
# lsls r0, r0, #24; ldr r0, [r0] (a read of 0xA0000000, no memory there: a bus fault that
# escalates to HardFault); b .; and at 0x48 the handler: b .
/usr/bin/python3 - "$WORK/crash.bin" <<'PY'
import struct, sys
img = bytearray(0x4C)
struct.pack_into("<4I", img, 0, 0x20002000, 0x08000041, 0x08000049, 0x08000049)
img[0x40:0x48] = bytes([0xA0, 0x20, 0x00, 0x06, 0x00, 0x68, 0xFE, 0xE7])
img[0x48:0x4C] = bytes([0xFE, 0xE7, 0x00, 0xBF])
open(sys.argv[1], "wb").write(img)
PY
expect_rc 1 "${sim[@]}" run --timeout 20 "$WORK/crash.bin"
expect_err "the firmware crashed: HardFault (HFSR 0x40000000"
expect_err ") at 0x08000044"
pass "run: a crashing firmware ends with status 1, the HardFault and the faulting address named"

# ---- over TCP, to a virtual-board daemon: the same verdicts ----
start_sim --chip stm32f103cb
tcp=(--probe "tcp:127.0.0.1:$SIM_PORT")
rm -f "$WORK/files/result.txt"
expect_ok "${tcp[@]}" run --semihosting-dir "$WORK/files" --timeout 20 "$hello"
cmp -s "$WORK/want" "$WORK/out" || fail "over TCP: the console differs"
[ -f "$WORK/files/result.txt" ] || fail "over TCP: no result.txt"
expect_rc 1 "${tcp[@]}" run --timeout 20 "$failing"
pass "run over TCP: 0 for the passing firmware test, 1 for the failing one"

# ---- --rtt: RTT up channel 0 on stdout too (firmware/rtt_echo.c logs five lines, then waits) ----
rtt_elf="$STFLASH_FW_DIR/rtt_echo.elf"
printf 'rtt: hello 0\nrtt: hello 1\nrtt: hello 2\nrtt: hello 3\nrtt: hello 4\n' >"$WORK/want"
expect_rc 124 "${sim[@]}" run --rtt --timeout 3 "$rtt_elf"
cmp -s "$WORK/want" "$WORK/out" || fail "run --rtt (ELF) printed: $(cat "$WORK/out")"
expect_err "RTT control block at 0x2"
expect_rc 124 "${sim[@]}" run --rtt --timeout 3 "$STFLASH_FW_DIR/rtt_echo.bin"
cmp -s "$WORK/want" "$WORK/out" || fail "run --rtt (binary, block found in SRAM) printed: $(cat "$WORK/out")"
expect_rc 124 "${sim[@]}" run --timeout 1 "$rtt_elf"
[ ! -s "$WORK/out" ] || fail "run without --rtt printed RTT output: $(cat "$WORK/out")"
pass "run --rtt: RTT up channel 0 streamed to stdout (block by ELF symbol or found in SRAM)"

# ---- --rtt with a firmware that exits (firmware/rtt_exit.c LINES STATUS): every RTT line shown,
# those still in the buffer at the exit too, and the firmware's status ----
rtt_exit="$STFLASH_FW_DIR/rtt_exit.elf"
[ -f "$rtt_exit" ] || fail "no $rtt_exit: build the firmware"
# rtt_exit_run LINES STATUS [ARGS...]: run --rtt of rtt_exit.elf with ARGS (default: LINES
# STATUS); every one of its LINES lines shown, the firmware's STATUS the exit status.
rtt_exit_run() {
    local lines=$1 status=$2 i
    shift 2
    [ $# -gt 0 ] || set -- "$lines" "$status"
    for ((i = 0; i < lines; i++)); do printf 'rtt: line %02d\n' "$i"; done >"$WORK/want"
    expect_rc "$status" "${sim[@]}" run --rtt --timeout 20 "$rtt_exit" "$@"
    cmp -s "$WORK/want" "$WORK/out" ||
        fail "run --rtt rtt_exit.elf $*: $(diff "$WORK/want" "$WORK/out"; cat "$WORK/err")"
    [ "$status" = 0 ] || expect_err "the firmware exited with code $status"
}
rtt_exit_run 40 0
rtt_exit_run 40 3
# Three lines fit the buffer: the firmware exits before the block is first looked for.
rtt_exit_run 3 0
rtt_exit_run 3 5
pass "run --rtt: a firmware that logs through RTT and exits (0, 3, 5): all its lines, its status"

# ---- everything after FIRMWARE is the firmware's command line, options too (Cargo's runner
# passes `RUNNER EXE ARGS...`); a -- right after FIRMWARE is dropped ----
rtt_exit_run 2 0 2 -x --timeout
rtt_exit_run 2 6 -- 2 6
pass "run: the arguments after FIRMWARE are the firmware's, '-x' and '--timeout' too; one -- dropped"
