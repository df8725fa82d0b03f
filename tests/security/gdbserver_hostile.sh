#!/usr/bin/env bash
# stflash gdbserver against hostile clients (tests/security/gdbserver_hostile.py): malformed
# checksums, oversized and short packets, a second client, floods, clients gone or silent
# mid-packet, load on a read-protected chip; and --bind outside loopback without --allow-remote.
set -euo pipefail
: "${STFLASH:?path of the stflash tool}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stflash-sec.XXXXXX")
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$WORK"/server.err >&2 2>/dev/null || true; exit 1; }
[ -x /usr/bin/python3 ] || fail "needs /usr/bin/python3 (Debian package python3)"

# No network exposure without the opt-in, and the probe is not even opened.
set +e
"$STFLASH" --probe "sim:state=$WORK/x.state" gdbserver --bind 0.0.0.0 --port 0 >"$WORK/out" 2>"$WORK/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--bind 0.0.0.0 without --allow-remote exited with $rc, expected 2"
grep -qF -- "add --allow-remote" "$WORK/err" || fail "no --allow-remote hint: $(cat "$WORK/err")"
echo "ok: --bind 0.0.0.0 needs --allow-remote"

# serve MODE SELECTOR-OPTIONS: runs the hostile cases against a server on that board.
serve() {
    # Emptied here: the background job's own redirection may come after the first look below,
    # which would then read the previous server's line.
    : >"$WORK/server.out"
    "$STFLASH" --probe "sim:state=$WORK/$1.state$2" gdbserver --port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER=$!
    local deadline=$((SECONDS + 20)) port=""
    until [ -n "$port" ]; do
        kill -0 "$SERVER" 2>/dev/null || fail "stflash gdbserver exited"
        [ $SECONDS -lt $deadline ] || fail "stflash gdbserver not listening after 20 s"
        sleep 0.05
        port=$(sed -n 's/^listening for gdb on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/server.out")
    done
    /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/gdbserver_hostile.py" "$port" "$1" ||
        fail "hostile-client cases failed ($1)"
    kill -0 "$SERVER" || fail "the server died"
    grep -qF "told it the server is busy" "$WORK/server.err" || fail "the refusal is not logged"
    grep -qF "malformed packet" "$WORK/server.err" || fail "the malformed packets are not logged"
    kill -TERM "$SERVER"
    wait "$SERVER" || fail "the server exited with an error"
    SERVER=""
}
serve open ""
serve protected ",rdp=1"
grep -qF "flash programming failed" "$WORK/server.err" || fail "the load failure's reason is not logged"
echo "ok: gdbserver survived every hostile client"
