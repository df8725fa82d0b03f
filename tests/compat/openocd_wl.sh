#!/usr/bin/env bash
# OpenOCD 0.12 with its own target configuration (target/stm32wlx.cfg: registers at 0x58004000,
# the OTP bank at 0x1FFF7000), hla over the daemon's TCP port, on the virtual STM32WL55JC:
# identification; an image written over other firmware, verified and read back byte-exact; a page
# erased; a mass erase. Then a board started with CPU2's secure area from page 0x70 (FLASH_SFR.
# SFSA with OPTR.ESE, RM0453 §4): an image below it written byte-exact, the area reading as zeros
# to the debugger and kept.
. "$(dirname "$0")/lib.sh"
need_tool openocd openocd
OCD_TARGET=stm32wlx.cfg
flash_bytes=$((256 * 1024))
page=2048

# image NAME SIZE: a random image of SIZE bytes.
image() {
    /usr/bin/python3 -c 'import random, sys; r = random.Random(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[3]))))' \
        "$WORK/$1" "wl55-$1" "$2"
}

# write_read LOG IMAGE ADDR: an OpenOCD session writing IMAGE at ADDR, verifying it and reading
# the whole bank to $WORK/read.bin.
write_read() {
    local log=$1 img=$2 at=$3
    ocd_hla "$WORK/$log" 'reset halt' 'flash probe 0' \
        "flash write_image erase $WORK/$img $at" "verify_image $WORK/$img $at" \
        "flash read_bank 0 $WORK/read.bin" || fail "openocd session failed ($log)"
    expect_log "$WORK/$log" "Cortex-M4 r0p1 processor detected"
    expect_log "$WORK/$log" "device idcode = 0x10016497"
    expect_log "$WORK/$log" "flash size = 256 KiB"
    expect_log "$WORK/$log" "flash mode : single-bank"
    local size
    size=$(stat -c %s "$WORK/$img")
    expect_log "$WORK/$log" "wrote $size bytes from file"
    expect_log "$WORK/$log" "verified $size bytes"
    [ "$(stat -c %s "$WORK/read.bin")" = "$flash_bytes" ] || fail "read_bank did not read 256 KiB"
}

# check READ IMAGE OFFSET OLD_UPTO SECURE: READ holds IMAGE at OFFSET; below OLD_UPTO the board's
# firmware (erased where the image's pages were), erased elsewhere; zeros from SECURE up.
check() {
    /usr/bin/python3 - "$@" "$STFLASH_FW_DIR/image_65536.bin" "$page" <<'PY' || fail "flash contents do not match"
import sys
flash, image, off, old_upto, secure = (open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(),
                                       int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
old, page = open(sys.argv[6], 'rb').read(), int(sys.argv[7])
want = bytearray(old[:old_upto] + b'\xff' * (secure - old_upto))
lo, hi = off // page * page, -(-(off + len(image)) // page) * page
want[lo:hi] = b'\xff' * (hi - lo)
want[off:off + len(image)] = image
want += bytes(len(flash) - secure)
if flash != bytes(want):
    bad = next(i for i in range(len(flash)) if flash[i] != want[i])
    sys.exit("first difference at offset 0x%x" % bad)
PY
}

start_sim --chip stm32wl55jc --firmware "$STFLASH_FW_DIR/image_65536.bin"
# Across the end of the 64 KiB firmware, starting inside a page.
image a.bin $((5 * page + 336))
at=$((0x08010000 - 2 * page + 512))
write_read a.log a.bin "$(printf 0x%08x $at)"
check "$WORK/read.bin" "$WORK/a.bin" $((at - 0x08000000)) 65536 "$flash_bytes"
pass "stm32wlx.cfg: write_image across the firmware's end, verify_image, read_bank byte-exact"

ocd_hla "$WORK/page.log" halt "flash erase_address 0x08004000 $page" \
    "flash read_bank 0 $WORK/page.bin $((0x4000 - page)) $((3 * page))" || fail "page erase failed"
[ "$(json_get "$(ctl stats 0)" pages_erased)" = 1 ] || fail "expected one page erase: $(ctl stats 0)"
/usr/bin/python3 - "$WORK/page.bin" "$page" <<'PY' || fail "the page at 0x08004000 is not erased"
import sys
d, page = open(sys.argv[1], 'rb').read(), int(sys.argv[2])
sys.exit(0 if d[page:2 * page] == b'\xff' * page and d[:page] != b'\xff' * page else 1)
PY
pass "stm32wlx.cfg: flash erase_address takes one page"

ocd_hla "$WORK/mass.log" halt 'flash probe 0' 'stm32l4x mass_erase 0' \
    "flash read_bank 0 $WORK/mass.bin" || fail "mass erase failed"
[ "$(json_get "$(ctl stats 0)" mass_erases)" = 1 ] || fail "expected a mass erase: $(ctl stats 0)"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/mass.bin" "$WORK/empty.bin"
pass "stm32wlx.cfg: stm32l4x mass_erase: the flash reads erased"

stop_sim
start_sim --chip stm32wl55jc --secure-page 0x70 --firmware "$STFLASH_FW_DIR/image_65536.bin"
secure=$((0x70 * page))
image b.bin $((3 * page + 104))
at=$((0x08000000 + secure - 4 * page))
write_read b.log b.bin "$(printf 0x%08x $at)"
check "$WORK/read.bin" "$WORK/b.bin" $((at - 0x08000000)) 65536 "$secure"
pass "stm32wlx.cfg with CPU2's secure area from page 0x70: an image just below it byte-exact; the area reads as zeros"
