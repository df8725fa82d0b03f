#!/usr/bin/env bash
# stflash on the STM32F767ZI (NUCLEO-F767ZI, RM0410): 2 MiB as one bank of 4x32+128+7x256 KiB
# sectors (nDBANK = 1, as shipped) or two banks of 4x16+64+7x128 KiB (nDBANK = 0, bank 2 at
# 0x08100000), switched with `stflash options --ndbank`. Info (Cortex-M7), round trips across
# sector boundaries in both layouts and across the bank boundary, a one-byte write that keeps the
# rest of its 256 KiB / 128 KiB sector, range erases, write protection (one nWRP bit per two
# sectors in dual-bank mode), boot addresses, lock and unlock, mass erase of both banks.
. "$(dirname "$0")/lib.sh"
mode=${1:-sim}
case "$mode" in
sim) P=(--probe "sim:stm32f767zi,state=$WORK/f767.state") ;;
tcp)
    start_sim --chip stm32f767zi
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
FLASH=0x08000000
KIB=1024

expect_ok "${P[@]}" info
expect_out "STM32F76x/F77x"
expect_out "DEV_ID:            0x451"
expect_out "Cortex-M7 r1p0"
expect_out "2 MiB (2097152 bytes) at 0x08000000, sectors from 32 KiB"
expect_out "read protection:   level 0"
expect_ok "${P[@]}" options
expect_out "bank layout:       one bank (nDBANK 1)"
expect_out "dual boot:         off (nDBOOT 1)"
expect_out "boot address:      0x00200000 with BOOT0 low (BOOT_ADD0 0x0080), 0x00100000 with BOOT0 high (BOOT_ADD1 0x0040)"
pass "f767/$mode: info and options as shipped (one bank)"

# One bank: a background over sectors 0-5 (4x32 + 128 + 256 KiB = 640 KiB).
bg=$((640 * KIB))
random_file "$WORK/background.bin" $bg
expect_ok "${P[@]}" -v write "$WORK/background.bin" $FLASH
expect_out "verified"
expect_err "programming x32 (PSIZE 2) for a 3.30 V supply"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "f767/$mode: 640 KiB over six sectors of three sizes written and read back"

# One byte in a 32 KiB and in a 256 KiB sector: only that sector is erased, the rest kept.
for at in 0x08008321 0x08051234; do
    printf '\xa5' >"$WORK/one.bin"
    expect_ok "${P[@]}" -v write "$WORK/one.bin" $at
    if [ $at = 0x08008321 ]; then
        expect_err "erasing 1 sector: 1 x 32 KiB"
    else
        expect_err "erasing 1 sector: 1 x 256 KiB"
    fi
    patched "$WORK/expected.bin" $((at - FLASH)) "$WORK/one.bin" "$WORK/expected.bin"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
done
pass "f767/$mode: one byte in a 32 KiB and in a 256 KiB sector, the rest of each kept"

# Across the boundaries 32|32, 32|128 and 128|256 KiB.
for c in "0x08007ff0 40" "0x08017f01 20000" "0x0803fffe 5"; do
    set -- $c
    random_file "$WORK/img.bin" "$2"
    expect_ok "${P[@]}" write "$WORK/img.bin" "$1"
    expect_ok "${P[@]}" verify "$WORK/img.bin" "$1"
    expect_out "identical"
    patched "$WORK/expected.bin" $(($1 - FLASH)) "$WORK/img.bin" "$WORK/expected.bin"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
done
pass "f767/$mode: one bank: images across the 32|32, 32|128 and 128|256 KiB boundaries"

# A range erase takes the sectors it touches (3 and 4: 32 and 128 KiB), nothing else.
expect_ok "${P[@]}" erase 0x0801fff0 0x20
expect_out "erased 0x08018000..0x0803ffff (2 sectors)"
erased_pages "$WORK/expected.bin" 3 1 $((32 * KIB)) "$WORK/expected.bin"
erased_pages "$WORK/expected.bin" 1 1 $((128 * KIB)) "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "f767/$mode: one bank: range erase of a 32 KiB and a 128 KiB sector"

# Two banks: nDBANK = 0 takes effect at the reset that follows; the flash keeps its bytes.
expect_ok "${P[@]}" options --ndbank 0
expect_out "bank layout:       two banks (nDBANK 0)"
expect_ok "${P[@]}" options --json
expect_json ndbank false
expect_ok "${P[@]}" info
expect_out "sectors from 16 KiB"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
# One byte in bank 1's sector 1 (16 KiB): only it is erased.
printf '\x3c' >"$WORK/one.bin"
expect_ok "${P[@]}" -v write "$WORK/one.bin" 0x08004010
expect_err "erasing 1 sector: 1 x 16 KiB"
patched "$WORK/expected.bin" $((0x4010)) "$WORK/one.bin" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
# Across the bank boundary: sector 11 (bank 1) and sector 12 (bank 2, SNB 0b10000).
random_file "$WORK/bank.bin" $((256 * KIB))
expect_ok "${P[@]}" write "$WORK/bank.bin" 0x080e0000
random_file "$WORK/cross.bin" 4096
expect_ok "${P[@]}" -v write "$WORK/cross.bin" 0x080ff800
expect_err "erasing 2 sectors: 1 x 128 KiB, 1 x 16 KiB"
patched "$WORK/bank.bin" $((0x1f800)) "$WORK/cross.bin" "$WORK/bank.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" 0x080e0000 256k
expect_same "$WORK/flash.bin" "$WORK/bank.bin"
expect_ok "${P[@]}" erase 0x08100000 1
expect_out "erased 0x08100000..0x08103fff (1 sector)"
erased_pages "$WORK/bank.bin" 8 1 $((16 * KIB)) "$WORK/bank.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" 0x080e0000 256k
expect_same "$WORK/flash.bin" "$WORK/bank.bin"
# Bank 2 far in: sector 17 (bank 2's sector 5, 128 KiB at 0x08120000).
random_file "$WORK/b2.bin" 70000
expect_ok "${P[@]}" -v write "$WORK/b2.bin" 0x08121000
expect_err "1 of 1 sectors to program are erased already: not erased"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" 0x08121000 70000
expect_same "$WORK/flash.bin" "$WORK/b2.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "f767/$mode: two banks: round trips, the bank boundary, bank 2, sector erase"

# Dual-bank write protection: one nWRP bit per two sectors (RM0410 §3.4.2); bit 6 is sectors 12
# and 13, the first two of bank 2.
expect_ok "${P[@]}" options --wrp 0x40 --dangerous-write-protect
expect_ok "${P[@]}" options --json
expect_json wrp 0xffffffbf
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08100000
expect_err "write protected"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08104000
expect_err "write protected"
expect_ok "${P[@]}" -q write "$WORK/one.bin" 0x08108000
expect_ok "${P[@]}" options --wrp none
expect_out "write protection:  none"
pass "f767/$mode: two banks: one write-protection bit covers sectors 12 and 13"

# Mass erase of both banks (MER1 | MER2).
expect_ok "${P[@]}" erase
expect_out "erased the whole flash (2 MiB at 0x08000000)"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 2m
all_ff "$WORK/flash.bin" || fail "flash not blank after the mass erase of both banks"
pass "f767/$mode: two banks: mass erase"

# Back to one bank; boot addresses and dual boot.
expect_ok "${P[@]}" options --ndbank 1 --ndboot 0 --boot-add0 0x08000000 --boot-add1 0x00100000
expect_out "bank layout:       one bank (nDBANK 1)"
expect_out "dual boot:         on (nDBOOT 0)"
expect_out "boot address:      0x08000000 with BOOT0 low (BOOT_ADD0 0x2000), 0x00100000 with BOOT0 high (BOOT_ADD1 0x0040)"
expect_ok "${P[@]}" options --json
expect_json boot_add0 0x08000000
expect_json ndboot false
expect_ok "${P[@]}" info
expect_out "sectors from 32 KiB"
random_file "$WORK/img.bin" 70000
expect_ok "${P[@]}" -v write "$WORK/img.bin" 0x0801c000
expect_err "2 of 2 sectors to program are erased already: not erased"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" 0x0801c000 70000
expect_same "$WORK/flash.bin" "$WORK/img.bin"
expect_rc 1 "${P[@]}" options --boot-add0 0x08001000
expect_err "multiple of 16 KiB"
expect_ok "${P[@]}" options --ndboot 1 --boot-add0 0x00200000
expect_out "dual boot:         off (nDBOOT 1)"
pass "f767/$mode: back to one bank; boot addresses and dual boot"

# Lock (level 1) and unlock, which erases the whole flash.
expect_ok "${P[@]}" lock --allow-read-protect
expect_rc 6 "${P[@]}" read "$WORK/x.bin" $FLASH 16
expect_err "read protected"
expect_ok "${P[@]}" unlock --yes
expect_out "read protection removed"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 2m
all_ff "$WORK/flash.bin" || fail "the flash is not erased after unlock"
pass "f767/$mode: lock and unlock (the chip erases its flash)"

# Options that only the F76x/F77x and the F7 have are refused elsewhere.
expect_rc 2 --probe sim:stm32f407vg options --ndbank 0
expect_err "no nDBANK/nDBOOT option bits"
expect_rc 2 --probe sim:stm32f407vg options --boot-add0 0x08000000
expect_err "no boot address option bytes"
pass "f767/$mode: --ndbank and --boot-add0 refused on an F407"
