#!/usr/bin/env bash
# The bad-input table: malformed files (missing, empty, truncated, oversized, damaged Intel HEX,
# S-record and ELF), malformed numbers, unwritable outputs, unknown and ambiguous probes, invalid
# option bytes. Each case must fail with its exact exit code (README.md: 1 failed, 2 usage,
# 3 no probe, 6 protection), a message holding a key phrase, and the flash unchanged: the
# virtual board's state file (flash and option bytes) is compared after every case, and the
# flash read back at the end.
. "$(dirname "$0")/lib.sh"
IN="$WORK/in"
mkdir -p "$IN"
/usr/bin/python3 "$(dirname "$0")/bad_input_files.py" "$IN" || fail "cannot make the input files"
mkfifo "$IN/fifo.hex"

P=(--probe sim)
random_file "$WORK/seed.bin" 4096
expect_ok "${P[@]}" -q write "$WORK/seed.bin" 0x08000000
expect_ok "${P[@]}" -q read "$WORK/before.bin" 0x08000000 64k
state_sum() { sha256sum "$STFLASH_SIM_STATE" | cut -d' ' -f1; }
STATE0=$(state_sum)

N=0
# bad CODE PHRASE ARGS...: stflash ARGS fails with CODE (within 30 s), stderr holds PHRASE, and
# the board's state is unchanged.
bad() {
    local code=$1 phrase=$2
    shift 2
    N=$((N + 1))
    set +e
    timeout 30 "$STFLASH" "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    set -e
    [ "$RC" -ne 124 ] || fail "case $N: stflash $* did not finish within 30 s"
    [ "$RC" -eq "$code" ] || fail "case $N: stflash $* exited with $RC, expected $code: $(head -n 2 "$WORK/err")"
    grep -qF -- "$phrase" "$WORK/err" || fail "case $N: stflash $*: expected \"$phrase\" in: $(head -n 2 "$WORK/err")"
    expect_error_style
    [ "$(state_sum)" = "$STATE0" ] || fail "case $N: stflash $* changed the board"
}

# ---- files ----
bad 1 "No such file or directory" "${P[@]}" write "$IN/missing.hex"
bad 1 "is empty" "${P[@]}" write "$IN/empty.hex"
bad 1 "is empty" "${P[@]}" write "$IN/empty.bin" 0x08000000
bad 1 "is a directory" "${P[@]}" write "$IN"
bad 1 "FIFO" "${P[@]}" write "$IN/fifo.hex"
bad 1 "character device" "${P[@]}" write /dev/zero 0x08000000
bad 1 "too large for a firmware image" "${P[@]}" write "$IN/oversized.bin" 0x08000000
pass "missing, empty, directory, FIFO, device, oversized files"

# ---- Intel HEX ----
bad 1 "missing end-of-file record" "${P[@]}" write "$IN/truncated.hex"
bad 1 "line 2: odd number of hex digits" "${P[@]}" write "$IN/cut_line.hex"
bad 1 "line 2: checksum mismatch" "${P[@]}" write "$IN/checksum.hex"
bad 1 "line 2: unknown record type 06" "${P[@]}" write "$IN/type06.hex"
bad 1 "overlapping data at 0x08000008 (line 3 and line 2)" "${P[@]}" write "$IN/overlap.hex"
# After a type 04 record offsets wrap modulo 4 GiB: 0xfffffff8 + 16 bytes reaches 0x00000000.
bad 1 "data at 0x00000000..0x00000007 (8 bytes) lies outside every memory region" "${P[@]}" write "$IN/wrap.hex"
bad 1 "lies outside every memory region" "${P[@]}" write "$IN/outside.hex"
bad 1 "line 2: expected ':'" "${P[@]}" write "$IN/garbage.hex"
bad 1 "line 3: expected ':'" "${P[@]}" write "$IN/crlf_garbage.hex"
bad 1 "line 2: invalid character 'G'" "${P[@]}" write "$IN/char.hex"
bad 1 "line 2: odd number of hex digits" "${P[@]}" write "$IN/odd.hex"
bad 1 "line 2: record length 0x05" "${P[@]}" write "$IN/length.hex"
bad 1 "line 4: data after the end-of-file record" "${P[@]}" write "$IN/after_eof.hex"
bad 1 "line 2: record too short" "${P[@]}" write "$IN/short.hex"
bad 1 "line 3: start address 0x08000009 conflicts with 0x08000001" "${P[@]}" write "$IN/two_starts.hex"
bad 1 "not a valid intel hex file" "${P[@]}" write "$IN/binary_first.hex"
bad 1 "line 1: expected ':'" "${P[@]}" write "$IN/binary_first.img"
bad 1 "UTF-16 text" "${P[@]}" write "$IN/utf16_bom.hex"
bad 1 "UTF-16 text" "${P[@]}" write "$IN/utf16.hex"
bad 1 "UTF-16 text" "${P[@]}" write "$IN/utf16.txt"
bad 2 "unexpected address" "${P[@]}" write "$IN/good.hex" 0x08000000
pass "Intel HEX: truncated, checksums, record types, overlaps, wrap, outside flash, garbage, CRLF, UTF-16"

# ---- S-records ----
bad 1 "line 2: checksum mismatch" "${P[@]}" write "$IN/checksum.srec"
bad 1 "line 2: record type S4 is reserved" "${P[@]}" write "$IN/s4.srec"
bad 1 "line 3: record count mismatch" "${P[@]}" write "$IN/count.srec"
bad 1 "line 2: odd number of hex digits" "${P[@]}" write "$IN/cut_line.srec"
bad 1 "line 2: expected 'S' to start a record" "${P[@]}" write "$IN/garbage.srec"
bad 1 "line 4: data after the termination record" "${P[@]}" write "$IN/after_end.srec"
bad 1 "overlapping data at 0x08000004 (line 3 and line 2)" "${P[@]}" write "$IN/overlap.srec"
bad 1 "past the end of the 32-bit address space" "${P[@]}" write "$IN/wrap.srec"
bad 1 "lies outside every memory region" "${P[@]}" write "$IN/outside.srec"
bad 1 "line 3: expected 'S' to start a record" "${P[@]}" write "$IN/crlf_garbage.s19"
bad 1 "UTF-16 text" "${P[@]}" write "$IN/utf16.srec"
bad 1 "not a valid s-record file" "${P[@]}" write "$IN/binary_first.srec"
bad 1 "not a valid s-record file" "${P[@]}" write "$IN/elf_named.s19"
pass "S-records: checksums, S4, counts, truncated and garbage lines, overlaps, wrap, outside flash"

# ---- ELF ----
bad 1 "truncated elf header" "${P[@]}" write "$IN/truncated.elf"
bad 1 "elf machine 3 is not arm" "${P[@]}" write "$IN/x86.elf"
bad 1 "64-bit elf files are not supported" "${P[@]}" write "$IN/elf64.elf"
bad 1 "big-endian elf files are not supported" "${P[@]}" write "$IN/bigendian.elf"
bad 1 "program header table at offset 0x100000" "${P[@]}" write "$IN/phoff_past_end.elf"
bad 1 "(200 entries of 32 bytes) runs past the end of the file" "${P[@]}" write "$IN/phnum_past_end.elf"
bad 1 "program header 0: data at offset 0x54 (0x40 bytes) runs past the end" "${P[@]}" write "$IN/data_past_end.elf"
bad 1 "overlapping data at 0x08000020 (program header 1 and program header 0)" "${P[@]}" write "$IN/overlap.elf"
bad 1 "data at 0x20005000..0x2000501f (32 bytes) lies outside every memory region" "${P[@]}" write "$IN/ram_past_end.elf"
bad 1 "relocatable object file" "${P[@]}" write "$IN/relocatable.elf"
bad 1 "no program headers" "${P[@]}" write "$IN/no_load.elf"
pass "ELF: truncated, other architecture, 64-bit, big-endian, headers past the end, overlaps, RAM"

# ---- numbers ----
bad 2 "'0x'" "${P[@]}" read "$WORK/x.bin" 0x 16
bad 2 "bad address '-1'" "${P[@]}" read "$WORK/x.bin" -1 16
bad 2 "'99999999999999999999'" "${P[@]}" read "$WORK/x.bin" 99999999999999999999 16
bad 2 "'1e3'" "${P[@]}" read "$WORK/x.bin" 1e3 16
bad 2 "'64q'" "${P[@]}" read "$WORK/x.bin" 0x08000000 64q
bad 2 "'0x'" "${P[@]}" read "$WORK/x.bin" 0x08000000 0x
bad 2 "bad size '-1'" "${P[@]}" read "$WORK/x.bin" 0x08000000 -1
bad 2 "'99999999999999999999'" "${P[@]}" read "$WORK/x.bin" 0x08000000 99999999999999999999
bad 2 "'0'" "${P[@]}" read "$WORK/x.bin" 0x08000000 0
bad 2 "runs past the end of the address space" "${P[@]}" read "$WORK/x.bin" 0xfffffff0 0x100
bad 2 "'1e3'" "${P[@]}" write "$WORK/seed.bin" 1e3
bad 2 "'64q'" "${P[@]}" erase 0x08000000 64q
bad 2 "'0x'" "${P[@]}" erase 0x 1k
bad 2 "'64q'" "${P[@]}" --freq 64q info
bad 2 "'-1'" "${P[@]}" --flash-size -1 info
bad 2 "'99999999999999999999'" "${P[@]}" gdbserver --port 99999999999999999999
bad 2 "'1e3'" "${P[@]}" gdbserver --idle-timeout 1e3
[ ! -e "$WORK/x.bin" ] || fail "a refused read created its output file"
pass "malformed and overflowing numbers in addresses, sizes, clocks and ports"

# ---- outputs ----
bad 1 "No such file or directory" "${P[@]}" read "$WORK/no/such/dir/x.bin" 0x08000000 16
bad 2 "is a directory" "${P[@]}" read "$WORK" 0x08000000 16
bad 1 "No space left on device" "${P[@]}" -q read /dev/full 0x08000000 16
[ -c /dev/full ] || fail "/dev/full is gone"
ln -s /dev/full "$WORK/full.bin"
bad 1 "No space left on device" "${P[@]}" -q read "$WORK/full.bin" 0x08000000 16
[ -L "$WORK/full.bin" ] || fail "the symbolic link to /dev/full was removed"
bad 2 "read cannot write elf files" "${P[@]}" read "$WORK/x.bin" 0x08000000 16 --format elf
pass "unwritable outputs: nothing removed"

# ---- probes ----
bad 3 "no ST-LINK with a serial starting with 'ZZZZ'" --probe ZZZZ info
bad 2 "bad probe selector" --probe "tcp:127.0.0.1:99999" info
bad 3 "no ST-LINK found on USB" --probe "usb:" info
bad 3 "has no chip 'stm32f999'" --probe sim:stm32f999 info
bad 3 "option 'rdp'" --probe sim:rdp=7 info
start_sim --serial 5A1 --board --serial 5A2
bad 3 "no ST-LINK with a serial starting with '5A'" --probe 5A info
bad 3 "2 probes match" --probe "tcp:127.0.0.1:$SIM_PORT/5A" info
# Behind a server the way to name one is tcp:HOST:PORT/SERIAL (a bare SERIAL selects USB).
expect_err "choose one with --probe tcp:127.0.0.1:$SIM_PORT/SERIAL"
bad 3 "no probe ZZ on the stlink-server" --probe "tcp:127.0.0.1:$SIM_PORT/ZZ" info
expect_err "choose one with --probe tcp:HOST:PORT/SERIAL"
expect_no_err "--probe SERIAL"
pass "unknown and ambiguous probe selectors"

# ---- option bytes ----
bad 2 "RDP level" "${P[@]}" options --rdp 3
bad 2 "RDP level" "${P[@]}" options --rdp x
bad 2 "write-protection mask" "${P[@]}" options --wrp bogus
bad 2 "data0" "${P[@]}" options --data0 256
bad 2 "WDG_SW" "${P[@]}" options --wdg-sw 2
bad 6 "--permanent-rdp2" "${P[@]}" options --rdp 2
bad 6 "--allow-read-protect" "${P[@]}" options --rdp 1
bad 6 "--allow-read-protect" "${P[@]}" lock
pass "invalid option-byte values and protections without their permit"

expect_ok "${P[@]}" -q read "$WORK/after.bin" 0x08000000 64k
expect_same "$WORK/before.bin" "$WORK/after.bin"
pass "$N bad inputs refused; the flash read back is unchanged"
[ "$N" -ge 60 ] || fail "only $N cases"
