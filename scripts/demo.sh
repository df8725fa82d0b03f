#!/usr/bin/env bash
# The main job on the virtual board: start a virtual Blue Pill, look at it with stflash, flash the
# blink example built from examples/blink, verify it, reset it and watch the PC13 LED toggle.
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

stflash="$build/tools/stflash"
probe="tcp:127.0.0.1:$port"
echo
echo "== stflash probe: which probes and chips are attached"
"$stflash" --probe "$probe" probe
echo
echo "== stflash info: the chip in detail (no reset, no halt)"
"$stflash" --probe "$probe" info
echo
echo "== stflash write: flash $elf, verify it, reset and run"
"$stflash" --probe "$probe" write --reset "$elf"

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
