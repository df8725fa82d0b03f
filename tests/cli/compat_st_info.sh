#!/usr/bin/env bash
# stflash-st-info against st-info of stlink-tools 1.7.0 on the same virtual boards: the same
# standard output, log lines and exit status.
. "$(dirname "$0")/compat_lib.sh"

# A Blue Pill behind a clone probe with a binary serial.
start_sim --serial-hex 533f6b064975524918500267
P=$SIM_PORT
for args in --probe --serial --flash --sram --chipid --descr --pagesize --version \
    "--probe --hot-plug" "--probe --connect-under-reset" "--flash --freq=4000" \
    "--chipid --connect-under-reset" "--descr --hot-plug --freq=1800k" \
    "--flash --bogus" "--flash --freq=abc" "--version --anything" ""; do
    compare st-info $P $P $args
done
# The probe block, in the 1.7.0 format.
side st-info $P ours --probe
cat >"$WORK/expected.out" <<'TXT'
Found 1 stlink programmers
  version:    V2J37S7
  serial:     533F6B064975524918500267
  flash:      65536 (pagesize: 1024)
  sram:       20480
  chipid:     0x0410
  descr:      F1xx Medium-density
TXT
expect_same "$WORK/ours.out" "$WORK/expected.out"
pass "one Blue Pill: $COMPARED invocations print what st-info 1.7.0 prints"

# Three boards: numbered blocks, V2-1 and V3 versions, a flash-size register reading 0; the
# single-value options take the last probe, as st-info does.
COMPARED=0
start_sim --board --chip stm32f100rb --probe v2-1 --board --chip stm32f103cb --flash-size-reg 0 --probe v3
P=$SIM_PORT
for args in --probe --serial --flash --sram --chipid --descr --pagesize; do
    compare st-info $P $P $args
done
pass "three boards: $COMPARED invocations identical"

# An unpowered target is listed with zeros; our block lacks only the version line (the library
# cannot read the probe's version without a target).
start_sim --voltage 0 --board
P=$SIM_PORT
side st-info $P real --probe
side st-info $P ours --probe
[ "$(cat "$WORK/real.rc")" = 0 ] && [ "$(cat "$WORK/ours.rc")" = 0 ] || cfail "st-info --probe failed"
awk 'NR == 3 && /^  version:/ { next } { print }' "$WORK/real.out" >"$WORK/real_nover.out"
expect_same "$WORK/ours.out" "$WORK/real_nover.out"
grep -q '^  descr:      unknown device$' "$WORK/ours.out" || fail "no 'unknown device' block"
pass "unpowered target listed with zeros"

# No probe at all (the stand-in finds no daemon).
COMPARED=0
for args in --probe --serial --flash --descr; do
    compare st-info 1 1 $args
done
pass "no probe: $COMPARED invocations identical"

# Our additions: a clear error for an unknown command, the probe chosen with STFLASH_PROBE.
side st-info $P ours --bogus
[ "$(cat "$WORK/ours.rc")" = 255 ] || fail "unknown command accepted"
grep -q "unknown command '--bogus'" "$WORK/ours.err" || fail "no message for an unknown command"
STFLASH_PROBE="tcp:127.0.0.1:$P/5354534D0000000000000002" side st-info $P ours --chipid
grep -qx 0x0410 "$WORK/ours.out" || fail "STFLASH_PROBE did not choose the probe"
pass "unknown command refused; STFLASH_PROBE chooses the probe"

# The in-process virtual board named by STFLASH_PROBE: the single-value options read its chip.
STFLASH_PROBE="sim:stm32f100rb" side st-info $P ours --chipid
[ "$(cat "$WORK/ours.rc")" = 0 ] && grep -qx 0x0420 "$WORK/ours.out" ||
    fail "STFLASH_PROBE=sim:stm32f100rb --chipid did not read the F100's 0x0420"
pass "STFLASH_PROBE=sim reaches the in-process board"
