#!/bin/sh
# gdb-multiarch for a debugger front-end that reads gdb's machine interface: the same gdb, its
# output passed on in whole lines. gdb-multiarch 13.1 (Debian 12) writes a command's token and
# its result record ("6" then "^done") with two writes; a front-end that takes a line without its
# newline for console text loses the result and waits for it forever. sed -u writes each line
# with one write. See docs/debugging.md, section "VS Code (cortex-debug)".
gdb-multiarch "$@" | sed -u ''
