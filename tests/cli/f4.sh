#!/usr/bin/env bash
# stflash on the F4 boards (the STM32F407VG of the F4-Discovery: 1 MiB in 4x16+64+7x128 KiB
# sectors; the STM32F429ZI: two banks of 12 sectors, bank 2 at 0x08100000; the STM32F411RE of the
# NUCLEO-F411RE: 512 KiB in 4x16+64+3x128 KiB sectors), in-process or over
# TCP: info, round trips across sector boundaries (and the bank boundary), a one-byte write that
# keeps the rest of its 16 KiB and 128 KiB sectors, range erase of only the sectors touched, mass
# erase, the program width from the supply voltage (x16, x8), option bytes (write protection per
# sector, BOR, no user data), lock and unlock.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32f407vg, stm32f429zi or stm32f411re}
mode=${2:-sim}
case "$chip" in
stm32f407vg) kib=1024 flash_text="1 MiB" dev=0x413 name="STM32F40x/F41x" ;;
stm32f429zi) kib=2048 flash_text="2 MiB" dev=0x419 name="STM32F42x/F43x" ;;
stm32f411re) kib=512 flash_text="512 KiB" dev=0x431 name="STM32F411" ;;
*) fail "chip '$chip': give stm32f407vg, stm32f429zi or stm32f411re" ;;
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
KIB=1024

expect_ok "${P[@]}" info
expect_out "$name"
expect_out "DEV_ID:            $dev"
expect_out "$flash_text ($((kib * KIB)) bytes) at 0x08000000, sectors from 16 KiB"
expect_out "read protection:   level 0"
pass "$chip/$mode: info"

# A background over sectors 0-6 (4x16 + 64 + 2x128 KiB = 384 KiB).
bg=$((384 * KIB))
random_file "$WORK/background.bin" $bg
expect_ok "${P[@]}" -v write "$WORK/background.bin" $FLASH
expect_out "verified"
expect_err "programming x32 (PSIZE 2) for a 3.30 V supply"
expect_err "7 of 7 sectors to program are erased already: not erased"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$chip/$mode: 384 KiB over seven sectors of three sizes written and read back"

# One byte in a 16 KiB sector and one in a 128 KiB sector: only that sector is erased, the rest
# of it is kept.
for at in 0x08004321 0x08031234; do
    printf '\x5a' >"$WORK/one.bin"
    expect_ok "${P[@]}" -v write "$WORK/one.bin" $at
    if [ $at = 0x08004321 ]; then
        expect_err "erasing 1 sector: 1 x 16 KiB"
    else
        expect_err "erasing 1 sector: 1 x 128 KiB"
    fi
    patched "$WORK/expected.bin" $((at - FLASH)) "$WORK/one.bin" "$WORK/expected.bin"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
done
pass "$chip/$mode: one byte in a 16 KiB and in a 128 KiB sector, the rest of each sector kept"

# Images across sector boundaries (16|16, 16|64, 64|128 KiB) in every format.
n=0
for c in "0x08003ff0 40" "0x0800bf01 20000" "0x0801fffe 5"; do
    set -- $c
    addr=$1 size=$2
    for fmt in bin hex elf; do
        n=$((n + 1))
        random_file "$WORK/img$n.bin" "$size"
        make_variants "img$n" "$addr"
        if [ "$fmt" = bin ]; then
            expect_ok "${P[@]}" write "$WORK/img$n.bin" "$addr"
            expect_ok "${P[@]}" verify "$WORK/img$n.bin" "$addr"
        else
            expect_ok "${P[@]}" write "$WORK/img$n.$fmt"
            expect_ok "${P[@]}" verify "$WORK/img$n.$fmt"
        fi
        expect_out "identical"
        patched "$WORK/expected.bin" $((addr - FLASH)) "$WORK/img$n.bin" "$WORK/expected.bin"
        expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
        expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    done
    pass "$chip/$mode: $size byte(s) at $addr across a sector boundary in bin, ihex and elf"
done

# A range erase takes the sectors it touches (3 and 4: 16 and 64 KiB), nothing else.
expect_ok "${P[@]}" erase 0x0800fff0 0x20
expect_out "erased 0x0800c000..0x0801ffff (2 sectors)"
expect_err "erasing whole sectors"
erased_pages "$WORK/expected.bin" 3 1 $((16 * KIB)) "$WORK/expected.bin"
erased_pages "$WORK/expected.bin" 1 1 $((64 * KIB)) "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$chip/$mode: range erase of a 16 KiB and a 64 KiB sector"

if [ "$chip" = stm32f429zi ]; then
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
    # The sectors before are untouched by all this.
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    pass "$chip/$mode: round trip and sector erase across the bank boundary"

    # Bank-2 write protection lives in FLASH_OPTCR1: bit 12 is sector 12.
    expect_ok "${P[@]}" options --wrp 0x1000 --dangerous-write-protect
    expect_out "write protection:  sector 12"
    expect_rc 6 "${P[@]}" write "$WORK/cross.bin" 0x08100000
    expect_err "sector 12 is write protected by the option bytes (FLASH_OPTCR1"
    expect_ok "${P[@]}" -q write "$WORK/cross.bin" 0x080f0000
    expect_ok "${P[@]}" options --wrp none
    expect_out "write protection:  none"
    pass "$chip/$mode: write protection of a bank-2 sector"
fi

# Option bytes: the F407's as shipped, write protection of sector 1, the user bits.
expect_ok "${P[@]}" options
expect_out "read protection:   level 0 (RDP byte 0xaa)"
expect_out "one bit per sector"
expect_out "brown-out reset:"
grep -qF "user data" "$WORK/out" && fail "user data shown for a chip that has none"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_json wrp_group_size 0
expect_rc 2 "${P[@]}" options --data0 5
expect_err "no user data option bytes"
expect_ok "${P[@]}" options --wrp 0x2 --dangerous-write-protect
expect_out "write protection:  sector 1"
expect_ok "${P[@]}" options --json
expect_json wrp 0xfffffffd
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08004000
expect_err "sector 1 is write protected by the option bytes"
expect_rc 6 "${P[@]}" erase 0x08007000 1
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
expect_ok "${P[@]}" options --wrp none --nrst-stop 0
expect_out "write protection:  none"
expect_out "nRST_STOP:         0"
pass "$chip/$mode: options: write protection per sector refuses writes and erases; user bits"

# Lock (level 1): reads and writes refused; unlock erases everything.
expect_rc 6 "${P[@]}" lock
expect_ok "${P[@]}" lock --allow-read-protect
expect_ok "${P[@]}" options --json
expect_json rdp_level 1
expect_rc 6 "${P[@]}" read "$WORK/x.bin" $FLASH 16
expect_err "read protected"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08004000
expect_ok "${P[@]}" unlock --yes
expect_out "read protection removed"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_json nrst_stop false
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((kib * KIB))
all_ff "$WORK/flash.bin" || fail "the flash is not erased after unlock"
pass "$chip/$mode: lock and unlock (the chip erases its flash)"

# Mass erase (MER, and MER1 for bank 2 of the F429).
expect_ok "${P[@]}" -q write "$WORK/background.bin" $FLASH
[ "$chip" = stm32f429zi ] && expect_ok "${P[@]}" -q write "$WORK/bank.bin" 0x080e0000
expect_ok "${P[@]}" erase
expect_out "erased the whole flash ($flash_text at 0x08000000)"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((kib * KIB))
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "$chip/$mode: mass erase"

# Below 2.7 V the program width drops to x16, below 2.1 V to x8 (RM0090 Table 6); the board
# refuses a store of another width than PSIZE (PGPERR).
if [ "$mode" = sim ]; then
    for v in 2.4 1.9; do
        Pv=(--probe "sim:$chip,voltage=$v,state=$WORK/v$v.state")
        random_file "$WORK/v.bin" 20001
        expect_ok "${Pv[@]}" -v write "$WORK/v.bin" 0x08003001
        if [ $v = 2.4 ]; then
            expect_err "programming x16 (PSIZE 1) for a 2.40 V supply"
        else
            expect_err "programming x8 (PSIZE 0) for a 1.90 V supply"
        fi
        expect_ok "${Pv[@]}" -q read "$WORK/flash.bin" 0x08003001 20001
        expect_same "$WORK/flash.bin" "$WORK/v.bin"
    done
    pass "$chip/$mode: written at 2.4 V (x16) and 1.9 V (x8)"
fi
