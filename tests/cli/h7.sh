#!/usr/bin/env bash
# stflash on the H7 boards (the STM32H743ZI: two banks of 8 x 128 KiB sectors, bank 2 at
# 0x08100000 with its own registers at 0x52002100, 256-bit flash words; the STM32H7A3ZI: two
# banks of 128 x 8 KiB sectors, 128-bit flash words), in-process or over TCP: info, round trips
# in both banks and across the bank boundary, a one-byte write that keeps the rest of its sector,
# range erase of only the sectors touched, mass erase, option bytes (write protection per sector
# in either bank, boot addresses, bank swap shown), a write under a hardware-started watchdog,
# lock and unlock, SWAP_BANK changed and applied at the reset.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32h743zi or stm32h7a3zi}
mode=${2:-sim}
case "$chip" in
stm32h743zi) dev=0x450 name="STM32H74x/H75x" sector=128 word=32 ;;
stm32h7a3zi) dev=0x480 name="STM32H7Ax/H7Bx" sector=8 word=16 ;;
*) fail "chip '$chip': give stm32h743zi or stm32h7a3zi" ;;
esac
case "$mode" in
sim) P=(--probe "sim:$chip,state=$WORK/board.state") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
FLASH=0x08000000
BANK2=0x08100000
KIB=1024
S=$((sector * KIB))

expect_ok "${P[@]}" info
expect_out "$name"
expect_out "DEV_ID:            $dev"
expect_out "CPUID:             0x411fc271 (Cortex-M7 r1p1)"
expect_out "2 MiB (2097152 bytes) at 0x08000000, sectors from $sector KiB"
expect_out "read protection:   level 0"
pass "$chip/$mode: info"

# A background over the last two sectors of bank 1 and the first two of bank 2: one program job
# per bank, each through its bank's registers.
bg=$((4 * S))
base=$((0x08100000 - 2 * S))
random_file "$WORK/background.bin" $bg
expect_ok "${P[@]}" -v write "$WORK/background.bin" $base
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $base $bg
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$chip/$mode: $((bg / KIB)) KiB across the bank boundary written and read back"

# One byte in a bank-1 and in a bank-2 sector: only that sector is erased, the rest of it kept;
# the byte's flash word is programmed whole.
for at in $((base + 0x4321)) $((0x08100000 + S + 0x1234)); do
    printf '\x5a' >"$WORK/one.bin"
    expect_ok "${P[@]}" -v write "$WORK/one.bin" $at
    expect_err "erasing 1 sector: 1 x $sector KiB"
    patched "$WORK/expected.bin" $((at - base)) "$WORK/one.bin" "$WORK/expected.bin"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $base $bg
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
done
pass "$chip/$mode: one byte in a bank-1 and a bank-2 sector, the rest of each sector kept"

# Images that do not start or end on a flash word, in every format, in bank 2.
n=0
for c in "$((0x08100000 + S - 7)) 40" "$((0x08100000 + 3)) 1001"; do
    set -- $c
    addr=$(printf '0x%08x' $1) size=$2
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
        patched "$WORK/expected.bin" $(($1 - base)) "$WORK/img$n.bin" "$WORK/expected.bin"
        expect_ok "${P[@]}" -q read "$WORK/flash.bin" $base $bg
        expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    done
done
pass "$chip/$mode: unaligned images in bank 2 in bin, ihex and elf"

# A range erase takes the sectors it touches (the last of bank 1, the first of bank 2).
expect_ok "${P[@]}" erase $((0x08100000 - 16)) 32
expect_out "(2 sectors)"
erased_pages "$WORK/expected.bin" 1 1 $S "$WORK/expected.bin"
erased_pages "$WORK/expected.bin" 2 1 $S "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $base $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$chip/$mode: range erase of one sector in each bank"

# Option bytes as shipped, and write protection of sector 1 of bank 2.
expect_ok "${P[@]}" options
expect_out "read protection:   level 0 (RDP byte 0xaa)"
expect_out "boot address:      0x08000000 with BOOT0 low (BOOT_ADD0 0x0800), 0x1ff00000 with BOOT0 high (BOOT_ADD1 0x1ff0)"
expect_out "SWAP_BANK:         0 (bank 1 at the flash base)"
expect_out "brown-out reset:   off (BOR_LEV 00)"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_json swap_bank false
expect_json boot_add0 0x08000000
expect_json boot_add1 0x1ff00000
expect_rc 1 "${P[@]}" options --boot-add0 0x08100000
expect_err "boot addresses (FLASH_BOOT_PRG BOOT_ADD0/1) are not written here"
# H743: one bit per sector, bank 2 from bit 8; H7A3: one bit per 64 KiB (two WPSGN bits of
# four 8 KiB sectors), bank 2 from bit 16.
if [ "$chip" = stm32h743zi ]; then
    bit=9 wrp=0xfffffdff
else
    bit=16 wrp=0xfffeffff
fi
what="sector 1 of bank 2"
prot_at=$((0x08100000 + S))
expect_ok "${P[@]}" options --wrp $((1 << bit)) --dangerous-write-protect
expect_ok "${P[@]}" options --json
expect_json wrp $wrp
expect_rc 6 "${P[@]}" write "$WORK/one.bin" $prot_at
expect_err "$what is write protected by the option bytes (FLASH_WPSN_CUR2R"
expect_rc 6 "${P[@]}" erase $prot_at 1
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $base $bg
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
expect_ok "${P[@]}" -q write "$WORK/one.bin" $((0x08100000 - 1))
patched "$WORK/expected.bin" $((0x08100000 - 1 - base)) "$WORK/one.bin" "$WORK/expected.bin"
expect_ok "${P[@]}" options --wrp none --nrst-stop 0
expect_out "write protection:  none"
expect_out "nRST_STOP:         0"
pass "$chip/$mode: options: write protection of a bank-2 sector refuses writes and erases"

# IWDG1 started at every reset (IWDG1_SW = 0, ~0.4 s at its reset settings): frozen while the
# core is halted (DBGMCU_APB4FZ1) and reloaded around the loader runs, so a write of more than a
# second still succeeds; without the freeze and reload the daemon's board resets in the middle of
# the job (PGSERR once the reset has locked FLASH_CR1). Over TCP, where one board lives through
# the whole run (between the commands the watchdog resets the idle chip, as it would a real one).
if [ "$mode" = tcp ]; then
expect_ok "${P[@]}" options --wdg-sw 0
expect_out "watchdog:          started at reset (hardware) (WDG_SW 0)"
random_file "$WORK/long.bin" $((384 * KIB))
expect_ok "${P[@]}" -q write "$WORK/long.bin" $FLASH
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((384 * KIB))
expect_same "$WORK/flash.bin" "$WORK/long.bin"
expect_ok "${P[@]}" options --wdg-sw 1
expect_out "watchdog:          started by software (WDG_SW 1)"
pass "$chip/$mode: a long write under a hardware-started IWDG1"
fi

# Lock (level 1): reads and writes refused; unlock erases both banks.
expect_rc 6 "${P[@]}" lock
expect_ok "${P[@]}" lock --allow-read-protect
expect_ok "${P[@]}" options --json
expect_json rdp_level 1
expect_rc 6 "${P[@]}" read "$WORK/x.bin" $FLASH 16
expect_err "read protected"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" $FLASH
expect_ok "${P[@]}" unlock --yes
expect_out "read protection removed"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_json nrst_stop false
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 2m
all_ff "$WORK/flash.bin" || fail "the flash is not erased after unlock"
pass "$chip/$mode: lock and unlock (the chip erases both banks)"

# Mass erase: a bank erase in each bank at once.
expect_ok "${P[@]}" -q write "$WORK/background.bin" $base
expect_ok "${P[@]}" -q write "$WORK/one.bin" $FLASH
expect_ok "${P[@]}" erase
expect_out "erased the whole flash (2 MiB at 0x08000000)"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 2m
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "$chip/$mode: mass erase of both banks"

# SWAP_BANK: stored by 'options --swap-bank 1', in force from the reset that loads it (RM0433
# §4.3.13): bank 2 at the flash base; an erase and a write there go to the physical bank 2
# through its registers, and swapping back shows them at 0x08100000.
random_file "$WORK/b1.bin" 4096
random_file "$WORK/b2.bin" 4096
random_file "$WORK/b3.bin" 300
expect_ok "${P[@]}" -q write "$WORK/b1.bin" $FLASH
expect_ok "${P[@]}" -q write "$WORK/b2.bin" $BANK2
expect_ok "${P[@]}" options --swap-bank 1
expect_out "SWAP_BANK:         1 (bank 2 at the flash base)"
expect_ok "${P[@]}" verify "$WORK/b2.bin" $FLASH
expect_out "identical"
expect_ok "${P[@]}" verify "$WORK/b1.bin" $BANK2
expect_out "identical"
expect_ok "${P[@]}" erase $FLASH 16
expect_ok "${P[@]}" verify "$WORK/b1.bin" $BANK2
expect_out "identical"
expect_ok "${P[@]}" -q write "$WORK/b3.bin" $((FLASH + 256))
expect_ok "${P[@]}" options --swap-bank 0
expect_out "SWAP_BANK:         0 (bank 1 at the flash base)"
expect_ok "${P[@]}" verify "$WORK/b1.bin" $FLASH
expect_out "identical"
expect_ok "${P[@]}" verify "$WORK/b3.bin" $((BANK2 + 256))
expect_out "identical"
pass "$chip/$mode: SWAP_BANK set and cleared; erase and write follow the swapped banks"
