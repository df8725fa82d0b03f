#!/usr/bin/env bash
# bench/report.py on a fixture: the document's text outside the markers is kept, the tables hold
# the fixture's figures, the targets are judged from them, failed and unsupported jobs say so,
# a second run gives the same document, and the plot is a PNG (when python3-matplotlib is there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
report="$here/../../bench/report.py"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stflash-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*" >&2
    [ -f "$WORK/doc.md" ] && cat "$WORK/doc.md" >&2
    exit 1
}
has() { grep -qF -- "$1" "$WORK/doc.md" || fail "the document lacks: $1"; }
lacks() { ! grep -qF -- "$1" "$WORK/doc.md" || fail "the document still holds: $1"; }

cp "$here/doc.md" "$WORK/doc.md"
/usr/bin/python3 "$report" "$here/results.jsonl" --doc "$WORK/doc.md" --png "$WORK/plot.png" \
    2>"$WORK/err" || fail "report.py failed: $(cat "$WORK/err")"

for text in "Explanatory text that stays." "Between the tables." "The end stays too."; do
    has "$text"
done
lacks "old targets"
lacks "| old | table |"
echo "ok: the text outside the markers kept, the old tables replaced"

has "| f103-64k | **stflash (tcp)** | **1.982** | 1.740 | **1.14x** | 3519 | 156514 | 0.128 | 65534 / 0 / 0 | 0.031 | 8.0 |"
has "| f103-64k | OpenOCD 0.12 hla (tcp) | 2.608 | 1.740 | 1.50x | 3485 | 147100 | 0.235 | 65536 / 0 / 1 | 0.118 | 8.9 |"
has "| f103-read-64k | **stflash (tcp)** | **0.512** | 0.419 | **1.22x** |"
has "| f407-512k | **stflash (tcp)** | **5.580** | 2.097 | **2.66x** |"
has "| f103-verify-64k | st-flash 1.7.0 (usb) | unsupported: no verify-only command |"
has "| f407-512k | pyOCD 0.13 stm32f439xi (usb) | failed: TransferFaultError @ 0x20020000 |"
# Each suite in its own table.
sed -n '/bench:f1 begin/,/bench:f1 end/p' "$WORK/doc.md" | grep -q f407 && fail "an F407 row in the F1 table"
sed -n '/bench:families begin/,/bench:families end/p' "$WORK/doc.md" | grep -q f103 && fail "an F103 row in the families table"
has "Run of 2026-12-01 10:00 UTC at commit abc1234, on a host of 2 cores with a load average (1 minute) of 1.5 at the start and 2.25 at the end; 7 minutes."
echo "ok: the fixture's figures in the tables, failed and unsupported jobs named, the run described"

has "| f103 | 64 KiB written and verified on a blank chip | at most 1.03x | 1.14x | **no** |"
has "| f103 | the same image again | at most 0.050 s | 0.047 s | yes |"
has "| f103 | 64 KiB read, against the SWD limit at 1800 kHz | at most 1.10x | 1.22x | **no** |"
has "| f103 | host CPU of the 64 KiB write (user + system) | under 0.020 s | 0.031 s | **no** |"
has "| f103 | peak RSS of the 64 KiB write | under 8.0 MiB | 8.0 MiB | **no** |"
echo "ok: the targets judged from the fixture"

cp "$WORK/doc.md" "$WORK/first.md"
/usr/bin/python3 "$report" "$here/results.jsonl" --doc "$WORK/doc.md" --png "$WORK/plot.png" \
    2>"$WORK/err" || fail "report.py failed the second time: $(cat "$WORK/err")"
cmp -s "$WORK/first.md" "$WORK/doc.md" || fail "a second run changed the document"
echo "ok: a second run gives the same document"

if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
    [ "$(head -c 8 "$WORK/plot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
        fail "the plot is not a PNG"
    [ "$(stat -c %s "$WORK/plot.png")" -gt 10000 ] || fail "the plot is nearly empty"
    echo "ok: the plot written as a PNG"
else
    [ ! -e "$WORK/plot.png" ] || fail "a plot without matplotlib"
    grep -qF "python3-matplotlib is not installed" "$WORK/err" || fail "no word of the missing plot"
    echo "ok: without python3-matplotlib, the tables alone, and a word saying so"
fi

printf '# no markers\n' >"$WORK/bare.md"
if /usr/bin/python3 "$report" "$here/results.jsonl" --doc "$WORK/bare.md" --png "$WORK/p.png" 2>"$WORK/err"; then
    fail "a document without markers was accepted"
fi
grep -qF "markers" "$WORK/err" || fail "no word of the missing markers: $(cat "$WORK/err")"
echo "ok: a document without the markers is refused"
