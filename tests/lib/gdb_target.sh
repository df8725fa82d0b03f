# The GDB session both GDB servers are checked with (st-util over the stand-in libusb, and
# stflash gdbserver): gdb-multiarch loads firmware/gdb_target.c, stops at a hardware breakpoint,
# steps, reads and writes memory and registers, and the checks verify what the program did.
#
# Each pass of the firmware's loop: work(i) adds i to counter and records it in history[i % 8],
# svc #0 counts in svc_count (0x2000000C), then marker(); i advances by `step` (1 after reset).

# gdb_target_script PORT FILE END: writes the session to FILE; END ends it (detach or kill).
gdb_target_script() {
    cat >"$2" <<GDB
set pagination off
set confirm off
target extended-remote :$1
load
monitor reset
hbreak marker
continue
printf "A counter=%u step=%d svc=%u\n", counter, step, *(unsigned int *)0x2000000C
continue
printf "B counter=%u svc=%u\n", counter, *(unsigned int *)0x2000000C
set var step = 5
continue
printf "C counter=%u history6=%d svc=%u\n", counter, history[6], *(unsigned int *)0x2000000C
stepi
printf "D left_marker=%d\n", \$pc != (unsigned int)&marker
info symbol \$pc
hbreak work
continue
printf "E n=%d r0=%u\n", n, \$r0
set var \$r0 = 100
delete 2
continue
printf "F counter=%u history4=%d\n", counter, history[100 % 8]
set var counter = 1000
continue
printf "G counter=%u\n", counter
x/2wx 0x20000008
printf "H pc_is_marker=%d xpsr_thumb=%d\n", \$pc == (unsigned int)&marker, (\$xpsr >> 24) & 1
delete
$3
GDB
}

# gdb_target_check LOG SERVER: the session's log shows what the program must have done.
gdb_target_check() {
    local log=$1
    line() { grep -qxF -- "$1" "$log" || fail "expected the line \"$1\" from gdb"; }
    grep -qF "Start address 0x" "$log" || fail "gdb did not load the firmware"
    # First stop: work(0) ran once, one SVC taken.
    line "A counter=0 step=1 svc=1"
    line "B counter=1 svc=2"
    # step = 5 written into SRAM: the next pass works on i = 1 + 5.
    line "C counter=7 history6=7 svc=3"
    pass "$2: load, hardware breakpoint, continue; a variable written by gdb changes the program"
    # One instruction stepped out of marker() lands back in main().
    line "D left_marker=1"
    grep -qE '^main \+ [0-9]+ in section \.text$' "$log" || fail "stepi did not return to main"
    # At work's entry the argument is i = 6 + 5 in r0; writing r0 = 100 makes it work(100).
    line "E n=11 r0=11"
    line "F counter=107 history4=107"
    # counter written in memory; the next pass (i = 16) adds to it.
    line "G counter=1016"
    # Five passes, five SVCs; fw_id says the gdb_target firmware runs.
    grep -qE '^0x20000008 <fw_id>:[[:space:]]+0xf1d00003[[:space:]]+0x00000005$' "$log" ||
        fail "x/2wx 0x20000008 should show fw_id 0xf1d00003 and svc_count 5"
    line "H pc_is_marker=1 xpsr_thumb=1"
    pass "$2: stepi, registers and memory read and written"
}
