#!/usr/bin/env bash
# Production programming: eight boards of one daemon written in parallel, one with a flash fault:
# seven succeed, the eighth fails with its reason and does not stop the others; the log has one
# line per board with its unique ID (as read from the chip) and the image's SHA-256; unique
# serial numbers written with the image and read back; the log keeps them unique across runs.
. "$(dirname "$0")/lib.sh"

random_file "$WORK/image.bin" 4096
start_sim --board --board --board --board --board --board --board
ALL="tcp::$SIM_PORT/*"
mapfile -t SERIALS < <(sed -n 's/^board [0-9]*: .* serial \([0-9A-F]*\)$/\1/p' "$WORK/sim0.out")
[ "${#SERIALS[@]}" -eq 8 ] || fail "the daemon lists ${#SERIALS[@]} boards, expected 8"

# The UID of every board, read from the chip (RM0008 §30.1: 0x1FFFF7E8, 12 bytes).
declare -A UID_OF
expect_ok --probe "$ALL" read "$WORK/uid-{serial}.bin" 0x1FFFF7E8 12
for s in "${SERIALS[@]}"; do
    UID_OF[$s]=$(od -An -tx1 -v "$WORK/uid-$s.bin" | tr -d ' \n' | tr a-f A-F)
done
[ "$(printf '%s\n' "${UID_OF[@]}" | sort -u | wc -l)" -eq 8 ] || fail "the boards' UIDs are not all different"

# Board 3 fails: programming the half-word at 0x08000800 sets PGERR (sim/faults.h).
ctl fault 3 pgerr:0x08000800 | grep -q '^ok' || fail "cannot arm the fault"
# The status is the failed board's, as a single write would exit (4: the target failed).
expect_rc 4 --probe "$ALL" write "$WORK/image.bin" 0x08000000 --log "$WORK/prod.log"
expect_out "write on 8 boards: 7 ok, 1 failed"
[ "$(grep -c ': ok, wrote 4 KiB, verified' "$WORK/out")" -eq 7 ] || fail "seven boards should report ok"
expect_err "board 3 (${SERIALS[3]}) failed:"
grep "board 3 (" "$WORK/err" | grep -q "0x08000800" || fail "board 3's failure does not name the address"
[ "$(wc -l <"$WORK/prod.log")" -eq 8 ] || fail "the log has $(wc -l <"$WORK/prod.log") lines, expected 8"
SHA=$(sha256sum "$WORK/image.bin" | cut -d' ' -f1)
uids=""
for s in "${SERIALS[@]}"; do uids+="$s=${UID_OF[$s]},"; done
/usr/bin/python3 - "$WORK/prod.log" "$SHA" "$uids" "${SERIALS[3]}" <<'PY' || fail "the log is not right"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
sha, failed = sys.argv[2], sys.argv[4]
uid_of = dict(p.split('=') for p in sys.argv[3].strip(',').split(','))
assert sorted(l['probe_serial'] for l in lines) == sorted(uid_of), 'one line per board'
for l in lines:
    s = l['probe_serial']
    assert l['uid'] == uid_of[s], (s, l['uid'], uid_of[s])
    assert l['image_sha256'] == sha, l['image_sha256']
    assert l['dev_id'] == '0x410' and l['command'] == 'write'
    assert l['ranges'] == [{'start': '0x08000000', 'end': '0x08000fff'}], l['ranges']
    names = [p['name'] for p in l['phases']]
    assert names[0] == 'connect' and 'program' in names, names
    assert l['time'].endswith('Z') and l['seconds'] > 0
    if s == failed:
        assert l['result'] == 'failed' and '0x08000800' in l['error'], l
    else:
        assert l['result'] == 'ok' and l['error'] is None, l
        assert 'verify' in names, names
PY
pass "eight boards in parallel: seven written, the faulty one failed with its reason, eight log lines"

# The seven boards hold the image; the failed one can be written once the fault is gone.
expect_rc 5 --probe "tcp::$SIM_PORT/${SERIALS[3]},tcp::$SIM_PORT/${SERIALS[0]}" verify "$WORK/image.bin" 0x08000000
expect_out "verify on 2 boards: 1 ok, 1 failed"
expect_err "board 0 (${SERIALS[3]}) failed"
ctl fault 3 none | grep -q '^ok' || fail "cannot clear the fault"
expect_ok --probe "tcp::$SIM_PORT/${SERIALS[3]}" write "$WORK/image.bin" 0x08000000 --log "$WORK/prod.log"
expect_ok --probe "$ALL" verify "$WORK/image.bin" 0x08000000 --log "$WORK/prod.log" -q
[ "$(wc -l <"$WORK/prod.log")" -eq 17 ] || fail "write and verify add one log line per board"

# Serial numbers: a counter from 1000, unique, written with the image, read back.
expect_ok --probe "$ALL" write "$WORK/image.bin" 0x08000000 --serial-at 0x08000ff0 \
    --serial-start 1000 --log "$WORK/serial.log"
expect_ok --probe "$ALL" read "$WORK/sn-{serial}.bin" 0x08000ff0 4
declare -A SN_OF
for s in "${SERIALS[@]}"; do
    SN_OF[$s]=$(/usr/bin/python3 -c 'import sys,struct; print(struct.unpack("<I", open(sys.argv[1],"rb").read())[0])' "$WORK/sn-$s.bin")
done
[ "$(printf '%s\n' "${SN_OF[@]}" | sort -n | tr '\n' ' ')" = "1000 1001 1002 1003 1004 1005 1006 1007 " ] ||
    fail "serials read back: ${SN_OF[*]}"
for s in "${SERIALS[@]}"; do
    grep "\"probe_serial\":\"$s\"" "$WORK/serial.log" | grep -q "\"value\":\"${SN_OF[$s]}\"" ||
        fail "the log does not give board $s serial ${SN_OF[$s]}"
done
# The image around the serial is intact.
expect_ok --probe "tcp::$SIM_PORT/${SERIALS[5]}" read "$WORK/back.bin" 0x08000000 4096
head -c 4080 "$WORK/image.bin" | cmp -s - <(head -c 4080 "$WORK/back.bin") || fail "the image around the serial differs"
pass "eight unique serials written with the image and read back, as the log says"

# Written again: each chip keeps its serial (the log knows its UID); a new board would get 1008.
expect_ok --probe "$ALL" write "$WORK/image.bin" 0x08000000 --serial-at 0x08000ff0 \
    --serial-start 1000 --log "$WORK/serial.log"
expect_ok --probe "$ALL" read "$WORK/sn2-{serial}.bin" 0x08000ff0 4
for s in "${SERIALS[@]}"; do
    cmp -s "$WORK/sn-$s.bin" "$WORK/sn2-$s.bin" || fail "board $s changed its serial when written again"
done
pass "a board written again keeps its serial"

# From a CSV of UIDs, as text: a value another chip holds in the log is refused (board 2's: which
# board got which counter value depends on the order the threads ran in).
TAKEN=${SN_OF[${SERIALS[2]}]}
printf 'uid,value\n%s,SN-A\n%s,%s\n' "${UID_OF[${SERIALS[0]}]}" "${UID_OF[${SERIALS[1]}]}" "$TAKEN" >"$WORK/sn.csv"
expect_rc 1 --probe "tcp::$SIM_PORT/${SERIALS[0]},tcp::$SIM_PORT/${SERIALS[1]}" write "$WORK/image.bin" \
    0x08000000 --serial-at 0x08000fe0 --serial-format ascii --serial-csv "$WORK/sn.csv" --log "$WORK/serial.log"
expect_err "value $TAKEN was already given to the chip with unique ID"
expect_ok --probe "tcp::$SIM_PORT/${SERIALS[0]}" read "$WORK/text.bin" 0x08000fe0 5
printf 'SN-A\0' | cmp -s - "$WORK/text.bin" || fail "the CSV's text value was not written"
pass "CSV values by UID, as text; a duplicate refused"

# Probes on USB (the stand-in libusb presents a second daemon's two boards) with one over TCP.
EIGHT_PORT=$SIM_PORT
start_sim --board
(
    export LD_LIBRARY_PATH="$STFLASH_LIBUSB_DIR" STFLASH_SIM_ADDR="127.0.0.1:$SIM_PORT"
    expect_ok --probe 'usb:*' write "$WORK/image.bin" 0x08000000
    expect_out "write on 2 boards: 2 ok, 0 failed"
    head -c 4064 "$WORK/image.bin" >"$WORK/head.bin" # the eight boards hold serials above
    expect_ok --probe "usb:*,tcp::$EIGHT_PORT/${SERIALS[6]}" verify "$WORK/head.bin" 0x08000000
    expect_out "verify on 3 boards: 3 ok, 0 failed"
    expect_out "board 2 ${SERIALS[6]}:"
)
pass "USB probes and a probe over TCP in one list"

# Erase on every board, logged: the units erased (1 KiB pages of the F103, RM0008 §3.3.3).
expect_ok --probe "$ALL" erase 0x08000c10 16 --log "$WORK/erase.log"
[ "$(grep -c '"command":"erase".*"ranges":\[{"start":"0x08000c00","end":"0x08000fff"}\].*"result":"ok"' "$WORK/erase.log")" -eq 8 ] ||
    fail "the erase log does not name the page erased on eight boards: $(head -n 1 "$WORK/erase.log")"
pass "erase on eight boards, the page erased in the log"

# Option bytes of every board: shown, then changed on each as on one board (the same consent
# flags, the same refusals), then shown again.
expect_ok --probe "$ALL" options
[ "$(grep -c ': ok, read protection level 0, WRP 0xffffffff' "$WORK/out")" -eq 8 ] || fail "options on eight boards"
expect_rc 2 --probe "$ALL" options --swap-bank 1
[ "$(grep -c 'has no SWAP_BANK option bit' "$WORK/out" "$WORK/err" | awk -F: '{s+=$2} END {print s}')" -ge 8 ] ||
    fail "--swap-bank on eight F103 boards: not refused on each"
run --probe "$ALL" options --rdp 1
[ "$RC" -ne 0 ] || fail "read protection set on eight boards without --allow-read-protect"
expect_ok --probe "$ALL" options
[ "$(grep -c ': ok, read protection level 0' "$WORK/out")" -eq 8 ] || fail "a refused change changed a board"
expect_ok --probe "$ALL" options --rdp 1 --allow-read-protect
[ "$(grep -c ': ok, option bytes written: read protection level 1' "$WORK/out")" -eq 8 ] ||
    fail "read protection level 1 on eight boards: $(cat "$WORK/out")"
expect_ok --probe "$ALL" options
[ "$(grep -c ': ok, read protection level 1' "$WORK/out")" -eq 8 ] || fail "options after the change"
pass "option bytes changed on eight boards at once, with the same consent and refusals as on one"

# Bad input.
expect_rc 2 --probe "$ALL" write "$WORK/image.bin" 0x08000000 --serial-at 0x08000ff0 --serial-start 5
expect_err "--serial-start needs --log FILE"
expect_rc 2 --probe "$ALL" info
expect_err "'info' works on one probe"
expect_rc 2 --probe "$ALL" read "$WORK/one.bin" 0x08000000 4
expect_err "put {serial} in the file name"
pass "bad production options refused with the fix"
