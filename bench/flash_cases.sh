#!/usr/bin/env bash
# Benchmark: stflash, OpenOCD 0.12, st-flash 1.7.0 and pyOCD 0.13 on the F103 and F100 of the
# virtual board, one job per case:
#
#   f103-64k          a 64 KiB image written and verified on a blank STM32F103C8 (Blue Pill)
#   f103-64k-again    the same image written a second time: the second write is measured
#   f103-64k-over     the image written over other firmware that differs in every page (the
#                     first write is of the image with every byte inverted)
#   f103-64k-page     the image written, then again with one 1 KiB page changed (page 32, every
#                     byte inverted): the second write is measured
#   f103-read-64k     the 64 KiB of flash read into a file (the flash holds the image)
#   f103-verify-64k   the flash compared with the image, nothing written
#   f100-78128        a 78128-byte image on a blank STM32F100RB (the size of a NuttX build)
#   f100-78128-again  the same image written a second time
#
# Each job runs against a fresh daemon; the board measures the session in virtual time
# (docs/virtual-clock.md). Floors, the physical minimum of each job (docs/benchmarks.md):
# writes: the image's programmed half-words (those not 0xFFFF) x tPROG (52.5 us) + one erase
# (20 ms); the page case: the changed page's erase and its half-words; reads and verification:
# the SWD limit, 46 SWD clocks per 32-bit transfer (sim/vclock.h) x the image's words at the
# 1800 kHz every tool is given for those jobs. Host CPU (user + system) and peak memory are the
# tool process's alone (bench/rusage.c). Prints a Markdown table; $results gets JSON lines.
#
#   bench/flash_cases.sh [BUILD_DIR] [CASE...]     (default: build, every case)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(f103-64k f103-64k-again f103-64k-over f103-64k-page f103-read-64k
    f103-verify-64k f100-78128 f100-78128-again)
work=$(mktemp -d)
suite=f1
results=${results:-}
. "$(dirname "$0")/lib.sh"
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
khz=1800 # the SWD clock every tool reads and verifies at: one floor for all

ocd='openocd -c "adapter driver hla" -c "hla_layout stlink" \
    -c "hla_device_desc \"ST-LINK\"" -c "hla_vid_pid 0x0483 0x3748" \
    -c "hla_stlink_backend tcp $port" -c "transport select hla_swd" -c "gdb_port disabled" \
    -c "telnet_port disabled" -c "tcl_port disabled" -f target/stm32f1x.cfg'
# Each tool's usual command that writes and verifies $image at 0x08000000 on the board at $port.
write_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" write "$image" 0x08000000'
write_openocd="$ocd"' -c init -c "reset halt" -c "flash write_image erase $image 0x08000000" \
    -c "verify_image $image 0x08000000" -c shutdown'
write_stlink="$usb_prefix"' st-flash write "$image" 0x08000000'
# pyOCD 0.13 has no STM32F103C8 target; its stm32f103rc drives the same flash controller, but
# with 2 KiB sectors: its sector erase would clear one 1 KiB page of two, so it erases the chip.
write_pyocd="$usb_prefix"' /usr/bin/python3 /usr/bin/pyocd-flashtool -t stm32f103rc -ce -hp "$image"'
# 64 KiB read into $out, at $khz.
read_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" --freq $khz read "$out" 0x08000000 65536'
read_openocd="$ocd"' -c "adapter speed $khz" -c init -c "dump_image $out 0x08000000 65536" -c shutdown'
read_stlink="$usb_prefix"' st-flash --freq=$khz read "$out" 0x08000000 0x10000'
read_pyocd="$usb_prefix"' /usr/bin/python3 /usr/bin/pyocd-tool -t stm32f103rc -k $khz savemem 0x08000000 65536 "$out"'
# The flash compared with $image, at $khz. OpenOCD halts the core for its on-target checksum.
verify_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" --freq $khz verify "$image" 0x08000000'
verify_openocd="$ocd"' -c "adapter speed $khz" -c init -c halt -c "verify_image $image 0x08000000" -c shutdown'
verify_pyocd="$usb_prefix"' /usr/bin/python3 "$bench_dir/pyocd_verify.py" stm32f103rc $khz "$image" 0x08000000'
bench_dir=$(cd "$(dirname "$0")" && pwd)

# floor IMAGE [FIRST]: seconds to write IMAGE (over FIRST: only the 1 KiB pages that differ).
floor() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
data += b"\xff" * (len(data) % 2)
def halfwords(d):
    return sum(1 for i in range(0, len(d), 2) if d[i:i + 2] != b"\xff\xff")
if len(sys.argv) > 2:
    old, page = open(sys.argv[2], "rb").read(), 1024
    changed = [a for a in range(0, len(data), page) if data[a:a + page] != old[a:a + page]]
    print(f"{sum(halfwords(data[a:a + page]) * 52.5e-6 + 0.020 for a in changed):.6f}")
else:
    print(f"{halfwords(data) * 52.5e-6 + 0.020:.6f}")
PY
}

have_stlink=""
[ -f "$libusb_dir/libusb-1.0.so.0" ] && have_stlink=1
have_pyocd=""
[ -n "$have_stlink" ] && /usr/bin/python3 -c 'import pyocd' 2>/dev/null && have_pyocd=1

table_head
for c in "${cases[@]}"; do
    job=write first="" chip=stm32f103c8 image="$build/firmware/image_65536.bin"
    case $c in
    f103-64k) ;;
    f103-64k-again) first=$image ;;
    f103-64k-over)
        first="$work/inverted.bin"
        /usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(bytes(b ^ 0xFF for b in d))' "$image" "$first"
        ;;
    f103-64k-page)
        job=page first=$image image="$work/page_changed.bin"
        /usr/bin/python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read())
d[32768:33792] = bytes(b ^ 0xFF for b in d[32768:33792]); open(sys.argv[2], "wb").write(d)' "$first" "$image"
        ;;
    f103-read-64k) job=read ;;
    f103-verify-64k) job=verify ;;
    f100-78128) chip=stm32f100rb image="$build/firmware/image_78128.bin" ;;
    f100-78128-again) chip=stm32f100rb image="$build/firmware/image_78128.bin" first=$image ;;
    *) echo "bench: unknown case $c" >&2; exit 2 ;;
    esac
    case $job in
    write) fl=$(floor "$image") ;;
    page) fl=$(floor "$image" "$first") ;;
    *) fl=$(read_floor "$(stat -c %s "$image")" $khz) ;;
    esac
    kind=$job
    [ "$job" = page ] && kind=write
    eval "s=\$${kind}_stflash o=\$${kind}_openocd l=\${${kind}_stlink:-} p=\${${kind}_pyocd:-}"
    row "$c" "stflash (tcp)" "$s" "$chip" "$image" "$first" "$fl" "$job"
    row "$c" "OpenOCD 0.12 hla (tcp)" "$o" "$chip" "$image" "$first" "$fl" "$job"
    if [ -n "$have_stlink" ]; then
        if [ -n "$l" ]; then
            row "$c" "st-flash 1.7.0 (usb)" "$l" "$chip" "$image" "$first" "$fl" "$job"
        else
            unsupported "$c" "st-flash 1.7.0 (usb)" "$job" "no verify-only command (st-flash --help: read, write, erase, reset)"
        fi
    fi
    if [ -n "$have_pyocd" ] && [ "$chip" = stm32f103c8 ]; then
        row "$c" "pyOCD 0.13 stm32f103rc (usb)" "$p" "$chip" "$image" "$first" "$fl" "$job"
    fi
done
