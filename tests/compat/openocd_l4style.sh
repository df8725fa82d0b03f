#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32g0x.cfg, target/stm32l4x.cfg), hla
# over the daemon's TCP port, on the virtual STM32G071RB (Cortex-M0+), STM32G0B1RE (Cortex-M0+, two
# banks) and STM32L476RG (Cortex-M4F, two banks): identification, mass erase, an image written,
# verified and read back byte-exact, a page erase (in bank 2 on the G0B1 and L476), and the level 1
# unlock (a mass erase when RDP goes back to 0xAA, RM0444 §3.4.1, RM0351 §3.5.1).
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32g071rb, stm32g0b1re or stm32l476rg}
case "$chip" in
stm32g071rb) OCD_TARGET=stm32g0x.cfg core="Cortex-M0+ r0p1" bps="4 breakpoints, 2 watchpoints"
             idcode=0x20006460 kib=128 page=2048 erase_at=$((0x08000000 + 2048)) ;;
stm32l476rg) OCD_TARGET=stm32l4x.cfg core="Cortex-M4 r0p1" bps="6 breakpoints, 4 watchpoints"
             idcode=0x10076415 kib=1024 page=2048 erase_at=$((0x08080000 + 2048)) ;;
stm32g0b1re) OCD_TARGET=stm32g0x.cfg core="Cortex-M0+ r0p1" bps="4 breakpoints, 2 watchpoints"
             idcode=0x10006467 kib=512 page=2048 erase_at=$((0x08040000 + 2048)) ;;
*) fail "chip '$chip': give stm32g071rb, stm32g0b1re or stm32l476rg" ;;
esac
flash_bytes=$((kib * 1024))
# An image over several pages, ending inside one (a multiple of the double word OpenOCD
# programs); on the L476 it runs across the bank boundary at 0x08080000.
case "$chip" in
stm32l476rg) base=$((0x08080000 - 3 * page)) ;;
stm32g0b1re) base=$((0x08040000 - 3 * page)) ;;
*) base=$((0x08000000)) ;;
esac
size=$((6 * page + 336))
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/image.bin" "$chip" "$size"
image="$WORK/image.bin"
hbase=0x$(printf %08x $base)

start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/flash.log" 'reset halt' 'flash probe 0' 'stm32l4x mass_erase 0' \
    "flash write_image $image $hbase" "verify_image $image $hbase" \
    "flash read_bank 0 $WORK/read1.bin" || fail "openocd session failed"
expect_log "$WORK/flash.log" "$core processor detected"
expect_log "$WORK/flash.log" "target has $bps"
expect_log "$WORK/flash.log" "device idcode = $idcode"
expect_log "$WORK/flash.log" "flash size = $kib KiB"
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
    fail "too few double words programmed: $stats"
pass "$chip: identified, mass erase, write_image, verify_image, read_bank byte-exact"

# Erase one page: it reads erased, its neighbours keep the image.
off=$((erase_at - base))
ocd_hla "$WORK/page.log" halt "flash erase_address 0x$(printf %08x $erase_at) $page" \
    "flash read_bank 0 $WORK/read2.bin $((base - 0x08000000)) $((6 * page))" || fail "page erase failed"
/usr/bin/python3 - "$WORK/read2.bin" "$image" "$page" "$off" <<'PY' || fail "page erase changed the wrong bytes"
import sys
flash, image, page, off = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), int(sys.argv[3]), int(sys.argv[4])
want = image[:off] + b'\xff' * page + image[off + page:6 * page]
sys.exit(0 if flash == want else "the page is not erased or its neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" pages_erased)" = 1 ] || fail "expected one page erase: $(ctl stats 0)"
pass "$chip: page erase at 0x$(printf %08x $erase_at)"

# Level 1: the flash cannot be read; unlock erases it and level 0 loads with the option bytes.
stop_sim
start_sim --chip "$chip" --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/locked.log" halt "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32l4x unlock 0' || fail "unlock failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not mass-erase: $(ctl stats 0)"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 1 ] || fail "protection dropped before the option load"
# OBL_LAUNCH resets the chip under OpenOCD's feet: the session may end with an error.
ocd_hla "$WORK/obl.log" halt 'stm32l4x option_load 0' || true
ocd_hla "$WORK/after.log" 'reset halt' "flash read_bank 0 $WORK/after.bin" ||
    fail "session after the option load failed"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 0 ] || fail "level 0 not in force: $(ctl status 0)"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
pass "$chip: level 1 refuses reads; unlock mass-erases; level 0 after the option load"
