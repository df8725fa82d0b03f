# Helpers of the command-line tests: run the tools, check exit codes, output and flash contents,
# start a virtual-board daemon on free ports.
# Environment (set by tests/cli/CMakeLists.txt): STFLASH (the tool), STFLASH_ST_INFO,
# STFLASH_ST_FLASH (the compatible front-ends), STFLASH_SIM (daemon), STFLASH_FW_DIR (built
# firmware and images), STFLASH_LIBUSB_DIR (folder of the stand-in libusb-1.0.so.0).
# The daemons: tests/lib/sim.sh.
set -euo pipefail

: "${STFLASH:?path of the stflash tool}"
: "${STFLASH_SIM:?path of stflash-sim}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stflash-cli.XXXXXX")
. "$(dirname "${BASH_SOURCE[0]}")/../lib/sim.sh"
SIM_OPTIONS=(--quiet)
# The in-process virtual board keeps its flash here: one state file per test.
export STFLASH_SIM_STATE="$WORK/sim.state"
# Recovery files of interrupted writes (src/flash/recovery.h) stay in the test's folder.
export XDG_STATE_HOME="$WORK/state"
unset STFLASH_PROBE

fail() {
    echo "FAIL: $*" >&2
    for f in "$WORK"/out "$WORK"/err "$WORK"/sim*.err; do
        # Text only: a failing read to standard output leaves binary data in out.
        [ -s "$f" ] && grep -qI . "$f" && { echo "---- $(basename "$f")" >&2; tail -n 30 "$f" >&2; }
    done
    exit 1
}

pass() {
    echo "ok: $*"
}

# run [ARGS...]: runs the tool; stdout in $WORK/out, stderr in $WORK/err, status in $RC.
run() {
    set +e
    "$STFLASH" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    set -e
}

# expect_rc CODE ARGS...: runs the tool and checks its exit status.
expect_rc() {
    local want=$1
    shift
    run "$@"
    [ "$RC" -eq "$want" ] || fail "stflash $* exited with $RC, expected $want"
}

# expect_ok ARGS...
expect_ok() {
    expect_rc 0 "$@"
}

# expect_out TEXT / expect_err TEXT: the last run's stdout / stderr contains TEXT.
expect_out() {
    grep -qF -- "$1" "$WORK/out" || fail "expected \"$1\" on stdout"
}
expect_err() {
    grep -qF -- "$1" "$WORK/err" || fail "expected \"$1\" on stderr"
}
expect_no_err() {
    ! grep -qF -- "$1" "$WORK/err" || fail "did not expect \"$1\" on stderr"
}

# The error line of a failure: "stflash: " then a lowercase message.
expect_error_style() {
    head -n 1 "$WORK/err" | grep -qE '^stflash: [a-z0-9'"'"'-]' ||
        fail "first stderr line is not 'stflash: <lowercase message>': $(head -n 1 "$WORK/err")"
}

# json FIELD.PATH: a field of the last run's JSON output.
json() {
    /usr/bin/python3 - "$WORK/out" "$1" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split('.'):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
PY
}

# expect_json FIELD VALUE
expect_json() {
    local got
    got=$(json "$1") || fail "no field $1 in the JSON output"
    [ "$got" = "$2" ] || fail "JSON $1 is '$got', expected '$2'"
}

# random_file FILE SIZE: deterministic pseudo-random bytes (seeded by the size and name).
random_file() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import random, sys, os
r = random.Random(sys.argv[2] + os.path.basename(sys.argv[1]))
open(sys.argv[1], 'wb').write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[2]))))
PY
}

# expect_same FILE1 FILE2
expect_same() {
    cmp "$1" "$2" >/dev/null || fail "$(basename "$1") differs from $(basename "$2"): $(cmp "$1" "$2" 2>&1 | head -n 1)"
}

# patched BASE OFFSET DATA OUT: OUT = BASE with DATA written at OFFSET.
patched() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
base = bytearray(open(sys.argv[1], 'rb').read())
data = open(sys.argv[3], 'rb').read()
off = int(sys.argv[2], 0)
base[off:off + len(data)] = data
open(sys.argv[4], 'wb').write(bytes(base))
PY
}

# erased_pages BASE FIRST_PAGE COUNT PAGE_SIZE OUT: BASE with COUNT pages from FIRST_PAGE 0xff.
erased_pages() {
    /usr/bin/python3 - "$@" <<'PY'
import sys
base = bytearray(open(sys.argv[1], 'rb').read())
first, count, size = int(sys.argv[2], 0), int(sys.argv[3]), int(sys.argv[4])
base[first * size:(first + count) * size] = b'\xff' * (count * size)
open(sys.argv[5], 'wb').write(bytes(base))
PY
}

# all_ff FILE: every byte is 0xff.
all_ff() {
    /usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.exit(0 if d == b"\xff"*len(d) else 1)' "$1"
}

# board_field BOARD FIELD: a field of the daemon's status of a board.
board_field() {
    /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' \
        "$(ctl status "$1")" "$2"
}

# A test image in every format at an address: $WORK/NAME.{bin,hex,srec,elf}.
make_variants() {
    local name=$1 addr=$2
    local tool
    for tool in srec_cat arm-none-eabi-objcopy arm-none-eabi-ld; do
        command -v $tool >/dev/null || fail "$tool is missing: run scripts/install-deps.sh"
    done
    srec_cat "$WORK/$name.bin" -binary -offset "$addr" -o "$WORK/$name.hex" -intel -address-length=4 ||
        fail "srec_cat (ihex) failed"
    srec_cat "$WORK/$name.bin" -binary -offset "$addr" -o "$WORK/$name.srec" -motorola -address-length=4 ||
        fail "srec_cat (srec) failed"
    arm-none-eabi-objcopy -I binary -O elf32-littlearm -B arm --rename-section .data=.image,alloc,load,contents \
        "$WORK/$name.bin" "$WORK/$name.o" || fail "objcopy failed"
    # -N: one segment holding just the section (no ELF headers loaded into flash).
    arm-none-eabi-ld -N -e "$addr" --section-start=.image="$addr" -o "$WORK/$name.elf" "$WORK/$name.o" ||
        fail "ld failed"
}

# Without srecord, say what is missing instead of "command not found".
if ! command -v srec_cat >/dev/null; then
    srec_cat() { fail "srec_cat (srecord) is missing: run scripts/install-deps.sh"; }
fi

# start_gdbserver ARGS...: "stflash ARGS gdbserver --port 0" in the background, ended at exit;
# SERVER_PID is the server, GDB_PORT where it listens, $WORK/server.out and .err what it printed.
start_gdbserver() {
    : >"$WORK/server.out" # not the last server's line: the job's redirection may come later
    "$STFLASH" "$@" gdbserver --port 0 >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    SIM_PIDS+=("$SERVER_PID")
    local deadline=$((SECONDS + 20))
    until grep -q "listening for gdb" "$WORK/server.out" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || fail "gdbserver exited: $(cat "$WORK/server.err")"
        [ $SECONDS -lt $deadline ] || fail "gdbserver not listening after 20 s"
        sleep 0.05
    done
    GDB_PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) (target.*/\1/p' "$WORK/server.out")
}

# stop_gdbserver: ends the server start_gdbserver started; one that outlives SIGTERM by 10 s fails.
stop_gdbserver() {
    kill -TERM "$SERVER_PID"
    wait_deadline "$SERVER_PID" 10 || [ $? -ne 124 ] || fail "the gdb server did not end within 10 s of SIGTERM"
}

# loop_code_gdb ADDR TAG: gdb commands that store a three-instruction loop at ADDR (adds r0, #1;
# adds r1, #1; b back: Thumb 0x3001, 0x3101, 0xe7fc), run it from ADDR with a breakpoint on its
# second instruction, and print "TAG1 pc=... r0=... r1=..." and "TAG2 ..." at the two stops.
loop_code_gdb() {
    local a=$(($1))
    printf 'set {short}%#x = 0x3001\nset {short}%#x = 0x3101\nset {short}%#x = 0xe7fc\n' \
        "$a" $((a + 2)) $((a + 4))
    printf 'set $r0 = 0\nset $r1 = 0\nset $pc = %#x\nbreak *%#x\n' "$a" $((a + 2))
    for i in 1 2; do
        printf 'continue\nprintf "%s%d pc=%%#x r0=%%u r1=%%u\\n", $pc, $r0, $r1\n' "$2" "$i"
    done
}
