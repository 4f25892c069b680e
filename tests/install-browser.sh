#!/usr/bin/env bash
# Installs Debian's chromium and the CJK fonts the public page's browser test needs
# (fonts-hanazono carries rare characters such as 𠀀 that Noto CJK lacks). Does
# nothing when chromium is already there. Run by `.ci/run`, and by the test itself
# when chromium is missing, so that `cargo test --workspace` needs no manual step.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo -n"
fi
echo "installing Debian's chromium for the public page's browser test" >&2
$sudo apt-get update -q >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    chromium fonts-noto-cjk fonts-hanazono >&2
