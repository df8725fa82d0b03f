#!/usr/bin/env bash
# stflash chips: the chip table without a probe, as text and as JSON, saying which parts are
# programmed and which are only identified.
. "$(dirname "$0")/lib.sh"

expect_ok chips
expect_out "DEV_ID"
grep -qE '^0x410 +STM32F1 +Cortex-M3 +128 KiB +20 KiB +yes +1 KiB pages +F101/F102/F103 x8/xB$' "$WORK/out" ||
    fail "no F103 medium-density row: $(grep 0x410 "$WORK/out")"
grep -qE '^0x413 +STM32F4 .* yes +4x16\+64\+7x128 KiB sectors ' "$WORK/out" ||
    fail "no F407 row with its sectors: $(grep 0x413 "$WORK/out")"
grep -qE '^0x454 +STM32U3 .* no ' "$WORK/out" || fail "the U3 is not marked as not programmed: $(grep 0x454 "$WORK/out")"
pass "chips: one row per DEV_ID with its family, sizes, erase units and whether it is programmed"

expect_ok chips --json
/usr/bin/python3 - "$WORK/out" <<'PY' || fail "chips --json does not hold the table"
import json, sys
chips = json.load(open(sys.argv[1]))["chips"]
by_id = {c["dev_id"]: c for c in chips}
f103, u3 = by_id[0x410], by_id[0x454]
assert f103["family"] == "STM32F1" and f103["programmable"] is True, f103
assert f103["flash_size_max"] == 128 * 1024 and f103["page_size"] == 1024, f103
assert u3["programmable"] is False, u3
assert len(by_id) == len(chips), "a DEV_ID twice"
PY
rows=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["chips"]))' "$WORK/out")
expect_ok chips
[ "$(grep -cE '^0x[0-9A-F]{3} ' "$WORK/out")" = "$rows" ] || fail "text and JSON list different numbers of chips"
pass "chips --json: the same table, machine-readable"
