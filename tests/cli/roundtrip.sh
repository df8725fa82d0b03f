#!/usr/bin/env bash
# write / read / verify round trips, over one transport (sim, tcp or usb), in every image format (raw binary, Intel HEX, S-record,
# ELF) at several addresses and sizes: 1 byte, odd sizes, across a page boundary, the last bytes
# of flash, the whole flash. Each write lands on a known background, and the whole flash is read
# back: the bytes around the image must be kept.
. "$(dirname "$0")/lib.sh"
mode=$1
case "$mode" in
sim) P=(--probe sim:stm32f103c8) ;;
tcp)
    start_sim
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
usb) # through libusb: the stand-in presents the daemon's probe as a USB device
    start_sim
    export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
    P=(--probe usb)
    ;;
*) fail "transport '$mode': give sim, tcp or usb" ;;
esac
FLASH=0x08000000

random_file "$WORK/background.bin" 65536
expect_ok "${P[@]}" write "$WORK/background.bin" $FLASH
expect_out "wrote 65536 bytes at 0x08000000..0x0800ffff"
expect_out "verified"
expect_ok "${P[@]}" read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/background.bin"
cp "$WORK/background.bin" "$WORK/expected.bin"
pass "whole flash written and read back"

n=0
for c in "0x08000000 1" "0x08000401 777" "0x080003f0 64" "0x0800fffe 2" "0x08007c01 3001" "0x08000000 65536"; do
    set -- $c
    addr=$1 size=$2
    for fmt in bin hex srec elf; do
        n=$((n + 1))
        name="img$n"
        random_file "$WORK/$name.bin" "$size"
        make_variants "$name" "$addr"
        if [ "$fmt" = bin ]; then
            expect_ok "${P[@]}" write "$WORK/$name.bin" "$addr"
        else
            expect_ok "${P[@]}" write "$WORK/$name.$fmt"
        fi
        expect_out "wrote $size byte"
        patched "$WORK/expected.bin" $((addr - FLASH)) "$WORK/$name.bin" "$WORK/expected.bin"
        expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 0x10000
        expect_same "$WORK/flash.bin" "$WORK/expected.bin"
        # The range alone, as binary and as Intel HEX.
        expect_ok "${P[@]}" -q read "$WORK/range.bin" "$addr" "$size"
        expect_same "$WORK/range.bin" "$WORK/$name.bin"
        expect_ok "${P[@]}" -q read "$WORK/range.hex" "$addr" "$size"
        srec_cat "$WORK/range.hex" -intel -offset -$((addr)) -o "$WORK/range_hex.bin" -binary ||
            fail "the Intel HEX file of read does not parse: $(head -n 3 "$WORK/range.hex")"
        expect_same "$WORK/range_hex.bin" "$WORK/$name.bin"
        # verify, in the same format.
        if [ "$fmt" = bin ]; then
            expect_ok "${P[@]}" verify "$WORK/$name.bin" "$addr"
        else
            expect_ok "${P[@]}" verify "$WORK/$name.$fmt"
        fi
        expect_out "identical"
    done
    pass "$size byte(s) at $addr in bin, ihex, srec and elf: written, kept around, read, verified"
done

# verify notices a difference and names the address.
random_file "$WORK/one.bin" 1
expect_ok "${P[@]}" -q write "$WORK/one.bin" 0x08000123
printf '\x00' >"$WORK/zero.bin"
cmp -s "$WORK/one.bin" "$WORK/zero.bin" && printf '\x01' >"$WORK/zero.bin"
expect_rc 5 "${P[@]}" verify "$WORK/zero.bin" 0x08000123
expect_err "0x08000123"
expect_error_style
pass "verify failure: exit 5 naming the address"

# An image of two segments: the gap between them keeps its bytes.
random_file "$WORK/seg_a.bin" 300
random_file "$WORK/seg_b.bin" 500
srec_cat "$WORK/seg_a.bin" -binary -offset 0x08000100 "$WORK/seg_b.bin" -binary -offset 0x08002000 \
    -o "$WORK/two.hex" -intel -address-length=4
expect_ok "${P[@]}" -q read "$WORK/before.bin" $FLASH 64k
expect_ok "${P[@]}" write "$WORK/two.hex"
expect_out "in 2 segments"
patched "$WORK/before.bin" 0x100 "$WORK/seg_a.bin" "$WORK/expected.bin"
patched "$WORK/expected.bin" 0x2000 "$WORK/seg_b.bin" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
expect_ok "${P[@]}" verify "$WORK/two.hex"
pass "two-segment Intel HEX: the gap is kept"

# A real firmware ELF (the test firmware), checked against its binary.
if [ -n "${STFLASH_FW_DIR:-}" ] && [ -f "$STFLASH_FW_DIR/led_toggle.elf" ]; then
    expect_ok "${P[@]}" write "$STFLASH_FW_DIR/led_toggle.elf"
    expect_ok "${P[@]}" verify "$STFLASH_FW_DIR/led_toggle.bin" 0x08000000
    expect_ok "${P[@]}" verify "$STFLASH_FW_DIR/led_toggle.hex"
    pass "firmware ELF written, its binary and Intel HEX verify"
fi

# SRAM: written as is (the core stays halted, so that firmware does not touch it), read back.
# The in-process board keeps only flash and option bytes between commands.
random_file "$WORK/ram.bin" 1000
expect_ok "${P[@]}" write --halt "$WORK/ram.bin" 0x20001000
if [ "$mode" = tcp ]; then
    expect_ok "${P[@]}" -q read "$WORK/ram_back.bin" 0x20001000 1000
    expect_same "$WORK/ram_back.bin" "$WORK/ram.bin"
    expect_ok "${P[@]}" verify "$WORK/ram.bin" 0x20001000
fi
pass "SRAM write and read"

# Output forms of read: standard output, --format ihex under another name.
expect_ok "${P[@]}" -q read "$WORK/range.bin" 0x08000100 300
expect_ok "${P[@]}" -q read - 0x08000100 300
expect_same "$WORK/out" "$WORK/range.bin"
expect_ok "${P[@]}" -q read --format ihex "$WORK/range.dat" 0x08000100 300
head -n 1 "$WORK/range.dat" | grep -q '^:020000040800F2' || fail "--format ihex did not write Intel HEX"
expect_ok "${P[@]}" -q read --format bin "$WORK/range.hex" 0x08000100 300
expect_same "$WORK/range.hex" "$WORK/range.bin"
pass "read to standard output, --format"

# --mass-erase and --no-verify.
random_file "$WORK/small.bin" 100
expect_ok "${P[@]}" write --mass-erase --no-verify "$WORK/small.bin" 0x08000000
[ "$(grep -c verified "$WORK/out" || true)" = 0 ] || fail "--no-verify still verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH 64k
head -c 100 "$WORK/flash.bin" | cmp - "$WORK/small.bin" >/dev/null || fail "--mass-erase write lost the image"
tail -c +101 "$WORK/flash.bin" >"$WORK/rest.bin"
all_ff "$WORK/rest.bin" || fail "--mass-erase did not erase the rest of the flash"
pass "write --mass-erase --no-verify"

# The same image twice: the second write finds its pages unchanged and leaves them alone;
# --full writes them anyway.
random_file "$WORK/same.bin" 5000
expect_ok "${P[@]}" write "$WORK/same.bin" 0x08000400
expect_ok "${P[@]}" -v write "$WORK/same.bin" 0x08000400
expect_err "5 of 5 touched pages already hold the image: not erased or programmed"
expect_out "verified"
expect_ok "${P[@]}" -v write --full "$WORK/same.bin" 0x08000400
expect_no_err "already hold the image"
expect_err "program: 100% 5120 bytes"
expect_ok "${P[@]}" verify "$WORK/same.bin" 0x08000400
pass "the same image again: pages unchanged, left alone; --full writes them"
