#!/usr/bin/env bash
# --json on every one-board command: one document on stdout, checked against
# docs/stflash-json.schema.json (tests/cli/json_check.py), the values it reports, the error object
# of failures and usage errors (with the documented exit status), the commands that refuse --json,
# and -q printing nothing on success.
. "$(dirname "$0")/lib.sh"
SCHEMA="$(dirname "$0")/../../docs/stflash-json.schema.json"
/usr/bin/python3 -c 'import jsonschema' || fail "python3-jsonschema is missing: run scripts/install-deps.sh"

# schema KIND: the last run's stdout is one document of that kind.
schema() {
    /usr/bin/python3 "$(dirname "$0")/json_check.py" "$SCHEMA" "$1" "$WORK/out" 2>"$WORK/check" ||
        fail "stdout is not a valid '$1' document: $(cat "$WORK/check")"
}
# jok KIND ARGS...: succeeds with a valid KIND document.
jok() {
    local kind=$1
    shift
    expect_ok "$@" --json
    schema "$kind"
}
# jfail CODE NAME ARGS...: exits CODE with an error object naming NAME, its exit_code CODE.
jfail() {
    local code=$1 name=$2
    shift 2
    expect_rc "$code" "$@" --json
    schema error
    expect_json error.exit_code "$code"
    expect_json error.name "$name"
    [ -n "$(json error.message)" ] || fail "empty error message"
}

P=(--probe "sim:stm32f103c8,state=$WORK/board.state")
random_file "$WORK/img.bin" 2048

jok chips chips
jok probe "${P[@]}" probe
expect_json probes.0.target.dev_id 0x410
jok info "${P[@]}" info
expect_json target.flash_size 65536
pass "chips, probe and info: documents of the schema"

jok write "${P[@]}" write "$WORK/img.bin" 0x08000000
expect_json image.bytes 2048
expect_json image.start 0x08000000
expect_json image.end 0x080007ff
expect_json programmed_bytes 2048
expect_json units_touched 2
expect_json units_unchanged 0
expect_json verified true
expect_json reset running
jok write "${P[@]}" write "$WORK/img.bin" 0x08000000 --no-reset
expect_json programmed_bytes 0
expect_json units_touched 2
expect_json units_unchanged 2
expect_json unchanged_bytes 2048
expect_json reset none
# One of the two pages changed: the other is reported unchanged.
cp "$WORK/img.bin" "$WORK/img2.bin"
b=$(od -An -tu1 -j1500 -N1 "$WORK/img.bin")
printf "\\x$(printf %02x $((255 - b)))" | dd of="$WORK/img2.bin" bs=1 seek=1500 conv=notrunc status=none
jok write "${P[@]}" write "$WORK/img2.bin" 0x08000000 --no-reset
expect_json programmed_bytes 1024
expect_json units_unchanged 1
expect_json unchanged_bytes 1024
jok write "${P[@]}" write "$WORK/img2.bin" 0x08000000 --no-reset --full
expect_json units_touched 2
expect_json units_unchanged 0
jok write "${P[@]}" write "$WORK/img.bin" 0x08000000 --no-reset
jok verify "${P[@]}" verify "$WORK/img.bin" 0x08000000
expect_json identical true
jok read "${P[@]}" read "$WORK/back.bin" 0x08000000 2048
expect_json bytes 2048
expect_json end 0x080007ff
cmp -s "$WORK/img.bin" "$WORK/back.bin" || fail "read --json did not write the file"
pass "write (bytes programmed, pages already holding the image skipped and counted), verify and read"

jok erase "${P[@]}" erase 0x08000400 100
expect_json start 0x08000400
expect_json end 0x080007ff
expect_json units 1
jfail 5 STFLASH_ERR_VERIFY "${P[@]}" verify "$WORK/img.bin" 0x08000000
[ "$(json error.hint)" != null ] || fail "verify failure without its hint"
jok erase "${P[@]}" erase
expect_json mass_erase true
jok reset "${P[@]}" reset --halt
expect_json halted true
expect_json method auto
pass "erase (range and whole flash), reset, and a failed verify's error object (exit 5)"

jok options "${P[@]}" options
expect_json changed false
expect_json wdg_sw true
jok options "${P[@]}" options --wdg-sw 0
expect_json changed true
expect_json wdg_sw false
jfail 6 STFLASH_ERR_PROTECTED "${P[@]}" lock
jok lock "${P[@]}" lock --allow-read-protect
expect_json rdp_level 1
jfail 6 STFLASH_ERR_PROTECTED "${P[@]}" read "$WORK/x.bin" 0x08000000 16
jfail 6 STFLASH_ERR_PROTECTED "${P[@]}" doctor
/usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))["checks"]; assert any(x["verdict"] == "FAIL" and x["step"] == "read protection" for x in c), c' "$WORK/out" ||
    fail "a failed doctor's error document lacks its checks"
[ "$(json error.hint)" != null ] || fail "a failed doctor without the fix as hint"
jok unlock "${P[@]}" unlock --yes
expect_json was_protected true
expect_json flash_erased true
jok unlock "${P[@]}" unlock --yes
expect_json was_protected false
pass "options (shown and changed: the values after the change), lock, unlock, protection errors"

jok doctor "${P[@]}" doctor
expect_json failed 0
pass "doctor"

# Usage errors: an error object too, exit 2, before and after the command name.
jfail 2 STFLASH_ERR_INVALID_ARG "${P[@]}" write
[ "$(json error.hint)" = "see 'stflash write --help'" ] || fail "usage error hint: $(json error.hint)"
jfail 2 STFLASH_ERR_INVALID_ARG --bogus info
jfail 2 STFLASH_ERR_INVALID_ARG "${P[@]}" erase 0x08000000 0
jfail 2 STFLASH_ERR_INVALID_ARG nosuchcommand
jfail 1 STFLASH_ERR_IO "${P[@]}" write "$WORK/missing.bin"
jfail 3 STFLASH_ERR_IO --probe "tcp:127.0.0.1:1" info
expect_ok --json write --help
[ ! -s "$WORK/out" ] || fail "--json --help printed on stdout: $(cat "$WORK/out")"
expect_err "Usage: stflash write"
pass "usage errors (exit 2), a missing file (1) and no probe (3) as error objects; --help"

# Streams and several boards refuse --json, naming the alternative.
for c in gdbserver serve rtt swo; do
    jfail 2 STFLASH_ERR_INVALID_ARG "${P[@]}" "$c"
    expect_err "does not go with"
done
# run: what follows FIRMWARE is the firmware's command line, so --json goes before it.
expect_rc 2 "${P[@]}" --json run "$WORK/img.bin"
schema error
expect_json error.name STFLASH_ERR_INVALID_ARG
expect_err "does not go with"
jfail 2 STFLASH_ERR_INVALID_ARG "${P[@]}" read - 0x08000000 16
expect_err "read into a FILE"
jfail 2 STFLASH_ERR_INVALID_ARG --probe "sim:stm32f103c8,sim:stm32f103c8" erase
expect_err "--log FILE"
pass "gdbserver, serve, rtt, swo, run, read - and several boards refuse --json (exit 2)"

# mem, regs, halt, resume keep the core's state between commands: the daemon's board.
start_sim
T=(--probe "tcp:127.0.0.1:$SIM_PORT")
jok mem_write "${T[@]}" mem write 0x20004000 0x12345678 0xdeadbeef
expect_json words_written 2
jok mem_read "${T[@]}" mem read 0x20004000 2
expect_json words.0 0x12345678
expect_json words.1 0xdeadbeef
jfail 1 STFLASH_ERR_IO "${T[@]}" regs
jok halt "${T[@]}" halt
pc=$(json pc)
jok regs "${T[@]}" regs
expect_json pc "$pc"
jok resume "${T[@]}" resume
expect_json halted false
pass "mem read/write, regs, halt, resume"

# -q: nothing but errors, for every command that succeeds.
quiet() {
    expect_ok -q "$@"
    [ ! -s "$WORK/out" ] || fail "stflash -q $* printed on stdout: $(head -c 300 "$WORK/out")"
    [ ! -s "$WORK/err" ] || fail "stflash -q $* printed on stderr: $(head -c 300 "$WORK/err")"
}
quiet chips
quiet "${P[@]}" probe
quiet "${P[@]}" info
quiet "${P[@]}" write "$WORK/img.bin" 0x08000000
quiet "${P[@]}" verify "$WORK/img.bin" 0x08000000
quiet "${P[@]}" read "$WORK/q.bin" 0x08000000 64
quiet "${P[@]}" erase 0x08000400 1k
quiet "${P[@]}" reset
quiet "${P[@]}" options
quiet "${P[@]}" options --wdg-sw 1
quiet "${P[@]}" lock --allow-read-protect
quiet "${P[@]}" unlock --yes
quiet "${P[@]}" doctor
quiet "${T[@]}" mem write 0x20004000 1
quiet "${T[@]}" mem read 0x20004000
quiet "${T[@]}" halt
quiet "${T[@]}" regs
quiet "${T[@]}" resume
pass "-q prints nothing on success, for every one-board command"
