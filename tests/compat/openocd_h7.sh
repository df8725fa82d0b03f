#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32h7x_dual_bank.cfg: stm32h7x.cfg with
# both flash banks declared; the stm32h7x flash driver
# and its loader, 256-bit flash words), hla over the daemon's TCP port, on the virtual
# STM32H743ZI: identification and the sector map of both banks, a mass erase, an image over
# several sectors of bank 1 and one in bank 2 (through the bank-2 registers at 0x52002100)
# written, verified and read back byte-exact, a sector erase that keeps its neighbours, and the
# level 1 unlock (RDP programmed back to 0xAA through FLASH_OPTSR_PRG and OPTSTART erases both
# banks, RM0433 §4.5.3).
. "$(dirname "$0")/lib.sh"
OCD_TARGET=stm32h7x_dual_bank.cfg # stm32h7x.cfg with its second flash bank
chip=stm32h743zi
random_file() { # random_file FILE SEED SIZE
    /usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' "$@"
}
# Sectors 0 and 1 and 40 KiB and a few bytes (not a whole flash word) into sector 2.
size=$((2 * 128 * 1024 + 40 * 1024 + 334))
random_file "$WORK/image.bin" "$chip" "$size"
image="$WORK/image.bin"
words=$(((size + 31) / 32))

start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/flash.log" 'reset halt' 'flash probe 0' 'flash probe 1' 'flash info 0' \
    'flash info 1' 'stm32h7x mass_erase 0' "flash write_image $image 0x08000000" \
    "verify_image $image 0x08000000" "flash read_bank 0 $WORK/read1.bin" ||
    fail "openocd session failed"
expect_log "$WORK/flash.log" "Cortex-M7 r1p1 processor detected"
expect_log "$WORK/flash.log" "target has 8 breakpoints, 4 watchpoints"
expect_log "$WORK/flash.log" "Device: STM32H74x/75x"
expect_log "$WORK/flash.log" "flash size probed value 2048k"
expect_log "$WORK/flash.log" "STM32H7 flash has dual banks"
expect_log "$WORK/flash.log" "Bank (1) size is 1024 kb, base address is 0x08100000"
expect_log "$WORK/flash.log" "#  0: 0x00000000 (0x20000 128kB) not protected"
expect_log "$WORK/flash.log" "#  7: 0x000e0000 (0x20000 128kB) not protected"
grep -qF "#  8: " "$WORK/flash.log" && fail "more than 8 sectors listed in a bank"
expect_log "$WORK/flash.log" "stm32h7x mass erase complete"
# OpenOCD pads the image to whole flash words.
expect_log "$WORK/flash.log" "wrote $((words * 32)) bytes from file"
expect_log "$WORK/flash.log" "verified $size bytes"
[ "$(stat -c %s "$WORK/read1.bin")" = $((1024 * 1024)) ] || fail "read_bank did not read 1 MiB"
expect_image_then_erased "$WORK/read1.bin" "$image"
stats=$(ctl stats 0)
[ "$(json_get "$stats" mass_erases)" = 1 ] || fail "expected one mass erase: $stats"
[ "$(json_get "$stats" program_ops)" = "$words" ] || fail "expected $words flash words: $stats"
pass "$chip: identified, 2 x 8 sectors, mass erase, write_image, verify_image, read_bank byte-exact"

# Erase sector 1: it reads erased, sectors 0 and 2 keep the image.
ocd_hla "$WORK/sector.log" halt 'flash erase_sector 0 1 1' \
    "flash read_bank 0 $WORK/read2.bin 0 $((384 * 1024))" || fail "sector erase failed"
expect_log "$WORK/sector.log" "erased sectors 1 through 1 on flash bank 0"
/usr/bin/python3 - "$WORK/read2.bin" "$image" <<'PY' || fail "sector erase changed the wrong bytes"
import sys
flash, image = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
k = 1024
want = image[:128 * k] + b'\xff' * 128 * k + image[256 * k:]
want += b'\xff' * (384 * k - len(want))
sys.exit(0 if flash == want else "sector 1 not erased or neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" sectors_erased)" = 1 ] || fail "expected one sector erase: $(ctl stats 0)"
pass "$chip: sector erase of a 128 KiB sector, its neighbours kept"

# Bank 2 from 0x08100000: OpenOCD's second flash bank, its own registers.
random_file "$WORK/bank2.bin" bank2 $((20 * 1024 + 6))
ocd_hla "$WORK/bank2.log" halt "flash write_image $WORK/bank2.bin 0x08100000" \
    "verify_image $WORK/bank2.bin 0x08100000" "flash read_bank 1 $WORK/read3.bin 0 $((32 * 1024))" \
    'flash erase_sector 1 0 0' "flash read_bank 1 $WORK/read4.bin 0 $((32 * 1024))" ||
    fail "bank 2 session failed"
expect_log "$WORK/bank2.log" "verified $((20 * 1024 + 6)) bytes"
expect_log "$WORK/bank2.log" "erased sectors 0 through 0 on flash bank 1"
expect_image_then_erased "$WORK/read3.bin" "$WORK/bank2.bin"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/read4.bin" "$WORK/empty.bin"
pass "$chip: bank 2 written, read back byte-exact, its first sector erased"

# Level 1: the flash cannot be read; unlock erases both banks.
stop_sim
start_sim --chip "$chip" --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd_hla "$WORK/locked.log" halt "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32h7x unlock 0' || fail "unlock failed"
expect_log "$WORK/unlock.log" "stm32h7x unlocked"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not erase: $(ctl stats 0)"
ocd_hla "$WORK/after.log" 'reset halt' "flash read_bank 0 $WORK/after.bin" ||
    fail "session after the reset failed"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
pass "$chip: level 1 refuses reads; unlock erases both banks; level 0 after reset"
