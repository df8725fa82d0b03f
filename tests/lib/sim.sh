# Virtual-board daemons for the shell tests: start them on free ports, stop them, ask their
# control port; at exit, end them and remove the test's WORK folder. Sourced by tests/cli/lib.sh
# and tests/compat/lib.sh, which provide WORK, fail and STFLASH_SIM. SIM_OPTIONS: options given
# to every daemon (the command-line tests: --quiet).
SIM_OPTIONS=()
SIM_PIDS=() # every daemon started, and other processes to end with them
SIM_PID=""  # the last daemon, with its ports:
SIM_PORT=""
CTL_PORT=""

# start_sim [daemon options...]: starts a daemon on free ports, waits (10 s at most) until it is
# ready. Each daemon writes its own sim<N>.out and sim<N>.err: a restarted daemon's ports are not
# read from its predecessor's output.
start_sim() {
    local n=${#SIM_PIDS[@]}
    local out="$WORK/sim$n.out" err="$WORK/sim$n.err"
    "$STFLASH_SIM" --port 0 --control-port 0 "${SIM_OPTIONS[@]}" "$@" >"$out" 2>"$err" &
    SIM_PID=$!
    SIM_PIDS+=("$SIM_PID")
    local deadline=$((SECONDS + 10))
    until grep -q "ready on" "$out" 2>/dev/null; do
        kill -0 "$SIM_PID" 2>/dev/null || fail "stflash-sim exited: $(cat "$err")"
        [ $SECONDS -lt $deadline ] || fail "stflash-sim not ready after 10 s"
        sleep 0.05
    done
    SIM_PORT=$(sed -n 's/.*ready on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
    CTL_PORT=$(sed -n 's/.*control port \([0-9]*\).*/\1/p' "$out")
}

# stop_sim: asks the last daemon to stop (it saves its state files) and waits for it.
stop_sim() {
    kill -TERM "$SIM_PID"
    wait "$SIM_PID" || fail "stflash-sim exited with an error"
    SIM_PID=""
}

# wait_deadline PID SECONDS: waits for a background process at most SECONDS; one still running
# then has its threads' stacks printed on stderr (gdb, when installed), is killed and 124 is
# returned. Otherwise returns the process's own exit status.
wait_deadline() {
    local pid=$1 end=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt "$end" ]; do
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "process $pid still running after $2 s:" >&2
        command -v gdb >/dev/null &&
            timeout 20 gdb -batch -p "$pid" -ex "thread apply all bt" 2>&1 | grep -E '^(#|Thread)' >&2
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        return 124
    fi
    local rc=0
    wait "$pid" || rc=$?
    return $rc
}

# On exit: ends whatever is still running and removes WORK.
cleanup() {
    local pid
    for pid in "${SIM_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait_deadline "$pid" 10 || true
        fi
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# ctl COMMAND...: one command on the control port of the last daemon, prints the answer line.
ctl() {
    if ! exec 3<>"/dev/tcp/127.0.0.1/$CTL_PORT"; then
        local state=exited
        kill -0 "$SIM_PID" 2>/dev/null && state=running
        fail "control port $CTL_PORT refused '$*' (daemon $SIM_PID $state)"
    fi
    printf '%s\n' "$*" >&3
    local line
    IFS= read -r -t 10 line <&3 || fail "no answer from the control port to '$*'"
    exec 3>&-
    printf '%s\n' "$line"
}
