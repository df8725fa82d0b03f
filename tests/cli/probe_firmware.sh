#!/usr/bin/env bash
# Issue 9, point 4 (and the selectable probe firmware versions of its "What to build" 2).
# Probe firmware versions, each with exactly its commands (J13 voltage, J15 GETLASTRWSTATUS2,
# J22 SWD clock, J24 DAP registers, J26 16-bit access, J28 INIT_AP, J32 RW_MISC): probe, info,
# 64 KiB write and read back, and an option-byte change, which needs half-word writes that
# firmware before J26 cannot send.
. "$(dirname "$0")/lib.sh"

random_file "$WORK/img.bin" 65536
for fw in V2J21 V2J24 V2J26 V2J29 V2J37 V3J7; do
    start_sim --probe-fw "$fw" --state "$WORK/$fw.state"
    T=(--probe "tcp:127.0.0.1:$SIM_PORT")
    expect_ok "${T[@]}" probe --json
    got=$(json probes.0.firmware)
    case "$got" in "$fw"[SMB]*) ;; *) fail "$fw: the probe reports firmware $got" ;; esac
    expect_ok "${T[@]}" info --json
    expect_json target.dev_id 0x410
    expect_ok "${T[@]}" write "$WORK/img.bin" 0x08000000
    expect_ok "${T[@]}" -q read "$WORK/back.bin" 0x08000000 64k
    expect_same "$WORK/back.bin" "$WORK/img.bin"
    # An option-byte change: erase, then half-word writes (PM0075 §2.5).
    expect_ok "${T[@]}" options --data0 0x5a --data1 0xa5
    expect_ok "${T[@]}" options --json
    expect_json data0 90
    expect_json data1 165
    expect_json rdp_level 0
    expect_ok "${T[@]}" -q read "$WORK/back.bin" 0x08000000 64k
    expect_same "$WORK/back.bin" "$WORK/img.bin"
    stop_sim
    pass "$fw: probe, info, 64 KiB write and read back, option bytes"
done

# Voltage before J13: not measured, said so, and the rest works.
start_sim --probe-fw V2J12
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${T[@]}" probe --json
expect_json probes.0.firmware V2J12S7
expect_json probes.0.target_volts null
expect_ok "${T[@]}" info --json
expect_json target.dev_id 0x410
stop_sim
pass "V2J12: no target voltage, the target is still found"
