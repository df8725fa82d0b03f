#!/usr/bin/env bash
# Read protection (RDP level 1): reads and writes are refused with exit 6 and a message saying
# why; nothing is written.
. "$(dirname "$0")/lib.sh"
P=(--probe "sim:stm32f103c8,rdp=1,state=$WORK/rdp.state")

expect_rc 6 "${P[@]}" read "$WORK/x.bin" 0x08000000 16
expect_err "read protected"
expect_error_style
[ ! -e "$WORK/x.bin" ] || fail "a refused read created the output file"
pass "read of protected flash: exit 6, no file"

random_file "$WORK/img.bin" 2048
expect_rc 6 "${P[@]}" write "$WORK/img.bin" 0x08000000
expect_err "protect"
expect_rc 6 "${P[@]}" verify "$WORK/img.bin" 0x08000000
expect_rc 6 "${P[@]}" erase 0x08000000 1k
expect_err "protect"
pass "write, verify and page erase of protected flash: exit 6"

# probe and info still describe the chip.
expect_ok "${P[@]}" info --json
expect_json target.dev_id 0x410
pass "info works on a protected chip"
