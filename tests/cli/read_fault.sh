#!/usr/bin/env bash
# Reads take up to 6144 bytes a probe command and read each command's status (docs/stlink.md,
# "Transfers"): a read that runs past the end of the flash or the SRAM fails (exit code 4, the
# target's fault) with the first address that faulted, and writes no file; reads across many commands give back exactly what is there.
# Over TCP as well as in-process: the daemon's probe is the one whose firmware limits apply.
. "$(dirname "$0")/lib.sh"
mode=${1:-sim}
if [ "$mode" = tcp ]; then
    start_sim
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
else
    P=(--probe sim:stm32f103c8)
fi

# 64 KiB of flash and 20 KiB of SRAM on the F103C8 (RM0008 Table 3 and §3.3.3).
random_file "$WORK/image.bin" 65536
expect_ok "${P[@]}" -q write "$WORK/image.bin" 0x08000000
expect_ok "${P[@]}" -q read "$WORK/back.bin" 0x08000000 64k
expect_same "$WORK/back.bin" "$WORK/image.bin"
# Unaligned ends, many commands: byte for byte the image's.
expect_ok "${P[@]}" -q read "$WORK/part.bin" 0x08000003 40000
head -c 40003 "$WORK/image.bin" | tail -c 40000 >"$WORK/part.expected"
expect_same "$WORK/part.bin" "$WORK/part.expected"
pass "64 KiB and an unaligned 40000 bytes read back as written"

# The last 4 KiB of flash and 8 KiB beyond: the fault is in a later command than the first.
rm -f "$WORK/past.bin"
expect_rc 4 "${P[@]}" read "$WORK/past.bin" 0x0800f000 12288
expect_err "cannot read memory at 0x08010000: fault (SWD_AP_FAULT)"
[ ! -e "$WORK/past.bin" ] || fail "a failed read left a file"
pass "read past the end of flash: fails, names the address, no file"

rm -f "$WORK/past.bin"
expect_rc 4 "${P[@]}" read "$WORK/past.bin" 0x20004000 8192
expect_err "cannot read memory at 0x20005000: fault (SWD_AP_FAULT)"
[ ! -e "$WORK/past.bin" ] || fail "a failed read left a file"
pass "read past the end of SRAM: fails, names the address, no file"
