#!/usr/bin/env bash
# write --verify=readback through the daemon: besides the CRC-32 comparison on the target, the
# whole written range comes back over the probe (the board counts the bytes it sends, and the
# verify phase counts them after the CRC's). A mode other than readback, or --verify=readback
# with --no-verify, is a usage error.
. "$(dirname "$0")/lib.sh"

start_sim --chip stm32f103c8
P=(--probe "tcp:127.0.0.1:$SIM_PORT")
SIZE=16384
random_file "$WORK/image.bin" $SIZE

# stat FIELD: a counter of the last session of the daemon's board.
stat() {
    /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' \
        "$(ctl stats 0)" "$1"
}

expect_ok "${P[@]}" write --full "$WORK/image.bin" 0x08000000
expect_out ", verified"
expect_err "verify: 100% $SIZE bytes"
expect_ok "${P[@]}" write --full --verify=readback "$WORK/image.bin" 0x08000000
expect_out ", verified"
# The CRC comparison, then the read-back: the verify phase counts the bytes twice.
expect_err "verify: 100% $((2 * SIZE)) bytes"
readback=$(stat bytes_in)
[ "$readback" -ge "$SIZE" ] ||
    fail "--verify=readback sent $readback bytes to the host, less than the $SIZE of the image"
expect_ok "${P[@]}" read "$WORK/back.bin" 0x08000000 $SIZE
expect_same "$WORK/image.bin" "$WORK/back.bin"
pass "--verify=readback reads the written range back ($readback bytes to the host)"

expect_rc 2 "${P[@]}" write --verify=crc "$WORK/image.bin" 0x08000000
expect_err "unknown verification 'crc': give --verify=readback"
expect_rc 2 "${P[@]}" write --verify=readback --no-verify "$WORK/image.bin" 0x08000000
expect_err "--no-verify contradicts --verify=readback"
expect_ok write --help
expect_out "--verify=readback"
pass "--verify takes readback only, not with --no-verify; the help lists it"
