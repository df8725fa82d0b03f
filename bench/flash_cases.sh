#!/usr/bin/env bash
# Benchmark: stflash, OpenOCD 0.12 and st-flash 1.7.0 writing (and verifying) an image on the
# virtual board, in four cases:
#
#   f103-64k          64 KiB image on a blank STM32F103C8 (Blue Pill)
#   f103-64k-again    the same image written a second time: the second write is measured
#   f103-64k-over     the image written over other firmware that differs in every page (the
#                     first write is of the image with every byte inverted)
#   f100-78128        a 78128-byte image on a blank STM32F100RB (the size of a NuttX build)
#   f100-78128-again  the same image written a second time
#
# Each write runs against a fresh daemon; the board measures the session in virtual time
# (docs/virtual-clock.md). The floor of a case is the physical minimum of the write job: the
# image's programmed half-words (those not 0xFFFF) x tPROG (52.5 us) + one erase (20 ms). Peak
# memory is the tool process's maximum resident set size (/usr/bin/time). Prints a Markdown table.
#
#   bench/flash_cases.sh [BUILD_DIR] [CASE...]     (default: build, every case)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(f103-64k f103-64k-again f103-64k-over f100-78128 f100-78128-again)
work=$(mktemp -d)
. "$(dirname "$0")/lib.sh"
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

# The commands that write and verify $image at 0x08000000 on the board at $port.
cmd_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" write "$image" 0x08000000'
cmd_openocd='openocd -c "adapter driver hla" -c "hla_layout stlink" \
    -c "hla_device_desc \"ST-LINK\"" -c "hla_vid_pid 0x0483 0x3748" \
    -c "hla_stlink_backend tcp $port" -c "transport select hla_swd" -c "gdb_port disabled" \
    -c "telnet_port disabled" -c "tcl_port disabled" -f target/stm32f1x.cfg -c init \
    -c "reset halt" -c "flash write_image erase $image 0x08000000" \
    -c "verify_image $image 0x08000000" -c shutdown'
cmd_stlink="$usb_prefix"' st-flash write "$image" 0x08000000'

# floor IMAGE: seconds.
floor() {
    /usr/bin/python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
if len(data) % 2:
    data += b"\xff"
halfwords = sum(1 for i in range(0, len(data), 2) if data[i:i + 2] != b"\xff\xff")
print(f"{halfwords * 52.5e-6 + 0.020:.6f}")
PY
}

table_head
for c in "${cases[@]}"; do
    case $c in
    f103-64k) chip=stm32f103c8 image="$build/firmware/image_65536.bin" first="" ;;
    f103-64k-again) chip=stm32f103c8 image="$build/firmware/image_65536.bin" first=$image ;;
    f103-64k-over)
        chip=stm32f103c8 image="$build/firmware/image_65536.bin" first="$work/inverted.bin"
        /usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(bytes(b ^ 0xFF for b in d))' "$image" "$first"
        ;;
    f100-78128) chip=stm32f100rb image="$build/firmware/image_78128.bin" first="" ;;
    f100-78128-again) chip=stm32f100rb image="$build/firmware/image_78128.bin" first=$image ;;
    *) echo "bench: unknown case $c" >&2; exit 2 ;;
    esac
    fl=$(floor "$image")
    img=$image
    [ -x "$stflash" ] && row "$c" "stflash (tcp)" "$cmd_stflash" "$chip" "$img" "$first" "$fl"
    row "$c" "OpenOCD 0.12 hla (tcp)" "$cmd_openocd" "$chip" "$img" "$first" "$fl"
    if [ -f "$libusb_dir/libusb-1.0.so.0" ]; then
        row "$c" "st-flash 1.7.0 (usb)" "$cmd_stlink" "$chip" "$img" "$first" "$fl"
    fi
done
