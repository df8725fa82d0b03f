#!/usr/bin/env bash
# Help, version and usage errors: exit 2 with a message naming the problem, nothing opened.
. "$(dirname "$0")/lib.sh"

expect_ok --help
expect_out "Usage: stflash"
expect_out "Exit status:"
for code in "0  success" "2  usage error" "3  no probe" "4  the target" "5  verification" "6  read or write protection"; do
    expect_out "$code"
done
for cmd in probe info write read erase verify reset options unlock lock doctor gdbserver chips mem regs halt resume; do
    expect_ok "$cmd" --help
    expect_out "Usage: stflash $cmd"
    expect_out "Exit status:"
    expect_ok help "$cmd"
    expect_out "Usage: stflash $cmd"
done
expect_ok -h
expect_out "Commands:"
pass "help of the tool and of every command"

expect_ok --version
grep -qE '^stflash [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/out" || fail "bad --version output: $(cat "$WORK/out")"
pass "version"

"$STFLASH_SIM" --version >"$WORK/out" 2>"$WORK/err" || fail "stflash-sim --version failed: $(cat "$WORK/err")"
grep -qE '^stflash-sim [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/out" || fail "bad stflash-sim --version output: $(cat "$WORK/out")"
pass "stflash-sim --version"

# docs/virtual-board.md shows stflash-sim's options as its --help prints them, and names every
# part of --list-chips in its tables (`--chip` column).
vboard=$(dirname "$0")/../../docs/virtual-board.md
"$STFLASH_SIM" --help >"$WORK/sim.help" 2>&1 || fail "stflash-sim --help failed: $(cat "$WORK/sim.help")"
sed -n '/^Options:$/,/^Control port commands/p' "$WORK/sim.help" | sed '1d;$d' | sed '${/^$/d}' \
    >"$WORK/sim.help.opts"
sed -n '/^## Options$/,/^## /p' "$vboard" | sed -n '/^```$/,/^```$/p' | sed '1,2d;$d' \
    >"$WORK/sim.doc.opts"
[ -s "$WORK/sim.doc.opts" ] || fail "no options block found in docs/virtual-board.md"
diff -u "$WORK/sim.doc.opts" "$WORK/sim.help.opts" ||
    fail "docs/virtual-board.md's options differ from stflash-sim --help (above)"
"$STFLASH_SIM" --list-chips >"$WORK/sim.chips" || fail "stflash-sim --list-chips failed"
while read -r chip _; do
    grep -q "^ *| \`$chip\`" "$vboard" || fail "docs/virtual-board.md has no table row for $chip"
done <"$WORK/sim.chips"
pass "docs/virtual-board.md: stflash-sim's options and every simulated part"

# usage_error MESSAGE ARGS...: exit 2, the message on stderr, nothing on stdout.
usage_error() {
    local msg=$1
    shift
    expect_rc 2 "$@"
    expect_err "$msg"
    expect_error_style
    [ ! -s "$WORK/out" ] || fail "stflash $* printed on stdout: $(cat "$WORK/out")"
}

P=(--probe sim:stm32f103c8)
usage_error "no command given"
usage_error "unknown command 'frobnicate'" frobnicate
usage_error "unknown option '--frob'" --frob probe
usage_error "unknown option '--frob' for 'write'" write --frob x.bin
# An unambiguous start of a long option is the option (getopt_long); a start several share is
# refused naming them.
usage_error "option '--ver' is ambiguous: --verbose, --version" --ver probe
expect_rc 0 --vers
grep -q "^stflash " "$WORK/out" || fail "--vers did not print the version: $(cat "$WORK/out")"
usage_error "option '--no-verify' takes no value (got '1')" "${P[@]}" write x.bin --no-verify=1
usage_error "option '--freq' needs a value" "${P[@]}" info --freq
usage_error "missing arguments for 'write'" "${P[@]}" write
usage_error "too many arguments for 'write'" "${P[@]}" write a.bin 0x08000000 extra
usage_error "missing arguments for 'read'" "${P[@]}" read out.bin 0x08000000
usage_error "bad size 'lots'" "${P[@]}" read out.bin 0x08000000 lots
usage_error "bad size '0'" "${P[@]}" read out.bin 0x08000000 0
usage_error "bad address '0x8000000g'" "${P[@]}" read out.bin 0x8000000g 16
usage_error "bad address '0x100000000'" "${P[@]}" read out.bin 0x100000000 16
usage_error "runs past the end of the address space" "${P[@]}" read out.bin 0xfffffff0 0x20
usage_error "read writes raw binary or Intel HEX" "${P[@]}" read out.srec 0x08000000 16
usage_error "read cannot write s-record files" "${P[@]}" read out.bin 0x08000000 16 --format srec
usage_error "unknown image format 'coff'" "${P[@]}" write --format coff a.bin
usage_error "missing size after address '0x08000000'" "${P[@]}" erase 0x08000000
usage_error "too many arguments for 'erase'" "${P[@]}" erase 0x08000000 1k 2
usage_error "bad SWD clock '4q'" --freq 4q info
usage_error "bad SWD clock '0'" --freq 0 info
usage_error "bad connect mode 'gently'" --connect gently info
usage_error "bad flash size '100'" --flash-size 100 info
usage_error "bad probe selector 'tcp:host:port'" --probe tcp:host:port info
usage_error "bad probe selector 'ftp:x'" --probe ftp:x info
usage_error "option '--probe' needs a value" info --probe
usage_error "option '--halt' takes no value" reset --halt=yes
expect_rc 2 "${P[@]}" --json gdbserver
expect_err "option '--json' does not go with 'gdbserver'"
expect_json error.exit_code 2
usage_error "option '--version' goes before the command" "${P[@]}" info --version
usage_error "give one reset method" "${P[@]}" reset --hard --system
usage_error "unknown reset method 'sideways'" "${P[@]}" reset --reset=sideways
usage_error "--no-reset contradicts --reset" "${P[@]}" write --reset=hard --no-reset a.bin
usage_error "--no-reset contradicts --halt" "${P[@]}" write --halt --no-reset a.bin
STFLASH_PROBE="tcp:x:y" usage_error "STFLASH_PROBE" info
[ ! -e "$STFLASH_SIM_STATE" ] || fail "a usage error touched the virtual board"
pass "usage errors exit 2 with a message, before opening anything"

# Accepted forms of the numbers.
for f in 4000 4M 1800k 1.8M 950kHz; do
    expect_ok --probe sim:stm32f103c8 --freq "$f" --json info
done
expect_json probe.swd_khz 950
pass "SWD clock forms"

# The virtual board's options without a chip name: the default chip (the grammar of --help).
expect_ok --probe "sim,rdp=1,state=$WORK/rdp1.state" info
expect_out "level 1"
pass "sim,OPTION: the default chip with an option"
# A board option its state file overrides is said, not dropped in silence.
expect_ok --probe "sim,rdp=0,state=$WORK/rdp1.state" info
expect_out "level 1"
expect_err "board option rdp=0 not applied"
pass "a board option the state file overrides is reported"

# A binary file with an address carried by the format: ADDR is refused.
printf ':00000001FF\n' >"$WORK/empty.hex"
random_file "$WORK/a.bin" 16
srec_cat "$WORK/a.bin" -binary -offset 0x08000000 -o "$WORK/a.hex" -intel
expect_rc 2 "${P[@]}" write "$WORK/a.hex" 0x08000000
expect_err "unexpected address for '$WORK/a.hex'"
expect_rc 1 "${P[@]}" write "$WORK/missing.bin"
expect_err "missing.bin"
expect_error_style
printf 'hello, this is not an image\n' >"$WORK/text.txt"
expect_rc 1 "${P[@]}" write "$WORK/text.txt"
expect_err "--format bin"
pass "image files checked before the probe is opened"

# The man page's synopsis of unlock and the families of options agree with the tool.
man=$(dirname "$0")/../../man/stflash.1
expect_ok unlock --help
expect_out "Usage: stflash unlock [--yes]"
grep -qF '.B stflash unlock [\-\-yes]' "$man" || fail "stflash(1) synopsis of unlock lacks --yes"
expect_ok options --help
! grep -q "(STM32F0/F1/F3)" "$WORK/out" "$man" || fail "options is documented as F0/F1/F3 only"
pass "unlock's synopsis and the families of options as documented"

# The synopses, commands, options and exit status in stflash(1) and docs/cli.md are generated
# from the --help texts (scripts/gen-cli-docs.py) and up to date with them.
root=$(dirname "$0")/../..
python3 "$root/scripts/gen-cli-docs.py" --check "$STFLASH" "$man" "$root/docs/cli.md" >"$WORK/out" 2>&1 ||
    fail "stflash(1) or docs/cli.md differ from the --help texts: $(head -n 40 "$WORK/out")"
# A help text changed without regenerating is caught: a copy of the man page with one option's
# generated description altered is reported.
sed 's/^print the version$/prints the version/' "$man" >"$WORK/stale.1"
! cmp -s "$man" "$WORK/stale.1" || fail "the man page has no generated --version line to alter"
! python3 "$root/scripts/gen-cli-docs.py" --check "$STFLASH" "$WORK/stale.1" >"$WORK/out" 2>&1 ||
    fail "gen-cli-docs.py --check accepted a stale man page"
grep -qF -- "-prints the version" "$WORK/out" || fail "the stale line is not shown: $(cat "$WORK/out")"
pass "stflash(1) and docs/cli.md hold the --help texts as generated"

# Every command and option of the --help texts is in stflash(1) and docs/cli.md, and the man
# page's synopsis shows no option a command lacks (docs_options.py).
python3 "$(dirname "$0")/docs_options.py" "$STFLASH" "$man" "$(dirname "$0")/../../docs/cli.md" \
    || fail "the help, stflash(1) and docs/cli.md disagree (above)"
# --json is a global option: no command's synopsis singles it out, except where it excludes
# another (chips --names | --json).
for c in probe info options doctor; do
    expect_ok "$c" --help
    grep -q '^Usage: .*--json' "$WORK/out" && fail "stflash $c --help shows --json in its synopsis"
done
! sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$man" | grep -v 'names' | grep -q 'json' \
    || fail "stflash(1) SYNOPSIS shows --json for a command"
pass "help, man page and user guide name the same commands and options"

# The doctor example of docs/cli.md (an unpowered board) is what doctor prints, from the target
# voltage step on (the probe lines name a USB probe there).
sed -n '/^\$ stflash doctor$/,/^```$/p' "$(dirname "$0")/../../docs/cli.md" \
    | sed -n '/target voltage/,/^stflash:/p' >"$WORK/doctor.doc"
[ "$(wc -l <"$WORK/doctor.doc")" -ge 9 ] || fail "no doctor example found in docs/cli.md"
expect_rc 4 --probe "sim:stm32f103c8,voltage=0,state=$WORK/unpowered.state" doctor
cat "$WORK/out" "$WORK/err" | sed -n '/target voltage/,$p' >"$WORK/doctor.run"
diff -u "$WORK/doctor.doc" "$WORK/doctor.run" || fail "docs/cli.md's doctor example differs from doctor's output"
pass "the doctor example of docs/cli.md is what doctor prints"
