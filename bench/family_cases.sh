#!/usr/bin/env bash
# Benchmark: stflash, OpenOCD 0.12, st-flash 1.7.0 and pyOCD 0.13 writing (and verifying) an image
# at 0x08000000 on simulated parts of the sectored and double-word flash families:
#
#   f407-64k, f407-512k     a 64 KiB / 512 KiB image on a blank STM32F407VG (F4-Discovery)
#   f407-64k-over, ...-over the image written over other firmware of the same size (the image with
#                           every byte inverted)
#   l476-64k, l476-64k-over a 64 KiB image on an STM32L476RG, blank and over other firmware
#   g071-64k, g071-64k-over the same on an STM32G071RB
#   h743-64k, h743-1m, h743-64k-over    a 64 KiB / 1 MiB image on an STM32H743ZI, and 64 KiB over firmware
#   u575-64k, u575-1m, u575-64k-over    the same on an STM32U575ZI
#   f407-64k-page, l476-64k-page, g071-64k-page, h743-64k-page, u575-64k-page
#                           the 64 KiB image written, then again with 1 KiB at offset 32 KiB
#                           changed: the second write is measured
#   f407-read-64k, l476-read-64k, g071-read-64k, h743-read-64k, u575-read-64k
#                           64 KiB of flash read into a file
#   f407-verify-64k, l476-verify-64k, g071-verify-64k, h743-verify-64k, u575-verify-64k
#                           the flash compared with the image
#
# The floor of a case is the physical minimum of the job: the program units the image holds that
# are not erased x tPROG, plus the cheapest erase the job needs: none on a blank chip, else the
# touched units' erases or one mass erase, whichever is shorter. Figures (typical, as the virtual
# board uses them): F407 x32 word 16 us, sectors 16/64/128 KiB 250/550/1000 ms, mass erase 8 s
# (DS8626 Table 42); L476 double word 81.69 us, page 22.02 ms, mass erase 22.02 ms (DS10198 "Flash
# memory characteristics"); G071 double word 85 us, page and mass erase 22 ms (DS12232); H743
# 256-bit flash word at x64 100 us, 128 KiB sector 1 s, bank erase 5 s (DS12110 "Flash memory
# programming"); U575 quad word 118 us, 8 KiB page and bank erase 1.5 ms (DS13737). The page
# cases' floor: the erase of the units holding the change and their programming again. Reads and
# verification: the SWD limit, 46 clocks per 32-bit transfer at the 1800 kHz every tool is given
# (sim/vclock.h). pyOCD
# runs its stm32f439xi target on the F407 (the same first 1 MiB of sectors; its stm32f412xg target puts its buffer at 0x20020000, past the F407's 128 KiB of SRAM) and stm32l475xg on the L476;
# it has no G0 target.
#
#   bench/family_cases.sh [BUILD_DIR] [CASE...]     (default: build, every case)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(f407-64k f407-64k-over f407-512k f407-512k-over l476-64k l476-64k-over g071-64k g071-64k-over
    h743-64k h743-64k-over h743-1m h743-64k-page h743-read-64k h743-verify-64k
    u575-64k u575-64k-over u575-1m u575-64k-page u575-read-64k u575-verify-64k
    f407-64k-page f407-read-64k f407-verify-64k l476-64k-page l476-read-64k l476-verify-64k
    g071-64k-page g071-read-64k g071-verify-64k)
work=$(mktemp -d)
suite=families
results=${results:-}
bench_dir=$(cd "$(dirname "$0")" && pwd)
khz=1800 # the SWD clock every tool reads and verifies at: one floor for all
. "$(dirname "$0")/lib.sh"
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

cmd_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" write "$image" 0x08000000'
cmd_openocd='openocd -c "adapter driver hla" -c "hla_layout stlink" \
    -c "hla_device_desc \"ST-LINK\"" -c "hla_vid_pid 0x0483 0x3748" \
    -c "hla_stlink_backend tcp $port" -c "transport select hla_swd" -c "gdb_port disabled" \
    -c "telnet_port disabled" -c "tcl_port disabled" -f target/$ocd_cfg -c init \
    -c "reset halt" -c "flash write_image erase $image 0x08000000" \
    -c "verify_image $image 0x08000000" -c shutdown'
cmd_stlink="$usb_prefix"' st-flash write "$image" 0x08000000'
cmd_pyocd="$usb_prefix"' /usr/bin/python3 /usr/bin/pyocd-flashtool -t $pyocd_target -hp "$image"'
ocd_at_khz='openocd -c "adapter driver hla" -c "hla_layout stlink" \
    -c "hla_device_desc \"ST-LINK\"" -c "hla_vid_pid 0x0483 0x3748" \
    -c "hla_stlink_backend tcp $port" -c "transport select hla_swd" -c "gdb_port disabled" \
    -c "telnet_port disabled" -c "tcl_port disabled" -f target/$ocd_cfg -c "adapter speed $khz" -c init'
read_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" --freq $khz read "$out" 0x08000000 65536'
read_openocd="$ocd_at_khz"' -c "dump_image $out 0x08000000 65536" -c shutdown'
read_stlink="$usb_prefix"' st-flash --freq=$khz read "$out" 0x08000000 0x10000'
read_pyocd="$usb_prefix"' /usr/bin/python3 /usr/bin/pyocd-tool -t $pyocd_target -k $khz savemem 0x08000000 65536 "$out"'
# OpenOCD halts the core for its on-target checksum; pyOCD has no verify-only command.
verify_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" --freq $khz verify "$image" 0x08000000'
verify_openocd="$ocd_at_khz"' -c halt -c "verify_image $image 0x08000000" -c shutdown'
verify_pyocd="$usb_prefix"' /usr/bin/python3 "$bench_dir/pyocd_verify.py" $pyocd_target $khz "$image" 0x08000000'

# floor FAMILY IMAGE FIRST: seconds.
floor() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
family, image, first = sys.argv[1], sys.argv[2], sys.argv[3]
KIB = 1024
if family == "f4":
    unit, tprog, mass = 4, 16e-6, 8.0
    sectors = [(16 * KIB, 0.25)] * 4 + [(64 * KIB, 0.55)] + [(128 * KIB, 1.0)] * 7
elif family == "h743":
    unit, tprog, mass = 32, 100e-6, 5.0
    sectors = [(128 * KIB, 1.0)] * 8
elif family == "u575":
    unit, tprog, mass = 16, 118e-6, 0.0015
    sectors = [(8 * KIB, 0.0015)] * 128
else:
    unit, tprog, mass = 8, (81.69e-6 if family == "l476" else 85e-6), 0.022
    sectors = [(2 * KIB, 0.02202 if family == "l476" else 0.022)] * 512
data = open(image, "rb").read()
data += b"\xff" * (-len(data) % unit)
def units_in(d):
    return sum(1 for i in range(0, len(d), unit) if d[i:i + unit] != b"\xff" * unit)
units = units_in(data)
erase = 0.0
if len(sys.argv) > 4:  # page: the units the change touches, erased and programmed again
    old, at, total = open(first, "rb").read(), 0, 0.0
    for size, t in sectors:
        if at >= len(data):
            break
        if data[at:at + size] != old[at:at + size]:
            total += t + units_in(data[at:at + size]) * tprog
        at += size
    print(f"{total:.6f}")
    sys.exit(0)
if first:
    old = open(first, "rb").read()
    at, needed = 0, 0.0
    for size, t in sectors:
        if at >= len(old):
            break
        if any(b != 0xFF for b in old[at:at + size]):
            needed += t
        at += size
    erase = min(needed, mass)
print(f"{units * tprog + erase:.6f}")
PY
}

table_head
for c in "${cases[@]}"; do
    over=""
    case $c in
    *-over) over=1 ;;
    esac
    stlink_knows=1 # st-flash 1.7.0 has no U5 flash driver
    job=write
    case $c in
    *-page) job=page ;;
    *-read-*) job=read ;;
    *-verify-*) job=verify ;;
    esac
    case $c in
    f407-64k | f407-64k-over | f407-64k-page | f407-read-64k | f407-verify-64k) fam=f4 chip=stm32f407vg size=65536 ocd_cfg=stm32f4x.cfg pyocd_target=stm32f439xi ;;
    f407-512k | f407-512k-over) fam=f4 chip=stm32f407vg size=524288 ocd_cfg=stm32f4x.cfg pyocd_target=stm32f439xi ;;
    l476-64k | l476-64k-over | l476-64k-page | l476-read-64k | l476-verify-64k) fam=l476 chip=stm32l476rg size=65536 ocd_cfg=stm32l4x.cfg pyocd_target=stm32l475xg ;;
    g071-64k | g071-64k-over | g071-64k-page | g071-read-64k | g071-verify-64k) fam=g071 chip=stm32g071rb size=65536 ocd_cfg=stm32g0x.cfg pyocd_target="" ;;
    h743-64k | h743-64k-over | h743-64k-page | h743-read-64k | h743-verify-64k) fam=h743 chip=stm32h743zi size=65536 ocd_cfg=stm32h7x.cfg pyocd_target="" ;;
    h743-1m) fam=h743 chip=stm32h743zi size=1048576 ocd_cfg=stm32h7x.cfg pyocd_target="" ;;
    u575-64k | u575-64k-over | u575-64k-page | u575-read-64k | u575-verify-64k) fam=u575 chip=stm32u575zi size=65536 ocd_cfg=stm32u5x.cfg pyocd_target="" stlink_knows="" ;;
    u575-1m) fam=u575 chip=stm32u575zi size=1048576 ocd_cfg=stm32u5x.cfg pyocd_target="" stlink_knows="" ;;
    *) echo "bench: unknown case $c" >&2; exit 2 ;;
    esac
    image="$work/image_$size.bin"
    /usr/bin/python3 -c 'import random, sys; r = random.Random(1); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[2]))))' "$image" "$size"
    first=""
    if [ -n "$over" ]; then
        first="$work/inverted_$size.bin"
        /usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(bytes(b ^ 0xFF for b in d))' "$image" "$first"
    fi
    if [ $job = page ]; then
        first=$image image="$work/page_changed_$size.bin"
        /usr/bin/python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read())
d[32768:33792] = bytes(b ^ 0xFF for b in d[32768:33792]); open(sys.argv[2], "wb").write(d)' "$first" "$image"
    fi
    case $job in
    write) fl=$(floor "$fam" "$image" "$first") ;;
    page) fl=$(floor "$fam" "$image" "$first" page) ;;
    *) fl=$(read_floor "$size" $khz) ;;
    esac
    s=$cmd_stflash o=$cmd_openocd l=$cmd_stlink p=$cmd_pyocd
    case $job in
    read) s=$read_stflash o=$read_openocd l=$read_stlink p=$read_pyocd ;;
    verify) s=$verify_stflash o=$verify_openocd l="" p=$verify_pyocd ;;
    esac
    row "$c" "stflash (tcp)" "$s" "$chip" "$image" "$first" "$fl" $job
    row "$c" "OpenOCD 0.12 hla (tcp)" "$o" "$chip" "$image" "$first" "$fl" $job
    if [ -n "$stlink_knows" ]; then
        if [ -n "$l" ]; then
            row "$c" "st-flash 1.7.0 (usb)" "$l" "$chip" "$image" "$first" "$fl" $job
        else
            unsupported "$c" "st-flash 1.7.0 (usb)" $job "no verify-only command (st-flash --help: read, write, erase, reset)"
        fi
    fi
    if [ -n "$pyocd_target" ]; then
        row "$c" "pyOCD 0.13 $pyocd_target (usb)" "$p" "$chip" "$image" "$first" "$fl" $job
    fi
done
