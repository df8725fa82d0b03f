#!/usr/bin/env bash
# stflash on the virtual STM32WL55JC and STM32C031C6 (L4-style controller, double words, 2 KiB
# pages, one bank), in-process (sim) or through the daemon (tcp): identification, write, read,
# verify, range and whole-chip erase, option bytes, a WRP area, lock and unlock.
# WL55 (RM0453): registers at 0x58004000; started with CPU2's secure area from page 0x70
# (FLASH_SFR.SFSA with OPTR.ESE), which info reports and write and erase keep unless
# --allow-wireless-stack (then the chip refuses); as shipped (security disabled) the whole flash
# is the user's. C031 (RM0490): registers at 0x40022000 as on the G0, 32 KiB.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32wl55jc or stm32c031c6}
mode=${2:?sim or tcp}
case "$chip" in
stm32wl55jc) fam=STM32WL dev=0x497 kib=256 size="256 KiB (262144 bytes)" secure=0x70 ;;
stm32c031c6) fam=STM32C0 dev=0x453 kib=32 size="32 KiB (32768 bytes)" secure= ;;
*) fail "chip '$chip': give stm32wl55jc or stm32c031c6" ;;
esac
page=2048
FLASH=0x08000000
top=$((0x08000000 + kib * 1024))
sel="sim:$chip${secure:+,secure-page=$secure}"
case "$mode" in
sim) P=(--probe "$sel") ;;
tcp)
    start_sim --chip "$chip" ${secure:+--secure-page $secure}
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
[ -n "$secure" ] && top=$((0x08000000 + secure * page))

# stat FIELD: a counter of the daemon's board (tcp only).
stat() {
    /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' \
        "$(ctl stats 0)" "$1"
}

expect_ok "${P[@]}" info
expect_out "family:            $fam"
expect_out "DEV_ID:            $dev"
expect_out "$size at 0x08000000, 2 KiB pages"
if [ -n "$secure" ]; then
    expect_out "wireless stack:    from $(printf 0x%08x $top) (FLASH_SFR.SFSA)"
    expect_ok "${P[@]}" --json info
    expect_out "\"secure_flash_start\": $top"
fi
pass "$chip/$mode: info: $fam, DEV_ID $dev, $kib KiB in 2 KiB pages${secure:+, the secure area from page $secure}"

# A round trip over 12 KiB from the fourth page, then a range erase of a page and 8 bytes from
# the middle minus 4: three pages and nothing else.
lo=$((FLASH + 3 * page)) span=$((6 * page))
LO=$(printf 0x%08x $lo)
random_file "$WORK/img.bin" "$span"
expect_ok "${P[@]}" write "$WORK/img.bin" "$LO"
expect_out "verified"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/img.bin"
expect_ok "${P[@]}" verify "$WORK/img.bin" "$LO"
expect_ok "${P[@]}" erase "$(printf 0x%08x $((lo + span / 2 - 4)))" $((page + 8))
expect_out "(3 pages)"
erased_pages "$WORK/img.bin" 2 3 "$page" "$WORK/expected.bin"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
expect_same "$WORK/flash.bin" "$WORK/expected.bin"
expect_rc 5 "${P[@]}" verify "$WORK/img.bin" "$LO"
expect_err "verify failed at $(printf 0x%08x $((lo + 2 * page)))"
pass "$chip/$mode: write, read and verify $((span / 1024)) KiB at $LO; three pages erased; verify sees the change"

# The last pages before the top (the secure area on the WL, the end of the flash on the C0).
random_file "$WORK/end.bin" $((2 * page))
END=$(printf 0x%08x $((top - 2 * page)))
expect_ok "${P[@]}" write "$WORK/end.bin" "$END"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$END" $((2 * page))
expect_same "$WORK/flash.bin" "$WORK/end.bin"
pass "$chip/$mode: the two pages below $(printf 0x%08x $top) written and read back"

if [ -n "$secure" ]; then
    expect_ok "${P[@]}" -q read "$WORK/before.bin" "$END" $((2 * page))
    random_file "$WORK/across.bin" $((2 * page))
    expect_rc 6 "${P[@]}" write "$WORK/across.bin" "$(printf 0x%08x $((top - page)))"
    expect_err "cannot write or erase $(printf 0x%08x $top): the flash from $(printf 0x%08x $top) up holds the wireless stack"
    expect_err "--allow-wireless-stack"
    expect_rc 6 "${P[@]}" erase "$(printf 0x%08x $((top + page)))" "$page"
    expect_err "--allow-wireless-stack"
    expect_ok "${P[@]}" -q read "$WORK/after.bin" "$END" $((2 * page))
    expect_same "$WORK/after.bin" "$WORK/before.bin"
    run "${P[@]}" --allow-wireless-stack write "$WORK/across.bin" "$(printf 0x%08x $((top - page)))"
    [ "$RC" != 0 ] || fail "the chip accepted a write into CPU2's secure area"
    expect_err "cannot erase page $(printf 0x%08x $top)"
    pass "$chip/$mode: CPU2's secure area: writes and erases refused before anything changes, naming --allow-wireless-stack; with it the chip refuses"

    expect_ok "${P[@]}" erase
    expect_out "erased the flash below the wireless stack (0x08000000..$(printf 0x%08x $((top - 1))); from $(printf 0x%08x $top) up it is kept)"
    if [ "$mode" = tcp ]; then
        [ "$(stat pages_erased)" = $((secure)) ] || fail "expected the pages below the area erased one by one: $(ctl stats 0)"
        [ "$(stat mass_erases)" = 0 ] || fail "a mass erase was started: $(ctl stats 0)"
    fi
else
    expect_ok "${P[@]}" erase
    if [ "$mode" = tcp ]; then
        [ "$(stat mass_erases)" = 1 ] || fail "expected one mass erase: $(ctl stats 0)"
    fi
fi
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((top - FLASH))
all_ff "$WORK/flash.bin" || fail "the flash is not erased"
pass "$chip/$mode: erase: the flash below $(printf 0x%08x $top) reads erased"

# Option bytes: a reset bit changed and back; a WRP area (the first group: 1/32 of the flash, at
# least a page) refuses writes there.
group_pages=$(( (kib * 1024 / 32 > page ? kib * 1024 / 32 : page) / page ))
expect_ok "${P[@]}" options
expect_out "read protection:   level 0 (RDP byte 0xaa)"
expect_out "nRST_STOP:         1"
expect_ok "${P[@]}" options --nrst-stop 0
expect_ok "${P[@]}" options
expect_out "nRST_STOP:         0"
expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
printf '\x11\x22' >"$WORK/two.bin"
expect_rc 6 "${P[@]}" write "$WORK/two.bin" 0x08000010
expect_err "write protected by the option bytes (pages 0 to $((group_pages - 1)) of bank 1"
expect_ok "${P[@]}" -q write "$WORK/two.bin" 0x08004010
expect_ok "${P[@]}" options --wrp none --nrst-stop 1
expect_ok "${P[@]}" options
expect_out "nRST_STOP:         1"
expect_out "write protection:  none"
expect_ok "${P[@]}" -q write "$WORK/two.bin" 0x08000010
expect_rc 2 "${P[@]}" options --dual-bank 1
expect_err "has no dual-bank option bit"
pass "$chip/$mode: options: nRST_STOP changed and back; a WRP area refuses writes in it, not beside it; no bank-mode bit"

# Level 1 and back: unlock erases the user's flash.
printf 'locked' >"$WORK/six.bin"
expect_ok "${P[@]}" -q write "$WORK/six.bin" 0x08001000
expect_ok "${P[@]}" lock --allow-read-protect
expect_ok "${P[@]}" info
expect_out "read protection:   level 1"
expect_rc 6 "${P[@]}" read "$WORK/locked.bin" $FLASH 16
expect_err "read protected"
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" info
expect_out "read protection:   level 0"
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((top - FLASH))
all_ff "$WORK/flash.bin" || fail "unlock did not erase the flash"
pass "$chip/$mode: lock, reads refused, unlock erases and restores level 0"
