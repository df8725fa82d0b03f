#!/usr/bin/env bash
# Runs one libFuzzer harness for a while: run_fuzzer.sh BINARY SEED_CORPUS WORK_DIR SECONDS.
# New inputs go to WORK_DIR (the seed corpus in the repository is only read); a crash, leak,
# sanitizer report or a hang (10 s on one input) fails; the executions are printed.
set -euo pipefail
bin=$1 seeds=$2 work=$3 secs=$4
[ -x "$bin" ] || { echo "FAIL: no fuzzer $bin: build the project (the fuzzers are part of it)" >&2; exit 1; }
[ -d "$seeds" ] || { echo "FAIL: no seed corpus $seeds" >&2; exit 1; }
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/log"
set +e
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$log" 2>&1
rc=$?
set -e
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$rc" -ne 0 ]; then
    echo "FAIL: $(basename "$bin") exited with $rc after ${execs:-?} executions; the input is in $work/artifacts:" >&2
    grep -v '^#' "$log" | tail -n 40 >&2
    exit 1
fi
echo "ok: $(basename "$bin"): ${execs:-0} executions in $secs s, no failure"
