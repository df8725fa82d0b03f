#!/usr/bin/env bash
# Runs every fuzzer longer than the test suite does and prints the executions of each:
#   bench/fuzz.sh [BUILD_DIR [SECONDS]]   (default: build, 300 s per harness)
# The fuzzers are built by the main build into BUILD_DIR/fuzz (needs clang and libFuzzer:
# scripts/install-deps.sh). New inputs go to BUILD_DIR/fuzz-bench/<name>; the seed corpora in
# tests/fuzz/corpus are only read.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
secs=${2:-300}
harness="$build/fuzz/tests/fuzz/harness"
[ -d "$harness" ] || { echo "bench/fuzz.sh: no fuzzers in $harness: build the project first (cmake --build $build)" >&2; exit 1; }
printf '%-16s %14s %10s %s\n' harness executions exec/s result
for corpus in "$root"/tests/fuzz/corpus/*/; do
    name=$(basename "$corpus")
    work="$build/fuzz-bench/$name"
    if bash "$root/tests/fuzz/run_fuzzer.sh" "$harness/fuzz_$name" "$corpus" "$work" "$secs" >/dev/null 2>"$work.err"; then
        result=ok
    else
        result="FAILED (see $work.err)"
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
    printf '%-16s %14s %10s %s\n' "$name" "${execs:-0}" "${rate:-0}" "$result"
done
