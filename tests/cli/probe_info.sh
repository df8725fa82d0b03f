#!/usr/bin/env bash
# probe and info, text and JSON, in-process (sim) or through a daemon (tcp): every field, and no
# side effect on the target (the core keeps running, the flash is untouched).
. "$(dirname "$0")/lib.sh"
mode=$1

if [ "$mode" = sim ]; then
    P=(--probe sim:stm32f103c8)
    SERIAL=5354534D0000000000000001
else
    start_sim --serial-hex 533f6b064975524918500267 --board --chip stm32f100rb --probe v2-1 \
        --board --chip stm32f103cb --flash-size-reg 0 --probe v3
    P=(--probe "tcp:127.0.0.1:$SIM_PORT/533F6B")
    SERIAL=533F6B064975524918500267
fi

# Something in flash first, to check that probe and info leave it alone.
random_file "$WORK/fw.bin" 4096
expect_ok "${P[@]}" -q write "$WORK/fw.bin" 0x08000000
if [ "$mode" = tcp ]; then
    expect_ok "${P[@]}" reset
    [ "$(board_field 0 halted)" = False ] || fail "the core is not running before probe/info"
fi

expect_ok "${P[@]}" info
for line in "probe:             ST-LINK/V2 (0483:3748), serial $SERIAL" \
    "firmware:          V2J37S7, API v2" "target voltage:    3.30 V" "SWD clock:         1800 kHz" \
    "chip:              STM32F1 medium density (F1 Medium-density device)" \
    "DEV_ID:            0x410" "REV_ID:            0x2003" "DBGMCU_IDCODE:     0x20036410" \
    "CPUID:             0x411fc231 (Cortex-M3 r1p1)" "DP IDCODE:         0x1ba01477" \
    "clone:             none (genuine ST part)" \
    "flash:             64 KiB (65536 bytes) at 0x08000000, 1 KiB pages" \
    "flash size:        from the flash-size register: 0x0040 (64 KiB)" \
    "SRAM:              20 KiB (20480 bytes) at 0x20000000"; do
    expect_out "$line"
done
pass "info (text)"

expect_ok "${P[@]}" info --json
expect_json probe.serial "$SERIAL"
expect_json probe.name ST-LINK/V2
expect_json probe.vid 0483
expect_json probe.pid 3748
expect_json probe.transport "$mode"
expect_json probe.firmware V2J37S7
expect_json probe.target_volts 3.3
expect_json probe.swd_khz 1800
expect_json target.chip "STM32F1 medium density"
expect_json target.description "F1 Medium-density device"
expect_json target.core Cortex-M3
expect_json target.dev_id 0x410
expect_json target.rev_id 0x2003
expect_json target.dbgmcu_idcode 0x20036410
expect_json target.cpuid 0x411fc231
expect_json target.dp_idcode 0x1ba01477
expect_json target.clone null
expect_json target.flash_base $((0x08000000))
expect_json target.flash_size 65536
expect_json target.flash_size_assumed false
expect_json target.flash_size_register 64
expect_json target.page_size 1024
expect_json target.sram_base $((0x20000000))
expect_json target.sram_size 20480
expect_json target.flash_supported true
pass "info --json"

expect_ok "${P[@]}" --freq 4M --json info
expect_json probe.swd_khz 4000
expect_ok "${P[@]}" --flash-size 128k --json info
expect_json target.flash_size 131072
expect_json target.flash_size_overridden true
expect_ok "${P[@]}" --flash-size 128k info
expect_out "given with --flash-size; the register reads 0x0040 (64 KiB)"
pass "--freq and --flash-size"

expect_ok "${P[@]}" probe
expect_out "Found 1 probe"
expect_out "ST-LINK/V2  serial $SERIAL"
expect_out "0483:3748 via $mode"
expect_out "firmware: V2J37S7, target voltage 3.30 V"
expect_out "target:   STM32F1 medium density, DEV_ID 0x410, 64 KiB flash, 20 KiB SRAM"
expect_ok "${P[@]}" probe --json
expect_json probes.0.serial "$SERIAL"
expect_json probes.0.openable true
expect_json probes.0.target.dev_id 0x410
expect_json probes.0.target.flash_size 65536
pass "probe (text and JSON)"

# No side effects: same flash, and (over TCP) the core still running.
expect_ok "${P[@]}" -q read "$WORK/back.bin" 0x08000000 4096
expect_same "$WORK/back.bin" "$WORK/fw.bin"
if [ "$mode" = tcp ]; then
    [ "$(board_field 0 halted)" = False ] || fail "probe or info halted the core"
fi
pass "probe and info leave the target alone"

if [ "$mode" = tcp ]; then
    # All the daemon's boards, with the chip behind each.
    expect_ok --probe "tcp:127.0.0.1:$SIM_PORT" probe --json
    [ "$(json probes | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ] ||
        fail "expected 3 probes: $(cat "$WORK/out")"
    expect_json probes.1.name ST-LINK/V2-1
    expect_json probes.1.pid 374b
    expect_json probes.1.target.dev_id 0x420
    expect_json probes.1.target.flash_size 131072
    expect_json probes.2.name STLINK-V3
    expect_json probes.2.target.flash_size_assumed true
    expect_ok --probe "tcp:127.0.0.1:$SIM_PORT" probe
    expect_out "Found 3 probes"
    expect_out "(assumed)"
    pass "probe lists every board of the daemon"

    # Several probes and no serial: an error listing them.
    expect_rc 3 --probe "tcp:127.0.0.1:$SIM_PORT" info
    expect_err "533F6B064975524918500267"
    expect_error_style

    expect_ok --probe "tcp:127.0.0.1:$SIM_PORT/5354534D0000000000000003" info --json
    expect_json target.flash_size_assumed true
    expect_json target.flash_size_register 0
    expect_ok --probe "tcp:127.0.0.1:$SIM_PORT/5354534D0000000000000003" info
    expect_out "assumed: the flash-size register reads 0x0000"
    expect_ok --probe "tcp:127.0.0.1:$SIM_PORT/5354534D0000000000000002" info --json
    expect_json probe.firmware V2J37M26
    expect_json target.chip "STM32F1 value line"
    pass "several probes: choice by serial, assumed flash size"

    expect_rc 3 --probe "tcp:127.0.0.1:$SIM_PORT/NOSUCH" info
    expect_error_style
    pass "unknown serial"
else
    # The virtual board's options, each in a fresh state file.
    expect_ok --probe "sim:stm32f103c8,flash-size-reg=0,state=$WORK/fsz0.state" info --json
    expect_json target.flash_size_assumed true
    expect_json target.flash_size_register 0
    expect_ok --probe "sim:stm32f103c8,voltage=0,state=$WORK/v0.state" probe --json
    expect_json probes.0.target null
    /usr/bin/python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["probes"][0]["target_error"]; sys.exit(0 if "0.00 V" in e else 1)' "$WORK/out" ||
        fail "no reason given for the unpowered target"
    expect_rc 4 --probe "sim:stm32f103c8,voltage=0,state=$WORK/v0.state" info
    expect_err "not powered"
    expect_ok --probe "sim:stm32f100rb,state=$WORK/f100.state" info --json
    expect_json target.dev_id 0x420
    expect_json target.sram_size 8192
    pass "flash-size register 0, unpowered target, STM32F100"
fi

# No probe at all.
if [ "$mode" = tcp ]; then
    expect_rc 3 --probe "tcp:127.0.0.1:1" probe
    expect_error_style
    expect_rc 3 --probe "tcp:127.0.0.1:1" info
    expect_error_style
    pass "no stlink-server: exit 3"
fi
