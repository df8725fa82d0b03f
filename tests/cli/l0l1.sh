#!/usr/bin/env bash
# stflash on the L0/L1 boards (the STM32L053R8, Cortex-M0+, 128-byte pages, 2 KiB data EEPROM;
# the STM32L152RE, Cortex-M3, 256-byte pages in two banks, 16 KiB data EEPROM), in-process (sim)
# or through the daemon (tcp): info, a background written and read back, images at page
# boundaries and odd sizes with the bytes around them kept (across the bank boundary on the
# L152RE), verify and its failure, erased flash reading 0x00, the data EEPROM written and read
# as a region of its own, option changes, a WRP sector refusing writes, lock and unlock (which
# erases the flash and the data EEPROM).
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32l053r8 or stm32l152re}
mode=${2:?sim or tcp}
case "$chip" in
stm32l053r8) kib=64 family=STM32L0 core="Cortex-M0+ r0p1" dev=0x417 page=128 ee=2048 group=2048 wrp0=0xfffffffc ;;
stm32l152re) kib=512 family=STM32L1 core="Cortex-M3 r2p0" dev=0x437 page=256 ee=16384 group=16384 wrp0=0xfffffffe ;;
*) fail "chip '$chip': give stm32l053r8 or stm32l152re" ;;
esac
case "$mode" in
sim) P=(--probe "sim:$chip") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
FLASH=0x08000000
EEPROM=0x08080000
bytes=$((kib * 1024))
# The part written and checked: the L053's whole flash, the 64 KiB either side of the L152RE's
# bank boundary (0x08040000).
if [ "$chip" = stm32l152re ]; then lo=$((0x08030000)) span=$((128 * 1024)); else lo=$FLASH span=$bytes; fi
LO=$(printf 0x%08x $lo)

# all_zero FILE: every byte is 0x00 (erased L0/L1 flash and data EEPROM).
all_zero() {
    /usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if d == bytes(len(d)) else 1)' "$1"
}
# zeroed BASE FIRST_PAGE COUNT PAGE_SIZE OUT: BASE with COUNT pages from FIRST_PAGE 0x00.
zeroed() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
base = bytearray(open(sys.argv[1], 'rb').read())
first, count, size = int(sys.argv[2], 0), int(sys.argv[3]), int(sys.argv[4])
base[first * size:(first + count) * size] = bytes(count * size)
open(sys.argv[5], 'wb').write(bytes(base))
PY
}

expect_ok "${P[@]}" info
expect_out "$family"
expect_out "DEV_ID:            $dev"
expect_out "($core)"
expect_out "$kib KiB ($bytes bytes) at 0x08000000, $page bytes pages"
expect_out "read protection:   level 0"
pass "$chip/$mode: info"

expect_ok "${P[@]}" -q read "$WORK/blank.bin" "$LO" 4096
all_zero "$WORK/blank.bin" || fail "a new board's flash does not read 0x00"
pass "$chip/$mode: erased flash reads 0x00"

random_file "$WORK/background.bin" "$span"
expect_ok "${P[@]}" write "$WORK/background.bin" "$LO"
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$chip/$mode: $((span / 1024)) KiB from $LO written and read back"

# Partly covered pages keep their other bytes; words and half-pages are never half written.
n=0
for c in "$((lo + page - 12)) 24" "$((lo + 3 * page + 1)) 777" "$((lo + span / 2 - 5)) 11" \
         "$((lo + span - 3)) 3" "$((lo + 7)) $((2 * page + 3))"; do
    set -- $c
    addr=$(printf 0x%08x "$1") size=$2
    for fmt in bin hex; do
        n=$((n + 1))
        random_file "$WORK/img$n.bin" "$size"
        make_variants "img$n" "$addr"
        if [ "$fmt" = bin ]; then
            expect_ok "${P[@]}" write "$WORK/img$n.bin" "$addr"
            expect_ok "${P[@]}" verify "$WORK/img$n.bin" "$addr"
        else
            expect_ok "${P[@]}" write "$WORK/img$n.hex"
            expect_ok "${P[@]}" verify "$WORK/img$n.hex"
        fi
        expect_out "identical"
        patched "$WORK/expected.bin" $((addr - lo)) "$WORK/img$n.bin" "$WORK/expected.bin"
        expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
        expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    done
    pass "$chip/$mode: $size byte(s) at $addr in bin and ihex: written, the rest kept, verified"
done

printf '\x5a' >"$WORK/one.bin"
expect_ok "${P[@]}" -q write "$WORK/one.bin" "$(printf 0x%08x $((lo + 0x123)))"
printf '\xa5' >"$WORK/other.bin"
expect_rc 5 "${P[@]}" verify "$WORK/other.bin" "$(printf 0x%08x $((lo + 0x123)))"
expect_err "$(printf 0x%08x $((lo + 0x123)))"
patched "$WORK/expected.bin" 0x123 "$WORK/one.bin" "$WORK/expected.bin"
pass "$chip/$mode: verify failure names the address"

# A range erase takes the pages it touches (on the L152RE the last of bank 1 and the first two
# of bank 2), nothing else, and they read 0x00.
first=$((lo + span / 2 - 4))
expect_ok "${P[@]}" erase "$(printf 0x%08x $first)" $((page + 8))
expect_out "(3 pages)"
zeroed "$WORK/expected.bin" $((span / 2 / page - 1)) 3 "$page" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$chip/$mode: range erase across $(printf 0x%08x $((lo + span / 2))) reads back 0x00"

# The data EEPROM: a region of its own, written and read back; a partial write keeps the bytes
# around it; bytes past its end are refused before anything is written.
expect_ok "${P[@]}" -q read "$WORK/ee.bin" $EEPROM "$ee"
all_zero "$WORK/ee.bin" || fail "a new board's data EEPROM does not read 0x00"
random_file "$WORK/eeimg.bin" "$ee"
expect_ok "${P[@]}" write "$WORK/eeimg.bin" $EEPROM
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/ee.bin" $EEPROM "$ee"
expect_same "$WORK/ee.bin" "$WORK/eeimg.bin"
printf '\x00\x00\x00\x00\x11\x22\x33' >"$WORK/eepart.bin"
expect_ok "${P[@]}" -q write "$WORK/eepart.bin" 0x08080103
patched "$WORK/eeimg.bin" 0x103 "$WORK/eepart.bin" "$WORK/eeexp.bin"
expect_ok "${P[@]}" -q read "$WORK/ee.bin" $EEPROM "$ee"
expect_same "$WORK/ee.bin" "$WORK/eeexp.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
expect_rc 1 "${P[@]}" write "$WORK/eepart.bin" "$(printf 0x%08x $((0x08080000 + ee - 3)))"
expect_err "data EEPROM"
expect_ok "${P[@]}" -q read "$WORK/ee.bin" $EEPROM "$ee"
expect_same "$WORK/ee.bin" "$WORK/eeexp.bin"
pass "$chip/$mode: data EEPROM written and read back ($ee bytes), partial write, end refused"

# Options: a user bit changed and read back; a WRP sector refuses writes until removed. Group 0
# asked for protects sector 0 (4 KiB), which is groups 0 and 1 of the L053 (2 KiB groups).
expect_ok "${P[@]}" options --nrst-stop 0
expect_ok "${P[@]}" options
expect_out "nRST_STOP:         0"
expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
expect_ok "${P[@]}" options
expect_out "WRP $wrp0 (bit clear = group protected), $group-byte groups"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08000010
expect_err "write protected by the option bytes (sector 0"
expect_ok "${P[@]}" options --wrp none --nrst-stop 1
expect_ok "${P[@]}" options
expect_out "WRP 0xffffffff"
expect_out "nRST_STOP:         1"
pass "$chip/$mode: option bits changed; a WRP sector refuses writes; removed again"

expect_ok "${P[@]}" erase
expect_out "erased the whole flash"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_zero "$WORK/flash.bin" || fail "flash does not read 0x00 after the whole erase"
pass "$chip/$mode: whole erase reads back 0x00"

# Level 1: flash and data EEPROM cannot be read; unlock erases both and brings level 0 back.
expect_ok "${P[@]}" -q write "$WORK/img1.bin" $FLASH
expect_ok "${P[@]}" lock --allow-read-protect
expect_ok "${P[@]}" info
expect_out "read protection:   level 1"
expect_rc 6 "${P[@]}" read "$WORK/locked.bin" $FLASH 16
expect_err "read protected"
run "${P[@]}" read "$WORK/locked.bin" $EEPROM 16
[ "$RC" -ne 0 ] || fail "the data EEPROM was read under level 1"
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" info
expect_out "read protection:   level 0"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_zero "$WORK/flash.bin" || fail "unlock did not erase the flash"
expect_ok "${P[@]}" -q read "$WORK/ee.bin" $EEPROM "$ee"
all_zero "$WORK/ee.bin" || fail "unlock did not erase the data EEPROM"
pass "$chip/$mode: lock, reads refused, unlock erases flash and data EEPROM, level 0 again"
