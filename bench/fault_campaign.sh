#!/usr/bin/env bash
# The fault campaign, longer than the test suite runs it, printing the table of
# docs/reliability.md: RUNS writes on the in-process virtual board (tests/faults/fault_campaign.c)
# and NET_RUNS per transport through the daemon over tcp and usb
# (tests/faults/fault_campaign_net.sh), one injected fault each.
#   bench/fault_campaign.sh [BUILD_DIR [RUNS [NET_RUNS [SEED]]]]   (default: build 5000 100 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
runs=${2:-5000}
net_runs=${3:-100}
seed=${4:-1}
campaign="$build/tests/faults/fault_campaign"
[ -x "$campaign" ] || { echo "bench/fault_campaign.sh: no $campaign: build the project first (cmake --build $build)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stflash-faults.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
echo "== in-process virtual board: $runs writes"
"$campaign" "$runs" "$seed" 16 "$work" || status=1
echo "== daemon over tcp and usb: $net_runs writes each"
STFLASH="$build/tools/stflash" STFLASH_SIM="$build/sim/stflash-sim" \
    STFLASH_LIBUSB_DIR="$build/sim/libusb" \
    bash "$root/tests/faults/fault_campaign_net.sh" "$net_runs" "$seed" || status=1
exit $status
