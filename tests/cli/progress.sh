#!/usr/bin/env bash
# Progress: append-only lines when standard error is not a terminal, a bar redrawn in place
# (at most ~10 times a second) on a terminal, nothing with --quiet.
. "$(dirname "$0")/lib.sh"
P=(--probe sim:stm32f103c8)
random_file "$WORK/img.bin" 65536

# Over other firmware (every byte inverted): the flash must be erased first.
/usr/bin/python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(bytes(b ^ 0xFF for b in d))' "$WORK/img.bin" "$WORK/inv.bin"
expect_ok "${P[@]}" -q write "$WORK/inv.bin" 0x08000000
expect_ok "${P[@]}" write "$WORK/img.bin" 0x08000000
for phase in erase program verify; do
    grep -qE "^$phase: 100% 65536 bytes in [0-9]+\.[0-9]{2} s" "$WORK/err" ||
        fail "no '$phase: 100% 65536 bytes in N s' line: $(cat "$WORK/err")"
done
if grep -q $'\r\|\033' "$WORK/err"; then fail "terminal control characters in a log"; fi
expect_out "wrote 65536 bytes at 0x08000000..0x0800ffff"
expect_ok "${P[@]}" read "$WORK/back.bin" 0x08000000 64k
grep -qE "^read: 100% 65536 bytes in " "$WORK/err" || fail "no read progress line"
pass "plain progress lines when not on a terminal"

expect_ok "${P[@]}" -q write "$WORK/img.bin" 0x08000000
[ ! -s "$WORK/err" ] || fail "--quiet printed on stderr: $(cat "$WORK/err")"
[ ! -s "$WORK/out" ] || fail "--quiet printed on stdout: $(cat "$WORK/out")"
pass "--quiet: nothing"

command -v script >/dev/null || fail "script(1) is needed for a terminal: install the Debian package bsdutils"
start=$(date +%s.%N)
# --full: the flash holds the image already, and unchanged pages would be skipped.
script -qfec "'$STFLASH' --probe sim:stm32f103c8 write --full '$WORK/img.bin' 0x08000000" /dev/null >"$WORK/tty.log" ||
    fail "write on a terminal failed: $(cat "$WORK/tty.log")"
end=$(date +%s.%N)
grep -qa $'program \\[[#.]*\\] ' "$WORK/tty.log" || fail "no progress bar on a terminal: $(cat -v "$WORK/tty.log")"
grep -qa $'\rprogram: 100% 65536 bytes in ' "$WORK/tty.log" || fail "the bar does not end in place"
grep -qa $'\033\\[K' "$WORK/tty.log" || fail "the line is not cleared when redrawn"
draws=$(tr '\r' '\n' <"$WORK/tty.log" | grep -ac '^program \[' || true)
limit=$(/usr/bin/python3 -c "import sys; print(int((float(sys.argv[2]) - float(sys.argv[1])) * 10) + 3)" "$start" "$end")
[ "$draws" -le "$limit" ] || fail "$draws redraws of the program bar in $(/usr/bin/python3 -c "print($end - $start)") s"
pass "bar on a terminal, redrawn in place ($draws redraws)"
