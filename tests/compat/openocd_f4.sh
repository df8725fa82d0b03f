#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32f4x.cfg: the stm32f2x flash driver
# and its loader, which programs half-words at PSIZE x16), hla over the daemon's TCP port, on the
# virtual F4 parts: identification and the sector map, a mass erase, an image over several sectors
# (16, 64 and 128 KiB ones; on the STM32F429ZI a second one in bank 2) written, verified and read
# back byte-exact, sector erases that keep their neighbours, and the level 1 unlock (RDP
# programmed back to 0xAA through FLASH_OPTCR mass-erases the flash, RM0090 §3.6.3).
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32f407vg, stm32f429zi or stm32f411re}
OCD_TARGET=stm32f4x.cfg
case "$chip" in
stm32f407vg) idcode=0x10076413 kib=1024 sectors=12 ;;
stm32f429zi) idcode=0x20016419 kib=2048 sectors=24 ;;
stm32f411re) idcode=0x10006431 kib=512 sectors=8 ;;
*) fail "chip '$chip': give stm32f407vg, stm32f429zi or stm32f411re" ;;
esac
flash_bytes=$((kib * 1024))
random_file() { # random_file FILE SEED SIZE
    /usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' "$@"
}
# Sectors 0-4 (4 x 16 KiB + 64 KiB) and 40 KiB and a few bytes into sector 5 (128 KiB).
size=$((128 * 1024 + 40 * 1024 + 334))
random_file "$WORK/image.bin" "$chip" "$size"
image="$WORK/image.bin"

start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/flash.log" 'reset halt' 'flash probe 0' 'flash info 0' 'stm32f2x mass_erase 0' \
    "flash write_image $image 0x08000000" "verify_image $image 0x08000000" \
    "flash read_bank 0 $WORK/read1.bin" || fail "openocd session failed"
expect_log "$WORK/flash.log" "Cortex-M4 r0p1 processor detected"
expect_log "$WORK/flash.log" "target has 6 breakpoints, 4 watchpoints"
expect_log "$WORK/flash.log" "device id = $idcode"
expect_log "$WORK/flash.log" "flash size = $kib KiB"
expect_log "$WORK/flash.log" "#  0: 0x00000000 (0x4000 16kB) not protected"
expect_log "$WORK/flash.log" "#  4: 0x00010000 (0x10000 64kB) not protected"
expect_log "$WORK/flash.log" "#  5: 0x00020000 (0x20000 128kB) not protected"
last=$((sectors - 1))
expect_log "$WORK/flash.log" "# $(printf %2d $last): 0x$(printf %08x $((flash_bytes - 128 * 1024))) (0x20000 128kB) not protected"
grep -qF "# $(printf %2d $sectors): " "$WORK/flash.log" && fail "more than $sectors sectors listed"
expect_log "$WORK/flash.log" "stm32x mass erase complete"
expect_log "$WORK/flash.log" "wrote $size bytes from file"
expect_log "$WORK/flash.log" "verified $size bytes"
[ "$(stat -c %s "$WORK/read1.bin")" = "$flash_bytes" ] || fail "read_bank did not read $kib KiB"
expect_image_then_erased "$WORK/read1.bin" "$image"
stats=$(ctl stats 0)
[ "$(json_get "$stats" mass_erases)" = 1 ] || fail "expected one mass erase: $stats"
[ "$(json_get "$stats" bytes_programmed)" = "$size" ] || fail "expected $size bytes programmed: $stats"
pass "$chip: identified, $sectors sectors, mass erase, write_image, verify_image, read_bank byte-exact"

# Erase sector 1 (16 KiB) and sector 5 (128 KiB): they read erased, their neighbours keep the image.
ocd_hla "$WORK/sector.log" halt 'flash erase_sector 0 1 1' 'flash erase_sector 0 5 5' \
    "flash read_bank 0 $WORK/read2.bin 0 $((256 * 1024))" || fail "sector erase failed"
expect_log "$WORK/sector.log" "erased sectors 1 through 1 on flash bank 0"
expect_log "$WORK/sector.log" "erased sectors 5 through 5 on flash bank 0"
/usr/bin/python3 - "$WORK/read2.bin" "$image" <<'PY' || fail "sector erase changed the wrong bytes"
import sys
flash, image = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
k = 1024
want = image[:16 * k] + b'\xff' * 16 * k + image[32 * k:128 * k]
want += b'\xff' * (256 * k - len(want))
sys.exit(0 if flash == want else "sectors 1 and 5 not erased or neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" sectors_erased)" = 2 ] || fail "expected two sector erases: $(ctl stats 0)"
pass "$chip: sector erase of a 16 KiB and a 128 KiB sector"

if [ "$chip" = stm32f429zi ]; then
    # Bank 2 from 0x08100000: sectors 12 and 13 (SNB 0b10000, 0b10001).
    random_file "$WORK/bank2.bin" bank2 $((20 * 1024 + 6))
    ocd_hla "$WORK/bank2.log" halt "flash write_image $WORK/bank2.bin 0x08100000" \
        "verify_image $WORK/bank2.bin 0x08100000" \
        "flash read_bank 0 $WORK/read3.bin $((1024 * 1024)) $((32 * 1024))" \
        'flash erase_sector 0 12 12' "flash read_bank 0 $WORK/read4.bin $((1024 * 1024)) $((32 * 1024))" ||
        fail "bank 2 session failed"
    expect_log "$WORK/bank2.log" "verified $((20 * 1024 + 6)) bytes"
    expect_image_then_erased "$WORK/read3.bin" "$WORK/bank2.bin"
    /usr/bin/python3 - "$WORK/read4.bin" "$WORK/bank2.bin" <<'PY' || fail "sector 12 erase wrong"
import sys
flash, image = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
want = b'\xff' * 16384 + image[16384:]
want += b'\xff' * (32768 - len(want))
sys.exit(0 if flash == want else "sector 12 not erased or sector 13 changed")
PY
    pass "$chip: bank 2 written, read back byte-exact, its first sector erased"
fi

# Level 1: the flash cannot be read; unlock erases it and level 0 loads at the next reset.
stop_sim
start_sim --chip "$chip" --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/locked.log" halt 'stm32f2x options_read 0' "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
expect_log "$WORK/locked.log" "Device Security Bit Set"
expect_log "$WORK/locked.log" "error reading to flash"
ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32f2x unlock 0' || fail "unlock failed"
expect_log "$WORK/unlock.log" "stm32f2x unlocked."
[ "$(json_get "$(ctl status 0)" rdp_level)" = 1 ] || fail "protection dropped before the reset"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not mass-erase: $(ctl stats 0)"
ocd_hla "$WORK/after.log" 'reset halt' 'stm32f2x options_read 0' "flash read_bank 0 $WORK/after.bin" ||
    fail "session after the reset failed"
grep -qF "Device Security Bit Set" "$WORK/after.log" && fail "still protected after the reset"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
pass "$chip: level 1 refuses reads; unlock mass-erases; level 0 after reset"
