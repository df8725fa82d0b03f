#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32f7x.cfg: the stm32f2x flash driver
# and its loader), hla over the daemon's TCP port, on the virtual STM32F767ZI: the Cortex-M7 and
# its FPB, identification and the single-bank sector map (4x32 + 128 + 7x256 KiB, RM0410 §3.3.1),
# a mass erase, an image over sectors of the three sizes written, verified and read back
# byte-exact, sector erases that keep their neighbours, hardware breakpoints in FPB version 2
# form stopping the core, the dual-bank layout after nDBANK is cleared through FLASH_OPTCR with an
# image across the bank boundary, and the level 1 unlock.
. "$(dirname "$0")/lib.sh"
OCD_TARGET=stm32f7x.cfg
random_file() { # random_file FILE SEED SIZE
    /usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' "$@"
}
# Sectors 0-4 (4 x 32 KiB + 128 KiB) and 40 KiB and a few bytes into sector 5 (256 KiB).
size=$((256 * 1024 + 40 * 1024 + 334))
random_file "$WORK/image.bin" f767 "$size"
image="$WORK/image.bin"

start_sim --chip stm32f767zi --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/flash.log" 'reset halt' 'flash probe 0' 'flash info 0' 'stm32f2x mass_erase 0' \
    "flash write_image $image 0x08000000" "verify_image $image 0x08000000" \
    "flash read_bank 0 $WORK/read1.bin" || fail "openocd session failed"
expect_log "$WORK/flash.log" "Cortex-M7 r1p0 processor detected"
expect_log "$WORK/flash.log" "target has 8 breakpoints, 4 watchpoints"
expect_log "$WORK/flash.log" "device id = 0x10016451"
expect_log "$WORK/flash.log" "flash size = 2048 KiB"
expect_log "$WORK/flash.log" "Single Bank 2048 kiB STM32F76x/77x found"
expect_log "$WORK/flash.log" "#  0: 0x00000000 (0x8000 32kB) not protected"
expect_log "$WORK/flash.log" "#  3: 0x00018000 (0x8000 32kB) not protected"
expect_log "$WORK/flash.log" "#  4: 0x00020000 (0x20000 128kB) not protected"
expect_log "$WORK/flash.log" "#  5: 0x00040000 (0x40000 256kB) not protected"
expect_log "$WORK/flash.log" "# 11: 0x001c0000 (0x40000 256kB) not protected"
grep -qF "# 12: " "$WORK/flash.log" && fail "more than 12 sectors listed"
expect_log "$WORK/flash.log" "stm32x mass erase complete"
expect_log "$WORK/flash.log" "wrote $size bytes from file"
expect_log "$WORK/flash.log" "verified $size bytes"
[ "$(stat -c %s "$WORK/read1.bin")" = $((2048 * 1024)) ] || fail "read_bank did not read 2 MiB"
expect_image_then_erased "$WORK/read1.bin" "$image"
stats=$(ctl stats 0)
[ "$(json_get "$stats" mass_erases)" = 1 ] || fail "expected one mass erase: $stats"
[ "$(json_get "$stats" bytes_programmed)" = "$size" ] || fail "expected $size bytes programmed: $stats"
pass "f767: Cortex-M7 identified, 12 sectors of 32/128/256 KiB, mass erase, write_image, verify_image, read_bank byte-exact"

# Erase sector 1 (32 KiB) and sector 4 (128 KiB): they read erased, their neighbours keep the image.
ocd_hla "$WORK/sector.log" halt 'flash erase_sector 0 1 1' 'flash erase_sector 0 4 4' \
    "flash read_bank 0 $WORK/read2.bin 0 $((512 * 1024))" || fail "sector erase failed"
expect_log "$WORK/sector.log" "erased sectors 1 through 1 on flash bank 0"
expect_log "$WORK/sector.log" "erased sectors 4 through 4 on flash bank 0"
/usr/bin/python3 - "$WORK/read2.bin" "$image" <<'PY' || fail "sector erase changed the wrong bytes"
import sys
flash, image = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
k = 1024
want = image[:32 * k] + b'\xff' * 32 * k + image[64 * k:128 * k] + b'\xff' * 128 * k + image[256 * k:]
want += b'\xff' * (512 * k - len(want))
sys.exit(0 if flash == want else "sectors 1 and 4 not erased or neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" sectors_erased)" = 2 ] || fail "expected two sector erases: $(ctl stats 0)"
pass "f767: sector erase of a 32 KiB and a 128 KiB sector"

# Hardware breakpoints: OpenOCD writes FPBv2 comparators (BPADDR | BE, FP_CTRL.REV = 1); the core
# stops at marker() and at the upper half-word of an instruction in work().
elf="$STFLASH_FW_DIR/gdb_target.elf"
marker=$(arm-none-eabi-nm "$elf" | sed -n 's/^\([0-9a-f]*\) T marker$/\1/p')
work=$(arm-none-eabi-nm "$elf" | sed -n 's/^\([0-9a-f]*\) T work$/\1/p')
[ -n "$marker" ] && [ -n "$work" ] || fail "no marker/work symbols in $elf"
upper=$(printf '0x%08x' $((0x$work + 2)))
ocd_hla "$WORK/load.log" 'reset halt' "flash write_image erase $elf" "verify_image $elf" ||
    fail "loading $elf failed"
ocd_hla "$WORK/bp.log" 'reset halt' "bp 0x$marker 2 hw" resume 'wait_halt 2000' 'reg pc' \
    'mdw 0xE0002000 3' "rbp 0x$marker" "bp $upper 2 hw" resume 'wait_halt 2000' 'reg pc' ||
    fail "breakpoint session failed"
expect_log "$WORK/bp.log" "0xe0002000: 10000081 00000000 $(printf %08x $((0x$marker | 1)))"
expect_log "$WORK/bp.log" "pc (/32): 0x$marker"
expect_log "$WORK/bp.log" "pc (/32): $upper"
stops=$(grep -A1 'halted due to breakpoint' "$WORK/bp.log" | grep -cE "pc: (0x$marker|$upper) ")
[ "$stops" = 2 ] || fail "expected two breakpoint stops, at 0x$marker and $upper"
pass "f767: FPB version 2 breakpoints stop the core at 0x$marker and at the half-word $upper"

# Two banks: nDBANK cleared through FLASH_OPTCR (OPTKEYR, the new value, OPTSTRT) loads at the
# next reset; OpenOCD then finds the dual-bank part. An image across the bank boundary
# (0x08100000) is written and read back byte-exact.
random_file "$WORK/cross.bin" cross $((64 * 1024 + 123))
ocd_hla "$WORK/dual.log" 'reset halt' 'mww 0x40023C08 0x08192A3B' 'mww 0x40023C08 0x4C5D6E7F' \
    'mww 0x40023C14 0xDFFFAAFC' 'mww 0x40023C14 0xDFFFAAFE' 'sleep 100' 'reset halt' \
    'flash probe 0' "flash write_image erase $WORK/cross.bin 0x080f8000" \
    "verify_image $WORK/cross.bin 0x080f8000" \
    "flash read_bank 0 $WORK/read3.bin $((0xf8000)) $((64 * 1024 + 123))" || fail "dual-bank session failed"
expect_log "$WORK/dual.log" "Dual Bank 2048 kiB STM32F76x/77x found"
expect_log "$WORK/dual.log" "verified $((64 * 1024 + 123)) bytes"
expect_equal_files "$WORK/read3.bin" "$WORK/cross.bin"
pass "f767: nDBANK = 0 gives two banks; an image across the bank boundary byte-exact"

# Level 1: the flash cannot be read; unlock erases it and level 0 loads at the next reset.
stop_sim
start_sim --chip stm32f767zi --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/locked.log" halt 'stm32f2x options_read 0' "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
expect_log "$WORK/locked.log" "Device Security Bit Set"
ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32f2x unlock 0' || fail "unlock failed"
expect_log "$WORK/unlock.log" "stm32f2x unlocked."
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not mass-erase: $(ctl stats 0)"
ocd_hla "$WORK/after.log" 'reset halt' 'stm32f2x options_read 0' "flash read_bank 0 $WORK/after.bin" ||
    fail "session after the reset failed"
grep -qF "Device Security Bit Set" "$WORK/after.log" && fail "still protected after the reset"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
pass "f767: level 1 refuses reads; unlock mass-erases; level 0 after reset"
