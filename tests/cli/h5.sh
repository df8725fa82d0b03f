#!/usr/bin/env bash
# stflash on the simulated STM32H563ZI (the H5 flash controller: quad words with ECC, two banks
# of 128 x 8 KiB sectors, product state instead of RDP), in-process (sim) or through the daemon
# (tcp): info; an image across the bank boundary written and read back; a sector-boundary-crossing
# image keeping the untouched bytes of the sectors it touches; a range erase across the banks; the
# options decoded (product state open); a product-state change refused without
# --allow-product-state, made with it, and undone by 'unlock' (which erases the flash); a WRP
# group refusing writes; SWAP_BANK: bank 2 at the flash base after the reset, a sector erase there
# taking the physical bank 2; mass erase.
. "$(dirname "$0")/lib.sh"
chip=stm32h563zi
mode=${1:?sim or tcp}
case "$mode" in
sim) P=(--probe "sim:$chip") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
FLASH=0x08000000
bank2=0x08100000
page=8192
bytes=$((2048 * 1024))
lo=$((bank2 - 16 * page)) span=$((32 * page))
LO=$(printf 0x%08x $lo)

expect_ok "${P[@]}" info
expect_out "family:            STM32H5"
expect_out "DEV_ID:            0x484"
expect_out "(Cortex-M33 r0p4)"
expect_out "2 MiB ($bytes bytes) at 0x08000000, 8 KiB pages"
expect_out "flash size:        from the flash-size register: 0x0800 (2048 KiB)"
pass "$mode: info"

random_file "$WORK/background.bin" "$span"
expect_ok "${P[@]}" write "$WORK/background.bin" "$LO"
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$mode: $((span / 1024)) KiB across the bank boundary $bank2 written and read back"

# Images that cross sector boundaries or cover part of a quad word: the sectors they touch are
# erased and the bytes around them programmed back.
n=0
for c in "$((lo + page - 12)) 24" "$((lo + 3 * page - 5)) $((page + 11))" \
         "$((bank2 - 7)) 19" "$((lo + span - 3)) 3"; do
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
    pass "$mode: $size byte(s) at $addr written, the rest of the sectors kept"
done

first=$((bank2 - 4))
expect_ok "${P[@]}" erase "$(printf 0x%08x $first)" $((page + 8))
expect_out "(3 pages)"
erased_pages "$WORK/expected.bin" 15 3 "$page" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$mode: range erase across $bank2 (the last sector of bank 1, two of bank 2)"

expect_ok "${P[@]}" options
expect_out "product state:     open (PRODUCT_STATE 0xed), read protection level 0"
expect_out "SWAP_BANK:         0 (bank 1 at the flash base)"
expect_out "TrustZone:         off (TZEN 0)"
expect_ok "${P[@]}" options --json
expect_out '"product_state": "0xed", "product_state_name": "open"'
expect_ok "${P[@]}" options --nrst-stop 0
expect_ok "${P[@]}" options
expect_out "nRST_STOP:         0"
expect_ok "${P[@]}" options --nrst-stop 1
pass "$mode: options decoded; a user bit changed and read back"

# The product state: refused without its flag, however asked; made with it; 'unlock' goes back
# to open, which erases the flash.
expect_rc 6 "${P[@]}" options --product-state 0x17
expect_err "confirm with --allow-product-state"
expect_rc 6 "${P[@]}" options --rdp 1 --allow-read-protect
expect_err "read protection is the product state (now 0xed)"
expect_rc 2 "${P[@]}" options --product-state 0x99 --allow-product-state
expect_err "0x99 is no product state"
expect_ok "${P[@]}" options
expect_out "product state:     open (PRODUCT_STATE 0xed)"
expect_ok "${P[@]}" options --product-state 0x17 --allow-product-state
expect_ok "${P[@]}" options
expect_out "product state:     provisioning (PRODUCT_STATE 0x17), read protection level 1"
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" options
expect_out "product state:     open (PRODUCT_STATE 0xed), read protection level 0"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "going back to open did not erase the flash"
pass "$mode: product state refused without --allow-product-state, set with it, unlock erases"

# A write-protected group of sectors refuses writes until removed.
expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
expect_ok "${P[@]}" options
expect_out "WRP 0xfffffffe (bit clear = group protected), 65536-byte groups"
printf '\x5a' >"$WORK/one.bin"
expect_rc 6 "${P[@]}" write "$WORK/one.bin" 0x08000010
expect_err "write protected by the option bytes (sectors 0 to 3 of bank 1"
expect_ok "${P[@]}" options --wrp none
expect_ok "${P[@]}" options
expect_out "WRP 0xffffffff"
pass "$mode: a WRP sector group refuses writes; removed again"

# SWAP_BANK: bank 2 at the flash base from the reset; BKSEL erases the physical bank.
random_file "$WORK/b1.bin" 4096
random_file "$WORK/b2.bin" 4096
expect_ok "${P[@]}" -q write "$WORK/b1.bin" $FLASH
expect_ok "${P[@]}" -q write "$WORK/b2.bin" $bank2
expect_ok "${P[@]}" options --swap-bank 1
expect_ok "${P[@]}" options
expect_out "SWAP_BANK:         1 (bank 2 at the flash base)"
expect_ok "${P[@]}" verify "$WORK/b2.bin" $FLASH
expect_out "identical"
expect_ok "${P[@]}" verify "$WORK/b1.bin" $bank2
expect_out "identical"
expect_ok "${P[@]}" erase $FLASH 16
expect_ok "${P[@]}" verify "$WORK/b1.bin" $bank2
expect_out "identical"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $page
all_ff "$WORK/flash.bin" || fail "the sector at the flash base was not erased"
random_file "$WORK/b3.bin" 5000
expect_ok "${P[@]}" write "$WORK/b3.bin" $((bank2 - 1000))
expect_ok "${P[@]}" verify "$WORK/b3.bin" $((bank2 - 1000))
expect_out "identical"
# Back to no swap: what was written at the end of the flash base's bank is at the end of bank 2,
# what followed it at the start of bank 1, over the rest of b1.
dd if="$WORK/b3.bin" of="$WORK/b3head.bin" bs=1 count=1000 2>/dev/null
dd if="$WORK/b3.bin" of="$WORK/b3tail.bin" bs=1 skip=1000 2>/dev/null
patched "$WORK/b1.bin" 0 "$WORK/b3tail.bin" "$WORK/b1b3.bin"
expect_ok "${P[@]}" options --swap-bank 0
expect_ok "${P[@]}" verify "$WORK/b1b3.bin" $FLASH
expect_out "identical"
expect_ok "${P[@]}" verify "$WORK/b3head.bin" $((0x08200000 - 1000))
expect_out "identical"
pass "$mode: SWAP_BANK 1 maps bank 2 at the flash base; erases and writes follow it; back to 0"

expect_ok "${P[@]}" erase
expect_out "erased the whole flash"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "$mode: mass erase"

# A 512 KiB part (two banks of 32 sectors): a --wrp bit (16 KiB) is finer than a WRP group of
# four sectors, so --wrp is refused with nothing changed, while other option bits still change;
# an image across its bank boundary (0x08040000) goes through both banks.
if [ "$mode" = sim ]; then
    Q=(--probe "sim:$chip,flash-kib=512,state=$WORK/small.state")
    expect_ok "${Q[@]}" info
    expect_out "512 KiB (524288 bytes) at 0x08000000, 8 KiB pages"
    expect_rc 1 "${Q[@]}" options --wrp 0x1 --dangerous-write-protect
    expect_err "a --wrp bit stands for 16 KiB, less than the group of four sectors (32 KiB)"
    expect_ok "${Q[@]}" options
    expect_out "WRP 0xffffffff"
    expect_ok "${Q[@]}" options --nrst-stdby 0
    expect_ok "${Q[@]}" options
    expect_out "nRST_STDBY:        0"
    random_file "$WORK/small.bin" 3000
    expect_ok "${Q[@]}" write "$WORK/small.bin" 0x0803FF00
    expect_ok "${Q[@]}" verify "$WORK/small.bin" 0x0803FF00
    expect_out "identical"
    pass "$mode: 512 KiB: --wrp refused (groups too coarse), other bits changed, both banks written"
fi
