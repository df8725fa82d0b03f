#!/usr/bin/env bash
# stflash gdbserver on in-process virtual boards, gdb-multiarch in batch mode: DWT watchpoints
# (watch, rwatch, awatch) stop the firmware (firmware/gdb_target.c) with the watched address and
# value; the system registers ($msp, $psp, $primask, $basepri, $faultmask, $control) read and
# written; the target description per core (Cortex-M0 without BASEPRI/FAULTMASK, Cortex-M4F with
# the FPU registers, the Cortex-M7 with its FPU and FPB version 2, the Cortex-M33 with its banked
# stack pointers, masks and CONTROL); the memory map from the erase
# map (F4 sectors); monitor commands (unlock with confirm, resume, erase); load on
# a read-protected chip fails with an error and the session goes on.
. "$(dirname "$0")/lib.sh"
command -v gdb-multiarch >/dev/null || fail "gdb-multiarch not found: install the Debian package gdb-multiarch"
elf="$STFLASH_FW_DIR/gdb_target.elf"
[ -f "$elf" ] || fail "no $elf: build the firmware"

SERVER_PID=""
# serve SELECTOR: a gdbserver on a free port (the one before it stopped); sets PORT.
serve() {
    [ -n "$SERVER_PID" ] && stop_gdbserver
    start_gdbserver --probe "$1"
    PORT=$GDB_PORT
}
# gdb_run LOG ARGS...: gdb-multiarch in batch mode (each -ex runs even when one before failed).
gdb_run() {
    local log=$1
    shift
    timeout 120 gdb-multiarch -nx -batch -ex "set pagination off" -ex "set confirm off" \
        -ex "target extended-remote :$PORT" "$@" >"$log" 2>&1 || true
    cp "$log" "$WORK/out"
}
line() { grep -qxF -- "$1" "$WORK/out" || fail "expected the line \"$1\" from gdb"; }

# ---- Cortex-M3 (F103): watchpoints, system registers, monitor commands ----
serve "sim:stm32f103cb,state=$WORK/f1.state"
# The command the server prints is the one its help and docs/debugging.md give (it serves the
# extended protocol: '!', and gdb stays connected across a kill).
grep -qF "(target extended-remote 127.0.0.1:$PORT)" "$WORK/server.out" ||
    fail "the server does not print 'target extended-remote': $(head -n 1 "$WORK/server.out")"
cat >"$WORK/watch.gdb" <<'GDB'
load
monitor reset
hbreak marker
continue
delete
watch counter
continue
printf "W counter=%u pc_in_work=%d\n", counter, $pc >= (unsigned)&work && $pc < (unsigned)&marker
delete
rwatch step
continue
delete
awatch history[3]
continue
printf "X history3=%d\n", history[3]
delete
printf "R sp_is_msp=%d psp=%u primask=%u basepri=%u faultmask=%u control=%u\n", $sp == $msp, $psp, $primask, $basepri, $faultmask, $control
set $primask = 1
set $basepri = 0x40
set $faultmask = 1
printf "S primask=%u basepri=%u faultmask=%u\n", $primask, $basepri, $faultmask
set $primask = 0
set $basepri = 0
set $faultmask = 0
set $psp = 0x20000800
printf "T psp=%#x primask=%u\n", $psp, $primask
monitor info
monitor reset run
monitor halt
info mem
monitor frobnicate
GDB
gdb_run "$WORK/watch.log" -x "$WORK/watch.gdb" "$elf"
grep -qF "Hardware watchpoint 2: counter" "$WORK/out" || fail "watch counter was not set"
# After the first marker() counter is 0; work(1) makes it 1: the write stops the core in work().
grep -A3 "^Hardware watchpoint 2: counter$" "$WORK/out" | grep -qxF "Old value = 0" ||
    fail "the write watchpoint did not report the old value 0"
grep -A4 "^Hardware watchpoint 2: counter$" "$WORK/out" | grep -qxF "New value = 1" ||
    fail "the write watchpoint did not report the new value 1"
line "W counter=1 pc_in_work=1"
pass "watch: the write to counter stops in work() with old and new value"
grep -A3 "^Hardware read watchpoint 3: step$" "$WORK/out" | grep -qxF "Value = 1" ||
    fail "rwatch step did not stop with its value"
pass "rwatch: the loop's read of step stops the core"
# Passes i = 1, 2, 3: counter 1, 3, 6; history[3] written with 6.
grep -A4 "^Hardware access (read/write) watchpoint 4: history\[3\]$" "$WORK/out" | grep -qxF "New value = 6" ||
    fail "awatch history[3] did not stop at the write of 6"
line "X history3=6"
pass "awatch: the write of history[3] stops the core"
line "R sp_is_msp=1 psp=0 primask=0 basepri=0 faultmask=0 control=0"
line "S primask=1 basepri=64 faultmask=1"
line "T psp=0x20000800 primask=0"
pass "msp, psp, primask, basepri, faultmask, control read and written"
grep -qF "Cortex-M3, CPUID 0x411fc231" "$WORK/out" || fail "monitor info does not name the core"
grep -qF "breakpoints: 6 (FPBv1), watchpoints: 4 (DWT)" "$WORK/out" || fail "monitor info: no FPB/DWT line"
grep -qF "target reset and running" "$WORK/out" || fail "monitor reset run"
grep -qF "target halted" "$WORK/out" || fail "monitor halt"
grep -qF "unknown monitor command 'frobnicate': 'monitor help' lists them" "$WORK/out" ||
    fail "an unknown monitor command is not answered with a message"
grep -qE '0x08000000 0x08020000 flash blocksize 0x400' "$WORK/out" || fail "memory map: F103 flash of 1 KiB pages"
pass "monitor info, reset run, halt, unknown command; memory map"

# ---- Cortex-M4F (F429): FPU registers, sectors in the memory map ----
serve "sim:stm32f429zi,state=$WORK/f4.state"
gdb_run "$WORK/f4.log" -ex "info mem" -ex 'set $s3 = 1.5' -ex 'set $s2 = 0' \
    -ex 'printf "F s3=%f fpscr=%u\n", $s3, $fpscr' -ex 'print $d1' \
    -ex 'printf "G basepri=%u faultmask=%u\n", $basepri, $faultmask' -ex "monitor info"
line "F s3=1.500000 fpscr=0"
# d1 is s3:s2, 0x3fc00000_00000000.
grep -qE '^\$[0-9]+ = 0\.125$' "$WORK/out" || fail "d1 does not hold s3 = 1.5 in its high word"
line "G basepri=0 faultmask=0"
grep -qE '0x08000000 0x08010000 flash blocksize 0x4000' "$WORK/out" || fail "memory map: 16 KiB sectors"
grep -qE '0x08010000 0x08020000 flash blocksize 0x10000' "$WORK/out" || fail "memory map: 64 KiB sector"
grep -qE '0x08020000 0x08100000 flash blocksize 0x20000' "$WORK/out" || fail "memory map: 128 KiB sectors"
grep -qE '0x08100000 0x08110000 flash blocksize 0x4000' "$WORK/out" || fail "memory map: bank 2"
grep -qF "Cortex-M4 with FPU" "$WORK/out" || fail "monitor info does not name the M4 with FPU"
pass "Cortex-M4F: s0-s31 (through d0-d15) and fpscr; the F4 sectors in the memory map"

# ---- software breakpoints in RAM: code running from SRAM (F103) ----
serve "sim:stm32f103cb,state=$WORK/ram.state"
{
    loop_code_gdb 0x20002000 B
    cat <<'GDB'
delete
printf "M after delete=%#x\n", *(unsigned short *)0x20002002
maint packet Z0,20002002,2
maint packet m20002002,2
maint packet z0,20002002,2
maint packet m20002002,2
maint packet Z0,20002004,2
disconnect
GDB
} >"$WORK/ram.gdb"
gdb_run "$WORK/ram.log" -x "$WORK/ram.gdb"
line "B1 pc=0x20002002 r0=1 r1=0"
line "B2 pc=0x20002002 r0=2 r1=1"
line "M after delete=0x3101"
# The server's own BKPT (0xbe00) while inserted, the original after z0.
grep -A1 -F 'sending: Z0,20002002,2' "$WORK/out" | grep -qF 'received: "OK"' ||
    fail "the server did not insert the software breakpoint itself"
grep -A1 -F 'sending: m20002002,2' "$WORK/out" | head -2 | grep -qF 'received: "00be"' ||
    fail "no BKPT in RAM while the breakpoint is inserted"
[ "$(grep -A1 -F 'sending: m20002002,2' "$WORK/out" | grep -c 'received: "0131"')" = 1 ] ||
    fail "z0 did not write the original instruction back"
# gdb went away with a breakpoint inserted at 0x20002004: the original is back.
gdb_run "$WORK/ram2.log" -ex 'printf "M after disconnect=%#x\n", *(unsigned short *)0x20002004'
line "M after disconnect=0xe7fc"
pass "software breakpoints in RAM: BKPT written by the server, the original back on z0 and at session end"

# ---- Cortex-M7 (F767): FPU registers; FPB version 2 (hardware breakpoints: gdb_load.sh) ----
serve "sim:stm32f767zi,state=$WORK/f7.state"
gdb_run "$WORK/f7.log" -ex 'set $s5 = -2.25' -ex 'set $fpscr = 0x01000000' \
    -ex 'printf "F7 s5=%f fpscr=%#x\n", $s5, $fpscr' -ex 'print $d2' -ex "monitor info"
line "F7 s5=-2.250000 fpscr=0x1000000"
# d2 is s5:s4, s5 = -2.25 (0xc0100000) in its high word.
grep -qE '^\$[0-9]+ = -4\.[0-9]+$|^\$[0-9]+ = -4$' "$WORK/out" || fail "d2 does not hold s5 = -2.25 in its high word"
grep -qF "Cortex-M7 with FPU" "$WORK/out" || fail "monitor info does not name the M7 with FPU"
grep -qE "breakpoints: [0-9]+ \(FPBv2\)" "$WORK/out" || fail "monitor info: the F767's FPB is not version 2"
pass "Cortex-M7: s0-s31 and fpscr written and read back; FPB version 2"

# ---- Cortex-M33 (U575, Security Extension in ID_PFR1): the banked stack pointers and limits ----
# TrustZone off (the option bytes' default): the core runs Non-secure, so the _NS registers are
# the live ones and the Secure bank reads as zero.
serve "sim:stm32u575zi,state=$WORK/u5.state"
# The masks and CONTROL of each state (DCRSR 0x22 Secure, 0x23 Non-secure): written through the
# live $primask/$basepri, read back from the target (the register cache flushed) as the _ns ones.
gdb_run "$WORK/u5.log" -ex 'printf "N ns_live=%d psp_ns_live=%d\n", $msp_ns == $msp, $psp_ns == $psp' \
    -ex 'set $msp_ns = 0x20001000' -ex 'printf "N msp=%#x\n", $msp' \
    -ex 'set $primask = 1' -ex 'set $basepri = 0x20' -ex 'maint flush register-cache' \
    -ex 'printf "N ns=%u/%#x/%u/%u s=%u/%#x/%u/%u\n", $primask_ns, $basepri_ns, $faultmask_ns, $control_ns, $primask_s, $basepri_s, $faultmask_s, $control_s' \
    -ex 'info registers msp_s psp_s msplim_s psplim_s msplim_ns psplim_ns' -ex 'maint print registers'
line "N ns_live=1 psp_ns_live=1"
line "N msp=0x20001000"
line "N ns=1/0x20/0/0 s=0/0/0/0"
for r in msp_s psp_s msplim_s psplim_s msplim_ns psplim_ns; do
    grep -qE "^$r +0x0 " "$WORK/out" || fail "\$$r is not shown (or not 0)"
done
# gdb knows the feature org.gnu.gdb.arm.secext (tools/stflash/gdb_regs.c): it accepts the
# description only with all four of its registers and numbers them as its own, right after msp
# and psp (the Nr column of "maint print registers"); the ones it does not know (masks, stack
# limits) come after.
order=$(awk '$2 ~ /^[0-9]+$/ && $1 ~ /^(msp|psp|msp_ns|psp_ns|msp_s|psp_s|primask|msplim_s)$/ { printf "%s ", $1 }' "$WORK/out")
[ "$order" = "msp psp msp_ns psp_ns msp_s psp_s primask msplim_s " ] ||
    fail "gdb does not number the banked stack pointers as its secext registers: $order"
# TrustZone on (FLASH_OPTR.TZEN): the core runs Secure, and msp/psp are the Secure bank.
"$STFLASH" --probe "sim:stm32u575zi,state=$WORK/u5tz.state" options --tzen 1 --allow-trustzone \
    >"$WORK/out" 2>&1 || fail "TZEN not set: $(cat "$WORK/out")"
serve "sim:stm32u575zi,state=$WORK/u5tz.state"
# The Secure masks are the live ones; the Non-secure bank keeps what the debugger writes.
gdb_run "$WORK/u5tz.log" -ex 'set $msp = 0x20002000' -ex 'set $psp = 0x20003000' \
    -ex 'info registers msp_s psp_s msp_ns psp_ns' \
    -ex 'set $primask = 1' -ex 'set $basepri = 0x40' -ex 'set $faultmask = 1' \
    -ex 'set $primask_ns = 1' -ex 'set $basepri_ns = 0x80' -ex 'set $control_ns = 2' \
    -ex 'maint flush register-cache' \
    -ex 'printf "T s=%u/%#x/%u/%u ns=%u/%#x/%u/%u\n", $primask_s, $basepri_s, $faultmask_s, $control_s, $primask_ns, $basepri_ns, $faultmask_ns, $control_ns' \
    -ex 'printf "T live primask=%u basepri=%#x faultmask=%u control=%u\n", $primask, $basepri, $faultmask, $control'
grep -qE '^msp_s +0x20002000 ' "$WORK/out" || fail "msp_s does not read the Secure MSP"
grep -qE '^psp_s +0x20003000 ' "$WORK/out" || fail "psp_s does not read the Secure PSP"
grep -qE '^msp_ns +0x0 ' "$WORK/out" || fail "msp_ns is not 0 in the Secure state"
grep -qE '^psp_ns +0x0 ' "$WORK/out" || fail "psp_ns is not 0 in the Secure state"
line "T s=1/0x40/1/0 ns=1/0x80/0/2"
line "T live primask=1 basepri=0x40 faultmask=1 control=0"
# Without the Security Extension (the F429's Cortex-M4) there are none.
serve "sim:stm32f429zi,state=$WORK/f4.state"
gdb_run "$WORK/f4s.log" -ex 'print $msp_ns' -ex 'print $psplim_s' -ex 'print $primask_s' \
    -ex 'print $control_ns'
grep -c '^\$[0-9]* = void$' "$WORK/out" | grep -qx 4 || fail "the Cortex-M4 shows security registers"
pass "Cortex-M33 with the Security Extension: msp_ns/psp_ns/msp_s/psp_s, the stack limits and the banked masks and CONTROL"

# ---- Cortex-M0 (F051): no BASEPRI, FAULTMASK or FPU ----
serve "sim:stm32f051r8,state=$WORK/f0.state"
gdb_run "$WORK/f0.log" -ex 'printf "M primask=%u control=%u\n", $primask, $control' \
    -ex 'print $basepri' -ex 'print $faultmask' -ex 'print $fpscr' -ex "monitor info"
line "M primask=0 control=0"
grep -c '^\$[0-9]* = void$' "$WORK/out" | grep -qx 3 || fail "the Cortex-M0 shows basepri, faultmask or fpscr"
grep -qF "breakpoints: 4 (FPBv1), watchpoints: 2 (DWT)" "$WORK/out" || fail "monitor info on the M0"
pass "Cortex-M0: primask and control, no basepri, faultmask or FPU registers"

# ---- load on a read-protected chip: an error, and the session goes on ----
serve "sim:stm32f103cb,rdp=1,state=$WORK/rdp.state"
gdb_run "$WORK/rdp.log" -ex load -ex 'set {int}0x20000100 = 0x1234' \
    -ex 'printf "after load sram=%#x\n", *(int *)0x20000100' \
    -ex 'monitor info' -ex 'info registers pc' "$elf"
grep -qiE "error|failed" "$WORK/out" || fail "load on a protected chip showed no error"
line "after load sram=0x1234"
grep -qF "read protection: level 1" "$WORK/out" || fail "monitor info after the failed load"
grep -qE '^pc +0x[0-9a-f]+' "$WORK/out" || fail "registers unreadable after the failed load"
grep -qF "flash programming failed" "$WORK/server.err" || fail "the server did not log why the load failed"
pass "load on a read-protected chip: gdb shows an error, later replies stay in step"

# ---- monitor unlock (with consent), then load, resume and erase on the unlocked chip ----
gdb_run "$WORK/unlock.log" -ex "monitor unlock" -ex "monitor info" -ex "monitor unlock confirm" \
    -ex "monitor info" -ex load -ex "monitor reset halt" -ex "set var counter = 0" \
    -ex "monitor resume" -ex "shell sleep 0.5" -ex "monitor halt" \
    -ex 'printf "C ran=%d\n", counter != 0' -ex "monitor erase" \
    -ex 'printf "E flash=%#x\n", *(unsigned *)0x08000000' "$elf"
grep -qF "unlock removes read protection and the chip erases its whole flash: 'monitor unlock confirm' does it" \
    "$WORK/out" || fail "monitor unlock without confirm did not say what it needs"
[ "$(grep -c "read protection: level 1" "$WORK/out")" = 1 ] || fail "monitor unlock without confirm changed the protection"
grep -qF "read protection removed; the flash is erased" "$WORK/out" || fail "monitor unlock confirm"
grep -qF "read protection: level 0" "$WORK/out" || fail "monitor info after unlock still shows protection"
grep -qF "Transfer rate" "$WORK/out" || fail "load after monitor unlock confirm failed"
grep -qF "target running" "$WORK/out" || fail "monitor resume"
line "C ran=1"
grep -qF "flash erased" "$WORK/out" || fail "monitor erase"
line "E flash=0xffffffff"
pass "monitor unlock needs confirm, then unlocks; load; monitor resume runs the target; monitor erase"
