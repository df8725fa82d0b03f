#!/usr/bin/env bash
# The read-protection trap of a Blue Pill ("Device Security Bit Set"): a board with RDP level 1 refuses flash
# reads; `stm32f1x unlock 0` removes the protection (mass-erasing the flash) and asks for a reset;
# after the reset the flash is readable and erased.
. "$(dirname "$0")/lib.sh"
start_sim --chip stm32f103c8 --rdp 1 --firmware "$STFLASH_FW_DIR/image_65536.bin"

ocd_hla "$WORK/locked.log" halt 'stm32f1x options_read 0' "flash read_bank 0 $WORK/locked.bin 0 16" &&
    fail "reading a read-protected flash succeeded"
expect_log "$WORK/locked.log" "read protection: on"
expect_log "$WORK/locked.log" "error reading to flash"
[ "$(json_get "$(ctl status 0)" rdp_level)" = 1 ] || fail "board not read protected"
pass "protected flash cannot be read"

ocd_hla "$WORK/unlock.log" halt 'flash probe 0' 'stm32f1x unlock 0' || fail "unlock session failed"
expect_log "$WORK/unlock.log" "device id = 0x20036410"
expect_log "$WORK/unlock.log" "stm32x unlocked."
expect_log "$WORK/unlock.log" "INFO: a reset or power cycle is required for the new settings to take effect."
[ "$(json_get "$(ctl status 0)" rdp_level)" = 1 ] || fail "protection dropped before the reset"
pass "unlock done, protection stays until reset"

ocd_hla "$WORK/after.log" 'reset halt' 'stm32f1x options_read 0' "flash read_bank 0 $WORK/after.bin" ||
    fail "session after the reset failed"
expect_log "$WORK/after.log" "read protection: off"
printf '' >"$WORK/empty.bin"
expect_image_then_erased "$WORK/after.bin" "$WORK/empty.bin"

pass "after reset: unprotected and erased"
