#!/usr/bin/env bash
# stflash on the F0 and F3 boards (the STM32F051R8, Cortex-M0, 1 KiB pages; the STM32F303VC,
# Cortex-M4F, 2 KiB pages), in-process: info, the whole flash written and read back, images in
# every format at a page boundary and at odd sizes, verify, range and mass erase, over one
# transport: in-process (sim, the default), over TCP (a stflash-sim daemon) or over USB (the
# stand-in libusb presenting the daemon's probe). Then the daemon's read protection level 2: the
# debugger cannot connect at all.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32f051r8 or stm32f303vc}
mode=${2:-sim}
case "$chip" in
stm32f051r8) kib=64 page=1024 family=STM32F0 core="Cortex-M0 r0p0" dev=0x440 ;;
stm32f303vc) kib=256 page=2048 family=STM32F3 core="Cortex-M4 r0p1" dev=0x422 ;;
*) fail "chip '$chip': give stm32f051r8 or stm32f303vc" ;;
esac
case "$mode" in
sim) P=(--probe "sim:$chip") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
usb)
    start_sim --chip "$chip"
    export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
    P=(--probe usb)
    ;;
*) fail "transport '$mode': give sim, tcp or usb" ;;
esac
FLASH=0x08000000
bytes=$((kib * 1024))

expect_ok "${P[@]}" info
expect_out "$family"
expect_out "DEV_ID:            $dev"
expect_out "($core)"
expect_out "$kib KiB ($bytes bytes) at 0x08000000, $((page / 1024)) KiB pages"
pass "$chip/$mode: info"

random_file "$WORK/background.bin" "$bytes"
expect_ok "${P[@]}" write "$WORK/background.bin" $FLASH
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "$chip/$mode: whole flash written and read back"

n=0
for c in "$((0x08000000 + page - 16)) 32" "$((0x08000000 + 3 * page + 1)) 777" \
         "$((0x08000000 + bytes - 2)) 2" "$((0x08000000 + 7)) $((2 * page + 3))"; do
    set -- $c
    addr=$(printf 0x%08x "$1") size=$2
    for fmt in bin hex elf; do
        n=$((n + 1))
        name="img$n"
        random_file "$WORK/$name.bin" "$size"
        make_variants "$name" "$addr"
        if [ "$fmt" = bin ]; then
            expect_ok "${P[@]}" write "$WORK/$name.bin" "$addr"
            expect_ok "${P[@]}" verify "$WORK/$name.bin" "$addr"
        else
            expect_ok "${P[@]}" write "$WORK/$name.$fmt"
            expect_ok "${P[@]}" verify "$WORK/$name.$fmt"
        fi
        expect_out "identical"
        patched "$WORK/expected.bin" $((addr - FLASH)) "$WORK/$name.bin" "$WORK/expected.bin"
        expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
        expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    done
    pass "$chip/$mode: $size byte(s) at $addr in bin, ihex and elf: written, kept around, verified"
done

# verify notices a difference.
printf '\x5a' >"$WORK/one.bin"
expect_ok "${P[@]}" -q write "$WORK/one.bin" 0x08000123
printf '\xa5' >"$WORK/other.bin"
expect_rc 5 "${P[@]}" verify "$WORK/other.bin" 0x08000123
expect_err "0x08000123"
patched "$WORK/expected.bin" 0x123 "$WORK/one.bin" "$WORK/expected.bin"
pass "$chip/$mode: verify failure names the address"

# A range erase takes the pages it touches, nothing else.
first=$(printf 0x%08x $((0x08000000 + 2 * page - 4)))
expect_ok "${P[@]}" erase "$first" 8
expect_out "(2 pages)"
erased_pages "$WORK/expected.bin" 1 2 "$page" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
pass "$chip/$mode: range erase across a page boundary"

expect_ok "${P[@]}" erase
expect_out "erased the whole flash ($kib KiB at 0x08000000)"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "$bytes"
all_ff "$WORK/flash.bin" || fail "flash not blank after mass erase"
pass "$chip/$mode: mass erase"

# Level 2 (RDP 0xCC) switches the debug port off for good; the F1 has no level 2.
[ "$mode" = sim ] || exit 0
unset LD_LIBRARY_PATH
start_sim --chip "$chip" --rdp 2
expect_rc 4 --probe "tcp:127.0.0.1:$SIM_PORT" info
expect_err "the target does not answer on SWD"
[ "$(board_field 0 rdp_level)" = 2 ] || fail "the board is not at level 2"
! "$STFLASH_SIM" --port 0 --control-port -1 --chip stm32f103c8 --rdp 2 >"$WORK/f1.out" 2>"$WORK/f1.err" ||
    fail "an F1 board started with level 2"
grep -qF "level 2 exists on the F0 and F3" "$WORK/f1.err" || fail "no reason given: $(cat "$WORK/f1.err")"
pass "$chip/$mode: level 2 locks the debugger out; the F1 refuses it"
