#!/usr/bin/env bash
# `reset run` starts firmware built from source: the SysTick handler toggles the Blue Pill LED
# (PC13) every millisecond and counts the toggles at 0x20000000.
. "$(dirname "$0")/lib.sh"
elf="$STFLASH_FW_DIR/led_toggle.elf"
start_sim --chip stm32f103c8

ocd_hla "$WORK/run.log" "reset halt" "flash write_image erase $elf" "verify_image $elf" 'reset run' 'sleep 300' \
    halt 'mdw 0x20000000 3' || fail "openocd session failed"
expect_log "$WORK/run.log" "verified"
counts=$(grep -o '0x20000000: [0-9a-f ]*' "$WORK/run.log" | head -n 1) || fail "no memory dump"
toggles=$((16#$(echo "$counts" | awk '{print $2}')))
fw_id=$(echo "$counts" | awk '{print $4}')
[ "$fw_id" = "f1d00001" ] || fail "firmware id at 0x20000008 is '$fw_id', not led_toggle's"
[ "$toggles" -ge 100 ] || fail "LED toggled $toggles times in 300 ms, expected at least 100"
pass "firmware runs after reset: $toggles toggles"

status=$(ctl status 0)
[ "$(json_get "$status" led_toggles)" -ge "$toggles" ] || fail "board did not see the toggles: $status"
before=$(json_get "$status" led_toggles)
ocd_hla "$WORK/resume.log" resume || fail "resume failed"
after=$(json_get "$(ctl advance 0 20)" led_toggles)
[ "$after" -ge $((before + 15)) ] || fail "LED stopped toggling: $before then $after"
pass "PC13 observed toggling on the board ($before, then $after)"
