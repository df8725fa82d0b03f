#!/usr/bin/env bash
# --chip NAME (and STFLASH_CHIP): the part to assume instead of the detected one. Used as given
# on a target whose DEV_ID is unknown, with a warning over a part of the same flash controller
# style, refused over another style; unknown and ambiguous names are usage errors. The other
# global options' environment variables: the command line wins, a bad value names its variable.
# chips --names lists the names --chip takes.
. "$(dirname "$0")/lib.sh"

expect_ok chips --names
grep -qx STM32F103x8 "$WORK/out" || fail "chips --names lacks STM32F103x8"
grep -qx STM32F407 "$WORK/out" || fail "chips --names lacks STM32F407"
grep -qx STM32L063x8 "$WORK/out" || fail "chips --names lacks STM32L063x8"
grep -qx STM32L062x8 "$WORK/out" || fail "chips --names does not give L062 the sizes of L063x8"
grep -qx GD32F103x8 "$WORK/out" || fail "chips --names lacks the clone GD32F103x8"
grep -qx CH32F103 "$WORK/out" || fail "chips --names lacks the clone CH32F103"
NAME_RE='^(STM32|GD32|CKS32|CS32|APM32|CH32)[0-9A-Z]+(x[0-9A-Z]+)?$'
! grep -qvE "$NAME_RE" "$WORK/out" || fail "not one part name a line: $(grep -vE "$NAME_RE" "$WORK/out" | head -3)"
pass "chips --names: one part name a line, the F1 clones included"

# A clone reporting a DEV_ID the table does not know: generic access without --chip, the
# override's flash with it (and then a write and read back).
CLONE="sim:stm32f103c8,dev-id=0x7a1"
expect_ok --probe "$CLONE" info
expect_err "unknown STM32 DEV_ID 0x7a1"
expect_ok --probe "$CLONE" --chip stm32f103c8t6 info
expect_err "using STM32F1 medium density as the chip override says"
expect_out "64 KiB"
random_file "$WORK/img.bin" 2048
expect_ok --probe "$CLONE" --chip F103C8 write "$WORK/img.bin" 0x08000000
expect_ok --probe "$CLONE" --chip F103C8 read "$WORK/back.bin" 0x08000000 2048
expect_same "$WORK/img.bin" "$WORK/back.bin"
pass "--chip on an unknown DEV_ID: used as given, the flash written and read back"

# An F1 clone by its part number: its quirks replace what identification found (a CKS32 and a
# CH32 look alike without the ROM table), or stand for an unknown DEV_ID (the ST row of the
# clone's DEV_ID); a clone of another DEV_ID is refused.
expect_ok --probe "sim:cks32f103c8,state=$WORK/cks.state" info
expect_out "CKS32F103/CS32F103"
expect_ok --probe "sim:cks32f103c8,state=$WORK/cks.state" --chip CH32F103C8T6 info
expect_out "CH32F103"
expect_err "the target identifies as CKS32F103/CS32F103; using CH32F103 as the chip override says"
expect_ok --probe "$CLONE" --chip gd32f103c8 info
expect_err "using GD32F103 (STM32F1 medium density) as the chip override says"
expect_out "GD32F103"
expect_ok --probe "$CLONE" --chip GD32F103C8 write "$WORK/img.bin" 0x08000000
expect_ok --probe "$CLONE" --chip GD32F103C8 read "$WORK/back.bin" 0x08000000 2048
expect_same "$WORK/img.bin" "$WORK/back.bin"
expect_rc 2 --probe sim:stm32f103c8 --chip GD32F103RE info
expect_err "a clone answering with DEV_ID 0x414"
pass "--chip naming an F1 clone: its quirks used, another DEV_ID refused (status 2)"

# The same controller style: warns and proceeds. Another style: refused, nothing touched.
expect_ok --probe sim:stm32f103c8 --chip STM32F100xB info
expect_err "(the same"
expect_rc 2 --probe sim:stm32f103c8 --chip STM32F407 info
expect_err "(flash controller F2_F4) does not fit the target, which reports DEV_ID 0x410"
expect_err "its registers would be the wrong ones"
expect_rc 2 --probe sim:stm32f103c8 --chip STM32F407 --json info
expect_json error.name STFLASH_ERR_CHIP_MISMATCH
expect_json error.exit_code 2
pass "--chip over a detected part: the same controller warns, another is refused (status 2, STFLASH_ERR_CHIP_MISMATCH)"

# The same refusal on several boards at once: each board fails as a usage error, and so does
# the run, before anything is written.
start_sim --board
random_file "$WORK/two.bin" 1024
expect_rc 2 --probe "tcp::$SIM_PORT/*" --chip STM32F407 write "$WORK/two.bin" 0x08000000
expect_err "does not fit the target"
expect_rc 5 --probe "tcp::$SIM_PORT/*" verify "$WORK/two.bin" 0x08000000 # nothing was written
pass "--chip refused on every board of a parallel run: status 2"

# Unknown and ambiguous names.
expect_rc 2 --probe sim:stm32f103c8 --chip STM32F103Q9 info
expect_error_style
expect_err "unknown chip 'STM32F103Q9': near matches are STM32F103x4"
expect_err "stflash chips --names"
expect_rc 2 --chip F103 chips
expect_err "fits several rows of the chip table"
expect_rc 2 --chip nonsense chips
expect_err "unknown chip 'nonsense'"
pass "--chip: unknown names list near matches, ambiguous ones ask for the part number"

# The environment: STFLASH_CHIP as --chip; the command line wins; a bad value names the
# variable.
STFLASH_CHIP=F103C8 expect_ok --probe "$CLONE" info
expect_err "as the chip override says"
STFLASH_CHIP=nonsense expect_ok --probe sim:stm32f103c8 --chip F103C8 info
STFLASH_CHIP=nonsense expect_rc 2 --probe sim:stm32f103c8 info
expect_err "environment variable STFLASH_CHIP"
STFLASH_FREQ=fast expect_rc 2 --probe sim:stm32f103c8 info
expect_err "environment variable STFLASH_FREQ"
STFLASH_FREQ=fast expect_ok --probe sim:stm32f103c8 --freq=1800k info
STFLASH_CONNECT=sideways expect_rc 2 --probe sim:stm32f103c8 info
expect_err "environment variable STFLASH_CONNECT"
STFLASH_FLASH_SIZE=100 expect_rc 2 --probe sim:stm32f103c8 info
expect_err "environment variable STFLASH_FLASH_SIZE"
STFLASH_FLASH_SIZE=32k expect_ok --probe sim:stm32f103c8 info
expect_out "32 KiB"
STFLASH_FLASH_SIZE=32k expect_ok --probe sim:stm32f103c8 --flash-size 64k info
expect_out "64 KiB"
pass "STFLASH_CHIP, STFLASH_FREQ, STFLASH_CONNECT, STFLASH_FLASH_SIZE: used, overridden, named"
