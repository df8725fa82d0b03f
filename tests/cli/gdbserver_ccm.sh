#!/usr/bin/env bash
# Software breakpoints in CCM SRAM: the STM32F303's CCM at 0x10000000 is on the instruction bus
# (RM0316 §3.3), so code runs from it and `break` there is a BKPT the server writes; so is the
# STM32L476's SRAM2 at 0x10000000 (RM0351 §2.4). The F4's CCM is on the data bus only (RM0090
# §2.3.1): the server writes no BKPT there, and code run from it ends in a HardFault (an
# instruction bus error). All are in the memory map gdb is given (the chip table's ccm_base and
# ccm_size).
. "$(dirname "$0")/lib.sh"
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"

gdb_session() {
    timeout 120 gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
        -ex "target extended-remote :$GDB_PORT" "$@" >"$WORK/out" 2>&1 || true
    stop_gdbserver
}
line() { grep -qxF -- "$1" "$WORK/out" || fail "expected the line \"$1\" from gdb"; }
# The reply gdb printed to the packet sent just before.
reply_to() { grep -A1 -F "sending: $1" "$WORK/out" | sed -n 's/^received: "\(.*\)"$/\1/p'; }

{
    echo "info mem"
    loop_code_gdb 0x10000000 C
    cat <<'GDB'
delete
maint packet Z0,10000002,2
maint packet m10000002,2
maint packet z0,10000002,2
maint packet m10000002,2
GDB
} >"$WORK/ccm.gdb"

# ---- F303 (8 KiB CCM SRAM): BKPT written in the CCM, the original back on z0 ----
start_gdbserver --probe "sim:stm32f303vc,state=$WORK/f3.state"
gdb_session -x "$WORK/ccm.gdb"
grep -qE '^[0-9]+ +y[[:space:]]+0x10000000 0x10002000 rw nocache' "$WORK/out" || fail "no CCM in the F303's memory map"
line "C1 pc=0x10000002 r0=1 r1=0"
line "C2 pc=0x10000002 r0=2 r1=1"
[ "$(reply_to 'Z0,10000002,2')" = OK ] || fail "Z0 in the F303's CCM refused"
[ "$(reply_to 'm10000002,2' | head -1)" = 00be ] || fail "no BKPT in the F303's CCM while inserted"
[ "$(reply_to 'm10000002,2' | tail -1)" = 0131 ] || fail "z0 did not write the original back in the CCM"
pass "F303: a software breakpoint in CCM SRAM stops code running there; the original is back on z0"

# ---- L476 (32 KiB SRAM2 at 0x10000000, on the I-bus and D-bus): as the F303's CCM ----
start_gdbserver --probe "sim:stm32l476rg,state=$WORK/l4.state"
gdb_session -x "$WORK/ccm.gdb"
grep -qE '^[0-9]+ +y[[:space:]]+0x10000000 0x10008000 rw nocache' "$WORK/out" || fail "no SRAM2 in the L476's memory map"
line "C1 pc=0x10000002 r0=1 r1=0"
line "C2 pc=0x10000002 r0=2 r1=1"
[ "$(reply_to 'Z0,10000002,2')" = OK ] || fail "Z0 in the L476's SRAM2 refused"
[ "$(reply_to 'm10000002,2' | head -1)" = 00be ] || fail "no BKPT in the L476's SRAM2 while inserted"
[ "$(reply_to 'm10000002,2' | tail -1)" = 0131 ] || fail "z0 did not write the original back in SRAM2"
pass "L476: a software breakpoint in SRAM2 at 0x10000000 stops code running there; the original is back on z0"

# ---- F407 (64 KiB CCM, data bus only): in the memory map, but no BKPT written there ----
start_gdbserver --probe "sim:stm32f407vg,state=$WORK/f4.state"
gdb_session -ex 'info mem' -ex 'set {short}0x10000002 = 0x3101' \
    -ex 'maint packet Z0,10000002,2' -ex 'maint packet m10000002,2' -ex 'maint packet z0,10000002,2'
grep -qE '^[0-9]+ +y[[:space:]]+0x10000000 0x10010000 rw nocache' "$WORK/out" || fail "no CCM in the F407's memory map"
[ "$(reply_to 'm10000002,2')" = 0131 ] || fail "a BKPT was written into the F407's data-only CCM"
pass "F407: the CCM is in the memory map, and a breakpoint there is not a BKPT written into it"

# ---- F407: code run from the CCM faults ----
# A vector table in SRAM (VTOR, ARMv7-M B3.2.5) whose HardFault entry is a loop with a breakpoint;
# adds r0, #1 in the CCM, run from there: the fetch is a bus error (CFSR.IBUSERR, bit 8) escalated
# to HardFault (HFSR.FORCED, bit 30), the instruction not executed, its address the stacked PC.
start_gdbserver --probe "sim:stm32f407vg,state=$WORK/f4x.state"
gdb_session -ex 'set {short}0x10000000 = 0x3001' -ex 'set {short}0x20000200 = 0xe7fe' \
    -ex 'set {int}0x2000000c = 0x20000201' -ex 'set {int}0xe000ed08 = 0x20000000' \
    -ex 'set $msp = 0x20001000' -ex 'set $r0 = 0' -ex 'set $pc = 0x10000000' \
    -ex 'break *0x20000200' -ex 'continue' \
    -ex 'printf "F pc=%#x r0=%u cfsr=%#x hfsr=%#x stacked=%#x\n", $pc, $r0, *(unsigned *)0xe000ed28, *(unsigned *)0xe000ed2c, *(unsigned *)($sp + 24)'
line "F pc=0x20000200 r0=0 cfsr=0x100 hfsr=0x40000000 stacked=0x10000000"
pass "F407: code run from the data-only CCM takes a bus fault escalated to HardFault"
