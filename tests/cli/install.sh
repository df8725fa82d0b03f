#!/usr/bin/env bash
# The installed tree: tools (which run from it), man pages, udev rules, headers, the libraries
# and their pkg-config files. Programs built against the libraries: library.sh.
. "$(dirname "$0")/lib.sh"
build=$1
prefix="$WORK/prefix"
cmake --install "$build" --prefix "$prefix" >"$WORK/install.log" 2>&1 || fail "cmake --install failed: $(tail "$WORK/install.log")"

for f in bin/stflash bin/stflash-st-info bin/stflash-st-flash bin/stflash-st-util share/man/man1/stflash.1 \
    share/man/man1/stflash-st-info.1 share/man/man1/stflash-st-flash.1 share/man/man1/stflash-st-util.1 \
    lib/udev/rules.d/49-stflash.rules include/stflash/stflash.h include/stflash/error.h \
    include/stflash/chip.h include/stflash/image.h include/stflash/version.h \
    include/stflash/backend.h include/stflash/sim.h; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
pcfile=$(find "$prefix" -name stflash.pc | head -n 1)
[ -n "$pcfile" ] || fail "stflash.pc not installed"
libdir=$(dirname "$(dirname "$pcfile")")
for f in libstflash.a libstflash.so libstflash.so.0 libstflash-sim.so libstflash-sim.so.0 \
    pkgconfig/stflash-sim.pc cmake/stflash/stflashConfig.cmake \
    cmake/stflash/stflashConfigVersion.cmake; do
    [ -e "$libdir/$f" ] || fail "$f not next to pkgconfig/"
done
[ ! -e "$prefix/bin/st-info" ] || [ "$(grep -c STFLASH_INSTALL_ST_NAMES:BOOL=ON "$build/CMakeCache.txt")" = 1 ] ||
    fail "st-info installed although STFLASH_INSTALL_ST_NAMES is off"
pass "files installed"

# Shell completion: installed where each shell looks, loads without error, and completes part
# names (stflash chips --names) after --chip with the installed tool.
bash_c="$prefix/share/bash-completion/completions/stflash"
zsh_c="$prefix/share/zsh/site-functions/_stflash"
fish_c="$prefix/share/fish/vendor_completions.d/stflash.fish"
for f in "$bash_c" "$zsh_c" "$fish_c"; do
    [ -e "$f" ] || fail "completion not installed: ${f#"$prefix"/}"
done
got=$(PATH="$prefix/bin:$PATH" bash -c '. "$1"; COMP_WORDS=(stflash --chip STM32F103x); COMP_CWORD=2;
    _stflash; printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_c") || fail "bash completion fails"
grep -qx STM32F103x8 <<<"$got" || fail "bash does not complete --chip STM32F103x8: $got"
command -v zsh >/dev/null || fail "zsh is not installed: run scripts/install-deps.sh"
command -v fish >/dev/null || fail "fish is not installed: run scripts/install-deps.sh"
zsh -n "$zsh_c" || fail "zsh completion does not parse"
zsh -fc "fpath=(${zsh_c%/*} \$fpath); autoload -Uz +X _stflash" 2>"$WORK/zsh.err" ||
    fail "zsh cannot load _stflash: $(cat "$WORK/zsh.err")"
fish -n "$fish_c" || fail "fish completion does not parse"
got=$(PATH="$prefix/bin:$PATH" fish -c "source '$fish_c'; complete -C 'stflash --chip STM32F103x'") ||
    fail "fish completion fails"
grep -qx STM32F103x8 <<<"$got" || fail "fish does not complete --chip STM32F103x8: $got"
got=$(PATH="$prefix/bin:$PATH" fish -c "source '$fish_c'; complete -C 'stflash er'")
grep -qx erase <<<"$got" || fail "fish does not complete the command erase: $got"
pass "bash, zsh and fish completions installed, loaded, completing --chip from chips --names"

for pid in 3748 374b 374f 3752 3753; do
    grep -q "ATTR{idProduct}==\"$pid\", MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\"" \
        "$prefix/lib/udev/rules.d/49-stflash.rules" || fail "udev rules lack 0483:$pid"
done
pass "udev rules"

# ST-LINK/V1: its udev rule, and the usb-storage quirk that keeps the kernel off it.
grep -q 'ATTR{idProduct}=="3744", MODE="0660", GROUP="plugdev", TAG+="uaccess"' \
    "$prefix/lib/udev/rules.d/49-stflash.rules" || fail "udev rules lack 0483:3744"
grep -qx 'options usb-storage quirks=483:3744:i' "$prefix/lib/modprobe.d/stflash-stlinkv1.conf" ||
    fail "the usb-storage quirk of the ST-LINK/V1 is not installed"
pass "ST-LINK/V1 udev rule and usb-storage quirk"

if command -v man >/dev/null; then
    for page in stflash stflash-st-info stflash-st-flash stflash-st-util; do
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

# The installed tools find the installed libraries (no LD_LIBRARY_PATH), the virtual board
# included.
"$prefix/bin/stflash" --probe "sim:stm32f103c8,state=$WORK/installed.state" info >"$WORK/out" \
    2>"$WORK/err" || fail "the installed stflash failed"
expect_out "DEV_ID:            0x410"
STFLASH_PROBE="sim:stm32f103c8,state=$WORK/installed.state" "$prefix/bin/stflash-st-info" \
    --probe >"$WORK/out" 2>"$WORK/err" || fail "the installed stflash-st-info failed"
expect_out "chipid:     0x0410"
pass "the installed tools run, with the virtual board"
# The emulator is loaded only for "sim" selectors (tools/sim_plugin.c): a run on a real probe
# maps neither libstflash-sim nor Unicorn.
for tool in stflash stflash-st-info stflash-st-flash stflash-st-util; do
    needed=$(objdump -p "$prefix/bin/$tool" | awk '$1 == "NEEDED" { print $2 }')
    echo "$needed" | grep -q '^libstflash\.so' || fail "$tool does not link libstflash: $needed"
    if echo "$needed" | grep -Eq 'libstflash-sim|libunicorn|libstdc\+\+'; then
        fail "$tool links the virtual board at start: $needed"
    fi
done
LD_DEBUG=libs "$prefix/bin/stflash" --probe "tcp:127.0.0.1:1" info >/dev/null 2>"$WORK/ld" \
    && fail "stflash found a probe at tcp:127.0.0.1:1"
if grep -q libunicorn "$WORK/ld"; then fail "stflash loaded Unicorn for a tcp: probe"; fi
LD_DEBUG=libs "$prefix/bin/stflash" --probe "sim:stm32f103c8,state=$WORK/installed.state" info \
    >/dev/null 2>"$WORK/ld" || fail "stflash with the virtual board failed"
grep -q 'libstflash-sim' "$WORK/ld" || fail "stflash did not load libstflash-sim for a sim probe"
pass "the virtual board is loaded only when a sim probe is used"

# bash completion: commands, a command's options (from its --help), virtual chips.
comp="$prefix/share/bash-completion/completions/stflash"
[ -e "$comp" ] || fail "not installed: share/bash-completion/completions/stflash"
complete_words() { # WORD...: what completing the last word offers
    PATH="$prefix/bin:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _stflash; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$comp" "$@"
}
[ "$(complete_words stflash wr)" = write ] || fail "completing 'wr': $(complete_words stflash wr)"
complete_words stflash write --no- | grep -qx -- --no-verify || fail "completing write --no-: $(complete_words stflash write --no-)"
complete_words stflash --probe sim:stm32f40 | grep -qx sim:stm32f407vg || fail "completing --probe sim:stm32f40: $(complete_words stflash --probe sim:stm32f40)"
complete_words stflash --probe sim:stm32f103c8 ch | grep -qx chips || fail "completing a command after --probe"
pass "bash completion: commands, options of a command, virtual chips"
