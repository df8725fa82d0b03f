#!/usr/bin/env bash
# The installed tree: tools, man pages, udev rules, headers, libstflash.a and stflash.pc; a
# program built with `pkg-config --cflags --libs stflash` opens the virtual board.
. "$(dirname "$0")/lib.sh"
build=$1
prefix="$WORK/prefix"
cmake --install "$build" --prefix "$prefix" >"$WORK/install.log" 2>&1 || fail "cmake --install failed: $(tail "$WORK/install.log")"

for f in bin/stflash bin/stflash-st-info bin/stflash-st-flash share/man/man1/stflash.1 \
    share/man/man1/stflash-st-info.1 share/man/man1/stflash-st-flash.1 \
    lib/udev/rules.d/49-stflash.rules include/stflash/stflash.h include/stflash/error.h \
    include/stflash/chip.h include/stflash/image.h; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
pcfile=$(find "$prefix" -name stflash.pc | head -n 1)
[ -n "$pcfile" ] || fail "stflash.pc not installed"
libdir=$(dirname "$(dirname "$pcfile")")
[ -f "$libdir/libstflash.a" ] || fail "libstflash.a not next to pkgconfig/"
[ ! -e "$prefix/bin/st-info" ] || [ "$(grep -c STFLASH_INSTALL_ST_NAMES:BOOL=ON "$build/CMakeCache.txt")" = 1 ] ||
    fail "st-info installed although STFLASH_INSTALL_ST_NAMES is off"
pass "files installed"

for pid in 3748 374b 374f 3752 3753; do
    grep -q "ATTR{idProduct}==\"$pid\", MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\"" \
        "$prefix/lib/udev/rules.d/49-stflash.rules" || fail "udev rules lack 0483:$pid"
done
pass "udev rules"

if command -v man >/dev/null; then
    for page in stflash stflash-st-info stflash-st-flash; do
        MANWIDTH=100 man -l "$prefix/share/man/man1/$page.1" >"$WORK/man.txt" 2>"$WORK/man.err" ||
            fail "man $page: $(cat "$WORK/man.err")"
        [ ! -s "$WORK/man.err" ] || fail "man $page warns: $(cat "$WORK/man.err")"
        grep -q "EXIT STATUS" "$WORK/man.txt" || fail "no exit status in $page(1)"
    done
    pass "man pages render"
else
    echo "note: man is not installed; the man pages were not rendered"
fi
for code in 0 1 2 3 4 5 6; do
    grep -q "^\.B $code\$" "$prefix/share/man/man1/stflash.1" || fail "exit status $code missing from stflash(1)"
done

cat >"$WORK/app.c" <<'C'
#include <stdio.h>
#include <stflash/stflash.h>
int main(int argc, char **argv)
{
    struct stflash_ctx *ctx;
    struct stflash_dev *dev;
    struct stflash_target_info t;
    struct stflash_open_options o = {.selector = argv[1], .connect = STFLASH_CONNECT_HOT_PLUG};
    if (argc != 2 || stflash_ctx_new(&ctx) != 0)
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
export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs stflash) || fail "pkg-config --libs stflash failed"
cc -std=c11 -o "$WORK/app" "$WORK/app.c" $flags 2>"$WORK/cc.err" || fail "linking with pkg-config flags failed: $(cat "$WORK/cc.err")"
"$WORK/app" "sim:stm32f103c8,state=$WORK/app.state" >"$WORK/out" 2>"$WORK/err" || fail "the program failed"
expect_out "410 65536"
pass "a program linked with \$(pkg-config --libs stflash) runs"
