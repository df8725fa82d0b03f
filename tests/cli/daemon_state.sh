#!/usr/bin/env bash
# A daemon killed without a chance to save (SIGKILL) keeps the flash it acknowledged before its
# clients paused: the board writes its state file once they are idle (sim/server.c autosave).
. "$(dirname "$0")/lib.sh"

random_file "$WORK/image.bin" 3000
start_sim --state "$WORK/board.state"
expect_ok --probe "tcp:127.0.0.1:$SIM_PORT" write "$WORK/image.bin" 0x08000400
sleep 1.5 # longer than the daemon's idle time before it saves
kill -KILL "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
start_sim --state "$WORK/board.state"
expect_ok --probe "tcp:127.0.0.1:$SIM_PORT" read "$WORK/back.bin" 0x08000400 3000
expect_same "$WORK/back.bin" "$WORK/image.bin"
stop_sim
pass "a daemon killed with SIGKILL kept the write its client finished"
