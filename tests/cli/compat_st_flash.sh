#!/usr/bin/env bash
# stflash-st-flash against st-flash of stlink-tools 1.7.0: two identical virtual boards, the
# same commands on each (theirs on one, ours on the other); the same standard output, log lines
# and exit status, and afterwards the same flash contents.
. "$(dirname "$0")/compat_lib.sh"

start_sim
A=$SIM_PORT
start_sim
B=$SIM_PORT

same_flash() {
    "$STFLASH" --probe "tcp:127.0.0.1:$A" -q read "$WORK/flash_a.bin" 0x08000000 64k
    "$STFLASH" --probe "tcp:127.0.0.1:$B" -q read "$WORK/flash_b.bin" 0x08000000 64k
    cmp -s "$WORK/flash_a.bin" "$WORK/flash_b.bin" || fail "the two boards' flash differ after: $*"
}

random_file "$WORK/r3000.bin" 3000
random_file "$WORK/r70000.bin" 70000
printf 'abc' >"$WORK/odd.bin"
srec_cat "$WORK/r3000.bin" -binary -offset 0x08000000 -o "$WORK/r3000.hex" -intel
srec_cat "$WORK/r3000.bin" -binary -offset 0x08001000 "$WORK/odd.bin" -binary -offset 0x08002001 \
    -o "$WORK/gap.hex" -intel

# Broken Intel HEX files.
printf ':10000000000102030405060708090A0B0C0D0E0F00\n:00000001FF\n' >"$WORK/bad_checksum.hex"
printf ':1000000000010203\n:00000001FF\n' >"$WORK/short_record.hex"
printf ':10000000000102030405060708090A0B0C0D0E0F78\n' >"$WORK/no_eof.hex"
printf ':02000002100000EC\n:00000001FF\n' >"$WORK/long_record.hex"

# One flash operation after the other, each compared and its effect checked.
while IFS= read -r line; do
    [ -n "$line" ] || continue
    eval "set -- $line"
    compare st-flash "$A" "$B" "$@"
    same_flash "$line"
done <<'CMDS'
erase
write r3000.bin 0x08000000
read back.bin 0x08000000 4096
write r3000.bin 0x08000000
--reset write r3000.bin 0x08000400
--format ihex write r3000.hex
--format ihex write gap.hex
--format ihex read back.hex 0x08000000 100
--format ihex read back.hex 0x20000000 20
--format ihex read back.hex 0x0 16
write odd.bin 0x08000000
write r3000.bin 0x08000001
write r3000.bin 0x08000002
write r3000.bin 0x0800ff00
write r70000.bin 0x08000000
write missing.bin 0x08000000
write r3000.bin 0x20000000
write r3000.bin 8000000
--format ihex write r3000.bin
--format ihex write bad_checksum.hex
--format ihex write short_record.hex
--format ihex write no_eof.hex
--format ihex write long_record.hex
reset
--reset reset
--freq=4000 reset
--freq=4M reset
--connect-under-reset reset
--hot-plug reset
--flash=128k read back.bin 0x08000000 16
--flash=64k read back.bin 0x08000000 16
--area=main read back.bin 0x08000000 16
--area=system read back.bin 0x1ffff000 0x800
--area=option read
--area=optcr read
--area=optcr1 read
--area=option_boot_add read
--area=option write 0xAA55AA55
--opt write r3000.bin 0x08000000
--debug --version
erase
CMDS
pass "$COMPARED st-flash invocations print and do what st-flash 1.7.0 does"

# The files read are the same too.
COMPARED=0
for fmt in binary ihex; do
    side st-flash "$A" real --format $fmt read real.dat 0x08000000 3000
    side st-flash "$B" ours --format $fmt read ours.dat 0x08000000 3000
    expect_same "$WORK/ours.dat" "$WORK/real.dat"
done
pass "files written by read are identical (binary and Intel HEX)"

# Bad command lines: the usage and the reason, status 255, the boards untouched.
COMPARED=0
for args in "" "read" "write r3000.bin" "read x 0x08000000" "--format elf write x" "--area=bogus read" \
    "--area=otp read x 0 4" "--freq=abc reset" "--flash=abc reset" "frob" "erase extra" \
    "read x 0x08000000 zz" "write r3000.bin zz" "--bogus reset" "--format ihex write r3000.hex 0x08000000" \
    "--area=optcr read x" "--area=option read a b c" "--area=option write" "--area=option write zz" \
    "--version"; do
    compare st-flash "$A" "$B" $args
done
same_flash "bad command lines"
pass "$COMPARED bad command lines answered as st-flash 1.7.0 does"

# Documented differences: option writes that stlink-tools reports as failed but exits 0 with.
for args in "--area=optcr write 0x1" "--area=optcr1 write 0x1" "--area=option_boot_add write 0x1"; do
    compare st-flash "$A" "$B" --rc 0 255 $args
done
pass "failed option writes exit with 255"

# Several boards: --serial chooses; without it, ours refuses to guess (stlink-tools picks one).
start_sim --board --chip stm32f100rb
A=$SIM_PORT
start_sim --board --chip stm32f100rb
B=$SIM_PORT
compare st-flash "$A" "$B" --serial 5354534D0000000000000002 write r3000.bin 0x08000000
compare st-flash "$A" "$B" --serial 5354534D0000000000000002 erase
side st-flash "$B" ours write r3000.bin 0x08000000
[ "$(cat "$WORK/ours.rc")" = 255 ] || fail "several probes without --serial: not refused"
grep -q "choose the probe with --serial" "$WORK/ours.err" || fail "no hint to use --serial"
pass "--serial chooses among several probes; none given is an error"

# No probe.
compare st-flash 1 1 erase
compare st-flash 1 1 write r3000.bin 0x08000000
pass "no probe: as st-flash"
