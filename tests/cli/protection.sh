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

# The option bytes of the protected chip, and the diagnosis.
expect_ok "${P[@]}" info
expect_out "read protection:   level 1"
expect_ok "${P[@]}" info --json
expect_json target.rdp_level 1
expect_ok "${P[@]}" options --json
expect_json rdp_level 1
expect_json rdp_level_stored 1
expect_rc 6 "${P[@]}" doctor
expect_out "[FAIL] read protection"
expect_out "stflash unlock"
expect_rc 6 "${P[@]}" doctor --json
expect_json checks.8.step "read protection"
expect_json checks.8.verdict FAIL
expect_json error.exit_code 6
pass "info, options and doctor report read protection"

# Level 0 through 'options' is refused: that is what unlock is for.
expect_rc 6 "${P[@]}" options --rdp 0
expect_err "stflash unlock"
expect_error_style

# unlock erases the flash: without a terminal to ask, it needs --yes, and nothing changes.
expect_rc 2 "${P[@]}" unlock </dev/null
expect_err "confirm with --yes"
expect_ok "${P[@]}" options --json
expect_json rdp_level 1
pass "unlock without --yes: refused, still protected"

# unlock: the protection goes, and the flash with it.
expect_ok "${P[@]}" unlock --yes
expect_err "erases its whole flash"
expect_out "read protection removed"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" 0x08000000 64k
all_ff "$WORK/flash.bin" || fail "the flash is not erased after unlock"
expect_ok "${P[@]}" info --json
expect_json target.rdp_level 0
expect_ok "${P[@]}" doctor
expect_out "no check failed"
pass "unlock removes read protection and erases the flash"

# unlock of an unprotected chip keeps the flash.
expect_ok "${P[@]}" -q write "$WORK/img.bin" 0x08000000
expect_ok "${P[@]}" unlock --yes
expect_out "not read protected: nothing to do"
expect_ok "${P[@]}" verify "$WORK/img.bin" 0x08000000
pass "unlock of an unprotected chip changes nothing"

# lock needs the same permit as options --rdp 1; without it nothing changes.
expect_rc 6 "${P[@]}" lock
expect_err "confirm with --allow-read-protect"
expect_ok "${P[@]}" options --json
expect_json rdp_level_stored 0
expect_ok "${P[@]}" -q read "$WORK/x.bin" 0x08000000 16
pass "lock without --allow-read-protect: refused, nothing stored"

# lock, then unlock again.
expect_ok "${P[@]}" lock --allow-read-protect
expect_out "read protection level 1 set"
expect_rc 6 "${P[@]}" read "$WORK/x.bin" 0x08000000 16
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" -q read "$WORK/x.bin" 0x08000000 16
pass "lock and unlock"

# Setting read protection through options needs its permit.
expect_rc 6 "${P[@]}" options --rdp 1
expect_err "--allow-read-protect"
expect_ok "${P[@]}" options --json
expect_json rdp_level_stored 0
pass "options --rdp 1 without --allow-read-protect: refused, nothing stored"

# Level 2 is permanent: refused without its flag, before the probe is even opened; the F1 has no
# level 2 at all.
expect_rc 6 "${P[@]}" options --rdp 2
expect_err "level 2 is permanent"
expect_err "--permanent-rdp2"
expect_rc 1 "${P[@]}" options --rdp 2 --permanent-rdp2
expect_err "the STM32F1 has no read protection level 2"
expect_ok "${P[@]}" options --json
expect_json rdp_level_stored 0
pass "options --rdp 2: needs --permanent-rdp2, and the F1 has no level 2"

# Write protection of a group: refused without its permit, then set, then removed.
expect_ok "${P[@]}" -q write "$WORK/img.bin" 0x08000000
expect_rc 6 "${P[@]}" options --wrp 0x1
expect_err "--dangerous-write-protect"
expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
expect_out "write protection:  group 0 (0x08000000..0x08000fff)"
expect_ok "${P[@]}" options --json
expect_json write_protected_groups 0x00000001
expect_ok "${P[@]}" info --json
expect_json target.write_protected_groups 0x00000001
random_file "$WORK/other.bin" 2048
expect_rc 6 "${P[@]}" write "$WORK/other.bin" 0x08000000
expect_err "write protected"
expect_err "stflash options --wrp none"
expect_rc 6 "${P[@]}" erase 0x08000400 1
expect_ok "${P[@]}" verify "$WORK/img.bin" 0x08000000
expect_ok "${P[@]}" write "$WORK/other.bin" 0x08001000
expect_ok "${P[@]}" options --wrp none
expect_out "write protection:  none"
expect_ok "${P[@]}" write "$WORK/other.bin" 0x08000000
pass "write protection: permit, refusal of writes and erases in the group, removal"

# User bits and data.
expect_ok "${P[@]}" options --data0 0x12 --data1 200 --nrst-stop 0
expect_ok "${P[@]}" options --json
expect_json data0 18
expect_json data1 200
expect_json nrst_stop false
expect_rc 2 "${P[@]}" options --data0 256
expect_err "bad data0 '256'"
expect_rc 2 "${P[@]}" options --wrp some
expect_ok "${P[@]}" options --json --data0 1
expect_json changed true
expect_json data0 1
pass "user option bits and data bytes; bad values are usage errors"

# The diagnosis of a target without power.
expect_rc 4 --probe "sim:stm32f103c8,voltage=0,state=$WORK/v0.state" doctor
expect_out "[FAIL] target voltage"
expect_out "fix:"
expect_out "[skip] SWD link"
pass "doctor: unpowered target, exit 4 with the fix"
