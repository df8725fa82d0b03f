#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32f0x.cfg, target/stm32f3x.cfg), hla
# over the daemon's TCP port, on the virtual STM32F051R8 (Cortex-M0) and STM32F303VC
# (Cortex-M4F): identification, mass erase, an image written, verified and read back byte-exact,
# a page erase, and the level 1 unlock (a mass erase when RDP goes back to 0xAA, RM0091 §3.3.1).
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32f051r8 or stm32f303vc}
case "$chip" in
stm32f051r8) OCD_TARGET=stm32f0x.cfg core="Cortex-M0 r0p0" bps="4 breakpoints, 2 watchpoints"
             idcode=0x20006440 kib=64 page=1024 ;;
stm32f303vc) OCD_TARGET=stm32f3x.cfg core="Cortex-M4 r0p1" bps="6 breakpoints, 4 watchpoints"
             idcode=0x10036422 kib=256 page=2048 ;;
*) fail "chip '$chip': give stm32f051r8 or stm32f303vc" ;;
esac
flash_bytes=$((kib * 1024))
# An image over several pages, ending inside one (an even size: OpenOCD pads an odd one to the
# half-word it programs, and says so).
size=$((5 * page + 334))
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/image.bin" "$chip" "$size"
image="$WORK/image.bin"

start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/flash.log" 'reset halt' 'flash probe 0' 'stm32f1x mass_erase 0' \
    "flash write_image $image 0x08000000" "verify_image $image 0x08000000" \
    "flash read_bank 0 $WORK/read1.bin" || fail "openocd session failed"
expect_log "$WORK/flash.log" "$core processor detected"
expect_log "$WORK/flash.log" "target has $bps"
expect_log "$WORK/flash.log" "device id = $idcode"
expect_log "$WORK/flash.log" "flash size = $kib KiB"
expect_log "$WORK/flash.log" "stm32x mass erase complete"
expect_log "$WORK/flash.log" "wrote $size bytes from file"
expect_log "$WORK/flash.log" "verified $size bytes"
[ "$(stat -c %s "$WORK/read1.bin")" = "$flash_bytes" ] || fail "read_bank did not read $kib KiB"
expect_image_then_erased "$WORK/read1.bin" "$image"
stats=$(ctl stats 0)
[ "$(json_get "$stats" mass_erases)" = 1 ] || fail "expected one mass erase: $stats"
[ "$(json_get "$stats" halfwords_programmed)" -ge $(((5 * page) / 2)) ] ||
    fail "too few half-words programmed: $stats"
pass "$chip: identified, mass erase, write_image, verify_image, read_bank byte-exact"

# Erase the second page: it reads erased, its neighbours keep the image.
ocd_hla "$WORK/page.log" halt "flash erase_address 0x$(printf %08x $((0x08000000 + page))) $page" \
    "flash read_bank 0 $WORK/read2.bin 0 $((4 * page))" || fail "page erase failed"
/usr/bin/python3 - "$WORK/read2.bin" "$image" "$page" <<'PY' || fail "page erase changed the wrong bytes"
import sys
flash, image, page = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), int(sys.argv[3])
want = image[:page] + b'\xff' * page + image[2 * page:4 * page]
sys.exit(0 if flash == want else "second page not erased or neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" pages_erased)" = 1 ] || fail "expected one page erase: $(ctl stats 0)"
pass "$chip: page erase"

# Level 1: the flash cannot be read; unlock erases it and level 0 loads at the next reset.
stop_sim
start_sim --chip "$chip" --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/locked.log" halt 'stm32f1x options_read 0' "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
expect_log "$WORK/locked.log" "read protection: on"
expect_log "$WORK/locked.log" "error reading to flash"
ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32f1x unlock 0' || fail "unlock failed"
expect_log "$WORK/unlock.log" "stm32x unlocked."
[ "$(json_get "$(ctl status 0)" rdp_level)" = 1 ] || fail "protection dropped before the reset"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not mass-erase: $(ctl stats 0)"
# The F0 loads new option bytes only at power-on or through OBL_LAUNCH, not at a system reset
# (RM0091 §4); the F3 at every reset (RM0316 §4). OpenOCD's options_load sets OBL_LAUNCH.
ocd_hla "$WORK/after.log" halt 'stm32f1x options_load 0' 'reset halt' 'stm32f1x options_read 0' \
    "flash read_bank 0 $WORK/after.bin" || fail "session after the option-byte load failed"
expect_log "$WORK/after.log" "read protection: off"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
pass "$chip: level 1 refuses reads; unlock mass-erases; level 0 after OBL_LAUNCH"
