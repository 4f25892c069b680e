#!/usr/bin/env bash
# A static `shine` (x86_64, musl libc linked in) that runs on any x86_64 Linux, old
# glibc or none: Kylin V10 and UOS 20 ship glibc 2.28, older than the 2.34 a binary
# built on a current system needs.
#
#   bash scripts/build-static.sh                          # the shipping build (release)
#   bash scripts/build-static.sh --profile static-check   # CI's quick build of the same code
#
# Installs what is missing: the Rust target `x86_64-unknown-linux-musl` (rustup) and
# Debian's `musl-tools` (musl-gcc, for the C that mimalloc and, with TLS, ring compile;
# apt-get as root or with passwordless sudo). Prints the binary's path and size.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl
profile=release
if [[ "${1:-}" == "--profile" && -n "${2:-}" ]]; then
    profile=$2
elif [[ -n "${1:-}" ]]; then
    echo "usage: bash scripts/build-static.sh [--profile PROFILE]" >&2
    exit 2
fi

if ! rustup target list --installed | grep -qx "$target"; then
    echo "installing the Rust target $target" >&2
    rustup target add "$target" >&2
fi
if ! command -v musl-gcc >/dev/null; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo -n"
    fi
    echo "installing Debian's musl-tools (musl-gcc)" >&2
    $sudo apt-get update -q >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends musl-tools >&2
fi

# The C parts (cc crate) compile with musl-gcc; Rust links the musl target statically
# by default (crt-static), with its own copy of musl.
export CC_x86_64_unknown_linux_musl=musl-gcc
nice cargo build --locked -p shine --target "$target" --profile "$profile"

dir=$profile
[[ "$profile" == dev ]] && dir=debug
bin="${CARGO_TARGET_DIR:-target}/$target/$dir/shine"
bytes=$(stat -c %s "$bin")
echo "$bin"
echo "size: $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }'))"
