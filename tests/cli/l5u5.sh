#!/usr/bin/env bash
# stflash on the Cortex-M33 boards with the TrustZone flash controller (the STM32U575ZI: quad
# words, two banks of 128 x 8 KiB; the STM32L552ZE: double words, DBANK, two banks of 128 x
# 2 KiB), in-process (sim) or through the daemon (tcp): info, an image across the bank boundary
# written and read back, odd sizes kept around, a range erase in bank 2, option changes, a WRP area
# refusing writes, TrustZone: turning it on needs --allow-trustzone, a secure range is refused with
# the fix named, TZEN does not clear outside a regression, lock then unlock erases the flash and
# turns TrustZone off; mass erase.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32u575zi or stm32l552ze}
mode=${2:?sim or tcp}
case "$chip" in
stm32u575zi) kib=2048 family=STM32U5 core="Cortex-M33 r0p4" dev=0x482 page=8192 bank2=0x08100000
             size_text="2 MiB" ;;
stm32l552ze) kib=512 family=STM32L5 core="Cortex-M33 r0p2" dev=0x472 page=2048 bank2=0x08040000
             size_text="512 KiB" ;;
*) fail "chip '$chip': give stm32u575zi or stm32l552ze" ;;
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
bytes=$((kib * 1024))
group=$((bytes / 32))
# The part written and checked: 16 pages either side of the bank boundary.
lo=$((bank2 - 16 * page)) span=$((32 * page))
LO=$(printf 0x%08x $lo)

expect_ok "${P[@]}" info
expect_out "$family"
expect_out "DEV_ID:            $dev"
expect_out "($core)"
expect_out "$size_text ($bytes bytes) at 0x08000000, $((page / 1024)) KiB pages"
expect_out "read protection:   level 0"
pass "$chip/$mode: info"

random_file "$WORK/background.bin" "$span"
expect_ok "${P[@]}" write "$WORK/background.bin" "$LO"
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$chip/$mode: $((span / 1024)) KiB across the bank boundary $bank2 written and read back"

# Partly covered pages and program units keep their other bytes.
n=0
for c in "$((lo + page - 12)) 24" "$((lo + span / 2 - 5)) 11" "$((lo + span / 2 + 3)) 777" \
         "$((lo + span - 3)) 3"; do
    set -- $c
    addr=$(printf 0x%08x "$1") size=$2
    n=$((n + 1))
    random_file "$WORK/img$n.bin" "$size"
    expect_ok "${P[@]}" write "$WORK/img$n.bin" "$addr"
    expect_ok "${P[@]}" verify "$WORK/img$n.bin" "$addr"
    expect_out "identical"
    patched "$WORK/expected.bin" $((addr - lo)) "$WORK/img$n.bin" "$WORK/expected.bin"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    pass "$chip/$mode: $size byte(s) at $addr written, the rest kept"
done

# A range erase across the bank boundary takes the last page of bank 1 and two of bank 2.
first=$((bank2 - 4))
expect_ok "${P[@]}" erase "$(printf 0x%08x $first)" $((page + 8))
expect_out "(3 pages)"
erased_pages "$WORK/expected.bin" 15 3 "$page" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$chip/$mode: range erase across $bank2"

# Options: a user bit changed and read back; a WRP area refuses writes until removed.
expect_ok "${P[@]}" options --nrst-stop 0
expect_ok "${P[@]}" options
expect_out "nRST_STOP:         0"
expect_out "TrustZone:         off (TZEN 0)"
expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
expect_ok "${P[@]}" options
expect_out "WRP 0xfffffffe (bit clear = group protected), $group-byte groups"
printf '\x5a' >"$WORK/one.bin"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08000010
expect_err "write protected by the option bytes (pages 0 to $((group / page - 1)) of bank 1"
expect_ok "${P[@]}" options --wrp none --nrst-stop 1
expect_ok "${P[@]}" options
expect_out "WRP 0xffffffff"
expect_out "nRST_STOP:         1"
pass "$chip/$mode: option bits changed; a WRP area refuses writes; removed again"

# TrustZone: on only with consent; then the secure flash is refused with the way out named.
expect_rc 6 "${P[@]}" options --tzen 1
expect_err "confirm with --allow-trustzone"
expect_ok "${P[@]}" options --tzen 1 --allow-trustzone
expect_ok "${P[@]}" options
expect_out "TrustZone:         on"
expect_ok "${P[@]}" options --json
expect_out '"tzen": true, "rdp_half": false'
expect_rc 6 "${P[@]}" write "$WORK/one.bin" "$bank2"
expect_err "cannot write $bank2: TrustZone is on (FLASH_OPTR.TZEN 1) and the page is secure"
expect_err "'stflash lock --allow-read-protect'"
expect_err "'stflash unlock --yes'"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
expect_rc 6 "${P[@]}" options --tzen 0
expect_err "TrustZone turns off only while read protection goes from level 1 back to 0"
pass "$chip/$mode: TZEN set with consent; secure range refused naming the fix, nothing changed"

# Lock, then unlock: the flash erased, level 0, TrustZone off, writable again.
expect_ok "${P[@]}" lock --allow-read-protect
expect_ok "${P[@]}" options
expect_out "read protection:   level 1"
expect_rc 6 "${P[@]}" read "$WORK/locked.bin" $FLASH 16
expect_err "read protected"
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" options
expect_out "read protection:   level 0"
expect_out "TrustZone:         off (TZEN 0)"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "unlock did not erase the flash"
expect_ok "${P[@]}" -q write "$WORK/img1.bin" "$bank2"
expect_ok "${P[@]}" verify "$WORK/img1.bin" "$bank2"
pass "$chip/$mode: lock, reads refused, unlock erases, level 0 and TrustZone off"

expect_ok "${P[@]}" -q write "$WORK/background.bin" "$LO"
if [ "$chip" = stm32u575zi ]; then
    # SWAP_BANK: bank 2 at the flash base from the option load, the controller still naming the
    # physical banks (BKER, MER1/MER2): an erase and a write at the flash base change the
    # physical bank 2 only, and bank 1 (now at $bank2) keeps its bytes.
    random_file "$WORK/b1.bin" $((2 * page))
    random_file "$WORK/b2.bin" $((2 * page))
    expect_ok "${P[@]}" -q write "$WORK/b1.bin" $FLASH
    expect_ok "${P[@]}" -q write "$WORK/b2.bin" $bank2
    expect_ok "${P[@]}" options --swap-bank 1
    expect_ok "${P[@]}" options
    expect_out "SWAP_BANK:         1 (bank 2 at the flash base)"
    expect_ok "${P[@]}" verify "$WORK/b2.bin" $FLASH
    expect_out "identical"
    expect_ok "${P[@]}" verify "$WORK/b1.bin" $bank2
    expect_out "identical"
    expect_ok "${P[@]}" erase $FLASH $page
    expect_ok "${P[@]}" verify "$WORK/b1.bin" $bank2
    expect_out "identical"
    random_file "$WORK/b3.bin" $((page + 100))
    expect_ok "${P[@]}" write "$WORK/b3.bin" $FLASH
    expect_out "verified"
    expect_ok "${P[@]}" verify "$WORK/b1.bin" $bank2
    expect_out "identical"
    expect_ok "${P[@]}" options --swap-bank 0
    expect_ok "${P[@]}" verify "$WORK/b1.bin" $FLASH
    expect_out "identical"
    expect_ok "${P[@]}" verify "$WORK/b3.bin" $bank2
    expect_out "identical"
    pass "$chip/$mode: SWAP_BANK 1 maps bank 2 at the flash base; erases and writes follow it"
else
    expect_rc 2 "${P[@]}" options --swap-bank 1
    expect_err "has no SWAP_BANK option bit"
    pass "$chip/$mode: --swap-bank refused where it is not supported"
fi

expect_ok "${P[@]}" erase
expect_out "erased the whole flash"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "$chip/$mode: mass erase"
