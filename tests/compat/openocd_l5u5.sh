#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32u5x.cfg, target/stm32l5x.cfg), hla
# over the daemon's TCP port, on the virtual STM32U575ZI (quad words, two banks of 8 KiB pages)
# and STM32L552ZE (double words, DBANK: two banks of 2 KiB pages), both Cortex-M33 with TZEN 0:
# identification (DEV_ID at 0xE0044000, TrustZone off, the core in the Non-secure state), mass
# erase, an image across the bank boundary written, verified and read back byte-exact, a page
# erase in bank 2, a hardware breakpoint through the FPBv2 (FP_COMPn = address | BE) stopping
# the core in SRAM, and the level 1 unlock (a mass erase as RDP goes back to 0xAA, RM0438 §6.6.2,
# RM0456 §7.6.2).
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32u575zi or stm32l552ze}
case "$chip" in
stm32u575zi) OCD_TARGET=stm32u5x.cfg core="Cortex-M33 r0p4" idcode=0x20010482 kib=2048 page=8192
             bank2=$((0x08100000)) ;;
stm32l552ze) OCD_TARGET=stm32l5x.cfg core="Cortex-M33 r0p2" idcode=0x20000472 kib=512 page=2048
             bank2=$((0x08040000)) ;;
*) fail "chip '$chip': give stm32u575zi or stm32l552ze" ;;
esac
flash_bytes=$((kib * 1024))
base=$((bank2 - 3 * page))
size=$((6 * page + 336))
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/image.bin" "$chip" "$size"
image="$WORK/image.bin"
hbase=0x$(printf %08x $base)

start_sim --chip "$chip"
# Through the DAP (stlink-dap): the ARMv8-M banked registers; with TrustZone off the core runs
# Non-secure, so MSP_NS is the live MSP (the erased vector table gives 0xfffffffc) and MSP_S 0.
ocd_dap "$WORK/dap.log" 'reset halt' 'reg msp_ns' 'reg msp_s' || fail "openocd dap session failed"
expect_log "$WORK/dap.log" "CPU in Non-Secure state"
expect_log "$WORK/dap.log" "msp_ns (/32): 0xfffffffc"
expect_log "$WORK/dap.log" "msp_s (/32): 0x00000000"
pass "$chip: stlink-dap: Non-secure state, banked stack pointers"
ocd_hla "$WORK/flash.log" 'reset halt' 'flash probe 0' 'stm32l4x mass_erase 0' \
    "flash write_image $image $hbase" "verify_image $image $hbase" \
    "flash read_bank 0 $WORK/read1.bin" || fail "openocd session failed"
expect_log "$WORK/flash.log" "$core processor detected"
expect_log "$WORK/flash.log" "target has 8 breakpoints, 4 watchpoints"
expect_log "$WORK/flash.log" "CPU in Non-Secure state"
expect_log "$WORK/flash.log" "device idcode = $idcode"
expect_log "$WORK/flash.log" "TZEN = 0"
expect_log "$WORK/flash.log" "flash size = $kib KiB"
expect_log "$WORK/flash.log" "flash mode : dual-bank"
expect_log "$WORK/flash.log" "wrote $size bytes from file"
expect_log "$WORK/flash.log" "verified $size bytes"
[ "$(stat -c %s "$WORK/read1.bin")" = "$flash_bytes" ] || fail "read_bank did not read $kib KiB"
/usr/bin/python3 - "$WORK/read1.bin" "$image" $((base - 0x08000000)) <<'PY' || fail "flash contents do not match the image"
import sys
flash, image, off = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), int(sys.argv[3])
if flash[off:off + len(image)] != image:
    sys.exit("image not found at its address")
rest = flash[:off] + flash[off + len(image):]
if rest != b'\xff' * len(rest):
    sys.exit("flash outside the image is not erased")
PY
stats=$(ctl stats 0)
[ "$(json_get "$stats" mass_erases)" -ge 1 ] || fail "expected a mass erase: $stats"
[ "$(json_get "$stats" halfwords_programmed)" -ge $((size / 2)) ] ||
    fail "too few program units: $stats"
pass "$chip: identified, mass erase, write_image across the banks, verify_image, read_bank byte-exact"

# The first page of bank 2 erased: it reads erased, its neighbours keep the image.
off=$((bank2 - base))
ocd_hla "$WORK/page.log" halt "flash erase_address 0x$(printf %08x $bank2) $page" \
    "flash read_bank 0 $WORK/read2.bin $((base - 0x08000000)) $((6 * page))" || fail "page erase failed"
/usr/bin/python3 - "$WORK/read2.bin" "$image" "$page" "$off" <<'PY' || fail "page erase changed the wrong bytes"
import sys
flash, image, page, off = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), int(sys.argv[3]), int(sys.argv[4])
want = image[:off] + b'\xff' * page + image[off + page:6 * page]
sys.exit(0 if flash == want else "the page is not erased or its neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" pages_erased)" = 1 ] || fail "expected one page erase: $(ctl stats 0)"
pass "$chip: page erase at 0x$(printf %08x $bank2) (bank 2)"

# A hardware breakpoint in SRAM (FPBv2 comparators match any address): a two-instruction loop
# (movs r0,#0; adds r0,#1; b .-2) stops at the branch with r0 = 1.
ocd_hla "$WORK/bp.log" 'reset halt' 'mww 0x20000000 0x30012000' 'mww 0x20000004 0xe7fde7fd' \
    'reg pc 0x20000000' 'reg xPSR 0x01000000' 'bp 0x20000004 2 hw' resume 'wait_halt 2000' \
    'reg pc' 'reg r0' 'mdw 0xE0002000' 'mdw 0xE0002008' || fail "breakpoint session failed"
expect_log "$WORK/bp.log" "halted due to breakpoint"
expect_log "$WORK/bp.log" "pc (/32): 0x20000004"
expect_log "$WORK/bp.log" "r0 (/32): 0x00000001"
expect_log "$WORK/bp.log" "0xe0002000: 10000081"  # FP_CTRL: REV 1, 8 comparators, enabled
expect_log "$WORK/bp.log" "0xe0002008: 20000005"  # FP_COMP0: BPADDR | BE
pass "$chip: hardware breakpoint through the FPBv2"

# Level 1: the flash cannot be read; unlock erases it and level 0 loads with the option bytes.
stop_sim
start_sim --chip "$chip" --rdp 1
ocd_hla "$WORK/locked.log" halt "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32l4x unlock 0' || fail "unlock failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not mass-erase: $(ctl stats 0)"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 1 ] || fail "protection dropped before the option load"
ocd_hla "$WORK/obl.log" halt 'stm32l4x option_load 0' || true
ocd_hla "$WORK/after.log" 'reset halt' "flash read_bank 0 $WORK/after.bin" ||
    fail "session after the option load failed"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 0 ] || fail "level 0 not in force: $(ctl status 0)"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
pass "$chip: level 1 refuses reads; unlock mass-erases; level 0 after the option load"
