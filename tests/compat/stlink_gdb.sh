#!/usr/bin/env bash
# st-util (stlink-tools 1.7.0) serves GDB over the stand-in libusb; gdb-multiarch in batch mode
# loads the test firmware (firmware/gdb_target.c), stops at a hardware breakpoint, steps, reads
# and writes memory and registers, and checks what the program does with them.
. "$(dirname "$0")/lib.sh"
need_tool st-util stlink-tools
need_tool gdb-multiarch gdb-multiarch
elf="$STFLASH_FW_DIR/gdb_target.elf"

start_sim
port=$(free_port)
start_bg "$WORK/st-util.log" st-util --listen_port="$port"
wait_for_log "$WORK/st-util.log" "Listening at *:$port" "$BG_PID"

. "$(dirname "$0")/../lib/gdb_target.sh"
gdb_target_script "$port" "$WORK/session.gdb" kill
with_usb timeout 120 gdb-multiarch -nx -batch -x "$WORK/session.gdb" "$elf" >"$WORK/gdb.log" 2>&1 ||
    fail "gdb-multiarch session failed"
gdb_target_check "$WORK/gdb.log" st-util
