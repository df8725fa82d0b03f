#!/usr/bin/env bash
# Issue 9, point 5.
# Reset verification: a halting reset is reported done only when a reset happened (DHCSR.S_RESET_ST
# or an RCC_CSR reset flag, cleared with RMVF first), not when the core is merely halted; the
# virtual board sets RCC_CSR PINRSTF (NRST) and SFTRSTF (SYSRESETREQ) as the F1 does
# (RM0008 §7.3.10).
. "$(dirname "$0")/lib.sh"
fw="$STFLASH_FW_DIR/led_toggle.bin"
[ -f "$fw" ] || fail "no test firmware $fw: install gcc-arm-none-eabi and build"

# rcc_csr: RCC_CSR of the board, read through the debugger.
rcc_csr() {
    expect_ok "${P[@]}" -q --connect hot-plug read "$WORK/csr.bin" 0x40021024 4
    /usr/bin/python3 -c 'import struct,sys; print("%08x" % struct.unpack("<I", open(sys.argv[1],"rb").read())[0])' "$WORK/csr.bin"
}

start_sim
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${P[@]}" -q write "$fw" 0x08000000
expect_ok "${P[@]}" reset --hard --halt
csr=$(rcc_csr)
(( (0x$csr >> 26) & 1 )) || fail "RCC_CSR $csr after an NRST reset: PINRSTF (bit 26) not set"
(( (0x$csr >> 28) & 1 )) && fail "RCC_CSR $csr after an NRST reset: SFTRSTF left over from before (RMVF not used)"
expect_ok "${P[@]}" reset --system --halt
csr=$(rcc_csr)
(( (0x$csr >> 28) & 1 )) || fail "RCC_CSR $csr after a system reset: SFTRSTF (bit 28) not set"
(( (0x$csr >> 26) & 1 )) && fail "RCC_CSR $csr after a system reset: PINRSTF left over (RMVF not used)"
pass "NRST sets PINRSTF, SYSRESETREQ sets SFTRSTF, each after RMVF"

# NRST not wired: the core halts on the request written before the pulse, but nothing reset it.
start_sim --no-nrst
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
expect_ok "${P[@]}" -q write "$fw" 0x08000000
expect_rc 4 "${P[@]}" reset --hard --halt
expect_err "did not reset when NRST was pulsed"
expect_error_style
pass "a halting NRST reset that did not happen is an error, not 'halted at the reset vector'"
