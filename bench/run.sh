#!/usr/bin/env bash
# Every flash benchmark in one run: bench/flash_cases.sh (F103, F100) and bench/family_cases.sh
# (F407, L476, G071, H743, U575), their results as JSON lines in RESULTS, then bench/report.py
# writes the tables of docs/benchmarks.md and docs/benchmarks.png from them. `make bench` builds
# the optimised build-bench and runs this.
#
#   bench/run.sh [BUILD_DIR] [RESULTS]     (default: build-bench, bench/results/results.jsonl)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build-bench}
results=$(realpath -m "${2:-$here/results/results.jsonl}")
mkdir -p "$(dirname "$results")"
export results
load() { cut -d' ' -f1 /proc/loadavg; }
# The run itself, for the document: when, which commit, how busy the host was (host gaps are
# charged in virtual time: a loaded host makes every tool slower).
start=$(date +%s)
printf '{"suite": "run", "date": "%s", "commit": "%s", "cores": %s, "load_start": %s}\n' \
    "$(date -u +'%Y-%m-%d %H:%M UTC')" \
    "$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$here/.." diff --quiet HEAD -- . ':!bench/results' ':!docs/benchmarks.md' ':!docs/benchmarks.png' 2>/dev/null || echo ' (modified)')" \
    "$(nproc)" "$(load)" >"$results"
"$here/flash_cases.sh" "$build"
"$here/family_cases.sh" "$build"
printf '{"suite": "run", "load_end": %s, "minutes": %s}\n' "$(load)" "$((($(date +%s) - start + 30) / 60))" >>"$results"
/usr/bin/python3 "$here/report.py" "$results"
