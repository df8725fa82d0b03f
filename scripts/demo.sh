#!/usr/bin/env bash
# The main job on the virtual board: start a virtual Blue Pill, flash the blink example built
# from examples/blink, verify it, reset it and watch the PC13 LED toggle.
set -euo pipefail
build=${1:-build}
sim="$build/sim/stflash-sim"
elf="$build/examples/blink.elf"
[ -x "$sim" ] && [ -f "$elf" ] || { echo "demo: build first (make build)" >&2; exit 1; }

work=$(mktemp -d)
"$sim" --port 0 --control-port 0 --chip stm32f103c8 >"$work/sim.out" 2>"$work/sim.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q "ready on" "$work/sim.out" && break; sleep 0.05; done
cat "$work/sim.out"
port=$(sed -n 's/.*ready on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/sim.out")
ctl_port=$(sed -n 's/.*control port \([0-9]*\).*/\1/p' "$work/sim.out")

echo
echo "== flashing $elf onto the virtual Blue Pill (OpenOCD over the stlink-server protocol)"
openocd -c 'adapter driver hla' -c 'hla_layout stlink' -c 'hla_device_desc "ST-LINK"' \
    -c 'hla_vid_pid 0x0483 0x3748' -c "hla_stlink_backend tcp $port" -c 'transport select hla_swd' \
    -c 'gdb_port disabled' -c 'telnet_port disabled' -c 'tcl_port disabled' \
    -f target/stm32f1x.cfg -c init -c 'reset halt' -c 'flash probe 0' \
    -c "flash write_image erase $elf" -c "verify_image $elf" -c 'reset run' -c shutdown 2>&1 |
    grep -v '^Licensed\|^For bug\|http://openocd\|^Info : The selected\|port disabled'

echo
echo "== the board runs the firmware: PC13 LED, sampled every 100 ms of virtual time"
for i in $(seq 1 8); do
    exec 3<>"/dev/tcp/127.0.0.1/$ctl_port"
    echo "advance 0 100" >&3
    IFS= read -r status <&3
    exec 3>&-
    led=$(echo "$status" | sed -n 's/.*"led_pc13": "\([a-z]*\)".*/\1/p')
    toggles=$(echo "$status" | sed -n 's/.*"led_toggles": \([0-9]*\).*/\1/p')
    vt=$(echo "$status" | sed -n 's/.*"virtual_s": \([0-9.]*\).*/\1/p')
    printf '  t=%8.3f s  LED %-3s  (%s toggles so far)\n' "$vt" "$led" "$toggles"
done
