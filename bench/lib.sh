# Shared by the flash benchmarks (bench/flash_cases.sh, bench/family_cases.sh): a fresh daemon per
# measured write, its statistics in virtual time (docs/virtual-clock.md), one Markdown row per run.
# The sourcing script sets $build; rows need $work (a scratch folder).
sim="$build/sim/stflash-sim"
stflash="$build/tools/stflash"
libusb_dir="$build/sim/libusb"
pid=""
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

# The stand-in libusb in front of a command (st-flash, pyOCD), pointed at the board.
usb_prefix='env LD_LIBRARY_PATH="$libusb_dir" STFLASH_SIM_ADDR="127.0.0.1:$port"'

# row CASE TOOL COMMAND CHIP IMAGE FIRST FLOOR: writes FIRST (unless "") then measures COMMAND
# writing IMAGE ($image in COMMAND) on a fresh board; prints the row.
row() {
    local case=$1 name=$2 cmd=$3 chip=$4 first=$6 fl=$7
    start_board "$chip"
    local rc=0
    if [ -n "$first" ]; then
        image=$first
        eval "$cmd" >"$work/first.log" 2>&1 || rc=$?
    fi
    image=$5
    if [ $rc != 0 ]; then
        printf '| %s | %s | first write failed (%s): %s ||||||\n' "$case" "$name" "$rc" "$(tail -n 1 "$work/first.log")"
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
programmed = s["bytes_programmed"] or 2 * s["halfwords_programmed"]
erased = s["pages_erased"] + s["sectors_erased"]
print(f"| {case} | {name} | {v:.3f} | {v / fl:.2f}x | {s['commands']} "
      f"| {s['bytes_out'] + s['bytes_in']} | {s['host_gap_s']:.3f} "
      f"| {programmed} / {erased} / {s['mass_erases']} "
      f"| {rss / 1024:.1f} | {t1 - t0:.2f} |")
PY
    stop_board
}

table_head() {
    echo "| case | tool | virtual s | x floor | probe commands | USB bytes | host gaps s | bytes programmed / units erased / mass erases | peak RSS MiB | wall s |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
}
