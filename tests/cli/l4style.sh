#!/usr/bin/env bash
# stflash on the L4-style boards (the STM32G071RB, Cortex-M0+, one bank; the STM32L476RG,
# Cortex-M4F, two banks of 512 KiB), in-process (sim) or through the daemon (tcp): info, a
# background written and read back, images at page boundaries, odd sizes and across the bank
# boundary with the bytes around them kept, verify and its failure, range erase (in bank 2 on the
# L476) and mass erase, option changes, a WRP area refusing writes, lock and unlock (which erases
# the flash).
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32g071rb or stm32l476rg}
mode=${2:?sim or tcp}
case "$chip" in
stm32g071rb) kib=128 family=STM32G0 core="Cortex-M0+ r0p1" dev=0x460 group=4096 ;;
stm32l476rg) kib=1024 family=STM32L4 core="Cortex-M4 r0p1" dev=0x415 group=32768 ;;
*) fail "chip '$chip': give stm32g071rb or stm32l476rg" ;;
esac
case "$mode" in
sim) P=(--probe "sim:$chip") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
page=2048
FLASH=0x08000000
bytes=$((kib * 1024))
# The part written and checked: the G071's whole flash, the 64 KiB either side of the L476's bank
# boundary (0x08080000).
if [ "$chip" = stm32l476rg ]; then lo=$((0x08070000)) span=$((128 * 1024)); else lo=$FLASH span=$bytes; fi
LO=$(printf 0x%08x $lo)

expect_ok "${P[@]}" info
expect_out "$family"
expect_out "DEV_ID:            $dev"
expect_out "($core)"
[ "$kib" = 1024 ] && size_text="1 MiB" || size_text="$kib KiB"
expect_out "$size_text ($bytes bytes) at 0x08000000, 2 KiB pages"
expect_out "read protection:   level 0"
pass "$chip/$mode: info"

random_file "$WORK/background.bin" "$span"
expect_ok "${P[@]}" write "$WORK/background.bin" "$LO"
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$chip/$mode: $((span / 1024)) KiB from $LO written and read back"

# Partly covered pages keep their other bytes; double words are never half written.
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

# A range erase takes the pages it touches (on the L476 the first two of bank 2), nothing else.
first=$((lo + span / 2 - 4))
expect_ok "${P[@]}" erase "$(printf 0x%08x $first)" $((page + 8))
expect_out "(3 pages)"
erased_pages "$WORK/expected.bin" $((span / 2 / page - 1)) 3 "$page" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$chip/$mode: range erase across $(printf 0x%08x $((lo + span / 2)))"

# Options: a user bit changed and read back; a WRP area refuses writes until removed.
expect_ok "${P[@]}" options --nrst-stop 0
expect_ok "${P[@]}" options
expect_out "nRST_STOP:         0"
expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
expect_ok "${P[@]}" options
expect_out "WRP 0xfffffffe (bit clear = group protected), $group-byte groups"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08000010
expect_err "write protected by the option bytes (pages 0 to $((group / page - 1)) of bank 1"
expect_ok "${P[@]}" options --wrp none --nrst-stop 1
expect_ok "${P[@]}" options
expect_out "WRP 0xffffffff"
expect_out "nRST_STOP:         1"
pass "$chip/$mode: option bits changed; a WRP area refuses writes; removed again"

expect_ok "${P[@]}" erase
expect_out "erased the whole flash"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "$chip/$mode: mass erase"

# Level 1: the flash cannot be read; unlock erases it and brings level 0 back.
expect_ok "${P[@]}" -q write "$WORK/img1.bin" $FLASH
expect_ok "${P[@]}" lock --allow-read-protect
expect_ok "${P[@]}" info
expect_out "read protection:   level 1"
expect_rc 6 "${P[@]}" read "$WORK/locked.bin" $FLASH 16
expect_err "read protected"
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" info
expect_out "read protection:   level 0"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "unlock did not erase the flash"
pass "$chip/$mode: lock, reads refused, unlock erases and restores level 0"
