#!/usr/bin/env bash
# Installs what stflash needs to build, test and run its virtual board on Debian (12 or later).
# Uses sudo when not root. Does nothing when everything is already installed.
#   scripts/install-deps.sh            what the build and the test suite need
#   scripts/install-deps.sh --bench    that, and what the benchmarks need (make bench)
set -euo pipefail

packages=(
    build-essential cmake pkg-config          # host toolchain
    libusb-1.0-0-dev                          # USB access to real probes
    zlib1g-dev                                # CRC-32 on the host
    libmd-dev                                 # SHA-256 of images in the production log, MD5
    libjson-c-dev                             # --json output and the production log records
    python3-jsonschema                        # checks --json output against its schema (tests)
    libunicorn-dev                            # CPU emulator of the virtual board
    libcmocka-dev                             # unit tests
    gcc-arm-none-eabi libnewlib-arm-none-eabi # firmware, examples and on-target loaders
    openocd stlink-tools gdb-multiarch python3-pyocd srecord # peers for compatibility tests
    clang libclang-rt-14-dev                  # the libFuzzer harnesses (tests/fuzz)
    valgrind                                  # the integration tests under memcheck (tests/valgrind)
    clang-format-14                           # the format check (tests/build/format.sh)
    zsh fish                                  # loading the shell completions (tests/cli/install.sh)
)
# The plot of the benchmarks (bench/report.py): python3-matplotlib brings numpy, scipy and fonts
# (about 150 MB), so only the benchmarks install it; the test suite checks the plot when it is
# there and the tables without it.
if [ "${1:-}" = --bench ]; then
    packages+=(python3-matplotlib)
elif [ $# -gt 0 ]; then
    echo "usage: scripts/install-deps.sh [--bench]" >&2
    exit 2
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
