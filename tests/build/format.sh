#!/usr/bin/env bash
# The C sources follow the repository's .clang-format: clang-format changes nothing in any tracked
# .c or .h file (the flash loaders' generated headers excepted: tools/ writes them).
# Usage: format.sh SOURCE_DIR
set -euo pipefail
src=${1:?source directory}
cd "$src"
# The formatting is clang-format 14's (Debian 12); other versions lay some constructs out otherwise.
fmt=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$fmt" ] ||
    { echo "FAIL: clang-format is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h')
else
    mapfile -t files < <(find include src sim tools tests firmware examples -name '*.[ch]' | sort)
fi
mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -v '^src/flash/loaders/generated/')
[ "${#files[@]}" -gt 100 ] || { echo "FAIL: only ${#files[@]} C files found in $src" >&2; exit 1; }
if ! "$fmt" --dry-run --Werror "${files[@]}" 2>"${TMPDIR:-/tmp}/format.$$"; then
    n=$(grep -cE "(warning|error):" "${TMPDIR:-/tmp}/format.$$" || true)
    grep -E "(warning|error):" "${TMPDIR:-/tmp}/format.$$" | cut -d: -f1 | sort -u | head -20 >&2
    rm -f "${TMPDIR:-/tmp}/format.$$"
    echo "FAIL: $n lines differ from .clang-format; run: clang-format -i FILE..." >&2
    exit 1
fi
rm -f "${TMPDIR:-/tmp}/format.$$"
echo "ok: ${#files[@]} C files formatted as .clang-format says ($("$fmt" --version))"
