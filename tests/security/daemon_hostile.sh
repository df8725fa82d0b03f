#!/usr/bin/env bash
# The virtual-board daemon against hostile clients (tests/security/daemon_hostile.py): no file
# written where a client says, no request body run, no stall from a bad length, idle or
# non-reading clients, garbage or floods.
set -euo pipefail
: "${STFLASH_SIM:?path of stflash-sim}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stflash-sec.XXXXXX")
fail() { echo "FAIL: $*" >&2; cat "$WORK"/sim*.err >&2 2>/dev/null || true; exit 1; }
. "$(dirname "${BASH_SOURCE[0]}")/../lib/sim.sh"
[ -x /usr/bin/python3 ] || fail "needs /usr/bin/python3 (Debian package python3)"

start_sim --state "$WORK/board.state"
/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/daemon_hostile.py" "$SIM_PORT" "$CTL_PORT" "$WORK" ||
    fail "hostile-client cases failed"
kill -0 "$SIM_PID" || fail "the daemon died"
# save without a name writes the operator's state file, nothing else
[ "$(ctl save 0)" = "ok saved $WORK/board.state" ] || fail "save 0 did not write the state file"
stop_sim
echo "ok: daemon survived every hostile client"
