#!/usr/bin/env bash
# A build with every optional part off (STFLASH_BUILD_SIM, _FIRMWARE, _TESTS, STFLASH_COMPAT_TESTS)
# and the ARM cross toolchain hidden: the library and the command-line tools build from the
# committed flash loaders, link neither Unicorn nor cmocka, run, and say that "--probe sim" is not
# part of the build. Usage: minimal.sh SOURCE_DIR
set -euo pipefail
src=${1:?source directory}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=Debug -DSTFLASH_BUILD_SIM=OFF \
    -DSTFLASH_BUILD_FIRMWARE=OFF -DSTFLASH_BUILD_TESTS=OFF -DSTFLASH_COMPAT_TESTS=OFF \
    -DSTFLASH_LOADER_CC=STFLASH_LOADER_CC-NOTFOUND \
    -DSTFLASH_LOADER_OBJCOPY=STFLASH_LOADER_OBJCOPY-NOTFOUND -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    >"$work/configure.log" 2>&1 ||
    fail "configure failed: $(tail -n 20 "$work/configure.log")"
! grep -qiE '^(UNICORN|CMOCKA)_' "$work/CMakeCache.txt" ||
    fail "the minimal configuration looked for Unicorn or cmocka"
! grep -qiE '^[a-z_]*openocd[a-z_]*:' "$work/CMakeCache.txt" || fail "the minimal configuration looked for OpenOCD"
nice cmake --build "$work" -j2 --target stflash_cli stflash-st-info stflash-st-flash \
    >"$work/build.log" 2>&1 || fail "build failed: $(grep -m5 -E 'error|Error' "$work/build.log")"
! grep -q "Assembling the flash loader" "$work/build.log" ||
    fail "the minimal build assembled loaders instead of using the committed ones"

cli="$work/tools/stflash"
[ -x "$cli" ] || fail "no stflash built"
! ldd "$cli" | grep -qE 'libunicorn|libcmocka|libstflash-sim' ||
    fail "stflash links the virtual board or the test libraries: $(ldd "$cli")"
"$cli" --version | grep -q "^stflash " || fail "stflash --version: $("$cli" --version 2>&1)"
set +e
"$cli" --probe sim info >"$work/out" 2>"$work/err"
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "virtual board" "$work/err" ||
    fail "--probe sim without the virtual board: exit $rc, $(cat "$work/err")"

# The library's internal headers stay inside it: the CLI's main.c, compiled as the build compiles
# it, cannot include one (src/CMakeLists.txt, tools/CMakeLists.txt), while the public header
# compiles.
compile_as_cli() { # FILE: compile FILE with the command line of tools/stflash/main.c
    python3 - "$work/compile_commands.json" "$1" <<'PY'
import json, shlex, subprocess, sys
cmds = [c for c in json.load(open(sys.argv[1])) if c["file"].endswith("/tools/stflash/main.c")]
args = shlex.split(cmds[0]["command"])
args = [sys.argv[2] if a.endswith("/tools/stflash/main.c") else a for a in args]
out = args.index("-o")
args[out + 1] = sys.argv[2] + ".o"
sys.exit(subprocess.run(args, cwd=cmds[0]["directory"], capture_output=True).returncode)
PY
}
printf '#include "stflash/stflash.h"\nint probe_public;\n' >"$work/public.c"
printf '#include "core/le.h"\nint probe_internal;\n' >"$work/internal.c"
compile_as_cli "$work/public.c" || fail "the CLI's compile command cannot include stflash/stflash.h"
! compile_as_cli "$work/internal.c" ||
    fail "the CLI's compile command reaches the library's internal headers (src/ is not private)"

echo "ok: library and tools built without the virtual board, tests, firmware or ARM toolchain"
