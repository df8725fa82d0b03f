#!/usr/bin/env bash
# stflash serve: a probe (here the virtual board's, itself reached over TCP) shared over the
# stlink-server protocol: written byte-exact through it by stflash and by OpenOCD (hla, backend
# tcp); two clients contending for it (the second is told it is busy, then gets it); a client
# killed in the middle of a write leaves it usable; garbage does not stop the server; a
# non-loopback address needs a secret, and the secret is checked.
. "$(dirname "$0")/lib.sh"
command -v openocd >/dev/null || fail "openocd is missing: install the openocd package (scripts/install-deps.sh)"

# start_serve ARGS...: stflash serve in the background; its port in SERVE_PORT.
start_serve() {
    local n=${#SIM_PIDS[@]}
    "$STFLASH" "$@" >"$WORK/serve$n.out" 2>"$WORK/serve$n.err" &
    SERVE_PID=$!
    SIM_PIDS+=("$SERVE_PID")
    SERVE_ERR="$WORK/serve$n.err"
    local deadline=$((SECONDS + 10))
    until grep -q "ready on" "$WORK/serve$n.out" 2>/dev/null; do
        kill -0 "$SERVE_PID" 2>/dev/null || fail "stflash serve exited: $(cat "$WORK/serve$n.err")"
        [ $SECONDS -lt $deadline ] || fail "stflash serve not ready after 10 s"
        sleep 0.05
    done
    SERVE_PORT=$(sed -n 's/.*ready on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve$n.out")
}

# opened: how many times a client opened the probe so far; wait_opened N: until more than N.
opened() {
    grep -c "opened by client" "$SERVE_ERR" || true
}
wait_opened() {
    local deadline=$((SECONDS + 5))
    until [ "$(opened)" -gt "$1" ]; do
        [ $SECONDS -lt $deadline ] || fail "no client opened the probe"
        sleep 0.02
    done
}

# wait_for FILE TEXT: until FILE holds TEXT (5 s at most).
wait_for() {
    local deadline=$((SECONDS + 5))
    until grep -qF -- "$2" "$1"; do
        [ $SECONDS -lt $deadline ] || fail "no \"$2\" in $(basename "$1"): $(tail -n 4 "$1")"
        sleep 0.02
    done
}

random_file "$WORK/a.bin" 12288
random_file "$WORK/b.bin" 12288
random_file "$WORK/big.bin" 49152
start_sim
SERIAL=5354534D0000000000000001
DIRECT="tcp::$SIM_PORT/$SERIAL"
start_serve --probe "$DIRECT" serve --listen 127.0.0.1:0
SHARED="tcp::$SERVE_PORT/$SERIAL"

# stflash through the server, read back from the board directly.
expect_ok --probe "$SHARED" write "$WORK/a.bin" 0x08000000
expect_ok --probe "$DIRECT" read "$WORK/back.bin" 0x08000000 12288
expect_same "$WORK/back.bin" "$WORK/a.bin"
expect_ok --probe "$SHARED" probe
expect_out "$SERIAL"
pass "stflash writes through the server byte-exact"

# OpenOCD through the server.
timeout 60 openocd -c 'adapter driver hla' -c 'hla_layout stlink' -c 'hla_device_desc "ST-LINK"' \
    -c 'hla_vid_pid 0x0483 0x3748' -c "hla_stlink_backend tcp $SERVE_PORT" \
    -c 'transport select hla_swd' -c 'gdb_port disabled' -c 'telnet_port disabled' \
    -c 'tcl_port disabled' -f target/stm32f1x.cfg -c init -c 'reset halt' \
    -c "flash write_image erase $WORK/b.bin 0x08000000" -c "verify_image $WORK/b.bin 0x08000000" \
    -c shutdown >"$WORK/ocd.log" 2>&1 || { cat "$WORK/ocd.log" >&2; fail "openocd through the server failed"; }
grep -q "verified 12288 bytes" "$WORK/ocd.log" || fail "openocd did not verify: $(tail -n 5 "$WORK/ocd.log")"
expect_ok --probe "$DIRECT" read "$WORK/back.bin" 0x08000000 12288
expect_same "$WORK/back.bin" "$WORK/b.bin"
pass "OpenOCD (hla, backend tcp) writes through the server byte-exact"

# Two clients: the second is told the probe is busy while the first writes, then gets it.
n=$(opened)
"$STFLASH" --probe "$SHARED" write "$WORK/big.bin" 0x08000000 >"$WORK/first.out" 2>"$WORK/first.err" &
first=$!
wait_opened "$n"
expect_rc 3 --probe "$SHARED" write "$WORK/a.bin" 0x08000000
expect_err "in use by another client"
wait "$first" || fail "the first client's write failed: $(cat "$WORK/first.err")"
expect_ok --probe "$DIRECT" read "$WORK/back.bin" 0x08000000 49152
expect_same "$WORK/back.bin" "$WORK/big.bin"
expect_ok --probe "$SHARED" write "$WORK/a.bin" 0x08000000
pass "two clients: the second told the probe is busy, the first's write whole, then the second's"

# A client killed in the middle of a write: the probe is closed and the next client writes.
n=$(opened)
"$STFLASH" --probe "$SHARED" write "$WORK/big.bin" 0x08000000 >/dev/null 2>&1 &
victim=$!
wait_opened "$n"
sleep 0.1
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
wait_for "$SERVE_ERR" "its client went away"
expect_ok --probe "$SHARED" write "$WORK/b.bin" 0x08000000
expect_ok --probe "$DIRECT" read "$WORK/back.bin" 0x08000000 12288
expect_same "$WORK/back.bin" "$WORK/b.bin"
pass "a client killed mid-write leaves the probe usable"

# Garbage and a request announcing more data than any is allowed: the connection is closed, the
# server goes on.
head -c 3000 /dev/urandom >"$WORK/garbage"
exec 3<>"/dev/tcp/127.0.0.1/$SERVE_PORT"
cat "$WORK/garbage" >&3 || true
exec 3>&-
exec 3<>"/dev/tcp/127.0.0.1/$SERVE_PORT"
printf '\x05\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\x7f' >&3 || true
exec 3>&-
kill -0 "$SERVE_PID" || fail "the server died of garbage"
expect_ok --probe "$SHARED" verify "$WORK/b.bin" 0x08000000
pass "garbage closes its connection only"

# Other addresses than loopback need a secret; the secret is checked.
expect_rc 2 serve --listen 0.0.0.0:0 --probe "$DIRECT"
expect_err "without --secret FILE"
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "stflash serve did not end cleanly on SIGTERM"
printf 'correct horse battery staple\n' >"$WORK/secret"
printf 'wrong wrong wrong\n' >"$WORK/wrong"
start_serve --probe "$DIRECT" serve --listen 127.0.0.1:0 --secret "$WORK/secret"
expect_rc 3 --probe "tcp::$SERVE_PORT/$SERIAL" info
STFLASH_SERVER_SECRET="$WORK/wrong" expect_rc 3 --probe "tcp::$SERVE_PORT/$SERIAL" info
expect_err "did not accept the secret"
expect_no_err "udev"
STFLASH_SERVER_SECRET="$WORK/secret" expect_ok --probe "tcp::$SERVE_PORT/$SERIAL" verify "$WORK/b.bin" 0x08000000
pass "a server with a secret serves only the clients that give it"

# -q: errors only, and the line that says where to connect.
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "stflash serve did not end cleanly on SIGTERM"
start_serve -q --probe "$DIRECT" serve --listen 127.0.0.1:0
expect_ok --probe "tcp::$SERVE_PORT/$SERIAL" verify "$WORK/b.bin" 0x08000000
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || fail "stflash serve -q did not end cleanly on SIGTERM"
out="$(dirname "$SERVE_ERR")/$(basename "$SERVE_ERR" .err).out"
[ "$(wc -l <"$out")" -eq 1 ] && [ ! -s "$SERVE_ERR" ] ||
    fail "serve -q printed more than where it listens: $(cat "$out" "$SERVE_ERR")"
pass "serve -q prints only where it listens"
