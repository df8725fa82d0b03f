# Shared by the flash benchmarks (bench/flash_cases.sh, bench/family_cases.sh): a fresh daemon per
# measured write, its statistics in virtual time (docs/virtual-clock.md), one Markdown row per run.
# The sourcing script sets $build and $suite; rows need $work (a scratch folder); $results, when
# set, names the JSON-lines file the results are appended to.
sim="$build/sim/stflash-sim"
stflash="$build/tools/stflash"
libusb_dir="$build/sim/libusb"
pid=""
lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

start_board() { # chip [image preloaded into flash]
    "$sim" --port 0 --control-port 0 --quiet --chip "$1" ${2:+--firmware "$2"} >"$work/sim.out" 2>&1 &
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

# record CASE TOOL JOB STATUS MESSAGE [STATS FLOOR RSS_KIB CPU_S WALL_S]: one result, as a
# Markdown row on stdout and, when $results names a file, as one JSON line appended to it
# (bench/report.py turns those into docs/benchmarks.md's tables and docs/benchmarks.png).
record() {
    /usr/bin/python3 - "$results" "$suite" "$@" <<'PY'
import json, sys
results, suite, case, name, job, status, message = sys.argv[1:8]
r = {"suite": suite, "case": case, "tool": name, "job": job, "status": status}
if status != "ok":
    r["message"] = message
    print(f"| {case} | {name} | {message} |||||||||")
else:
    s, fl, rss, cpu, wall = json.loads(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10]), \
        float(sys.argv[11]), float(sys.argv[12])
    v = s["virtual_s"]
    r.update({
        "virtual_s": round(v, 6), "floor_s": round(fl, 6), "x_floor": round(v / fl, 4),
        "commands": s["commands"], "usb_bytes": s["bytes_out"] + s["bytes_in"],
        "host_gap_s": round(s["host_gap_s"], 6),
        "bytes_programmed": s["bytes_programmed"] or 2 * s["halfwords_programmed"],
        "units_erased": s["pages_erased"] + s["sectors_erased"], "mass_erases": s["mass_erases"],
        "cpu_s": round(cpu, 3), "rss_mib": round(rss / 1024, 2), "wall_s": round(wall, 2),
    })
    print(f"| {case} | {name} | {v:.3f} | {v / fl:.2f}x | {r['commands']} | {r['usb_bytes']} "
          f"| {r['host_gap_s']:.3f} | {r['bytes_programmed']} / {r['units_erased']} / "
          f"{r['mass_erases']} | {cpu:.3f} | {rss / 1024:.1f} | {wall:.2f} |")
if results:
    with open(results, "a") as f:
        f.write(json.dumps(r) + "\n")
PY
}

# unsupported CASE TOOL JOB WHY: a job the tool has no command for.
unsupported() {
    record "$1" "$2" "$3" unsupported "$4"
}

# row CASE TOOL COMMAND CHIP IMAGE FIRST FLOOR [JOB]: on a fresh board, writes FIRST with COMMAND
# (unless "") then measures COMMAND ($image in it is IMAGE; $out a scratch output file); prints the
# row. JOB (write, page, read or verify; default write) says which job FLOOR is the floor of. A
# read or verify job finds IMAGE in the flash from the start (stflash-sim --firmware), and a read
# must give it back.
# BENCH_TOOLS=stflash (a regular expression) runs only the tools whose row name matches it.
row() {
    local case=$1 name=$2 cmd=$3 chip=$4 first=$6 fl=$7 job=${8:-write}
    [[ -z "${BENCH_TOOLS:-}" || "$name" =~ $BENCH_TOOLS ]] || return 0
    case $job in
    read | verify) start_board "$chip" "$5" ;;
    *) start_board "$chip" ;;
    esac
    local rc=0
    if [ -n "$first" ]; then
        image=$first
        eval "$cmd" >"$work/first.log" 2>&1 || rc=$?
    fi
    image=$5
    out="$work/out.bin"
    rm -f "$out"
    if [ $rc != 0 ]; then
        record "$case" "$name" "$job" failed "first write failed ($rc): $(tail -n 1 "$work/first.log")"
        stop_board
        return
    fi
    # The tool's own peak memory, CPU and wall time (bench/rusage.c: the process alone, not a
    # wrapper's).
    [ -x "$work/rusage" ] || cc -std=c11 -O2 -Wall -Werror -o "$work/rusage" "$lib_dir/rusage.c" || {
        echo "bench: cannot build bench/rusage.c (a C compiler is needed)" >&2
        exit 1
    }
    if ! eval "\"$work/rusage\" \"$work/usage\" $cmd" >"$work/out.log" 2>&1; then
        record "$case" "$name" "$job" failed "$(tail -n 1 "$work/out.log")"
        stop_board
        return
    fi
    if [ "$job" = read ] && ! cmp -s "$out" "$image"; then
        record "$case" "$name" "$job" failed "read back differs from the flash's image"
        stop_board
        return
    fi
    local rss cpu wall
    read -r rss cpu wall <"$work/usage"
    record "$case" "$name" "$job" ok "" "$(stats)" "$fl" "$rss" "$cpu" "$wall"
    stop_board
}

# read_floor BYTES KHZ: the SWD limit of reading BYTES: one 46-clock transfer per 32-bit word
# (sim/vclock.h, SIM_SWD_CYCLES_PER_TRANSFER), nothing else.
read_floor() {
    /usr/bin/python3 -c "import sys; print(f'{int(sys.argv[1]) // 4 * 46 / (int(sys.argv[2]) * 1e3):.6f}')" "$1" "$2"
}

table_head() {
    echo "| case | tool | virtual s | x floor | probe commands | USB bytes | host gaps s | bytes programmed / units erased / mass erases | host CPU s | peak RSS MiB | wall s |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
}
