#!/usr/bin/env bash
# Writes cut off half-way lose nothing the user asked to keep: the bytes of partly covered pages
# that the image leaves out are saved to the chip's recovery file before anything is erased, and
# the next write restores them (docs/reliability.md). Cut three ways, over TCP: the probe
# connection closed mid-request (tests/cli/cut_proxy.py), the stflash process killed, and Ctrl-C
# (SIGINT) / SIGTERM, which stop at a safe point, lock the flash controller, leave the core halted
# and say what was and was not written.
. "$(dirname "$0")/lib.sh"
export XDG_STATE_HOME="$WORK/state"
RECOVERY_DIR="$XDG_STATE_HOME/stflash"
FLASH=0x08000000
FLASH_CR=0x40022010 # LOCK: bit 7 (PM0075 §3.4, RM0316 §4.5.5)
DHCSR=0xe000edf0    # S_HALT: bit 17

recovery_files() {
    ls "$RECOVERY_DIR"/recovery-*.bin 2>/dev/null | wc -l
}

# le32 ADDR: a word of target memory (hot-plug: no halt, no reset), as a number.
le32() {
    expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/word.bin" "$1" 4
    /usr/bin/python3 -c 'import sys; print(int.from_bytes(open(sys.argv[1], "rb").read(), "little"))' \
        "$WORK/word.bin"
}

# expect_flash SIZE: the flash holds expected.bin.
expect_flash() {
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$1"
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
}

# ---- the probe connection lost in the middle of a request ----
start_sim --chip stm32f103c8
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
random_file "$WORK/background.bin" 65536
random_file "$WORK/img.bin" 40000
expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH
patched "$WORK/background.bin" 0x200 "$WORK/img.bin" "$WORK/expected.bin"
for budget in 30000 60000; do
    expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH
    log="$WORK/proxy$budget.log"
    /usr/bin/python3 "$(dirname "$0")/cut_proxy.py" "$SIM_PORT" "bytes:$budget" >"$log" &
    SIM_PIDS+=($!)
    for _ in $(seq 300); do grep -q "^port" "$log" 2>/dev/null && break; sleep 0.05; done
    proxy_port=$(sed -n 's/^port //p' "$log")
    [ -n "$proxy_port" ] || fail "the relay did not start"
    run --probe "tcp:127.0.0.1:$proxy_port" write "$WORK/img.bin" 0x08000200
    [ "$RC" -ne 0 ] || fail "a write whose connection was cut after $budget bytes succeeded"
    expect_err "the next write to this chip restores them"
    [ "$(recovery_files)" = 1 ] || fail "no recovery file after the cut"
    expect_ok "${P[@]}" write "$WORK/img.bin" 0x08000200
    expect_err "restoring"
    expect_err "that an interrupted write had kept in $RECOVERY_DIR/recovery-410-"
    expect_out "verified"
    expect_flash 64k
    [ "$(recovery_files)" = 0 ] || fail "the recovery file is left after a verified write"
    pass "connection cut after $budget bytes: the kept bytes are restored by the rerun"
done

# ---- the stflash process killed once the pages are erased ----
expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH
"$STFLASH" "${P[@]}" write "$WORK/img.bin" 0x08000200 >"$WORK/out" 2>"$WORK/err" &
writer=$!
for _ in $(seq 500); do grep -q "erase: 100%" "$WORK/err" && break; sleep 0.01; done
kill -KILL "$writer"
wait "$writer" 2>/dev/null || true
[ "$(recovery_files)" = 1 ] || fail "no recovery file after the process was killed"
expect_ok "${P[@]}" write "$WORK/img.bin" 0x08000200
expect_err "restoring"
expect_flash 64k
[ "$(recovery_files)" = 0 ] || fail "the recovery file is left after a verified write"
pass "stflash killed after the erase: the rerun restores the kept bytes and finishes"

# ---- an erase the user asks for ends what is left to restore ----
expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH
"$STFLASH" "${P[@]}" write "$WORK/img.bin" 0x08000200 >"$WORK/out" 2>"$WORK/err" &
writer=$!
for _ in $(seq 500); do grep -q "erase: 100%" "$WORK/err" && break; sleep 0.01; done
kill -KILL "$writer"
wait "$writer" 2>/dev/null || true
[ "$(recovery_files)" = 1 ] || fail "no recovery file after the process was killed"
expect_ok "${P[@]}" erase
[ "$(recovery_files)" = 0 ] || fail "the recovery file is left after a mass erase"
expect_ok "${P[@]}" write "$WORK/img.bin" 0x08000200
expect_no_err "restoring"
pass "a mass erase after an interrupted write: nothing restored into the erased flash"

# ---- Ctrl-C and SIGTERM during a large write: a safe stop, then the rerun completes ----
start_sim --chip stm32f303vc
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
random_file "$WORK/background.bin" 262144
random_file "$WORK/big.bin" 200000
patched "$WORK/background.bin" 0x100 "$WORK/big.bin" "$WORK/expected.bin"
for sig in INT TERM; do
    expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH
    "$STFLASH" "${P[@]}" write "$WORK/big.bin" 0x08000100 >"$WORK/out" 2>"$WORK/err" &
    writer=$!
    for _ in $(seq 1000); do grep -q "erase: 100%" "$WORK/err" && break; sleep 0.01; done
    grep -q "erase: 100%" "$WORK/err" || fail "the write never reached its program phase"
    kill -$sig "$writer"
    set +e
    wait "$writer"
    RC=$?
    set -e
    want=$([ $sig = INT ] && echo 130 || echo 143)
    [ "$RC" -eq "$want" ] || fail "SIG$sig: exit $RC, expected $want ($(tail -n 2 "$WORK/err"))"
    expect_err "stflash: interrupted: programmed "
    expect_err "not written: 0x"
    expect_err "the flash controller is locked and the core halted"
    expect_err "run the same command again to finish"
    ! grep -q "verified" "$WORK/out" || fail "an interrupted write claims to be verified"
    ! grep -q "reset, running" "$WORK/out" || fail "an interrupted write reset the target"
    # The stop falls between pages: the address it names starts a 2 KiB page.
    stop=$(tr '\r' '\n' <"$WORK/err" | sed -n 's/.*not written: \(0x[0-9a-f]*\)-.*/\1/p')
    [ -n "$stop" ] || fail "no address where the write stopped"
    [ $((stop % 2048)) -eq 0 ] || fail "stopped at $stop, inside a page"
    cr=$(le32 $FLASH_CR)
    [ $(((cr >> 7) & 1)) -eq 1 ] || fail "FLASH_CR $(printf 0x%08x "$cr"): not locked after SIG$sig"
    dhcsr=$(le32 $DHCSR)
    [ $(((dhcsr >> 17) & 1)) -eq 1 ] || fail "DHCSR $(printf 0x%08x "$dhcsr"): the core is not halted"
    expect_ok "${P[@]}" write "$WORK/big.bin" 0x08000100
    expect_out "verified"
    expect_flash 256k
    [ "$(recovery_files)" = 0 ] || fail "the recovery file is left after a verified write"
    pass "SIG$sig during a write: exit $want at $stop, controller locked, core halted; the rerun finishes"
done
