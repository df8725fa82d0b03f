#!/usr/bin/env bash
# Benchmark: write and verify a 64 KiB image on the virtual Blue Pill with each tool, measured in
# virtual time by the board itself (docs/virtual-clock.md), and as a multiple of the physical
# floor of the job (half-words x tPROG + erases). Prints a Markdown table.
#
#   bench/flash_64k.sh [BUILD_DIR]     (default: build)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
sim="$build/sim/stflash-sim"
image="$build/firmware/image_65536.bin"
stflash="$build/tools/stflash"
libusb_dir="$build/sim/libusb"
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

start_board() {
    "$sim" --port 0 --control-port 0 --quiet --chip stm32f103c8 >"$work/sim.out" 2>&1 &
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

row() { # name, then the command that writes+verifies the image ($port: the board's port)
    local name=$1 cmd=$2
    start_board
    local t0 t1
    t0=$(date +%s.%N)
    if ! eval "$cmd" >"$work/out.log" 2>&1; then
        printf '| %s | failed: %s |||||\n' "$name" "$(tail -n 1 "$work/out.log")"
        stop_board
        return
    fi
    t1=$(date +%s.%N)
    /usr/bin/python3 - "$name" "$(stats)" "$t0" "$t1" <<'PY'
import json, sys
name, s, t0, t1 = sys.argv[1], json.loads(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
v, floor = s["virtual_s"], s["floor_s"]
print(f"| {name} | {v:.3f} | {v / floor:.2f}x | {s['commands']} | {s['bytes_out'] + s['bytes_in']} "
      f"| {s['host_gap_s']:.3f} | {t1 - t0:.2f} |")
PY
    stop_board
}

echo "| tool | virtual s | x floor | probe commands | USB bytes | host gaps s | wall s |"
echo "|---|---|---|---|---|---|---|"
if [ -x "$stflash" ]; then
    row "stflash (tcp)" '"$stflash" --probe "tcp:127.0.0.1:$port" write "$image" 0x08000000'
fi
row "OpenOCD 0.12 hla (tcp)" 'openocd -c "adapter driver hla" -c "hla_layout stlink" \
    -c "hla_device_desc \"ST-LINK\"" -c "hla_vid_pid 0x0483 0x3748" \
    -c "hla_stlink_backend tcp $port" -c "transport select hla_swd" -c "gdb_port disabled" \
    -c "telnet_port disabled" -c "tcl_port disabled" -f target/stm32f1x.cfg -c init \
    -c "reset halt" -c "flash write_image erase $image 0x08000000" \
    -c "verify_image $image 0x08000000" -c shutdown'
if [ -f "$libusb_dir/libusb-1.0.so.0" ]; then
    row "st-flash 1.7.0 (usb)" 'LD_LIBRARY_PATH="$libusb_dir" STFLASH_SIM_ADDR="127.0.0.1:$port" \
        st-flash write "$image" 0x08000000'
fi
