# Shared by the st-info / st-flash front-end tests: run stlink-tools 1.7.0 and our front-end on
# virtual boards, both over USB through the stand-in libusb, and compare what they print.
. "$(dirname "$0")/lib.sh"
: "${STFLASH_ST_INFO:?path of stflash-st-info}"
: "${STFLASH_ST_FLASH:?path of stflash-st-flash}"
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] || fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
for t in st-info st-flash; do
    command -v $t >/dev/null || fail "$t is not installed: install the Debian package stlink-tools"
done
st-info --version | grep -qx 'v1.7.0' || fail "the output is compared with stlink-tools 1.7.0, this is $(st-info --version)"

# side TOOL PORT NAME ARGS...: runs the real tool (NAME=real) or ours (NAME=ours) against the
# daemon on PORT; output in $WORK/NAME.{out,err,rc}.
side() {
    local tool=$1 port=$2 name=$3
    shift 3
    local exe=$tool
    [ "$name" = ours ] && { [ "$tool" = st-info ] && exe=$STFLASH_ST_INFO || exe=$STFLASH_ST_FLASH; }
    set +e
    (cd "$WORK" && LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$port" \
        "$exe" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err")
    echo $? >"$WORK/$name.rc"
    set -e
}

# Log lines without their timestamp; our extra explanations (tagged "stflash") left out, and
# the fault-status lines, which depend on where each flash loader left the core.
log_lines() {
    sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8} //' "$1" |
        grep -avE '^(DEBUG|INFO|WARN|ERROR) stflash: |^INFO flash_loader\.c: Clear (DFSR|CFSR|HFSR)$' || true
}

# compare TOOL REAL_PORT OUR_PORT [--rc REAL OURS] ARGS...: same stdout byte for byte, same log
# lines, same exit status (or the documented pair of statuses).
compare() {
    local tool=$1 pr=$2 po=$3
    shift 3
    local want_real="" want_ours=""
    if [ "${1:-}" = --rc ]; then
        want_real=$2 want_ours=$3
        shift 3
    fi
    side "$tool" "$pr" real "$@"
    side "$tool" "$po" ours "$@"
    local rr ro
    rr=$(cat "$WORK/real.rc") ro=$(cat "$WORK/ours.rc")
    if [ -n "$want_real" ]; then
        [ "$rr" = "$want_real" ] && [ "$ro" = "$want_ours" ] ||
            cfail "$tool $*: exit statuses real $rr, ours $ro (expected $want_real and $want_ours)"
    else
        [ "$rr" = "$ro" ] || cfail "$tool $*: exit status $ro, stlink-tools $rr"
    fi
    cmp -s "$WORK/real.out" "$WORK/ours.out" ||
        cfail "$tool $*: standard output differs$(printf '\n')$(diff <(tr '\r' '~' <"$WORK/real.out") <(tr '\r' '~' <"$WORK/ours.out") | head -n 20)"
    diff <(log_lines "$WORK/real.err") <(log_lines "$WORK/ours.err") >"$WORK/log.diff" ||
        cfail "$tool $*: log lines differ$(printf '\n')$(head -n 20 "$WORK/log.diff")"
    COMPARED=$((${COMPARED:-0} + 1))
}

cfail() {
    echo "FAIL: $*" >&2
    for f in real.out real.err ours.out ours.err; do
        echo "---- $f" >&2
        tr '\r' '~' <"$WORK/$f" | tail -n 15 >&2
    done
    exit 1
}
