#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32l0.cfg, target/stm32l1.cfg), hla
# over the daemon's TCP port, on the virtual STM32L053R8 (Cortex-M0+) and STM32L152RE (Cortex-M3,
# two banks): identification, mass erase (OpenOCD's: level 1 and back to level 0 through two
# option loads, which erases the flash, RM0367 §3.4.4), an image written through OpenOCD's
# half-page loader with a word-programmed tail, verified and read back byte-exact with the rest
# reading 0x00, a sector erase, and the way back from level 1.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32l053r8 or stm32l152re}
OCD_PRE=()
case "$chip" in
stm32l053r8) OCD_TARGET=stm32l0.cfg core="Cortex-M0+ r0p1" bps="4 breakpoints, 2 watchpoints"
             kib=64 page=128 base=$((0x08000000 + 4096)) ;;
# stm32l1.cfg declares the first bank only; the second one (0x08040000 on the 512 KiB parts) is
# declared as OpenOCD's stm32lx driver expects, so that the image runs across the boundary.
stm32l152re) OCD_TARGET=stm32l1.cfg core="Cortex-M3 r2p0" bps="6 breakpoints, 4 watchpoints"
             kib=512 page=256 base=$((0x08040000 - 3 * 4096))
             OCD_PRE=(-c 'flash bank stm32l1.flash2 stm32lx 0x08040000 0 0 0 stm32l1.cpu') ;;
*) fail "chip '$chip': give stm32l053r8 or stm32l152re" ;;
esac
flash_bytes=$((kib * 1024))
# Six sectors of 4 KiB and a tail of words that fills no half-page.
size=$((6 * 4096 + 44))
/usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
    "$WORK/image.bin" "$chip" "$size"
image="$WORK/image.bin"
hbase=0x$(printf %08x $base)

# ocd LOG COMMANDS...: ocd_hla with the second bank declared before init where there is one.
ocd() {
    local log=$1
    shift
    as_commands "$@"
    timeout 120 openocd -c 'adapter driver hla' -c 'hla_layout stlink' -c 'hla_device_desc "ST-LINK"' \
        -c 'hla_vid_pid 0x0483 0x3748' -c "hla_stlink_backend tcp $SIM_PORT" \
        -c 'transport select hla_swd' -c 'gdb_port disabled' -c 'telnet_port disabled' \
        -c 'tcl_port disabled' -f "target/$OCD_TARGET" "${OCD_PRE[@]}" -c init "${OCD_CMDS[@]}" \
        -c shutdown >"$log" 2>&1
}

# expect_zero_but READBACK IMAGE OFFSET: the flash holds IMAGE at OFFSET and 0x00 elsewhere.
expect_zero_but() {
    /usr/bin/python3 - "$@" <<'PY' || fail "flash contents do not match the image"
import sys
flash, image, off = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), int(sys.argv[3])
if flash[off:off + len(image)] != image:
    sys.exit("image not found at its address")
rest = flash[:off] + flash[off + len(image):]
if rest != bytes(len(rest)):
    sys.exit("flash outside the image does not read 0x00")
PY
}

# A firmware that runs (the image build's 64 KiB test firmware), so that mass erase matters.
start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd "$WORK/flash.log" 'reset halt' 'flash probe 0' 'stm32lx mass_erase 0' \
    "flash write_image $image $hbase" "verify_image $image $hbase" \
    "dump_image $WORK/read1.bin 0x08000000 $flash_bytes" || fail "openocd session failed"
expect_log "$WORK/flash.log" "$core processor detected"
expect_log "$WORK/flash.log" "target has $bps"
expect_log "$WORK/flash.log" "stm32lx mass erase complete"
expect_log "$WORK/flash.log" "wrote $size bytes from file"
expect_log "$WORK/flash.log" "verified $size bytes"
[ "$(stat -c %s "$WORK/read1.bin")" = "$flash_bytes" ] || fail "dump_image did not read $kib KiB"
expect_zero_but "$WORK/read1.bin" "$image" $((base - 0x08000000))
stats=$(ctl stats 0)
[ "$(json_get "$stats" mass_erases)" -ge 1 ] || fail "expected the mass erase of level 1 to 0: $stats"
[ "$(json_get "$stats" halfwords_programmed)" -ge $((size / 2)) ] ||
    fail "too few words programmed: $stats"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 0 ] || fail "not back at level 0: $(ctl status 0)"
pass "$chip: identified, mass erase through level 1, write_image, verify_image, read back byte-exact"

# Erase the second sector of the image: its pages read 0x00, the neighbours keep the image.
erase_at=$((base + 4096))
ocd "$WORK/sector.log" halt "flash erase_address 0x$(printf %08x $erase_at) 4096" \
    "dump_image $WORK/read2.bin $hbase $size" || fail "sector erase failed"
/usr/bin/python3 - "$WORK/read2.bin" "$image" <<'PY' || fail "sector erase changed the wrong bytes"
import sys
flash, image = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
want = image[:4096] + bytes(4096) + image[8192:]
sys.exit(0 if flash == want else "the sector does not read 0x00 or its neighbours changed")
PY
[ "$(json_get "$(ctl stats 0)" pages_erased)" = $((4096 / page)) ] ||
    fail "expected $((4096 / page)) page erases: $(ctl stats 0)"
pass "$chip: sector erase at 0x$(printf %08x $erase_at), page by page"

# Level 1: the flash cannot be read; OpenOCD's mass erase brings level 0 back with the flash
# erased (RDP 0xAA written from level 1, then OBL_LAUNCH).
stop_sim
start_sim --chip "$chip" --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
ocd "$WORK/locked.log" halt "dump_image $WORK/locked.bin 0x08000000 16" &&
    fail "reading a read-protected flash succeeded"
ocd "$WORK/unlock.log" halt 'flash probe 0' 'stm32lx mass_erase 0' || fail "mass erase from level 1 failed"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 0 ] || fail "level 0 not in force: $(ctl status 0)"
ocd "$WORK/after.log" 'reset halt' "dump_image $WORK/after.bin 0x08000000 $flash_bytes" ||
    fail "session after the unlock failed"
printf '' >"$WORK/empty.bin"
expect_zero_but "$WORK/after.bin" "$WORK/empty.bin" 0
pass "$chip: level 1 refuses reads; the way back to level 0 erases the flash"
