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
: >"$results"
export results
"$here/flash_cases.sh" "$build"
"$here/family_cases.sh" "$build"
/usr/bin/python3 "$here/report.py" "$results"
