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
sim="$build/sim/stflash-sim"
stflash="$build/tools/stflash"
libusb_dir="$build/sim/libusb"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (Debian: apt-get install time)" >&2; exit 1; }

start_board() { # chip
    "$sim" --port 0 --control-port 0 --quiet --chip "$1" >"$work/sim.out" 2>&1 &
    pid=$!
    port="" ctl=""
    for _ in $(seq 200); do
        # The whole line: it may be read while still being written.
        port=$(sed -n 's/.*ready on 127\.0\.0\.1:\([0-9]*\) (control port [0-9]*).*/\1/p' "$work/sim.out")
        ctl=$(sed -n 's/.*ready on .*(control port \([0-9]*\)).*/\1/p' "$work/sim.out")
        [ -n "$port" ] && [ -n "$ctl" ] && return
        sleep 0.05
    done
    echo "bench: stflash-sim not ready: $(cat "$work/sim.out")" >&2
    exit 1
}

stop_board() {
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
}

stats() {
    exec 3<>"/dev/tcp/127.0.0.1/$ctl"
    echo "stats 0" >&3
    IFS= read -r line <&3
    exec 3>&-
    echo "$line"
}

# The commands that write and verify $image at 0x08000000 on the board at $port.
cmd_stflash='"$stflash" --probe "tcp:127.0.0.1:$port" write "$image" 0x08000000'
cmd_openocd='openocd -c "adapter driver hla" -c "hla_layout stlink" \
    -c "hla_device_desc \"ST-LINK\"" -c "hla_vid_pid 0x0483 0x3748" \
    -c "hla_stlink_backend tcp $port" -c "transport select hla_swd" -c "gdb_port disabled" \
    -c "telnet_port disabled" -c "tcl_port disabled" -f target/stm32f1x.cfg -c init \
    -c "reset halt" -c "flash write_image erase $image 0x08000000" \
    -c "verify_image $image 0x08000000" -c shutdown'
cmd_stlink='env LD_LIBRARY_PATH="$libusb_dir" STFLASH_SIM_ADDR="127.0.0.1:$port" \
    st-flash write "$image" 0x08000000'

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

row() { # case, tool name, command, chip, image, first image ("" for none), floor
    local case=$1 name=$2 cmd=$3 chip=$4 first=$6 fl=$7
    start_board "$chip"
    local rc=0
    if [ -n "$first" ]; then
        image=$first
        eval "$cmd" >"$work/first.log" 2>&1 || rc=$?
    fi
    image=$5
    if [ $rc != 0 ]; then
        printf '| %s | %s | first write failed (%s, port %s): %s ||||||\n' "$case" "$name" "$rc" "$port" "$(tail -n 1 "$work/first.log")"
        stop_board
        return
    fi
    local t0 t1
    t0=$(date +%s.%N)
    if ! eval "/usr/bin/time -f %M -o \"$work/rss\" $cmd" >"$work/out.log" 2>&1; then
        printf '| %s | %s | failed: %s ||||||\n' "$case" "$name" "$(tail -n 1 "$work/out.log")"
        stop_board
        return
    fi
    t1=$(date +%s.%N)
    /usr/bin/python3 - "$case" "$name" "$(stats)" "$fl" "$(tail -n 1 "$work/rss")" "$t0" "$t1" <<'PY'
import json, sys
case, name, s, fl, rss, t0, t1 = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), \
    float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
v = s["virtual_s"]
print(f"| {case} | {name} | {v:.3f} | {v / fl:.2f}x | {s['commands']} "
      f"| {s['bytes_out'] + s['bytes_in']} | {s['host_gap_s']:.3f} "
      f"| {s['halfwords_programmed']} / {s['pages_erased']} / {s['mass_erases']} "
      f"| {rss / 1024:.1f} | {t1 - t0:.2f} |")
PY
    stop_board
}

echo "| case | tool | virtual s | x floor | probe commands | USB bytes | host gaps s | half-words / page erases / mass erases | peak RSS MiB | wall s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
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
