#!/usr/bin/env bash
# The installed libraries, as a program outside this tree uses them:
# - libstflash.so.0 exports only stflash_* (nm -D), has its SONAME and does not need Unicorn;
#   libstflash-sim.so.0 exports only stflash_sim_*;
# - libstflash.a defines the same globals as the shared library and nothing else, so a program
#   with its own flash_write, usb_open, ctx_log or stlink_open links it;
# - programs built through pkg-config (shared and static) and through find_package(stflash)
#   run: they print the version, and a "sim" selector fails naming libstflash-sim, with no
#   libunicorn in their link line or among the libraries they load;
# - a program that links stflash-sim (pkg-config or stflash::sim) opens the virtual board.
. "$(dirname "$0")/lib.sh"
build=$1
prefix="$WORK/prefix"
cmake --install "$build" --prefix "$prefix" >"$WORK/install.log" 2>&1 ||
    fail "cmake --install failed: $(tail "$WORK/install.log")"
for tool in nm readelf ldd pkg-config cc; do
    command -v "$tool" >/dev/null || fail "$tool is needed (binutils, libc-bin, pkg-config, gcc)"
done
pcfile=$(find "$prefix" -name stflash.pc | head -n 1)
[ -n "$pcfile" ] || fail "stflash.pc not installed"
libdir=$(dirname "$(dirname "$pcfile")")
export PKG_CONFIG_PATH="$libdir/pkgconfig"
version=$(pkg-config --modversion stflash)

# ---- the symbols ----

readelf -d "$libdir/libstflash.so" >"$WORK/dyn" || fail "readelf libstflash.so"
grep -q 'Library soname: \[libstflash.so.0\]' "$WORK/dyn" || fail "libstflash.so has no SONAME libstflash.so.0"
! grep -qi unicorn "$WORK/dyn" || fail "libstflash.so needs Unicorn: $(grep -i unicorn "$WORK/dyn")"
[ "$(readlink "$libdir/libstflash.so.0")" = "libstflash.so.$version" ] ||
    fail "libstflash.so.0 -> $(readlink "$libdir/libstflash.so.0"), expected libstflash.so.$version"

nm -D --defined-only --format=posix "$libdir/libstflash.so" | cut -d' ' -f1 | sed 's/@.*//' |
    sort -u >"$WORK/so.syms"
grep -qx stflash_open "$WORK/so.syms" || fail "libstflash.so does not export stflash_open"
grep -qx stflash_version "$WORK/so.syms" || fail "libstflash.so does not export stflash_version"
grep -qx stflash_register_sim_backend "$WORK/so.syms" ||
    fail "libstflash.so does not export stflash_register_sim_backend"
others=$(grep -v '^stflash_' "$WORK/so.syms" || true)
[ -z "$others" ] || fail "libstflash.so exports symbols without the stflash_ prefix: $(echo $others)"
pass "libstflash.so.0 exports only stflash_* ($(wc -l <"$WORK/so.syms") functions), needs no Unicorn"

nm -D --defined-only --format=posix "$libdir/libstflash-sim.so" | cut -d' ' -f1 | sed 's/@.*//' |
    sort -u >"$WORK/sim.syms"
grep -qx stflash_sim_register "$WORK/sim.syms" || fail "libstflash-sim.so does not export stflash_sim_register"
others=$(grep -v '^stflash_sim_' "$WORK/sim.syms" || true)
[ -z "$others" ] || fail "libstflash-sim.so exports more than stflash_sim_*: $(echo $others)"
pass "libstflash-sim.so.0 exports only stflash_sim_*"

nm -g --defined-only --format=posix "$libdir/libstflash.a" | grep -v ':$' | cut -d' ' -f1 |
    grep . | sort -u >"$WORK/a.syms"
diff "$WORK/so.syms" "$WORK/a.syms" >"$WORK/a.diff" ||
    fail "libstflash.a does not define the same globals as libstflash.so: $(cat "$WORK/a.diff")"
pass "libstflash.a defines only the globals libstflash.so exports"

for module in stflash stflash-sim; do
    pkg-config --exists "$module" || fail "pkg-config does not find $module"
done
if pkg-config --print-requires --print-requires-private stflash | grep -qi unicorn ||
    pkg-config --static --libs stflash | grep -qi unicorn; then
    fail "stflash.pc names Unicorn: $(cat "$pcfile")"
fi
pass "stflash.pc does not name Unicorn"

# ---- programs built outside the tree ----

# The names below are the library's internal ones (or stlink-tools'), with other meanings: a
# program may define them.
cat >"$WORK/app.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <stflash/stflash.h>
int flash_write(void) { return 7; }
int usb_open(const char *path) { return path ? 1 : 0; }
void ctx_log(int level) { (void)level; }
int stlink_open(int n) { return n; }
int main(void)
{
    struct stflash_ctx *ctx;
    struct stflash_probe_info *list;
    size_t count;
    if (strcmp(stflash_version(), STFLASH_VERSION_STRING) != 0 || stflash_ctx_new(&ctx) != 0)
        return 2;
    printf("version %s %d.%d.%d\n", stflash_version(), STFLASH_VERSION_MAJOR,
           STFLASH_VERSION_MINOR, STFLASH_VERSION_PATCH);
    int rc = stflash_probe_list(ctx, "sim:stm32f103c8", &list, &count);
    printf("sim: %s: %s\n", stflash_error_name(rc), stflash_last_error(ctx));
    stflash_ctx_free(ctx);
    return rc == STFLASH_ERR_UNSUPPORTED && flash_write() == 7 ? 0 : 1;
}
C

# check_app NAME: runs $WORK/NAME and checks what it printed and what it loaded.
check_app() {
    local app="$WORK/$1"
    "$app" >"$WORK/out" 2>"$WORK/err" || fail "$1 failed (status $?)"
    expect_out "version $version $version"
    expect_out "sim: STFLASH_ERR_UNSUPPORTED: the virtual board is not part of this program (a program using the library links libstflash-sim"
    readelf -d "$app" >"$WORK/dyn"
    ! grep -qi unicorn "$WORK/dyn" || fail "$1 needs Unicorn: $(grep -i unicorn "$WORK/dyn")"
    ldd "$app" >"$WORK/ldd" || fail "ldd $1"
    ! grep -qi unicorn "$WORK/ldd" || fail "$1 loads Unicorn: $(grep -i unicorn "$WORK/ldd")"
}

flags=$(pkg-config --cflags --libs stflash) || fail "pkg-config --libs stflash failed"
! echo "$flags" | grep -qi unicorn || fail "pkg-config --libs stflash names Unicorn: $flags"
cc -std=c11 -o "$WORK/app_pc" "$WORK/app.c" $flags -Wl,-rpath,"$libdir" 2>"$WORK/cc.err" ||
    fail "linking with pkg-config flags failed: $(cat "$WORK/cc.err")"
check_app app_pc
grep -q 'NEEDED.*\[libstflash.so.0\]' "$WORK/dyn" || fail "app_pc does not need libstflash.so.0"
pass "a program linked with \$(pkg-config --libs stflash) runs without Unicorn"

# Static: the archive instead of -lstflash, with the (shared) libraries of the modules it
# requires privately.
flags=$(pkg-config --cflags --libs stflash)
flags="${flags/-lstflash/-l:libstflash.a} $(pkg-config --libs $(pkg-config --print-requires-private stflash))"
cc -std=c11 -o "$WORK/app_static" "$WORK/app.c" $flags 2>"$WORK/cc.err" ||
    fail "linking libstflash.a failed: $(cat "$WORK/cc.err")"
check_app app_static
! grep -q 'NEEDED.*libstflash' "$WORK/dyn" || fail "app_static needs a shared libstflash"
pass "a program with its own flash_write, usb_open, ctx_log and stlink_open links libstflash.a"

command -v cmake >/dev/null || fail "cmake is needed"
mkdir -p "$WORK/cm"
cp "$WORK/app.c" "$WORK/cm/app.c"
cat >"$WORK/cm/sim.c" <<'C'
#include <stdio.h>
#include <stflash/sim.h>
#include <stflash/stflash.h>
int main(int argc, char **argv)
{
    struct stflash_ctx *ctx;
    struct stflash_dev *dev;
    struct stflash_target_info t;
    struct stflash_open_options o = {.selector = argv[1], .connect = STFLASH_CONNECT_HOT_PLUG};
    if (argc != 2 || stflash_sim_register() != 0 || stflash_ctx_new(&ctx) != 0)
        return 2;
    if (stflash_open(ctx, &o, &dev) != 0) {
        fprintf(stderr, "%s\n", stflash_last_error(ctx));
        return 1;
    }
    stflash_target_info(dev, &t);
    printf("%03x %u\n", t.dev_id, t.flash_size);
    stflash_close(dev);
    stflash_ctx_free(ctx);
    return 0;
}
C
cat >"$WORK/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(stflash_user C)
find_package(stflash REQUIRED)
add_executable(app_cmake app.c)
target_link_libraries(app_cmake PRIVATE stflash::stflash)
add_executable(sim_cmake sim.c)
target_link_libraries(sim_cmake PRIVATE stflash::sim)
CM
(cmake -S "$WORK/cm" -B "$WORK/cm/build" -DCMAKE_PREFIX_PATH="$prefix" &&
    cmake --build "$WORK/cm/build") >"$WORK/cm.log" 2>&1 ||
    fail "a CMake project with find_package(stflash) does not build: $(tail -n 20 "$WORK/cm.log")"
! grep -qi unicorn "$WORK/cm/build/CMakeFiles/app_cmake.dir/link.txt" ||
    fail "stflash::stflash puts Unicorn in the link line: $(cat "$WORK/cm/build/CMakeFiles/app_cmake.dir/link.txt")"
cp "$WORK/cm/build/app_cmake" "$WORK/app_cmake"
check_app app_cmake
pass "a program built with find_package(stflash) and stflash::stflash runs without Unicorn"

"$WORK/cm/build/sim_cmake" "sim:stm32f103c8,state=$WORK/cm.state" >"$WORK/out" 2>"$WORK/err" ||
    fail "the stflash::sim program failed"
expect_out "410 65536"
pass "a program linked with stflash::sim opens the virtual board"

flags=$(pkg-config --cflags --libs stflash-sim) || fail "pkg-config --libs stflash-sim failed"
cc -std=c11 -o "$WORK/sim_pc" "$WORK/cm/sim.c" $flags -Wl,-rpath,"$libdir" 2>"$WORK/cc.err" ||
    fail "linking with pkg-config stflash-sim failed: $(cat "$WORK/cc.err")"
"$WORK/sim_pc" "sim:stm32f103c8,state=$WORK/pc.state" >"$WORK/out" 2>"$WORK/err" ||
    fail "the stflash-sim program failed"
expect_out "410 65536"
pass "a program linked with \$(pkg-config --libs stflash-sim) opens the virtual board"
