#!/usr/bin/env bash
# Option bytes and read protection on the F0 and F3 boards (RM0091 §4, RM0316 §4), driven by
# stflash itself in-process (sim) or over TCP (a stflash-sim daemon): the decode of the shipped
# option bytes, user bits and data bytes changed and loaded through OBL_LAUNCH, write protection
# of a 4 KiB group, lock (only with its permit), unlock from level 1 (the chip mass-erases),
# level 2 refused without its flag and, with it, closing the debug port for good.
#
# OBL_LAUNCH is the only way the F0 loads new option bytes without a power cycle (a system reset
# keeps the old ones, RM0091 §4; the virtual board models that): over TCP, where the board is not
# powered up again between commands, the level and the user byte in force (FLASH_OBR) prove the
# load, and RCC_CSR's OBLRSTF (bit 25) that it came from OBL_LAUNCH.
. "$(dirname "$0")/lib.sh"
chip=${1:?stm32f051r8 or stm32f303vc}
mode=${2:?sim or tcp}
case "$chip" in
stm32f051r8) kib=64 ;;
stm32f303vc) kib=256 ;;
*) fail "chip '$chip': give stm32f051r8 or stm32f303vc" ;;
esac
case "$mode" in
sim) P=(--probe "sim:$chip,state=$WORK/board.state") ;;
tcp)
    start_sim --chip "$chip"
    P=(--probe "tcp:127.0.0.1:$SIM_PORT")
    ;;
*) fail "transport '$mode': give sim or tcp" ;;
esac
FLASH=0x08000000
FLASH_OBR=0x4002201c
RCC_CSR=0x40021024

# le32 ADDR: a word of target memory, as a number.
le32() {
    expect_ok "${P[@]}" -q read "$WORK/word.bin" "$1" 4
    /usr/bin/python3 -c 'import sys; print(int.from_bytes(open(sys.argv[1], "rb").read(), "little"))' \
        "$WORK/word.bin"
}

# loaded_by_obl_launch: (tcp) FLASH_OBR holds USER_BYTE at [15:8], DATA0 at [23:16], level LEVEL in
# RDPRT [2:1], and the last reset was an option-byte load.
loaded_by_obl_launch() {
    local level=$1 user=$2 data0=$3
    [ "$mode" = tcp ] || return 0
    local obr csr
    obr=$(le32 $FLASH_OBR)
    [ $(((obr >> 1) & 3)) -eq "$level" ] || fail "FLASH_OBR $(printf 0x%08x "$obr"): RDPRT is not level $level"
    [ $(((obr >> 8) & 0x07)) -eq "$user" ] || fail "FLASH_OBR $(printf 0x%08x "$obr"): user bits are not $user"
    [ $(((obr >> 16) & 0xff)) -eq "$data0" ] || fail "FLASH_OBR $(printf 0x%08x "$obr"): DATA0 is not $data0"
    csr=$(le32 $RCC_CSR)
    [ $(((csr >> 25) & 1)) -eq 1 ] || fail "RCC_CSR $(printf 0x%08x "$csr"): no option-byte loader reset (OBLRSTF)"
}

# ---- the shipped option bytes ----
expect_ok "${P[@]}" options
expect_out "read protection:   level 0 (RDP byte 0xaa)"
expect_out "write protection:  none"
expect_out "user data:         0xff 0xff"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_json rdp_level_stored 0
expect_json rdp 0xaa
expect_json wrp 0xffffffff
expect_json wrp_group_size 4096
expect_json wdg_sw true
expect_json data0 255
expect_json option_error false
pass "$chip/$mode: shipped option bytes decoded (RDP 0xAA level 0, no WRP, user data 0xff)"

# ---- user bits and data bytes, loaded through OBL_LAUNCH ----
random_file "$WORK/img.bin" 6000
expect_ok "${P[@]}" -q write "$WORK/img.bin" $FLASH
expect_ok "${P[@]}" -v options --data0 0x12 --data1 200 --nrst-stop 0 --wdg-sw 0
expect_out "option bytes written"
expect_no_err "no reset seen after OBL_LAUNCH"
expect_out "user data:         0x12 0xc8"
expect_out "watchdog:          started at reset (hardware) (WDG_SW 0)"
expect_ok "${P[@]}" options --json
expect_json data0 18
expect_json data1 200
expect_json nrst_stop false
expect_json wdg_sw false
expect_json nrst_stdby true
expect_json rdp_level 0
expect_json option_error false
loaded_by_obl_launch 0 4 18
expect_ok "${P[@]}" verify "$WORK/img.bin" $FLASH
pass "$chip/$mode: user bits and DATA0/DATA1 written and loaded, the flash kept"

# ---- write protection of group 1 (0x08001000..0x08001fff) ----
expect_rc 6 "${P[@]}" options --wrp 0x2
expect_err "--dangerous-write-protect"
expect_ok "${P[@]}" options --wrp 0x2 --dangerous-write-protect
expect_out "write protection:  group 1 (0x08001000..0x08001fff)"
expect_ok "${P[@]}" options --json
expect_json write_protected_groups 0x00000002
random_file "$WORK/other.bin" 512
expect_rc 6 "${P[@]}" write "$WORK/other.bin" 0x08001200
expect_err "write protected"
expect_rc 6 "${P[@]}" erase 0x08001000 1
expect_ok "${P[@]}" write "$WORK/other.bin" 0x08002000
expect_ok "${P[@]}" options --wrp none
expect_out "write protection:  none"
expect_ok "${P[@]}" write "$WORK/other.bin" 0x08001200
pass "$chip/$mode: write protection set with its permit, writes and erases refused, removed"

# ---- lock: refused without its permit, then level 1 ----
expect_ok "${P[@]}" -q write "$WORK/img.bin" $FLASH
expect_rc 6 "${P[@]}" lock
expect_err "confirm with --allow-read-protect"
expect_ok "${P[@]}" options --json
expect_json rdp_level_stored 0
expect_ok "${P[@]}" -v lock --allow-read-protect
expect_out "read protection level 1 set"
expect_no_err "no reset seen after OBL_LAUNCH"
expect_ok "${P[@]}" options --json
expect_json rdp_level 1
expect_json rdp_level_stored 1
expect_json data0 18
loaded_by_obl_launch 1 4 18
expect_rc 6 "${P[@]}" read "$WORK/x.bin" $FLASH 16
expect_err "read protected"
expect_rc 6 "${P[@]}" write "$WORK/other.bin" $FLASH
expect_ok "${P[@]}" info --json
expect_json target.rdp_level 1
pass "$chip/$mode: lock needs --allow-read-protect, then level 1 is in force and reads are refused"

# ---- level 0 only through unlock, which erases the whole flash ----
expect_rc 6 "${P[@]}" options --rdp 0
expect_err "stflash unlock"
expect_rc 2 "${P[@]}" unlock </dev/null
expect_err "confirm with --yes"
expect_ok "${P[@]}" unlock --yes
expect_out "read protection removed"
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
expect_json rdp_level_stored 0
expect_json rdp 0xaa
expect_json data0 18
expect_json data1 200
loaded_by_obl_launch 0 4 18
expect_ok "${P[@]}" -q read "$WORK/flash.bin" $FLASH "${kib}k"
all_ff "$WORK/flash.bin" || fail "the flash is not erased after unlock"
expect_ok "${P[@]}" write "$WORK/img.bin" $FLASH
pass "$chip/$mode: unlock from level 1: level 0, the whole flash erased, the user bytes kept"

# ---- options --rdp 1 with its permit, and back ----
expect_rc 6 "${P[@]}" options --rdp 1
expect_err "--allow-read-protect"
expect_ok "${P[@]}" options --rdp 1 --allow-read-protect
expect_out "read protection:   level 1"
expect_ok "${P[@]}" unlock --yes
expect_ok "${P[@]}" options --json
expect_json rdp_level 0
pass "$chip/$mode: options --rdp 1 needs its permit; unlock again"

# ---- level 2: refused without its flag; with it, the debug port closes for good ----
expect_rc 6 "${P[@]}" options --rdp 2
expect_err "level 2 is permanent"
expect_err "--permanent-rdp2"
expect_ok "${P[@]}" options --json
expect_json rdp_level_stored 0
expect_json rdp 0xaa
pass "$chip/$mode: level 2 without --permanent-rdp2: refused, nothing stored"

expect_ok "${P[@]}" options --rdp 2 --permanent-rdp2
expect_out "read protection level 2 set"
expect_rc 4 "${P[@]}" info
expect_err "does not answer on SWD"
if [ "$mode" = tcp ]; then
    [ "$(board_field 0 rdp_level)" = 2 ] || fail "the board is not at level 2"
fi
pass "$chip/$mode: level 2 with --permanent-rdp2: set, the debugger is locked out"
