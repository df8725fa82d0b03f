#!/usr/bin/env bash
# Production programming: the same 64 KiB image written to one board, then to eight boards of one
# daemon in parallel (stflash --probe tcp::PORT/*), each run on fresh blank boards. Reports each
# board's session in virtual time (docs/virtual-clock.md; the host's gaps between commands are
# charged as they happen, so boards waiting for the daemon pay for it) and the ratio of the
# slowest of the eight to the single board; the target is 1.2 at most.
#   bench/parallel.sh BUILD_DIR [BOARDS]
set -euo pipefail
build=${1:?usage: bench/parallel.sh BUILD_DIR [BOARDS]}
boards=${2:-8}
sim="$build/sim/stflash-sim"
stflash="$build/tools/stflash"
[ -x "$sim" ] && [ -x "$stflash" ] || { echo "bench: build $build first" >&2; exit 1; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

python3 -c 'import random; r=random.Random(64); open("'"$work"'/image.bin","wb").write(bytes(r.getrandbits(8) for _ in range(65536)))'

start() { # board count
    local extra=()
    for _ in $(seq 2 "$1"); do extra+=(--board); done
    "$sim" --port 0 --control-port 0 --quiet "${extra[@]}" >"$work/sim.out" 2>&1 &
    pid=$!
    for _ in $(seq 200); do
        port=$(sed -n 's/.*ready on 127\.0\.0\.1:\([0-9]*\) (control port [0-9]*).*/\1/p' "$work/sim.out")
        ctl=$(sed -n 's/.*ready on .*(control port \([0-9]*\)).*/\1/p' "$work/sim.out")
        [ -n "$port" ] && [ -n "$ctl" ] && return
        sleep 0.05
    done
    echo "bench: stflash-sim not ready: $(cat "$work/sim.out")" >&2
    exit 1
}

stats() { # board
    exec 3<>"/dev/tcp/127.0.0.1/$ctl"
    echo "stats $1" >&3
    IFS= read -r line <&3
    exec 3>&-
    echo "$line"
}

field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

run() { # board count -> prints "virtual seconds per board" and the wall time
    start "$1"
    local t0 t1
    t0=$(date +%s.%N)
    "$stflash" --probe "tcp::$port/*" write "$work/image.bin" 0x08000000 >"$work/out" 2>&1 ||
        { echo "bench: the write failed: $(tail -n 3 "$work/out")" >&2; exit 1; }
    t1=$(date +%s.%N)
    v=()
    gaps=()
    for b in $(seq 0 $(($1 - 1))); do
        s=$(stats "$b")
        v+=("$(field "$s" virtual_s)")
        gaps+=("$(field "$s" host_gap_s)")
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    wall=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
}

run 1
one=${v[0]}
one_gap=${gaps[0]}
one_wall=$wall
run "$boards"
slowest=$(printf '%s\n' "${v[@]}" | sort -g | tail -n 1)
slowest_gap=$(printf '%s\n' "${gaps[@]}" | sort -g | tail -n 1)
ratio=$(python3 -c "print(f'{$slowest / $one:.3f}')")
echo "| boards | virtual s (slowest board) | host gaps s (slowest) | wall s |"
echo "|---|---|---|---|"
printf '| 1 | %.3f | %.3f | %s |\n' "$one" "$one_gap" "$one_wall"
printf '| %s | %.3f | %.3f | %s |\n' "$boards" "$slowest" "$slowest_gap" "$wall"
echo
echo "every board (virtual s): ${v[*]}"
echo "ratio slowest/one: $ratio (target 1.2 at most)"
python3 -c "import sys; sys.exit(0 if $ratio <= 1.2 else 1)" || { echo "bench: above the target" >&2; exit 1; }
