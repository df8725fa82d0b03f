#!/usr/bin/env bash
# The core clock of the routines stflash runs in SRAM, on the virtual board's F103 (whose clock
# controller and flash wait states behave as silicon's, docs/virtual-board.md): a write runs its
# loader and CRC routine at 36 MHz (src/flash/clock.c) (the session's core_hz_max) and is byte-exact; a verify on
# running firmware that stayed on the reset clock leaves RCC_CR, RCC_CFGR and FLASH_ACR as they
# were; on a board whose PLL never locks, the write runs at 8 MHz and is byte-exact too.
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$fw" ] || fail "no test firmware in $STFLASH_FW_DIR: install gcc-arm-none-eabi and build"
head -c 32768 /dev/urandom >"$WORK/img.bin"

# core_hz_max of the board's last session.
core_hz_max() {
    ctl stats 0 | sed -n 's/.*"core_hz_max": \([0-9]*\).*/\1/p'
}

# RCC_CR, RCC_CFGR and FLASH_ACR of the running firmware, as one line.
clock_regs() {
    expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/rcc.bin" 0x40021000 8
    expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/acr.bin" 0x40022000 4
    echo "$(od -An -tx4 "$WORK/rcc.bin") $(od -An -tx4 "$WORK/acr.bin")" | tr -s ' '
}

start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${P[@]}" write "$WORK/img.bin" 0x08000000
hz=$(core_hz_max)
[ "$hz" = 36000000 ] || fail "the write's routines ran at $hz Hz, not 36 MHz"
expect_ok "${P[@]}" -q read "$WORK/back.bin" 0x08000000 32k
cmp -s "$WORK/img.bin" "$WORK/back.bin" || fail "the flash differs from the image"
pass "a write runs its routines at 36 MHz and is byte-exact"

expect_ok "${P[@]}" write --reset "$fw" 0x08000000
ctl advance 0 20 >/dev/null
before=$(clock_regs)
expect_ok "${P[@]}" --connect hot-plug verify "$fw" 0x08000000
hz=$(core_hz_max)
[ "$hz" = 36000000 ] || fail "the verify's CRC routine ran at $hz Hz, not 36 MHz"
after=$(clock_regs)
[ "$before" = "$after" ] || fail "RCC_CR RCC_CFGR FLASH_ACR were '$before', are '$after' after verify"
pass "verify on running firmware puts RCC and FLASH_ACR back ($after)"
stop_sim

start_sim --pll-no-lock
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${P[@]}" -v write "$WORK/img.bin" 0x08000000
expect_err "the clock (PLL from HSI/2) was not ready within"
hz=$(core_hz_max)
[ "$hz" = 8000000 ] || fail "with a PLL that never locks the routines ran at $hz Hz"
expect_ok "${P[@]}" -q read "$WORK/back.bin" 0x08000000 32k
cmp -s "$WORK/img.bin" "$WORK/back.bin" || fail "the flash differs from the image"
pass "a PLL that never locks: the write runs at 8 MHz and is byte-exact"
