#!/usr/bin/env bash
# stflash on the virtual STM32G474RE, STM32G0B1RE and STM32WB55RG, in-process (sim) or through the
# daemon (tcp).
# G474: the bank mode of OPTR.DBANK (RM0440 §5.3.1) read at connect: two banks of 2 KiB pages as
# shipped, one bank of 4 KiB pages after 'options --dual-bank 0' and back; in each mode an image
# across 0x08040000 written and read back and a range erase there taking the right pages (BKER
# selects bank 2 in dual-bank mode); a WRP area in bank 2; lock and unlock. G0B1: the same with
# OPTR.DUAL_BANK (RM0444 §3.3.1): 2 KiB pages in both modes, bank 2's pages numbered from 256
# with BKER at bit 13.
# WB55: the wireless stack's secure area from FLASH_SFR.SFSA (RM0434 §3.5.3) reported by info,
# writes and erases reaching it refused before anything changes unless --allow-wireless-stack
# (then the chip refuses), 'erase' keeping it; a round trip below it; option bytes; lock and
# unlock.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32g474re, stm32g0b1re or stm32wb55rg}
mode=${2:?sim or tcp}
case "$mode" in
sim) P=(--probe "sim:$chip") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
FLASH=0x08000000

# stat FIELD: a counter of the daemon's board (tcp only).
stat() {
    /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' \
        "$(ctl stats 0)" "$1"
}

# round_trip LO SPAN PAGE: a random image over [LO, LO+SPAN) written and read back; a range
# erase of PAGE+8 bytes from the middle minus 4 takes three pages and nothing else.
round_trip() {
    local lo=$1 span=$2 page=$3 what=$4
    local LO
    LO=$(printf 0x%08x "$lo")
    random_file "$WORK/bg.bin" "$span"
    expect_ok "${P[@]}" write "$WORK/bg.bin" "$LO"
    expect_out "verified"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
    expect_same "$WORK/flash.bin" "$WORK/bg.bin"
    expect_ok "${P[@]}" erase "$(printf 0x%08x $((lo + span / 2 - 4)))" $((page + 8))
    expect_out "(3 pages)"
    erased_pages "$WORK/bg.bin" $((span / 2 / page - 1)) 3 "$page" "$WORK/expected.bin"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" "$LO" "$span"
    expect_same "$WORK/flash.bin" "$WORK/expected.bin"
    pass "$chip/$mode: $what: $((span / 1024)) KiB from $LO written and read back, three $((page / 1024)) KiB pages erased at $(printf 0x%08x $((lo + span / 2)))"
}

lock_unlock() {
    local keep_from=$1
    printf 'locked' >"$WORK/six.bin"
    expect_ok "${P[@]}" -q write "$WORK/six.bin" $FLASH
    expect_ok "${P[@]}" lock --allow-read-protect
    expect_ok "${P[@]}" info
    expect_out "read protection:   level 1"
    expect_rc 6 "${P[@]}" read "$WORK/locked.bin" $FLASH 16
    expect_err "read protected"
    expect_ok "${P[@]}" unlock --yes
    expect_ok "${P[@]}" info
    expect_out "read protection:   level 0"
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((keep_from - FLASH))
    all_ff "$WORK/flash.bin" || fail "unlock did not erase the flash"
    pass "$chip/$mode: lock, reads refused, unlock erases and restores level 0"
}

case "$chip" in
stm32g474re | stm32g0b1re)
    if [ "$chip" = stm32g474re ]; then fam=STM32G4 dev=0x469 single=4096; else fam=STM32G0 dev=0x467 single=2048; fi
    expect_ok "${P[@]}" info
    expect_out "family:            $fam"
    expect_out "DEV_ID:            $dev"
    expect_out "512 KiB (524288 bytes) at 0x08000000, 2 KiB pages"
    expect_ok "${P[@]}" options
    expect_out "dual bank:         1 (two banks)"
    pass "$chip/$mode: info and options: two banks of 2 KiB pages as shipped"

    round_trip $((0x08030000)) $((128 * 1024)) 2048 "two banks"

    # A WRP area in bank 2: 16 KiB groups, group 16 = pages 0-7 of bank 2.
    expect_ok "${P[@]}" options --wrp 0x10000 --dangerous-write-protect
    printf '\x11\x22' >"$WORK/two.bin"
    expect_rc 6 "${P[@]}" write "$WORK/two.bin" 0x08040010
    expect_err "write protected by the option bytes (pages 0 to 7 of bank 2, FLASH_WRP2AR"
    expect_ok "${P[@]}" -q write "$WORK/two.bin" 0x0803f000
    expect_ok "${P[@]}" options --wrp none
    expect_ok "${P[@]}" -q write "$WORK/two.bin" 0x08040010
    pass "$chip/$mode: a WRP area of bank 2 refuses writes there, not in bank 1; removed again"

    expect_ok "${P[@]}" options --dual-bank 0
    expect_out "dual bank:         0 (one bank)"
    expect_ok "${P[@]}" info
    expect_out "512 KiB (524288 bytes) at 0x08000000, $((single / 1024)) KiB pages"
    pass "$chip/$mode: options --dual-bank 0: one bank of $((single / 1024)) KiB pages"

    round_trip $((0x08030000)) $((128 * 1024)) "$single" "one bank"
    expect_rc 2 "${P[@]}" options --dual-bank 2
    expect_ok "${P[@]}" options --dual-bank 1
    expect_out "dual bank:         1 (two banks)"
    expect_ok "${P[@]}" info
    expect_out "2 KiB pages"
    round_trip $((0x08038000)) $((64 * 1024)) 2048 "two banks again"

    lock_unlock $((0x08080000))
    ;;
stm32wb55rg)
    stack=$((0x080CB000))
    expect_ok "${P[@]}" info
    expect_out "family:            STM32WB"
    expect_out "DEV_ID:            0x495"
    expect_out "1 MiB (1048576 bytes) at 0x08000000, 4 KiB pages"
    expect_out "wireless stack:    from 0x080cb000 (FLASH_SFR.SFSA)"
    expect_ok "${P[@]}" --json info
    expect_out "\"secure_flash_start\": $stack"
    pass "$chip/$mode: info names the wireless stack's area from SFSA 0xCB"

    round_trip $((0x08000000)) $((64 * 1024)) 4096 "below the stack"

    # Up to the stack: written. Into it: refused before anything changes.
    random_file "$WORK/below.bin" 8192
    expect_ok "${P[@]}" write "$WORK/below.bin" "$(printf 0x%08x $((stack - 8192)))"
    expect_ok "${P[@]}" -q read "$WORK/before.bin" "$(printf 0x%08x $((stack - 16384)))" 16384
    random_file "$WORK/across.bin" 8192
    expect_rc 6 "${P[@]}" write "$WORK/across.bin" "$(printf 0x%08x $((stack - 4096)))"
    expect_err "cannot write or erase 0x080cb000: the flash from 0x080cb000 up holds the wireless stack"
    expect_err "--allow-wireless-stack"
    expect_rc 6 "${P[@]}" erase 0x080f0000 4096
    expect_err "--allow-wireless-stack"
    expect_ok "${P[@]}" -q read "$WORK/after.bin" "$(printf 0x%08x $((stack - 16384)))" 16384
    expect_same "$WORK/after.bin" "$WORK/before.bin"
    pass "$chip/$mode: a write or erase reaching 0x080cb000 is refused, naming the flag; nothing changed"

    # With the flag the library goes ahead and the chip refuses (CPU1 may not erase the area).
    run "${P[@]}" --allow-wireless-stack write "$WORK/across.bin" "$(printf 0x%08x $((stack - 4096)))"
    [ "$RC" != 0 ] || fail "the chip accepted a write into its secure area"
    expect_err "cannot erase page 0x080cb000"
    pass "$chip/$mode: --allow-wireless-stack lets the write through to the chip, which refuses it"

    expect_ok "${P[@]}" erase
    expect_out "erased the flash below the wireless stack (0x08000000..0x080cafff; from 0x080cb000 up it is kept)"
    if [ "$mode" = tcp ]; then # the counters of the session that erased
        [ "$(stat pages_erased)" = $((0xCB)) ] ||
            fail "expected the 203 pages below the stack erased one by one: $(ctl stats 0)"
        [ "$(stat mass_erases)" = 0 ] || fail "a mass erase was started: $(ctl stats 0)"
    fi
    expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH $((stack - FLASH))
    all_ff "$WORK/flash.bin" || fail "the flash below the stack is not erased"
    pass "$chip/$mode: erase takes the pages below the stack, no mass erase"

    expect_ok "${P[@]}" options --nrst-stop 0
    expect_ok "${P[@]}" options
    expect_out "nRST_STOP:         0"
    expect_ok "${P[@]}" options --wrp 0x1 --dangerous-write-protect
    printf '\x11\x22' >"$WORK/two.bin"
    expect_rc 6 "${P[@]}" write "$WORK/two.bin" 0x08000010
    expect_err "write protected by the option bytes (pages 0 to 7 of bank 1"
    expect_ok "${P[@]}" options --wrp none --nrst-stop 1
    expect_ok "${P[@]}" options
    expect_out "nRST_STOP:         1"
    expect_rc 2 "${P[@]}" options --dual-bank 1
    expect_err "has no dual-bank option bit"
    pass "$chip/$mode: option bits changed; a WRP area refuses writes; no bank-mode bit"

    lock_unlock $stack
    ;;
*) fail "chip '$chip': give stm32g474re, stm32g0b1re or stm32wb55rg" ;;
esac
