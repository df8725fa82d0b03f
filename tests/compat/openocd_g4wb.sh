#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32g4x.cfg, target/stm32wbx.cfg), hla
# over the daemon's TCP port, on the virtual STM32G474RE and STM32WB55RG: identification, an image
# written, verified and read back byte-exact, a page erase.
# G474: in both bank modes (OPTR.DBANK, RM0440 §5.3.1; switched with OpenOCD's own option_write
# and option_load): two banks of 2 KiB pages, the image across bank 2's start and a page of bank 2
# erased; one bank of 4 KiB pages, the same; and the level 1 unlock (a mass erase).
# WB55: the image below the wireless stack, whose area (from FLASH_SFR.SFSA 0xCB, RM0434 §3.5.3)
# reads as zeros to the debugger and keeps its place.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32g474re or stm32wb55rg}
case "$chip" in
stm32g474re) OCD_TARGET=stm32g4x.cfg idcode=0x20016469 kib=512 base=$((0x08040000 - 3 * 2048)) ;;
stm32wb55rg) OCD_TARGET=stm32wbx.cfg idcode=0x20016495 kib=1024 base=$((0x08020000)) ;;
*) fail "chip '$chip': give stm32g474re or stm32wb55rg" ;;
esac
flash_bytes=$((kib * 1024))
stack=$((0x080CB000))

# image NAME SIZE: a random image of SIZE bytes (a multiple of the double word OpenOCD programs).
image() {
    /usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
        "$WORK/$1" "$chip-$1" "$2"
}

# check_flash READ IMAGE OFFSET BLANK_FROM BLANK_TO: READ holds IMAGE at OFFSET and 0xff from
# BLANK_FROM to BLANK_TO (flash offsets) outside it; from the stack up (WB) zeros.
check_flash() {
    /usr/bin/python3 - "$@" "$chip" $((stack - 0x08000000)) <<'PY' || fail "flash contents do not match"
import sys
flash, image = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
off, lo, hi, chip, stack = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], int(sys.argv[7])
if flash[off:off + len(image)] != image:
    sys.exit("image not found at its address")
rest = flash[lo:off] + flash[off + len(image):hi]
if rest != b'\xff' * len(rest):
    sys.exit("flash around the image is not erased")
if chip == 'stm32wb55rg' and flash[stack:] != bytes(len(flash) - stack):
    sys.exit("the wireless stack's area does not read as zeros")
PY
}

# write_read LOG IMAGE PRE...: an OpenOCD session running PRE, then writing IMAGE at $base,
# verifying it and reading the whole bank to $WORK/read.bin.
write_read() {
    local log=$1 img=$2
    shift 2
    ocd_hla "$WORK/$log" 'reset halt' 'flash probe 0' "$@" \
        "flash write_image erase $WORK/$img $(printf 0x%08x $base)" \
        "verify_image $WORK/$img $(printf 0x%08x $base)" \
        "flash read_bank 0 $WORK/read.bin" || fail "openocd session failed ($log)"
    expect_log "$WORK/$log" "Cortex-M4 r0p1 processor detected"
    expect_log "$WORK/$log" "device idcode = $idcode"
    expect_log "$WORK/$log" "flash size = $kib KiB"
    local size
    size=$(stat -c %s "$WORK/$img")
    expect_log "$WORK/$log" "wrote $size bytes from file"
    expect_log "$WORK/$log" "verified $size bytes"
    [ "$(stat -c %s "$WORK/read.bin")" = "$flash_bytes" ] || fail "read_bank did not read $kib KiB"
}

# erase_page ADDR PAGE: one page erased through OpenOCD; it reads erased, the daemon counts one.
erase_page() {
    local at=$1 page=$2
    ocd_hla "$WORK/page.log" halt "flash erase_address $(printf 0x%08x "$at") $page" \
        "flash read_bank 0 $WORK/page.bin $((at - 0x08000000 - page)) $((3 * page))" ||
        fail "page erase failed"
    [ "$(json_get "$(ctl stats 0)" pages_erased)" = 1 ] || fail "expected one page erase: $(ctl stats 0)"
    /usr/bin/python3 - "$WORK/page.bin" "$page" <<'PY' || fail "the page at $(printf 0x%08x "$at") is not erased"
import sys
d, page = open(sys.argv[1], 'rb').read(), int(sys.argv[2])
sys.exit(0 if d[page:2 * page] == b'\xff' * page and d[:page] != b'\xff' * page else 1)
PY
}

start_sim --chip "$chip" --firmware "$STFLASH_FW_DIR/image_65536.bin"
if [ "$chip" = stm32g474re ]; then
    image two.bin $((6 * 2048 + 336))
    write_read dual.log two.bin 'stm32l4x mass_erase 0'
    expect_log "$WORK/dual.log" "flash mode : dual-bank"
    check_flash "$WORK/read.bin" "$WORK/two.bin" $((base - 0x08000000)) 0 "$flash_bytes"
    erase_page $((0x08040000)) 2048
    pass "$chip: two banks: mass erase, write_image across 0x08040000, verify_image, read_bank byte-exact; the first page of bank 2 erased"

    # DBANK (bit 22) cleared with OpenOCD's own option commands, loaded by OBL_LAUNCH.
    ocd_hla "$WORK/opt.log" halt 'flash probe 0' \
        'stm32l4x option_write 0 0x20 0x00000000 0x00400000' || fail "option_write failed"
    ocd_hla "$WORK/obl.log" halt 'stm32l4x option_load 0' || true
    image one.bin $((5 * 4096 + 512))
    write_read single.log one.bin 'stm32l4x mass_erase 0'
    expect_log "$WORK/single.log" "flash mode : single-bank"
    check_flash "$WORK/read.bin" "$WORK/one.bin" $((base - 0x08000000)) 0 "$flash_bytes"
    erase_page $((0x08040000)) 4096
    pass "$chip: one bank (DBANK = 0): write_image across 0x08040000 byte-exact; a 4 KiB page erased"

    # Level 1: unlock erases the flash; level 0 after the option load.
    stop_sim
    start_sim --chip "$chip" --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"
    ocd_hla "$WORK/locked.log" halt "flash read_bank 0 $WORK/locked.bin 0 16" &&
        fail "reading a read-protected flash succeeded"
    ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32l4x unlock 0' || fail "unlock failed"
    [ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "unlock did not mass-erase: $(ctl stats 0)"
    ocd_hla "$WORK/obl2.log" halt 'stm32l4x option_load 0' || true
    ocd_hla "$WORK/after.log" 'reset halt' "flash read_bank 0 $WORK/after.bin" ||
        fail "session after the option load failed"
    [ "$(json_get "$(ctl status 0)" rdp_level)" = 0 ] || fail "level 0 not in force: $(ctl status 0)"
    printf '' >"$WORK/empty.bin"
    expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"
    pass "$chip: level 1 refuses reads; unlock mass-erases; level 0 after the option load"
else
    image wb.bin $((7 * 4096 + 336))
    write_read wb.log wb.bin
    expect_log "$WORK/wb.log" "flash mode : single-bank"
    # Below the image: the 64 KiB firmware the board started with, then erased flash.
    check_flash "$WORK/read.bin" "$WORK/wb.bin" $((base - 0x08000000)) 65536 $((stack - 0x08000000))
    cmp -n 65536 "$WORK/read.bin" "$STFLASH_FW_DIR/image_65536.bin" >/dev/null ||
        fail "the firmware below the image changed"
    erase_page $((base + 4096)) 4096
    pass "$chip: write_image, verify_image, read_bank byte-exact below the wireless stack; a page erased"
fi
