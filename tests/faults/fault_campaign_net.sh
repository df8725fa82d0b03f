#!/usr/bin/env bash
# The fault campaign through the daemon: `stflash write` over tcp (stlink-server protocol) and
# over usb (the stand-in libusb), RUNS writes each, one injected fault per write: the daemon's
# (control command "fault 0 SPEC", sim/faults.h) and, over usb, stalls and short reads of the
# stand-in libusb (STFLASH_SIM_USB_FAULT). Each outcome is classified as in fault_campaign.c,
# the flash read back over a fault-free connection. Fails on silent corruption, a write a rerun
# cannot finish, a failure without a message, or a hang (a run past its deadline).
# Usage: fault_campaign_net.sh RUNS SEED
. "$(dirname "$0")/../cli/lib.sh"
RUNS=${1:-20}
SEED=${2:-1}
RUN_DEADLINE=40
[ -f "${STFLASH_LIBUSB_DIR:-}/libusb-1.0.so.0" ] ||
    fail "no stand-in libusb in ${STFLASH_LIBUSB_DIR:-}: build the stflash_libusb target"
# The daemon's --fault: a bad spec stops it at start with the forms it takes.
set +e
"$STFLASH_SIM" --port 0 --control-port -1 --fault flip >"$WORK/bad.out" 2>"$WORK/bad.err"
bad_rc=$?
set -e
[ "$bad_rc" -ne 0 ] && grep -q "flip:ADDR" "$WORK/bad.err" ||
    fail "stflash-sim --fault flip: exit $bad_rc, $(cat "$WORK/bad.err")"
start_sim
RANDOM=$SEED

# The control command: a spec it does not know is refused with the forms it takes (the
# connection stays: the line is its protocol); the board's status names the armed fault.
ctl fault 0 bogus:1 | grep -q "^error fault 'bogus:1': give none, disconnect:N" ||
    fail "fault with an unknown kind: $(ctl fault 0 bogus:1)"
ctl fault 0 power:0 | grep -q "^error" || fail "fault power:0 accepted"
ctl fault 0 | grep -q "^error usage: fault B SPEC" || fail "fault without a spec accepted"
ctl fault 0 pgerr:0x08001000 | grep -q "^ok fault pgerr:0x08001000" || fail "fault pgerr refused"
ctl status 0 | grep -q '"fault": "pgerr:0x08001000"' || fail "status does not name the fault"
ctl fault 0 disconnect:random/7 | grep -qE "^ok fault disconnect:[0-9]+$" ||
    fail "fault disconnect:random/7 refused"
KINDS=(disconnect silence wait ap-fault reset power pgerr wrprterr bsy flip stall short)
declare -A COUNT

# spec KIND ADDR LEN: a fault of that kind at a random point of a write of LEN bytes at ADDR.
spec() {
    local kind=$1 addr=$2 len=$3
    local unit=$((addr + 2 * (RANDOM % (len / 2))))
    case $kind in
    disconnect | silence) echo "$kind:$((1 + RANDOM % 600))" ;;
    wait) echo "wait:$((1 + RANDOM % 16))" ;;
    ap-fault) printf 'ap-fault:0x%08x\n' $((RANDOM % 2 ? unit : 0x20000000 + 4 * (RANDOM % 1024))) ;;
    reset | power | bsy) echo "$kind:$((1 + RANDOM % (len / 2)))" ;;
    stall | short) echo "$kind:$((1 + RANDOM % 300))" ;;
    *) printf '%s:0x%08x\n' "$kind" "$unit" ;;
    esac
}

# write_via TRANSPORT USB_FAULT ARGS...: stflash with the run's deadline; status in RC.
write_via() {
    local transport=$1 usb_fault=$2
    shift 2
    local sel="tcp:127.0.0.1:$SIM_PORT"
    set +e
    if [ "$transport" = usb ]; then
        LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT" \
            STFLASH_SIM_USB_FAULT="$usb_fault" timeout -s KILL "$RUN_DEADLINE" \
            "$STFLASH" --probe usb: "$@" >"$WORK/out" 2>"$WORK/err"
    else
        timeout -s KILL "$RUN_DEADLINE" "$STFLASH" --probe "$sel" "$@" >"$WORK/out" 2>"$WORK/err"
    fi
    RC=$?
    set -e
}

# holds ADDR LEN: the flash, read over a fault-free tcp connection, holds the image.
holds() {
    ctl fault 0 none >/dev/null
    "$STFLASH" --probe "tcp:127.0.0.1:$SIM_PORT" -q read "$WORK/back.bin" "$1" "$2" \
        >/dev/null 2>"$WORK/read.err" || fail "read back failed: $(cat "$WORK/read.err")"
    cmp -s "$WORK/back.bin" "$WORK/img.bin"
}

for transport in tcp usb; do
    for ((i = 0; i < RUNS; i++)); do
        n_kinds=$([ "$transport" = usb ] && echo 12 || echo 10)
        # usb starts with its own kinds (stall, short), so that a short campaign has them
        first=$([ "$transport" = usb ] && echo 10 || echo 0)
        kind=${KINDS[$(((first + i) % n_kinds))]}
        len=$((2 * (1 + RANDOM % 1536)))
        addr=$((0x08001000 + 2 * (RANDOM % 2048)))
        head -c "$len" /dev/urandom >"$WORK/img.bin"
        f=$(spec "$kind" "$addr" "$len")
        ctl fault 0 none >/dev/null
        "$STFLASH" --probe "tcp:127.0.0.1:$SIM_PORT" -q erase >/dev/null 2>&1 ||
            fail "cannot erase before the run"
        usb_fault=""
        case $kind in
        stall | short) usb_fault=$f ;;
        *) ctl fault 0 "$f" | grep -q '^ok' || fail "the daemon refused fault $f" ;;
        esac
        addr_hex=$(printf '0x%08x' "$addr")
        write_via "$transport" "$usb_fault" write "$WORK/img.bin" "$addr_hex"
        if [ "$RC" -eq 137 ]; then
            outcome=hang
        elif [ "$RC" -eq 0 ]; then
            if holds "$addr_hex" "$len"; then outcome=verified; else outcome=corrupt; fi
        elif ! grep -qE '^stflash: ' "$WORK/err"; then
            outcome=corrupt # a failure nobody is told about
        else
            cp "$WORK/err" "$WORK/fault.err"
            ctl fault 0 none >/dev/null
            # Run again; a second time when the first rerun failed too (on a loaded host a
            # deadline of the tool can pass with no fault armed).
            outcome=stuck
            for again in failed rerun2; do
                write_via "$transport" "" write "$WORK/img.bin" "$addr_hex"
                if [ "$RC" -eq 0 ] && holds "$addr_hex" "$len"; then
                    outcome=$again
                    break
                fi
                echo "$transport fault $f: run again: $(grep -m1 '^stflash:' "$WORK/err" || true)" >&2
            done
        fi
        COUNT[$transport.$kind.$outcome]=$((${COUNT[$transport.$kind.$outcome]:-0} + 1))
        case $outcome in
        verified | failed | rerun2) ;;
        *) echo "$transport fault $f image $addr_hex+$len: $outcome" >&2
           cat "$WORK/err" "$WORK/fault.err" 2>/dev/null >&2 || true ;;
        esac
        [ -z "${FAULT_CAMPAIGN_VERBOSE:-}" ] ||
            echo "$transport $f $addr_hex+$len $outcome $(grep -m1 "^stflash:" "$WORK/fault.err" 2>/dev/null || true)"
        rm -f "$WORK/fault.err"
    done
done

bad=0
printf '%-10s %-12s %9s %9s %9s %9s %9s %9s\n' transport fault verified failed rerun2 corrupt \
    stuck hang
for transport in tcp usb; do
    for kind in "${KINDS[@]}"; do
        row=""
        any=0
        for o in verified failed rerun2 corrupt stuck hang; do
            c=${COUNT[$transport.$kind.$o]:-0}
            any=$((any + c))
            row+=$(printf ' %9s' "$c")
            case $o in corrupt | stuck | hang) [ "$c" -eq 0 ] || bad=1 ;; esac
        done
        [ "$any" -eq 0 ] || printf '%-10s %-12s%s\n' "$transport" "$kind" "$row"
    done
done
[ "$bad" -eq 0 ] || fail "silent corruption, an unrepaired write or a hang (above)"
pass "$((2 * RUNS)) writes over tcp and usb with one fault each: no silent corruption, no hang"
